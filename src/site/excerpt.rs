//! Jekyll's excerpt of a document: the summary of an entry whose front
//! matter has none.

/// Jekyll's excerpt of a body, as the plain text of a feed's summary
/// (`post.excerpt | strip_html | normalize_whitespace`): the body before
/// the first `separator` (all of it when there is none; Jekyll's default
/// separator is a blank line, `"\n\n"`), rendered, tags stripped,
/// character references decoded. `None` when the separator is empty
/// (excerpts off) or the excerpt has no text. The caller uses it where
/// the front matter has no `excerpt` (nor `description`).
pub fn excerpt(body: &str, separator: &str, markdown: bool) -> Option<String> {
    if separator.is_empty() {
        return None;
    }
    let head = body.split_once(separator).map_or(body, |(head, _)| head);
    let html = if markdown {
        crate::site::markdown::to_html(head)
    } else {
        head.to_owned()
    };
    let text = crate::site::smartify::strip_html(&html);
    let text = crate::text::clean_line(&crate::site::smartify::normalize_whitespace(&text));
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture's reefing-early post (`excerpt_separator: "<!--more-->"`)
    /// and Jekyll's default separator.
    #[test]
    fn excerpts_as_jekyll_cuts_them() {
        let body = "The old rule holds: the *time* to reef is the first time you think of it.\n<!--more-->\n\nBy the time the boat is overpowered...\n";
        assert_eq!(
            excerpt(body, "<!--more-->", true).as_deref(),
            Some("The old rule holds: the time to reef is the first time you think of it.")
        );
        assert_eq!(
            excerpt("First & \"one\".\n\nSecond.", "\n\n", true).as_deref(),
            Some("First & \u{201c}one\u{201d}.")
        );
        assert_eq!(
            excerpt("<p>All of it</p>", "<!--more-->", false).as_deref(),
            Some("All of it")
        );
        assert_eq!(excerpt("Text", "", true), None, "excerpts off");
        assert_eq!(excerpt("\n\nText", "\n\n", true), None, "nothing before");
    }
}
