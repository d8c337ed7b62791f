//! What `build --quiet` remembers between runs: the warnings it has
//! already printed, so a cron job mails only when something new is wrong.
//!
//! Kept in the out folder next to the cache (`.feedsmith-seen`), one key
//! a line: a digest of the warning's code, its path and the content hash
//! of every file it names. Touching a file (same content) keeps its key;
//! editing it makes its warnings new again. Only the last run's warnings
//! are kept, so one that goes away and comes back is new again. A missing
//! or damaged file only means everything is new once.

use crate::diagnostic::Diagnostic;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

/// The file in the out folder. Never in the manifest: never pruned, and
/// no output file can have its name.
pub const SEEN_FILE: &str = ".feedsmith-seen";

const HEADER: &str = "feedsmith-seen 1";
/// Largest seen file read (a key is 33 bytes: a million warnings fit).
const MAX_BYTES: u64 = 64 << 20;

/// Which of `diagnostics` are to be printed: every error, and the warnings
/// not printed by the previous remembering run. Writes this run's keys
/// for the next one; `Err` says why they could not be written (the
/// returned marks are still right).
pub fn remember(
    out: &Path,
    content: &Path,
    diagnostics: &[Diagnostic],
) -> (Vec<bool>, Option<String>) {
    let path = out.join(SEEN_FILE);
    let written = crate::load::read::read_own_file(&path, MAX_BYTES)
        .ok()
        .flatten();
    let before = keys(written.as_deref());
    let mut hashes = FileHashes::new(content);
    let mut now = BTreeSet::new();
    let fresh = diagnostics
        .iter()
        .map(|d| {
            if d.is_error() {
                return true;
            }
            let key = key(d, &mut hashes);
            let fresh = !before.contains(&key);
            now.insert(key);
            fresh
        })
        .collect();
    let mut text = String::with_capacity(HEADER.len() + 1 + now.len() * 33);
    text.push_str(HEADER);
    text.push('\n');
    for key in &now {
        text.push_str(key);
        text.push('\n');
    }
    // The same keys: the file stays as it is (a cron job's rerun touches
    // nothing).
    if written.as_deref() == Some(text.as_bytes()) {
        return (fresh, None);
    }
    let failed = crate::write::write_atomic_unsynced(&path, text.as_bytes())
        .err()
        .map(|e| {
            format!(
                "{}: warning: cannot remember warnings seen: {e}",
                path.display()
            )
        });
    (fresh, failed)
}

/// The keys of the previous run (the seen file's bytes): empty when the
/// file is missing, unreadable or not one of ours.
fn keys(bytes: Option<&[u8]>) -> BTreeSet<String> {
    let Some(bytes) = bytes else {
        return BTreeSet::new();
    };
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return BTreeSet::new();
    }
    lines.map(str::to_owned).collect()
}

/// A warning's key: 32 hex digits of a digest of its code, path and the
/// content of every file it names (the line and message follow from those).
fn key(d: &Diagnostic, hashes: &mut FileHashes) -> String {
    let mut digest = Sha256::new();
    digest.update(d.code.name());
    for path in std::iter::once(&d.path).chain(&d.also) {
        digest.update([0]);
        digest.update(path.as_bytes());
        digest.update([0]);
        digest.update(hashes.of(path));
    }
    hex(&digest.finalize()[..16])
}

/// Content hashes of files under the content folder, each read once.
struct FileHashes<'a> {
    content: &'a Path,
    known: std::collections::HashMap<String, [u8; 32]>,
}

impl<'a> FileHashes<'a> {
    fn new(content: &'a Path) -> Self {
        FileHashes {
            content,
            known: Default::default(),
        }
    }

    /// The hash of the file's bytes; all zeros for what is not a readable
    /// file there (a folder, a feed in the out folder): the key then holds
    /// its path alone.
    fn of(&mut self, path: &str) -> [u8; 32] {
        if let Some(hash) = self.known.get(path) {
            return *hash;
        }
        let hash = match crate::load::read::read_own_file(&self.content.join(path), 1 << 30) {
            Ok(Some(bytes)) if !path.is_empty() => Sha256::digest(&bytes).into(),
            _ => [0; 32],
        };
        self.known.insert(path.to_owned(), hash);
        hash
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn warning(path: &str) -> Diagnostic {
        Diagnostic::warning(Code::NoTimeZone, path, "no zone")
    }

    #[test]
    fn a_warning_is_new_once_until_its_file_changes() {
        let (content, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(content.path().join("a.md"), "one").unwrap();
        let all = [
            warning("a.md"),
            Diagnostic::error(Code::BadDate, "a.md", "bad"),
        ];
        let run = || remember(out.path(), content.path(), &all);
        assert_eq!(run(), (vec![true, true], None));
        assert_eq!(run(), (vec![false, true], None), "errors always print");
        std::fs::write(content.path().join("a.md"), "two").unwrap();
        assert_eq!(run().0, [true, true]);
        assert_eq!(run().0, [false, true]);
    }

    #[test]
    fn the_same_warnings_leave_the_file_untouched() {
        let (content, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(content.path().join("a.md"), "one").unwrap();
        let all = [warning("a.md")];
        remember(out.path(), content.path(), &all);
        let path = out.path().join(SEEN_FILE);
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(remember(out.path(), content.path(), &all).1, None);
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
        // Another set of warnings is written.
        remember(out.path(), content.path(), &[]);
        assert_ne!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
    }

    #[test]
    fn a_warning_gone_for_one_run_is_new_again() {
        let (content, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(content.path().join("a.md"), "one").unwrap();
        assert_eq!(
            remember(out.path(), content.path(), &[warning("a.md")]).0,
            [true]
        );
        assert_eq!(
            remember(out.path(), content.path(), &[]).0,
            Vec::<bool>::new()
        );
        assert_eq!(
            remember(out.path(), content.path(), &[warning("a.md")]).0,
            [true]
        );
    }

    #[test]
    fn a_change_in_another_named_file_makes_it_new() {
        let (content, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for name in ["a.md", "b.md"] {
            std::fs::write(content.path().join(name), name).unwrap();
        }
        let dup = [Diagnostic::warning(Code::DuplicateLink, "a.md", "dup").naming("b.md")];
        assert_eq!(remember(out.path(), content.path(), &dup).0, [true]);
        assert_eq!(remember(out.path(), content.path(), &dup).0, [false]);
        std::fs::write(content.path().join("b.md"), "changed").unwrap();
        assert_eq!(remember(out.path(), content.path(), &dup).0, [true]);
    }

    #[test]
    fn a_damaged_file_means_everything_is_new() {
        let (content, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(out.path().join(SEEN_FILE), [0xff, 0, 1]).unwrap();
        assert_eq!(
            remember(out.path(), content.path(), &[warning("x.md")]).0,
            [true]
        );
        assert_eq!(
            remember(out.path(), content.path(), &[warning("x.md")]).0,
            [false]
        );
    }
}
