//! Every class of bad input a real content folder can hold, from the
//! `tests/fixtures/bad-input` fixture: a clear message with the path (and
//! line) for that file only, every other article still in its feeds, the
//! feeds well-formed, no `secured` value, nothing outside the out folder.

mod common;

use common::*;

/// `(file, expected start of its message)`; errors skip the file.
const ERRORS: &[(&str, &str)] = &[
    (
        "front-matter/unterminated.md",
        "1:1: error[unterminated-front-matter]: front matter is not terminated",
    ),
    (
        "front-matter/not-a-mapping.md",
        "2:1: error[invalid-yaml]: invalid front matter: invalid type: sequence",
    ),
    (
        "front-matter/scalar.md",
        "2:1: error[invalid-yaml]: invalid front matter: invalid type: string",
    ),
    (
        "front-matter/invalid-yaml.md",
        "4:1: error[invalid-yaml]: invalid front matter",
    ),
    (
        "front-matter/duplicate-keys.md",
        "7:1: error[invalid-yaml]: invalid front matter: duplicate key `title`",
    ),
    (
        "front-matter/tabs.md",
        "3:1: error[invalid-yaml]: invalid front matter: found a tab character",
    ),
    (
        "front-matter/alias-bomb.md",
        "6:14: error[invalid-yaml]: invalid front matter: e[0][3][2][1][3]: the document expands to more than 10976 values; YAML aliases (`*name`) that repeat large values are refused",
    ),
    (
        "front-matter/deep-nesting.md",
        "6:72: error[invalid-yaml]: invalid front matter: collections nested deeper than 64 levels",
    ),
    (
        "encoding/invalid-utf8.md",
        "2: error[not-utf8]: invalid UTF-8 (byte 0xE9; perhaps Latin-1 or Windows-1252)",
    ),
    (
        "encoding/utf16le-bom.md",
        "1: error[not-utf8]: the file is encoded as UTF-16 LE (byte order mark FF FE), not UTF-8",
    ),
    (
        "encoding/utf16be-bom.md",
        "1: error[not-utf8]: the file is encoded as UTF-16 BE (byte order mark FE FF), not UTF-8",
    ),
    (
        "encoding/cr-only.md",
        "1: error[cr-line-ends]: lines end in CR alone (classic Mac OS line ends)",
    ),
    (
        "encoding/raw-control.md",
        "2:1: error[invalid-yaml]: invalid front matter: control characters are not allowed",
    ),
    (
        "encoding/lone-surrogate.md",
        "2:11: error[invalid-yaml]: invalid front matter: found invalid Unicode character escape code",
    ),
    ("fields/title-missing.md", "1: error[missing-title]: missing `title`"),
    ("fields/title-empty.md", "2:1: error[empty-title]: `title` is empty"),
    (
        "fields/title-list.md",
        "2:1: error[wrong-type]: `title` must be a string, found a list",
    ),
    (
        "fields/date-missing.md",
        "1: error[missing-date]: missing `publishedDateTime`",
    ),
    (
        "fields/date-garbage.md",
        "3:1: error[bad-date]: `publishedDateTime` `next week` is not a date",
    ),
    (
        "fields/date-year-zero-offset.md",
        "3:1: error[bad-date]: `publishedDateTime` `0000-01-01T00:00:00+01:00` is in year -1 (UTC); feeds take years 0 to 9999",
    ),
    (
        "fields/date-year-minus-one.md",
        "3:1: error[bad-date]: `publishedDateTime` `-0001-06-01` is in year -1 (UTC)",
    ),
    (
        "fields/date-year-20000.md",
        "3:1: error[bad-date]: `publishedDateTime` `+20000-01-01` is in year 20000 (UTC)",
    ),
    (
        "fields/url-newline.md",
        "4:1: error[bad-link]: no usable link: `webUrl`: `https://e.example/a\\nevil.md:1: error: forged` is not a URL",
    ),
    (
        "fields/url-javascript.md",
        "4:1: error[bad-link]: no usable link: `originalUrl`: `javascript:alert(1)` is not an http(s) URL",
    ),
    (
        "fields/url-not-a-url.md",
        "4:1: error[bad-link]: no usable link: `webUrl`: `not a url` is not a URL",
    ),
    (
        "fields/url-relative.md",
        "4:1: error[bad-link]: no usable link: `webUrl`: relative URL `/some/page` and no `site_url`",
    ),
];

/// Warnings keep the article.
const WARNINGS: &[(&str, &str)] = &[
    (
        "front-matter/blank-line-before.md",
        "warning[blank-before-front-matter]: blank line before the opening `---`",
    ),
    (
        "fields/date-no-zone.md",
        "3:1: warning[no-time-zone]: `publishedDateTime` `2024-01-02 03:04:05` has no time zone; taken as UTC",
    ),
    (
        "fields/quality-not-number.md",
        "6:1: warning[wrong-type]: `quality` should be a number, found a string; ignored",
    ),
    (
        "fields/image-negative.md",
        "6:1: warning[bad-image]: image width -100 is not a positive size; dropped",
    ),
    (
        "fields/image-huge.md",
        "6:1: warning[bad-image]: image width 100000000000000000000 is not a positive size; dropped",
    ),
    (
        "fields/image-huge.md",
        "6:1: warning[bad-image]: image height -1 is not a positive size; dropped",
    ),
    (
        "fields/secured-alias.md",
        "7:1: warning[secret-repeated]: `excerpt` repeats a value of `secured` (through a YAML alias?); ignored",
    ),
    (
        "fields/secured-alias.md",
        "8:1: warning[secret-repeated]: `provider` repeats a value of `secured` (through a YAML alias?); ignored",
    ),
];

/// Titles that must reach the feeds (normalised where the input was odd).
const ACCEPTED: &[&str] = &[
    "Good",
    "Custom Tag",
    "Dots Terminator",
    "Bom Crlf",
    "Escaped Control",
    "No Zone",
    "Date Only",
    "Moon Landing",
    "Offset",
    "Quality Words",
    "Negative Image",
    "Huge Image",
    "Secured Alias",
    "Topic String",
    "Permalink",
    "Hostile Topics",
    "Inside Folder Md",
];

#[test]
fn each_bad_file_is_reported_and_the_rest_is_published() {
    let dir = fixture("bad-input");
    let run = build(dir.path(), &["--verbose"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    for (file, message) in ERRORS.iter().chain(WARNINGS) {
        let expected = format!("{file}:{message}")
            .replace(".md:error", ".md: error")
            .replace(".md:warning", ".md: warning");
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&expected)),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    let error_lines = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error["))
        .count();
    assert_eq!(
        error_lines,
        ERRORS.len(),
        "one error per bad file:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("evil.md")),
        "a newline in input forged a line:\n{}",
        run.stderr
    );
    for passed in [
        "encoding/utf16-readme.md",
        "front-matter/missing.md",
        "filesystem/empty.md",
        "filesystem/notes.txt",
        "filesystem/page.html",
    ] {
        assert!(
            run.stderr.contains(&format!("{passed}: passed over")),
            "{passed}\n{}",
            run.stderr
        );
    }
    assert_stderr_contains(
        &run,
        "fields/date-far-future.md: left out: published in the future",
    );

    let feeds = dir.path().join("feeds");
    let overall = parse_feed(&feeds.join("atom.xml"));
    let mut got = titles(&overall);
    got.sort();
    let mut want: Vec<String> = ACCEPTED.iter().map(|t| t.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    for file in feed_files(&feeds) {
        parse_feed(&feeds.join(&file));
        let text = std::fs::read_to_string(feeds.join(&file)).unwrap();
        assert!(
            !text.contains("TOPSECRET")
                && !text.contains("root:x:0")
                && !text.contains("evil.example"),
            "{file}"
        );
    }
}

#[test]
fn odd_values_are_normalised() {
    let dir = fixture("bad-input");
    build(dir.path(), &["--verbose"]);
    let feed = parse_feed(&dir.path().join("feeds/atom.xml"));
    let entry = |title: &str| {
        feed.entries
            .iter()
            .find(|e| e.title.as_ref().unwrap().content == title)
            .unwrap()
    };
    let date = |title: &str| entry(title).published.unwrap().to_rfc3339();
    assert_eq!(date("No Zone"), "2024-01-02T03:04:05+00:00");
    assert_eq!(date("Date Only"), "2024-01-03T00:00:00+00:00");
    assert_eq!(date("Offset"), "2024-01-04T04:30:00+00:00");
    assert_eq!(date("Moon Landing"), "1969-07-20T20:17:00+00:00");
    assert_eq!(
        entry("Permalink").id,
        "https://e.example/permalink",
        "permalink: must not change the link"
    );
    assert_eq!(
        entry("Custom Tag").summary.as_ref().unwrap().content,
        "/etc/passwd",
        "the tag is ignored, nothing opened"
    );
    assert!(entry("Negative Image")
        .media
        .iter()
        .all(|m| m.thumbnails.iter().all(|t| t.image.width.is_none())));
    // --future lets year 9999 in, and it renders.
    let run = build(dir.path(), &["--verbose", "--future"]);
    assert_eq!(run.status, 1);
    let feed = parse_feed(&dir.path().join("feeds/rss.xml"));
    assert_eq!(titles(&feed)[0], "Year 9999");
}

#[test]
fn hostile_topic_names_become_safe_slugs() {
    let dir = fixture("bad-input");
    build(dir.path(), &["--verbose"]);
    let mut topics: Vec<String> = std::fs::read_dir(dir.path().join("feeds/topics"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    topics.sort();
    assert_eq!(topics.len(), 7, "{topics:?}");
    assert_eq!(
        &topics[..5],
        ["ai-ml", "c", "c-plus-plus", "etc-passwd", "fixture"]
    );
    assert!(
        topics[5].starts_with("long-long-") && topics[5].len() <= 60,
        "{}",
        topics[5]
    );
    assert_eq!(topics[6], "unicode");
    // "Fixture" and "FIXTURE" are one topic: every accepted article is in it.
    let fixture_feed = parse_feed(&dir.path().join("feeds/topics/fixture/rss.xml"));
    assert_eq!(fixture_feed.entries.len(), ACCEPTED.len());
    assert!(!dir.path().join("etc").exists() && !dir.path().join("feeds/etc").exists());
}

#[test]
fn a_multi_megabyte_excerpt_is_cut() {
    let dir = empty_site();
    let excerpt = "lorem ipsum ".repeat(400_000);
    write(
        dir.path(),
        "content/huge.md",
        &format!("---\ntitle: Huge\npublishedDateTime: 2024-01-01\nwebUrl: https://e.example/huge\nexcerpt: \"{excerpt}\"\n---\n"),
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "huge.md:5:1: warning[long-excerpt]: `excerpt` is 4799999 characters long; cut to 2000",
    );
    let feed = parse_feed(&dir.path().join("feeds/atom.xml"));
    let summary = &feed.entries[0].summary.as_ref().unwrap().content;
    assert!(
        summary.chars().count() <= 2001 && summary.ends_with('…'),
        "{}",
        summary.len()
    );
}

#[test]
fn unreadable_files_are_errors() {
    if !can_drop_privileges() {
        return;
    }
    let locked = article(
        "Locked",
        "2024-01-01T00:00:00Z",
        "https://e.example/locked",
        &[],
    );
    let dir = site(&[("locked.md", &locked)]);
    chmod(&dir.path().join("content/locked.md"), 0o000);
    let run = feedsmith_unprivileged(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "locked.md: error[unreadable]: cannot read file: Permission denied",
    );
    assert_eq!(
        titles(&parse_feed(&dir.path().join("feeds/rss.xml"))),
        ["Good"]
    );
}
