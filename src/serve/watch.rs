//! `serve --watch`: rebuild when the content or the config changes.
//! Events are debounced and rebuilds run one at a time. While one runs the
//! server answers from its snapshot of the files as they were; a rebuild
//! that fails (an error, or a panic, caught here) is reported, the server
//! keeps serving the last good output, and the next change tries again.

use super::files::Files;
use notify::{RecursiveMode, Watcher};
use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Quiet time after the last change before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// The rebuild to run on changes (the same code as `feedsmith build`),
/// returning its exit status.
pub type Rebuild = Box<dyn Fn() -> u8 + Send + 'static>;

/// Keeps the watch going while it lives.
pub struct WatchGuard {
    _watcher: notify::RecommendedWatcher,
}

pub fn start(paths: &[PathBuf], rebuild: Rebuild, files: Arc<Files>) -> Result<WatchGuard, String> {
    let (sender, receiver) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if !event.kind.is_access() {
                let _ = sender.send(());
            }
        }
    })
    .map_err(|e| e.to_string())?;
    for path in paths {
        if path.exists() {
            let mode = if path.is_dir() {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            watcher
                .watch(path, mode)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    std::thread::spawn(move || {
        while receiver.recv().is_ok() {
            // Wait until changes stop for a moment, then rebuild once.
            while receiver.recv_timeout(DEBOUNCE).is_ok() {}
            files.freeze(true);
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&rebuild));
            files.freeze(report(outcome));
        }
    });
    Ok(WatchGuard { _watcher: watcher })
}

/// Say how a rebuild ended; whether to keep serving the old snapshot
/// (true: files may have been written half-way) or look at the disk again.
fn report(outcome: std::thread::Result<u8>) -> bool {
    const RETRY: &str = "still serving the last good output; the next change retries";
    match outcome {
        // 0: no errors; 1: some articles skipped, everything else written.
        Ok(0 | 1) => false,
        // 2: nothing could be done and nothing was written.
        Ok(2) => {
            eprintln!("feedsmith: rebuild failed, nothing written; {RETRY}");
            false
        }
        Ok(status) => {
            eprintln!("feedsmith: rebuild failed part-way (exit status {status}); {RETRY}");
            true
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            eprintln!(
                "feedsmith: rebuild failed: {}; {RETRY}",
                message.escape_debug()
            );
            true
        }
    }
}
