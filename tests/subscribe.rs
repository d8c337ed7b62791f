//! The ways to subscribe besides RSS and Atom: JSON Feed, the OPML list,
//! the index page, autodiscovery tags, WebSub hubs and precompressed files.

mod common;

use common::*;
use std::path::Path;

fn build_site(config_extra: &str, args: &[&str]) -> tempfile::TempDir {
    let dir = fixture("basic");
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{config}{config_extra}"),
    );
    let mut all = vec!["build", "--now", NOW, "-q"];
    all.extend_from_slice(args);
    let run = feedsmith(dir.path(), &all);
    assert_eq!(run.status, 0, "{}", run.stderr);
    dir
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn json_feed_has_the_same_entries_as_atom() {
    let dir = build_site("hub: https://hub.example/\n", &[]);
    let feeds = dir.path().join("feeds");
    for folder in ["", "topics/shared/", "topics/cpp/"] {
        let atom = parse_feed(&feeds.join(format!("{folder}atom.xml")));
        let json_feed = parse_feed(&feeds.join(format!("{folder}feed.json")));
        let ids =
            |f: &feed_rs::model::Feed| f.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&json_feed), ids(&atom), "{folder}");
        assert_eq!(titles(&json_feed), titles(&atom), "{folder}");
    }
    let doc = json(&feeds.join("topics/shared/feed.json"));
    assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(
        doc["feed_url"],
        "https://fixture.example/feeds/topics/shared/feed.json"
    );
    assert_eq!(doc["home_page_url"], "https://fixture.example/");
    assert_eq!(doc["language"], "en");
    assert_eq!(doc["hubs"][0]["url"], "https://hub.example/");
    let charlie = &doc["items"][2];
    assert_eq!(charlie["id"], "https://e.example/charlie");
    assert_eq!(charlie["url"], "https://e.example/charlie");
    assert_eq!(charlie["content_text"], "Excerpt of Charlie");
    assert_eq!(charlie["image"], "https://img.example/c.jpg?a=1&b=2");
    assert_eq!(charlie["date_published"], "2024-01-03T08:00:00Z");
    assert_eq!(charlie["tags"], serde_json::json!(["C++", "Shared"]));
    for item in doc["items"].as_array().unwrap() {
        assert!(item["content_text"].is_string() || item["content_html"].is_string());
    }
}

#[test]
fn hub_is_announced_in_every_format() {
    let dir = build_site("hub: https://hub.example/\n", &[]);
    let feeds = dir.path().join("feeds");
    let rss = std::fs::read_to_string(feeds.join("rss.xml")).unwrap();
    assert!(
        rss.contains("<atom:link href=\"https://hub.example/\" rel=\"hub\"/>"),
        "{rss}"
    );
    let atom = std::fs::read_to_string(feeds.join("topics/c/atom.xml")).unwrap();
    assert!(
        atom.contains("<link href=\"https://hub.example/\" rel=\"hub\"/>"),
        "{atom}"
    );
}

#[test]
fn opml_lists_every_feed_grouped_by_parent_topic() {
    let dir = build_site(
        "opml_format: rss\ntopics:\n  - {_id: shared, name: Shared}\n  - {_id: c, name: C, parent: Shared}\n  - {_id: cpp, name: C++, parent: shared}\n",
        &[],
    );
    let text = std::fs::read_to_string(dir.path().join("feeds/index.opml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("version"), Some("2.0"));
    assert!(
        !text.contains("<docs"),
        "the W3C validator rejects docs in OPML"
    );
    let head_title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(head_title, Some("Fixture & Co"));
    let feeds: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("outline") && n.attribute("xmlUrl").is_some())
        .map(|n| {
            (
                n.attribute("text").unwrap().to_owned(),
                n.attribute("xmlUrl").unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(feeds.len(), 5, "{feeds:?}");
    assert!(
        feeds.iter().all(|(_, url)| url.ends_with("/rss.xml")),
        "opml_format: rss"
    );
    // The topic feeds sit in a folder of their own; C and C++ in a folder
    // with their parent, Shared.
    let folders: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("outline") && n.attribute("xmlUrl").is_none())
        .filter_map(|n| n.attribute("text"))
        .collect();
    assert_eq!(folders, ["Topics", "Shared"]);
    let folder = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("outline")
                && n.attribute("xmlUrl").is_none()
                && n.attribute("text") == Some("Shared")
        })
        .unwrap();
    let inside: Vec<&str> = folder
        .children()
        .filter_map(|n| n.attribute("text"))
        .collect();
    assert_eq!(inside, ["Shared", "C", "C++"]);
    for outline in doc.descendants().filter(|n| n.has_tag_name("outline")) {
        assert!(outline.attribute("text").is_some());
        if outline.attribute("type").is_none() {
            // The W3C validator warns about any other attribute without `type`.
            assert_eq!(
                outline.attributes().count(),
                1,
                "folder outline with more than text"
            );
        }
        if outline.attribute("xmlUrl").is_some() {
            assert_eq!(outline.attribute("type"), Some("rss"));
            assert_eq!(
                outline.attribute("htmlUrl"),
                Some("https://fixture.example/")
            );
        }
    }
}

#[test]
fn index_page_links_every_feed_with_no_scripts_or_external_resources() {
    let dir = build_site("", &[]);
    let html = std::fs::read_to_string(dir.path().join("feeds/index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    for (kind, url) in [
        (
            "application/rss+xml",
            "https://fixture.example/feeds/rss.xml",
        ),
        (
            "application/atom+xml",
            "https://fixture.example/feeds/atom.xml",
        ),
        (
            "application/feed+json",
            "https://fixture.example/feeds/feed.json",
        ),
    ] {
        assert!(
            html.contains(&format!("<link rel=\"alternate\" type=\"{kind}\""))
                && html.contains(url),
            "{kind}"
        );
    }
    assert!(html.contains("<a href=\"index.opml\">"));
    assert_eq!(
        html.matches("<tr").count(),
        2 + 5,
        "a header row per group (the overall feed, topics) and one row per feed"
    );
    assert!(html.contains("<h2>Topics</h2>"));
    for href in [
        "topics/shared/rss.xml",
        "topics/shared/atom.xml",
        "topics/shared/feed.json",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(
        html.contains("<strong><a href=\"topics/shared/index.html\">Shared</a></strong>")
            && html.contains("<td class=\"count\">3<span class=\"unit\"> entries</span><span class=\"muted\"> of 5 matching</span></td>"),
        "the feed holds 3 (limit) of the 5 articles about Shared"
    );
    assert!(html.contains(
        "<a href=\"https://e.example/tom\">Tom &amp; Jerry &lt;3 \u{2019}quotes\u{2019}</a>"
    ));
    assert!(
        !html.contains("<script")
            && !html.contains("src=")
            && !html.contains("stylesheet")
            && !html.contains("@import")
    );
}

#[test]
fn topics_html_prints_autodiscovery_tags() {
    let dir = fixture("basic");
    let run = feedsmith(dir.path(), &["topics", "--html", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5 * 3, "{}", run.stdout);
    assert_eq!(
        lines[0],
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Fixture &amp; Co (RSS)\" href=\"https://fixture.example/feeds/rss.xml\">"
    );
    assert!(run.stdout.contains("title=\"Fixture &amp; Co: C++ (Atom)\" href=\"https://fixture.example/feeds/topics/cpp/atom.xml\""));
}

#[test]
fn precompressed_copies_are_deterministic_and_follow_their_feed() {
    use std::io::Read;
    let dir = build_site("", &["--precompress"]);
    let feeds = dir.path().join("feeds");
    let all = files(&feeds);
    let plain: Vec<&String> = all.iter().filter(|f| !f.ends_with(".gz")).collect();
    assert_eq!(all.len(), plain.len() * 2, "one .gz per file: {all:?}");
    for file in plain {
        let gz = std::fs::read(feeds.join(format!("{file}.gz"))).unwrap();
        assert_eq!(
            &gz[4..8],
            &[0, 0, 0, 0],
            "{file}: no timestamp in the gzip header"
        );
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, std::fs::read(feeds.join(file)).unwrap(), "{file}");
    }
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "--precompress"]);
    assert!(
        run.stderr
            .ends_with("42 files: 0 written, 42 unchanged, 0 removed\n"),
        "{}",
        run.stderr
    );
    // Dropping --precompress removes the copies it made.
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    assert!(
        run.stderr
            .ends_with("21 files: 0 written, 21 unchanged, 21 removed\n"),
        "{}",
        run.stderr
    );
    assert!(files(&feeds).iter().all(|f| !f.ends_with(".gz")));
}

#[test]
fn entries_without_excerpt_still_have_text_in_every_format() {
    let dir = empty_site();
    write(
        dir.path(),
        "content/bare.md",
        "---\ntitle: Only a title\npublishedDateTime: 2024-01-01T00:00:00Z\nwebUrl: https://e.example/bare\n---\n",
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // The W3C validator warns about an Atom entry with neither summary nor content.
    let atom = std::fs::read_to_string(dir.path().join("feeds/atom.xml")).unwrap();
    assert!(atom.contains("<summary>Only a title</summary>"), "{atom}");
    let doc = json(&dir.path().join("feeds/feed.json"));
    assert_eq!(doc["items"][0]["content_text"], "Only a title");
}
