//! The out folder as `serve` sees it: an in-memory snapshot of the files
//! it has served, each version holding its bytes and its validators
//! together, keyed by the file's (device, inode, size, mtime).
//!
//! A request costs one `lstat` per file it uses: when the key on disk is
//! the snapshot's, the snapshot's bytes are sent; otherwise the file is
//! opened again, one path component at a time with `O_NOFOLLOW` from the
//! out folder (so no symlink is ever followed, whatever the name: an
//! appended `index.html`, a `.gz` twin), and its bytes, ETag and
//! Last-Modified are taken from that one open handle.

use bytes::Bytes;
use hyper::header::HeaderValue;
use rustc_hash::FxHashMap;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, SystemTime};

/// Files up to this size are held in memory; larger ones are streamed from
/// the open handle (validators from that handle's `fstat`).
pub const MEMORY_FILE_MAX: u64 = 16 << 20;
/// The snapshot holds at most this many bytes of files (plus their
/// on-the-fly gzip); beyond it, it starts again from empty.
pub const SNAPSHOT_BUDGET: u64 = 256 << 20;
/// Files below this size are not compressed on the fly.
const GZIP_MIN: usize = 256;

/// What identifies one version of a file on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKey {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl FileKey {
    fn of(meta: &std::fs::Metadata) -> FileKey {
        FileKey {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        }
    }
}

/// One version of one file: its content and the validators of exactly
/// that content.
pub struct Version {
    key: FileKey,
    pub content: Content,
    /// Strong ETag: a hash of the bytes (in memory) or `W/"size-mtime-inode"`
    /// of the open handle (streamed).
    pub etag: HeaderValue,
    pub last_modified: HeaderValue,
    /// Seconds since the epoch, for `If-Modified-Since`.
    pub modified: u64,
    /// The gzip of `content`, made on the first request that wants it.
    gzip: OnceLock<Option<Gzipped>>,
}

pub enum Content {
    Memory(Bytes),
    /// Too large to hold: the open handle, `size` bytes long.
    Stream(File),
}

impl Version {
    pub fn len(&self) -> u64 {
        self.key.size
    }
}

/// A body compressed on the fly, with its own ETag.
pub struct Gzipped {
    pub body: Bytes,
    pub etag: HeaderValue,
}

/// The answer of a look-up.
pub enum Lookup {
    File(Arc<Version>),
    Dir,
    Missing,
    /// Out of file descriptors or memory: try again later (503).
    Busy,
}

/// A look-up that needs to open or read a file, which the caller does off
/// the async worker threads.
#[derive(Debug)]
pub struct NeedsIo;

pub struct Files {
    root: PathBuf,
    snapshot: RwLock<Snapshot>,
    /// While a `--watch` rebuild runs (or after one that failed half-way),
    /// serve the snapshot as it is, without looking at the disk.
    frozen: AtomicBool,
}

#[derive(Default)]
struct Snapshot {
    versions: FxHashMap<String, Arc<Version>>,
    bytes: u64,
}

impl Files {
    /// `root` must be canonical (no symlink in it).
    pub fn new(root: PathBuf) -> Files {
        Files {
            root,
            snapshot: RwLock::default(),
            frozen: AtomicBool::new(false),
        }
    }

    pub fn freeze(&self, frozen: bool) {
        self.frozen.store(frozen, Ordering::SeqCst);
    }

    /// The current version of `rel` (a relative path of checked segments,
    /// `""` for the out folder itself). Without `may_load`, answers only
    /// what needs no more than an `lstat`.
    pub fn get(&self, rel: &str, may_load: bool) -> Result<Lookup, NeedsIo> {
        if rel.is_empty() {
            return Ok(Lookup::Dir);
        }
        let cached = self.read().versions.get(rel).cloned();
        if let (Some(version), true) = (&cached, self.frozen.load(Ordering::Relaxed)) {
            return Ok(Lookup::File(Arc::clone(version)));
        }
        match (cached, std::fs::symlink_metadata(self.root.join(rel))) {
            (Some(version), Ok(meta)) if FileKey::of(&meta) == version.key => {
                return Ok(Lookup::File(version));
            }
            (cached, Err(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                if cached.is_some() {
                    self.forget(rel);
                }
                return Ok(Lookup::Missing);
            }
            _ => {}
        }
        if !may_load {
            return Err(NeedsIo);
        }
        Ok(self.load(rel))
    }

    /// Open and read `rel` afresh and put it in the snapshot.
    fn load(&self, rel: &str) -> Lookup {
        let (file, meta) = match open_inside(&self.root, rel) {
            Ok(Opened::File(file, meta)) => (file, meta),
            Ok(Opened::Dir) => {
                self.forget(rel);
                return Lookup::Dir;
            }
            Ok(Opened::Missing) => {
                self.forget(rel);
                return Lookup::Missing;
            }
            Err(_) => return Lookup::Busy,
        };
        let Some(version) = read_version(file, meta) else {
            return Lookup::Busy;
        };
        let version = Arc::new(version);
        if matches!(version.content, Content::Memory(_)) {
            self.remember(rel, &version);
        }
        Lookup::File(version)
    }

    fn remember(&self, rel: &str, version: &Arc<Version>) {
        let mut snapshot = self.write();
        if let Some(old) = snapshot.versions.remove(rel) {
            snapshot.bytes -= old.len();
        }
        if snapshot.bytes + version.len() > SNAPSHOT_BUDGET {
            *snapshot = Snapshot::default();
        }
        snapshot.bytes += version.len();
        snapshot
            .versions
            .insert(rel.to_owned(), Arc::clone(version));
    }

    fn forget(&self, rel: &str) {
        let mut snapshot = self.write();
        if let Some(old) = snapshot.versions.remove(rel) {
            snapshot.bytes -= old.len();
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Snapshot> {
        self.snapshot.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Version {
    /// The gzip of an in-memory body worth compressing; without `may_load`
    /// only one already made.
    pub fn gzipped(&self, may_load: bool) -> Result<Option<&Gzipped>, NeedsIo> {
        if let Some(done) = self.gzip.get() {
            return Ok(done.as_ref());
        }
        let Content::Memory(body) = &self.content else {
            return Ok(None);
        };
        if body.len() < GZIP_MIN {
            return Ok(None);
        }
        if !may_load {
            return Err(NeedsIo);
        }
        let made = self.gzip.get_or_init(|| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut encoder, body).ok()?;
            let compressed = encoder.finish().ok()?;
            Some(Gzipped {
                body: Bytes::from(compressed),
                etag: header_value(&format!(
                    "\"{}-gzip\"",
                    String::from_utf8_lossy(self.etag.as_bytes()).trim_matches('"')
                )),
            })
        });
        Ok(made.as_ref())
    }
}

enum Opened {
    File(File, std::fs::Metadata),
    Dir,
    Missing,
}

/// Open `rel` below `root` without following any symlink: each folder with
/// `O_DIRECTORY | O_NOFOLLOW`, the file with `O_NOFOLLOW | O_NONBLOCK`
/// (a FIFO never blocks) and only after `lstat` says it is a regular file
/// or a folder. Errors are only the ones worth a 503 (out of descriptors).
fn open_inside(root: &Path, rel: &str) -> std::io::Result<Opened> {
    let folder = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut dir: OwnedFd = match rustix::fs::open(root, folder, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => return absent_or(e),
    };
    let mut segments = rel.split('/').peekable();
    while let Some(segment) = segments.next() {
        if segments.peek().is_some() {
            dir = match rustix::fs::openat(&dir, segment, folder, Mode::empty()) {
                Ok(fd) => fd,
                Err(e) => return absent_or(e),
            };
            continue;
        }
        let stat = match rustix::fs::statat(&dir, segment, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(e) => return absent_or(e),
        };
        match rustix::fs::FileType::from_raw_mode(stat.st_mode) {
            rustix::fs::FileType::RegularFile => {}
            rustix::fs::FileType::Directory => return Ok(Opened::Dir),
            _ => return Ok(Opened::Missing),
        }
        let flags =
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&dir, segment, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => return absent_or(e),
        };
        let file = File::from(fd);
        let meta = file.metadata()?;
        return Ok(if meta.is_file() {
            Opened::File(file, meta)
        } else {
            Opened::Missing
        });
    }
    Ok(Opened::Dir)
}

/// Out of descriptors or memory is an error (503); anything else means
/// there is nothing to serve there (404).
fn absent_or(e: Errno) -> std::io::Result<Opened> {
    if matches!(e, Errno::MFILE | Errno::NFILE | Errno::NOMEM) {
        Err(e.into())
    } else {
        Ok(Opened::Missing)
    }
}

/// Read the open file and take its validators from the same handle:
/// `fstat` before and after the read must agree (a file rewritten in place
/// while being read is read again), so body and validators always belong
/// to the same bytes.
fn read_version(mut file: File, mut meta: std::fs::Metadata) -> Option<Version> {
    for _attempt in 0..3 {
        let key = FileKey::of(&meta);
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if key.size > MEMORY_FILE_MAX {
            return Some(Version {
                key,
                content: Content::Stream(file),
                etag: header_value(&format!(
                    "W/\"{:x}-{:x}.{:x}-{:x}\"",
                    key.size, key.mtime, key.mtime_nsec, key.ino
                )),
                last_modified: header_value(&httpdate::fmt_http_date(modified)),
                modified: seconds(modified),
                gzip: OnceLock::new(),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(key.size).ok()?);
        let read = (&mut file).take(key.size + 1).read_to_end(&mut bytes);
        let after = file.metadata().ok()?;
        if read.is_ok() && bytes.len() as u64 == key.size && FileKey::of(&after) == key {
            let hash = Sha256::digest(&bytes);
            let etag = format!(
                "\"{}\"",
                hash[..16]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            return Some(Version {
                key,
                content: Content::Memory(Bytes::from(bytes)),
                etag: header_value(&etag),
                last_modified: header_value(&httpdate::fmt_http_date(modified)),
                modified: seconds(modified),
                gzip: OnceLock::new(),
            });
        }
        std::io::Seek::rewind(&mut file).ok()?;
        meta = after;
    }
    None
}

/// ETags and dates are ASCII by construction.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("\"\""))
}

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, Files) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("topics/a")).unwrap();
        std::fs::write(root.join("rss.xml"), "<rss/>").unwrap();
        std::fs::write(root.join("topics/a/rss.xml"), "<rss>a</rss>").unwrap();
        (dir, Files::new(root))
    }

    fn body(lookup: Lookup) -> Option<Vec<u8>> {
        match lookup {
            Lookup::File(v) => match &v.content {
                Content::Memory(b) => Some(b.to_vec()),
                Content::Stream(_) => None,
            },
            _ => None,
        }
    }

    #[test]
    fn loads_then_serves_from_memory_until_the_file_changes() {
        let (_dir, files) = folder();
        assert!(files.get("rss.xml", false).is_err(), "not loaded yet");
        assert_eq!(
            body(files.get("rss.xml", true).unwrap()).unwrap(),
            b"<rss/>"
        );
        assert_eq!(
            body(files.get("rss.xml", false).unwrap()).unwrap(),
            b"<rss/>"
        );
        // An atomic replace (new inode) is seen at once.
        std::fs::write(files.root.join("new"), "<rss>2</rss>").unwrap();
        std::fs::rename(files.root.join("new"), files.root.join("rss.xml")).unwrap();
        assert!(files.get("rss.xml", false).is_err(), "stale");
        assert_eq!(
            body(files.get("rss.xml", true).unwrap()).unwrap(),
            b"<rss>2</rss>"
        );
        // Frozen: the snapshot as it is.
        files.freeze(true);
        std::fs::remove_file(files.root.join("rss.xml")).unwrap();
        assert_eq!(
            body(files.get("rss.xml", false).unwrap()).unwrap(),
            b"<rss>2</rss>"
        );
        files.freeze(false);
        assert!(matches!(files.get("rss.xml", false), Ok(Lookup::Missing)));
    }

    #[test]
    fn never_follows_a_symlink_anywhere_in_the_path() {
        let (dir, files) = folder();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("rss.xml"), "secret").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("topics/b")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("rss.xml"), dir.path().join("atom.xml"))
            .unwrap();
        assert!(matches!(
            files.get("topics/b/rss.xml", true),
            Ok(Lookup::Missing)
        ));
        assert!(matches!(files.get("atom.xml", true), Ok(Lookup::Missing)));
        assert!(matches!(files.get("topics/a", true), Ok(Lookup::Dir)));
        assert!(matches!(files.get("", true), Ok(Lookup::Dir)));
        // A loaded file later replaced by a symlink is not served.
        assert!(body(files.get("topics/a/rss.xml", true).unwrap()).is_some());
        std::fs::remove_file(dir.path().join("topics/a/rss.xml")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("rss.xml"),
            dir.path().join("topics/a/rss.xml"),
        )
        .unwrap();
        assert!(files.get("topics/a/rss.xml", false).is_err());
        assert!(matches!(
            files.get("topics/a/rss.xml", true),
            Ok(Lookup::Missing)
        ));
    }

    #[test]
    fn a_fifo_is_missing_and_never_blocks() {
        let (dir, files) = folder();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            dir.path().join("feed.json"),
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        assert!(matches!(files.get("feed.json", true), Ok(Lookup::Missing)));
    }

    #[test]
    fn etag_is_of_the_bytes() {
        let (_dir, files) = folder();
        let Ok(Lookup::File(a)) = files.get("rss.xml", true) else {
            panic!("rss.xml")
        };
        let Ok(Lookup::File(b)) = files.get("topics/a/rss.xml", true) else {
            panic!("topics/a/rss.xml")
        };
        assert_ne!(a.etag, b.etag);
        assert!(a.etag.as_bytes().starts_with(b"\"") && a.etag.len() == 34);
    }
}
