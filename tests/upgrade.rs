//! Upgrades: today's binary takes over an out folder an older feedsmith
//! wrote. The out folders in `tests/fixtures/upgrade/<commit>/` (`plain/`
//! and `gz/`, built with `--precompress`) were written by those commits on
//! the site in `tests/fixtures/upgrade/` (scripts/make_upgrade_fixtures.sh):
//! their manifest is version 1, their cache has an older layout or magic.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// The commits whose out folders are stored, oldest first.
const COMMITS: [&str; 2] = ["1d295e9", "06cdf9c"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade")
}

/// A site with the fixture content and the out folder `commit` wrote
/// (`gz`: the `--precompress` one) in `out/`.
fn old_site(commit: &str, gz: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = fixtures();
    std::fs::copy(
        root.join("feedsmith.yaml"),
        dir.path().join("feedsmith.yaml"),
    )
    .unwrap();
    copy_dir(&root.join("content"), &dir.path().join("content"));
    let variant = if gz { "gz" } else { "plain" };
    copy_dir(&root.join(commit).join(variant), &dir.path().join("out"));
    dir
}

fn build(dir: &Path, gz: bool, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--now", NOW, "--out", "out"];
    if gz {
        args.push("--precompress");
    }
    args.extend(extra);
    feedsmith(dir, &args)
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join(".feedsmith-manifest.json")).unwrap()).unwrap()
}

/// Every case: each stored commit, with and without `.gz` twins.
fn cases() -> impl Iterator<Item = (&'static str, bool)> {
    COMMITS.into_iter().flat_map(|c| [(c, false), (c, true)])
}

#[test]
fn the_fixtures_are_an_older_versions() {
    for (commit, gz) in cases() {
        let dir = old_site(commit, gz);
        let m = manifest(&dir.path().join("out"));
        assert!(m.get("version").is_none(), "{commit}: a version 1 manifest");
        assert!(m["files"].as_array().unwrap().len() >= 14, "{commit}");
        assert!(
            dir.path().join("out/.feedsmith-cache").is_file(),
            "{commit}"
        );
        assert_eq!(dir.path().join("out/rss.xml.gz").is_file(), gz, "{commit}");
    }
}

#[test]
fn an_older_out_folder_is_taken_over_silently() {
    for (commit, gz) in cases() {
        let case = format!("{commit} (precompress: {gz})");
        let dir = old_site(commit, gz);
        let out = dir.path().join("out");
        let old_cache = std::fs::read(out.join(".feedsmith-cache")).unwrap();
        let old_files = manifest(&out)["files"].clone();

        let run = build(dir.path(), gz, &["--report", "json"]);
        assert_eq!(run.status, 0, "{case}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{case}: only the summary:\n{}", run.stderr);
        assert!(lines[0].starts_with("feedsmith: "), "{case}: {}", lines[0]);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["problems"], serde_json::json!([]), "{case}");
        assert_eq!(report["counts"]["articles_read"], 5, "{case}");
        assert_eq!(report["counts"]["removed"], 0, "{case}");

        // The manifest is migrated: version 2, every feed with its entries.
        let m = manifest(&out);
        assert_eq!(m["version"], 2, "{case}");
        let feeds = m["feeds"].as_object().unwrap();
        let expected = [
            ("rss.xml", 5),
            ("atom.xml", 5),
            ("feed.json", 5),
            ("topics/rust/rss.xml", 3),
            ("topics/video/atom.xml", 2),
            ("topics/web/feed.json", 2),
        ];
        for (feed, entries) in expected {
            assert_eq!(feeds[feed], entries, "{case}: {feed}");
        }
        assert_eq!(
            feeds.len(),
            12,
            "{case}: 4 feeds in 3 formats, no pages, no .gz"
        );
        // Every file the old version wrote is still written and listed.
        let listed = m["files"].as_array().unwrap();
        for old in old_files.as_array().unwrap() {
            assert!(listed.contains(old), "{case}: {old} no longer listed");
        }

        // The cache is rebuilt (a new one, which the next run uses whole).
        let new_cache = std::fs::read(out.join(".feedsmith-cache")).unwrap();
        assert_ne!(new_cache, old_cache, "{case}: cache rewritten");
        let before = snapshot(&out);
        let manifest_before = std::fs::read(out.join(".feedsmith-manifest.json")).unwrap();
        let again = build(dir.path(), gz, &["--report", "json"]);
        assert_eq!(again.status, 0, "{case}: {}", again.stderr);
        let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
        assert_eq!(
            report["counts"]["from_cache"], 5,
            "{case}: {}",
            again.stdout
        );
        assert_eq!(report["counts"]["written"], 0, "{case}: {}", again.stdout);
        assert_eq!(report["counts"]["removed"], 0, "{case}: {}", again.stdout);
        assert_eq!(again.stderr.lines().count(), 1, "{case}: {}", again.stderr);
        assert_eq!(
            snapshot(&out),
            before,
            "{case}: a second run changes nothing"
        );
        assert_eq!(
            std::fs::read(out.join(".feedsmith-manifest.json")).unwrap(),
            manifest_before,
            "{case}"
        );
    }
}

#[test]
fn empty_content_over_an_older_manifest_is_refused() {
    for (commit, gz) in cases() {
        let case = format!("{commit} (precompress: {gz})");
        let dir = old_site(commit, gz);
        let out = dir.path().join("out");
        std::fs::remove_dir_all(dir.path().join("content")).unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let before = snapshot(&out);
        let manifest_before = std::fs::read(out.join(".feedsmith-manifest.json")).unwrap();
        let run = build(dir.path(), gz, &[]);
        assert_eq!(run.status, 2, "{case}: {}", run.stderr);
        assert_stderr_contains(&run, "that have entries with empty ones");
        assert_eq!(snapshot(&out), before, "{case}: nothing changed");
        assert_eq!(
            std::fs::read(out.join(".feedsmith-manifest.json")).unwrap(),
            manifest_before,
            "{case}: the old manifest stays"
        );
        // Only the topic feeds had entries (the overall feeds are emptied
        // by hand): still refused, from the feeds the old manifest lists.
        for feed in ["rss.xml", "atom.xml", "feed.json"] {
            std::fs::remove_file(out.join(feed)).unwrap();
            let _ = std::fs::remove_file(out.join(format!("{feed}.gz")));
        }
        let run = build(dir.path(), gz, &[]);
        assert_eq!(run.status, 2, "{case}: {}", run.stderr);
        assert!(out.join("topics/rust/rss.xml").is_file(), "{case}");
    }
}

#[test]
fn files_an_older_version_wrote_and_this_run_does_not_are_pruned() {
    for (commit, gz) in cases() {
        let case = format!("{commit} (precompress: {gz})");
        let dir = old_site(commit, gz);
        let out = dir.path().join("out");
        // The old version wrote topics/video/ for these two articles.
        std::fs::remove_dir_all(dir.path().join("content/videos")).unwrap();
        let run = build(dir.path(), gz, &["--report", "json"]);
        assert_eq!(run.status, 0, "{case}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let removed = if gz { 6 } else { 3 };
        assert_eq!(
            report["counts"]["removed"], removed,
            "{case}: {}",
            run.stdout
        );
        assert!(!out.join("topics/video").exists(), "{case}");
        let m = manifest(&out);
        let listed: Vec<&str> = m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(
            listed.iter().all(|f| !f.starts_with("topics/video/")),
            "{case}: {listed:?}"
        );
        assert_eq!(m["feeds"]["topics/rust/rss.xml"], 2, "{case}");
    }
}
