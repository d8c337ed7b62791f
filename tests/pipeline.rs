//! The pipeline end to end: the real binary on the `basic` fixture, every
//! feed parsed with feed-rs.

mod common;

use common::*;

fn build_basic() -> (tempfile::TempDir, Run) {
    let dir = fixture("basic");
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    (dir, run)
}

#[test]
fn writes_overall_and_topic_feeds_in_every_format() {
    let (dir, run) = build_basic();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let mut expected = vec!["index.html".to_owned(), "index.opml".to_owned()];
    for folder in [
        "",
        "topics/c/",
        "topics/cpp/",
        "topics/kunstliche-intelligenz/",
        "topics/shared/",
    ] {
        for file in ["atom.xml", "feed.json", "rss.xml"] {
            expected.push(format!("{folder}{file}"));
        }
        // Each feed's page (the overall feed's is index.html).
        if !folder.is_empty() {
            expected.push(format!("{folder}index.html"));
        }
    }
    expected.sort();
    assert_eq!(files(&dir.path().join("feeds")), expected);
    let expected: Vec<String> = expected
        .into_iter()
        .filter(|f| !f.ends_with("index.html") && !f.ends_with("index.opml"))
        .collect();
    for file in &expected {
        let feed = parse_feed(&dir.path().join("feeds").join(file));
        assert!(!feed.entries.is_empty(), "{file}");
    }
}

#[test]
fn entries_are_selected_ordered_and_limited() {
    let (dir, _) = build_basic();
    let feeds = dir.path().join("feeds");
    for format in ["rss.xml", "atom.xml"] {
        let overall = parse_feed(&feeds.join(format));
        // limit 3, newest first; the draft, the future one and the later duplicate are out.
        assert_eq!(
            titles(&overall),
            [
                "Tom & Jerry <3 \u{2019}quotes\u{2019}",
                "Delta",
                "Foxtrot same time as Charlie"
            ],
            "{format}"
        );
        let shared = parse_feed(&feeds.join("topics/shared").join(format));
        assert_eq!(
            titles(&shared),
            ["Delta", "Foxtrot same time as Charlie", "Charlie"],
            "{format}"
        );
        let cpp = parse_feed(&feeds.join("topics/cpp").join(format));
        // "C++" (taxonomy) and "c++" are one topic; "C" is another.
        assert_eq!(titles(&cpp), ["Charlie"], "{format}");
        let c = parse_feed(&feeds.join("topics/c").join(format));
        assert_eq!(titles(&c), ["Bravo"], "{format}");
    }
}

#[test]
fn ids_links_and_dates_come_from_the_articles() {
    let (dir, _) = build_basic();
    let feeds = dir.path().join("feeds");
    let rss = parse_feed(&feeds.join("topics/shared/rss.xml"));
    let atom = parse_feed(&feeds.join("topics/shared/atom.xml"));
    let charlie_rss = &rss.entries[2];
    let charlie_atom = &atom.entries[2];
    for entry in [charlie_rss, charlie_atom] {
        assert_eq!(entry.id, "https://e.example/charlie");
        assert_eq!(entry.links[0].href, "https://e.example/charlie");
        assert_eq!(
            entry.published.unwrap().to_rfc3339(),
            "2024-01-03T08:00:00+00:00"
        );
        assert_eq!(
            entry.summary.as_ref().unwrap().content,
            "Excerpt of Charlie"
        );
        assert_eq!(
            entry.media[0].thumbnails[0].image.uri,
            "https://img.example/c.jpg?a=1&b=2"
        );
    }
    // Feed-level dates are the newest entry's, not the clock's.
    assert_eq!(
        atom.updated.unwrap().to_rfc3339(),
        "2024-01-04T10:00:00+00:00"
    );
    assert_eq!(
        rss.updated.unwrap().to_rfc3339(),
        "2024-01-04T10:00:00+00:00"
    );
    assert_eq!(
        atom.id,
        "https://fixture.example/feeds/topics/shared/atom.xml"
    );
    let self_link = atom
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("self"))
        .unwrap();
    assert_eq!(
        self_link.href,
        "https://fixture.example/feeds/topics/shared/atom.xml"
    );
    let categories: Vec<(&str, Option<&str>)> = charlie_atom
        .categories
        .iter()
        .map(|c| (c.term.as_str(), c.label.as_deref()))
        .collect();
    assert_eq!(
        categories,
        [("cpp", Some("C++")), ("shared", Some("Shared"))]
    );
    let rss_categories: Vec<&str> = charlie_rss
        .categories
        .iter()
        .map(|c| c.term.as_str())
        .collect();
    assert_eq!(rss_categories, ["C++", "Shared"]);
}

#[test]
fn provider_becomes_creator_and_author() {
    let (dir, _) = build_basic();
    let feeds = dir.path().join("feeds");
    for format in ["rss.xml", "atom.xml"] {
        let feed = parse_feed(&feeds.join("topics/c").join(format));
        assert_eq!(feed.entries[0].authors[0].name, "Bravo Press", "{format}");
    }
    let atom = std::fs::read_to_string(feeds.join("topics/c/atom.xml")).unwrap();
    assert!(atom.contains("<uri>https://bravo.example/</uri>"), "{atom}");
    let rss = std::fs::read_to_string(feeds.join("topics/c/rss.xml")).unwrap();
    assert!(
        rss.contains("<dc:creator>Bravo Press</dc:creator>") && !rss.contains("<author>"),
        "{rss}"
    );
}

#[test]
fn topic_feeds_use_taxonomy_names_descriptions_and_images() {
    let (dir, _) = build_basic();
    let feed = parse_feed(&dir.path().join("feeds/topics/cpp/rss.xml"));
    assert_eq!(feed.title.unwrap().content, "Fixture & Co: C++");
    assert_eq!(feed.description.unwrap().content, "All about C++");
    assert_eq!(
        feed.logo.unwrap().uri,
        "https://fixture.example/img/cpp.png"
    );
}

#[test]
fn text_is_decoded_once_and_escaped_once() {
    let (dir, _) = build_basic();
    let rss = std::fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap();
    // Plain text in the RSS Profile's form: `&#x26;` and `&#x3C;`.
    assert!(rss.contains("<title>Fixture &#x26; Co</title>"), "{rss}");
    assert!(
        rss.contains("<title>Tom &#x26; Jerry &#x3C;3 \u{2019}quotes\u{2019}</title>"),
        "{rss}"
    );
    for twice in ["&amp;amp;", "&amp;#8217;", "&#x26;amp;", "&#x26;#8217;"] {
        assert!(!rss.contains(twice), "{twice} in {rss}");
    }
}

#[test]
fn secured_never_appears_and_hidden_folders_are_skipped() {
    let (dir, _) = build_basic();
    for file in feed_files(&dir.path().join("feeds")) {
        let text = std::fs::read_to_string(dir.path().join("feeds").join(&file)).unwrap();
        assert!(!text.contains("TOPSECRET"), "{file}");
        assert!(!text.contains("Hidden"), "{file}");
    }
}

#[test]
fn reports_duplicates_and_summary() {
    let (_, run) = build_basic();
    assert_stderr_contains(
        &run,
        "news/a1.md:5:1: warning[duplicate-link]: duplicate of news/a7.md (same link https://e.example/alpha)",
    );
    let summary = run.stderr.lines().last().unwrap();
    assert_eq!(
        summary,
        "feedsmith: 9 articles read (0 from cache), 6 selected, 5 in feeds; left out: 1 drafts, 1 future, 0 below min_quality, 1 duplicates, 0 with errors; 5 feeds holding 9 entries; 21 files: 21 written, 0 unchanged, 0 removed"
    );
}

#[test]
fn drafts_and_future_flags_include_them() {
    let dir = fixture("basic");
    let run = feedsmith(
        dir.path(),
        &["build", "--now", NOW, "--drafts", "--future", "-q"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feed = parse_feed(&dir.path().join("feeds/atom.xml"));
    assert_eq!(
        titles(&feed),
        [
            "Future",
            "Tom & Jerry <3 \u{2019}quotes\u{2019}",
            "Echo draft"
        ]
    );
    // Without --now the clock decides: 2099 is still the future.
    let run = feedsmith(dir.path(), &["build", "-q"]);
    assert_eq!(run.status, 0);
    assert_eq!(
        titles(&parse_feed(&dir.path().join("feeds/atom.xml")))[0],
        "Tom & Jerry <3 \u{2019}quotes\u{2019}"
    );
}

#[test]
fn second_build_rewrites_nothing() {
    let (dir, _) = build_basic();
    let feeds = dir.path().join("feeds");
    let mtimes = |files: &[String]| -> Vec<std::time::SystemTime> {
        files
            .iter()
            .map(|f| {
                std::fs::metadata(feeds.join(f))
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect()
    };
    let before = mtimes(&files(&feeds));
    std::thread::sleep(std::time::Duration::from_millis(50));
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    assert!(
        run.stderr
            .ends_with("21 files: 0 written, 21 unchanged, 0 removed\n"),
        "{}",
        run.stderr
    );
    assert_eq!(before, mtimes(&files(&feeds)));
}

#[test]
fn quiet_prints_only_problems_and_verbose_lists_everything() {
    let dir = fixture("basic");
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "--quiet"]);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "only the duplicate warning: {}",
        run.stderr
    );
    let run = feedsmith(dir.path(), &["check", "--now", NOW, "--verbose"]);
    for expected in [
        "news/README.md: passed over: no front matter",
        "news/notes.txt: passed over: not a .md, .markdown or .html file",
        ".hidden: passed over: skipped folder",
        "news/a5.md: left out: draft",
        "news/a6.md: left out: published in the future",
        "news/a1.md: left out: duplicate of news/a7.md",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
}

#[test]
fn check_writes_nothing() {
    let dir = fixture("basic");
    let run = feedsmith(dir.path(), &["check", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(
            "5 feeds (15 feed files) would be written, with the pages and the OPML list\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("feeds").exists());
}

#[test]
fn topics_lists_slug_name_count_newest_and_urls() {
    let dir = fixture("basic");
    let run = feedsmith(dir.path(), &["topics", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("SLUG"), "{}", run.stdout);
    let shared = lines.iter().find(|l| l.starts_with("shared ")).unwrap();
    let cells: Vec<&str> = shared.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "shared",
            "Shared",
            "5",
            "2024-01-04",
            "https://fixture.example/feeds/topics/shared/rss.xml",
            "https://fixture.example/feeds/topics/shared/atom.xml",
            "https://fixture.example/feeds/topics/shared/feed.json"
        ]
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("kunstliche-intelligenz  Künstliche Intelligenz")),
        "{}",
        run.stdout
    );
}

#[test]
fn full_content_mode_adds_html_content() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        "base_url: https://x.example/feeds/\nsite_url: https://x.example/\ncontent: full\n",
    );
    write(
        dir.path(),
        "content/post.md",
        "---\ntitle: Post\nexcerpt: Short & sweet\npublishedDateTime: 2024-01-01T00:00:00Z\noriginalUrl: https://e.example/post\ntype: video\nfeaturedContent: '<iframe src=\"https://v.example/embed/1\"></iframe>'\nprovider: {name: Vids, domain: v.example}\nimages: [{url: /img/lead.jpg, width: 640, height: 360}]\nrelated: [{title: Other, webUrl: https://e.example/other}]\nsecured: TOPSECRET\n---\nSee [the docs](/docs/x) and ]]> this.\n",
    );
    write(
        dir.path(),
        "content/letter.html",
        "---\ntitle: Letter\npublishedDateTime: 2024-01-02T00:00:00Z\nwebUrl: https://e.example/letter\n---\n<html><head><style>p{}</style></head><body>{% raw %}<p><a href=\"/archive\">Archive</a></p>{% endraw %}</body></html>\n",
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for format in ["rss.xml", "atom.xml"] {
        let feed = parse_feed(&dir.path().join("feeds").join(format));
        let letter = feed.entries[0]
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap();
        assert!(
            // Relative to the letter's own link, not to `site_url`.
            letter.contains("<p><a href=\"https://e.example/archive\">Archive</a></p>"),
            "{format}: {letter}"
        );
        assert!(
            !letter.contains("raw %}") && !letter.contains("<style>"),
            "{format}: {letter}"
        );
        let post = feed.entries[1]
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap();
        for expected in [
            "<p>Short &amp; sweet</p>",
            "<a href=\"https://e.example/docs/x\">the docs</a>",
            "]]&gt; this.",
            // The video's iframe is a link, its thumbnail the lead image.
            "<div><a href=\"https://v.example/embed/1\"><img src=\"https://x.example/img/lead.jpg\" alt=\"Watch the video on v.example\"></a> <a href=\"https://v.example/embed/1\">Watch the video on v.example</a></div>",
            "<a href=\"https://e.example/post\">Read on Vids</a>",
            "<li><a href=\"https://e.example/other\">Other</a></li>",
        ] {
            assert!(post.contains(expected), "{format}: missing {expected:?} in {post}");
        }
        assert!(!post.contains("TOPSECRET") && !post.contains("<iframe"));
    }
}

#[test]
fn rss_guids_are_explicit_permalinks() {
    let (dir, _) = build_basic();
    let rss = std::fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap();
    assert_eq!(
        rss.matches("<guid isPermaLink=\"true\">").count(),
        3,
        "{rss}"
    );
    assert_eq!(rss.matches("<guid").count(), 3, "{rss}");
}

#[test]
fn include_exclude_config_topics_and_no_limit() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        "base_url: https://x.example/feeds/\nlimit: 0\ninclude: [\"_news/**\", \"_learning/videos/**\"]\nexclude: [\"**/skip-*\"]\ntopics:\n  - {_id: lang, name: Languages, shortname: PL, description: Language news}\n",
    );
    let mut expected = Vec::new();
    for i in 0..60 {
        let title = format!("News {i:02}");
        write(
            dir.path(),
            &format!("content/_news/{i:02}.md"),
            &article(
                &title,
                &format!("2024-01-01T00:{i:02}:00Z"),
                &format!("https://e.example/{i}"),
                &["pl"],
            ),
        );
        expected.push(title);
    }
    expected.reverse();
    write(
        dir.path(),
        "content/_news/skip-me.md",
        &article(
            "Skipped",
            "2024-02-01T00:00:00Z",
            "https://e.example/skip",
            &[],
        ),
    );
    write(
        dir.path(),
        "content/_pages/about.md",
        &article(
            "About",
            "2024-02-01T00:00:00Z",
            "https://e.example/about",
            &[],
        ),
    );
    write(
        dir.path(),
        "content/_learning/videos/v.md",
        &article("Video", "2023-01-01T00:00:00Z", "https://e.example/v", &[]),
    );
    write(
        dir.path(),
        "content/_learning/courses/c.md",
        &article("Course", "2024-02-01T00:00:00Z", "https://e.example/c", &[]),
    );
    let run = feedsmith(dir.path(), &["build", "--now", NOW]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let overall = parse_feed(&dir.path().join("feeds/atom.xml"));
    let mut all = expected.clone();
    all.push("Video".into());
    assert_eq!(titles(&overall), all);
    // "pl" is the config taxonomy's shortname: the topic is `lang`, named "Languages".
    let lang = parse_feed(&dir.path().join("feeds/topics/lang/rss.xml"));
    assert_eq!(titles(&lang), expected);
    assert_eq!(lang.title.unwrap().content, "x.example: Languages");
    assert_eq!(lang.description.unwrap().content, "Language news");
}
