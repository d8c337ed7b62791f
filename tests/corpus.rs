//! Interop with real data: the shared powerapps corpus, when present
//! (`../shared/corpus/powerapps` beside the project). Skipped otherwise.

mod common;

use common::*;
use std::path::Path;

/// Today's mode (`--no-site`), though the corpus holds its `_config.yml`.
#[test]
fn builds_valid_feeds_from_the_shared_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/powerapps");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feedsmith.yaml",
        "title: Power Apps Every Day\nbase_url: https://example.com/feeds/\nsite_url: https://everyday-cc.github.io/powerapps/\ninclude: [\"_news/**\", \"_newsletters/**\", \"_learning/videos/**\", \"_samples/**\"]\n",
    );
    let corpus_arg = corpus.to_str().unwrap();
    let run = feedsmith(
        dir.path(),
        &[
            "build",
            "--no-site",
            "--content",
            corpus_arg,
            "--now",
            "2024-05-01T00:00:00Z",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_stderr_contains(&run, "1883 articles read");
    let secured = secured_values(&corpus);
    assert!(secured.len() > 10);
    let feeds = feed_files(&dir.path().join("feeds"));
    assert_eq!(
        feeds.len(),
        24,
        "overall + 7 taxonomy topics, 3 formats: {feeds:?}"
    );
    for file in feeds {
        let path = dir.path().join("feeds").join(&file);
        let feed = parse_feed(&path);
        let mut ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{file}: duplicate ids");
        let text = std::fs::read_to_string(&path).unwrap();
        for value in &secured {
            assert!(
                !text.contains(value.as_str()),
                "{file} holds a secured value"
            );
        }
    }
    // Courses and collections have no date (and collections no link):
    // over the whole corpus they are reported and skipped, exit 1.
    write(
        dir.path(),
        "all.yaml",
        "base_url: https://example.com/feeds/\n",
    );
    let run = feedsmith(
        dir.path(),
        &[
            "check",
            "--no-site",
            "--content",
            corpus_arg,
            "--config",
            "all.yaml",
            "--now",
            "2024-05-01T00:00:00Z",
        ],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("2018 articles read") && run.stderr.contains("135 with errors"),
        "{}",
        run.stderr
    );
}

/// A few `secured` values from the corpus.
fn secured_values(corpus: &Path) -> Vec<String> {
    let mut values = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(corpus.join("_news"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names.iter().take(50) {
        let text = std::fs::read_to_string(path).unwrap();
        if let Some(line) = text.lines().find(|l| l.starts_with("secured: ")) {
            values.push(
                line["secured: ".len()..]
                    .trim_matches('"')
                    .chars()
                    .take(40)
                    .collect(),
            );
        }
    }
    values
}
