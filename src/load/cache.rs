//! The incremental cache: what an earlier run made of each file, keyed by
//! path, size and modification time, so a rerun parses only what changed.
//!
//! Stored in the out folder (`.feedsmith-cache`, postcard-encoded). A cache
//! that is missing, truncated, corrupt, foreign, from another feedsmith
//! version or made under other settings is ignored and rebuilt: it can make
//! a run faster, never different, and never make it fail.

use crate::diagnostic::Diagnostic;
use crate::model::Article;
use serde::{Deserialize, Serialize};

const MAGIC: &str = "feedsmith-cache";

/// Size and modification time (ns since the epoch) of a file when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(Stamp {
            size: meta.len(),
            mtime_ns: u64::try_from(mtime.as_nanos()).ok()?,
        })
    }
}

/// What loading one file gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cached {
    Article(Box<Article>),
    NotArticle(String),
    Failed,
}

/// One file's cached result, with the problems it had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub stamp: Stamp,
    pub outcome: Cached,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    magic: String,
    version: String,
    /// The settings that change what a file parses to.
    settings: String,
    entries: Vec<Entry>,
}

/// Decode a previous run's results, in path order; anything unusable
/// (wrong checksum, magic, version or settings; not decodable) gives none.
pub fn decode(bytes: &[u8], settings: &str) -> Vec<Entry> {
    let Some((body, checksum)) = bytes.split_last_chunk::<4>() else {
        return Vec::new();
    };
    if crc32fast::hash(body).to_le_bytes() != *checksum {
        return Vec::new();
    }
    match postcard::from_bytes::<CacheFile>(body) {
        Ok(file)
            if file.magic == MAGIC
                && file.version == env!("CARGO_PKG_VERSION")
                && file.settings == settings =>
        {
            file.entries
        }
        _ => Vec::new(),
    }
}

/// Pair each path (sorted) with its cached entry when the file still has
/// the same stamp; `entries` must be sorted by path too. Entries are moved,
/// not copied.
pub fn match_entries<'a>(
    paths: impl Iterator<Item = (&'a str, Option<Stamp>)>,
    entries: Vec<Entry>,
) -> Vec<Option<Entry>> {
    let mut cached = entries.into_iter().peekable();
    paths
        .map(|(path, stamp)| {
            while cached.next_if(|e| e.path.as_str() < path).is_some() {}
            cached
                .next_if(|e| e.path == path)
                .filter(|e| Some(e.stamp) == stamp)
        })
        .collect()
}

/// One file's result as this run holds it, for encoding without copies.
#[derive(Serialize)]
pub struct EntryRef<'a> {
    pub path: &'a str,
    pub stamp: Stamp,
    pub outcome: &'a Cached,
    pub diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct CacheFileRef<'a> {
    magic: &'a str,
    version: &'a str,
    settings: &'a str,
    entries: &'a [EntryRef<'a>],
}

/// Encode this run's results (the owned form decodes from the same
/// bytes), with a CRC-32 at the end to catch torn or corrupt files.
pub fn encode(settings: &str, entries: &[EntryRef]) -> Vec<u8> {
    let file = CacheFileRef {
        magic: MAGIC,
        version: env!("CARGO_PKG_VERSION"),
        settings,
        entries,
    };
    let mut bytes = postcard::to_stdvec(&file).unwrap_or_default();
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, size: u64) -> Entry {
        Entry {
            path: path.into(),
            stamp: Stamp { size, mtime_ns: 7 },
            outcome: Cached::NotArticle("no front matter".into()),
            diagnostics: vec![Diagnostic::warning(path, "w")],
        }
    }

    fn encode_owned(settings: &str, entries: &[Entry]) -> Vec<u8> {
        let refs: Vec<EntryRef> = entries
            .iter()
            .map(|e| EntryRef {
                path: &e.path,
                stamp: e.stamp,
                outcome: &e.outcome,
                diagnostics: &e.diagnostics,
            })
            .collect();
        encode(settings, &refs)
    }

    #[test]
    fn round_trips_and_matches_by_path_and_stamp() {
        let bytes = encode_owned("s", &[entry("a.md", 1), entry("b.md", 2), entry("c.md", 3)]);
        let entries = decode(&bytes, "s");
        assert_eq!(entries.len(), 3);
        let stamp = |size| Some(Stamp { size, mtime_ns: 7 });
        let paths = [
            ("a.md", stamp(1)),
            ("b.md", stamp(9)),
            ("bb.md", stamp(1)),
            ("c.md", stamp(3)),
            ("d.md", None),
        ];
        let matched = match_entries(paths.into_iter(), entries);
        let hits: Vec<Option<&str>> = matched
            .iter()
            .map(|m| m.as_ref().map(|e| e.path.as_str()))
            .collect();
        assert_eq!(hits, [Some("a.md"), None, None, Some("c.md"), None]);
    }

    #[test]
    fn ignores_foreign_corrupt_truncated_or_other_settings() {
        let bytes = encode_owned("s", &[entry("a.md", 1)]);
        assert_eq!(decode(&bytes, "s").len(), 1);
        assert!(decode(&bytes, "other settings").is_empty());
        assert!(decode(&bytes[..bytes.len() / 2], "s").is_empty());
        assert!(decode(b"not a cache at all", "s").is_empty());
        assert!(decode(&[], "s").is_empty());
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x40;
            assert!(decode(&flipped, "s").is_empty(), "flipped byte {i}");
        }
    }
}
