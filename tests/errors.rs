//! Exit statuses and the problems that are not about one article's
//! content: config, options, the file system. Article content classes are
//! in `bad_input.rs`.

mod common;

use common::*;

#[test]
fn no_base_url_exits_2_and_writes_nothing() {
    let dir = site(&[]);
    std::fs::remove_file(dir.path().join("feedsmith.yaml")).unwrap();
    let run = build(dir.path(), &["-q"]);
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
    let run = build(dir.path(), &["-q"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.starts_with("feedsmith.yaml:3:"),
        "{}",
        run.stderr
    );
    assert_stderr_contains(&run, "limt");
    assert!(!dir.path().join("feeds").exists());

    let run = feedsmith(dir.path(), &["build", "--config", "missing.yaml"]);
    assert_eq!(run.status, 2);
    assert_stderr_contains(&run, "missing.yaml");
}

#[test]
fn unreadable_content_folder_and_bad_options_exit_2() {
    let dir = site(&[]);
    let run = feedsmith(dir.path(), &["build", "--content", "nowhere"]);
    assert_eq!(run.status, 2);
    assert_stderr_contains(&run, "cannot read content folder nowhere");
    assert!(!dir.path().join("feeds").exists());
    let run = feedsmith(dir.path(), &["build", "--now", "yesterday"]);
    assert_eq!(run.status, 2);
    let run = feedsmith(dir.path(), &["build", "--no-such-option"]);
    assert_eq!(run.status, 2);
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
        symlink(
            outside.path().join("secret.md"),
            &dir.path().join("content/link.md"),
        );
        let run = build(dir.path(), &["-q"]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_stderr_contains(
            &run,
            "link.md: warning[symlink-outside]: symbolic link to something outside the content folder",
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
        &format!("{MINIMAL_CONFIG}max_file_size: 100\n"),
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
    let run = build(dir.path(), &["-q"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(&run, "big.md: error[unreadable]: file is");
}
