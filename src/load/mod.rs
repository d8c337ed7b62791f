//! Stage 1, `load`: walk the content folder, split each file's front
//! matter, parse it into a typed [`Article`], and collect per-file problems.
//! One bad file never stops the others.

mod article;
mod cache;
mod date;
mod front_matter;
mod link;
pub mod taxonomy;
mod walk;

use crate::diagnostic::Diagnostic;
use crate::model::{Article, Body, TaxonomyTopic};
use crate::yaml;
use globset::GlobSet;
use rayon::prelude::*;
use std::path::Path;
use url::Url;

pub use date::parse as parse_date;
pub use link::resolve as resolve_link;

/// What `load` needs to know.
pub struct LoadOptions<'a> {
    pub content_dir: &'a Path,
    pub include: &'a GlobSet,
    pub exclude: &'a GlobSet,
    /// Base for site-relative URLs in front matter.
    pub site_url: Option<&'a Url>,
    /// Keep bodies (only `content: full` renders them).
    pub keep_body: bool,
    /// Files larger than this are skipped with an error.
    pub max_file_size: u64,
    /// Topics kept per article; the rest are dropped with a warning.
    pub max_topics: usize,
    pub progress: &'a dyn Progress,
}

/// Told how the load goes, e.g. to draw a progress bar on a terminal.
pub trait Progress: Sync {
    /// The walk found `files` candidate files.
    fn start(&self, files: usize);
    /// One more file was read and parsed.
    fn advance(&self);
    fn finish(&self);
}

/// No progress reporting.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: usize) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Everything `load` found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Valid articles, sorted by path.
    pub articles: Vec<Article>,
    pub taxonomy: Vec<TaxonomyTopic>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that are not articles, with why (shown by `--verbose`).
    pub passed_over: Vec<(String, String)>,
    /// Article files skipped because of an error.
    pub error_files: usize,
    /// The cache for the next run, when caching is on and it changed.
    pub cache: Option<Vec<u8>>,
    /// Files whose result came from the cache.
    pub cached_files: usize,
}

/// The content folder itself could not be read: nothing can be done.
#[derive(Debug, thiserror::Error)]
#[error("cannot read content folder {path}: {source}")]
pub struct LoadError {
    pub path: String,
    pub source: std::io::Error,
}

use cache::FileKind;

/// What loading one file gave.
enum Outcome {
    Article(Box<Article>),
    NotArticle(String),
    Failed,
}

/// Read again, in full, the articles at `indices` (those that reached a
/// feed; `load` keeps only what selection needs). An article whose file
/// changed or vanished since it was read keeps its light form, so feeds
/// stay consistent with the selection, and is reported.
pub fn hydrate(
    articles: &mut [Article],
    indices: &[usize],
    options: &LoadOptions,
) -> Vec<Diagnostic> {
    let full: Vec<(usize, Result<Article, Diagnostic>)> = indices
        .par_iter()
        .map(|&i| {
            let light = &articles[i];
            let changed = || {
                Diagnostic::warning(
                    &light.path,
                    "changed during the run; its entry shows only its title",
                )
            };
            let path = options.content_dir.join(&light.path);
            let result = match read_limited(&path, options.max_file_size, None) {
                Ok(bytes) => {
                    let mut ignored = Vec::new();
                    match parse_file(
                        &bytes,
                        &light.path,
                        &ParseOptions::of(options),
                        &mut ignored,
                    ) {
                        Outcome::Article(article)
                            if article.link == light.link
                                && article.published == light.published =>
                        {
                            Ok(*article)
                        }
                        _ => Err(changed()),
                    }
                }
                Err(_) => Err(changed()),
            };
            (i, result)
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (i, result) in full {
        match result {
            Ok(article) => articles[i] = article,
            Err(d) => diagnostics.push(d),
        }
    }
    diagnostics
}

/// What became of one file, besides the article itself.
struct FileResult {
    stamp: Option<cache::Stamp>,
    kind: FileKind,
    diagnostics: Vec<Diagnostic>,
    from_cache: bool,
}

/// The settings that change what a file parses to: a cache made under
/// other ones is not used.
fn cache_settings(options: &LoadOptions) -> String {
    format!(
        "site_url={:?};full={};max_file_size={};max_topics={}",
        options.site_url.map(Url::as_str),
        options.keep_body,
        options.max_file_size,
        options.max_topics
    )
}

/// Run the load stage. With `cache` (the previous run's, or empty when
/// there is none), files whose stamp did not change are taken from it and
/// the new cache is returned in [`Loaded::cache`] when it changed.
pub fn load(options: &LoadOptions, cache: Option<Vec<u8>>) -> Result<Loaded, LoadError> {
    crate::trace("load start");
    let filter = walk::Filter {
        include: options.include,
        exclude: options.exclude,
    };
    let found = walk::walk(options.content_dir, &filter).map_err(|source| LoadError {
        path: options.content_dir.display().to_string(),
        source,
    })?;
    crate::trace("walked");
    let mut loaded = Loaded {
        passed_over: found.passed_over,
        diagnostics: found.diagnostics,
        ..Loaded::default()
    };
    loaded.taxonomy = taxonomy::load(options.content_dir, &mut loaded.diagnostics);

    options.progress.start(found.candidates.len());
    let settings = cache_settings(options);
    let caching = cache.is_some();
    let previous = cache
        .map(|bytes| cache::decode(&bytes, &settings))
        .unwrap_or_default();
    crate::trace("cache decoded");
    let hits = cache::match_files(
        found
            .candidates
            .iter()
            .map(|c| (c.relative.as_str(), c.stamp)),
        &previous.files,
    );
    let unchanged = previous.files.len() == hits.len() && hits.iter().all(Option::is_some);
    let (results, articles) = if unchanged {
        // Every file has its previous result and none went away: take the
        // previous run's results as they are, and keep the cache.
        let results = previous
            .files
            .into_iter()
            .map(|file| FileResult {
                stamp: Some(file.stamp),
                kind: file.kind,
                diagnostics: file.diagnostics,
                from_cache: true,
            })
            .collect();
        (results, previous.articles)
    } else {
        merge_changes(options, &found.candidates, &hits, previous)
    };
    options.progress.finish();
    crate::trace("files parsed");

    if caching && !unchanged {
        // The articles of the cached entries, in order (a file without a
        // stamp is not cached, nor is its article).
        let mut in_order = articles.iter();
        let mut cached_articles: Vec<&Article> = Vec::with_capacity(articles.len());
        let mut files: Vec<cache::FileEntryRef> = Vec::with_capacity(results.len());
        for (result, candidate) in results.iter().zip(&found.candidates) {
            let article = match result.kind {
                FileKind::Article => in_order.next(),
                _ => None,
            };
            let Some(stamp) = result.stamp else { continue };
            cached_articles.extend(article);
            files.push(cache::FileEntryRef {
                path: &candidate.relative,
                stamp,
                kind: &result.kind,
                diagnostics: &result.diagnostics,
            });
        }
        loaded.cache = Some(cache::encode(&settings, &files, &cached_articles));
    }
    crate::trace("cache encoded");
    for (result, candidate) in results.into_iter().zip(&found.candidates) {
        loaded.diagnostics.extend(result.diagnostics);
        loaded.cached_files += usize::from(result.from_cache);
        match result.kind {
            FileKind::Article => {}
            FileKind::NotArticle(why) => loaded.passed_over.push((candidate.relative.clone(), why)),
            FileKind::Failed => loaded.error_files += 1,
        }
    }
    loaded.articles = articles;
    loaded.passed_over.sort();
    crate::trace("load done");
    Ok(loaded)
}

/// The results of a run where some files changed, appeared or went away
/// (or of a first run): each unchanged file's previous result is moved into
/// place, then the others are parsed in parallel, straight into their slot.
fn merge_changes(
    options: &LoadOptions,
    candidates: &[walk::Candidate],
    hits: &[Option<cache::Hit>],
    previous: cache::Contents,
) -> (Vec<FileResult>, Vec<Article>) {
    let mut previous_files = previous.files;
    // `Option<Article>` has the size of `Article`: wrapped in place.
    let mut previous_articles: Vec<Option<Article>> =
        previous.articles.into_iter().map(Some).collect();
    let mut articles: Vec<Option<Article>> = Vec::with_capacity(candidates.len());
    let mut taken: Vec<Option<(FileKind, Vec<Diagnostic>)>> = Vec::with_capacity(candidates.len());
    for hit in hits {
        // A hit is taken once; should it find nothing, the file is parsed.
        let from_previous = hit.and_then(|hit| {
            let file = previous_files.get_mut(hit.file)?;
            let article = match hit.article {
                Some(i) => Some(previous_articles.get_mut(i)?.take()?),
                None => None,
            };
            let kind = std::mem::replace(&mut file.kind, FileKind::Failed);
            Some((kind, std::mem::take(&mut file.diagnostics), article))
        });
        match from_previous {
            Some((kind, diagnostics, article)) => {
                taken.push(Some((kind, diagnostics)));
                articles.push(article);
            }
            None => {
                taken.push(None);
                articles.push(None);
            }
        }
    }
    drop(previous_files);
    drop(previous_articles);

    let results: Vec<FileResult> = candidates
        .par_iter()
        .zip(taken.into_par_iter())
        .zip(articles.par_iter_mut())
        .map(|((candidate, taken), slot)| {
            let stamp = candidate.stamp;
            if let Some((kind, diagnostics)) = taken {
                return FileResult {
                    stamp,
                    kind,
                    diagnostics,
                    from_cache: true,
                };
            }
            let mut diagnostics = Vec::new();
            let path = options.content_dir.join(&candidate.relative);
            let size = stamp.map(|s| s.size);
            let kind = match load_file(&path, &candidate.relative, size, options, &mut diagnostics)
            {
                Outcome::Article(article) => {
                    *slot = Some(article.into_light());
                    FileKind::Article
                }
                Outcome::NotArticle(why) => FileKind::NotArticle(why),
                Outcome::Failed => FileKind::Failed,
            };
            options.progress.advance();
            FileResult {
                stamp,
                kind,
                diagnostics,
                from_cache: false,
            }
        })
        .collect();
    // `filter_map` (unlike `flatten`) collects in place: the vector is
    // reused, not copied.
    #[allow(clippy::filter_map_identity)]
    let articles: Vec<Article> = articles.into_iter().filter_map(|a| a).collect();
    (results, articles)
}

fn load_file(
    path: &Path,
    relative: &str,
    known_size: Option<u64>,
    options: &LoadOptions,
    out: &mut Vec<Diagnostic>,
) -> Outcome {
    let bytes = match read_limited(path, options.max_file_size, known_size) {
        Ok(bytes) => bytes,
        Err(ReadError::Vanished) => {
            out.push(Diagnostic::warning(
                relative,
                "file vanished during the run; skipped",
            ));
            return Outcome::NotArticle("vanished during the run".into());
        }
        Err(ReadError::Other(message)) => {
            out.push(Diagnostic::error(relative, message));
            return Outcome::Failed;
        }
    };
    parse_file(&bytes, relative, &ParseOptions::of(options), out)
}

/// What turning one file's bytes into an article depends on.
struct ParseOptions<'a> {
    site_url: Option<&'a Url>,
    keep_body: bool,
    max_topics: usize,
}

impl<'a> ParseOptions<'a> {
    fn of(options: &LoadOptions<'a>) -> Self {
        ParseOptions {
            site_url: options.site_url,
            keep_body: options.keep_body,
            max_topics: options.max_topics,
        }
    }
}

/// Everything `load` does to one file's bytes, without the file system:
/// the article, or `None` with the reason in `out` (or none when the bytes
/// are simply not an article). The fuzz target drives this.
pub fn parse_article(
    bytes: &[u8],
    relative: &str,
    site_url: Option<&Url>,
    keep_body: bool,
) -> (Option<Article>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let options = ParseOptions {
        site_url,
        keep_body,
        max_topics: article::DEFAULT_MAX_TOPICS,
    };
    match parse_file(bytes, relative, &options, &mut out) {
        Outcome::Article(article) => (Some(*article), out),
        Outcome::NotArticle(_) | Outcome::Failed => (None, out),
    }
}

/// One file's bytes to an article, where a panic, should any code below
/// have one left on some input, is an error of this file: the build goes
/// on with the others. The panic's message is not shown (it may quote the
/// file, `secured` value and all), only where it happened.
fn parse_file(
    bytes: &[u8],
    relative: &str,
    options: &ParseOptions,
    out: &mut Vec<Diagnostic>,
) -> Outcome {
    guard_panics(relative, out, |out| {
        parse_file_unguarded(bytes, relative, options, out)
    })
}

thread_local! {
    /// Set while this thread runs code whose panics are caught and reported.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Where the last caught panic on this thread happened.
    static CAUGHT_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Install, once, a panic hook that stays silent (no "thread panicked"
/// line, no backtrace) for the panics [`guard_panics`] turns into
/// diagnostics, and hands every other panic to the hook it replaced.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(std::cell::Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                CAUGHT_AT.with(|c| *c.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Run `f`; a panic in it becomes one error naming `relative`, and the
/// diagnostics `f` pushed before it are dropped.
fn guard_panics(
    relative: &str,
    out: &mut Vec<Diagnostic>,
    f: impl FnOnce(&mut Vec<Diagnostic>) -> Outcome,
) -> Outcome {
    install_quiet_hook();
    let mut inner = Vec::new();
    let was_catching = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut inner)));
    CATCHING.with(|c| c.set(was_catching));
    match result {
        Ok(outcome) => {
            out.append(&mut inner);
            outcome
        }
        Err(_) => {
            let at = CAUGHT_AT
                .with(|c| c.borrow_mut().take())
                .map_or_else(String::new, |at| format!(" (at {at})"));
            out.push(Diagnostic::error(
                relative,
                format!("internal error while reading this file{at}; skipped. Please report it"),
            ));
            Outcome::Failed
        }
    }
}

/// The encoding of a file that is not UTF-8 but shows a byte order mark
/// or the `---` of front matter in another Unicode encoding, with whether
/// it starts with front matter.
fn other_unicode_encoding(bytes: &[u8]) -> Option<(&'static str, bool)> {
    const FORMS: [(&[u8], &[u8], &str); 6] = [
        (
            b"\xFF\xFE\0\0",
            b"-\0\0\0-\0\0\0-\0\0\0",
            "UTF-32 LE (byte order mark FF FE 00 00)",
        ),
        (
            b"\0\0\xFE\xFF",
            b"\0\0\0-\0\0\0-\0\0\0-",
            "UTF-32 BE (byte order mark 00 00 FE FF)",
        ),
        (
            b"\xFF\xFE",
            b"-\0-\0-\0",
            "UTF-16 LE (byte order mark FF FE)",
        ),
        (
            b"\xFE\xFF",
            b"\0-\0-\0-",
            "UTF-16 BE (byte order mark FE FF)",
        ),
        (b"", b"-\0-\0-\0", "UTF-16 LE (no byte order mark)"),
        (b"", b"\0-\0-\0-", "UTF-16 BE (no byte order mark)"),
    ];
    FORMS.iter().find_map(|(bom, fence, name)| {
        let rest = bytes.strip_prefix(*bom)?;
        if bom.is_empty() && !rest.starts_with(fence) {
            return None;
        }
        Some((*name, rest.starts_with(fence)))
    })
}

fn parse_file_unguarded(
    bytes: &[u8],
    relative: &str,
    options: &ParseOptions,
    out: &mut Vec<Diagnostic>,
) -> Outcome {
    let ParseOptions {
        site_url,
        keep_body,
        max_topics,
    } = *options;
    if let Some((encoding, front_matter)) = other_unicode_encoding(bytes) {
        if !front_matter {
            return Outcome::NotArticle(format!("{encoding}, no front matter"));
        }
        out.push(
            Diagnostic::error(
                relative,
                format!("the file is encoded as {encoding}, not UTF-8; save it as UTF-8"),
            )
            .at(Some(1), None),
        );
        return Outcome::Failed;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            // Only an error when the file would have been an article.
            if !bytes.starts_with(b"---") && !bytes.starts_with(b"\xEF\xBB\xBF---") {
                return Outcome::NotArticle("not UTF-8 and no front matter".into());
            }
            let byte = bytes[e.valid_up_to()];
            out.push(
                Diagnostic::error(
                    relative,
                    format!("invalid UTF-8 (byte 0x{byte:02X}; perhaps Latin-1 or Windows-1252): the file must be UTF-8 encoded"),
                )
                .at(Some(line), None),
            );
            return Outcome::Failed;
        }
    };
    let front_matter = match front_matter::split(text) {
        front_matter::Split::Article(fm) => fm,
        front_matter::Split::NotArticle => {
            return Outcome::NotArticle("no front matter (first line is not `---`)".into())
        }
        front_matter::Split::BlankLinesBeforeOpening => {
            out.push(Diagnostic::warning(
                relative,
                "blank line before the opening `---`: front matter must start on the first line; not read as an article",
            ));
            return Outcome::NotArticle("blank line before front matter".into());
        }
        front_matter::Split::CrLineEnds => {
            out.push(
                Diagnostic::error(
                    relative,
                    "lines end in CR alone (classic Mac OS line ends); save the file with LF or CRLF line ends",
                )
                .at(Some(1), None),
            );
            return Outcome::Failed;
        }
        front_matter::Split::Unterminated => {
            out.push(
                Diagnostic::error(
                    relative,
                    "front matter is not terminated: no closing `---` line",
                )
                .at(Some(1), Some(1)),
            );
            return Outcome::Failed;
        }
    };
    let keys = if keep_body {
        article::FULL_CONTENT_KEYS
    } else {
        article::SUMMARY_KEYS
    };
    let fields = match yaml::parse_mapping(front_matter.yaml, keys) {
        Ok(fields) => fields,
        Err(e) => {
            let line = e.line.map(|l| l + front_matter.first_line - 1);
            let message = if front_matter.yaml.trim().is_empty() {
                "front matter is empty".to_owned()
            } else {
                format!("invalid front matter: {}", e.message)
            };
            out.push(Diagnostic::error(relative, message).at(line, e.column));
            return Outcome::Failed;
        }
    };
    let body = keep_body
        .then(|| front_matter.body.trim())
        .filter(|b| !b.is_empty())
        .map(|b| Body {
            text: crate::text::strip_forbidden(b).into_owned(),
            markdown: !relative.to_ascii_lowercase().ends_with(".html"),
        });
    let cx = article::Context {
        path: relative,
        yaml: front_matter.yaml,
        first_line: front_matter.first_line,
        site_url,
        body,
        max_topics,
    };
    match article::build(fields, &cx, out) {
        Some(article) => Outcome::Article(Box::new(article)),
        None => Outcome::Failed,
    }
}

enum ReadError {
    /// Deleted between the walk and the read (content being edited).
    Vanished,
    Other(String),
}

/// Read a whole file, refusing ones over `limit` bytes before reading them.
/// `known_size` is the size the walk just saw, which spares asking again;
/// a file that grew since is still cut off at the limit.
fn read_limited(path: &Path, limit: u64, known_size: Option<u64>) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| ReadError::Other(format!("cannot read file: {e}"));
    let too_big = || {
        ReadError::Other(format!(
            "file is over the limit of {limit} bytes (config `max_file_size`); skipped"
        ))
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Vanished),
        Err(e) => return Err(cannot_read(e)),
    };
    let size = match known_size {
        Some(size) => size,
        None => file.metadata().map_err(cannot_read)?.len(),
    };
    if size > limit {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read at most one byte past the limit, in case the file grows meanwhile.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options<'a>(set: &'a GlobSet) -> LoadOptions<'a> {
        LoadOptions {
            content_dir: Path::new("."),
            include: set,
            exclude: set,
            site_url: None,
            keep_body: false,
            max_file_size: 1024,
            max_topics: 100,
            progress: &NoProgress,
        }
    }

    #[test]
    fn a_file_that_vanished_after_the_walk_is_a_warning() {
        let set = GlobSet::empty();
        let mut out = Vec::new();
        let outcome = load_file(
            Path::new("/nonexistent/feedsmith/x.md"),
            "x.md",
            Some(10),
            &options(&set),
            &mut out,
        );
        assert!(matches!(outcome, Outcome::NotArticle(_)));
        assert_eq!(
            out[0].to_string(),
            "x.md: warning: file vanished during the run; skipped"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_by_known_or_actual_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        std::fs::write(&path, "x".repeat(2000)).unwrap();
        // Known size over the limit: refused without reading.
        assert!(matches!(
            read_limited(&path, 1024, Some(2000)),
            Err(ReadError::Other(_))
        ));
        // Grown past the limit since the walk saw it small: still refused.
        assert!(matches!(
            read_limited(&path, 1024, Some(10)),
            Err(ReadError::Other(_))
        ));
        assert!(matches!(
            read_limited(&path, 1024, None),
            Err(ReadError::Other(_))
        ));
        assert_eq!(
            read_limited(&path, 4096, Some(2000)).ok().map(|b| b.len()),
            Some(2000)
        );
    }

    #[test]
    fn a_panic_while_reading_one_file_is_an_error_of_that_file() {
        let mut out = vec![Diagnostic::warning("before.md", "kept")];
        let outcome = guard_panics("p.md", &mut out, |out| {
            out.push(Diagnostic::warning("p.md", "partial"));
            panic!("TOPSECRET in the message");
        });
        assert!(matches!(outcome, Outcome::Failed));
        assert_eq!(out.len(), 2, "{out:?}");
        let shown = out[1].to_string();
        assert!(
            shown.starts_with(
                "p.md: error: internal error while reading this file (at src/load/mod.rs:"
            ),
            "{shown}"
        );
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        // Panics outside a guard still reach the previous hook, and the
        // next guarded call works as before.
        assert!(std::panic::catch_unwind(|| panic!("unguarded")).is_err());
        let outcome = guard_panics("q.md", &mut out, |_| Outcome::NotArticle("x".into()));
        assert!(matches!(outcome, Outcome::NotArticle(_)));
    }

    #[test]
    fn other_unicode_encodings_are_named() {
        let utf16: Vec<u8> = "\u{feff}---\ntitle: x\n---\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (article, out) = parse_article(&utf16, "u.md", None, false);
        assert!(article.is_none());
        assert!(out[0].message.contains("UTF-16 LE"), "{out:?}");
        let no_bom: Vec<u8> = "---\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (_, out) = parse_article(&no_bom, "u.md", None, false);
        assert!(
            out[0].message.contains("UTF-16 BE (no byte order mark)"),
            "{out:?}"
        );
        let readme: Vec<u8> = "\u{feff}# Hi"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (_, out) = parse_article(&readme, "u.md", None, false);
        assert!(out.is_empty(), "not an article: passed over");
    }

    #[test]
    fn parses_bytes_without_the_file_system() {
        let (article, out) = parse_article(
            b"---\ntitle: T\npublishedDateTime: 2024-01-01\nwebUrl: https://e.example/\n---\nbody",
            "t.md",
            None,
            true,
        );
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(article.unwrap().body().unwrap().text, "body");
        assert_eq!(
            parse_article(b"no front matter", "t.md", None, false).0,
            None
        );
    }
}
