//! jekyll-feed's feeds in site mode, on the Jekyll fixture site
//! (tests/fixtures/jekyll-site): the same files and entries as the real
//! jekyll-feed 0.17 wrote for it (recorded from `TZ=UTC jekyll build` in
//! tests/fixtures/jekyll-feed-entries.tsv), a foreign file at one of their
//! paths refused, and bodies without Liquid left in them.

mod common;

use common::*;
use std::path::Path;

/// After every post of the fixture but the one dated 2099.
const AFTER_THE_POSTS: &str = "2026-01-01T00:00:00Z";

fn build_site(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--now", AFTER_THE_POSTS];
    args.extend_from_slice(extra);
    feedsmith(dir, &args)
}

/// Each entry of the Atom file as the recording has it: feed, position,
/// id, link, published, updated (as UTC instants), title as a reader
/// shows it.
fn entries(out: &Path, feed: &str) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(feed)).unwrap_or_else(|e| panic!("{feed}: {e}"));
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap_or_else(|e| panic!("{feed}: {s}: {e}"))
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .enumerate()
        .map(|(i, entry)| {
            let child = |name: &str| {
                entry
                    .children()
                    .find(|n| n.has_tag_name(name))
                    .unwrap_or_else(|| panic!("{feed}: entry {i} has no {name}"))
            };
            let title = child("title");
            let mut shown = title.text().unwrap_or("").to_owned();
            if title.attribute("type") == Some("html") {
                shown = html_escape::decode_html_entities(&shown).into_owned();
            }
            let link = entry
                .children()
                .find(|n| {
                    n.has_tag_name("link") && n.attribute("rel").is_none_or(|r| r == "alternate")
                })
                .and_then(|n| n.attribute("href"))
                .unwrap_or("");
            [
                feed.to_owned(),
                (i + 1).to_string(),
                child("id").text().unwrap_or("").to_owned(),
                link.to_owned(),
                instant(child("published").text().unwrap_or("")),
                instant(child("updated").text().unwrap_or("")),
                shown,
            ]
            .join("\t")
        })
        .collect()
}

fn recorded() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jekyll-feed-entries.tsv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The jekyll-feed files below `out`: everything under `feed/` and the
/// root `feed.xml`.
fn jekyll_feed_files(out: &Path) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| f == "feed.xml" || f.starts_with("feed/"))
        .collect()
}

#[test]
fn the_fixture_gets_jekyll_feeds_files_and_entries() {
    let dir = fixture("jekyll-site");
    let run = build_site(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = dir.path().join("feeds");
    let want = recorded();
    let mut want_files: Vec<String> = want
        .iter()
        .map(|l| l.split('\t').next().unwrap_or("").to_owned())
        .collect();
    want_files.dedup();
    let mut got_files = jekyll_feed_files(&out);
    got_files.sort();
    want_files.sort();
    assert_eq!(got_files, want_files, "jekyll-feed's files, no more");
    let mut got = Vec::new();
    let mut order: Vec<String> = want_files.clone();
    order.sort_by_key(|f| want.iter().position(|l| l.starts_with(&format!("{f}\t"))));
    for feed in &order {
        got.extend(entries(&out, feed));
    }
    assert_eq!(got, want);
    // Listed nowhere, no page of their own.
    let opml = std::fs::read_to_string(out.join("index.opml")).unwrap();
    assert!(!opml.contains("by_tag"), "{opml}");
    assert!(!out.join("feed/index.html").exists());
}

#[test]
fn a_draft_is_in_jekyll_feeds_only_with_drafts() {
    let dir = fixture("jekyll-site");
    let draft = "https://harbourlights.example/log/seamanship/2025/11/20/unfinished-passage-plan";
    let run = build_site(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = dir.path().join("feeds");
    assert!(!entries(&out, "feed.xml").iter().any(|e| e.contains(draft)));
    let run = build_site(dir.path(), &["--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for feed in ["feed.xml", "feed/seamanship.xml"] {
        let first = entries(&out, feed).into_iter().next().unwrap_or_default();
        assert!(first.contains(draft), "{feed}: {first}");
    }
}

#[test]
fn a_feed_jekyll_feed_wrote_stops_the_run_naming_it() {
    let dir = fixture("jekyll-site");
    let site = dir.path().join("_site");
    write(
        &site,
        "feed.xml",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><generator uri=\"https://jekyllrb.com/\" version=\"4.3.1\">Jekyll</generator></feed>\n",
    );
    let run = build_site(dir.path(), &["--out", "_site"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "_site/feed.xml: error: exists but was not written by feedsmith",
    );
    assert_stderr_contains(&run, "remove `jekyll-feed` from `plugins`");
    assert_stderr_contains(&run, "keep `feed:`");
    // Nothing written, the file left as it was.
    assert!(std::fs::read_to_string(site.join("feed.xml"))
        .unwrap()
        .contains("jekyllrb.com"));
    assert!(!site.join("feed/seamanship.xml").exists());
}

#[test]
fn bodies_carry_no_liquid_and_warnings_name_the_line() {
    let dir = fixture("jekyll-site");
    let run = build_site(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feed = std::fs::read_to_string(dir.path().join("feeds/feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let contents: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("content"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(contents.len(), 10, "full content, as jekyll-feed writes it");
    let liquid = contents
        .iter()
        .find(|c| c.contains("This log is called"))
        .expect("the Liquid post's content");
    assert!(
        liquid.contains("This log is called Harbour Lights: a sailor\u{2019}s log"),
        "{liquid}"
    );
    // `post_url`, `link` (posts, collection documents, pages with and
    // without a permalink, static files) and `page.url`: Jekyll's URLs
    // (scripts/jekyll_parity.py compares every link with the real build).
    for url in [
        "https://harbourlights.example/log/assets/site.css",
        "https://harbourlights.example/log/seamanship/2021/03/01/reefing-early.html",
        "https://harbourlights.example/log/gear/2020/11/03/new-standing-rigging.html",
        "https://harbourlights.example/log/about/",
        "https://harbourlights.example/log/galley/fish-pie.html",
        "https://harbourlights.example/log/\"",
        "https://harbourlights.example/log/404.html",
        "https://harbourlights.example/log/voyages/2022/falmouth-to-fowey/",
        "https://harbourlights.example/log/seamanship/2023/05/20/liquid-in-the-log.html",
    ] {
        assert!(
            liquid.contains(&format!("href=\"{url}")),
            "{url} in {liquid}"
        );
    }
    // {% raw %} kept its text; no other tag or object is left.
    assert!(
        liquid.contains("you would write {{ page.title }} to print"),
        "{liquid}"
    );
    assert!(!liquid.contains("{%"), "{liquid}");
    assert!(
        !liquid.contains("{{ site") && !liquid.contains("relative_url"),
        "{liquid}"
    );
    assert_stderr_contains(
        &run,
        "_posts/2023-05-20-liquid-in-the-log.md:16: warning[unsupported-liquid]: Liquid tag `include` is not supported in feeds",
    );
}

#[test]
fn links_to_nothing_or_outside_the_site_are_left_out_with_their_line() {
    let dir = fixture("jekyll-site");
    std::fs::write(
        dir.path().join("_posts/2025-07-01-dead-ends.md"),
        concat!(
            "---\ntitle: Dead ends\ndate: 2025-07-01 09:00:00 +0100\n---\n",
            "A [gone page]({% link nowhere.md %}).\n",
            "\n",
            "A [gone post]({% post_url 1999-01-01-nothing %}) and [a secret]({% link ../../etc/passwd %}).\n",
        ),
    )
    .unwrap();
    let run = build_site(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for (line, tag) in [
        (5, "`{% link nowhere.md %}`: no such document; left out"),
        (
            7,
            "`{% post_url 1999-01-01-nothing %}`: no such document; left out",
        ),
        (
            7,
            "`{% link ../../etc/passwd %}`: no such document; left out",
        ),
    ] {
        assert_stderr_contains(
            &run,
            &format!("_posts/2025-07-01-dead-ends.md:{line}: warning[unsupported-liquid]: {tag}"),
        );
    }
    let feed = std::fs::read_to_string(dir.path().join("feeds/feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let content = doc
        .descendants()
        .filter(|n| n.has_tag_name("content"))
        .filter_map(|n| n.text())
        .find(|c| c.contains("gone page"))
        .expect("the post's content");
    assert!(
        !content.contains("{%") && !content.contains("passwd"),
        "{content}"
    );
    // A rerun (replayed: nothing changed) says the same.
    let again = build_site(dir.path(), &[]);
    let warnings = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| l.contains("warning["))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(warnings(&again.stderr), warnings(&run.stderr));
    assert_eq!(warnings(&run.stderr).len(), 4, "{}", run.stderr);
}

#[test]
fn posts_limit_cuts_every_jekyll_feed_and_zero_leaves_them_empty() {
    let dir = fixture("jekyll-site");
    let config = dir.path().join("_config.yml");
    let original = std::fs::read_to_string(&config).unwrap();
    let out = dir.path().join("feeds");
    let build_with_limit = |limit: usize| {
        let limited = original.replace("\nfeed:\n", &format!("\nfeed:\n  posts_limit: {limit}\n"));
        std::fs::write(&config, limited).unwrap();
        let run = build_site(dir.path(), &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
    };
    let newest = |feed: &str, n: usize| -> Vec<String> {
        recorded()
            .into_iter()
            .filter(|l| l.starts_with(&format!("{feed}\t")))
            .take(n)
            .collect()
    };
    build_with_limit(2);
    for feed in ["feed.xml", "feed/seamanship.xml", "feed/voyages.xml"] {
        assert_eq!(entries(&out, feed), newest(feed, 2), "{feed}");
    }
    // The built-in feeds keep the global limit.
    assert!(
        std::fs::read_to_string(out.join("atom.xml"))
            .unwrap()
            .matches("<entry>")
            .count()
            > 2
    );
    // jekyll-feed's Liquid `limit: 0` writes feeds without entries.
    build_with_limit(0);
    for feed in ["feed.xml", "feed/gear.xml", "feed/voyages/solent.xml"] {
        assert_eq!(entries(&out, feed), Vec::<String>::new(), "{feed}");
    }
}
