//! Bad input: every problem is reported with its path (and line), the
//! other articles still reach their feeds, and the exit status says how
//! bad it was.

mod common;

use common::*;
use std::path::Path;

const CONFIG: &str = "base_url: https://x.example/feeds/\n";

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "feedsmith.yaml", CONFIG);
    write(
        dir.path(),
        "content/good.md",
        &article(
            "Good",
            "2024-01-01T00:00:00Z",
            "https://e.example/good",
            &["T"],
        ),
    );
    for (path, text) in files {
        write(dir.path(), &format!("content/{path}"), text);
    }
    dir
}

fn build(dir: &Path) -> Run {
    feedsmith(dir, &["build", "--now", NOW, "-q"])
}

/// The good article made it into the feeds, which are well-formed.
fn assert_good_feeds(dir: &Path) {
    for file in [
        "rss.xml",
        "atom.xml",
        "topics/t/rss.xml",
        "topics/t/atom.xml",
    ] {
        let feed = parse_feed(&dir.join("feeds").join(file));
        assert!(titles(&feed).contains(&"Good".to_owned()), "{file}");
    }
}

#[test]
fn article_errors_skip_the_file_and_exit_1() {
    let cases: &[(&str, &str, &str)] = &[
        ("a.md", "---\ntitle: x\npublishedDateTime: 2024-01-01\nwebUrl: [unclosed\n---\n", "a.md:5:1: error: invalid front matter"),
        ("b.md", "---\ntitle: no end\n", "b.md:1:1: error: front matter is not terminated"),
        ("c.md", "---\n- a list\n---\n", "c.md:2:1: error: invalid front matter"),
        ("d.md", "---\ntitle: [a, b]\npublishedDateTime: 2024-01-01\nwebUrl: https://e.example/d\n---\n", "d.md:2:1: error: `title` must be a string, found a list"),
        ("e.md", "---\ntitle: ''\npublishedDateTime: 2024-01-01\nwebUrl: https://e.example/e\n---\n", "e.md:2:1: error: `title` is empty"),
        ("f.md", "---\ntitle: F\npublishedDateTime: last tuesday\nwebUrl: https://e.example/f\n---\n", "f.md:3:1: error: `publishedDateTime` `last tuesday` is not a date"),
        ("g.md", "---\ntitle: G\nwebUrl: https://e.example/g\n---\n", "g.md: error: missing `publishedDateTime`"),
        ("h.md", "---\ntitle: H\npublishedDateTime: 2024-01-01\noriginalUrl: 'javascript:alert(1)'\n---\n", "h.md:4:1: error: no usable link: `originalUrl`: `javascript:alert(1)` is not an http(s) URL"),
        ("i.md", "---\ntitle: I\npublishedDateTime: 2024-01-01\nwebUrl: /relative/i\n---\n", "i.md:4:1: error: no usable link: `webUrl`: relative URL `/relative/i` and no `site_url`"),
        ("j.md", "---\ntitle: J\npublishedDateTime: 2024-01-01\n---\n", "j.md: error: no link"),
        ("k.md", "---\ntitle: K\ntitle: K2\npublishedDateTime: 2024-01-01\nwebUrl: https://e.example/k\n---\n", "k.md:3:1: error: invalid front matter: duplicate key `title`"),
        ("l.md", "---\n\ttitle: tab\n---\n", "l.md:2:1: error: invalid front matter"),
        ("m.md", "---\n---\n", "m.md:2:1: error: front matter is empty"),
        ("n.md", "---\ntitle: \"\\ud800\"\n---\n", "n.md:2:11: error: invalid front matter"),
    ];
    let files: Vec<(&str, &str)> = cases.iter().map(|(p, t, _)| (*p, *t)).collect();
    let dir = site(&files);
    let run = build(dir.path());
    assert_eq!(run.status, 1, "{}", run.stderr);
    for (_, _, expected) in cases {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(expected)),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    assert_good_feeds(dir.path());
}

#[test]
fn invalid_utf8_and_control_characters() {
    let dir = site(&[("ctl.md", "---\ntitle: \"a\\u0001b\\x1bc\"\npublishedDateTime: 2024-01-02\nwebUrl: https://e.example/ctl\n---\n")]);
    std::fs::write(
        dir.path().join("content/bad.md"),
        b"---\ntitle: \xff\xfe\n---\n",
    )
    .unwrap();
    let run = build(dir.path());
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.md:2: error: invalid UTF-8"),
        "{}",
        run.stderr
    );
    let feed = parse_feed(&dir.path().join("feeds/rss.xml"));
    assert!(
        titles(&feed).contains(&"abc".to_owned()),
        "control characters are dropped: {:?}",
        titles(&feed)
    );
}

#[test]
fn warnings_keep_the_article_and_exit_0() {
    let dir = site(&[(
        "w.md",
        "---\ntitle: W\npublishedDateTime: 2024-01-02 10:00\nwebUrl: https://e.example/w\nquality: lots\nimages: [{url: 'https://i.example/w.png', width: -3, height: 2}]\ntopics: Solo\npermalink: https://evil.example/\nunknown: {deep: [1, 2]}\n---\n",
    )]);
    let run = build(dir.path());
    assert_eq!(run.status, 0, "{}", run.stderr);
    for expected in [
        "w.md:3:1: warning: `publishedDateTime` `2024-01-02 10:00` has no time zone; taken as UTC",
        "w.md:5:1: warning: `quality` should be a number, found a string; ignored",
        "w.md:6:1: warning: image width -3 is not a positive size; dropped",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    let feed = parse_feed(&dir.path().join("feeds/topics/solo/atom.xml"));
    assert_eq!(
        feed.entries[0].id, "https://e.example/w",
        "permalink must not change the link"
    );
    assert_eq!(
        feed.entries[0].published.unwrap().to_rfc3339(),
        "2024-01-02T10:00:00+00:00"
    );
}

#[test]
fn no_base_url_exits_2_and_writes_nothing() {
    let dir = site(&[]);
    std::fs::remove_file(dir.path().join("feedsmith.yaml")).unwrap();
    let run = build(dir.path());
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("no base URL") && run.stderr.contains("--base-url"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("feeds").exists());
    let run = feedsmith(
        dir.path(),
        &[
            "build",
            "--now",
            NOW,
            "--base-url",
            "https://x.example/f/",
            "-q",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        parse_feed(&dir.path().join("feeds/atom.xml")).id,
        "https://x.example/f/atom.xml"
    );
}

#[test]
fn config_problems_exit_2_with_the_line() {
    let dir = site(&[]);
    write(
        dir.path(),
        "feedsmith.yaml",
        "title: T\nbase_url: https://x.example/\nlimt: 5\n",
    );
    let run = build(dir.path());
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.starts_with("feedsmith.yaml:3:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("limt"), "{}", run.stderr);
    assert!(!dir.path().join("feeds").exists());

    let run = feedsmith(dir.path(), &["build", "--config", "missing.yaml"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("missing.yaml"), "{}", run.stderr);
}

#[test]
fn unreadable_content_folder_and_bad_options_exit_2() {
    let dir = site(&[]);
    let run = feedsmith(dir.path(), &["build", "--content", "nowhere"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("cannot read content folder nowhere"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("feeds").exists());
    let run = feedsmith(dir.path(), &["build", "--now", "yesterday"]);
    assert_eq!(run.status, 2);
    let run = feedsmith(dir.path(), &["build", "--no-such-option"]);
    assert_eq!(run.status, 2);
}

#[test]
fn hostile_topic_names_stay_inside_the_out_folder() {
    let long = "x".repeat(300);
    let dir = site(&[(
        "t.md",
        &article(
            "T",
            "2024-01-02T00:00:00Z",
            "https://e.example/t",
            &[
                "../../etc/passwd",
                "C++",
                "C",
                "AI/ML",
                " ",
                &long,
                "Ünïcode",
                "ai/ml",
            ],
        ),
    )]);
    let run = build(dir.path());
    assert_eq!(run.status, 0, "{}", run.stderr);
    let topics: Vec<String> = std::fs::read_dir(dir.path().join("feeds/topics"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut topics = topics;
    topics.sort();
    assert_eq!(topics.len(), 7, "{topics:?}");
    for expected in ["ai-ml", "c", "c-plus-plus", "etc-passwd", "unicode", "t"] {
        assert!(
            topics.contains(&expected.to_owned()),
            "{expected} in {topics:?}"
        );
    }
    assert!(topics.iter().all(|t| t.len() <= 60));
    assert!(!dir.path().join("etc").exists());
}

#[test]
fn symlinks_out_of_the_content_folder_are_not_followed() {
    let dir = site(&[]);
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.md",
        &article(
            "Outside",
            "2024-01-03T00:00:00Z",
            "https://e.example/out",
            &[],
        ),
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            dir.path().join("content/link.md"),
        )
        .unwrap();
        let run = build(dir.path());
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "link.md: warning: symbolic link to something outside the content folder"
            ),
            "{}",
            run.stderr
        );
        assert!(
            !titles(&parse_feed(&dir.path().join("feeds/rss.xml"))).contains(&"Outside".to_owned())
        );
    }
}

#[test]
fn oversized_files_are_errors() {
    let dir = site(&[]);
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{CONFIG}max_file_size: 100\n"),
    );
    write(
        dir.path(),
        "content/big.md",
        &format!(
            "{}\n{}",
            article("Big", "2024-01-03T00:00:00Z", "https://e.example/big", &[]),
            "x".repeat(200)
        ),
    );
    let run = build(dir.path());
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("big.md: error: file is"),
        "{}",
        run.stderr
    );
}
