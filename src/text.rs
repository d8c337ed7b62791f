//! Cleaning untrusted text from front matter into plain text that is safe
//! to put in any XML or HTML output.

use std::borrow::Cow;

/// Longest summary kept, in characters; longer ones are cut at a word boundary.
pub const MAX_SUMMARY_CHARS: usize = 2000;

/// Whether XML 1.0 allows `c` in a document (C1 controls are allowed there
/// but discouraged, and they are never meant in real text, so they go too).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{7E}').contains(&c)
        || ('\u{A0}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}'
}

/// Drop every character XML 1.0 forbids; keep the rest as it is.
pub fn strip_forbidden(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Title or excerpt as found in real data (already HTML-escaped, with stray
/// line breaks and NBSP) → one line of plain text: decode character references
/// once, collapse whitespace runs to one space, trim, drop forbidden characters.
pub fn clean_line(raw: &str) -> String {
    if is_clean_line(raw) {
        return raw.to_owned();
    }
    decode_and_collapse(raw)
}

/// `clean_line` without its shortcut for lines that are clean already.
fn decode_and_collapse(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    let mut out = String::with_capacity(decoded.len());
    let mut pending_space = false;
    for c in decoded.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if is_xml_char(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether `clean_line` would give `raw` back unchanged, by a quick look:
/// printable ASCII without `&`, single spaces between words, no space at
/// either end.
fn is_clean_line(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    !bytes.starts_with(b" ")
        && !bytes.ends_with(b" ")
        && all_bytes(raw, |b| matches!(b, b' '..=b'~') && b != b'&')
        && !raw.contains("  ")
}

/// Whether every byte of `text` passes `test`: checked a block at a time
/// without stopping early inside a block, which the compiler can run on
/// many bytes at once.
pub fn all_bytes(text: &str, test: impl Fn(u8) -> bool) -> bool {
    text.as_bytes()
        .chunks(64)
        .all(|block| block.iter().fold(true, |all, &b| all & test(b)))
}

/// Cut `s` to at most `max` characters, at the last space before the limit
/// when there is one, and end it with an ellipsis. Returns `None` when `s`
/// is short enough already.
pub fn truncate_words(s: &str, max: usize) -> Option<String> {
    if s.len() <= max {
        return None;
    }
    let (cut, _) = s.char_indices().nth(max)?;
    let head = &s[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    Some(format!("{}…", head.trim_end()))
}

/// Escape text for HTML element content or a double-quoted attribute.
pub fn escape_html(s: &str) -> Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
}

/// Whether a reader that has to guess (RSS says nothing about whether a
/// title is text or HTML) takes `text` for HTML: it holds an end tag
/// (`</b>`) or a character reference (`&amp;`, `&#38;`). This is
/// feedparser's test, made a little wider (any word before `>` or `;`):
/// taking too much for HTML is harmless, see [`rss_text`].
pub fn looks_like_html(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let followed_by_word_then = |rest: &str, end: char| {
        let tail = rest.trim_start_matches(word);
        tail.len() < rest.len() && tail.starts_with(end)
    };
    text.match_indices("</")
        .any(|(i, _)| followed_by_word_then(&text[i + 2..], '>'))
        || text.match_indices('&').any(|(i, _)| {
            let rest = &text[i + 1..];
            followed_by_word_then(rest.strip_prefix('#').unwrap_or(rest), ';')
        })
}

/// Plain text for an RSS element that readers may read as HTML (`title`,
/// the channel `description`): as it is, unless it looks like HTML, in which
/// case it is written as the HTML that shows it (`AT&amp;T` → `AT&amp;amp;T`),
/// so that a reader shows the same text whichever way it guesses. The
/// escaped form always looks like HTML, so the guess then goes that way.
pub fn rss_text(text: &str) -> Cow<'_, str> {
    if looks_like_html(text) {
        escape_html(text)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_entities_once_and_collapses_whitespace() {
        assert_eq!(
            clean_line("  It&#8217;s\r\n a&nbsp;test &amp;amp; "),
            "It\u{2019}s a test &amp;"
        );
        assert_eq!(clean_line("A &amp; B"), "A & B");
        assert_eq!(clean_line("x\u{0}y\u{1b}z\u{85}"), "xyz");
        assert_eq!(clean_line("\u{a0}\u{a0}"), "");
    }

    #[test]
    fn the_shortcut_is_taken_only_for_lines_already_clean() {
        for (raw, clean) in [
            ("Plain title: C# 2.0!", true),
            ("a", true),
            ("", true),
            ("C# & F#!", false),
            ("A &amp; B", false),
            ("x  y", false),
            (" x", false),
            ("x ", false),
            ("t\tab", false),
            ("é", false),
        ] {
            assert_eq!(is_clean_line(raw), clean, "{raw:?}");
            if clean {
                assert_eq!(decode_and_collapse(raw), raw, "{raw:?}");
            }
        }
    }

    #[test]
    fn rss_text_is_html_exactly_when_a_reader_would_guess_html() {
        for plain in [
            "Use the <tags> element",
            "Tom & Jerry <3",
            "R&D",
            "a; b",
            "&",
            "x </ y",
            "</>",
        ] {
            assert!(!looks_like_html(plain), "{plain}");
            assert_eq!(rss_text(plain), plain);
        }
        for (plain, rss) in [
            ("AT&amp;T", "AT&amp;amp;T"),
            ("Bold </b> text", "Bold &lt;/b&gt; text"),
            ("&#38; &#x26;", "&amp;#38; &amp;#x26;"),
            ("caf&eacute;", "caf&amp;eacute;"),
            ("&é;", "&amp;é;"),
        ] {
            assert!(looks_like_html(plain), "{plain}");
            assert_eq!(rss_text(plain), rss);
            assert!(looks_like_html(rss), "{rss}");
            assert_eq!(html_escape::decode_html_entities(rss), plain);
        }
    }

    #[test]
    fn all_bytes_checks_every_block() {
        let text = format!("{}\u{1}{}", "a".repeat(100), "b".repeat(100));
        assert!(!all_bytes(&text, |b| b.is_ascii_alphabetic()));
        assert!(all_bytes(&"ab".repeat(100), |b| b.is_ascii_alphabetic()));
        assert!(all_bytes("", |_| false));
    }

    #[test]
    fn strips_only_forbidden_characters() {
        assert_eq!(strip_forbidden("a\u{1}b\u{FFFE}c\td"), "abc\td");
        assert!(matches!(strip_forbidden("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncates_at_word_boundary() {
        assert_eq!(truncate_words("short", 10), None);
        assert_eq!(
            truncate_words("one two three four", 10).as_deref(),
            Some("one two…")
        );
        assert_eq!(
            truncate_words("abcdefghijklmnop", 5).as_deref(),
            Some("abcde…")
        );
        let long = "é".repeat(5000);
        assert_eq!(
            truncate_words(&long, 2000).map(|s| s.chars().count()),
            Some(2001)
        );
    }
}
