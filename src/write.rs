//! Stage 4, `write`: put rendered files in the out folder atomically, and
//! only when their bytes changed, so readers never see a half-written feed
//! and unchanged feeds keep their mtime (and so their ETag/Last-Modified).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Written,
    Unchanged,
}

/// Write `bytes` to `path` unless it already holds exactly them: into a
/// temporary file in the same folder, flushed to disk, then renamed over
/// the old file.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<WriteStatus> {
    if same_contents(path, bytes)? {
        return Ok(WriteStatus::Unchanged);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".feedsmith-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    set_readable(temp.as_file())?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(WriteStatus::Written)
}

fn same_contents(path: &Path, bytes: &[u8]) -> io::Result<bool> {
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

/// Make the rename durable; best effort, as not every platform allows it.
fn sync_dir(dir: &Path) {
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
