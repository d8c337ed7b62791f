//! Any bytes as an article's body (Markdown or HTML, by the first byte) and
//! as its `featuredContent`, rendered with `content: full` in every format.
//! Nothing may panic; every feed is well-formed XML or JSON; the HTML
//! content holds no `<script`, no `<iframe`, no `on*` attribute and no URL
//! attribute that is not http(s), `mailto:` (links) or a raster `data:`
//! image.
#![no_main]

use feedsmith::model::{Body, Details};
use feedsmith::render::{self, Entry, Format};
use feedsmith::testing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // The loader hands over text without the characters XML 1.0 forbids.
    let text = feedsmith::text::strip_forbidden(&text).into_owned();
    let (body, featured) = match text.split_once('\u{1}') {
        Some((b, f)) => (b.to_owned(), f.to_owned()),
        None => (text.clone(), text.clone()),
    };
    let published = chrono::DateTime::UNIX_EPOCH;
    let mut article = testing::article("fuzz.md", "https://site.example/posts/2024/fuzz.html", published);
    article.kind = "video".into();
    article.details = Some(Box::new(Details {
        body: Some(Body {
            text: body,
            markdown: mode & 1 == 1,
        }),
        featured_content: Some(featured),
        ..Details::default()
    }));
    let entries = [Entry {
        article: &article,
        topics: Vec::new(),
        full: true,
    }];
    let meta = testing::feed_meta();
    let json = render::render(Format::Json, &meta, &entries).expect("render");
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON Feed parses");
    let html = json["items"][0]["content_html"]
        .as_str()
        .expect("content_html")
        .to_owned();
    check_html(&html);
    for format in [Format::Rss, Format::Atom] {
        let bytes = render::render(format, &meta, &entries).expect("render");
        let xml = std::str::from_utf8(&bytes).expect("UTF-8");
        let doc = roxmltree::Document::parse(xml)
            .unwrap_or_else(|e| panic!("{format:?}: {e}\n{xml}"));
        // RSS splits CDATA at `]]>`: join every text piece.
        let content: String = doc
            .descendants()
            .find(|n| matches!(n.tag_name().name(), "encoded" | "content"))
            .map(|n| n.children().filter_map(|c| c.text()).collect())
            .unwrap_or_default();
        assert_eq!(content, html, "{format:?} content differs from JSON");
    }
});

/// Walk serialised HTML (text `<` is always escaped, attribute values are
/// double-quoted with `"` escaped) and check every tag and attribute.
fn check_html(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script in {html}");
    assert!(!lower.contains("<iframe"), "iframe in {html}");
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if rest.starts_with('/') {
            rest = rest.split_once('>').map_or("", |(_, r)| r);
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let tag = rest[..name_end].to_ascii_lowercase();
        assert!(
            !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_alphanumeric()),
            "odd tag {tag:?} in {html}"
        );
        rest = &rest[name_end..];
        loop {
            rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix('>') {
                rest = r;
                break;
            }
            if let Some(r) = rest.strip_prefix("/>") {
                rest = r;
                break;
            }
            assert!(!rest.is_empty(), "unterminated tag in {html}");
            let end = rest
                .find(|c: char| c == '=' || c.is_ascii_whitespace() || c == '>')
                .unwrap_or(rest.len());
            let name = rest[..end].to_ascii_lowercase();
            assert!(!name.starts_with("on"), "event handler {name} in {html}");
            assert!(
                !matches!(name.as_str(), "style" | "srcdoc" | "formaction" | "action"),
                "{name} in {html}"
            );
            rest = &rest[end..];
            let Some(after) = rest.strip_prefix("=\"") else {
                continue;
            };
            let (value, after) = after.split_once('"').expect("closing quote");
            rest = after;
            let value = value.replace("&amp;", "&").replace("&quot;", "\"");
            match name.as_str() {
                "href" => assert_url(&tag, &value, true, html),
                "src" => assert_url(&tag, &value, false, html),
                "srcset" => {
                    for candidate in value.split(", ") {
                        let url = candidate.split(' ').next().unwrap_or("");
                        assert_url(&tag, url, false, html);
                    }
                }
                _ => {}
            }
        }
    }
}

fn assert_url(tag: &str, url: &str, link: bool, html: &str) {
    let lower = url.to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || (link && lower.starts_with("mailto:"))
        || (!link && lower.starts_with("data:image/"));
    assert!(ok, "{tag}: URL {url:?} in {html}");
    assert!(
        !lower.starts_with("data:image/svg"),
        "{tag}: SVG data URL in {html}"
    );
}
