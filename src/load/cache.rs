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

/// Changed whenever the layout changes (2: stamps gained the change time;
/// 4: diagnostics gained their code; 5: articles their site path; 6: an
/// article's path is its entry's, not stored twice: ~10 MB of 47 at
/// 100,000 articles).
const MAGIC: &str = "feedsmith-cache-6";

/// Size, modification time and status-change time (ns since the epoch)
/// of a file when listed. The change time moves on `chmod` too, so a file
/// made unreadable is read again (and found unreadable) instead of being
/// taken silently from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
    pub ctime_ns: u64,
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
            ctime_ns: change_time_ns(meta)?,
        })
    }
}

#[cfg(unix)]
fn change_time_ns(meta: &std::fs::Metadata) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    let seconds = u64::try_from(meta.ctime()).ok()?;
    let nanos = u64::try_from(meta.ctime_nsec()).ok()?;
    seconds.checked_mul(1_000_000_000)?.checked_add(nanos)
}

#[cfg(not(unix))]
fn change_time_ns(_: &std::fs::Metadata) -> Option<u64> {
    Some(0)
}

/// What loading one file gave; an article itself is kept apart (see
/// [`Contents`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileKind {
    Article,
    NotArticle(String),
    Failed,
}

/// One file's cached result, with the problems it had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub stamp: Stamp,
    pub kind: FileKind,
    pub diagnostics: Vec<Diagnostic>,
}

/// A cache's contents: every file's entry in path order, and the articles
/// of the entries of kind [`FileKind::Article`], in the same order. Kept as
/// two vectors so that a run where nothing changed takes the articles as
/// they are, without moving each one again.
#[derive(Debug, Default, PartialEq)]
pub struct Contents {
    pub files: Vec<FileEntry>,
    pub articles: Vec<Article>,
}

#[derive(Deserialize)]
struct CacheFile {
    magic: String,
    version: String,
    /// The settings that change what a file parses to.
    settings: String,
    #[serde(deserialize_with = "presized")]
    files: Vec<FileEntry>,
    #[serde(deserialize_with = "presized")]
    articles: Vec<Article>,
}

/// [`CacheFile`] by reference: the layout [`encode`] writes in parts.
#[cfg(test)]
#[derive(Serialize)]
struct CacheFileRef<'a> {
    magic: &'a str,
    version: &'a str,
    settings: &'a str,
    files: &'a [FileEntryRef<'a>],
    articles: &'a [&'a Article],
}

/// [`FileEntry`] by reference.
#[derive(Serialize)]
pub struct FileEntryRef<'a> {
    pub path: &'a str,
    pub stamp: Stamp,
    pub kind: &'a FileKind,
    pub diagnostics: &'a [Diagnostic],
}

/// Decode a previous run's results; anything unusable (wrong checksum,
/// magic, version or settings; not decodable; articles not matching the
/// entries) gives empty contents.
pub fn decode(bytes: &[u8], settings: &str) -> Contents {
    let Some((body, checksum)) = bytes.split_last_chunk::<4>() else {
        return Contents::default();
    };
    if crc32fast::hash(body).to_le_bytes() != *checksum {
        return Contents::default();
    }
    match postcard::from_bytes::<CacheFile>(body) {
        Ok(file)
            if file.magic == MAGIC
                && file.version == env!("CARGO_PKG_VERSION")
                && file.settings == settings
                && file.articles.len() == article_count(&file.files) =>
        {
            let mut articles = file.articles;
            let paths = file
                .files
                .iter()
                .filter(|f| f.kind == FileKind::Article)
                .map(|f| &f.path);
            for (article, path) in articles.iter_mut().zip(paths) {
                article.path.clone_from(path);
            }
            Contents {
                files: file.files,
                articles,
            }
        }
        _ => Contents::default(),
    }
}

fn article_count(files: &[FileEntry]) -> usize {
    files.iter().filter(|f| f.kind == FileKind::Article).count()
}

/// Most vectors a cache can hold are sized at once from the encoded
/// length (serde alone grows them by doubling past 1 MiB, copying each
/// time); the cap keeps a damaged length from reserving without bound.
fn presized<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Presized<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Presized<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            const MAX_RESERVED: usize = 1 << 22;
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_RESERVED));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    deserializer.deserialize_seq(Presized(std::marker::PhantomData))
}

/// Where a file's previous result is in [`Contents`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub file: usize,
    /// Index in `Contents::articles`, for an article.
    pub article: Option<usize>,
}

/// Pair each path (sorted) with its cached entry when the file still has
/// the same stamp; `files` must be sorted by path too.
pub fn match_files<'a>(
    paths: impl Iterator<Item = (&'a str, Option<Stamp>)>,
    files: &[FileEntry],
) -> Vec<Option<Hit>> {
    let mut next = 0;
    let mut articles_before = 0;
    paths
        .map(|(path, stamp)| {
            while next < files.len() && files[next].path.as_str() < path {
                articles_before += usize::from(files[next].kind == FileKind::Article);
                next += 1;
            }
            let entry = files.get(next).filter(|e| e.path == path)?;
            let is_article = entry.kind == FileKind::Article;
            let hit = Hit {
                file: next,
                article: is_article.then_some(articles_before),
            };
            articles_before += usize::from(is_article);
            next += 1;
            (Some(entry.stamp) == stamp).then_some(hit)
        })
        .collect()
}

/// Encode this run's results (`articles`: those of the entries of kind
/// article, in order), with a CRC-32 at the end to catch torn or corrupt
/// files.
///
/// The bytes are postcard's for [`CacheFileRef`], made in parts: postcard
/// writes a struct as its fields one after the other and a sequence as its
/// length then its items, none depending on another, so the items are
/// encoded many at a time and joined in order (the encoding was a tenth of
/// a fresh 100,000-article build, on one core).
pub fn encode(settings: &str, files: &[FileEntryRef], articles: &[&Article]) -> Vec<u8> {
    let head = CacheHead {
        magic: MAGIC,
        version: env!("CARGO_PKG_VERSION"),
        settings,
    };
    // About 480 bytes an article file (the 100,000-article benchmark
    // corpus): one allocation, not a last doubling that copies it all.
    let capacity = 64 + files.len() * 512;
    // As ever, an encoding error leaves a cache no run accepts.
    let mut bytes = encode_parts(&head, files, articles, capacity).unwrap_or_default();
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    bytes
}

fn encode_parts(
    head: &CacheHead,
    files: &[FileEntryRef],
    articles: &[&Article],
    capacity: usize,
) -> postcard::Result<Vec<u8>> {
    let bytes = postcard::to_extend(head, Vec::with_capacity(capacity))?;
    let bytes = append_sequence(bytes, files)?;
    append_sequence(bytes, articles)
}

/// The fields of [`CacheFileRef`] before its sequences.
#[derive(Serialize)]
struct CacheHead<'a> {
    magic: &'a str,
    version: &'a str,
    settings: &'a str,
}

/// `items` after `bytes` as postcard writes a sequence: its length, then
/// each item; the items encoded in parallel, in chunks, joined in order.
fn append_sequence<T: Serialize + Sync>(bytes: Vec<u8>, items: &[T]) -> postcard::Result<Vec<u8>> {
    use rayon::prelude::*;
    const CHUNK: usize = 2048;
    let mut bytes = postcard::to_extend(&items.len(), bytes)?;
    let parts: Vec<Vec<u8>> = items
        .par_chunks(CHUNK)
        .map(|chunk| {
            chunk
                .iter()
                .try_fold(Vec::with_capacity(chunk.len() * 512), |part, item| {
                    postcard::to_extend(item, part)
                })
        })
        .collect::<postcard::Result<_>>()?;
    for part in parts {
        bytes.extend_from_slice(&part);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, size: u64, kind: FileKind) -> FileEntry {
        FileEntry {
            path: path.into(),
            stamp: Stamp {
                size,
                mtime_ns: 7,
                ctime_ns: 8,
            },
            kind,
            diagnostics: vec![Diagnostic::warning(
                crate::diagnostic::Code::DuplicateLink,
                path,
                "w",
            )],
        }
    }

    fn article(path: &str) -> Article {
        crate::testing::article(path, "https://x/a", chrono::DateTime::UNIX_EPOCH)
    }

    fn refs(files: &[FileEntry]) -> Vec<FileEntryRef<'_>> {
        files
            .iter()
            .map(|e| FileEntryRef {
                path: &e.path,
                stamp: e.stamp,
                kind: &e.kind,
                diagnostics: &e.diagnostics,
            })
            .collect()
    }

    fn encode_owned(settings: &str, contents: &Contents) -> Vec<u8> {
        let files = refs(&contents.files);
        let articles: Vec<&Article> = contents.articles.iter().collect();
        encode(settings, &files, &articles)
    }

    fn sample() -> Contents {
        Contents {
            files: vec![
                entry("a.md", 1, FileKind::Article),
                entry("b.md", 2, FileKind::NotArticle("no front matter".into())),
                entry("c.md", 3, FileKind::Article),
                entry("d.md", 4, FileKind::Failed),
            ],
            articles: vec![article("a.md"), article("c.md")],
        }
    }

    #[test]
    fn round_trips_and_matches_by_path_and_stamp() {
        let contents = sample();
        let decoded = decode(&encode_owned("s", &contents), "s");
        assert_eq!(decoded, contents);
        let stamp = |size| {
            Some(Stamp {
                size,
                mtime_ns: 7,
                ctime_ns: 8,
            })
        };
        let paths = [
            ("a.md", stamp(1)),
            ("b.md", stamp(9)),
            ("bb.md", stamp(1)),
            ("c.md", stamp(3)),
            ("e.md", None),
        ];
        let hits = match_files(paths.into_iter(), &decoded.files);
        let hit = |file, article| Some(Hit { file, article });
        assert_eq!(hits, [hit(0, Some(0)), None, None, hit(2, Some(1)), None]);
    }

    #[test]
    fn encoding_in_parts_gives_postcards_bytes_for_the_whole() {
        let files: Vec<FileEntry> = (0..5000)
            .map(|i| entry(&format!("{i:06}.md"), i, FileKind::Article))
            .collect();
        let articles: Vec<Article> = (0..4999).map(|i| article(&format!("{i:06}.md"))).collect();
        let file_refs = refs(&files);
        let article_refs: Vec<&Article> = articles.iter().collect();
        for count in [0, 1, 2047, 2048, 2049, 4999] {
            let whole = CacheFileRef {
                magic: MAGIC,
                version: env!("CARGO_PKG_VERSION"),
                settings: "s",
                files: &file_refs[..count],
                articles: &article_refs[..count],
            };
            let mut expected = postcard::to_stdvec(&whole).unwrap();
            expected.extend_from_slice(&crc32fast::hash(&expected).to_le_bytes());
            assert_eq!(
                encode("s", &file_refs[..count], &article_refs[..count]),
                expected,
                "{count} entries"
            );
        }
    }

    #[test]
    fn many_entries_round_trip() {
        let contents = Contents {
            files: (0..5000)
                .map(|i| entry(&format!("{i:06}.md"), i, FileKind::Article))
                .collect(),
            articles: (0..5000).map(|i| article(&format!("{i:06}.md"))).collect(),
        };
        assert_eq!(decode(&encode_owned("s", &contents), "s"), contents);
    }

    /// The head every cache layout so far starts with.
    #[derive(Deserialize)]
    struct Head {
        magic: String,
        version: String,
        settings: String,
    }

    fn fixture_cache(commit: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/upgrade/{commit}/plain/.feedsmith-cache",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_cache_of_an_older_layout_is_ignored_even_under_its_own_settings() {
        // Written by 1d295e9: magic `feedsmith-cache`, stamps without the
        // change time. Its own settings and version match today's: only the
        // magic tells it apart, and decoding it must not mistake the layout.
        let bytes = fixture_cache("1d295e9");
        let (body, _) = bytes.split_last_chunk::<4>().unwrap();
        let head: Head = postcard::from_bytes(body).unwrap();
        assert_eq!(head.magic, "feedsmith-cache");
        assert_eq!(head.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(decode(&bytes, &head.settings), Contents::default());
        // The same file with today's magic (checksum fixed) is still not
        // taken: the layout differs, so it does not decode.
        let mut relabelled = Vec::new();
        relabelled.extend(postcard::to_stdvec(MAGIC).unwrap());
        let old_magic_len = postcard::to_stdvec("feedsmith-cache").unwrap().len();
        relabelled.extend(&body[old_magic_len..]);
        let checksum = crc32fast::hash(&relabelled);
        relabelled.extend(checksum.to_le_bytes());
        assert_eq!(decode(&relabelled, &head.settings), Contents::default());
    }

    #[test]
    fn a_cache_with_the_current_magic_decodes_and_any_other_is_ignored() {
        // Written by 06cdf9c. While MAGIC is the same, it is a cache of
        // today's layout; once the layout (and so MAGIC) changes, it is
        // ignored like any other.
        let bytes = fixture_cache("06cdf9c");
        let (body, _) = bytes.split_last_chunk::<4>().unwrap();
        let head: Head = postcard::from_bytes(body).unwrap();
        let decoded = decode(&bytes, &head.settings);
        assert_eq!(decoded.files.is_empty(), head.magic != MAGIC);
        if head.magic == MAGIC {
            assert_eq!(decoded.articles.len(), 5);
        }
    }

    #[test]
    fn ignores_foreign_corrupt_truncated_or_other_settings() {
        let bytes = encode_owned("s", &sample());
        assert_eq!(decode(&bytes, "s").files.len(), 4);
        assert_eq!(decode(&bytes, "other settings"), Contents::default());
        assert_eq!(decode(&bytes[..bytes.len() / 2], "s"), Contents::default());
        assert_eq!(decode(b"not a cache at all", "s"), Contents::default());
        assert_eq!(decode(&[], "s"), Contents::default());
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x40;
            assert_eq!(
                decode(&flipped, "s"),
                Contents::default(),
                "flipped byte {i}"
            );
        }
        // Articles that do not match the entries: not trusted.
        let mut mismatched = sample();
        mismatched.articles.pop();
        assert_eq!(
            decode(&encode_owned("s", &mismatched), "s"),
            Contents::default()
        );
    }
}
