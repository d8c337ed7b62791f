//! The file system as an attacker or a bad day leaves it: symbolic links
//! out of the content folder and the out folder, FIFOs, oversized taxonomy
//! files, unreadable folders and files, an out folder that holds the
//! content, and a write that fails after others succeeded.
//!
//! Tests run as root here, where permission bits do not stop a read: the
//! unreadable cases then run the binary as `nobody` with
//! `setpriv --reuid=65534 --regid=65534 --clear-groups`, after handing the
//! site to that user (as another user the binary runs directly).

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Run feedsmith, failing the test if it has not finished within `limit`.
fn feedsmith_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feedsmith"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("feedsmith {args:?} hung for {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every file below `root` with its bytes, as a sorted list.
fn all_text(root: &Path) -> String {
    snapshot(root)
        .into_values()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

#[test]
fn taxonomy_symlinks_out_of_the_content_folder_are_not_followed() {
    let dir = site(&[]);
    write(
        dir.path(),
        "outside/rust.yaml",
        "_id: rust\nname: Rust\ndescription: LEAKED-FROM-OUTSIDE\n",
    );
    write(
        dir.path(),
        "outside/topics/other.yaml",
        "_id: rust\nname: Rust\ndescription: LEAKED-FOLDER\n",
    );
    symlink(
        dir.path().join("outside/rust.yaml"),
        &dir.path().join("content/_data/topics/rust.yaml"),
    );
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!all_text(&dir.path().join("feeds")).contains("LEAKED"));
    assert_stderr_contains(
        &run,
        "_data/topics/rust.yaml: warning[bad-taxonomy]: taxonomy file: symbolic link to something outside the content folder; not followed",
    );

    // The taxonomy folder itself a link out: not followed either.
    std::fs::remove_dir_all(dir.path().join("content/_data/topics")).unwrap();
    symlink(
        dir.path().join("outside/topics"),
        &dir.path().join("content/_data/topics"),
    );
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!all_text(&dir.path().join("feeds")).contains("LEAKED"));
    assert_stderr_contains(
        &run,
        "_data/topics: warning[symlink-outside]: symbolic link",
    );

    // A link inside the content folder is followed.
    std::fs::remove_file(dir.path().join("content/_data/topics")).unwrap();
    write(
        dir.path(),
        "content/shared/rust.yaml",
        "_id: rust\nname: Rust\ndescription: Inside description\n",
    );
    symlink(
        dir.path().join("content/shared/rust.yaml"),
        &dir.path().join("content/_data/topics/rust.yaml"),
    );
    let run = feedsmith(dir.path(), &["build", "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(all_text(&dir.path().join("feeds")).contains("Inside description"));
}

#[test]
fn a_fifo_in_the_taxonomy_is_refused_not_waited_on() {
    let dir = site(&[]);
    std::fs::create_dir_all(dir.path().join("content/_data/topics")).unwrap();
    mkfifo(&dir.path().join("content/_data/topics/fifo.yaml"));
    mkfifo(&dir.path().join("content/fifo.md"));
    let run = feedsmith_within(dir.path(), &["build"], Duration::from_secs(20));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "_data/topics/fifo.yaml: warning[bad-taxonomy]: taxonomy file: not a regular file",
    );
    assert!(dir.path().join("feeds/topics/rust/rss.xml").exists());
}

#[test]
fn taxonomy_files_obey_the_size_limit() {
    let dir = site(&[]);
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}max_file_size: 1000\n"),
    );
    write(
        dir.path(),
        "content/_data/topics/rust.yaml",
        &format!(
            "_id: rust\nname: Rust\ndescription: HUGE-{}\n",
            "x".repeat(2000)
        ),
    );
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!all_text(&dir.path().join("feeds")).contains("HUGE-"));
    assert_stderr_contains(
        &run,
        "_data/topics/rust.yaml: warning[bad-taxonomy]: taxonomy file: file is over the limit of 1000 bytes",
    );
}

/// A site of three articles, two of them (with their own topics) in
/// `content/sub/`, built once.
fn built_site_with_subfolder() -> tempfile::TempDir {
    let dir = empty_site();
    write(
        dir.path(),
        "content/a.md",
        &article("A", "2024-01-01T00:00:00Z", "https://e.example/a", &["Top"]),
    );
    for (i, topic) in ["One", "Two"].iter().enumerate() {
        write(
            dir.path(),
            &format!("content/sub/{i}.md"),
            &article(
                &format!("Sub {i}"),
                &format!("2024-02-0{}T00:00:00Z", i + 1),
                &format!("https://e.example/sub/{i}"),
                &[topic, "Top"],
            ),
        );
    }
    let run = feedsmith_unprivileged(dir.path(), &["build", "-q", "--precompress"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(dir.path().join("feeds/topics/two/rss.xml").exists());
    dir
}

#[test]
fn an_unreadable_folder_is_an_error_and_its_articles_are_taken_as_last_seen() {
    if !can_drop_privileges() {
        return;
    }
    let dir = built_site_with_subfolder();
    let out = dir.path().join("feeds");
    let before = snapshot(&out);
    chmod(&dir.path().join("content/sub"), 0o000);
    let run = feedsmith_unprivileged(dir.path(), &["build", "--precompress", "--report", "json"]);
    chmod(&dir.path().join("content/sub"), 0o755);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(&run, "sub: error[unreadable]: cannot read folder");
    assert_eq!(snapshot(&out), before, "every feed as it was");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["status"], 1);
    assert_eq!(report["counts"]["removed"], 0);
    assert_eq!(report["files"]["unreadable"][0], "sub/");

    // Readable again: the same feeds, and a clean run.
    let run = feedsmith_unprivileged(dir.path(), &["build", "--precompress"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_unreadable_folder_without_a_cache_entry_changes_nothing() {
    if !can_drop_privileges() {
        return;
    }
    let dir = built_site_with_subfolder();
    let out = dir.path().join("feeds");
    let before = snapshot(&out);
    std::fs::remove_file(out.join(".feedsmith-cache")).unwrap();
    // A new article elsewhere would change the overall feeds.
    write(
        dir.path(),
        "content/b.md",
        &article("B", "2024-03-01T00:00:00Z", "https://e.example/b", &["New"]),
    );
    chmod(&dir.path().join("content/sub"), 0o000);
    let run = feedsmith_unprivileged(dir.path(), &["build", "--precompress"]);
    chmod(&dir.path().join("content/sub"), 0o755);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(&run, "sub: error[unreadable]: cannot read folder");
    assert_stderr_contains(&run, "every existing file in feeds is left as it is");
    let after = snapshot(&out);
    for (file, bytes) in &before {
        assert_eq!(after.get(file), Some(bytes), "{file} changed or removed");
    }
}

#[test]
fn an_unreadable_article_is_an_error_and_its_feeds_keep_their_version() {
    if !can_drop_privileges() {
        return;
    }
    let dir = built_site_with_subfolder();
    let out = dir.path().join("feeds");
    let before = snapshot(&out);
    let file = dir.path().join("content/sub/1.md");
    chmod(&file, 0o000);
    let run = feedsmith_unprivileged(dir.path(), &["build", "--precompress"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(&run, "sub/1.md: error[unreadable]: cannot read file");
    assert_eq!(snapshot(&out), before);
    // Changed since the cache saw it, and unreadable: still as last seen.
    std::fs::write(&file, "changed, but nobody can read it").unwrap();
    chmod(&file, 0o000);
    let run = feedsmith_unprivileged(dir.path(), &["build", "--precompress"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(&run, "sub/1.md: error[unreadable]: cannot read file");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn prune_never_follows_a_symlinked_folder() {
    let dir = site_of(&[("A", &["Gone"])]);
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 0);
    // Someone swaps the topic's folder for a link to files of their own.
    let out = dir.path().join("feeds");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::rename(out.join("topics/gone"), &elsewhere).unwrap();
    symlink(&elsewhere, &out.join("topics/gone"));
    write(
        dir.path(),
        "content/0.md",
        &article("A", "2024-01-01T00:00:00Z", "https://e.example/0", &[]),
    );
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for name in ["rss.xml", "atom.xml", "feed.json"] {
        assert!(elsewhere.join(name).exists(), "{name} outside was removed");
    }
    assert_stderr_contains(&run, "warning: not removed");
}

#[test]
fn writes_never_go_through_a_symlinked_folder() {
    let dir = site_of(&[("A", &["T"])]);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, &dir.path().join("feeds/topics/t"));
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(&run, "feeds/topics/t: error: is a symbolic link");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(
        !dir.path().join("feeds/rss.xml").exists(),
        "nothing written"
    );
}

#[test]
fn an_out_folder_that_holds_the_content_is_refused() {
    let dir = site(&[]);
    for (out, content) in [("content", "content"), (".", "content"), ("./", "content/")] {
        let run = feedsmith(dir.path(), &["build", "--out", out, "--content", content]);
        assert_eq!(run.status, 2, "--out {out}: {}", run.stderr);
        assert_stderr_contains(&run, "is the content folder");
        assert!(!dir.path().join("content/rss.xml").exists());
        assert!(!dir.path().join("rss.xml").exists());
    }
    // Through a link to it, too.
    symlink(dir.path().join("content"), &dir.path().join("alias"));
    let run = feedsmith(dir.path(), &["build", "--out", "alias"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    // `serve` would expose the raw articles: it refuses before binding.
    for watch in [&[][..], &["--watch"][..]] {
        let args = [
            &["serve", "--out", "content", "--addr", "127.0.0.1:0"][..],
            watch,
        ]
        .concat();
        let run = feedsmith(dir.path(), &args);
        assert_eq!(run.status, 2, "serve {watch:?}: {}", run.stderr);
        assert_stderr_contains(&run, "is the content folder");
    }

    // An out folder inside the content folder is fine and never read as
    // content, even when it holds something shaped like an article.
    write(
        dir.path(),
        "content/site/feeds/planted.md",
        &article(
            "PLANTED",
            "2024-05-01T00:00:00Z",
            "https://e.example/planted",
            &[],
        ),
    );
    let run = feedsmith(dir.path(), &["build", "--out", "content/site/feeds", "-v"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(&run, "site/feeds: passed over: the out folder");
    let feed = parse_feed(&dir.path().join("content/site/feeds/rss.xml"));
    assert_eq!(titles(&feed), ["Good"]);
}

/// Make a folder refuse new files even to root: immutable as root, read
/// only otherwise. Undone on drop.
struct Frozen(std::path::PathBuf);

impl Frozen {
    /// `None` (the test says so and is skipped) when root cannot set the
    /// immutable flag here (no `chattr`, no CAP_LINUX_IMMUTABLE).
    fn new(path: &Path) -> Option<Frozen> {
        if is_root() {
            let frozen = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
            if !frozen {
                eprintln!("skipped: running as root and chattr +i failed");
                return None;
            }
        } else {
            chmod(path, 0o555);
        }
        Some(Frozen(path.to_path_buf()))
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        if is_root() {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            chmod(&self.0, 0o755);
        }
    }
}

#[test]
fn a_failure_after_some_writes_exits_3_naming_every_file() {
    let dir = site_of(&[("A", &["T"])]);
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 0);
    write(
        dir.path(),
        "content/0.md",
        &article("A2", "2024-01-01T00:00:00Z", "https://e.example/0", &["T"]),
    );
    let Some(frozen) = Frozen::new(&dir.path().join("feeds/topics/t")) else {
        return;
    };
    let run = feedsmith(dir.path(), &["build", "--report", "json"]);
    drop(frozen);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert_stderr_contains(&run, "written: feeds/rss.xml");
    assert_stderr_contains(&run, "not written: feeds/topics/t/rss.xml");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["status"], 3);
    let names = |key: &str| -> Vec<String> {
        report["files"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(names("written").contains(&"rss.xml".to_owned()));
    assert_eq!(
        names("not_written"),
        [
            "topics/t/atom.xml",
            "topics/t/feed.json",
            "topics/t/index.html",
            "topics/t/rss.xml"
        ]
    );
    // The next run finishes the job.
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        titles(&parse_feed(&dir.path().join("feeds/topics/t/rss.xml"))),
        ["A2"]
    );
}

#[test]
fn check_and_build_refuse_a_date_no_feed_can_show_alike() {
    // A year-0 date with an offset is in year -1 in UTC, which no feed
    // format can show: load refuses that article, with its line, in check
    // and build alike (exit 1), and the other article is still published.
    let dir = empty_site();
    write(
        dir.path(),
        "content/zero.md",
        "---\ntitle: Zero\npublishedDateTime: 0000-01-01T00:00:00+01:00\nwebUrl: https://e.example/zero\n---\n",
    );
    write(
        dir.path(),
        "content/fine.md",
        &article("Fine", "2024-01-01T00:00:00Z", "https://e.example/f", &[]),
    );
    let check = feedsmith(dir.path(), &["check"]);
    let build = feedsmith(dir.path(), &["build"]);
    for run in [&check, &build] {
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert_stderr_contains(
            run,
            "zero.md:3:1: error[bad-date]: `publishedDateTime` `0000-01-01T00:00:00+01:00` is in year -1 (UTC)",
        );
    }
    assert_eq!(
        titles(&parse_feed(&dir.path().join("feeds/rss.xml"))),
        ["Fine"]
    );
}

#[test]
fn help_shows_the_exit_status_table() {
    for command in ["build", "check", "topics", "serve"] {
        let run = feedsmith(Path::new("."), &[command, "--help"]);
        assert_eq!(run.status, 0);
        for line in [
            "0  no errors",
            "1  some articles had errors and were skipped",
            "2  nothing could be done and nothing was written",
            "3  some files were written, then the run failed",
        ] {
            assert!(run.stdout.contains(line), "{command} --help: {line}");
        }
    }
}

#[test]
fn a_file_made_unreadable_is_an_error_even_when_the_cache_knows_it() {
    if !can_drop_privileges() {
        return;
    }
    let dir = site_of(&[("A", &[])]);
    // A draft: in no feed, so never read again after the load.
    write(
        dir.path(),
        "content/draft.md",
        "---\ntitle: Draft\npublishedDateTime: 2024-01-02T00:00:00Z\nwebUrl: https://e.example/d\npublished: false\n---\n",
    );
    let run = feedsmith_unprivileged(dir.path(), &["build", "-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    chmod(&dir.path().join("content/draft.md"), 0o000);
    let run = feedsmith_unprivileged(dir.path(), &["build", "-q"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_stderr_contains(&run, "draft.md: error[unreadable]: cannot read file");
}

#[test]
fn check_refuses_what_build_refuses_without_a_base_url() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "content/a.md",
        &article("A", "2024-01-01T00:00:00Z", "https://e.example/a", &[]),
    );
    let build = feedsmith(dir.path(), &["build"]);
    let check = feedsmith(dir.path(), &["check"]);
    assert_eq!(build.status, 2, "{}", build.stderr);
    assert_eq!(check.status, build.status, "{}", check.stderr);
    assert_stderr_contains(&check, "error: no base URL");
}

#[test]
fn fifos_planted_as_feedsmiths_own_files_never_hang_a_run() {
    let dir = site(&[]);
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 0);
    let out = dir.path().join("feeds");
    // A cache that is a FIFO: ignored, the run is a fresh build.
    std::fs::remove_file(out.join(".feedsmith-cache")).unwrap();
    mkfifo(&out.join(".feedsmith-cache"));
    let run = feedsmith_within(dir.path(), &["build", "-q"], Duration::from_secs(20));
    assert_eq!(run.status, 0, "{}", run.stderr);
    // A manifest that is a FIFO: refused, nothing written.
    std::fs::remove_file(out.join(".feedsmith-manifest.json")).unwrap();
    mkfifo(&out.join(".feedsmith-manifest.json"));
    let run = feedsmith_within(dir.path(), &["build", "-q"], Duration::from_secs(20));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        ".feedsmith-manifest.json: cannot read: not a regular file",
    );
}
