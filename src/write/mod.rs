//! Stage 4, `write`: put the rendered files in the out folder safely.
//!
//! Every file is replaced atomically and only when its bytes changed; a
//! manifest records what feedsmith wrote, so files of topics that are gone
//! are removed and files feedsmith did not write are never touched; a lock
//! keeps overlapping runs apart. Nothing is written, read or removed
//! through a symbolic link below the out folder: every folder on the way
//! to a file is checked on disk, not only by its name.

mod atomic;
mod lock;
mod manifest;

pub use atomic::{write_atomic, write_atomic_unsynced, write_if_changed, WriteStatus};
pub use lock::{LockError, OutLock, LOCK_FILE};
pub use manifest::{Manifest, MANIFEST_FILE, MANIFEST_VERSION};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file to put in the out folder, by its path relative to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
    /// For a feed file (RSS, Atom, JSON Feed), the entries it holds;
    /// `None` for everything else (pages, OPML, `.gz` twins). Recorded in
    /// the manifest for the empty-feed guard ([`feeds_had_entries`]).
    pub entries: Option<usize>,
}

/// A feed file above this size is not read for the empty-feed guard.
const FEED_READ_LIMIT: u64 = 1 << 30;

/// Whether the feeds feedsmith last wrote in `out_dir` had entries: the
/// guard against replacing good feeds with empty ones (empty or unmounted
/// content folder, every file broken).
///
/// A current manifest records each feed's entries: any feed with entries
/// that is still a file there counts. An older manifest (version 1) or none
/// has no counts: then the feed files it lists (`rss.xml`, `atom.xml`,
/// `feed.json` in any folder), and those at the top of the out folder, are
/// read (never through a link, bounded) for an `<item>`, an `<entry>` or a
/// non-empty JSON Feed `items`. A manifest that cannot be read is treated
/// as none here (the plan refuses it anyway).
pub fn feeds_had_entries(out_dir: &Path) -> bool {
    let manifest = Manifest::read(out_dir).unwrap_or_default();
    let is_file = |path: &str| checked_path(out_dir, path).is_ok_and(|p| p.is_file());
    // An absent manifest reads as the empty current one: not counted.
    if manifest.version >= 2 && manifest != Manifest::default() {
        return manifest
            .feeds
            .iter()
            .any(|(path, &entries)| entries > 0 && is_file(path));
    }
    const FEED_NAMES: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];
    let is_feed = |path: &&String| {
        FEED_NAMES
            .iter()
            .any(|name| path.rsplit('/').next() == Some(name))
    };
    // The top-level feeds first: they hold entries whenever any feed does.
    let top = FEED_NAMES.map(str::to_owned);
    let listed = manifest.files.iter().filter(is_feed);
    let mut seen = BTreeSet::new();
    top.iter()
        .chain(listed)
        .filter(|path| seen.insert(path.as_str()))
        .any(|path| feed_file_has_entries(out_dir, path))
}

/// Whether the feed file `relative` in `out_dir` holds an entry.
fn feed_file_has_entries(out_dir: &Path, relative: &str) -> bool {
    let Ok(path) = checked_path(out_dir, relative) else {
        return false;
    };
    let Ok(Some(bytes)) = crate::load::read::read_own_file(&path, FEED_READ_LIMIT) else {
        return false;
    };
    if relative.ends_with(".json") {
        #[derive(serde::Deserialize)]
        struct JsonFeed {
            #[serde(default)]
            items: Vec<serde::de::IgnoredAny>,
        }
        serde_json::from_slice::<JsonFeed>(&bytes).is_ok_and(|feed| !feed.items.is_empty())
    } else {
        let text = String::from_utf8_lossy(&bytes);
        text.contains("<item>") || text.contains("<item ") || text.contains("<entry>")
    }
}

/// What a run does to the out folder, file by file (relative paths).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub write: Vec<String>,
    pub unchanged: Vec<String>,
    pub remove: Vec<String>,
    /// Files left as they are although this run would change or remove
    /// them: their input could not be read (see [`Hold`]).
    pub kept: Vec<String>,
    /// Manifest entries behind a symbolic link: not removed, and forgotten
    /// (the file there is no longer one feedsmith wrote), with why.
    pub forgotten: Vec<(String, String)>,
}

/// Which existing output files a run must leave as they are.
#[derive(Debug, Clone, Copy)]
pub enum Hold<'a> {
    /// None: write and prune as planned.
    Nothing,
    /// These (feeds holding articles that could not be read again).
    Files(&'a BTreeSet<String>),
    /// Every existing file, and nothing is removed: part of the input could
    /// not be read and nothing remembers what it held.
    Everything,
}

impl Hold<'_> {
    fn holds(&self, path: &str) -> bool {
        match self {
            Hold::Nothing => false,
            Hold::Files(set) => set.contains(path),
            Hold::Everything => true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: error: exists but was not written by feedsmith (not in {MANIFEST_FILE}); move it away or choose another --out")]
    Foreign(PathBuf),
    #[error("{0}: error: is a symbolic link or not a folder; feedsmith never writes through one, move it away or choose another --out")]
    Symlink(PathBuf),
    #[error("error: {0}")]
    Manifest(String),
    #[error("{path}: error: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `out_dir` joined with `relative`, after checking on disk that every
/// folder on the way (below `out_dir`) is a real folder, not a symbolic
/// link, and that the file itself is not a link: `Symlink` names the first
/// that is not. Folders that do not exist yet are fine (they are created).
pub fn checked_path(out_dir: &Path, relative: &str) -> Result<PathBuf, WriteError> {
    let mut path = out_dir.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let last = i + 1 == parts.len();
        match path.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => return Err(WriteError::Symlink(path)),
            Ok(meta) if !last && !meta.is_dir() => return Err(WriteError::Symlink(path)),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                for rest in &parts[i + 1..] {
                    path.push(rest);
                }
                return Ok(path);
            }
            Err(e) => return Err(io_error(&path)(e)),
        }
    }
    Ok(path)
}

/// Compare `files` with the out folder and its manifest. Fails, before
/// anything is written, when a file to write is a foreign file or lies
/// behind a symbolic link. `hold` names the existing files to leave as
/// they are.
pub fn plan(out_dir: &Path, files: &[OutputFile], hold: Hold) -> Result<Plan, WriteError> {
    let manifest = Manifest::read(out_dir).map_err(WriteError::Manifest)?;
    let mut plan = Plan::default();
    for file in files {
        let path = checked_path(out_dir, &file.path)?;
        let exists = path.symlink_metadata().is_ok();
        if atomic::same_contents(&path, &file.bytes).map_err(io_error(&path))? {
            plan.unchanged.push(file.path.clone());
        } else if exists && !manifest.files.contains(&file.path) {
            return Err(WriteError::Foreign(path));
        } else if exists && hold.holds(&file.path) {
            plan.kept.push(file.path.clone());
        } else {
            plan.write.push(file.path.clone());
        }
    }
    let new: BTreeSet<&String> = files.iter().map(|f| &f.path).collect();
    for old in manifest.files.iter().filter(|old| !new.contains(old)) {
        match checked_path(out_dir, old) {
            Ok(path) if path.is_file() => {
                if hold.holds(old) {
                    plan.kept.push(old.clone());
                } else {
                    plan.remove.push(old.clone());
                }
            }
            Ok(_) => {}
            Err(e) => plan.forgotten.push((old.clone(), e.to_string())),
        }
    }
    plan.kept.sort();
    Ok(plan)
}

/// What [`apply`] did, file by file (relative paths).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    /// Files planned to be written or removed that were not.
    pub not_done: Vec<String>,
    /// `.gz` twins removed ahead of their rewrite (see [`apply`]).
    pub cleared: Vec<String>,
}

/// [`apply`] failed: the first error, and what was done before and despite it.
#[derive(Debug)]
pub struct ApplyError {
    pub error: WriteError,
    pub applied: Box<Applied>,
}

impl ApplyError {
    /// Whether anything in the out folder changed before the failure.
    pub fn changed_something(&self) -> bool {
        !self.applied.written.is_empty()
            || !self.applied.removed.is_empty()
            || !self.applied.cleared.is_empty()
    }
}

/// Carry out `plan`: write the changed files, remove the stale ones, and
/// keep the manifest a superset of what is on disk at every moment, so a
/// run killed anywhere leaves nothing unaccounted for.
///
/// A `.gz` twin is never out of step with its file, even when the run is
/// killed: a twin about to change is removed (durably) before its file is
/// replaced and written again only after it, so at every moment it is the
/// old twin of the old file, absent, or the new twin of the new file.
pub fn apply(out_dir: &Path, files: &[OutputFile], plan: &Plan) -> Result<Applied, ApplyError> {
    let mut applied = Applied::default();
    let fail = |error: WriteError, mut applied: Applied, plan: &Plan| {
        let done: BTreeSet<&String> = applied.written.iter().chain(&applied.removed).collect();
        applied.not_done = plan
            .write
            .iter()
            .chain(&plan.remove)
            .filter(|p| !done.contains(p))
            .cloned()
            .collect();
        applied.not_done.sort();
        ApplyError {
            error,
            applied: Box::new(applied),
        }
    };
    remove_leftover_temps(out_dir, files);
    crate::trace("write: leftovers checked");
    let old = match Manifest::read(out_dir) {
        Ok(old) => old,
        Err(e) => return Err(fail(WriteError::Manifest(e), applied, plan)),
    };
    let manifest_path = out_dir.join(MANIFEST_FILE);
    // Until the run is done a feed file on disk may be the old or the new
    // one: its count is the larger of the two, so the empty-feed guard of
    // a later run never takes feeds with entries for empty ones.
    let mut all: BTreeMap<String, Option<usize>> = old
        .files
        .iter()
        .map(|path| (path.clone(), old.feeds.get(path).copied()))
        .collect();
    for file in files {
        let count = all.entry(file.path.clone()).or_default();
        *count = match (*count, file.entries) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    if let Err(e) = write_if_changed(&manifest_path, &Manifest::new(all).to_bytes()) {
        return Err(fail(io_error(&manifest_path)(e), applied, plan));
    }

    let to_write: BTreeSet<&str> = plan.write.iter().map(String::as_str).collect();
    let writes = files.iter().filter(|f| to_write.contains(f.path.as_str()));
    // Twins whose file changes are removed first, then the files are
    // written, then their twins.
    let (twins, plain): (Vec<&OutputFile>, Vec<&OutputFile>) = writes.partition(|f| {
        f.path
            .strip_suffix(".gz")
            .is_some_and(|base| to_write.contains(base))
    });
    let mut first_error = None;
    let mut synced = BTreeSet::new();
    for twin in &twins {
        let result =
            checked_path(out_dir, &twin.path).and_then(|path| match std::fs::remove_file(&path) {
                Ok(()) => {
                    applied.cleared.push(twin.path.clone());
                    if let Some(dir) = path.parent() {
                        synced.insert(dir.to_path_buf());
                    }
                    Ok(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_error(&path)(e)),
            });
        if let Err(e) = result {
            return Err(fail(e, applied, plan));
        }
    }
    for dir in synced {
        atomic::sync_dir(&dir);
    }
    for batch in [plain, twins] {
        let (written, error) = write_all_atomic(out_dir, &batch);
        applied.written.extend(written);
        if let Some(e) = error {
            first_error = Some(e);
            break;
        }
    }
    if let Some(e) = first_error {
        applied.written.sort();
        return Err(fail(e, applied, plan));
    }
    applied.written.sort();
    // Twins before their files: a run killed in between leaves a file
    // without its twin (served as it is), never a twin without its file.
    let (stale_twins, stale_files): (Vec<&String>, Vec<&String>) =
        plan.remove.iter().partition(|p| p.ends_with(".gz"));
    for stale in stale_twins.into_iter().chain(stale_files) {
        let path = match checked_path(out_dir, stale) {
            Ok(path) => path,
            Err(e) => return Err(fail(e, applied, plan)),
        };
        match std::fs::remove_file(&path) {
            Ok(()) => applied.removed.push(stale.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(io_error(&path)(e), applied, plan)),
        }
        remove_empty_parents(out_dir, &path);
    }
    // A file kept as it was holds what the old manifest says it holds.
    let kept: BTreeSet<&String> = plan.kept.iter().collect();
    let current = Manifest::new(
        files
            .iter()
            .filter(|f| !kept.contains(&f.path))
            .map(|f| (f.path.clone(), f.entries))
            .chain(
                plan.kept
                    .iter()
                    .map(|path| (path.clone(), old.feeds.get(path).copied())),
            ),
    );
    if let Err(e) = write_if_changed(&manifest_path, &current.to_bytes()) {
        return Err(fail(io_error(&manifest_path)(e), applied, plan));
    }
    Ok(applied)
}

/// Write each file atomically, with one durability barrier for the lot:
/// every file goes to a temporary twin, then all of them reach the disk at
/// once ([`atomic::sync_staged`]), then each is renamed into place, then
/// the folders are synced. A run killed anywhere leaves each file old or
/// new and complete (its temporary twin is removed by the next run). Two
/// `fsync`s per file made a fresh 100,000-article build (3,400 files)
/// spend most of its writing time waiting for the disk. Gives the files
/// written and the first error (in file order).
fn write_all_atomic(out_dir: &Path, files: &[&OutputFile]) -> (Vec<String>, Option<WriteError>) {
    use rayon::prelude::*;
    let mut errors: Vec<(usize, WriteError)> = Vec::new();
    let staged: Vec<(usize, Result<atomic::Staged, WriteError>)> = files
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            let staged = checked_path(out_dir, &file.path)
                .and_then(|path| atomic::stage(&path, &file.bytes).map_err(io_error(&path)));
            (i, staged)
        })
        .collect();
    crate::trace("write: staged");
    let mut ready = Vec::with_capacity(staged.len());
    for (i, result) in staged {
        match result {
            Ok(staged) => ready.push((i, staged)),
            Err(e) => errors.push((i, e)),
        }
    }
    let temps: Vec<&atomic::Staged> = ready.iter().map(|(_, s)| s).collect();
    let synced = atomic::sync_staged(out_dir, &temps);
    crate::trace("write: synced");
    let mut to_commit = Vec::with_capacity(ready.len());
    for ((i, staged), synced) in ready.into_iter().zip(synced) {
        match synced {
            Ok(()) => to_commit.push((i, staged)),
            // Dropped: its temporary file is removed, the old file stays.
            Err(e) => errors.push((i, io_error(&staged.path)(e))),
        }
    }
    let committed: Vec<(usize, PathBuf, std::io::Result<()>)> = to_commit
        .into_par_iter()
        .map(|(i, staged)| {
            let path = staged.path.clone();
            (i, path, atomic::commit(staged))
        })
        .collect();
    let mut written = Vec::new();
    let mut dirs = BTreeSet::new();
    for (i, path, result) in committed {
        match result {
            Ok(()) => {
                written.push(files[i].path.clone());
                if let Some(dir) = path.parent() {
                    dirs.insert(dir.to_path_buf());
                }
            }
            Err(e) => errors.push((i, io_error(&path)(e))),
        }
    }
    crate::trace("write: committed");
    atomic::sync_dirs(out_dir, &dirs);
    crate::trace("write: folders synced");
    errors.sort_by_key(|(i, _)| *i);
    (written, errors.into_iter().next().map(|(_, e)| e))
}

/// Remove temporary files left by a killed run, in every folder we write to.
fn remove_leftover_temps(out_dir: &Path, files: &[OutputFile]) {
    // Only real folders: never one behind a symbolic link.
    let mut dirs: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| checked_path(out_dir, &f.path).ok())
        .filter_map(|path| path.parent().map(Path::to_path_buf))
        .collect();
    dirs.insert(out_dir.to_path_buf());
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_str()
                .is_some_and(atomic::is_leftover_temp)
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Remove the folders a removed file leaves empty, up to the out folder.
fn remove_empty_parents(out_dir: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out_dir || !d.starts_with(out_dir) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
            entries: None,
        }
    }

    fn feed(path: &str, bytes: &str, entries: usize) -> OutputFile {
        OutputFile {
            entries: Some(entries),
            ..file(path, bytes)
        }
    }

    #[test]
    fn the_manifest_records_feed_entries_and_the_guard_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        assert!(!feeds_had_entries(out), "no manifest, no feeds");
        let run = |files: &[OutputFile]| {
            apply(out, files, &plan(out, files, Hold::Nothing).unwrap()).unwrap();
        };
        run(&[feed("rss.xml", "a", 0), feed("topics/t/rss.xml", "t", 0)]);
        assert!(!feeds_had_entries(out), "every feed empty");
        run(&[
            feed("rss.xml", "b", 0),
            feed("topics/t/rss.xml", "t2", 4),
            file("index.html", "i"),
        ]);
        let m = Manifest::read(out).unwrap();
        assert_eq!(m.version, MANIFEST_VERSION);
        assert_eq!(
            m.feeds.into_iter().collect::<Vec<_>>(),
            [
                ("rss.xml".to_owned(), 0),
                ("topics/t/rss.xml".to_owned(), 4)
            ]
        );
        assert!(feeds_had_entries(out), "a topic feed has entries");
        // A feed with entries that is gone from the folder does not count.
        std::fs::remove_file(out.join("topics/t/rss.xml")).unwrap();
        assert!(!feeds_had_entries(out));
    }

    #[test]
    fn a_kept_feed_keeps_its_old_count() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = [feed("rss.xml", "a", 3)];
        apply(out, &first, &plan(out, &first, Hold::Nothing).unwrap()).unwrap();
        let second = [feed("rss.xml", "b", 0)];
        let held: BTreeSet<String> = ["rss.xml".to_owned()].into();
        let p = plan(out, &second, Hold::Files(&held)).unwrap();
        apply(out, &second, &p).unwrap();
        assert_eq!(Manifest::read(out).unwrap().feeds["rss.xml"], 3);
    }

    #[test]
    fn the_guard_reads_the_feeds_an_older_manifest_lists() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let v1 = |files: &[&str]| {
            let list: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
            std::fs::write(
                out.join(MANIFEST_FILE),
                format!(
                    "{{\"generator\":\"feedsmith 0.1.0\",\"files\":[{}]}}",
                    list.join(",")
                ),
            )
            .unwrap();
        };
        std::fs::create_dir_all(out.join("topics/t")).unwrap();
        std::fs::write(out.join("rss.xml"), "<rss><channel></channel></rss>").unwrap();
        std::fs::write(out.join("feed.json"), r#"{"items":[]}"#).unwrap();
        v1(&["rss.xml", "feed.json", "topics/t/atom.xml"]);
        assert!(!feeds_had_entries(out));
        std::fs::write(
            out.join("topics/t/atom.xml"),
            "<feed><entry></entry></feed>",
        )
        .unwrap();
        assert!(feeds_had_entries(out), "a topic feed the manifest lists");
        v1(&["rss.xml", "feed.json"]);
        assert!(!feeds_had_entries(out), "not listed, not at the top");
        std::fs::write(out.join("feed.json"), r#"{"items":[{"id":"1"}]}"#).unwrap();
        assert!(feeds_had_entries(out), "a JSON Feed with items");
        // No manifest at all: the top-level feeds are read.
        std::fs::remove_file(out.join(MANIFEST_FILE)).unwrap();
        assert!(feeds_had_entries(out));
        std::fs::write(out.join(MANIFEST_FILE), "garbage").unwrap();
        assert!(feeds_had_entries(out), "unreadable manifest: as none");
    }

    #[test]
    fn plans_writes_unchanged_and_removals() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = [file("rss.xml", "a"), file("topics/x/rss.xml", "x")];
        let p = plan(out, &first, Hold::Nothing).unwrap();
        assert_eq!(p.write, ["rss.xml", "topics/x/rss.xml"]);
        apply(out, &first, &p).unwrap();

        let second = [file("rss.xml", "b"), file("topics/y/rss.xml", "y")];
        let p = plan(out, &second, Hold::Nothing).unwrap();
        assert_eq!((p.write.len(), p.unchanged.len()), (2, 0));
        assert_eq!(p.remove, ["topics/x/rss.xml"]);
        apply(out, &second, &p).unwrap();
        assert!(!out.join("topics/x").exists(), "empty topic folder removed");
        assert_eq!(std::fs::read(out.join("rss.xml")).unwrap(), b"b");
        assert_eq!(Manifest::read(out).unwrap().files.len(), 2);

        let p = plan(out, &second, Hold::Nothing).unwrap();
        assert_eq!(
            (p.write.len(), p.unchanged.len(), p.remove.len()),
            (0, 2, 0)
        );
    }

    #[test]
    fn never_touches_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("rss.xml"), "mine").unwrap();
        std::fs::write(out.join("notes.txt"), "mine too").unwrap();
        let err = plan(out, &[file("rss.xml", "feed")], Hold::Nothing).unwrap_err();
        assert!(matches!(err, WriteError::Foreign(_)), "{err}");
        // A foreign file that already holds the right bytes is adopted.
        let p = plan(out, &[file("rss.xml", "mine")], Hold::Nothing).unwrap();
        assert_eq!(p.unchanged, ["rss.xml"]);
        apply(out, &[file("rss.xml", "mine")], &p).unwrap();
        assert!(out.join("notes.txt").exists());
    }

    #[test]
    fn removes_leftover_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".feedsmith-abc.tmp"), "half").unwrap();
        let files = [file("rss.xml", "a")];
        apply(
            dir.path(),
            &files,
            &plan(dir.path(), &files, Hold::Nothing).unwrap(),
        )
        .unwrap();
        assert!(!dir.path().join(".feedsmith-abc.tmp").exists());
    }

    #[cfg(unix)]
    #[test]
    fn checks_every_component_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("topics/real")).unwrap();
        std::fs::create_dir_all(out.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(out.join("elsewhere"), out.join("topics/link")).unwrap();
        std::os::unix::fs::symlink(out.join("x"), out.join("topics/real/rss.xml")).unwrap();
        std::fs::write(out.join("file"), "").unwrap();
        assert!(checked_path(out, "topics/real/atom.xml").is_ok());
        assert!(checked_path(out, "topics/new/deep/atom.xml").is_ok());
        for bad in ["topics/link/rss.xml", "topics/real/rss.xml", "file/rss.xml"] {
            assert!(
                matches!(checked_path(out, bad), Err(WriteError::Symlink(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn held_files_are_kept_and_nothing_is_pruned_when_everything_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = [file("rss.xml", "a"), file("topics/x/rss.xml", "x")];
        apply(out, &first, &plan(out, &first, Hold::Nothing).unwrap()).unwrap();
        let second = [file("rss.xml", "b"), file("new.xml", "n")];
        let p = plan(out, &second, Hold::Everything).unwrap();
        assert_eq!(p.write, ["new.xml"]);
        assert_eq!(p.kept, ["rss.xml", "topics/x/rss.xml"]);
        assert!(p.remove.is_empty());
        apply(out, &second, &p).unwrap();
        assert_eq!(std::fs::read(out.join("rss.xml")).unwrap(), b"a");
        assert!(out.join("topics/x/rss.xml").exists());
        // Still listed: a later run may remove it.
        assert_eq!(Manifest::read(out).unwrap().files.len(), 3);
        let held: BTreeSet<String> = ["rss.xml".to_owned()].into();
        let p = plan(out, &second, Hold::Files(&held)).unwrap();
        assert_eq!(p.kept, ["rss.xml"]);
        assert_eq!(p.remove, ["topics/x/rss.xml"]);
    }

    #[test]
    fn a_failed_write_after_others_names_what_was_and_was_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        // A folder where a file's folder should be: that write fails.
        std::fs::write(out.join("topics"), "").unwrap();
        let files = [file("rss.xml", "a"), file("topics/t/rss.xml", "t")];
        let p = Plan {
            write: vec!["rss.xml".into(), "topics/t/rss.xml".into()],
            ..Plan::default()
        };
        let failure = apply(out, &files, &p).unwrap_err();
        assert!(failure.changed_something());
        assert_eq!(failure.applied.written, ["rss.xml"]);
        assert_eq!(failure.applied.not_done, ["topics/t/rss.xml"]);
    }
}
