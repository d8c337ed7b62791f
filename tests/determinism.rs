//! Same input ⇒ same bytes, whatever the file-system order, the number of
//! threads or the time of day.

mod common;

use common::*;
use std::path::Path;

/// Copy the basic fixture creating files in reverse name order, so that
/// directory listing order differs from the original copy's.
fn reversed_copy(from: &Path, to: &Path) {
    let mut all = files(from);
    all.reverse();
    for file in all {
        let target = to.join(&file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&file), target).unwrap();
    }
}

#[test]
fn same_bytes_whatever_order_threads_or_clock() {
    let first = fixture("basic");
    let run = feedsmith_env(
        first.path(),
        &["build", "--now", NOW, "-q"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert!(run.status == 0, "{}", run.stderr);
    let expected = outputs(first.path());
    assert_eq!(expected.len(), 21);

    let second = tempfile::tempdir().unwrap();
    reversed_copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        second.path(),
    );
    for threads in ["4", "2"] {
        let run = feedsmith_env(
            second.path(),
            &["build", "--now", NOW, "-q"],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert!(run.status == 0, "{}", run.stderr);
        assert_eq!(outputs(second.path()), expected, "{threads} threads");
    }
    // Without --now the clock is "now", which selects the same articles here:
    // output must not depend on when the build ran.
    std::fs::remove_dir_all(second.path().join("feeds")).unwrap();
    let run = feedsmith(second.path(), &["build", "-q"]);
    assert!(run.status == 0, "{}", run.stderr);
    assert_eq!(outputs(second.path()), expected, "no --now");
}
