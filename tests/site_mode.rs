//! Site mode: a folder holding `_config.yml` is read as Jekyll reads it,
//! with no feedsmith configuration.

mod common;

use common::*;
use std::path::Path;

const CONFIG: &str = r#"# Site settings
title: "Tidewater Notes"
description: A small boat, the estuary and what the tide leaves behind
url: https://tidewater.example
baseurl: /notes
locale: en-gb
timezone: Europe/London
permalink: /:categories/:year/:month/:day/:title:output_ext

default_post: &default_post
  layout: post
  author: ann

collections:
  trips:
    output: true
    permalink: /trips/:year/:title/
  crew:
    output: false

defaults:
  - scope:
      path: ""
      type: posts
    values:
      <<: *default_post
  - scope:
      path: "gear"
      type: posts
    values:
      tags: [maintenance]
  - scope:
      path: ""
      type: trips
    values:
      layout: trip

exclude:
  - README.md
  - scratch/

plugins:
  - jekyll-seo-tag
"#;

/// A Jekyll site the way people keep one: posts with every date form,
/// a collection with its own permalink, a dateless collection document,
/// pages, layouts, a draft, an everyday-cc `_news` folder and a topic file
/// ending in a bare `---`.
fn jekyll_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "_config.yml", CONFIG);
    write(
        root,
        "_posts/2021-03-01-reefing-early.md",
        "---\ntitle: Reefing early\ndate: 2021-03-01 13:29:00 +0100\nlast_modified_at: 2021-03-05 09:00:00 +0000\ncategories: seamanship\ntags: [weather, reefing]\n---\nThe time to reef is the first time you think of it.\n",
    );
    write(
        root,
        "_posts/2019-04-02-first-light.md",
        "---\ncategories: [seamanship]\n---\nNo title, no date: the file name gives both.\n",
    );
    write(
        root,
        "_posts/2023-08-05-round-the-island.md",
        "---\ntitle: Round the island\ndate: \"2023-08-05 05:30:00\"\ncategory: racing\n---\nQuoted and zoneless: London time.\n",
    );
    write(
        root,
        "gear/_posts/2020-11-03-new-standing-rigging.md",
        "---\ntitle: New standing rigging\ndate: 2020-11-03T14:00:00Z\n---\nWire, swages and a long day.\n",
    );
    write(
        root,
        "_posts/2099-01-01-future-passage.md",
        "---\ntitle: A passage still to come\n---\n",
    );
    write(
        root,
        "_drafts/passage-plan.md",
        "---\ntitle: Passage plan\ndate: 2024-05-20 19:00:00\n---\n",
    );
    write(
        root,
        "_trips/beaulieu-river.md",
        "---\ntitle: Up the Beaulieu River\ndate: 2024-04-13 11:00:00 +0100\ntags: solent\n---\n",
    );
    write(
        root,
        "_trips/ideas.md",
        "---\ntitle: Trips we mean to make\n---\nNo date: a page of the collection.\n",
    );
    write(
        root,
        "_news/2024-03-02-harbour-dues-rise.md",
        "---\ncategory: news\ntitle: \"Harbour dues rise for 2025\"\npublishedDateTime: 2024-03-02T08:00:00Z\noriginalUrl: \"https://news.example.org/harbour-dues-2025\"\ntopics:\n  - Harbour\n---\n",
    );
    write(
        root,
        "_layouts/post.html",
        "---\nlayout: default\n---\n<article>{{ content }}</article>\n",
    );
    write(
        root,
        "_includes/footer.html",
        "<footer>{{ site.title }}</footer>\n",
    );
    write(
        root,
        "about.md",
        "---\nlayout: page\ntitle: About\npermalink: /about/\n---\nWho we are.\n",
    );
    write(
        root,
        "index.html",
        "---\nlayout: default\n---\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n",
    );
    write(
        root,
        "README.md",
        "# Tidewater Notes\n\nBuilt with Jekyll.\n",
    );
    write(
        root,
        "scratch/2020-01-01-notes.md",
        "---\ntitle: Scratch\n---\n",
    );
    write(
        root,
        "_data/topics/00-harbour.yaml",
        "---\ntaxonomy: topic\n_id: harbour\nname: Harbour\n---\n",
    );
    dir
}

/// `(published, link, id)` of every entry of an Atom feed, in order.
fn entries(path: &Path) -> Vec<(String, String, String)> {
    let feed = parse_feed(path);
    feed.entries
        .iter()
        .map(|e| {
            (
                e.published.map(|p| p.to_rfc3339()).unwrap_or_default(),
                e.links.first().map(|l| l.href.clone()).unwrap_or_default(),
                e.id.clone(),
            )
        })
        .collect()
}

#[test]
fn a_jekyll_site_builds_with_no_configuration() {
    let dir = jekyll_site();
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "--verbose"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let atom = dir.path().join("feeds/atom.xml");
    let text = std::fs::read_to_string(&atom).unwrap();
    assert!(
        text.contains("<title>Tidewater Notes</title>")
            && text.contains(r#"xml:lang="en-GB""#)
            && text.contains(r#"href="https://tidewater.example/notes/feeds/atom.xml" rel="self""#),
        "{text}"
    );
    let links: Vec<(String, String)> = entries(&atom)
        .into_iter()
        .map(|(published, link, _)| (published, link))
        .collect();
    let expected = [
        (
            "2024-04-13T10:00:00+00:00",
            "https://tidewater.example/notes/trips/2024/beaulieu-river/",
        ),
        (
            "2024-03-02T08:00:00+00:00",
            "https://news.example.org/harbour-dues-2025",
        ),
        (
            "2023-08-05T04:30:00+00:00",
            "https://tidewater.example/notes/racing/2023/08/05/round-the-island.html",
        ),
        (
            "2021-03-01T12:29:00+00:00",
            "https://tidewater.example/notes/seamanship/2021/03/01/reefing-early.html",
        ),
        (
            "2020-11-03T14:00:00+00:00",
            "https://tidewater.example/notes/gear/2020/11/03/new-standing-rigging.html",
        ),
        (
            "2019-04-01T23:00:00+00:00",
            "https://tidewater.example/notes/seamanship/2019/04/02/first-light.html",
        ),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, l)| (p.to_string(), l.to_string()))
        .collect();
    assert_eq!(links, expected);
    // Pages, layouts, excluded files, the draft: passed over, never errors.
    for (path, why) in [
        ("_trips/ideas.md", "no date: a page, not an entry"),
        ("about.md", "a page, not in a collection"),
        ("README.md", "matched by `exclude` in _config.yml"),
        ("scratch/2020-01-01-notes.md", "matched by `exclude`"),
        ("_drafts/passage-plan.md", "a draft"),
        ("_layouts", "skipped folder"),
    ] {
        assert_stderr_contains(&run, &format!("{path}: passed over: {why}"));
    }
    assert_stderr_contains(&run, "_posts/2099-01-01-future-passage.md: left out");
}

#[test]
fn categories_and_tags_are_topics_and_titles_come_from_the_file_name() {
    let dir = jekyll_site();
    let run = feedsmith(dir.path(), &["topics", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for slug in [
        "seamanship",
        "weather",
        "reefing",
        "racing",
        "gear",
        "maintenance",
        "solent",
        "harbour",
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{slug} "))),
            "{slug} missing:\n{}",
            run.stdout
        );
    }
    // `category: news` of an article with `topics` adds no topic.
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("news ")),
        "{}",
        run.stdout
    );
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feed = parse_feed(&dir.path().join("feeds/topics/seamanship/atom.xml"));
    assert_eq!(titles(&feed), ["Reefing early", "First Light"]);
}

#[test]
fn check_lists_pages_and_drafts_are_read_with_the_flag() {
    let dir = jekyll_site();
    let run = feedsmith(dir.path(), &["check", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "_trips/ideas.md: passed over: no date: a page, not an entry",
    );
    let run = build(dir.path(), &["--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feed = parse_feed(&dir.path().join("feeds/atom.xml"));
    assert_eq!(titles(&feed)[0], "Passage plan");
}

#[test]
fn the_site_folder_can_be_named_and_feeds_can_go_into_site() {
    let dir = jekyll_site();
    let outside = tempfile::tempdir().unwrap();
    let site = dir.path().to_str().unwrap();
    let run = feedsmith(
        outside.path(),
        &[
            "build",
            site,
            "--out",
            &format!("{site}/_site"),
            "--now",
            NOW,
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("_site/atom.xml")).unwrap();
    assert!(
        text.contains(r#"href="https://tidewater.example/notes/atom.xml" rel="self""#),
        "_site is published at the site's root: {text}"
    );
    assert!(!outside.path().join("feeds").exists());
}

#[test]
fn feedsmith_yaml_beside_the_site_overrides_and_site_false_is_todays_mode() {
    let dir = jekyll_site();
    write(
        dir.path(),
        "feedsmith.yaml",
        "title: Tidewater (feeds)\nbase_url: https://feeds.example/tidewater/\n",
    );
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("feeds/atom.xml")).unwrap();
    assert!(
        text.contains("<title>Tidewater (feeds)</title>")
            && text.contains("https://feeds.example/tidewater/atom.xml"),
        "{text}"
    );
    // Today's mode: the Jekyll posts have neither `publishedDateTime` nor a
    // link of their own, so they are errors there (exit 1).
    for (args, config) in [
        (&["--no-site", "--content", "."][..], None),
        (
            &["--content", "."][..],
            Some("site: false\nbase_url: https://x.example/\n"),
        ),
    ] {
        if let Some(config) = config {
            write(dir.path(), "feedsmith.yaml", config);
        }
        let run = build(dir.path(), args);
        assert_eq!(run.status, 1, "{args:?}: {}", run.stderr);
        assert_stderr_contains(
            &run,
            "_posts/2021-03-01-reefing-early.md:1: error[missing-date]: missing `publishedDateTime`",
        );
    }
}

#[test]
fn a_bad_time_zone_stops_the_run_naming_the_line() {
    let dir = jekyll_site();
    write(
        dir.path(),
        "_config.yml",
        &CONFIG.replace("Europe/London", "Europe/Atlantis"),
    );
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(&run, "_config.yml:7: error: `timezone` `Europe/Atlantis`");
}

/// The proof of issue 12: the real everyday-cc archive, its real
/// `_config.yml`, no feedsmith.yaml.
#[test]
fn the_shared_corpus_builds_in_site_mode_from_its_own_config() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/powerapps");
    if !corpus.join("_config.yml").is_file() {
        eprintln!(
            "skipped: {} (with its _config.yml) is absent",
            corpus.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feeds");
    let run = feedsmith(
        dir.path(),
        &[
            "build",
            corpus.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--now",
            "2024-05-01T00:00:00Z",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    // 1,883 dated documents less the 248 `published: false` ones, which
    // Jekyll (and site mode) leaves out without --unpublished.
    assert_stderr_contains(&run, "1635 articles read");
    assert_stderr_contains(&run, "0 with errors");
    let text = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        text.contains("<title>Power Apps Every Day</title>")
            && text.contains(
                r#"<link href="https://everyday-cc.github.io/powerapps/" rel="alternate""#
            )
            && text.contains(r#"xml:lang="en-US""#),
        "{}",
        &text[..text.len().min(1500)]
    );
    assert_eq!(
        feed_files(&out).len(),
        24,
        "overall + 7 taxonomy topics, 3 formats"
    );
}
