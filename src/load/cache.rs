//! The incremental cache: what an earlier run made of each file, keyed by
//! path, size and modification time, so a rerun parses only what changed.
//!
//! Stored in the out folder (`.feedsmith-cache`, postcard-encoded). A cache
//! that is missing, truncated, corrupt, foreign, from another feedsmith
//! version or made under other settings is ignored and rebuilt: it can make
//! a run faster, never different, and never make it fail.

use crate::diagnostic::Diagnostic;
use crate::model::Article;
use rayon::prelude::*;
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

/// The file: a header, then the entries in shards of [`SHARD_ENTRIES`],
/// each encoded on its own so that shards encode and decode in parallel.
#[derive(Serialize, Deserialize)]
struct CacheFile<'a> {
    magic: &'a str,
    version: &'a str,
    /// The settings that change what a file parses to.
    settings: &'a str,
    #[serde(borrow)]
    shards: Vec<&'a [u8]>,
}

/// Entries per shard: enough to keep threads busy, few enough that a
/// shard's vector is sized at once when decoded.
const SHARD_ENTRIES: usize = 2048;

/// Decode a previous run's results, in path order; anything unusable
/// (wrong checksum, magic, version or settings; not decodable) gives none.
pub fn decode(bytes: &[u8], settings: &str) -> Vec<Entry> {
    let Some((body, checksum)) = bytes.split_last_chunk::<4>() else {
        return Vec::new();
    };
    if crc32fast::hash(body).to_le_bytes() != *checksum {
        return Vec::new();
    }
    let file = match postcard::from_bytes::<CacheFile>(body) {
        Ok(file)
            if file.magic == MAGIC
                && file.version == env!("CARGO_PKG_VERSION")
                && file.settings == settings =>
        {
            file
        }
        _ => return Vec::new(),
    };
    let mut entries = Vec::with_capacity(file.shards.len() * SHARD_ENTRIES);
    for shard in file.shards {
        match postcard::from_bytes::<Vec<Entry>>(shard) {
            Ok(decoded) => entries.extend(decoded),
            Err(_) => return Vec::new(),
        }
    }
    entries
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
    pub outcome: OutcomeRef<'a>,
    pub diagnostics: &'a [Diagnostic],
}

/// [`Cached`] by reference; same variants in the same order, so it encodes
/// to the same bytes.
#[derive(Serialize)]
pub enum OutcomeRef<'a> {
    Article(&'a Article),
    NotArticle(&'a str),
    Failed,
}

impl<'a> From<&'a Cached> for OutcomeRef<'a> {
    fn from(cached: &'a Cached) -> Self {
        match cached {
            Cached::Article(article) => OutcomeRef::Article(article),
            Cached::NotArticle(why) => OutcomeRef::NotArticle(why),
            Cached::Failed => OutcomeRef::Failed,
        }
    }
}

/// Encode this run's results (the owned form decodes from the same
/// bytes), with a CRC-32 at the end to catch torn or corrupt files.
pub fn encode(settings: &str, entries: &[EntryRef]) -> Vec<u8> {
    let shards: Vec<Vec<u8>> = entries
        .par_chunks(SHARD_ENTRIES)
        .map(|chunk| {
            // About 220 bytes an entry: one allocation, not a dozen doublings.
            let capacity = chunk.len() * 256;
            postcard::to_extend(chunk, Vec::with_capacity(capacity)).unwrap_or_default()
        })
        .collect();
    let file = CacheFile {
        magic: MAGIC,
        version: env!("CARGO_PKG_VERSION"),
        settings,
        shards: shards.iter().map(Vec::as_slice).collect(),
    };
    let capacity = 64 + settings.len() + shards.iter().map(|s| s.len() + 4).sum::<usize>();
    let mut bytes = postcard::to_extend(&file, Vec::with_capacity(capacity)).unwrap_or_default();
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
                outcome: OutcomeRef::from(&e.outcome),
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
    fn many_entries_round_trip_across_shards() {
        let entries: Vec<Entry> = (0..SHARD_ENTRIES * 2 + 5)
            .map(|i| entry(&format!("{i:06}.md"), i as u64))
            .collect();
        assert_eq!(decode(&encode_owned("s", &entries), "s"), entries);
    }

    #[test]
    fn every_outcome_round_trips() {
        let article = Article::bare("a.md", "https://x/a", chrono::DateTime::UNIX_EPOCH);
        let mut entries = vec![entry("a.md", 1), entry("b.md", 2), entry("c.md", 3)];
        entries[0].outcome = Cached::Article(Box::new(article));
        entries[2].outcome = Cached::Failed;
        let decoded = decode(&encode_owned("s", &entries), "s");
        assert_eq!(decoded, entries);
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
