//! Stage 4, `write`: put the rendered files in the out folder safely.
//!
//! Every file is replaced atomically and only when its bytes changed; a
//! manifest records what feedsmith wrote, so files of topics that are gone
//! are removed and files feedsmith did not write are never touched; a lock
//! keeps overlapping runs apart.

mod atomic;
mod lock;
mod manifest;

pub use atomic::{write_atomic, write_atomic_unsynced, write_if_changed, WriteStatus};
pub use lock::{LockError, OutLock, LOCK_FILE};
pub use manifest::{Manifest, MANIFEST_FILE};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One file to put in the out folder, by its path relative to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What a run does to the out folder, file by file (relative paths).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub write: Vec<String>,
    pub unchanged: Vec<String>,
    pub remove: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: error: exists but was not written by feedsmith (not in {MANIFEST_FILE}); move it away or choose another --out")]
    Foreign(PathBuf),
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

/// Compare `files` with the out folder and its manifest. Fails, before
/// anything is written, when a file to write is a foreign file.
pub fn plan(out_dir: &Path, files: &[OutputFile]) -> Result<Plan, WriteError> {
    let manifest = Manifest::read(out_dir).map_err(WriteError::Manifest)?;
    let mut plan = Plan::default();
    for file in files {
        let path = out_dir.join(&file.path);
        let exists = path.symlink_metadata().is_ok();
        if atomic::same_contents(&path, &file.bytes).map_err(io_error(&path))? {
            plan.unchanged.push(file.path.clone());
        } else if exists && !manifest.files.contains(&file.path) {
            return Err(WriteError::Foreign(path));
        } else {
            plan.write.push(file.path.clone());
        }
    }
    let new: BTreeSet<&String> = files.iter().map(|f| &f.path).collect();
    plan.remove = manifest
        .files
        .iter()
        .filter(|old| !new.contains(old) && out_dir.join(old).is_file())
        .cloned()
        .collect();
    Ok(plan)
}

/// Carry out `plan`: write the changed files, remove the stale ones, and
/// keep the manifest a superset of what is on disk at every moment, so a
/// run killed anywhere leaves nothing unaccounted for.
pub fn apply(out_dir: &Path, files: &[OutputFile], plan: &Plan) -> Result<(), WriteError> {
    remove_leftover_temps(out_dir, files);
    let old = Manifest::read(out_dir).map_err(WriteError::Manifest)?;
    let manifest_path = out_dir.join(MANIFEST_FILE);
    let all: Vec<String> = old
        .files
        .iter()
        .cloned()
        .chain(files.iter().map(|f| f.path.clone()))
        .collect();
    write_if_changed(&manifest_path, &Manifest::new(all).to_bytes())
        .map_err(io_error(&manifest_path))?;

    let to_write: BTreeSet<&String> = plan.write.iter().collect();
    let writes: Vec<&OutputFile> = files
        .iter()
        .filter(|f| to_write.contains(&f.path))
        .collect();
    write_all_atomic(out_dir, &writes)?;
    for stale in &plan.remove {
        let path = out_dir.join(stale);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path)(e)),
        }
        remove_empty_parents(out_dir, &path);
    }
    let current = Manifest::new(files.iter().map(|f| f.path.clone()));
    write_if_changed(&manifest_path, &current.to_bytes()).map_err(io_error(&manifest_path))?;
    Ok(())
}

/// Write each file atomically, many at a time: most of a durable write is
/// waiting for the disk, and those waits overlap (32 writers took the
/// writes of a fresh 127-file build from about 85 ms with 8 to 63 ms,
/// medians of 10). The first error (in file order) is returned; every file
/// is either old or new, whatever happens.
fn write_all_atomic(out_dir: &Path, files: &[&OutputFile]) -> Result<(), WriteError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const WRITERS: usize = 32;
    let next = AtomicUsize::new(0);
    let mut errors: Vec<(usize, WriteError)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WRITERS.min(files.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut errors = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        let path = out_dir.join(&file.path);
                        if let Err(e) = write_atomic(&path, &file.bytes) {
                            errors.push((i, io_error(&path)(e)));
                        }
                    }
                    errors
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    errors.sort_by_key(|(i, _)| *i);
    match errors.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Remove temporary files left by a killed run, in every folder we write to.
fn remove_leftover_temps(out_dir: &Path, files: &[OutputFile]) {
    let mut dirs: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| out_dir.join(&f.path).parent().map(Path::to_path_buf))
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
        }
    }

    #[test]
    fn plans_writes_unchanged_and_removals() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = [file("rss.xml", "a"), file("topics/x/rss.xml", "x")];
        let p = plan(out, &first).unwrap();
        assert_eq!(p.write, ["rss.xml", "topics/x/rss.xml"]);
        apply(out, &first, &p).unwrap();

        let second = [file("rss.xml", "b"), file("topics/y/rss.xml", "y")];
        let p = plan(out, &second).unwrap();
        assert_eq!((p.write.len(), p.unchanged.len()), (2, 0));
        assert_eq!(p.remove, ["topics/x/rss.xml"]);
        apply(out, &second, &p).unwrap();
        assert!(!out.join("topics/x").exists(), "empty topic folder removed");
        assert_eq!(std::fs::read(out.join("rss.xml")).unwrap(), b"b");
        assert_eq!(Manifest::read(out).unwrap().files.len(), 2);

        let p = plan(out, &second).unwrap();
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
        let err = plan(out, &[file("rss.xml", "feed")]).unwrap_err();
        assert!(matches!(err, WriteError::Foreign(_)), "{err}");
        // A foreign file that already holds the right bytes is adopted.
        let p = plan(out, &[file("rss.xml", "mine")]).unwrap();
        assert_eq!(p.unchanged, ["rss.xml"]);
        apply(out, &[file("rss.xml", "mine")], &p).unwrap();
        assert!(out.join("notes.txt").exists());
    }

    #[test]
    fn removes_leftover_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".feedsmith-abc.tmp"), "half").unwrap();
        let files = [file("rss.xml", "a")];
        apply(dir.path(), &files, &plan(dir.path(), &files).unwrap()).unwrap();
        assert!(!dir.path().join(".feedsmith-abc.tmp").exists());
    }
}
