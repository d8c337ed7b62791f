//! `content: full`: the real binary on generated articles; every feed's
//! HTML content (RSS `content:encoded`, Atom `content`, JSON `content_html`)
//! must be sanitised, with URLs absolute against the article's own link.

mod common;

use common::{build, parse_feed, write};
use std::path::Path;

const CONFIG: &str =
    "base_url: https://x.example/feeds/\nsite_url: https://site.example/\ncontent: full\n";

/// Build `articles` (path, text) with `content: full`; return, per format,
/// the HTML content of each entry, keyed by the entry's link.
fn full_contents(articles: &[(&str, String)]) -> Vec<(String, Vec<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "feedsmith.yaml", CONFIG);
    for (path, text) in articles {
        write(dir.path(), &format!("content/{path}"), text);
    }
    let run = build(dir.path(), &["-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    ["rss.xml", "atom.xml", "feed.json"]
        .iter()
        .map(|name| {
            (
                name.to_string(),
                contents(&dir.path().join("feeds").join(name)),
            )
        })
        .collect()
}

/// (link, HTML content) of every entry, read with roxmltree / serde_json
/// after feed-rs has parsed the file.
fn contents(path: &Path) -> Vec<(String, String)> {
    let feed = parse_feed(path);
    assert!(!feed.entries.is_empty(), "{}", path.display());
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "json") {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        return json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                (
                    item["url"].as_str().unwrap().to_owned(),
                    item["content_html"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
    }
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| matches!(n.tag_name().name(), "item" | "entry"))
        .map(|entry| {
            let child = |name: &str| {
                entry
                    .children()
                    .find(|c| c.tag_name().name() == name)
                    .map(|c| c.text().map(str::to_owned).unwrap_or_default())
                    .unwrap_or_default()
            };
            let link = entry
                .children()
                .find(|c| c.tag_name().name() == "link")
                .map(|c| c.attribute("href").or(c.text()).unwrap_or("").to_owned())
                .unwrap_or_default();
            let content = match entry.tag_name().name() {
                "item" => child("encoded"),
                _ => child("content"),
            };
            (link, content)
        })
        .collect()
}

fn entry<'a>(entries: &'a [(String, String)], link: &str) -> &'a str {
    entries
        .iter()
        .find(|(l, _)| l == link)
        .map(|(_, html)| html.as_str())
        .unwrap_or_else(|| panic!("no entry {link}"))
}

/// Every attribute name in the start tags of `html` (lowercased).
fn attribute_names(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let mut rest = tag.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '/');
        while let Some(start) = rest.find(|c: char| !c.is_ascii_whitespace()) {
            rest = &rest[start..];
            let end = rest
                .find(|c: char| c == '=' || c.is_ascii_whitespace())
                .unwrap_or(rest.len());
            names.push(rest[..end].to_ascii_lowercase());
            rest = &rest[end..];
            if let Some(after) = rest.strip_prefix('=') {
                // Serialised HTML quotes every value with `"`.
                let after = after.strip_prefix('"').unwrap_or(after);
                rest = after.split_once('"').map_or("", |(_, r)| r);
            }
        }
    }
    names
}

fn assert_safe(format: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<style",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<meta",
        "<base",
        "<link",
        "<svg",
        "<math",
        "javascript:",
        "vbscript:",
        "data:text",
        "<!--",
    ] {
        assert!(!lower.contains(bad), "{format}: {bad:?} in {html}");
    }
    for name in attribute_names(html) {
        assert!(
            !name.starts_with("on") && name != "style" && name != "srcdoc" && name != "formaction",
            "{format}: attribute {name:?} in {html}"
        );
    }
}

fn post(title: &str, link: &str, date: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\npublishedDateTime: {date}\noriginalUrl: {link}\n{extra}---\n{body}\n"
    )
}

#[test]
fn scripts_embeds_forms_and_event_handlers_never_reach_a_feed() {
    let attacks = concat!(
        "<p onclick=\"alert(1)\" style=\"background:url(javascript:alert(2))\">Hello</p>\n",
        "<script>alert(3)</script><style>body{display:none}</style>\n",
        "<img src=\"x.png\" onerror=\"alert(4)\" srcset=\"javascript:alert(5) 1x, ok.png 2x\">\n",
        "<a href=\"javascript:alert(6)\">j</a> <a href=\" JAVASCRIPT:alert(7)\">J</a> <a href=\"vbscript:x\">v</a>\n",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==\">d</a>\n",
        "<object data=\"evil.swf\"></object><embed src=\"evil.swf\"><form action=\"/steal\"><input name=p></form>\n",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><base href=\"https://evil.example/\">\n",
        "<link rel=stylesheet href=\"https://evil.example/x.css\"><svg onload=\"alert(9)\"><circle/></svg>\n",
        "<math><mtext><img src=x onerror=alert(10)></mtext></math><!-- <script>alert(11)</script> -->\n",
        "<iframe srcdoc=\"<script>alert(12)</script>\"></iframe><button formaction=\"javascript:alert(13)\">b</button>\n",
        "<svg><style><img src=x onerror=alert(14)></style></svg><noscript><p title=\"</noscript><img src=x onerror=alert(15)>\"></noscript>\n",
    );
    let featured = "'<iframe src=\"https://www.youtube.com/embed/abc123\" onload=\"alert(16)\"></iframe><script>alert(17)</script>'";
    let feeds = full_contents(&[
        (
            "md.md",
            post(
                "Markdown",
                "https://e.example/md",
                "2024-01-01T00:00:00Z",
                &format!("type: video\nfeaturedContent: {featured}\n"),
                attacks,
            ),
        ),
        (
            "page.html",
            post(
                "Page",
                "https://e.example/page",
                "2024-01-02T00:00:00Z",
                "",
                &format!("<html><head><script>alert(0)</script></head><body onload=\"alert(1)\">{attacks}</body></html>"),
            ),
        ),
    ]);
    for (format, entries) in &feeds {
        assert_eq!(entries.len(), 2, "{format}");
        for (link, html) in entries {
            assert_safe(&format!("{format} {link}"), html);
            assert!(html.contains("<p>Hello</p>"), "{format}: text kept: {html}");
            assert!(
                html.contains(
                    "<img src=\"https://e.example/x.png\" srcset=\"https://e.example/ok.png 2x\">"
                ),
                "{format}: {html}"
            );
        }
    }
}

#[test]
fn relative_urls_resolve_against_the_article_link_not_the_site() {
    let body = concat!(
        "<p><img src=\"/html/emoticons/1f642.png\" alt=\":)\"> <a href=\"reply?x=1&amp;y=2\">Reply</a>",
        " <a href=\"#comments\">Comments</a> <a href=\"//cdn.example/f.pdf\">PDF</a></p>\n",
        "<img srcset=\"small.png 480w, ../big.png 1080w\" src=\"small.png\">\n"
    );
    let feeds = full_contents(&[(
        "forum.html",
        post(
            "Forum post",
            "https://forum.example/t5/Board/Post/td-p/342525",
            "2024-01-01T00:00:00Z",
            "",
            body,
        ),
    )]);
    for (format, entries) in &feeds {
        let html = entry(entries, "https://forum.example/t5/Board/Post/td-p/342525");
        for expected in [
            "<img src=\"https://forum.example/html/emoticons/1f642.png\" alt=\":)\">",
            "<a href=\"https://forum.example/t5/Board/Post/td-p/reply?x=1&amp;y=2\">Reply</a>",
            "<a href=\"https://forum.example/t5/Board/Post/td-p/342525#comments\">Comments</a>",
            "<a href=\"https://cdn.example/f.pdf\">PDF</a>",
            "srcset=\"https://forum.example/t5/Board/Post/td-p/small.png 480w, https://forum.example/t5/Board/Post/big.png 1080w\"",
        ] {
            assert!(html.contains(expected), "{format}: missing {expected:?} in {html}");
        }
        assert!(!html.contains("site.example"), "{format}: {html}");
    }
}

#[test]
fn video_iframes_become_links_to_the_video_with_its_thumbnail() {
    let feeds = full_contents(&[
        (
            "yt.md",
            post(
                "A video",
                "https://youtube.com/watch?v=ENIACMQ7E1M",
                "2024-01-01T00:00:00Z",
                "type: video\nfeaturedContent: \"<iframe width=\\\"800\\\" height=\\\"500\\\" frameborder=\\\"0\\\" src=\\\"https://www.youtube.com/embed/ENIACMQ7E1M\\\" allowfullscreen></iframe>\"\n",
                "Body with a player: <iframe src=\"https://player.vimeo.com/video/76979871\" title=\"The new Vimeo player\"></iframe>",
            ),
        ),
        (
            "img.md",
            post(
                "With image",
                "https://e.example/v2",
                "2024-01-02T00:00:00Z",
                "type: video\nfeaturedContent: '<iframe src=\"https://videos.example/embed/9\"></iframe>'\nimages: [{url: 'https://e.example/lead.jpg'}]\n",
                "",
            ),
        ),
    ]);
    for (format, entries) in &feeds {
        let yt = entry(entries, "https://youtube.com/watch?v=ENIACMQ7E1M");
        assert_safe(format, yt);
        for expected in [
            "<a href=\"https://www.youtube.com/watch?v=ENIACMQ7E1M\"><img src=\"https://i.ytimg.com/vi/ENIACMQ7E1M/hqdefault.jpg\" alt=\"Watch the video on YouTube\"></a>",
            "<a href=\"https://vimeo.com/76979871\">The new Vimeo player</a>",
        ] {
            assert!(yt.contains(expected), "{format}: missing {expected:?} in {yt}");
        }
        let other = entry(entries, "https://e.example/v2");
        assert_safe(format, other);
        assert!(
            other.contains("<a href=\"https://videos.example/embed/9\"><img src=\"https://e.example/lead.jpg\""),
            "{format}: {other}"
        );
        assert_eq!(other.matches("lead.jpg").count(), 1, "{format}: {other}");
    }
}

#[test]
fn raster_data_images_stay_and_other_data_urls_go() {
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    let body = format!(
        "<img src=\"{png}\" alt=\"dot\"> <img src=\"data:image/svg+xml,&lt;svg onload=alert(1)&gt;\" alt=\"svg\"> <a href=\"{png}\">open</a>"
    );
    let feeds = full_contents(&[(
        "d.md",
        post(
            "Data",
            "https://e.example/d",
            "2024-01-01T00:00:00Z",
            "",
            &body,
        ),
    )]);
    for (format, entries) in &feeds {
        let html = entry(entries, "https://e.example/d");
        assert!(
            html.contains(&format!("<img src=\"{png}\" alt=\"dot\">")),
            "{format}: {html}"
        );
        assert!(html.contains("<img alt=\"svg\">"), "{format}: {html}");
        assert!(html.contains("<a>open</a>"), "{format}: {html}");
        assert!(!html.contains("svg+xml"), "{format}: {html}");
    }
}
