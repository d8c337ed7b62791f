//! Duplicates that are the same story: links that differ only by tracking
//! parameters, the fragment, a default port or a trailing `?` are one
//! article; the feed keeps the kept copy's link and warns once per other
//! copy, naming both links.

mod common;

use common::*;

/// One story under four links (three variants of the earliest copy's),
/// and two articles whose links differ by a parameter that is not
/// tracking: those stay two.
fn site() -> tempfile::TempDir {
    let dir = empty_site();
    let root = dir.path();
    let story = |title: &str, date: &str, url: &str| article(title, date, url, &["News"]);
    // The earliest copy: kept, with its own link.
    write(
        root,
        "content/b-first.md",
        &story(
            "The story",
            "2024-01-01T08:00:00Z",
            "https://news.example/2024/story?id=7#comments",
        ),
    );
    write(
        root,
        "content/a-tracked.md",
        &story(
            "The story (newsletter)",
            "2024-01-02T08:00:00Z",
            "https://news.example/2024/story?utm_source=newsletter&id=7&utm_medium=email&mc_cid=abc&mc_eid=def",
        ),
    );
    write(
        root,
        "content/c-social.md",
        &story(
            "The story (social)",
            "2024-01-03T08:00:00Z",
            "https://news.example:443/2024/story?fbclid=IwAR0x&id=7",
        ),
    );
    write(
        root,
        "content/d-ad.md",
        &story(
            "The story (ad)",
            "2024-01-04T08:00:00Z",
            "https://news.example/2024/story?id=7&gclid=Cj0KCQ&UTM_Campaign=x",
        ),
    );
    write(
        root,
        "content/e-page2.md",
        &story(
            "Page two",
            "2024-01-05T08:00:00Z",
            "https://news.example/2024/list?page=2",
        ),
    );
    write(
        root,
        "content/f-page3.md",
        &story(
            "Page three",
            "2024-01-06T08:00:00Z",
            "https://news.example/2024/list?page=3&utm_source=x",
        ),
    );
    dir
}

#[test]
fn a_story_under_several_links_is_one_entry_with_the_kept_copys_link() {
    let dir = site();
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "--report", "json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = dir.path().join("feeds");
    for file in [
        "rss.xml",
        "atom.xml",
        "feed.json",
        "topics/news/rss.xml",
        "topics/news/atom.xml",
        "topics/news/feed.json",
    ] {
        let feed = parse_feed(&out.join(file));
        assert_eq!(
            titles(&feed),
            ["Page three", "Page two", "The story"],
            "{file}"
        );
        let links: Vec<&str> = feed
            .entries
            .iter()
            .map(|e| e.links.first().map_or("", |l| l.href.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                "https://news.example/2024/list?page=3&utm_source=x",
                "https://news.example/2024/list?page=2",
                "https://news.example/2024/story?id=7#comments",
            ],
            "{file}: each entry keeps the link its article has"
        );
    }

    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("duplicate of"))
        .collect();
    assert_eq!(
        warnings,
        [
            "a-tracked.md:5:1: warning[duplicate-link]: duplicate of b-first.md (same story as https://news.example/2024/story?id=7#comments: https://news.example/2024/story?utm_source=newsletter&id=7&utm_medium=email&mc_cid=abc&mc_eid=def differs only in tracking parameters, fragment or port); left out",
            "c-social.md:5:1: warning[duplicate-link]: duplicate of b-first.md (same story as https://news.example/2024/story?id=7#comments: https://news.example/2024/story?fbclid=IwAR0x&id=7 differs only in tracking parameters, fragment or port); left out",
            "d-ad.md:5:1: warning[duplicate-link]: duplicate of b-first.md (same story as https://news.example/2024/story?id=7#comments: https://news.example/2024/story?id=7&gclid=Cj0KCQ&UTM_Campaign=x differs only in tracking parameters, fragment or port); left out",
        ],
        "{}",
        run.stderr
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["counts"]["duplicates"], 3, "{}", run.stdout);

    // A rerun gives the same bytes.
    let before = snapshot(&out);
    let rerun = feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(rerun.status, 0, "{}", rerun.stderr);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn identical_links_keep_the_old_warning() {
    let dir = empty_site();
    let root = dir.path();
    let url = "https://news.example/same";
    write(
        root,
        "content/a.md",
        &article("A", "2024-01-02T00:00:00Z", url, &[]),
    );
    write(
        root,
        "content/b.md",
        &article("B", "2024-01-01T00:00:00Z", url, &[]),
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "a.md:5:1: warning[duplicate-link]: duplicate of b.md (same link https://news.example/same); left out",
    );
}
