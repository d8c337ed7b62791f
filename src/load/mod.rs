//! Stage 1, `load`: walk the content folder, split each file's front
//! matter, parse it into a typed [`Article`], and collect per-file problems.
//! One bad file never stops the others.

mod article;
mod cache;
mod date;
mod front_matter;
mod link;
pub mod read;
mod site_document;
mod site_urls;
pub mod taxonomy;
mod walk;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Article, Body, TaxonomyTopic};
use crate::yaml;
use globset::GlobSet;
use rayon::prelude::*;
use std::path::Path;
use url::Url;

use read::{read_limited, ReadError};

pub use article::DEFAULT_MAX_TOPICS;
pub use cache::Stamp;
pub use date::parse as parse_date;
pub use link::resolve as resolve_link;
pub use site_document::PAGE_WITHOUT_DATE;
pub use taxonomy::from_node as taxonomy_topic;

/// A Jekyll site as `load` reads it.
#[derive(Debug, Clone)]
pub struct SiteLoad {
    pub config: std::sync::Arc<crate::site::SiteConfig>,
    /// `_drafts` is read (`--drafts`, `drafts: true` or `show_drafts`).
    pub drafts: bool,
    /// `published: false` documents are entries (`--unpublished`, as
    /// Jekyll's); otherwise they are passed over, even with `--drafts`.
    pub unpublished: bool,
}

/// The load stage's part of the settings.
#[derive(Debug, Clone, Default)]
pub struct LoadSettings {
    pub include: GlobSet,
    pub exclude: GlobSet,
    /// Base for site-relative URLs in front matter.
    pub site_url: Option<Url>,
    /// The Jekyll site, in site mode: its walk rules, dates and URLs.
    pub site: Option<SiteLoad>,
    /// Keep bodies (only `content: full` renders them).
    pub keep_body: bool,
    /// Files larger than this are skipped with an error.
    pub max_file_size: u64,
    /// Topics kept per article; the rest are dropped with a warning.
    pub max_topics: usize,
}

impl<'a> LoadOptions<'a> {
    /// The options of one load of `content_dir` with `settings`.
    pub fn new(
        settings: &'a LoadSettings,
        content_dir: &'a Path,
        out_dir: Option<&'a Path>,
        progress: &'a dyn Progress,
    ) -> LoadOptions<'a> {
        LoadOptions {
            content_dir,
            include: &settings.include,
            exclude: &settings.exclude,
            site_url: settings.site_url.as_ref(),
            site: settings.site.as_ref(),
            keep_body: settings.keep_body,
            max_file_size: settings.max_file_size,
            out_dir,
            max_topics: settings.max_topics,
            progress,
        }
    }
}

/// What one load reads, and how.
pub struct LoadOptions<'a> {
    pub content_dir: &'a Path,
    pub include: &'a GlobSet,
    pub exclude: &'a GlobSet,
    /// Base for site-relative URLs in front matter.
    pub site_url: Option<&'a Url>,
    /// The Jekyll site, in site mode.
    pub site: Option<&'a SiteLoad>,
    /// Keep bodies (only `content: full` renders them).
    pub keep_body: bool,
    /// Files larger than this are skipped with an error.
    pub max_file_size: u64,
    /// The out folder, when it is inside the content folder: never walked.
    pub out_dir: Option<&'a Path>,
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
    /// Article files (valid or with errors) whose result came from the
    /// cache: never more than the article files read.
    pub cached_files: usize,
    /// Folders (ending in `/`) and files that could not be read this run,
    /// relative to the content folder, sorted: each is an error. The
    /// articles under them are the cache's, as last seen.
    pub unreadable: Vec<String>,
    /// Some unreadable path had nothing in the cache: this run must leave
    /// every existing output file as it is and remove nothing.
    pub hold_all: bool,
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

/// What [`hydrate`] found.
#[derive(Debug, Default)]
pub struct Hydrated {
    pub diagnostics: Vec<Diagnostic>,
    /// What a site's Liquid left out, read only now: warnings that say
    /// nothing changed during the run.
    pub liquid_warnings: Vec<Diagnostic>,
    /// Indices of articles that could not be read again because their file
    /// or folder is unreadable: their feeds keep their previous version.
    pub unreadable: Vec<usize>,
}

/// Read again, in full, the articles at `indices` (those that reached a
/// feed; `load` keeps only what selection needs). An article whose file
/// changed or vanished since it was read keeps its light form, so feeds
/// stay consistent with the selection, and is reported; one that cannot be
/// read at all (permission denied) is an error, listed in
/// [`Hydrated::unreadable`].
pub fn hydrate(articles: &mut [Article], indices: &[usize], options: &LoadOptions) -> Hydrated {
    let Ok(root) = read::canonical_root(options.content_dir) else {
        return Hydrated {
            diagnostics: vec![Diagnostic::error(
                Code::Unreadable,
                "",
                "the content folder cannot be read again; feeds keep their previous version",
            )],
            unreadable: indices.to_vec(),
            liquid_warnings: Vec::new(),
        };
    };
    // A site's bodies are rendered now, with every document's URL.
    let urls = options
        .site
        .map(|site| (site, site_urls::SiteUrls::of(articles)));
    let links = urls.as_ref().map(|(site, urls)| site_urls::LinkResolver {
        urls,
        root: &root,
        site,
        max_file_size: options.max_file_size,
        pages: Default::default(),
    });
    let parse_options = ParseOptions {
        site_links: links.as_ref(),
        ..ParseOptions::of(options)
    };
    let full: Vec<(usize, Result<Article, Diagnostic>, Vec<Diagnostic>)> = indices
        .par_iter()
        .map(|&i| {
            let light = &articles[i];
            let changed = || {
                Diagnostic::warning(
                    Code::ChangedDuringRun,
                    &light.path,
                    "changed during the run; its entry shows only its title",
                )
            };
            let path = root.join(&light.path);
            // The first reading reported the rest; Liquid is read only now.
            let mut liquid = Vec::new();
            let result = match read_limited(&root, &path, options.max_file_size, None) {
                Ok(bytes) => {
                    let mut found = Vec::new();
                    let outcome = parse_file(&bytes, &light.path, &parse_options, &mut found);
                    liquid = found
                        .into_iter()
                        .filter(|d| d.code == Code::UnsupportedLiquid)
                        .collect();
                    match outcome {
                        Outcome::Article(article)
                            if article.link == light.link
                                && article.published == light.published =>
                        {
                            Ok(*article)
                        }
                        _ => Err(changed()),
                    }
                }
                Err(e) if read::is_unreadable(&root, &path) => Err(Diagnostic::error(
                    Code::Unreadable,
                    &light.path,
                    format!(
                        "{}; the feeds it is in keep their previous version",
                        e.message()
                    ),
                )),
                Err(_) => Err(changed()),
            };
            if result.is_err() {
                liquid.clear();
            }
            (i, result, liquid)
        })
        .collect();
    let mut hydrated = Hydrated::default();
    for (i, result, liquid) in full {
        hydrated.liquid_warnings.extend(liquid);
        match result {
            Ok(article) => articles[i] = article,
            Err(d) => {
                if d.is_error() {
                    hydrated.unreadable.push(i);
                }
                hydrated.diagnostics.push(d);
            }
        }
    }
    hydrated
}

/// What became of one file, besides the article itself.
struct FileResult {
    stamp: Option<cache::Stamp>,
    kind: FileKind,
    diagnostics: Vec<Diagnostic>,
    from_cache: bool,
    /// The file could not be read: the error, and whether the result is
    /// the previous run's instead.
    unreadable: Option<Unreadable>,
}

struct Unreadable {
    error: Diagnostic,
    from_cache: bool,
}

/// The settings that change what a file parses to: a cache made under
/// other ones is not used.
fn cache_settings(options: &LoadOptions) -> String {
    // A Jekyll site's whole `_config.yml` changes what its files parse to.
    let site = options.site.map(|s| {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(s.config.text.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("{hex};drafts={};unpublished={}", s.drafts, s.unpublished)
    });
    format!(
        "site_url={:?};full={};max_file_size={};max_topics={};site={site:?}",
        options.site_url.map(Url::as_str),
        options.keep_body,
        options.max_file_size,
        options.max_topics
    )
}

/// Run the load stage. With `cache` (the previous run's, or empty when
/// there is none), files whose stamp did not change are taken from it and
/// the new cache is returned in [`Loaded::cache`] when it changed.
///
/// A folder or file that cannot be read is an error; the articles under it
/// are taken from the cache as last seen (and kept in the next cache). When
/// the cache has nothing for it, [`Loaded::hold_all`] tells the caller to
/// leave every existing output file as it is.
pub fn load(options: &LoadOptions, cache: Option<Vec<u8>>) -> Result<Loaded, LoadError> {
    crate::trace("load start");
    let load_error = |source| LoadError {
        path: options.content_dir.display().to_string(),
        source,
    };
    // Every path below is under the canonical content folder, so that the
    // reader can tell where a symbolic link leads.
    let root = read::canonical_root(options.content_dir).map_err(load_error)?;
    let options = &LoadOptions {
        content_dir: &root,
        ..*options
    };
    let skip = options
        .out_dir
        .and_then(|out| out.canonicalize().ok())
        .and_then(|out| {
            let inside = out.strip_prefix(&root).ok()?.to_str()?.to_owned();
            (!inside.is_empty()).then(|| format!("{}/", inside.replace('\\', "/")))
        });
    let filter = walk::Filter {
        include: options.include,
        exclude: options.exclude,
        skip: skip.as_deref(),
        site: options.site,
        stamps: cache.as_ref().is_some_and(|bytes| !bytes.is_empty()),
    };
    let settings = cache_settings(options);
    let caching = cache.is_some();
    // The previous run's results are decoded while the folders are listed:
    // one is CPU, the other mostly the file system's.
    let (found, previous) = rayon::join(
        || walk::walk(&root, &filter),
        || {
            cache
                .map(|bytes| cache::decode(&bytes, &settings))
                .unwrap_or_default()
        },
    );
    let mut found = found.map_err(load_error)?;
    crate::trace("walked, cache decoded");
    let mut loaded = Loaded {
        passed_over: std::mem::take(&mut found.passed_over),
        diagnostics: std::mem::take(&mut found.diagnostics),
        unreadable: std::mem::take(&mut found.unreadable),
        ..Loaded::default()
    };
    let taxonomy = taxonomy::load(&root, options.max_file_size, &mut loaded.diagnostics);
    loaded.taxonomy = taxonomy.topics;
    if !taxonomy.unreadable.is_empty() {
        // Topic names, subtitles and images depend on it; nothing keeps
        // what it held.
        loaded.hold_all = true;
        loaded.unreadable.extend(taxonomy.unreadable);
    }

    options.progress.start(found.candidates.len());
    // The files under a folder that could not be listed: as last seen.
    for folder in &loaded.unreadable {
        let before = found.candidates.len();
        found.candidates.extend(
            previous
                .files
                .iter()
                .filter(|f| f.path.starts_with(folder.as_str()))
                .map(|f| walk::Candidate {
                    relative: f.path.clone(),
                    stamp: Some(f.stamp),
                }),
        );
        if found.candidates.len() == before {
            loaded.hold_all = true;
        }
    }
    if !loaded.unreadable.is_empty() {
        found.candidates.sort_by(|a, b| a.relative.cmp(&b.relative));
        found.candidates.dedup_by(|a, b| a.relative == b.relative);
    }
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
                unreadable: None,
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
        // Counted among the article files read, as `articles_read` counts
        // them: files passed over are neither.
        let article_file = !matches!(result.kind, FileKind::NotArticle(_));
        loaded.cached_files += usize::from(result.from_cache && article_file);
        if let Some(unreadable) = result.unreadable {
            // Reported, but not cached: the next run tries again.
            loaded.diagnostics.push(unreadable.error);
            loaded.hold_all |= !unreadable.from_cache;
            loaded.unreadable.push(candidate.relative.clone());
        }
        match result.kind {
            FileKind::Article => {}
            FileKind::NotArticle(why) => loaded.passed_over.push((candidate.relative.clone(), why)),
            FileKind::Failed => loaded.error_files += 1,
        }
    }
    loaded.articles = articles;
    loaded.passed_over.sort();
    loaded.unreadable.sort();
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
    // Each previous file's index in the previous articles, for an article:
    // found before the hits are taken out.
    let mut articles_before = 0;
    let article_index: Vec<Option<usize>> = previous_files
        .iter()
        .map(|f| {
            let is_article = f.kind == FileKind::Article;
            articles_before += usize::from(is_article);
            is_article.then(|| articles_before - 1)
        })
        .collect();
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
    let results: Vec<FileResult> = candidates
        .par_iter()
        .zip(taken.into_par_iter())
        .zip(articles.par_iter_mut())
        .map(|((candidate, taken), slot)| {
            let mut stamp = candidate.stamp;
            if let Some((kind, diagnostics)) = taken {
                return FileResult {
                    stamp,
                    kind,
                    diagnostics,
                    from_cache: true,
                    unreadable: None,
                };
            }
            let mut diagnostics = Vec::new();
            let path = options.content_dir.join(&candidate.relative);
            let kind = match load_file(
                &path,
                &candidate.relative,
                &mut stamp,
                options,
                &mut diagnostics,
            ) {
                Outcome::Article(article) => {
                    *slot = Some(article.into_light());
                    FileKind::Article
                }
                Outcome::NotArticle(why) => FileKind::NotArticle(why),
                Outcome::Failed => FileKind::Failed,
            };
            options.progress.advance();
            let unreadable = (kind == FileKind::Failed
                && read::is_unreadable(options.content_dir, &path))
            .then(|| diagnostics.pop())
            .flatten()
            .map(|error| Unreadable {
                error,
                from_cache: false,
            });
            FileResult {
                stamp,
                kind,
                diagnostics,
                from_cache: false,
                unreadable,
            }
        })
        .collect();
    let mut results = results;
    for (i, result) in results.iter_mut().enumerate() {
        let Some(unreadable) = &mut result.unreadable else {
            continue;
        };
        // Not cached as it is now: the next run tries again.
        result.stamp = None;
        let relative = candidates[i].relative.as_str();
        let Ok(at) = previous_files.binary_search_by(|f| f.path.as_str().cmp(relative)) else {
            continue;
        };
        // The previous result, as last seen (its stamp makes the next run
        // read the file again once it can).
        let article = match article_index.get(at).copied().flatten() {
            Some(index) => match previous_articles.get_mut(index).and_then(Option::take) {
                Some(article) => Some(article),
                None => continue,
            },
            None => None,
        };
        let file = &mut previous_files[at];
        result.kind = std::mem::replace(&mut file.kind, FileKind::Failed);
        result.diagnostics = std::mem::take(&mut file.diagnostics);
        result.stamp = Some(file.stamp);
        result.from_cache = true;
        unreadable.from_cache = true;
        articles[i] = article;
    }
    drop(previous_files);
    drop(previous_articles);
    // `filter_map` (unlike `flatten`) collects in place: the vector is
    // reused, not copied.
    #[allow(clippy::filter_map_identity)]
    let articles: Vec<Article> = articles.into_iter().filter_map(|a| a).collect();
    (results, articles)
}

/// Read and parse one file. `stamp` is the walk's; when the walk took
/// none, it becomes the opened file's.
fn load_file(
    path: &Path,
    relative: &str,
    stamp: &mut Option<cache::Stamp>,
    options: &LoadOptions,
    out: &mut Vec<Diagnostic>,
) -> Outcome {
    let known_size = stamp.map(|s| s.size);
    let read =
        read::read_limited_stamped(options.content_dir, path, options.max_file_size, known_size);
    let bytes = match read {
        Ok((bytes, read_stamp)) => {
            *stamp = stamp.or(read_stamp);
            bytes
        }
        Err(ReadError::Vanished) => {
            out.push(Diagnostic::warning(
                Code::ChangedDuringRun,
                relative,
                "file vanished during the run; skipped",
            ));
            return Outcome::NotArticle("vanished during the run".into());
        }
        Err(ReadError::Other(message)) => {
            out.push(Diagnostic::error(Code::Unreadable, relative, message));
            return Outcome::Failed;
        }
    };
    parse_file(&bytes, relative, &ParseOptions::of(options), out)
}

/// What turning one file's bytes into an article depends on.
struct ParseOptions<'a> {
    site_url: Option<&'a Url>,
    site: Option<&'a SiteLoad>,
    keep_body: bool,
    max_topics: usize,
    /// Site mode, reading bodies for feeds: every URL Liquid can ask for.
    site_links: Option<&'a site_urls::LinkResolver<'a>>,
}

impl<'a> ParseOptions<'a> {
    fn of(options: &LoadOptions<'a>) -> Self {
        ParseOptions {
            site_url: options.site_url,
            site: options.site,
            keep_body: options.keep_body,
            max_topics: options.max_topics,
            site_links: None,
        }
    }
}

/// Everything `load` does to one file's bytes, without the file system:
/// the article, or `None` with the reason in `out` (or none when the bytes
/// are simply not an article). Offered to the benches and fuzz targets as
/// [`crate::testing::parse_article`].
pub(crate) fn parse_article(
    bytes: &[u8],
    relative: &str,
    site_url: Option<&Url>,
    keep_body: bool,
) -> (Option<Article>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let options = ParseOptions {
        site_url,
        site: None,
        keep_body,
        max_topics: article::DEFAULT_MAX_TOPICS,
        site_links: None,
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

/// Run `f`; a panic in it becomes one error naming `relative`, and the
/// diagnostics `f` pushed before it are dropped.
fn guard_panics(
    relative: &str,
    out: &mut Vec<Diagnostic>,
    f: impl FnOnce(&mut Vec<Diagnostic>) -> Outcome,
) -> Outcome {
    let mut inner = Vec::new();
    match crate::panic_guard::catch(|| f(&mut inner)) {
        Ok(outcome) => {
            out.append(&mut inner);
            outcome
        }
        Err(caught) => {
            out.push(Diagnostic::error(
                Code::InternalError,
                relative,
                format!(
                    "internal error while reading this file{}; skipped. Please report it",
                    caught.location_suffix()
                ),
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

/// The file line after the closing `---`, on which the body starts.
fn after_front_matter(front_matter: &front_matter::FrontMatter) -> usize {
    front_matter.first_line + front_matter.yaml.lines().count() + 1
}

fn parse_file_unguarded(
    bytes: &[u8],
    relative: &str,
    options: &ParseOptions,
    out: &mut Vec<Diagnostic>,
) -> Outcome {
    let ParseOptions {
        site_url,
        site,
        keep_body,
        max_topics,
        site_links: _,
    } = *options;
    if let Some((encoding, front_matter)) = other_unicode_encoding(bytes) {
        if !front_matter {
            return Outcome::NotArticle(format!("{encoding}, no front matter"));
        }
        out.push(
            Diagnostic::error(
                Code::NotUtf8,
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
                Diagnostic::error(Code::NotUtf8,
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
            out.push(Diagnostic::warning(Code::BlankBeforeFrontMatter,
                relative,
                "blank line before the opening `---`: front matter must start on the first line; not read as an article",
            ));
            return Outcome::NotArticle("blank line before front matter".into());
        }
        front_matter::Split::CrLineEnds => {
            out.push(
                Diagnostic::error(Code::CrLineEnds,
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
                    Code::UnterminatedFrontMatter,
                    relative,
                    "front matter is not terminated: no closing `---` line",
                )
                .at(Some(1), Some(1)),
            );
            return Outcome::Failed;
        }
    };
    let keys = match (keep_body, site.is_some()) {
        (true, false) => article::FULL_CONTENT_KEYS,
        (false, false) => article::SUMMARY_KEYS,
        (true, true) => site_document::FULL_CONTENT_KEYS,
        (false, true) => site_document::SUMMARY_KEYS,
    };
    let fields = match yaml::parse_mapping(front_matter.yaml, keys) {
        Ok(fields) => fields,
        // Jekyll takes `---\n---` (a dated file name does the rest).
        Err(_) if site.is_some() && front_matter.yaml.trim().is_empty() => yaml::Mapping {
            entries: Vec::new(),
            dropped: Vec::new(),
        },
        Err(e) => {
            let line = e.line.map(|l| l + front_matter.first_line - 1);
            let message = if front_matter.yaml.trim().is_empty() {
                "front matter is empty".to_owned()
            } else {
                format!("invalid front matter: {}", e.message)
            };
            out.push(Diagnostic::error(Code::InvalidYaml, relative, message).at(line, e.column));
            return Outcome::Failed;
        }
    };
    let body = keep_body
        .then(|| front_matter.body.trim())
        .filter(|b| !b.is_empty())
        .filter(|b| {
            let fits = b.len() <= article::MAX_CONTENT_BYTES;
            if !fits {
                let line = after_front_matter(&front_matter);
                out.push(
                    Diagnostic::warning(Code::LargeContent,
                        relative,
                        format!(
                            "the body is {} bytes, over the {} a feed entry carries; entries show the summary only",
                            b.len(),
                            article::MAX_CONTENT_BYTES
                        ),
                    )
                    .at(Some(line), None),
                );
            }
            fits
        })
        .map(|b| Body {
            text: crate::text::strip_forbidden(b).into_owned(),
            markdown: !relative.to_ascii_lowercase().ends_with(".html"),
        });
    let (fields, site) = match site {
        None => (fields, None),
        Some(site) => match site_document::prepare(fields, relative, site, keys) {
            site_document::Prepared::Document(fields, document) => (fields, Some(document)),
            site_document::Prepared::Page(why) => return Outcome::NotArticle(why.into()),
        },
    };
    // Only Liquid warnings need it: the body's text starts after any blank
    // lines.
    let body_line = match (&body, options.site_links) {
        (Some(_), Some(_)) => {
            let skipped = front_matter.body.len() - front_matter.body.trim_start().len();
            after_front_matter(&front_matter) + front_matter.body[..skipped].matches('\n').count()
        }
        _ => 0,
    };
    let cx = article::Context {
        path: relative,
        yaml: front_matter.yaml,
        first_line: front_matter.first_line,
        site_url,
        site: site.as_ref(),
        body,
        body_line,
        site_links: options.site_links,
        max_topics,
    };
    match article::build(fields, &cx, out) {
        Some(article) => Outcome::Article(Box::new(article)),
        None => Outcome::Failed,
    }
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
            site: None,
            keep_body: false,
            max_file_size: 1024,
            out_dir: None,
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
            &mut Some(cache::Stamp {
                size: 10,
                mtime_ns: 0,
                ctime_ns: 0,
            }),
            &options(&set),
            &mut out,
        );
        assert!(matches!(outcome, Outcome::NotArticle(_)));
        assert_eq!(
            out[0].to_string(),
            "x.md: warning[changed-during-run]: file vanished during the run; skipped"
        );
    }

    #[test]
    fn a_panic_while_reading_one_file_is_an_error_of_that_file() {
        let mut out = vec![Diagnostic::warning(
            Code::ChangedDuringRun,
            "before.md",
            "kept",
        )];
        let outcome = guard_panics("p.md", &mut out, |out| {
            out.push(Diagnostic::warning(
                Code::ChangedDuringRun,
                "p.md",
                "partial",
            ));
            panic!("TOPSECRET in the message");
        });
        assert!(matches!(outcome, Outcome::Failed));
        assert_eq!(out.len(), 2, "{out:?}");
        let shown = out[1].to_string();
        assert!(
            shown.starts_with(
                "p.md: error[internal-error]: internal error while reading this file (at src/load/mod.rs:"
            ),
            "{shown}"
        );
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        // The next guarded call works as before.
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
