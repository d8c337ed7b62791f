//! Atomic write-if-changed: a reader never sees a half-written file, and
//! an unchanged file keeps its mtime (so its ETag and Last-Modified).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

const TEMP_PREFIX: &str = ".feedsmith-";
const TEMP_SUFFIX: &str = ".tmp";

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Written,
    Unchanged,
}

/// Write `bytes` to `path` unless it already holds exactly them.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<WriteStatus> {
    if same_contents(path, bytes)? {
        return Ok(WriteStatus::Unchanged);
    }
    write_atomic(path, bytes)?;
    Ok(WriteStatus::Written)
}

/// Write `bytes` into a temporary file in the same folder, flush it to
/// disk, then rename it over `path`: readers see the old or the new file,
/// never a part, even if the process is killed or the disk fills up.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

/// Like [`write_atomic`] but without waiting for the disk: for files whose
/// loss or corruption in a crash is harmless and detected (the cache).
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, false)
}

/// `bytes` in a new temporary file beside `path` (its folder made if
/// missing), readable as a published file must be; not yet flushed.
fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let create = || {
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(parent_of(path))
    };
    // The folder is made when it is missing, not asked after for every
    // file (a `mkdir` and a `stat` each, 3,400 files in 900 folders).
    let mut temp = match create() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(parent_of(path))?;
            create()?
        }
        other => other?,
    };
    temp.write_all(bytes)?;
    set_readable(temp.as_file())?;
    Ok(temp)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let dir = parent_of(path);
    let temp = write_temp(path, bytes)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir);
    }
    Ok(())
}

/// A file written to its temporary twin, not yet renamed into place.
pub(crate) struct Staged {
    pub path: std::path::PathBuf,
    temp: tempfile::TempPath,
}

/// First step of a batch of atomic writes: `bytes` into a temporary file
/// beside `path`, not yet flushed to disk (see [`sync_staged`]). The file
/// is closed: a batch of thousands holds no descriptors.
pub(crate) fn stage(path: &Path, bytes: &[u8]) -> io::Result<Staged> {
    let temp = write_temp(path, bytes)?;
    Ok(Staged {
        path: path.to_path_buf(),
        temp: temp.into_temp_path(),
    })
}

/// The one durability barrier of a batch: every staged file's data on
/// disk before any is renamed. On Linux one `syncfs` of the file system
/// holding `out_dir` (a fresh build of 3,400 files spent most of its
/// writing time in two `fsync`s per file); elsewhere, or should `syncfs`
/// fail, each file is synced on its own and a file that cannot be synced
/// is given its error.
pub(crate) fn sync_staged(out_dir: &Path, staged: &[&Staged]) -> Vec<io::Result<()>> {
    #[cfg(target_os = "linux")]
    {
        let synced = fs::File::open(out_dir).and_then(|dir| Ok(rustix::fs::syncfs(&dir)?));
        if synced.is_ok() {
            return staged.iter().map(|_| Ok(())).collect();
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = out_dir;
    use rayon::prelude::*;
    staged
        .par_iter()
        .map(|s| fs::File::open(&s.temp).and_then(|f| f.sync_all()))
        .collect()
}

/// Make the renames of a batch durable: on Linux one more `syncfs`, else
/// (or should it fail) each folder synced, many at a time. Best effort,
/// like [`sync_dir`].
pub(crate) fn sync_dirs(out_dir: &Path, dirs: &std::collections::BTreeSet<std::path::PathBuf>) {
    if dirs.is_empty() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        if fs::File::open(out_dir).is_ok_and(|dir| rustix::fs::syncfs(&dir).is_ok()) {
            return;
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = out_dir;
    use rayon::prelude::*;
    dirs.par_iter().for_each(|dir| sync_dir(dir));
}

/// Last step: rename a staged (and synced) file over its path. The folder
/// is synced afterwards by the caller, once per folder.
pub(crate) fn commit(staged: Staged) -> io::Result<()> {
    staged.temp.persist(&staged.path).map_err(|e| e.error)
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Whether `path` is a file holding exactly `bytes`.
pub fn same_contents(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            Ok(fs::read(path)? == bytes)
        }
        Ok(meta) if meta.is_dir() => {
            Err(io::Error::other(format!("{} is a folder", path.display())))
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Temporary files are created private (0600); feeds are served, so make
/// them readable like any file the user would write.
#[cfg(unix)]
fn set_readable(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_: &fs::File) -> io::Result<()> {
    Ok(())
}

/// Temporary files of a run killed before its rename; safe to delete
/// under the lock.
pub fn is_leftover_temp(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Make the rename durable; best effort, as not every platform allows it.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_leaves_unchanged_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/feed.xml");
        assert_eq!(
            write_if_changed(&path, b"one").unwrap(),
            WriteStatus::Written
        );
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            write_if_changed(&path, b"one").unwrap(),
            WriteStatus::Unchanged
        );
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
        assert_eq!(
            write_if_changed(&path, b"two").unwrap(),
            WriteStatus::Written
        );
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        write_if_changed(&path, b"x").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
}
