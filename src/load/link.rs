//! Turning URLs from front matter into absolute http(s) links, or refusing them.

use url::Url;

/// Resolve `raw` to an absolute http(s) URL. A site-relative or
/// dot-relative URL is resolved against `site_url`; anything else that is
/// not an http(s) URL with a host is refused, with the reason.
pub fn resolve(raw: &str, site_url: Option<&Url>) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("empty URL".into());
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{}` is not a URL", shorten(s)));
    }
    let url = match Url::parse(s) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) if is_relative(s) => match site_url {
            Some(base) => base
                .join(s)
                .map_err(|e| format!("cannot resolve `{}`: {e}", shorten(s)))?,
            None => {
                return Err(format!(
                    "relative URL `{}` and no `site_url` in the config to resolve it against",
                    shorten(s)
                ))
            }
        },
        Err(_) => return Err(format!("`{}` is not a URL", shorten(s))),
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{}` is not an http(s) URL", shorten(s)));
    }
    Ok(url.into())
}

fn is_relative(s: &str) -> bool {
    s.starts_with('/') || s.starts_with("./") || s.starts_with("../")
}

/// Keep messages short when the input is not.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_absolute_http_urls() {
        assert_eq!(
            resolve(" https://example.com/a?b=1&c=2 ", None).unwrap(),
            "https://example.com/a?b=1&c=2"
        );
        assert_eq!(
            resolve("http://example.com", None).unwrap(),
            "http://example.com/"
        );
    }

    #[test]
    fn resolves_relative_urls_against_site() {
        let site = Url::parse("https://site.example/blog/").unwrap();
        assert_eq!(
            resolve("/assets/x.jpg", Some(&site)).unwrap(),
            "https://site.example/assets/x.jpg"
        );
        assert_eq!(
            resolve("./x", Some(&site)).unwrap(),
            "https://site.example/blog/x"
        );
        assert!(resolve("/assets/x.jpg", None)
            .unwrap_err()
            .contains("site_url"));
        assert_eq!(
            resolve("//cdn.example/x.png", Some(&site)).unwrap(),
            "https://cdn.example/x.png"
        );
    }

    #[test]
    fn refuses_everything_else() {
        let site = Url::parse("https://site.example/").unwrap();
        for bad in [
            "javascript:alert(1)",
            "not a url",
            "mailto:a@b.c",
            "ftp://x.example/",
            "foo",
            "http://",
            "data:text/html,x",
        ] {
            assert!(resolve(bad, Some(&site)).is_err(), "{bad}");
        }
    }
}
