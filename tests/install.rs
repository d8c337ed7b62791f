//! What an installer uses: shell completions and man pages made from the
//! clap definitions, and a top-level help that names every file written.

mod common;

use common::*;
use std::process::{Command, Stdio};

const COMMANDS: [&str; 8] = [
    "build",
    "check",
    "topics",
    "feeds",
    "serve",
    "init",
    "completions",
    "man",
];

#[test]
fn completions_cover_every_command_and_option() {
    let dir = empty_site();
    let bash = feedsmith(dir.path(), &["completions", "bash"]);
    assert_eq!(bash.status, 0, "{}", bash.stderr);
    for word in COMMANDS
        .iter()
        .chain(&["--base-url", "--lock-timeout", "--precompress"])
    {
        assert!(bash.stdout.contains(word), "bash completion lacks {word}");
    }
    // bash itself reads it and defines the completion.
    if Command::new("bash").arg("--version").output().is_ok() {
        let script = dir.path().join("feedsmith.bash");
        std::fs::write(&script, &bash.stdout).unwrap();
        let mut check = Command::new("bash");
        check.arg("-c").arg(format!(
            "source {} && complete -p feedsmith",
            script.display()
        ));
        let run = run_command(check);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert!(run.stdout.contains("feedsmith"), "{}", run.stdout);
    } else {
        eprintln!("skipped: bash is not installed, the script is not sourced");
    }
    let zsh = feedsmith(dir.path(), &["completions", "zsh"]);
    assert!(
        zsh.stdout.starts_with("#compdef feedsmith"),
        "{}",
        zsh.stdout
    );
    let fish = feedsmith(dir.path(), &["completions", "fish"]);
    assert!(
        fish.stdout.contains("complete -c feedsmith"),
        "{}",
        fish.stdout
    );
    let bad = feedsmith(dir.path(), &["completions", "tcsh"]);
    assert_eq!(bad.status, 2);
    assert_stderr_contains(&bad, "invalid value 'tcsh'");
}

#[test]
fn man_pages_for_feedsmith_and_each_command() {
    let dir = empty_site();
    let top = feedsmith(dir.path(), &["man"]);
    assert_eq!(top.status, 0, "{}", top.stderr);
    assert!(
        top.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &top.stdout[..80]
    );
    assert!(top.stdout.contains(".TH feedsmith 1"), "{}", top.stdout);
    for command in COMMANDS {
        assert!(
            top.stdout.contains(&format!("feedsmith\\-{command}(1)")),
            "no {command}"
        );
    }
    let build = feedsmith(dir.path(), &["man", "build"]);
    assert_eq!(build.status, 0);
    assert!(
        build.stdout.contains(".TH feedsmith-build 1"),
        "{}",
        build.stdout
    );
    assert!(build.stdout.contains("lock\\-timeout"), "{}", build.stdout);
    let unknown = feedsmith(dir.path(), &["man", "biuld"]);
    assert_eq!(unknown.status, 2);
    assert_stderr_contains(
        &unknown,
        "error: no command `biuld`; the commands are build, check",
    );
    // The page is roff that man renders (where man is installed).
    match Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(build.stdout.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains("--lock-timeout"), "{text}");
        }
        Err(_) => eprintln!("skipped: man is not installed, the page is not rendered"),
    }
}

#[test]
fn the_top_level_help_names_every_format_written() {
    let dir = empty_site();
    let help = feedsmith(dir.path(), &["--help"]);
    assert_eq!(help.status, 0);
    for format in [
        "RSS 2.0",
        "Atom 1.0",
        "JSON Feed 1.1",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "OPML",
        "index.opml",
        "index.html",
        "page.css",
        ".gz",
        ".feedsmith-redirects.conf",
    ] {
        assert!(help.stdout.contains(format), "--help lacks {format}");
    }
    for command in COMMANDS {
        assert!(help.stdout.contains(command), "--help lacks {command}");
    }
}

/// `feedsmith init` on a plain content folder: a commented config that
/// describes the content, valid as written, which `build` then uses.
#[test]
fn init_writes_a_commented_config_and_never_overwrites() {
    let dir = site_of(&[("One", &["Rust", "AI"]), ("Two", &["Rust"]), ("Three", &[])]);
    std::fs::remove_file(dir.path().join("feedsmith.yaml")).unwrap();
    write(
        dir.path(),
        "content/_videos/talk.md",
        "---\ntitle: Talk\npublishedDateTime: 2024-02-01T00:00:00Z\noriginalUrl: https://e.example/talk\ntype: video\n---\n",
    );
    let run = feedsmith(
        dir.path(),
        &["init", "--base-url", "https://x.example/feeds/"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim_end(),
        "feedsmith: wrote ./feedsmith.yaml: 4 articles, 2 topics; edit it, then run `feedsmith check`"
    );
    let text = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    for expected in [
        "# Content folder `content`: 4 articles, newest 2024-02-01.",
        "# Topics (articles): Rust (2), AI (1).",
        "# Types (articles): article (3), video (1).",
        "# Folders (articles): _videos (1).",
        "base_url: https://x.example/feeds/",
        "#     filter: {type: \"video\"}",
        "#     filter: {topics: [\"Rust\", \"AI\"]}",
    ] {
        assert!(text.contains(expected), "lacks {expected:?}:\n{text}");
    }
    let built = build(dir.path(), &["--quiet"]);
    assert_eq!((built.status, built.stderr.as_str()), (0, ""));
    let feed = parse_feed(&dir.path().join("feeds/atom.xml"));
    assert_eq!(feed.entries.len(), 4);
    // Never overwrites: exit 2 naming the file, the file as it was.
    let again = feedsmith(dir.path(), &["init"]);
    assert_eq!(again.status, 2);
    assert_eq!(
        again.stderr.trim_end(),
        "./feedsmith.yaml: error: exists already; `feedsmith init` never overwrites a file (edit it, or move it away first)"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap(),
        text
    );
    // Without a base URL the file says where it goes, and build asks for it.
    let other = site(&[]);
    std::fs::remove_file(other.path().join("feedsmith.yaml")).unwrap();
    let run = feedsmith(other.path(), &["init", "."]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(other.path().join("feedsmith.yaml")).unwrap();
    assert!(
        text.contains("# base_url: https://example.com/feeds/"),
        "{text}"
    );
    let build = build(other.path(), &[]);
    assert_eq!(build.status, 2);
    assert_stderr_contains(&build, "error: no base URL");
    // A bad base URL or a missing content folder: nothing written.
    let empty = tempfile::tempdir().unwrap();
    let bad = feedsmith(empty.path(), &["init", "--base-url", "feeds/"]);
    assert_eq!(bad.status, 2);
    assert_stderr_contains(&bad, "`--base-url` must be an absolute http(s) URL");
    let missing = feedsmith(empty.path(), &["init", "--content", "nope"]);
    assert_eq!(missing.status, 2);
    assert_stderr_contains(&missing, "nope");
    assert!(!empty.path().join("feedsmith.yaml").exists());
}

/// `feedsmith init` in the Jekyll fixture site: site mode's facts, the
/// values `_config.yml` holds written off, and a build that works as is.
#[test]
fn init_in_a_jekyll_site_writes_its_values_off() {
    let dir = fixture("jekyll-site");
    let run = feedsmith(dir.path(), &["init"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    for expected in [
        "# Content folder `.`: ",
        "# Build with: feedsmith build\n",
        "# Collections read besides posts: voyages, galley.",
        "# title: \"Harbour Lights: a sailor's log\"   # _config.yml says so",
        "# site_url: \"https://harbourlights.example/log/\"   # _config.yml says so",
        "# language: \"en-GB\"   # _config.yml says so",
        "# base_url: https://harbourlights.example/log/feeds/",
        "# Folders (articles): _posts (",
    ] {
        assert!(text.contains(expected), "lacks {expected:?}:\n{text}");
    }
    // Nothing in it overrides _config.yml: every key line is off.
    assert!(
        text.lines().all(|l| l.is_empty() || l.starts_with('#')),
        "{text}"
    );
    let built = feedsmith(
        dir.path(),
        &["build", "--quiet", "--now", "2026-01-01T00:00:00Z"],
    );
    assert_eq!(built.status, 0, "{}", built.stderr);
    let feed = parse_feed(&dir.path().join("feeds/atom.xml"));
    assert_eq!(
        feed.title.unwrap().content,
        "Harbour Lights: a sailor's log"
    );
    let again = feedsmith(dir.path(), &["init", "."]);
    assert_eq!(again.status, 2);
    assert_stderr_contains(&again, "./feedsmith.yaml: error: exists already");
}
