//! The HTML content of an entry in `content: full` mode.

use crate::model::{Article, Body};
use crate::text::{self, escape_html};
use std::fmt::Write;
use url::Url;

/// Lead image, excerpt, body (relative URLs made absolute), the video's
/// embed, a "Read on <provider>" link and the related articles.
pub fn full_html(article: &Article, site_url: Option<&Url>) -> String {
    let mut html = String::new();
    if let Some(image) = article.image() {
        let _ = write!(
            html,
            "<p><img src=\"{}\" alt=\"{}\"",
            escape_html(&image.url),
            escape_html(&article.title)
        );
        if let (Some(w), Some(h)) = (image.width, image.height) {
            let _ = write!(html, " width=\"{w}\" height=\"{h}\"");
        }
        html.push_str("></p>\n");
    }
    if let Some(summary) = article.summary() {
        let _ = writeln!(html, "<p>{}</p>", escape_html(summary));
    }
    if let Some(body) = article.body() {
        // Relative URLs in the body are relative to the site, else to the article.
        let base = site_url.cloned().or_else(|| Url::parse(&article.link).ok());
        html.push_str(&absolutize(&body_html(body), base.as_ref()));
        html.push('\n');
    }
    if article.kind == "video" {
        if let Some(embed) = article.featured_content() {
            let _ = writeln!(html, "<div>{embed}</div>");
        }
    }
    let source = article
        .provider()
        .map_or("the original site", |p| p.name.as_str());
    let _ = writeln!(
        html,
        "<p><a href=\"{}\">Read on {}</a></p>",
        escape_html(&article.link),
        escape_html(source)
    );
    if !article.related().is_empty() {
        html.push_str("<h3>Related</h3>\n<ul>\n");
        for related in article.related() {
            let _ = writeln!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                escape_html(&related.url),
                escape_html(&related.title)
            );
        }
        html.push_str("</ul>\n");
    }
    // Markdown turns character references such as `&#7;` into characters
    // XML 1.0 forbids (found by fuzzing): clean the finished HTML once.
    match text::strip_forbidden(&html) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

/// The body as an HTML fragment: Markdown converted; of a whole HTML
/// document only what is inside `<body>`; Liquid `{% raw %}` markers removed.
fn body_html(body: &Body) -> String {
    let text = body
        .text
        .replace("{% raw %}", "")
        .replace("{% endraw %}", "");
    if body.markdown {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&text));
        return html;
    }
    let lower = text.to_ascii_lowercase();
    if let Some(open) = lower.find("<body") {
        if let Some(start) = lower[open..].find('>').map(|i| open + i + 1) {
            let end = lower
                .rfind("</body>")
                .filter(|&e| e >= start)
                .unwrap_or(text.len());
            return text[start..end].trim().to_owned();
        }
    }
    text
}

/// Make `href`/`src` attribute values absolute against `base`; values that
/// are not http(s), mailto or fragment links once resolved are replaced by `#`.
fn absolutize(html: &str, base: Option<&Url>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((before, quote, after)) = next_url_attribute(rest) {
        out.push_str(before);
        out.push(quote);
        let end = after.find(quote).unwrap_or(after.len());
        let value = &after[..end];
        out.push_str(&rewrite(value, base));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Finds the next ` href=` or ` src=` with a quoted value; returns the text
/// up to and including `=`, the quote, and the text after the quote.
fn next_url_attribute(html: &str) -> Option<(&str, char, &str)> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let found = ["href=", "src="]
            .iter()
            .filter_map(|needle| lower[from..].find(needle).map(|i| (from + i, needle.len())))
            .min()?;
        let (at, len) = found;
        let preceded_by_space = at > 0 && html.as_bytes()[at - 1].is_ascii_whitespace();
        let quote = html[at + len..].chars().next();
        if let (true, Some(q @ ('"' | '\''))) = (preceded_by_space, quote) {
            return Some((&html[..at + len], q, &html[at + len + 1..]));
        }
        from = at + len;
    }
}

fn rewrite(value: &str, base: Option<&Url>) -> String {
    let decoded = html_escape::decode_html_entities(value.trim());
    if decoded.starts_with('#') || decoded.starts_with("mailto:") {
        return value.to_owned();
    }
    let resolved = match Url::parse(&decoded) {
        Ok(url) => Some(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => base.and_then(|b| b.join(&decoded).ok()),
        Err(_) => None,
    };
    match resolved {
        Some(url) if matches!(url.scheme(), "http" | "https") => {
            escape_html(url.as_str()).into_owned()
        }
        _ => "#".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Details;

    #[test]
    fn absolutizes_relative_urls_and_neutralises_scripts() {
        let base = Url::parse("https://site.example/blog/").unwrap();
        let html = r##"<a href="/x?a=1&amp;b=2">x</a><img src='pic.png'><a href="javascript:alert(1)">y</a><a href="#top">t</a><p data-src="/no">"##;
        assert_eq!(
            absolutize(html, Some(&base)),
            r##"<a href="https://site.example/x?a=1&amp;b=2">x</a><img src='https://site.example/blog/pic.png'><a href="#">y</a><a href="#top">t</a><p data-src="/no">"##
        );
    }

    #[test]
    fn character_references_never_yield_forbidden_characters() {
        let article = Article {
            details: Some(Box::new(Details {
                body: Some(Body {
                    text: "bell &#07; and &#x1b; and &#0;".into(),
                    markdown: true,
                }),
                ..Details::default()
            })),
            ..Article::bare("a.md", "https://e.example/a", chrono::DateTime::UNIX_EPOCH)
        };
        let html = full_html(&article, None);
        assert!(html.chars().all(text::is_xml_char), "{html:?}");
        assert!(html.contains("bell  and  and"), "{html}");
    }

    #[test]
    fn takes_the_body_of_html_documents_and_renders_markdown() {
        let doc = Body { text: "<html><head><style>x</style></head><BODY class=a>{% raw %}<p>Hi</p>{% endraw %}</body></html>".into(), markdown: false };
        assert_eq!(body_html(&doc), "<p>Hi</p>");
        let md = Body {
            text: "# T\n\n*em*".into(),
            markdown: true,
        };
        assert_eq!(body_html(&md), "<h1>T</h1>\n<p><em>em</em></p>\n");
    }
}
