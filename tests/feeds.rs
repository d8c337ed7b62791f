//! Feeds described in the config (`feeds:`): a videos feed, a top-by-heat
//! feed over the last 7 days, feeds per provider and per type, a
//! collection by path, the built-in feeds switched off, `max_bytes`,
//! aliases. Every feed is parsed with feed-rs.

mod common;

use common::*;
use std::path::Path;

const FIXTURE_NOW: &str = "2024-06-01T00:00:00Z";

fn build(dir: &Path, now: &str) -> Run {
    feedsmith(dir, &["build", "--now", now, "--report", "json"])
}

fn report(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// Entry titles of the feed at `path` (below `feeds/`), in feed order,
/// the same in every format it is written in.
fn titles_of(dir: &Path, folder: &str, formats: &[&str]) -> Vec<String> {
    let mut seen: Option<Vec<String>> = None;
    for file in formats {
        let titles = titles(&parse_feed(&dir.join("feeds").join(folder).join(file)));
        if let Some(seen) = &seen {
            assert_eq!(seen, &titles, "{folder}{file}");
        }
        seen = Some(titles);
    }
    seen.unwrap_or_default()
}

const ALL: &[&str] = &["rss.xml", "atom.xml", "feed.json"];

#[test]
fn defined_feeds_hold_what_their_filters_select() {
    let dir = fixture("feeds");
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        titles_of(dir.path(), "videos/", ALL),
        [
            "Rust ownership in 10 minutes",
            "Vector databases explained",
            "SQL window functions"
        ]
    );
    // Published within 7 days of --now, by heat, at most 3.
    assert_eq!(
        titles_of(dir.path(), "top/week/", ALL),
        [
            "The EU AI Act & what it means",
            "Rust 2024 edition ships",
            "Rust ownership in 10 minutes"
        ]
    );
    // A collection by path, quality 3 or more, by quality (ties newest first).
    assert_eq!(
        titles_of(dir.path(), "learning/", ALL),
        [
            "A guide to async Rust",
            "Vector databases explained",
            "Rust ownership in 10 minutes",
            "SQL window functions"
        ]
    );
    assert_eq!(
        titles_of(dir.path(), "ai-and-data/", ALL),
        [
            "The EU AI Act & what it means",
            "Vector databases explained"
        ]
    );
    // Per provider, by name case-insensitively, only the formats asked for.
    let youtube = titles_of(dir.path(), "providers/youtube/", &["atom.xml", "feed.json"]);
    assert_eq!(
        youtube,
        ["Rust ownership in 10 minutes", "Vector databases explained"]
    );
    assert!(!dir.path().join("feeds/providers/youtube/rss.xml").exists());
    let atom = parse_feed(&dir.path().join("feeds/providers/youtube/atom.xml"));
    assert_eq!(atom.title.unwrap().content, "From YouTube");
    assert_eq!(
        titles_of(dir.path(), "by-type/video/", ALL).len(),
        3,
        "per type"
    );
    // The built-in feeds are still there.
    assert_eq!(titles_of(dir.path(), "", ALL).len(), 5);
    assert_eq!(titles_of(dir.path(), "topics/ai/", ALL).len(), 4);

    // The counts agree: --report json lists each feed with what it matched
    // and what it holds.
    let report = report(&run);
    let feeds = report["feeds"].as_array().unwrap();
    let top = feeds.iter().find(|f| f["path"] == "top/week/").unwrap();
    assert_eq!(
        (top["matched"].as_u64(), top["entries"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(report["counts"]["feeds"].as_u64(), Some(feeds.len() as u64));
    assert_eq!(feeds.len(), 19);
}

#[test]
fn feed_images_and_links_reach_every_format() {
    let dir = fixture("feeds");
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feeds = dir.path().join("feeds");
    let image = "https://fixture.example/assets/videos.png";
    let rss = std::fs::read_to_string(feeds.join("videos/rss.xml")).unwrap();
    assert!(rss.contains(&format!("<url>{image}</url>")), "{rss}");
    let atom = parse_feed(&feeds.join("videos/atom.xml"));
    assert_eq!(atom.logo.map(|l| l.uri).as_deref(), Some(image));
    assert_eq!(
        atom.icon.map(|l| l.uri).as_deref(),
        Some("https://fixture.example/assets/icon.png")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(feeds.join("videos/feed.json")).unwrap())
            .unwrap();
    assert_eq!(json["icon"], image);
    assert_eq!(json["favicon"], "https://fixture.example/assets/icon.png");
    // A topic's image is the taxonomy's; its alternate link is topic_url.
    let ai = parse_feed(&feeds.join("topics/ai/atom.xml"));
    assert_eq!(
        ai.logo.map(|l| l.uri).as_deref(),
        Some("https://fixture.example/assets/topics/ai.png")
    );
    let alternate: Vec<String> = ai
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("alternate"))
        .map(|l| l.href.clone())
        .collect();
    assert_eq!(alternate, ["https://fixture.example/topics/ai/"]);
    // Every feed is in the index page and the OPML list, grouped.
    let index = std::fs::read_to_string(feeds.join("index.html")).unwrap();
    let opml = std::fs::read_to_string(feeds.join("index.opml")).unwrap();
    for folder in [
        "videos/",
        "top/week/",
        "providers/youtube/",
        "by-type/article/",
    ] {
        assert!(
            index.contains(&format!("href=\"{folder}atom.xml\"")),
            "{folder}"
        );
        assert!(
            opml.contains(&format!(
                "xmlUrl=\"https://fixture.example/feeds/{folder}atom.xml\""
            )),
            "{folder}"
        );
    }
    for heading in [
        "<h2>Topics</h2>",
        "<h2>Feeds</h2>",
        "<h2>From</h2>",
        "<h2>by-type</h2>",
    ] {
        assert!(index.contains(heading), "{heading}");
    }
    let doc = roxmltree::Document::parse(&opml).unwrap();
    let folders: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("outline") && n.attribute("xmlUrl").is_none())
        .filter_map(|n| n.attribute("text"))
        .collect();
    assert_eq!(folders, ["Topics", "Data", "Feeds", "From", "by-type"]);
}

#[test]
fn since_follows_now_and_the_same_now_gives_the_same_bytes() {
    let a = fixture("feeds");
    let b = fixture("feeds");
    assert_eq!(build(a.path(), FIXTURE_NOW).status, 0);
    assert_eq!(build(b.path(), FIXTURE_NOW).status, 0);
    assert_eq!(
        snapshot(&a.path().join("feeds")),
        snapshot(&b.path().join("feeds"))
    );
    // Two weeks on, the top feed of the last 7 days is empty.
    let run = build(b.path(), "2024-06-15T00:00:00Z");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(titles_of(b.path(), "top/week/", ALL).is_empty());
}

#[test]
fn the_built_in_feeds_can_be_switched_off() {
    let dir = fixture("feeds");
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("overall_feed: false\ntopic_feeds: false\n{config}"),
    );
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feeds = dir.path().join("feeds");
    assert!(!feeds.join("rss.xml").exists() && !feeds.join("topics").exists());
    assert_eq!(titles_of(dir.path(), "videos/", ALL).len(), 3);
    let index = std::fs::read_to_string(feeds.join("index.html")).unwrap();
    assert!(index.contains("href=\"videos/rss.xml\""));
    assert!(!index.contains("href=\"rss.xml\""));

    // The empty-guard looks at every feed, not only the overall one.
    std::fs::remove_dir_all(dir.path().join("content/_news")).unwrap();
    std::fs::remove_dir_all(dir.path().join("content/_learning")).unwrap();
    let before = snapshot(&feeds);
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(&run, "would replace the feeds");
    assert_eq!(snapshot(&feeds), before);
}

#[test]
fn feeds_lists_every_feed_with_matched_and_held_counts() {
    let dir = fixture("feeds");
    let run = feedsmith(dir.path(), &["feeds", "--now", FIXTURE_NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("top/week/"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        &cells[..5],
        ["top/week/", "Top stories this week", "5", "3", "2024-05-31"]
    );
    assert_eq!(run.stdout.lines().count(), 1 + 19);
}

#[test]
fn max_bytes_leaves_out_content_then_oldest_entries_the_same_in_every_format() {
    let dir = fixture("feeds");
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    let config = config.replace(
        "    image: /assets/videos.png\n",
        "    image: /assets/videos.png\n    max_bytes: 4000\n",
    );
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("content: full\n{config}"),
    );
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // First the full content of the oldest entries goes; all three stay,
    // the newest with its content.
    assert_stderr_contains(
        &run,
        "videos/rss.xml: warning[feed-over-max-bytes]: the feed is over max_bytes (4000 bytes): the full content of the oldest entry left out; raise `max_bytes` to keep them",
    );
    assert_eq!(titles_of(dir.path(), "videos/", ALL).len(), 3);
    let atom = parse_feed(&dir.path().join("feeds/videos/atom.xml"));
    assert!(
        atom.entries[0].content.is_some(),
        "the newest keeps its content"
    );
    assert!(
        atom.entries[2].content.is_none(),
        "the oldest lost its content"
    );
    for file in ALL {
        let len = std::fs::metadata(dir.path().join("feeds/videos").join(file))
            .unwrap()
            .len();
        assert!(len <= 4000, "{file}: {len}");
    }

    // Smaller than the summaries alone: then the oldest entries go too.
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        &config.replace("max_bytes: 4000", "max_bytes: 2700"),
    );
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let kept = titles_of(dir.path(), "videos/", ALL);
    assert!(!kept.is_empty() && kept.len() < 3, "{kept:?}");
    assert_eq!(kept[0], "Rust ownership in 10 minutes", "the newest stay");
    for file in ALL {
        let len = std::fs::metadata(dir.path().join("feeds/videos").join(file))
            .unwrap()
            .len();
        assert!(len <= 2700, "{file}: {len}");
    }
    let report = report(&run);
    let videos = report["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "videos/")
        .unwrap()
        .clone();
    assert_eq!(videos["entries"].as_u64(), Some(kept.len() as u64));
    assert_eq!(videos["matched"].as_u64(), Some(3));

    // Tiny: one entry always stays, and the warning says it is still over.
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        &config.replace("max_bytes: 2700", "max_bytes: 10"),
    );
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(&run, "still over it with one entry");
    assert_eq!(
        titles_of(dir.path(), "videos/", ALL),
        ["Rust ownership in 10 minutes"]
    );
}

#[test]
fn a_renamed_feed_leaves_a_redirect_map_and_no_stale_copy() {
    let dir = fixture("feeds");
    assert_eq!(build(dir.path(), FIXTURE_NOW).status, 0);
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    let config = config
        .replace(
            "  - path: videos\n",
            "  - path: clips\n    aliases: [videos]\n",
        )
        .replace(
            "  - path: providers\n",
            "  - path: from\n    aliases: [providers]\n",
        );
    write(dir.path(), "feedsmith.yaml", &config);
    let run = build(dir.path(), FIXTURE_NOW);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feeds = dir.path().join("feeds");
    assert!(!feeds.join("videos").exists(), "no stale copy");
    assert!(!feeds.join("providers").exists(), "no stale copy");
    assert_eq!(titles_of(dir.path(), "clips/", ALL).len(), 3);
    let map = std::fs::read_to_string(feeds.join(".feedsmith-redirects.conf")).unwrap();
    for line in [
        "map $uri $feedsmith_redirect {",
        "    /feeds/videos/rss.xml /feeds/clips/rss.xml;",
        "    /feeds/videos/ /feeds/clips/;",
        "    /feeds/providers/youtube/atom.xml /feeds/from/youtube/atom.xml;",
        "    /feeds/providers/youtube/rss.xml /feeds/from/youtube/;",
    ] {
        assert!(map.lines().any(|l| l == line), "{line}\n{map}");
    }
    // Listed as feedsmith's, so it goes when the aliases do.
    let manifest = std::fs::read_to_string(feeds.join(".feedsmith-manifest.json")).unwrap();
    assert!(manifest.contains(".feedsmith-redirects.conf"));
    write(
        dir.path(),
        "feedsmith.yaml",
        &config
            .replace("    aliases: [videos]\n", "")
            .replace("    aliases: [providers]\n", ""),
    );
    assert_eq!(build(dir.path(), FIXTURE_NOW).status, 0);
    assert!(!feeds.join(".feedsmith-redirects.conf").exists());
}
