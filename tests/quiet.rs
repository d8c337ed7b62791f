//! `build --quiet` prints a warning only the first time it is seen, so a
//! cron job mails when something new is wrong; errors always print.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const ZONELESS: &str = "---\ntitle: Zoneless\npublishedDateTime: 2024-02-01 10:00:00\noriginalUrl: \"https://e.example/zoneless\"\n---\nBody.\n";

fn quiet(dir: &Path) -> Run {
    build(dir, &["--quiet"])
}

/// Set a file's modification time ahead, its bytes unchanged.
fn touch(path: &Path) {
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(later)
        .unwrap();
}

#[test]
fn a_warning_prints_once_until_its_file_changes_and_errors_always() {
    let dir = site(&[
        ("news/zoneless.md", ZONELESS),
        (
            "news/undated.md",
            "---\ntitle: Undated\noriginalUrl: \"https://e.example/undated\"\n---\n",
        ),
    ]);
    let warning = "news/zoneless.md:3:1: warning[no-time-zone]";
    let error = "news/undated.md:1: error[missing-date]: missing `publishedDateTime`\n";
    let first = quiet(dir.path());
    assert_eq!(first.status, 1, "{}", first.stderr);
    assert!(first.stderr.starts_with(error), "{}", first.stderr);
    assert_stderr_contains(&first, warning);
    assert_eq!(
        quiet(dir.path()).stderr,
        error,
        "second run: the error only"
    );
    touch(&dir.path().join("content/news/zoneless.md"));
    assert_eq!(quiet(dir.path()).stderr, error, "touched, same content");

    // Edited: new again, once.
    write(
        dir.path(),
        "content/news/zoneless.md",
        &ZONELESS.replace("Body.", "Edited."),
    );
    assert_stderr_contains(&quiet(dir.path()), warning);
    assert_eq!(quiet(dir.path()).stderr, error);

    // `check` and a build without --quiet print everything; --report json lists it.
    assert_stderr_contains(&feedsmith(dir.path(), &["check", "--quiet"]), warning);
    let report = build(dir.path(), &["--quiet", "--report", "json"]);
    assert_eq!(report.stderr, error);
    assert!(
        report.stdout.contains("\"code\":\"no-time-zone\""),
        "{}",
        report.stdout
    );
    assert_stderr_contains(&build(dir.path(), &[]), warning);
    assert_eq!(
        quiet(dir.path()).stderr,
        error,
        "a loud build leaves the file alone"
    );
}

#[test]
fn the_seen_file_is_neither_pruned_nor_foreign() {
    let dir = site(&[("news/zoneless.md", ZONELESS)]);
    assert_eq!(quiet(dir.path()).status, 0);
    let seen = dir.path().join("feeds").join(feedsmith::seen::SEEN_FILE);
    assert!(seen.is_file());
    let manifest =
        std::fs::read_to_string(dir.path().join("feeds/.feedsmith-manifest.json")).unwrap();
    assert!(!manifest.contains(".feedsmith-seen"), "{manifest}");
    // Topics come and go, feeds are pruned: the seen file stays.
    std::fs::remove_file(dir.path().join("content/good.md")).unwrap();
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(seen.is_file());
    assert_eq!(quiet(dir.path()).stderr, "");
}

/// The shared corpus (`FEEDSMITH_CORPUS`, else `../shared/corpus/powerapps`
/// beside the project), or `None` with a note when it is absent.
fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("FEEDSMITH_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/powerapps"),
        PathBuf::from,
    );
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// The proof on a real site: quiet twice, touch, then one new bad article.
#[test]
fn on_the_shared_corpus_quiet_runs_print_only_what_is_new() {
    let Some(corpus) = corpus() else {
        return;
    };
    // A copy, so touching and adding never changes the shared corpus.
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for part in [
        "_config.yml",
        "_data",
        "_news",
        "_newsletters",
        "_learning/videos",
        "_samples",
    ] {
        let from = corpus.join(part);
        if from.is_dir() {
            copy_dir(&from, &content.join(part));
        } else if from.is_file() {
            std::fs::copy(&from, content.join(part)).unwrap();
        }
    }
    write(
        dir.path(),
        "feedsmith.yaml",
        "title: Power Apps Every Day\nbase_url: https://example.com/feeds/\nsite_url: https://everyday-cc.github.io/powerapps/\ninclude: [\"_news/**\", \"_newsletters/**\", \"_learning/videos/**\", \"_samples/**\"]\n",
    );
    let first = quiet(dir.path());
    assert_eq!(first.status, 0, "{}", first.stderr);
    let warned = first
        .stderr
        .lines()
        .find(|l| l.contains(": warning["))
        .and_then(|l| l.split(':').next())
        .expect("the corpus has a known warning")
        .to_owned();
    let second = quiet(dir.path());
    assert_eq!((second.status, second.stderr.as_str()), (0, ""));
    touch(&content.join(&warned));
    let third = quiet(dir.path());
    assert_eq!(
        (third.status, third.stderr.as_str()),
        (0, ""),
        "touched {warned}"
    );
    write(
        &content,
        "_news/2024-05-02-new-bad.md",
        "---\ntitle: A new post\npublishedDateTime: 2024-05-02 08:00:00\nwebUrl: https://everyday-cc.github.io/powerapps/news/new-post/\ntopics: Power Apps, Dataverse\n---\nText.\n",
    );
    let fourth = quiet(dir.path());
    assert_eq!(fourth.status, 0, "{}", fourth.stderr);
    assert_eq!(
        fourth.stderr,
        "_news/2024-05-02-new-bad.md:3:1: warning[no-time-zone]: `publishedDateTime` `2024-05-02 08:00:00` has no time zone; taken as UTC\n\
         _news/2024-05-02-new-bad.md:5:1: warning[comma-list]: `topics` is the string `Power Apps, Dataverse`: one topic, commas and all; write a list (`[a, b]`) if several were meant\n"
    );
}
