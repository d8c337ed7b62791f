//! One article can never take the build down: adversarial front matter
//! (generated here, in temporary folders, since some inputs are large)
//! is refused or cut with a clear message for that file, at bounded cost,
//! and every other article still reaches its feeds. `secured` values never
//! reach any output, and config numbers are overflow-safe.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn head(title: &str, slug: &str) -> String {
    format!("---\ntitle: \"{title}\"\npublishedDateTime: 2024-02-01T00:00:00Z\nwebUrl: https://e.example/{slug}\n")
}

/// Build, timed; the feeds' titles.
fn build_timed(dir: &Path, limit: Duration) -> (Run, Vec<String>) {
    let start = Instant::now();
    let run = feedsmith(dir, &["build", "--now", NOW]);
    let took = start.elapsed();
    assert!(took < limit, "took {took:?}\n{}", run.stderr);
    let feed = dir.join("feeds/atom.xml");
    let mut got = if feed.exists() {
        titles(&parse_feed(&feed))
    } else {
        Vec::new()
    };
    got.sort();
    (run, got)
}

/// A 37 KB list of 1000 aliases of lists of 1000 aliases of ... (10^12
/// values once expanded) under `key`.
fn alias_bomb(key: &str) -> String {
    let mut text = format!("l0: &l0 [{}]\n", vec!["x"; 1000].join(","));
    for i in 1..=4 {
        let items = vec![format!("*l{}", i - 1); 1000].join(",");
        text.push_str(&format!("l{i}: &l{i} [{items}]\n"));
    }
    text.push_str(&format!("{key}: *l4\n"));
    text
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    for key in ["topics", "images", "unread"] {
        let text = format!("{}{}---\n", head("Bomb", "bomb"), alias_bomb(key));
        assert!(text.len() < 40_000);
        let dir = site(&[("bomb.md", &text)]);
        let (run, got) = build_timed(dir.path(), Duration::from_secs(10));
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert_stderr_contains(
            &run,
            "YAML aliases (`*name`) that repeat large values are refused",
        );
        assert_stderr_contains(&run, "bomb.md:");
        assert_eq!(got, ["Good"]);
    }
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let brackets = format!(
        "{}images: {}\n---\n",
        head("Deep", "deep"),
        "[".repeat(100_000)
    );
    let balanced = format!(
        "{}images: &a {}{}\n---\n",
        head("Deep2", "deep2"),
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let dashes = format!(
        "{}images:\n{}x\n---\n",
        head("Deep3", "deep3"),
        "- ".repeat(100_000)
    );
    let dir = site(&[
        ("deep.md", &brackets),
        ("deep2.md", &balanced),
        ("deep3.md", &dashes),
    ]);
    let (run, got) = build_timed(dir.path(), Duration::from_secs(10));
    assert_eq!(run.status, 1, "{}", run.stderr);
    for file in ["deep.md:5:72", "deep2.md:5:75", "deep3.md:6:"] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(file)
                && l.contains(
                    "error[invalid-yaml]: invalid front matter: collections nested deeper than 64 levels"
                )),
            "{file}\n{}",
            run.stderr
        );
    }
    assert_eq!(got, ["Good"]);
}

#[test]
fn many_top_level_keys_parse_in_linear_time() {
    let keys: String = (0..100_000).map(|i| format!("k{i}: v\n")).collect();
    // The second goes to the full parser (an anchor), the first does not.
    let fast = format!("{}{keys}---\n", head("Keys", "keys"));
    let full = format!("{}a: &x 1\n{keys}---\n", head("Keys Full", "keys-full"));
    let dir = site(&[("keys.md", &fast), ("keys-full.md", &full)]);
    let (run, got) = build_timed(dir.path(), Duration::from_secs(15));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(got, ["Good", "Keys", "Keys Full"]);
}

#[test]
fn topics_beyond_max_topics_are_dropped_with_one_warning() {
    let topics: Vec<String> = (0..2000).map(|i| format!("t{i}")).collect();
    let text = format!(
        "{}topics: [{}]\n---\n",
        head("Topics", "topics"),
        topics.join(", ")
    );
    let dir = site(&[("topics.md", &text)]);
    let (run, got) = build_timed(dir.path(), Duration::from_secs(20));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(got, ["Good", "Topics"]);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("topics.md"))
        .collect();
    assert_eq!(
        warnings,
        ["topics.md:5:1: warning[too-many-topics]: 2000 topics, more than the 100 allowed (config `max_topics`); the last 1900 dropped"]
    );
    let topic_dirs = std::fs::read_dir(dir.path().join("feeds/topics"))
        .unwrap()
        .count();
    assert_eq!(topic_dirs, 101, "100 of the article's and Rust");
    assert!(dir.path().join("feeds/topics/t99").is_dir());
    assert!(!dir.path().join("feeds/topics/t100").exists());

    // A smaller bound from the config.
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}max_topics: 3\n"),
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(&run, "more than the 3 allowed");
    let mut slugs: Vec<String> = std::fs::read_dir(dir.path().join("feeds/topics"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["rust", "t0", "t1", "t2"]);
}

#[test]
fn a_huge_title_is_cut_with_a_warning() {
    let title = "word ".repeat(200_000);
    let text = format!("{}---\n", head(&title, "title"));
    let dir = site(&[("title.md", &text)]);
    let (run, _) = build_timed(dir.path(), Duration::from_secs(10));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "title.md:2:1: warning[long-title]: `title` is 999999 characters long; cut to 300",
    );
    let feed = parse_feed(&dir.path().join("feeds/rss.xml"));
    let cut = titles(&feed)
        .into_iter()
        .find(|t| t.starts_with("word"))
        .unwrap();
    assert!(
        cut.chars().count() <= 301 && cut.ends_with('…'),
        "{}",
        cut.len()
    );
}

#[test]
fn config_numbers_are_overflow_safe() {
    let dir = site(&[]);
    for (line, expected) in [
        (
            "max_file_size: 18446744073709551615",
            "config `max_file_size` 18446744073709551615 is out of range: it must be from 1 to 1073741824 (1 GiB)",
        ),
        ("max_file_size: 0", "config `max_file_size` 0 is out of range"),
        (
            "max_file_size: 18446744073709551616",
            "feedsmith.yaml:2:16: error: config: `max_file_size` must be a whole number ≥ 0, not `18446744073709551616`",
        ),
        ("max_file_size: -1", "error: config: `max_file_size` must be a whole number ≥ 0, not `-1`"),
        ("max_topics: 0", "config `max_topics` 0 is out of range: it must be from 1 to 10000"),
        (
            "max_topics: 18446744073709551615",
            "config `max_topics` 18446744073709551615 is out of range",
        ),
        ("limit: -1", "error: config: `limit` must be a whole number ≥ 0, not `-1`"),
    ] {
        write(dir.path(), "feedsmith.yaml", &format!("{MINIMAL_CONFIG}{line}\n"));
        let run = feedsmith(dir.path(), &["build", "--now", NOW]);
        assert_eq!(run.status, 2, "{line}: {}", run.stderr);
        assert_stderr_contains(&run, expected);
        assert!(!dir.path().join("feeds").exists(), "{line}");
    }
    // The largest values that are allowed work as they say.
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}max_file_size: 1073741824\nlimit: 18446744073709551615\nmin_quality: -9223372036854775808\nmax_topics: 10000\n"),
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        titles(&parse_feed(&dir.path().join("feeds/atom.xml"))),
        ["Good"]
    );
}

#[test]
fn secured_values_reach_no_output_even_through_aliases() {
    const SECRET: &str = "TOPSECRET-hardening";
    let with = |title: &str, slug: &str, anchor: &str, extra: &str| {
        format!(
            "---\nsecured: {anchor}\"{SECRET}\"\ntitle: \"{title}\"\npublishedDateTime: 2024-03-01T00:00:00Z\nwebUrl: https://e.example/{slug}\n{extra}---\nBody.\n"
        )
    };
    let files = [
        ("excerpt.md", with("Excerpt", "excerpt", "&s ", "excerpt: *s\n")),
        ("nested.md", with("Nested", "nested", "&s ", "topics: [a, *s]\nimages: [{url: *s}]\n")),
        ("copy.md", with("Copy", "copy", "", &format!("excerpt: \"{SECRET}\"\n"))),
        ("related.md", with("Related", "related", "&s ", "related: [{title: *s, url: 'https://e.example/r'}]\nfeaturedContent: *s\n")),
        (
            "title.md",
            format!("---\nsecured: &s \"{SECRET}\"\ntitle: *s\npublishedDateTime: 2024-03-01T00:00:00Z\nwebUrl: https://e.example/t\n---\n"),
        ),
        (
            "date.md",
            format!("---\nsecured: &s \"{SECRET}\"\ntitle: Date\npublishedDateTime: *s\nwebUrl: https://e.example/d\n---\n"),
        ),
        (
            "url.md",
            format!("---\nsecured: &s \"{SECRET}\"\ntitle: Url\npublishedDateTime: 2024-03-01T00:00:00Z\nwebUrl: *s\n---\n"),
        ),
        (
            "tagged.md",
            format!("---\ntitle: Tagged\nsecured: !!int \"{SECRET}\"\npublishedDateTime: 2024-03-01T00:00:00Z\nwebUrl: https://e.example/g\n---\n"),
        ),
        (
            "broken.md",
            format!("---\ntitle: Broken\nsecured: [\"{SECRET}\"\npublishedDateTime: 2024-03-01T00:00:00Z\n---\n"),
        ),
    ];
    let dir = site(&files.each_ref().map(|(p, t)| (*p, t.as_str())));
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}content: full\n"),
    );
    // Twice: the second run takes everything from the cache.
    for _ in 0..2 {
        let run = feedsmith(dir.path(), &["build", "--now", NOW, "--report", "json"]);
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert!(!run.stderr.contains(SECRET), "stderr:\n{}", run.stderr);
        assert!(!run.stdout.contains(SECRET), "report:\n{}", run.stdout);
        serde_json::from_str::<serde_json::Value>(&run.stdout).expect("the report is JSON");
        assert_stderr_contains(
            &run,
            "excerpt.md:6:1: warning[secret-repeated]: `excerpt` repeats a value of `secured` (through a YAML alias?); ignored",
        );
        for file in ["title.md", "date.md", "url.md", "tagged.md", "broken.md"] {
            assert!(
                run.stderr
                    .lines()
                    .any(|l| l.starts_with(file) && l.contains(": error[")),
                "{file}:\n{}",
                run.stderr
            );
        }
        let feeds = dir.path().join("feeds");
        let mut all = files_with_dot_files(&feeds);
        all.sort();
        assert!(
            all.iter().any(|f| f.ends_with(".feedsmith-cache")),
            "{all:?}"
        );
        for file in all {
            let bytes = std::fs::read(feeds.join(&file)).unwrap();
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "{file} holds the secret"
            );
        }
        let mut got = titles(&parse_feed(&feeds.join("atom.xml")));
        got.sort();
        assert_eq!(got, ["Copy", "Excerpt", "Good", "Nested", "Related"]);
    }
}

/// Every file below `root`, dot files included, relative.
fn files_with_dot_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out
}

#[test]
fn control_characters_are_escaped_on_stderr_and_exact_in_the_report() {
    let text = "---\ntitle: Forge\npublishedDateTime: 2024-01-01\nwebUrl: \"x\\nforged.md:1: error: \\u001b[2Jgotcha\"\n---\n";
    let dir = site(&[("forge.md", text)]);
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "--report", "json"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("forged.md")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "forge.md:4:1: error[bad-link]: no usable link: `webUrl`: `x\\nforged.md:1: error: \\u{1b}[2Jgotcha` is not a URL",
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`x\nforged.md:1: error: \u{1b}[2Jgotcha`")),
        "{messages:?}"
    );
}

#[test]
fn content_over_two_mebibytes_is_left_out_with_a_warning() {
    // 4 MB of links as the body and as `featuredContent`: sanitising them
    // would build a tree of a million nodes; the entry shows its summary.
    let links = "<a href=\"x\">x</a> ".repeat(220_000);
    let big = format!(
        "{}excerpt: The summary stays\nfeaturedContent: '{links}'\n---\n{links}\n",
        head("Big", "big")
    );
    let dir = site(&[("big.html", &big)]);
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}content: full\n"),
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(&run, "big.html:8: warning[large-content]: the body is");
    assert_stderr_contains(
        &run,
        "big.html:6:1: warning[large-content]: `featuredContent` is",
    );
    let atom = std::fs::read_to_string(dir.path().join("feeds/atom.xml")).unwrap();
    assert!(atom.contains("The summary stays"));
    assert!(
        !atom.contains("href=\"https://e.example/x\""),
        "the links are left out"
    );
    assert!(atom.len() < 100_000, "{} bytes", atom.len());
}
