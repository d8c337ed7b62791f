//! An exclusive lock on the out folder, so overlapping runs (cron) never
//! interleave their writes.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// File name of the lock inside the out folder.
pub const LOCK_FILE: &str = ".feedsmith.lock";

/// Held for as long as the value lives; the OS releases it if the process dies.
#[derive(Debug)]
pub struct OutLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{path}: cannot open lock file: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: another feedsmith run holds this lock; gave up after {seconds} s (--lock-timeout)"
    )]
    Timeout { path: PathBuf, seconds: u64 },
}

impl OutLock {
    /// Take the lock, waiting up to `timeout` for another run to finish.
    pub fn acquire(out_dir: &Path, timeout: Duration) -> Result<OutLock, LockError> {
        let path = out_dir.join(LOCK_FILE);
        let open_error = |source| LockError::Open {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(out_dir).map_err(open_error)?;
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        // Never through a symbolic link planted in its place.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Not blocking either, should a FIFO be planted there.
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let file = options.open(&path).map_err(open_error)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(OutLock { _file: file }),
                Err(TryLockError::WouldBlock) if started.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(LockError::Timeout {
                        path,
                        seconds: timeout.as_secs(),
                    })
                }
                Err(TryLockError::Error(e)) => return Err(open_error(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_waits_then_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let held = OutLock::acquire(dir.path(), Duration::from_secs(1)).unwrap();
        let err = OutLock::acquire(dir.path(), Duration::from_millis(200)).unwrap_err();
        assert!(err.to_string().contains(".feedsmith.lock"), "{err}");
        drop(held);
        OutLock::acquire(dir.path(), Duration::from_millis(200)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn never_opens_a_lock_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside-file");
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join(LOCK_FILE)).unwrap();
        assert!(OutLock::acquire(&out, Duration::from_millis(100)).is_err());
        assert!(!outside.exists(), "nothing created through the link");
    }
}
