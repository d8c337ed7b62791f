//! Markdown as kramdown (Jekyll's default, GFM input) renders the common
//! cases: CommonMark with tables, `~~strikethrough~~`, typographic quotes
//! and dashes, and footnotes the way kramdown writes them, so that a
//! feed's footnote links reach the notes on the site's own page
//! (`page.html#fn:1`; header ids are not needed in a feed). The layout
//! differs from kramdown's only in white space.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The HTML of `markdown`.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut body: Vec<Event> = Vec::new();
    // Each definition's events, by label, in the order written.
    let mut definitions: Vec<(CowStr, Vec<Event>)> = Vec::new();
    // Labels in the order first referenced: kramdown's numbering.
    let mut referenced: Vec<CowStr> = Vec::new();
    let mut inside: Option<(CowStr, Vec<Event>)> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => inside = Some((label, Vec::new())),
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = inside.take() {
                    if !definitions.iter().any(|(l, _)| *l == label) {
                        definitions.push((label, events));
                    }
                }
            }
            Event::FootnoteReference(label) => {
                let number = match referenced.iter().position(|l| *l == label) {
                    Some(at) => at + 1,
                    None => {
                        referenced.push(label.clone());
                        referenced.len()
                    }
                };
                let label = crate::text::escape_html(&label);
                let html = format!(
                    "<sup id=\"fnref:{label}\" role=\"doc-noteref\"><a href=\"#fn:{label}\" class=\"footnote\" rel=\"footnote\">{number}</a></sup>"
                );
                match inside.as_mut() {
                    Some((_, events)) => events.push(Event::InlineHtml(html.into())),
                    None => body.push(Event::InlineHtml(html.into())),
                }
            }
            other => match inside.as_mut() {
                Some((_, events)) => events.push(other),
                None => body.push(other),
            },
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, body.into_iter());
    let notes: Vec<(&CowStr, &Vec<Event>)> = referenced
        .iter()
        .filter_map(|label| {
            definitions
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, events)| (label, events))
        })
        .collect();
    if notes.is_empty() {
        return html;
    }
    html.push_str("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
    for (label, events) in notes {
        let label = crate::text::escape_html(label);
        let mut note = String::new();
        pulldown_cmark::html::push_html(&mut note, events.iter().cloned());
        let back = format!(
            "\u{a0}<a href=\"#fnref:{label}\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a>"
        );
        // The back link ends the note's last paragraph, as in kramdown.
        match note.rfind("</p>") {
            Some(at) if note[at..].trim() == "</p>" => note.insert_str(at, &back),
            _ => note.push_str(&format!("<p>{back}</p>\n")),
        }
        html.push_str(&format!(
            "<li id=\"fn:{label}\" role=\"doc-endnote\">\n{note}</li>\n"
        ));
    }
    html.push_str("</ol>\n</div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_markdown_like_kramdown() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ -- \"q\"\n\n```rust\nfn x() {}\n```\n",
        );
        for part in [
            "<table>",
            "<td>1</td>",
            "<del>old</del>",
            "\u{2013}",
            "\u{201c}q\u{201d}",
            "<pre><code class=\"language-rust\">fn x() {}",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
    }

    /// What kramdown 2.4 (Jekyll 4.3.1) wrote for the fixture's footnote.
    #[test]
    fn footnotes_as_kramdown_writes_them() {
        let html = to_html(
            "Fog.[^1] Again.[^note] And.[^1]\n\n[^note]: Second *one*.\n[^1]: An Echomax.\n[^unused]: Never shown.\n",
        );
        assert_eq!(
            html,
            concat!(
                "<p>Fog.<sup id=\"fnref:1\" role=\"doc-noteref\"><a href=\"#fn:1\" class=\"footnote\" rel=\"footnote\">1</a></sup>",
                " Again.<sup id=\"fnref:note\" role=\"doc-noteref\"><a href=\"#fn:note\" class=\"footnote\" rel=\"footnote\">2</a></sup>",
                " And.<sup id=\"fnref:1\" role=\"doc-noteref\"><a href=\"#fn:1\" class=\"footnote\" rel=\"footnote\">1</a></sup></p>\n",
                "<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n",
                "<li id=\"fn:1\" role=\"doc-endnote\">\n<p>An Echomax.\u{a0}<a href=\"#fnref:1\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a></p>\n</li>\n",
                "<li id=\"fn:note\" role=\"doc-endnote\">\n<p>Second <em>one</em>.\u{a0}<a href=\"#fnref:note\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a></p>\n</li>\n",
                "</ol>\n</div>\n",
            )
        );
        assert_eq!(to_html("No notes.\n"), "<p>No notes.</p>\n");
        assert!(!to_html("[^x]: only a definition\n").contains("footnotes"));
    }
}
