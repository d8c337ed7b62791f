//! `serve --watch`: rebuild when the content or the config changes.
//! Events are debounced, rebuilds run one at a time, and the files are
//! replaced atomically, so the server keeps serving the old ones until the
//! new ones are in place.

use notify::{RecursiveMode, Watcher};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// Quiet time after the last change before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// The rebuild to run on changes (the same code as `feedsmith build`).
pub type Rebuild = Box<dyn Fn() + Send + 'static>;

/// Keeps the watch going while it lives.
pub struct WatchGuard {
    _watcher: notify::RecommendedWatcher,
}

pub fn start(paths: &[PathBuf], rebuild: Rebuild) -> Result<WatchGuard, String> {
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
            rebuild();
        }
    });
    Ok(WatchGuard { _watcher: watcher })
}
