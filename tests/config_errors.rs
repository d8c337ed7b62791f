//! Every config error path through the real binary: each names the file,
//! line and column, says what the value must be in words, suggests the
//! closest key or value for a near miss, and stops the run (exit 2)
//! before any article is read. Also where the config is looked for.

mod common;

use common::*;

/// `feedsmith build` on a site whose config is `config` (after a base URL
/// on line 1), with a broken article beside the good one.
fn build_with(config: &str) -> Run {
    let dir = site(&[("broken.md", "---\ntitle: [unclosed\n---\n")]);
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}{config}"),
    );
    let run = build(dir.path(), &[]);
    assert!(!dir.path().join("feeds").exists(), "{config}");
    run
}

/// Exit 2 with exactly one line on stderr, the config error `expected`.
fn assert_config_error(config: &str, expected: &str) {
    let run = build_with(config);
    assert_eq!(run.status, 2, "{config}\n{}", run.stderr);
    assert_eq!(run.stderr.trim_end(), expected, "{config}");
}

#[test]
fn types_are_said_in_words_at_their_value() {
    for (config, expected) in [
        (
            "limit: -1\n",
            "feedsmith.yaml:2:8: error: config: `limit` must be a whole number ≥ 0, not `-1`",
        ),
        (
            "limit: 1.5\n",
            "feedsmith.yaml:2:8: error: config: `limit` must be a whole number ≥ 0, not `1.5`",
        ),
        (
            "min_quality: high\n",
            "feedsmith.yaml:2:14: error: config: `min_quality` must be a whole number, not `high`",
        ),
        (
            "drafts: yes   # include drafts\n",
            "feedsmith.yaml:2:9: error: config: `drafts` must be true or false, not `yes`",
        ),
        (
            "pages: 'off'\n",
            "feedsmith.yaml:2:8: error: config: `pages` must be true or false, not `'off'`",
        ),
        (
            "title: [Weekly, News]\n",
            "feedsmith.yaml:2:8: error: config: `title` must be text, not a list",
        ),
        (
            "exclude: {drafts: true}\n",
            "feedsmith.yaml:2:10: error: config: `exclude` must be a list, not a mapping",
        ),
        (
            "author: Jane\n",
            "feedsmith.yaml:2:9: error: config: `author` must be a mapping (`key: value`), not `Jane`",
        ),
        (
            "feeds:\n  - path: videos\n    limit: -5\n",
            "feedsmith.yaml:4:12: error: config: `feeds[0].limit` must be a whole number ≥ 0, not `-5`",
        ),
        (
            "feeds:\n  - path: videos\n    filter: {drafts: sometimes}\n",
            "feedsmith.yaml:4:22: error: config: `feeds[0].filter.drafts` must be true or false, not `sometimes`",
        ),
        (
            "feeds:\n  - path: videos\n    filter: {topics: {any: [AI]}}\n",
            "feedsmith.yaml:4:22: error: config: `feeds[0].filter.topics` must be a topic, a list of topics, or `{all: [topics]}`",
        ),
    ] {
        assert_config_error(config, expected);
    }
}

#[test]
fn choices_list_what_is_allowed_and_the_closest() {
    for (config, expected) in [
        (
            "content: partial\n",
            "feedsmith.yaml:2:10: error: config: `content` must be one of summary, full, not `partial`",
        ),
        (
            "opml_format: atm\n",
            "feedsmith.yaml:2:14: error: config: `opml_format` must be one of rss, atom, json, not `atm`; did you mean `atom`?",
        ),
        (
            "feeds:\n  - path: x\n    sort: newst\n",
            "feedsmith.yaml:4:11: error: config: `feeds[0].sort` must be one of newest, quality, heat, not `newst`; did you mean `newest`?",
        ),
        (
            "feeds:\n  - path: x\n    formats: [atom, jsn]\n",
            "feedsmith.yaml:4:21: error: config: `feeds[0].formats[1]` must be one of rss, atom, json, not `jsn`; did you mean `json`?",
        ),
    ] {
        assert_config_error(config, expected);
    }
}

#[test]
fn near_miss_keys_at_every_level() {
    for (config, expected) in [
        (
            "bse_url: https://x.example/\n",
            "feedsmith.yaml:2:1: error: config: unknown key `bse_url`; did you mean `base_url`?",
        ),
        (
            "author: {nmae: Jane}\n",
            "feedsmith.yaml:2:10: error: config: unknown key `nmae` in `author`; did you mean `name`?",
        ),
        (
            "feeds:\n  - path: x\n    titel: X\n",
            "feedsmith.yaml:4:5: error: config: unknown key `titel` in `feeds[0]`; did you mean `title`?",
        ),
        (
            "feeds:\n  - path: x\n    filter:\n      provder: YouTube\n",
            "feedsmith.yaml:5:7: error: config: unknown key `provder` in `feeds[0].filter`; did you mean `provider`?",
        ),
        (
            "feeds:\n  - path: x\n    filter:\n      topics: {al: [AI]}\n",
            "feedsmith.yaml:5:15: error: config: `feeds[0].filter.topics` must be a topic, a list of topics, or `{all: [topics]}`",
        ),
    ] {
        assert_config_error(config, expected);
    }
    // Far from every key: the keys there are, instead of a guess.
    let run = build_with("colour: blue\n");
    assert_eq!(run.status, 2);
    assert_stderr_contains(
        &run,
        "feedsmith.yaml:2:1: error: config: unknown key `colour`; known keys: title, description, base_url,",
    );
}

#[test]
fn a_repeated_key_is_reported_at_the_repeat() {
    assert_config_error(
        "title: Weekly\nlimit: 20\ntitle: Daily\n",
        "feedsmith.yaml:4:1: error: config: `title` is given twice (first on line 2); keep one",
    );
    assert_config_error(
        "feeds:\n  - path: a\n    limit: 1\n    limit: 2\n",
        "feedsmith.yaml:5:5: error: config: `limit` is given twice in `feeds[0]` (first on line 4); keep one",
    );
    assert_config_error(
        "base_url: https://y.example/\n",
        "feedsmith.yaml:2:1: error: config: `base_url` is given twice (first on line 1); keep one",
    );
}

#[test]
fn missing_keys_and_bad_shapes() {
    assert_config_error(
        "feeds:\n  - title: Videos\n",
        "feedsmith.yaml:3:5: error: config: `feeds[0]` has no `path`, which it needs",
    );
    let dir = site(&[]);
    write(dir.path(), "feedsmith.yaml", "- base_url\n- title\n");
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "feedsmith.yaml:1:1: error: config: the config must be a mapping of `key: value` lines, not a list"
    );
    for (text, expected) in [
        (
            "title: 'unclosed\n",
            "feedsmith.yaml:2:1: error: config: not valid YAML: found unexpected end of stream; is a quote or a bracket left open?",
        ),
        (
            "title: Rust: the good parts\n",
            "feedsmith.yaml:1:12: error: config: not valid YAML: mapping values are not allowed in this context; a value holding `: ` needs quotes",
        ),
        (
            "feeds:\n  - path: x\n    filter:\n      type: {video: 1}\n",
            "feedsmith.yaml:4:7: error: config: each value in `feeds[0].filter` must be a text or a list of texts (`type`, `provider`, `path`, `all`)",
        ),
    ] {
        write(dir.path(), "feedsmith.yaml", text);
        let run = build(dir.path(), &[]);
        assert_eq!(run.status, 2);
        assert_eq!(run.stderr.trim_end(), expected);
    }
}

/// Problems found after parsing carry the place of their value too.
#[test]
fn validation_errors_carry_line_and_column() {
    for (config, expected) in [
        (
            "site_url: example.com\n",
            "feedsmith.yaml:2:11: error: config `site_url` must be an absolute http(s) URL such as `https://example.com/feeds/`, not `example.com`",
        ),
        (
            "language: en_GB\n",
            "feedsmith.yaml:2:11: error: config `language` `en_GB` is not a language tag such as `en` or `en-GB`",
        ),
        (
            "author:\n  name: '  '\n",
            "feedsmith.yaml:3:9: error: config `author.name` is empty",
        ),
        (
            "max_file_size: 0\n",
            "feedsmith.yaml:2:16: error: config `max_file_size` 0 is out of range: it must be from 1 to 1073741824 (1 GiB)",
        ),
        (
            "max_topics: 20000\n",
            "feedsmith.yaml:2:13: error: config `max_topics` 20000 is out of range: it must be from 1 to 10000",
        ),
        (
            "include: ['_news/[']\n",
            "feedsmith.yaml:2:10: error: config `include`: bad glob `_news/[`",
        ),
        (
            "hub: ftp://hub.example/\n",
            "feedsmith.yaml:2:6: error: config `hub`: ",
        ),
        (
            "logo: javascript:alert(1)\n",
            "feedsmith.yaml:2:7: error: config `logo`: ",
        ),
        (
            "topics:\n  - {_id: rust, name: Rust}\n  - {description: Nameless}\n",
            "feedsmith.yaml:4:5: error: config `topics`: entry 2 has no `name` or `_id`",
        ),
        (
            "feeds:\n  - path: Top Stories\n",
            "feedsmith.yaml:3:11: error: feeds: `path` `Top Stories` is not a folder of slugs",
        ),
        (
            "feeds:\n  - path: a\n  - path: b\n    filter: {since: a week}\n",
            "feedsmith.yaml:5:21: error: feeds: `since` `a week` is not a window",
        ),
        (
            "feeds:\n  - path: a\n    formats: []\n",
            "feedsmith.yaml:4:14: error: feed `a`: `formats` is empty",
        ),
        (
            "feeds:\n  - path: a\n    filter: {path: '[x'}\n",
            "feedsmith.yaml:4:20: error: config `feeds: filter.path`: bad glob",
        ),
        (
            "feeds:\n  - path: a\n    image: javascript:alert(1)\n",
            "feedsmith.yaml:4:12: error: feed `a`: `image`: ",
        ),
        (
            "feeds:\n  - path: a\n  - path: a\n",
            "feedsmith.yaml:4:11: error: feed `a` and feed `a` would write to the same folder `a/`",
        ),
        (
            "feeds:\n  - path: a\n  - path: b\n    aliases: [old, a]\n",
            "feedsmith.yaml:5:20: error: feed `b`: alias `a` is where feed `a` is written",
        ),
        (
            "feeds:\n  - path: b\n    aliases: [old/]\n    aliases: [x]\n",
            "feedsmith.yaml:5:5: error: config: `aliases` is given twice in `feeds[0]`",
        ),
    ] {
        let run = build_with(config);
        assert_eq!(run.status, 2, "{config}\n{}", run.stderr);
        assert!(
            run.stderr.starts_with(expected) && run.stderr.lines().count() == 1,
            "{config}\nwanted {expected:?}\n   got {:?}",
            run.stderr
        );
    }
}

#[test]
fn a_base_url_option_is_not_placed_in_the_file() {
    let dir = site(&[]);
    let run = build(dir.path(), &["--base-url", "feeds/"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: `--base-url` must be an absolute http(s) URL such as `https://example.com/feeds/`, not `feeds/`"
    );
}

/// A bad config with broken articles: the config error alone, at once.
#[test]
fn config_and_out_folder_are_checked_before_any_article_is_read() {
    let dir = site(&[
        ("broken.md", "---\ntitle: [unclosed\n---\n"),
        ("undated.md", "---\ntitle: No date\n---\n"),
    ]);
    write(
        dir.path(),
        "feedsmith.yaml",
        "base_url: https://x.example/\nlimit: -1\n",
    );
    for command in ["build", "check", "topics", "feeds"] {
        let run = feedsmith(dir.path(), &[command, "--now", NOW]);
        assert_eq!(run.status, 2, "{command}");
        assert_eq!(run.stderr.lines().count(), 1, "{command}: {}", run.stderr);
        assert_stderr_contains(&run, "feedsmith.yaml:2:8: error: config:");
    }
    write(dir.path(), "feedsmith.yaml", MINIMAL_CONFIG);
    write(
        dir.path(),
        "published",
        "a file where the out folder would go",
    );
    for extra in [&[][..], &["--dry-run"]] {
        let mut args = vec!["--out", "published"];
        args.extend_from_slice(extra);
        let run = build(dir.path(), &args);
        assert_eq!(run.status, 2, "{}", run.stderr);
        assert_eq!(
            run.stderr.trim_end(),
            "error: the out folder published cannot be made: published is a file, not a folder; nothing was written. Choose another --out"
        );
        let below = build(dir.path(), &["--out", "published/feeds"]);
        assert_eq!(below.status, 2);
        assert_stderr_contains(&below, "published is a file, not a folder");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("published")).unwrap(),
        "a file where the out folder would go"
    );
}

#[test]
fn the_config_is_found_in_the_current_folder_then_beside_the_content() {
    let dir = site(&[]);
    let site = dir.path().to_owned();
    write(
        &site,
        "feedsmith.yaml",
        "base_url: https://beside.example/feeds/\ntitle: Beside\n",
    );
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let content = site.join("content");
    let content = content.to_str().unwrap();
    let out = site.join("feeds");
    let out = out.to_str().unwrap();
    // Run from another folder: the file beside the content folder is used.
    let run = feedsmith(
        &elsewhere,
        &["build", "--now", NOW, "--content", content, "--out", out],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let feed = parse_feed(&site.join("feeds/atom.xml"));
    assert_eq!(feed.title.unwrap().content, "Beside");
    // One in the current folder comes first.
    write(
        &elsewhere,
        "feedsmith.yaml",
        "base_url: https://here.example/feeds/\ntitle: Here\n",
    );
    let run = feedsmith(
        &elsewhere,
        &["build", "--now", NOW, "--content", content, "--out", out],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        parse_feed(&site.join("feeds/atom.xml"))
            .title
            .unwrap()
            .content,
        "Here"
    );
    // A broken one found that way is an error at its own path.
    write(&site, "content/feedsmith.yaml", "titel: Inside\n");
    std::fs::remove_file(elsewhere.join("feedsmith.yaml")).unwrap();
    let run = feedsmith(&elsewhere, &["check", "--content", content]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.trim_end(),
        format!("{content}/feedsmith.yaml:1:1: error: config: unknown key `titel`; did you mean `title`?")
    );
}

#[test]
fn no_config_is_fine_until_one_is_needed_and_then_every_place_is_named() {
    let dir = site(&[]);
    std::fs::remove_file(dir.path().join("feedsmith.yaml")).unwrap();
    // As today: options alone are enough.
    let run = build(
        dir.path(),
        &["--base-url", "https://x.example/feeds/", "--quiet"],
    );
    assert_eq!((run.status, run.stderr.as_str()), (0, ""));
    let run = feedsmith(dir.path(), &["topics"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Without a base URL: the message says where a config was looked for.
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: no base URL: feeds need absolute self links. Set `base_url: https://example.com/feeds/` in feedsmith.yaml or pass --base-url; no feedsmith.yaml was found (looked for ./feedsmith.yaml, content/feedsmith.yaml)"
    );
    // A named file must exist.
    let run = build(dir.path(), &["--config", "site.yaml"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "site.yaml: error: cannot read config: No such file or directory (os error 2)"
    );
}
