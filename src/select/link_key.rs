//! The key under which links are the same story for de-duplication.
//!
//! Real archives carry one story under several links that differ only in
//! what the publisher's tools add to it: tracking parameters
//! (`utm_source=…`, `fbclid=…`, `gclid=…`, `mc_cid=…`, `mc_eid=…`), a
//! fragment, a default port, an empty query (a trailing `?`). The key sets
//! those aside; the link shown in the feed stays the one of the copy kept.
//!
//! Links reach `select` as `load` resolved them: serialised by the `url`
//! crate, so the scheme and host are already lower case, an IDN host is in
//! its `xn--` form, a default port is already gone and `.`/`..` path parts
//! are resolved. The key therefore works on the text alone and never parses
//! it again: it runs on every link of a run (100,000 and more). A link with
//! nothing to set aside (the common case) is returned as it is, without
//! allocating; one that only loses its end (a fragment, trailing tracking
//! parameters) is a borrowed prefix; only a link that loses a part in the
//! middle (a parameter before another one that is kept, a default port
//! written by a caller that did not go through `load`) is copied.
//!
//! Parameter names are compared as written (not percent-decoded): the
//! `utm_` prefix in any ASCII case (`UTM_Source` is seen in the wild and
//! can only be tracking), the other names exactly, in lower case, as the
//! services that add them write them. Every other parameter is kept, in
//! its order and spelling. Links that are not `http(s)://` are left as
//! they are.

use std::borrow::Cow;

/// Parameters that only say where a reader came from.
const TRACKING: [&str; 4] = ["fbclid", "gclid", "mc_cid", "mc_eid"];

/// The de-duplication key of `link`: the link without tracking parameters,
/// fragment, default port or empty query.
pub(crate) fn dedupe_key(link: &str) -> Cow<'_, str> {
    let Some(after_scheme) = authority_start(link) else {
        return Cow::Borrowed(link);
    };
    // Everything from the first `#` is the fragment; `?` starts the query
    // only before it. (`str::find` of one ASCII character is a memchr: two
    // of them beat one byte-by-byte pass for both, 42 against 110 ns a
    // link.)
    let without_fragment = link.find('#').map_or(link, |at| &link[..at]);
    let (before_query, query) = match without_fragment.find('?') {
        Some(at) => (&link[..at], Some(&without_fragment[at + 1..])),
        None => (without_fragment, None),
    };
    let port = default_port_span(link, after_scheme, before_query.len());
    let query_kept = query.and_then(kept_query);
    if port.is_none() {
        match (query, &query_kept) {
            (None, _) => return Cow::Borrowed(without_fragment),
            (Some(_), None) => return Cow::Borrowed(before_query),
            (Some(q), Some(kept)) => {
                if let Cow::Borrowed(kept) = kept {
                    // A prefix of the query (trailing parameters dropped).
                    let end = before_query.len() + 1 + kept.len();
                    debug_assert!(q.starts_with(kept));
                    return Cow::Borrowed(&link[..end]);
                }
            }
        }
    }
    let mut key = String::with_capacity(without_fragment.len());
    match port {
        Some((from, to)) => {
            key.push_str(&before_query[..from]);
            key.push_str(&before_query[to..]);
        }
        None => key.push_str(before_query),
    }
    if let Some(kept) = &query_kept {
        key.push('?');
        key.push_str(kept);
    }
    Cow::Owned(key)
}

/// Where the authority of an `http://` or `https://` link starts (any
/// ASCII case), with the scheme's default port; `None` for other links.
fn authority_start(link: &str) -> Option<(usize, &'static str)> {
    let bytes = link.as_bytes();
    if bytes.len() >= 8 && bytes[..8].eq_ignore_ascii_case(b"https://") {
        Some((8, ":443"))
    } else if bytes.len() >= 7 && bytes[..7].eq_ignore_ascii_case(b"http://") {
        Some((7, ":80"))
    } else {
        None
    }
}

/// The byte span of an explicit default port (`:443` for https, `:80`
/// for http) at the end of the authority, if there is one.
fn default_port_span(
    link: &str,
    (start, port): (usize, &'static str),
    end: usize,
) -> Option<(usize, usize)> {
    let rest = &link[start..end];
    let authority_end = start + rest.find('/').unwrap_or(rest.len());
    let authority = &link[start..authority_end];
    authority
        .strip_suffix(port)
        .filter(|host| !host.is_empty() && !host.ends_with(':'))
        .map(|_| (authority_end - port.len(), authority_end))
}

/// The query without its tracking parameters: `None` when no parameter
/// is left (empty parts between `&` are not parameters), a borrowed
/// prefix when only trailing ones go.
fn kept_query(query: &str) -> Option<Cow<'_, str>> {
    let mut first_dropped = None;
    let mut end_of_kept = 0;
    let mut kept_after_drop = false;
    let mut any_kept = false;
    let mut offset = 0;
    for part in query.split('&') {
        if is_tracking(part) {
            first_dropped.get_or_insert(offset);
        } else {
            any_kept |= !part.is_empty();
            if first_dropped.is_some() {
                kept_after_drop = true;
            } else {
                end_of_kept = offset + part.len();
            }
        }
        offset += part.len() + 1;
    }
    if !any_kept {
        return None;
    }
    if first_dropped.is_none() {
        return Some(Cow::Borrowed(query));
    }
    if !kept_after_drop {
        return Some(Cow::Borrowed(&query[..end_of_kept]));
    }
    let kept: Vec<&str> = query.split('&').filter(|p| !is_tracking(p)).collect();
    Some(Cow::Owned(kept.join("&")))
}

fn is_tracking(parameter: &str) -> bool {
    let name = parameter
        .split_once('=')
        .map_or(parameter, |(name, _)| name);
    name.get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("utm_"))
        || TRACKING.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(link: &str) -> String {
        dedupe_key(link).into_owned()
    }

    fn borrowed(link: &str) -> bool {
        matches!(dedupe_key(link), Cow::Borrowed(_))
    }

    #[test]
    fn each_variant_gives_the_plain_link() {
        let plain = "https://news.example/a/story";
        for variant in [
            "https://news.example/a/story?utm_source=x",
            "https://news.example/a/story?utm_source=x&utm_medium=email&utm_campaign=c",
            "https://news.example/a/story?UTM_Source=x",
            "https://news.example/a/story?utm_=x",
            "https://news.example/a/story?fbclid=IwAR0abc",
            "https://news.example/a/story?gclid=Cj0KC",
            "https://news.example/a/story?mc_cid=1&mc_eid=2",
            "https://news.example/a/story?utm_source",
            "https://news.example/a/story#comments",
            "https://news.example/a/story#",
            "https://news.example/a/story?",
            "https://news.example/a/story?#x",
            "https://news.example/a/story?utm_source=x#frag",
            "https://news.example:443/a/story",
            "https://news.example:443/a/story?fbclid=1#top",
        ] {
            assert_eq!(key(variant), plain, "{variant}");
        }
        assert_eq!(key("http://news.example:80/a"), "http://news.example/a");
        assert_eq!(key("HTTP://news.example:80/a"), "HTTP://news.example/a");
        assert_eq!(key("http://news.example:80"), "http://news.example");
        assert_eq!(
            key("https://u:p@news.example:443/"),
            "https://u:p@news.example/"
        );
    }

    #[test]
    fn other_parameters_are_kept_in_their_order() {
        assert_eq!(
            key("https://x.example/watch?v=abc&utm_source=x&t=10"),
            "https://x.example/watch?v=abc&t=10"
        );
        assert_eq!(
            key("https://x.example/p?utm_source=x&b=2&a=1#f"),
            "https://x.example/p?b=2&a=1"
        );
        assert_eq!(
            key("https://x.example/p?b=2&a=1&gclid=9"),
            "https://x.example/p?b=2&a=1"
        );
        // Names are matched as written: these are not tracking parameters.
        for kept in [
            "https://x.example/p?FBCLID=1",
            "https://x.example/p?Gclid=1",
            "https://x.example/p?utm=1",
            "https://x.example/p?xutm_source=1",
            "https://x.example/p?utm%5Fsource=1",
            "https://x.example/p?ref=utm_source",
            "https://x.example/p?mc_cids=1",
            "https://x.example/p?page=2",
        ] {
            assert_eq!(key(kept), kept);
            assert!(borrowed(kept), "{kept}");
        }
        // The port of the other scheme is not a default one.
        for kept in [
            "https://x.example:80/p",
            "http://x.example:443/p",
            "https://x.example:4430/p",
            "https://x.example/p:443",
        ] {
            assert_eq!(key(kept), kept);
        }
    }

    #[test]
    fn weird_and_invalid_links_are_left_as_they_are() {
        for odd in [
            "",
            "not a url",
            "mailto:a@b.example?utm_source=x",
            "ftp://x.example/a?utm_source=x#f",
            "javascript:alert(1)#x",
            "https://",
            "https://:443",
            "http://:80/",
            "https://x.example/?=&",
            "https://x.example/a?&&b",
            "//x.example/a?utm_source=1",
            "https",
        ] {
            assert_eq!(key(odd), odd, "{odd:?}");
        }
    }

    #[test]
    fn international_hosts_and_paths() {
        // `load` gives the punycode form; the key keeps either as it is.
        assert_eq!(
            key("https://xn--bcher-kva.example/r%C3%A9sum%C3%A9?utm_source=x#top"),
            "https://xn--bcher-kva.example/r%C3%A9sum%C3%A9"
        );
        assert_eq!(
            key("https://bücher.example:443/résumé?ä=ö&utm_source=x&ü=1"),
            "https://bücher.example/résumé?ä=ö&ü=1"
        );
        let resolved =
            crate::load::resolve_link("https://BÜCHER.example:443/a?utm_source=x#f", None).unwrap();
        assert_eq!(key(&resolved), "https://xn--bcher-kva.example/a");
    }

    #[test]
    fn nothing_to_set_aside_borrows_and_suffixes_borrow_a_prefix() {
        for link in [
            "https://x.example/a",
            "https://x.example/a?b=1&c=2",
            "https://x.example/a#f",
            "https://x.example/a?b=1&utm_source=2",
            "https://x.example/a?utm_source=2",
            "https://x.example/a?",
        ] {
            assert!(borrowed(link), "{link}");
        }
        assert!(!borrowed("https://x.example/a?utm_source=2&b=1"));
        assert!(!borrowed("https://x.example:443/a"));
    }

    fn tracking_parameter() -> impl Strategy<Value = String> {
        (
            prop_oneof![
                "utm_[a-z]{0,8}",
                "UTM_[A-Za-z]{1,8}",
                Just("fbclid".to_owned()),
                Just("gclid".to_owned()),
                Just("mc_cid".to_owned()),
                Just("mc_eid".to_owned()),
            ],
            proptest::option::of("[A-Za-z0-9%._-]{0,12}"),
        )
            .prop_map(|(name, value)| match value {
                Some(value) => format!("{name}={value}"),
                None => name,
            })
    }

    fn link() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just("https://"), Just("http://"), Just("HTTPS://")],
            "[a-z0-9.-]{1,12}",
            prop_oneof![Just(""), Just(":443"), Just(":80"), Just(":8080")],
            "(/[A-Za-z0-9%._~:@-]{0,8}){0,3}",
            proptest::option::of(proptest::collection::vec("[A-Za-z0-9%._~=-]{0,10}", 0..4)),
            proptest::option::of("[A-Za-z0-9?#&=/_-]{0,10}"),
        )
            .prop_map(|(scheme, host, port, path, query, fragment)| {
                let mut link = format!("{scheme}{host}{port}{path}");
                if let Some(query) = query {
                    link.push('?');
                    link.push_str(&query.join("&"));
                }
                if let Some(fragment) = fragment {
                    link.push('#');
                    link.push_str(&fragment);
                }
                link
            })
    }

    /// `link` with `extra` parameters inserted into its query at `at`
    /// (a fraction of its length).
    fn with_parameters(link: &str, extra: &[String], at: usize) -> String {
        let (base, fragment) = match link.find('#') {
            Some(i) => link.split_at(i),
            None => (link, ""),
        };
        let (path, query) = match base.find('?') {
            Some(i) => (&base[..i], Some(&base[i + 1..])),
            None => (base, None),
        };
        let mut parts: Vec<String> = match query {
            Some("") | None => Vec::new(),
            Some(q) => q.split('&').map(str::to_owned).collect(),
        };
        let at = at % (parts.len() + 1);
        for (i, p) in extra.iter().enumerate() {
            parts.insert(at + i, p.clone());
        }
        format!("{path}?{}{fragment}", parts.join("&"))
    }

    proptest! {
        #[test]
        fn the_key_is_idempotent(link in link()) {
            let once = key(&link);
            prop_assert_eq!(key(&once), once.clone());
            // The key is a link without what it sets aside: never longer.
            prop_assert!(once.len() <= link.len());
        }

        #[test]
        fn tracking_parameters_never_change_the_key(
            link in link(),
            extra in proptest::collection::vec(tracking_parameter(), 1..4),
            at in 0usize..8,
        ) {
            let tracked = with_parameters(&link, &extra, at);
            prop_assert_eq!(key(&tracked), key(&link), "{}", tracked);
        }
    }
}
