//! The manifest: which files in the out folder feedsmith wrote, so that
//! stale ones can be removed and foreign ones are never touched.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// File name of the manifest inside the out folder.
pub const MANIFEST_FILE: &str = ".feedsmith-manifest.json";

/// A manifest larger than this is not one feedsmith wrote.
const MANIFEST_LIMIT: u64 = 1 << 30;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    /// Paths relative to the out folder, `/`-separated, sorted.
    pub files: BTreeSet<String>,
}

impl Manifest {
    pub fn new(files: impl IntoIterator<Item = String>) -> Self {
        Manifest {
            generator: format!("feedsmith {}", env!("CARGO_PKG_VERSION")),
            files: files.into_iter().collect(),
        }
    }

    /// The manifest in `out_dir`; an absent one is empty. A manifest that
    /// cannot be parsed is an error: guessing could delete foreign files.
    pub fn read(out_dir: &Path) -> Result<Manifest, String> {
        let path = out_dir.join(MANIFEST_FILE);
        // Never through a link, never a FIFO or a device, never unbounded.
        let text = match crate::load::read::read_own_file(&path, MANIFEST_LIMIT) {
            Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            Ok(None) => return Ok(Manifest::default()),
            Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a feedsmith manifest ({e}); remove it to start afresh",
                path.display()
            )
        })?;
        if let Some(bad) = manifest.files.iter().find(|f| !is_safe_relative(f)) {
            return Err(format!("{}: lists an unsafe path `{bad}`", path.display()));
        }
        Ok(manifest)
    }

    /// Deterministic bytes: sorted, pretty, newline-terminated.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// A relative path that stays inside the folder it is joined to.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_unsafe_paths() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Manifest::default());
        let m = Manifest::new(["rss.xml".to_owned(), "topics/a/atom.xml".to_owned()]);
        std::fs::write(dir.path().join(MANIFEST_FILE), m.to_bytes()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), m);
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"generator":"x","files":["../etc/passwd"]}"#,
        )
        .unwrap();
        assert!(Manifest::read(dir.path())
            .unwrap_err()
            .contains("unsafe path"));
        std::fs::write(dir.path().join(MANIFEST_FILE), "garbage").unwrap();
        assert!(Manifest::read(dir.path()).is_err());
    }
}
