//! The manifest: which files in the out folder feedsmith wrote, so that
//! stale ones can be removed and foreign ones are never touched.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// File name of the manifest inside the out folder.
pub const MANIFEST_FILE: &str = ".feedsmith-manifest.json";

/// A manifest larger than this is not one feedsmith wrote.
const MANIFEST_LIMIT: u64 = 1 << 30;

/// The manifest layout this version writes. 1 (no `version` key, written
/// up to 06cdf9c): `generator` and `files`. 2: also `version` and `feeds`,
/// the entry count of every feed file. An older manifest is read as it is
/// (its `feeds` empty) and written again as the current version by the
/// next run that writes.
pub const MANIFEST_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version; 1 when the manifest has none (an older feedsmith).
    #[serde(default = "version_one")]
    pub version: u32,
    pub generator: String,
    /// Paths relative to the out folder, `/`-separated, sorted.
    pub files: BTreeSet<String>,
    /// Feed files (a subset of `files`) with the number of entries each
    /// holds; empty in a version 1 manifest.
    #[serde(default)]
    pub feeds: BTreeMap<String, usize>,
}

fn version_one() -> u32 {
    1
}

impl Default for Manifest {
    /// What an out folder without a manifest has: nothing of feedsmith's.
    fn default() -> Self {
        Manifest {
            version: MANIFEST_VERSION,
            generator: String::new(),
            files: BTreeSet::new(),
            feeds: BTreeMap::new(),
        }
    }
}

impl Manifest {
    /// A current manifest listing `files`, the feed files among them with
    /// their entry counts (`None`: not a feed).
    pub fn new(files: impl IntoIterator<Item = (String, Option<usize>)>) -> Self {
        let mut manifest = Manifest {
            generator: format!("feedsmith {}", env!("CARGO_PKG_VERSION")),
            ..Manifest::default()
        };
        for (path, entries) in files {
            if let Some(n) = entries {
                manifest.feeds.insert(path.clone(), n);
            }
            manifest.files.insert(path);
        }
        manifest
    }

    /// The manifest in `out_dir`; an absent one is empty. A manifest that
    /// cannot be parsed is an error: guessing could delete foreign files.
    /// One written by an older feedsmith (version 1) is read as it is.
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
        if let Some(bad) = manifest
            .files
            .iter()
            .chain(manifest.feeds.keys())
            .find(|f| !is_safe_relative(f))
        {
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
        let m = Manifest::new([
            ("rss.xml".to_owned(), Some(3)),
            ("topics/a/atom.xml".to_owned(), Some(0)),
            ("index.html".to_owned(), None),
        ]);
        std::fs::write(dir.path().join(MANIFEST_FILE), m.to_bytes()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), m);
        for unsafe_manifest in [
            r#"{"generator":"x","files":["../etc/passwd"]}"#,
            r#"{"version":2,"generator":"x","files":[],"feeds":{"/etc/rss.xml":1}}"#,
        ] {
            std::fs::write(dir.path().join(MANIFEST_FILE), unsafe_manifest).unwrap();
            assert!(Manifest::read(dir.path())
                .unwrap_err()
                .contains("unsafe path"));
        }
        std::fs::write(dir.path().join(MANIFEST_FILE), "garbage").unwrap();
        assert!(Manifest::read(dir.path()).is_err());
    }

    #[test]
    fn a_version_2_manifest_has_deterministic_bytes() {
        let files = [
            ("topics/b/rss.xml".to_owned(), Some(2)),
            ("index.html".to_owned(), None),
            ("rss.xml".to_owned(), Some(5)),
        ];
        let mut reversed = files.clone();
        reversed.reverse();
        let bytes = Manifest::new(files).to_bytes();
        assert_eq!(bytes, Manifest::new(reversed).to_bytes());
        let text = String::from_utf8(bytes).unwrap();
        let expected = format!(
            "{{\n  \"version\": 2,\n  \"generator\": \"feedsmith {}\",\n  \"files\": [\n    \"index.html\",\n    \"rss.xml\",\n    \"topics/b/rss.xml\"\n  ],\n  \"feeds\": {{\n    \"rss.xml\": 5,\n    \"topics/b/rss.xml\": 2\n  }}\n}}\n",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_version_1_manifest_is_read_with_no_feed_counts() {
        let dir = tempfile::tempdir().unwrap();
        // As 1d295e9 and 06cdf9c wrote it.
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            "{\n  \"generator\": \"feedsmith 0.1.0\",\n  \"files\": [\n    \"atom.xml\",\n    \"rss.xml\"\n  ]\n}\n",
        )
        .unwrap();
        let m = Manifest::read(dir.path()).unwrap();
        assert_eq!(m.version, 1);
        assert_eq!(m.files.len(), 2);
        assert!(m.feeds.is_empty());
    }
}
