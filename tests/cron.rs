//! Cron-grade runs: manifest and pruning, foreign files, dry runs, the
//! lock, the empty-feed guard, JSON reports, quiet runs, concurrent runs,
//! a run that started earlier never overwriting a later one, and SIGKILL
//! at random moments (files and their `.gz` twins).

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn removes_feeds_of_topics_that_are_gone_and_nothing_else() {
    let dir = site_of(&[("A", &["Keep"]), ("B", &["Gone"])]);
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 0);
    write(dir.path(), "feeds/notes.txt", "mine");
    write(dir.path(), "feeds/topics/gone/extra.txt", "mine too");
    write(
        dir.path(),
        "content/1.md",
        &article(
            "B",
            "2024-01-02T00:00:00Z",
            "https://e.example/1",
            &["Keep"],
        ),
    );
    let run = feedsmith(dir.path(), &["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.ends_with(", 4 removed\n"), "{}", run.stderr);
    let out = dir.path().join("feeds");
    assert!(
        !out.join("topics/gone/rss.xml").exists()
            && !out.join("topics/gone/atom.xml").exists()
            && !out.join("topics/gone/index.html").exists()
    );
    assert!(
        out.join("notes.txt").exists() && out.join("topics/gone/extra.txt").exists(),
        "foreign files stay"
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(".feedsmith-manifest.json")).unwrap(),
    )
    .unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "atom.xml",
            "feed.json",
            "index.html",
            "index.opml",
            "rss.xml",
            "topics/keep/atom.xml",
            "topics/keep/feed.json",
            "topics/keep/index.html",
            "topics/keep/rss.xml"
        ]
    );
}

#[test]
fn never_overwrites_a_foreign_file() {
    let dir = site_of(&[("A", &["T"])]);
    write(
        dir.path(),
        "feeds/topics/t/rss.xml",
        "<rss>hand-written</rss>",
    );
    let run = feedsmith(dir.path(), &["build", "-q"]);
    assert_eq!(run.status, 2);
    assert_stderr_contains(
        &run,
        "topics/t/rss.xml: error: exists but was not written by feedsmith",
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("feeds/topics/t/rss.xml")).unwrap(),
        "<rss>hand-written</rss>"
    );
    assert!(
        !dir.path().join("feeds/rss.xml").exists(),
        "nothing written"
    );
}

#[test]
fn dry_run_says_what_it_would_do_and_writes_nothing() {
    let dir = site_of(&[("A", &["T"])]);
    let run = feedsmith(dir.path(), &["build", "--dry-run"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(&run, "would write: feeds/topics/t/atom.xml");
    assert!(
        run.stderr
            .ends_with("9 files: 9 would be written, 0 unchanged, 0 would be removed\n"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("feeds").exists());
    feedsmith(dir.path(), &["build", "-q"]);
    let run = feedsmith(dir.path(), &["build", "--dry-run"]);
    assert_stderr_contains(&run, "would leave unchanged: feeds/rss.xml");
    assert!(
        run.stderr
            .ends_with("9 files: 0 would be written, 9 unchanged, 0 would be removed\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_held_lock_makes_the_second_run_wait_then_give_up() {
    let dir = site_of(&[("A", &[])]);
    let out = dir.path().join("feeds");
    let lock = feedsmith::write::OutLock::acquire(&out, Duration::from_secs(1)).unwrap();
    let started = Instant::now();
    let run = feedsmith(dir.path(), &["build", "--lock-timeout", "1"]);
    assert_eq!(run.status, 2);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_stderr_contains(
        &run,
        ".feedsmith.lock: another feedsmith run holds this lock",
    );
    assert!(!out.join("rss.xml").exists());
    drop(lock);
    assert_eq!(
        feedsmith(dir.path(), &["build", "-q", "--lock-timeout", "1"]).status,
        0
    );
}

#[test]
fn refuses_to_wipe_good_feeds_with_empty_ones() {
    let dir = site_of(&[("A", &["T"]), ("B", &[])]);
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 0);
    let before = snapshot(&dir.path().join("feeds"));
    // Every article broken: exit 2 and nothing changes.
    write(dir.path(), "content/0.md", "---\ntitle: [broken\n---\n");
    write(dir.path(), "content/1.md", "---\ntitle: no date\n---\n");
    let run = feedsmith(dir.path(), &["build", "-q"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "would replace the feeds in feeds that have entries with empty ones",
    );
    assert_eq!(snapshot(&dir.path().join("feeds")), before);
    // An empty content folder (an unmounted disk) is the same.
    std::fs::remove_dir_all(dir.path().join("content")).unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 2);
    assert_eq!(snapshot(&dir.path().join("feeds")), before);
    // A missing one: exit 2, nothing touched.
    std::fs::remove_dir(dir.path().join("content")).unwrap();
    assert_eq!(feedsmith(dir.path(), &["build", "-q"]).status, 2);
    assert_eq!(snapshot(&dir.path().join("feeds")), before);
    // Unless asked to.
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let run = feedsmith(dir.path(), &["build", "-q", "--allow-empty"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(parse_feed(&dir.path().join("feeds/rss.xml"))
        .entries
        .is_empty());
    assert!(
        !dir.path().join("feeds/topics/t").exists(),
        "the topic is gone"
    );
}

#[test]
fn quiet_clean_runs_print_nothing() {
    let dir = site_of(&[("A", &["T"])]);
    let run = feedsmith(dir.path(), &["build", "--quiet"]);
    assert_eq!(
        (run.status, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    let run = feedsmith(dir.path(), &["build", "--quiet"]);
    assert_eq!(
        (run.status, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn json_report_lists_counts_problems_and_files() {
    let dir = site_of(&[("A", &["T"]), ("B", &[])]);
    write(
        dir.path(),
        "content/bad.md",
        "---\ntitle: Bad\npublishedDateTime: soon\nwebUrl: https://e.example/bad\n---\n",
    );
    let run = feedsmith(dir.path(), &["build", "-q", "--report", "json"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["status"], 1);
    assert_eq!(report["counts"]["articles_read"], 3);
    assert_eq!(report["counts"]["errors"], 1);
    assert_eq!(report["counts"]["written"], 9);
    assert_eq!(report["problems"][0]["path"], "bad.md");
    assert_eq!(report["problems"][0]["line"], 3);
    assert_eq!(report["problems"][0]["severity"], "error");
    assert_eq!(report["files"]["written"].as_array().unwrap().len(), 9);
    let run = feedsmith(dir.path(), &["build", "-q", "--report", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["counts"]["unchanged"], 9);
    assert_eq!(report["files"]["unchanged"][0], "rss.xml");
}

#[test]
fn two_builds_started_together_both_succeed() {
    let dir = fixture("basic");
    let reference = fixture("basic");
    assert_eq!(build(reference.path(), &["-q"]).status, 0);
    let expected = snapshot(&reference.path().join("feeds"));
    for _ in 0..5 {
        let _ = std::fs::remove_dir_all(dir.path().join("feeds"));
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_feedsmith"))
                .current_dir(dir.path())
                .args(["build", "--now", NOW, "-q"])
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (spawn(), spawn());
        assert!(a.wait().unwrap().success());
        assert!(b.wait().unwrap().success());
        assert_eq!(snapshot(&dir.path().join("feeds")), expected);
    }
}

#[test]
fn a_run_that_started_earlier_never_overwrites_one_that_finished_later() {
    let dir = site_of(&[("Old", &["T"])]);
    // The first run loads the old article, then waits (a test-only delay)
    // before writing.
    let mut slow = Command::new(env!("CARGO_BIN_EXE_feedsmith"))
        .current_dir(dir.path())
        .args(["build", "-q"])
        .env("FEEDSMITH_TEST_DELAY_AFTER_LOAD_MS", "2500")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    // Meanwhile the article changes and a second run starts.
    write(
        dir.path(),
        "content/0.md",
        &article(
            "Newer",
            "2024-01-01T00:00:00Z",
            "https://e.example/0",
            &["T"],
        ),
    );
    let fast = feedsmith(dir.path(), &["build", "-q"]);
    assert_eq!(fast.status, 0, "{}", fast.stderr);
    assert!(slow.wait().unwrap().success());
    for feed in ["rss.xml", "topics/t/atom.xml"] {
        assert_eq!(
            titles(&parse_feed(&dir.path().join("feeds").join(feed))),
            ["Newer"],
            "{feed}: the run that started first overwrote the later one"
        );
    }
}

/// Whether every `.gz` twin in `out` holds exactly its file, gzipped.
fn twins_out_of_step(out: &Path) -> Vec<String> {
    use std::io::Read;
    let files = snapshot(out);
    files
        .iter()
        .filter_map(|(name, bytes)| {
            let base = name.strip_suffix(".gz")?;
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut plain)
                .ok()?;
            (files.get(base) != Some(&plain)).then(|| name.clone())
        })
        .collect()
}

/// A content folder big enough that a build takes a while, in two
/// versions that differ in every feed (and in one topic).
fn crash_content(root: &Path, version: &str) -> PathBuf {
    let content = root.join(format!("content-{version}"));
    for i in 0..1500 {
        let topics: Vec<String> = (0..3)
            .map(|t| format!("Topic {}", (i * 7 + t) % 40))
            .collect();
        let mut topics: Vec<&str> = topics.iter().map(String::as_str).collect();
        if version == "b" && i % 10 == 0 {
            topics.push("Only B");
        }
        let text = article(
            &format!("Article {i} {version}"),
            &format!(
                "{}-{:02}-{:02}T{:02}:00:00Z",
                2000 + i % 24,
                1 + i % 12,
                1 + i % 28,
                i % 24
            ),
            &format!("https://e.example/{i}"),
            &topics,
        );
        write(&content, &format!("{:02}/{i}.md", i % 50), &text);
    }
    content
}

#[test]
fn sigkill_at_any_moment_leaves_old_or_new_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        "base_url: https://x.example/feeds/\nlimit: 100\n",
    );
    let content = [
        crash_content(dir.path(), "a"),
        crash_content(dir.path(), "b"),
    ];
    let build_into = |content: &Path, out: &str| {
        let run = feedsmith(
            dir.path(),
            &[
                "build",
                "-q",
                "--precompress",
                "--content",
                content.to_str().unwrap(),
                "--out",
                out,
            ],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        snapshot(&dir.path().join(out))
    };
    let versions = [
        build_into(&content[0], "expected-a"),
        build_into(&content[1], "expected-b"),
    ];
    assert!(
        versions[1].len() > versions[0].len(),
        "version b has one more topic"
    );
    let started = Instant::now();
    build_into(&content[0], "feeds");
    let full = started.elapsed().as_micros() as u64;

    // How long a run of each version is taken to last. One timed run is
    // a single sample on a noisy machine, and a run over a cached
    // version is faster, so each estimate adapts: it shrinks when a run
    // finished before its kill and grows when one was killed. The two
    // steps balance near one run in two killed, so kills keep reaching
    // the end of a run, where files are renamed into place.
    let mut run_micros = [full, full];
    let mut seed: u64 = 0x5eed;
    let mut killed_mid_write = 0;
    let mut mixed = 0;
    let mut round = 0;
    while killed_mid_write < 50 {
        round += 1;
        assert!(
            round <= 300,
            "only {killed_mid_write} of 300 runs were killed before they finished"
        );
        let version = (round + 1) % 2;
        let target = &content[version];
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // Half the kills anywhere in the run, half in its second half,
        // where the files are written.
        let span = run_micros[version] * 9 / 10 + 1;
        let offset = if round % 2 == 0 { 0 } else { span / 2 };
        let delay = Duration::from_micros(offset + (seed >> 33) % (span - offset));
        let mut child = Command::new(env!("CARGO_BIN_EXE_feedsmith"))
            .current_dir(dir.path())
            .args([
                "build",
                "-q",
                "--precompress",
                "--content",
                target.to_str().unwrap(),
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        if finished {
            run_micros[version] = (run_micros[version] * 9 / 10).max(1_000);
        } else {
            killed_mid_write += 1;
            run_micros[version] = (run_micros[version] * 11 / 10).min(full * 2);
        }
        let out = dir.path().join("feeds");
        // A twin is the old twin of the old file, absent, or the new twin
        // of the new file: never out of step, wherever the kill came.
        let out_of_step = twins_out_of_step(&out);
        assert!(
            out_of_step.is_empty(),
            "round {round}: twins out of step with their file: {out_of_step:?}"
        );
        let mut seen = [false, false];
        for (file, bytes) in snapshot(&out) {
            if !file.ends_with("rss.xml")
                && !file.ends_with("atom.xml")
                && !file.ends_with("feed.json")
            {
                assert!(
                    versions.iter().any(|v| v.get(&file) == Some(&bytes)),
                    "round {round}: {file}"
                );
                continue;
            }
            let matches: Vec<bool> = versions
                .iter()
                .map(|v| v.get(&file) == Some(&bytes))
                .collect();
            assert!(
                matches.contains(&true),
                "round {round}: {file} is neither the old nor the new version"
            );
            parse_feed(&out.join(&file));
            if matches != [true, true] {
                seen[if matches[0] { 0 } else { 1 }] = true;
            }
        }
        if seen == [true, true] {
            mixed += 1;
        }
    }
    eprintln!("{killed_mid_write} of {round} runs killed before they finished; {mixed} left a mix of old and new files");
    // A run that completes cleans up after the killed ones.
    build_into(&content[1], "feeds");
    assert_eq!(snapshot(&dir.path().join("feeds")), versions[1]);
    assert!(twins_out_of_step(&dir.path().join("feeds")).is_empty());
    let leftovers: Vec<String> = walk_all(&dir.path().join("feeds"))
        .into_iter()
        .filter(|f| f.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Whether `dir` holds one of feedsmith's temporary files: a write is
/// under way.
fn writing(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(".feedsmith-") && n.ends_with(".tmp"))
        })
    })
}

#[test]
fn sigkill_while_writing_never_leaves_a_twin_out_of_step() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        "base_url: https://x.example/feeds/
limit: 100
",
    );
    // Many topics: a long write phase with many files and twins.
    let content: Vec<PathBuf> = ["a", "b"]
        .iter()
        .map(|version| {
            let content = dir.path().join(format!("content-{version}"));
            for i in 0..300 {
                let topics = [
                    format!("Topic {}", i % 100),
                    format!("Topic {}", (i + 1) % 100),
                ];
                let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
                let text = article(
                    &format!("Article {i} {version}"),
                    &format!("2020-01-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
                    &format!("https://e.example/{i}"),
                    &topics,
                );
                write(&content, &format!("{i}.md"), &text);
            }
            content
        })
        .collect();
    let build = |content: &Path| {
        Command::new(env!("CARGO_BIN_EXE_feedsmith"))
            .current_dir(dir.path())
            .args(["build", "-q", "--precompress", "--content"])
            .arg(content)
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    assert!(build(&content[0]).wait().unwrap().success());
    let out = dir.path().join("feeds");
    let mut seed: u64 = 0x7717;
    let mut killed_writing = 0;
    let mut round = 0;
    while killed_writing < 30 {
        round += 1;
        assert!(round <= 120, "only {killed_writing} kills landed mid-write");
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut child = build(&content[round % 2]);
        // Wait for the writes to start, then kill at a random moment.
        let started = Instant::now();
        while !writing(&out) && started.elapsed() < Duration::from_secs(10) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros((seed >> 33) % 150_000));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        if !finished {
            killed_writing += 1;
        }
        let out_of_step = twins_out_of_step(&out);
        assert!(
            out_of_step.is_empty(),
            "round {round}: {} twins out of step with their file, e.g. {:?}",
            out_of_step.len(),
            &out_of_step[..out_of_step.len().min(3)]
        );
    }
    eprintln!("{killed_writing} of {round} runs killed while writing");
    // A run that completes leaves every twin in place and in step.
    assert!(build(&content[0]).wait().unwrap().success());
    assert!(twins_out_of_step(&out).is_empty());
    let files = snapshot(&out);
    for name in files.keys().filter(|n| !n.ends_with(".gz")) {
        assert!(
            files.contains_key(&format!("{name}.gz")),
            "{name} has no twin"
        );
    }
}

fn walk_all(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_all(&path));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}
