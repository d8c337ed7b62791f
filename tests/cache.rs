//! The incremental cache: reruns reuse what did not change, produce the
//! same bytes as a fresh build, and survive any damage to the cache.

mod common;

use common::*;
use std::path::Path;

const CACHE: &str = "feeds/.feedsmith-cache";

/// Build with `extra`; the JSON report.
fn build_report(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let run = build(dir, &[&["-q", "--report", "json"], extra].concat());
    assert!(run.status <= 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn rerun_reuses_every_unchanged_file_and_writes_the_same_bytes() {
    let dir = fixture("basic");
    let first = build_report(dir.path(), &[]);
    assert_eq!(first["counts"]["from_cache"], 0);
    let fresh = outputs(dir.path());
    assert!(dir.path().join(CACHE).is_file());
    let manifest =
        std::fs::read_to_string(dir.path().join("feeds/.feedsmith-manifest.json")).unwrap();
    assert!(
        !manifest.contains("cache"),
        "the cache is not a feed: {manifest}"
    );

    let second = build_report(dir.path(), &[]);
    // Every one of the nine article files (the README, passed over, is
    // not an article file and not counted): as many as were read.
    assert_eq!(second["counts"]["from_cache"], 9);
    assert_eq!(second["counts"]["articles_read"], 9);
    assert_eq!(second["counts"]["written"], 0);
    assert_eq!(
        second["problems"], first["problems"],
        "problems are reported again from the cache"
    );
    assert_eq!(outputs(dir.path()), fresh);
}

#[test]
fn an_edited_file_is_parsed_again_and_only_its_feeds_change() {
    let dir = fixture("basic");
    build_report(dir.path(), &[]);
    let before = outputs(dir.path());
    write(
        dir.path(),
        "content/news/a2.md",
        &article(
            "Bravo, edited",
            "2024-01-02T10:00:00Z",
            "https://e.example/bravo",
            &["C", "Shared"],
        ),
    );
    let report = build_report(dir.path(), &[]);
    assert_eq!(report["counts"]["from_cache"], 8);
    let after = outputs(dir.path());
    let changed: Vec<&String> = after
        .keys()
        .filter(|f| before.get(*f) != after.get(*f))
        .collect();
    // Bravo is only in C's feeds and page (Shared shows its newest three,
    // not Bravo).
    assert_eq!(
        changed,
        [
            "index.html",
            "topics/c/atom.xml",
            "topics/c/feed.json",
            "topics/c/index.html",
            "topics/c/rss.xml"
        ]
    );
    assert!(
        titles(&parse_feed(&dir.path().join("feeds/topics/c/atom.xml")))
            .contains(&"Bravo, edited".to_owned())
    );
    // And the result equals a fresh build of the same content.
    std::fs::remove_dir_all(dir.path().join("feeds")).unwrap();
    build_report(dir.path(), &[]);
    assert_eq!(outputs(dir.path()), after);
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_rebuilt() {
    let dir = fixture("basic");
    build_report(dir.path(), &[]);
    let fresh = outputs(dir.path());
    let good = std::fs::read(dir.path().join(CACHE)).unwrap();
    let damaged: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"garbage".to_vec(),
        good[..good.len() / 2].to_vec(),
        good.iter()
            .enumerate()
            .map(|(i, b)| if i == good.len() / 3 { b ^ 1 } else { *b })
            .collect(),
    ];
    for bytes in damaged {
        std::fs::write(dir.path().join(CACHE), &bytes).unwrap();
        let report = build_report(dir.path(), &[]);
        assert_eq!(report["counts"]["from_cache"], 0);
        assert_eq!(outputs(dir.path()), fresh);
        assert_eq!(
            std::fs::read(dir.path().join(CACHE)).unwrap(),
            good,
            "rebuilt"
        );
    }
    // A folder where the cache should be is no reason to fail either.
    std::fs::remove_file(dir.path().join(CACHE)).unwrap();
    std::fs::create_dir(dir.path().join(CACHE)).unwrap();
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: cannot write the cache"),
        "{}",
        run.stderr
    );
}

#[test]
fn other_settings_do_not_use_the_cache() {
    let dir = fixture("basic");
    build_report(dir.path(), &[]);
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        &config.replace(
            "site_url: https://fixture.example/",
            "site_url: https://other.example/",
        ),
    );
    let report = build_report(dir.path(), &[]);
    assert_eq!(
        report["counts"]["from_cache"], 0,
        "site_url changes how relative links resolve"
    );
    let report = build_report(dir.path(), &[]);
    assert_eq!(report["counts"]["from_cache"], 9);
}

#[test]
fn added_and_removed_files_give_what_a_fresh_build_gives() {
    let dir = fixture("basic");
    build_report(dir.path(), &[]);
    // Remove an article early in path order, so every later cached
    // article sits one place further up; add one between two others.
    std::fs::remove_file(dir.path().join("content/news/a1.md")).unwrap();
    write(
        dir.path(),
        "content/news/a25.md",
        &article(
            "Newcomer",
            "2024-01-09T10:00:00Z",
            "https://e.example/newcomer",
            &["C"],
        ),
    );
    let report = build_report(dir.path(), &[]);
    // Ten files before; one gone, one new.
    assert_eq!(report["counts"]["from_cache"], 8);
    let incremental = outputs(dir.path());
    let third = build_report(dir.path(), &[]);
    assert_eq!(third["counts"]["from_cache"], 9);
    assert_eq!(third["problems"], report["problems"]);
    assert_eq!(outputs(dir.path()), incremental);

    std::fs::remove_dir_all(dir.path().join("feeds")).unwrap();
    let fresh = build_report(dir.path(), &[]);
    assert_eq!(fresh["problems"], report["problems"]);
    assert_eq!(outputs(dir.path()), incremental);
}
