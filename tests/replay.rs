//! The no-change rerun: a rerun over unchanged input replays the last
//! run's record and says exactly what a full run says; every change that
//! could alter the output (an article, the config, the clock, an output
//! file, a flag) makes it a full run again.

mod common;

use common::*;
use std::path::Path;

const RECORD: &str = "feeds/.feedsmith-run";

/// A run with tracing on; whether it was replayed, and the run with the
/// trace lines taken out of stderr.
fn traced(dir: &Path, extra: &[&str]) -> (bool, Run) {
    let mut args = vec!["build", "--report", "json", "--verbose"];
    args.extend_from_slice(extra);
    let mut run = feedsmith_env(dir, &args, &[("FEEDSMITH_TRACE", "1")]);
    let replayed = run.stderr.lines().any(|l| l.ends_with(" replayed"));
    run.stderr = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("trace: "))
        .map(|l| format!("{l}\n"))
        .collect();
    (replayed, run)
}

/// The feeds fixture (a `since` feed, per-provider feeds, warnings) with
/// one broken article, built once.
fn built_site() -> tempfile::TempDir {
    let dir = fixture("feeds");
    write(
        dir.path(),
        "content/_news/2024-05-01-broken.md",
        "---\ntitle: [unclosed\n---\n",
    );
    // A draft: left out, listed by `--verbose`.
    write(
        dir.path(),
        "content/_news/2024-05-02-draft.md",
        &article(
            "Draft",
            "2024-05-02T00:00:00Z",
            "https://e.example/draft",
            &["Rust"],
        )
        .replacen("---\n", "---\npublished: false\n", 1),
    );
    let (replayed, first) = traced(dir.path(), &["--now", NOW]);
    assert!(!replayed, "a first run has nothing to replay");
    assert_eq!(first.status, 1, "{}", first.stderr);
    assert!(dir.path().join(RECORD).is_file());
    dir
}

#[test]
fn a_replayed_rerun_says_exactly_what_a_full_rerun_says() {
    let dir = built_site();
    let before = outputs(dir.path());
    let mtimes = |dir: &Path| -> Vec<std::time::SystemTime> {
        files(&dir.join("feeds"))
            .iter()
            .map(|f| {
                std::fs::metadata(dir.join("feeds").join(f))
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect()
    };
    let mtimes_before = mtimes(dir.path());
    let (replayed, fast) = traced(dir.path(), &["--now", NOW]);
    assert!(replayed, "{}", fast.stderr);
    // Forced full: the same input without the record.
    std::fs::remove_file(dir.path().join(RECORD)).unwrap();
    let (replayed, full) = traced(dir.path(), &["--now", NOW]);
    assert!(!replayed);
    assert_eq!(fast.status, full.status);
    assert_eq!(fast.stderr, full.stderr);
    assert_eq!(fast.stdout, full.stdout);
    let report: serde_json::Value = serde_json::from_str(&fast.stdout).unwrap();
    assert_eq!(report["counts"]["written"], 0);
    assert_eq!(report["counts"]["errors"], 1);
    assert!(fast.stderr.contains("broken.md"), "{}", fast.stderr);
    assert!(fast.stderr.contains(": left out: "), "{}", fast.stderr);
    assert_eq!(outputs(dir.path()), before);
    assert_eq!(mtimes(dir.path()), mtimes_before, "nothing rewritten");
    // The full rerun recorded again: the next one is replayed.
    assert!(traced(dir.path(), &["--now", NOW]).0);
}

/// After `change`, the rerun (with `extra`) is a full one and gives what
/// a run without any record gives.
fn falls_back(what: &str, change: impl Fn(&Path), extra: &[&str]) {
    let dir = built_site();
    change(dir.path());
    let mut args = if extra.contains(&"--now") {
        Vec::new()
    } else {
        vec!["--now", NOW]
    };
    args.extend_from_slice(extra);
    let (replayed, run) = traced(dir.path(), &args);
    assert!(!replayed, "{what}: replayed");
    let after = outputs(dir.path());
    // The same again from scratch of the record: same output and words.
    let _ = std::fs::remove_file(dir.path().join(RECORD));
    let (_, full) = traced(dir.path(), &args);
    assert_eq!(run.status, full.status, "{what}");
    assert_eq!(outputs(dir.path()), after, "{what}");
    let report: serde_json::Value = serde_json::from_str(&full.stdout).unwrap();
    assert_eq!(report["counts"]["written"], 0, "{what}");
}

#[test]
fn a_touched_article_falls_back() {
    falls_back(
        "edited article",
        |dir| {
            let path = dir.join("content/_learning/videos/2024-03-01-sql-window-functions.md");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("title: ", "title: Edited ")).unwrap();
        },
        &[],
    );
    falls_back(
        "new article",
        |dir| {
            write(
                dir,
                "content/_news/2024-05-30-new.md",
                &article(
                    "New",
                    "2024-05-30T00:00:00Z",
                    "https://e.example/new",
                    &["Rust"],
                ),
            )
        },
        &[],
    );
}

#[test]
fn a_changed_config_or_flag_falls_back() {
    falls_back(
        "config",
        |dir| {
            let path = dir.join("feedsmith.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("limit: 5", "limit: 4")).unwrap();
        },
        &[],
    );
    falls_back("--drafts", |_| {}, &["--drafts"]);
    falls_back("--future", |_| {}, &["--future"]);
    falls_back("--precompress", |_| {}, &["--precompress"]);
}

#[test]
fn the_clock_past_the_window_falls_back_and_inside_it_replays() {
    let dir = built_site();
    // The oldest article in `since: 7d` (2024-05-25T07:00) leaves it at
    // 2024-06-01T07:00: until then the run at NOW holds.
    let (replayed, _) = traced(dir.path(), &["--now", "2024-06-01T06:59:59Z"]);
    assert!(replayed, "inside the window");
    let (replayed, _) = traced(dir.path(), &["--now", "2024-06-01T07:00:01Z"]);
    assert!(!replayed, "an article left the `since` window");
    falls_back("a week later", |_| {}, &["--now", "2024-06-10T00:00:00Z"]);
    // Back in time: articles could come out of the future.
    let dir = built_site();
    let (replayed, _) = traced(dir.path(), &["--now", "2024-05-31T00:00:00Z"]);
    assert!(!replayed, "before the recorded now");
}

#[test]
fn a_future_article_coming_due_falls_back() {
    let dir = built_site();
    write(
        dir.path(),
        "content/_news/2024-06-01-soon.md",
        &article(
            "Soon",
            "2024-06-01T03:00:00Z",
            "https://e.example/soon",
            &["Rust"],
        ),
    );
    let (replayed, _) = traced(dir.path(), &["--now", NOW]);
    assert!(!replayed, "a new file");
    // Recorded with the future article: due at 03:00, before the `since`
    // window moves at 07:00.
    let (replayed, _) = traced(dir.path(), &["--now", "2024-06-01T02:59:59Z"]);
    assert!(replayed);
    let (replayed, run) = traced(dir.path(), &["--now", "2024-06-01T03:00:00Z"]);
    assert!(!replayed, "the article came due");
    assert!(
        std::fs::read_to_string(dir.path().join("feeds/rss.xml"))
            .unwrap()
            .contains("Soon"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_deleted_or_edited_output_file_falls_back() {
    falls_back(
        "deleted feed",
        |dir| std::fs::remove_file(dir.join("feeds/videos/rss.xml")).unwrap(),
        &[],
    );
    falls_back(
        "edited feed",
        |dir| {
            let path = dir.join("feeds/rss.xml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("<title>", "<title>X")).unwrap();
        },
        &[],
    );
    falls_back(
        "edited manifest",
        |dir| {
            let path = dir.join("feeds/.feedsmith-manifest.json");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                text.replace("\"files\":[", "\"files\":[\"gone.xml\","),
            )
            .unwrap();
        },
        &[],
    );
    falls_back(
        "a leftover temporary file",
        |dir| write(dir, "feeds/videos/.feedsmith-x.tmp", "half"),
        &[],
    );
}

#[test]
fn a_damaged_or_foreign_record_is_ignored() {
    for damage in [b"not a record".to_vec(), Vec::new()] {
        let dir = built_site();
        let before = outputs(dir.path());
        std::fs::write(dir.path().join(RECORD), &damage).unwrap();
        let (replayed, run) = traced(dir.path(), &["--now", NOW]);
        assert!(!replayed);
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert_eq!(outputs(dir.path()), before);
    }
}

#[test]
fn a_dry_run_is_never_replayed() {
    let dir = built_site();
    let (replayed, run) = traced(dir.path(), &["--now", NOW, "--dry-run"]);
    assert!(!replayed);
    assert_stderr_contains(&run, "would leave unchanged: ");
}
