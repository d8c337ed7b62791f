//! Every file of a run: each feed in each of its formats (cut to its
//! `max_bytes`), then the OPML list, the index page, the site's
//! `page_css` and a page per feed. One loop over feeds × formats; nothing
//! here knows which kinds of feed exist.

use super::{Entry, FeedMeta, FeedSummary, Format, RenderError, SiteMeta};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Article, Author, ContentMode};
use crate::select::{Feed, FeedKind, TopicTable};
use url::Url;

/// What rendering needs to know of the site.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    /// Where the out folder is served; ends with `/`.
    pub base_url: Option<Url>,
    pub site_title: String,
    pub site_description: String,
    /// The site's page, absolute (or empty).
    pub site_link: String,
    pub language: String,
    pub author: Option<Author>,
    /// Absolute URL of the site's square icon.
    pub icon: Option<String>,
    /// Absolute URL of the site's logo, shown on the pages.
    pub logo: Option<String>,
    pub hub: Option<String>,
    pub content: ContentMode,
    /// Which format `index.opml` subscribes to.
    pub opml_format: Format,
    /// A page a person can read in each feed's folder.
    pub pages: bool,
    /// `index.html` and `index.opml` at the root: off where the out folder
    /// is a Jekyll site's `_site`, whose own home page they would replace.
    pub index_page: bool,
    /// A style sheet copied beside the pages.
    pub page_css: Option<std::path::PathBuf>,
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Relative to the out folder.
    pub path: String,
    pub bytes: Vec<u8>,
    /// Entries it holds, for a feed file.
    pub entries: Option<usize>,
}

/// The files of a run and what they hold.
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<RenderedFile>,
    /// Per feed, in the selection's order, the entries (article indices,
    /// in feed order) it holds after `max_bytes`.
    pub entries: Vec<Vec<usize>>,
    /// `max_bytes` cuts.
    pub warnings: Vec<Diagnostic>,
    /// Files that could not be rendered: `build` then writes nothing.
    pub errors: Vec<Diagnostic>,
}

/// A feed file's absolute URL, under the base URL (or relative without one).
pub fn feed_url(base_url: Option<&Url>, path: &str) -> String {
    match base_url {
        Some(base) => base
            .join(path)
            .map_or_else(|_| path.to_owned(), String::from),
        None => path.to_owned(),
    }
}

/// Render every feed, the OPML list and the index page.
pub fn site(
    feeds: &[Feed],
    articles: &[Article],
    topics: &TopicTable,
    settings: &RenderSettings,
) -> Rendered {
    use rayon::prelude::*;
    let mut rendered = Rendered::default();
    // Feeds in parallel (a site with a feed per provider has hundreds),
    // gathered in the selection's order: the same files whatever the
    // thread count.
    let per_feed: Vec<(Rendered, Vec<usize>)> = feeds
        .par_iter()
        .map(|feed| {
            let mut one = Rendered::default();
            let kept = render_feed(feed, articles, topics, settings, &mut one);
            (one, kept)
        })
        .collect();
    for (one, kept) in per_feed {
        rendered.files.extend(one.files);
        rendered.warnings.extend(one.warnings);
        rendered.errors.extend(one.errors);
        rendered.entries.push(kept);
    }
    // Feeds written at a given path (jekyll-feed's) are in no list and
    // have no page: the index, the OPML list and the pages show the rest.
    let (listed, kept): (Vec<Feed>, Vec<&[usize]>) = feeds
        .iter()
        .zip(&rendered.entries)
        .filter(|(feed, _)| feed.file.is_none())
        .map(|(feed, kept)| (feed.clone(), kept.as_slice()))
        .unzip();
    let list = summaries(&listed, &kept, articles, settings);
    let site = SiteMeta {
        title: &settings.site_title,
        description: &settings.site_description,
        site_link: &settings.site_link,
        language: &settings.language,
        author: settings.author.as_ref(),
        opml_format: settings.opml_format,
    };
    let mut errors = Vec::new();
    // The site's style sheet, copied once beside the pages.
    let css = settings
        .page_css
        .as_deref()
        .and_then(|path| match read_page_css(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                errors.push(e);
                None
            }
        });
    let look = super::Look {
        pages: settings.pages,
        css: css.is_some(),
        logo: settings.logo.as_deref(),
    };
    if let Some(bytes) = css {
        rendered.files.push(RenderedFile {
            path: super::PAGE_CSS_FILE.to_owned(),
            bytes,
            entries: None,
        });
    }
    let shown = |i: usize| -> Vec<&Article> { kept[i].iter().map(|&a| &articles[a]).collect() };
    let overall = list
        .iter()
        .position(|f| f.feed.kind == FeedKind::Overall)
        .filter(|_| settings.pages)
        .map(shown);
    for (path, make) in [
        (
            OPML_FILE,
            &(|| Ok(super::opml(&site, &list))) as &dyn Fn() -> Result<Vec<u8>, RenderError>,
        ),
        (INDEX_FILE, &|| {
            Ok(super::index_html(&site, &list, &look, overall.as_deref()))
        }),
    ] {
        if !settings.index_page {
            break;
        }
        if let Some(bytes) = guarded(path, &mut errors, make) {
            rendered.files.push(RenderedFile {
                path: path.to_owned(),
                bytes,
                entries: None,
            });
        }
    }
    // A page per feed; the overall feed's is the index page.
    if settings.pages {
        // In parallel too, gathered in the list's order.
        let pages: Vec<(Option<RenderedFile>, Vec<Diagnostic>)> = list
            .par_iter()
            .enumerate()
            .filter(|(_, summary)| {
                summary.feed.kind != FeedKind::Overall && !summary.feed.dir.is_empty()
            })
            .map(|(i, summary)| {
                let path = summary.feed.page_path();
                let entries = shown(i);
                let mut errors = Vec::new();
                let page = guarded(&path, &mut errors, || {
                    Ok(super::feed_page(&site, &look, summary, &list, &entries))
                });
                let file = page.map(|bytes| RenderedFile {
                    path,
                    bytes,
                    entries: None,
                });
                (file, errors)
            })
            .collect();
        for (file, page_errors) in pages {
            rendered.files.extend(file);
            errors.extend(page_errors);
        }
    }
    rendered.errors.extend(errors);
    rendered
}

/// Read the config's `page_css`: a regular file (not through a symbolic
/// link, never a FIFO or a device) of at most `PAGE_CSS_MAX` bytes. A
/// missing or unreadable one is an error, as a bad config value is: the
/// run writes nothing rather than pages without the site's style.
fn read_page_css(path: &std::path::Path) -> Result<Vec<u8>, Diagnostic> {
    let problem = |why: String| {
        Diagnostic::error(
            Code::BadPageCss,
            path.display().to_string(),
            format!("config `page_css`: {why}"),
        )
    };
    match crate::load::read::read_own_file(path, super::PAGE_CSS_MAX) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(problem("no such file".to_owned())),
        Err(why) => Err(problem(format!("cannot read it: {why}"))),
    }
}

/// The OPML subscription list, in the out folder.
pub const OPML_FILE: &str = "index.opml";
/// The index page, in the out folder.
pub const INDEX_FILE: &str = "index.html";

/// Summaries of `feeds`, holding `kept[i]` entries each.
pub fn summaries<'a>(
    feeds: &'a [Feed],
    kept: &[&[usize]],
    articles: &'a [Article],
    settings: &RenderSettings,
) -> Vec<FeedSummary<'a>> {
    feeds
        .iter()
        .zip(kept)
        .map(|(feed, kept)| FeedSummary {
            feed,
            entries: kept.len(),
            newest: kept.iter().map(|&i| &articles[i]).max_by(|a, b| {
                a.published
                    .cmp(&b.published)
                    .then_with(|| b.link.cmp(&a.link))
            }),
            urls: feed
                .formats
                .iter()
                .map(|&f| (f, feed_url(settings.base_url.as_ref(), &feed.path(f))))
                .collect(),
        })
        .collect()
}

/// Render `feed` in each of its formats into `out`; returns the entries it
/// holds. Over `max_bytes`, the full content of the oldest entries goes
/// first, then the oldest entries, until the largest format fits; the cut
/// is the same for every format and keeps at least one entry.
fn render_feed(
    feed: &Feed,
    articles: &[Article],
    topics: &TopicTable,
    settings: &RenderSettings,
    out: &mut Rendered,
) -> Vec<usize> {
    let urls: Vec<String> = [Format::Rss, Format::Atom, Format::Json]
        .iter()
        .map(|&f| feed_url(settings.base_url.as_ref(), &feed.path(f)))
        .collect();
    let meta = FeedMeta {
        title: feed.title.clone(),
        description: feed.description.clone(),
        site_link: &feed.link,
        rss_url: urls[0].clone(),
        atom_url: urls[1].clone(),
        json_url: urls[2].clone(),
        hub: settings.hub.as_deref(),
        language: &settings.language,
        author: settings.author.as_ref(),
        site_title: &settings.site_title,
        icon: settings.icon.as_deref(),
        image: feed.image.as_deref(),
        jekyll: feed.jekyll,
    };
    // jekyll-feed's feeds carry the content unless `excerpt_only`.
    let full = feed
        .jekyll
        .map_or(settings.content == ContentMode::Full, |j| !j.excerpt_only);
    // Entries in the order they are given up: oldest first.
    let mut oldest_first: Vec<usize> = (0..feed.entries.len()).collect();
    oldest_first.sort_by(|&a, &b| {
        let (a, b) = (&articles[feed.entries[a]], &articles[feed.entries[b]]);
        a.published
            .cmp(&b.published)
            .then_with(|| b.link.cmp(&a.link))
    });
    let mut errors = Vec::new();
    // `without_content` oldest entries lose their content, `dropped`
    // oldest entries are left out.
    let attempt = |without_content: usize, dropped: usize, errors: &mut Vec<Diagnostic>| {
        let mut full_of = vec![full; feed.entries.len()];
        let mut shown = vec![true; feed.entries.len()];
        for &position in &oldest_first[..without_content.min(oldest_first.len())] {
            full_of[position] = false;
        }
        for &position in &oldest_first[..dropped.min(oldest_first.len())] {
            shown[position] = false;
        }
        let entries: Vec<Entry> = feed
            .entries
            .iter()
            .enumerate()
            .filter(|(position, _)| shown[*position])
            .map(|(position, &i)| Entry {
                article: &articles[i],
                topics: topics
                    .of(i)
                    .iter()
                    .filter_map(|&t| topics.topics.get(t as usize))
                    .collect(),
                full: full_of[position],
            })
            .collect();
        let mut files = Vec::with_capacity(feed.formats.len());
        for &format in &feed.formats {
            let path = feed.path(format);
            let bytes = guarded(&path, errors, || super::render(format, &meta, &entries))?;
            files.push((format, bytes));
        }
        let kept: Vec<usize> = feed
            .entries
            .iter()
            .enumerate()
            .filter(|(position, _)| shown[*position])
            .map(|(_, &i)| i)
            .collect();
        Some((files, kept))
    };
    let largest =
        |files: &[(Format, Vec<u8>)]| files.iter().map(|(_, b)| b.len()).max().unwrap_or(0) as u64;
    let Some(mut best) = attempt(0, 0, &mut errors) else {
        out.errors.extend(errors);
        return feed.entries.clone();
    };
    let limit = feed.max_bytes;
    let n = feed.entries.len();
    if limit > 0 && largest(&best.0) > limit && n > 0 {
        let fits = |without: usize, dropped: usize, errors: &mut Vec<Diagnostic>| {
            attempt(without, dropped, errors).filter(|(files, _)| largest(files) <= limit)
        };
        // Smallest number of entries losing their content that fits …
        let content_steps = if full { n } else { 0 };
        let cut;
        let found = if full {
            first_fit(content_steps, |k| fits(k, 0, &mut Vec::new()))
        } else {
            None
        };
        match found {
            Some((k, result)) => {
                cut = (k, 0);
                best = result;
            }
            None => {
                // … else every entry without content, and the fewest
                // oldest entries left out (keeping at least one).
                let dropped = first_fit(n - 1, |m| fits(content_steps, m, &mut Vec::new()));
                let (m, result) = match dropped {
                    Some(found) => found,
                    None => match attempt(content_steps, n - 1, &mut errors) {
                        Some(result) => (n - 1, result),
                        None => {
                            out.errors.extend(errors);
                            return feed.entries.clone();
                        }
                    },
                };
                cut = (content_steps, m);
                best = result;
            }
        }
        let oldest = |n: usize| match n {
            1 => "the oldest entry".to_owned(),
            n => format!("the {n} oldest entries"),
        };
        let mut parts = Vec::new();
        if cut.0 > 0 {
            parts.push(format!("the full content of {}", oldest(cut.0)));
        }
        if cut.1 > 0 {
            parts.push(oldest(cut.1));
        }
        let still = if largest(&best.0) > limit {
            "; it is still over it with one entry"
        } else {
            ""
        };
        out.warnings.push(Diagnostic::warning(Code::FeedOverMaxBytes,
            feed.dir.clone() + feed.formats.first().map_or("", |f| f.file_name()),
            format!(
                "the feed is over max_bytes ({limit} bytes): {} left out{still}; raise `max_bytes` to keep them",
                parts.join(" and ")
            ),
        ));
    }
    out.errors.extend(errors);
    let (files, kept) = best;
    let count = kept.len();
    for (format, bytes) in files {
        out.files.push(RenderedFile {
            path: feed.path(format),
            bytes,
            entries: Some(count),
        });
    }
    kept
}

/// The smallest `k` in `0..=max` for which `try_k` gives a result, by
/// bisection (sizes only shrink as `k` grows); `None` when even `max` fails.
fn first_fit<T>(max: usize, mut try_k: impl FnMut(usize) -> Option<T>) -> Option<(usize, T)> {
    let mut best = (max, try_k(max)?);
    let (mut low, mut high) = (0, max);
    while low < high {
        let mid = low + (high - low) / 2;
        match try_k(mid) {
            Some(result) => {
                best = (mid, result);
                high = mid;
            }
            None => low = mid + 1,
        }
    }
    Some(best)
}

/// Run `render` for the output file `path`; a refusal or a panic becomes
/// an error naming the file, never an abort of the run.
fn guarded(
    path: &str,
    errors: &mut Vec<Diagnostic>,
    render: impl FnOnce() -> Result<Vec<u8>, RenderError>,
) -> Option<Vec<u8>> {
    match crate::panic_guard::catch(render) {
        Ok(Ok(bytes)) => Some(bytes),
        Ok(Err(e)) => {
            errors.push(Diagnostic::error(
                Code::RenderFailed,
                path,
                format!("cannot render: {e}"),
            ));
            None
        }
        Err(caught) => {
            errors.push(Diagnostic::error(
                Code::InternalError,
                path,
                format!(
                    "rendering failed (a bug in feedsmith){}; please report it",
                    caught.location_suffix()
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_rendering_is_an_error_naming_the_file() {
        let mut errors = Vec::new();
        let bytes = guarded("topics/x/rss.xml", &mut errors, || {
            panic!("boom at {}", 42);
        });
        assert_eq!(bytes, None);
        let shown = errors[0].to_string();
        assert!(
            shown.starts_with(
                "topics/x/rss.xml: error[internal-error]: rendering failed (a bug in feedsmith) (at src/render/site.rs:"
            ),
            "{shown}"
        );
        assert!(
            !shown.contains("boom"),
            "the message may quote input: {shown}"
        );
        let bytes = guarded("atom.xml", &mut errors, || Err(RenderError("no".into())));
        assert_eq!(bytes, None);
        assert!(errors[1]
            .to_string()
            .starts_with("atom.xml: error[render-failed]: cannot render"));
        assert_eq!(
            guarded("ok.xml", &mut errors, || Ok(b"x".to_vec())),
            Some(b"x".to_vec())
        );
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn first_fit_finds_the_smallest_fitting_step() {
        for threshold in 0..=10 {
            let found = first_fit(10, |k| (k >= threshold).then_some(k * 2));
            assert_eq!(found, Some((threshold, threshold * 2)));
        }
        assert_eq!(first_fit(10, |_| None::<()>), None);
    }
}
