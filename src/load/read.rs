//! The one way feedsmith reads a file below the content folder, for
//! articles and taxonomy files alike: a regular file only (checked on the
//! opened handle, so a FIFO, a device or a socket put in place after the
//! walk is refused, never waited on), at most `limit` bytes, and a symbolic
//! link only when its target is inside the content folder.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Deleted between the walk and the read (content being edited).
    Vanished,
    Other(String),
}

impl ReadError {
    pub fn message(&self) -> String {
        match self {
            ReadError::Vanished => "file vanished during the run".into(),
            ReadError::Other(message) => message.clone(),
        }
    }
}

/// Open `path` for reading without blocking (a FIFO opens at once) and
/// without following a symbolic link in its last component.
fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY);
    }
    options.open(path)
}

fn is_symlink_refusal(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Open the file at `path`, below the canonical content folder `root`. A
/// symbolic link is followed only to a target inside `root`, and then the
/// target itself (a path without links) is opened.
fn open_inside(root: &Path, path: &Path) -> Result<File, ReadError> {
    let cannot_read = |e: io::Error| ReadError::Other(format!("cannot read file: {e}"));
    match open_no_follow(path) {
        Ok(file) => Ok(file),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ReadError::Vanished),
        Err(e) if is_symlink_refusal(&e) => {
            let target = match std::fs::canonicalize(path) {
                Ok(target) => target,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(ReadError::Other("broken symbolic link; skipped".into()))
                }
                Err(e) => return Err(cannot_read(e)),
            };
            if !target.starts_with(root) {
                return Err(outside());
            }
            match open_no_follow(&target) {
                Ok(file) => Ok(file),
                Err(e) if is_symlink_refusal(&e) => Err(outside()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ReadError::Vanished),
                Err(e) => Err(cannot_read(e)),
            }
        }
        Err(e) => Err(cannot_read(e)),
    }
}

fn outside() -> ReadError {
    ReadError::Other("symbolic link to something outside the content folder; not followed".into())
}

/// Read a whole file below the canonical content folder `root`, refusing
/// anything but a regular file and files over `limit` bytes before reading
/// them. `known_size` is the size the walk just saw (over the limit: refused
/// without opening); a file that grew since is still cut off at the limit.
pub fn read_limited(
    root: &Path,
    path: &Path,
    limit: u64,
    known_size: Option<u64>,
) -> Result<Vec<u8>, ReadError> {
    read_limited_stamped(root, path, limit, known_size).map(|(bytes, _)| bytes)
}

/// [`read_limited`], with the file's stamp as the opened handle had it
/// before the read (the cache key, for a file the walk did not stat).
pub fn read_limited_stamped(
    root: &Path,
    path: &Path,
    limit: u64,
    known_size: Option<u64>,
) -> Result<(Vec<u8>, Option<super::cache::Stamp>), ReadError> {
    let cannot_read = |e: io::Error| ReadError::Other(format!("cannot read file: {e}"));
    let too_big = || {
        ReadError::Other(format!(
            "file is over the limit of {limit} bytes (config `max_file_size`); skipped"
        ))
    };
    if known_size.is_some_and(|size| size > limit) {
        return Err(too_big());
    }
    let file = open_inside(root, path)?;
    // Checked on the handle: what was opened is what is read.
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(ReadError::Other(
            "not a regular file (a FIFO, device, socket or folder); skipped".into(),
        ));
    }
    if meta.len() > limit {
        return Err(too_big());
    }
    let capacity = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    // Read at most one byte past the limit, in case the file grows meanwhile.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok((bytes, super::cache::Stamp::of(&meta)))
}

/// Whether `path` exists but cannot be opened (permission denied, an I/O
/// error): such a path is unreadable this run, unlike a file refused for
/// what it is. Asked only about files that failed, so rarely.
pub fn is_unreadable(root: &Path, path: &Path) -> bool {
    match open_no_follow(path) {
        Ok(_) => false,
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) if is_symlink_refusal(&e) => match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(root) => {
                open_no_follow(&target).is_err_and(|e| e.kind() != io::ErrorKind::NotFound)
            }
            _ => false,
        },
        Err(_) => true,
    }
}

/// Read one of feedsmith's own files in the out folder (the cache, the
/// manifest, a feed): never through a symbolic link, a regular file only,
/// at most `limit` bytes. `Ok(None)` when it does not exist.
pub fn read_own_file(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let file = match open_no_follow(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if is_symlink_refusal(&e) => {
            return Err("is a symbolic link; not followed".into());
        }
        Err(e) => return Err(e.to_string()),
    };
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    Ok(Some(bytes))
}

/// The canonical form of a content folder, for [`read_limited`].
pub fn canonical_root(content_dir: &Path) -> io::Result<PathBuf> {
    std::fs::canonicalize(content_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_by_known_or_actual_size() {
        let dir = tempfile::tempdir().unwrap();
        let root = canonical_root(dir.path()).unwrap();
        let path = root.join("big.md");
        std::fs::write(&path, "x".repeat(2000)).unwrap();
        // Known size over the limit: refused without reading.
        assert!(matches!(
            read_limited(&root, &path, 1024, Some(2000)),
            Err(ReadError::Other(_))
        ));
        // Grown past the limit since the walk saw it small: still refused.
        assert!(matches!(
            read_limited(&root, &path, 1024, Some(10)),
            Err(ReadError::Other(_))
        ));
        assert!(matches!(
            read_limited(&root, &path, 1024, None),
            Err(ReadError::Other(_))
        ));
        assert_eq!(
            read_limited(&root, &path, 4096, Some(2000))
                .ok()
                .map(|b| b.len()),
            Some(2000)
        );
        // The largest limit does not overflow.
        assert_eq!(
            read_limited(&root, &path, u64::MAX, None)
                .ok()
                .map(|b| b.len()),
            Some(2000)
        );
    }

    #[cfg(unix)]
    #[test]
    fn follows_links_only_inside_and_reads_only_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let base = canonical_root(dir.path()).unwrap();
        let root = base.join("content");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(base.join("secret.txt"), "outside").unwrap();
        std::fs::write(root.join("sub/real.md"), "inside").unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), root.join("out.md")).unwrap();
        std::os::unix::fs::symlink(root.join("sub/real.md"), root.join("in.md")).unwrap();
        std::os::unix::fs::symlink(root.join("nothing"), root.join("broken.md")).unwrap();
        let read = |name: &str| read_limited(&root, &root.join(name), 1024, None);
        assert_eq!(read("in.md").unwrap(), b"inside");
        assert!(read("out.md").unwrap_err().message().contains("outside"));
        assert!(read("broken.md").unwrap_err().message().contains("broken"));
        assert!(matches!(read("gone.md"), Err(ReadError::Vanished)));
        assert!(read("sub").unwrap_err().message().contains("not a regular"));
        let fifo = root.join("fifo.md");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // Refused at once, not waited on.
        assert!(read("fifo.md")
            .unwrap_err()
            .message()
            .contains("not a regular"));
        assert!(!is_unreadable(&root, &root.join("sub/real.md")));
        // Feedsmith's own files: no link at all, no FIFO, capped.
        assert_eq!(read_own_file(&root.join("gone"), 10), Ok(None));
        assert!(read_own_file(&root.join("in.md"), 10).is_err());
        assert!(read_own_file(&fifo, 10).is_err());
        assert!(read_own_file(&root.join("sub/real.md"), 3).is_err());
        assert_eq!(
            read_own_file(&root.join("sub/real.md"), 10),
            Ok(Some(b"inside".to_vec()))
        );
        assert!(!is_unreadable(&root, &root.join("gone.md")));
    }
}
