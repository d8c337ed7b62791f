//! Runs the stages in order: load → select → render → write.

use crate::config::{ContentMode, Settings};
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, LoadOptions, Loaded};
use crate::render::{self, Entry, FeedMeta, FeedSummary, Format, SiteMeta};
use crate::select::{self, SelectOptions, Selection, Topic};
use crate::write::OutputFile;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The result of loading and selecting: everything but the output.
pub struct Prepared {
    pub loaded: Loaded,
    pub selection: Selection,
    /// Every problem, sorted by path.
    pub diagnostics: Vec<Diagnostic>,
    /// Articles in a feed that could not be read again (their file or
    /// folder is unreadable): the feeds holding them keep their previous
    /// version.
    pub unreadable_in_feeds: Vec<usize>,
}

impl Prepared {
    /// Article files read: valid ones and those skipped for errors.
    pub fn articles_read(&self) -> usize {
        self.loaded.articles.len() + self.loaded.error_files
    }

    /// Whether some folder or file could not be read (exit status 1).
    pub fn has_unreadable(&self) -> bool {
        !self.loaded.unreadable.is_empty() || !self.unreadable_in_feeds.is_empty()
    }

    /// The output files to leave as they are: the feeds (and their `.gz`
    /// twins) holding an article that could not be read again.
    pub fn held_files(&self) -> BTreeSet<String> {
        let mut held = BTreeSet::new();
        let mut add = |slug: Option<&str>| {
            for format in Format::ALL {
                let path = feed_path(slug, format);
                held.insert(format!("{path}.gz"));
                held.insert(path);
            }
        };
        for &i in &self.unreadable_in_feeds {
            if self.selection.overall.contains(&i) {
                add(None);
            }
            for topic in &self.selection.topics {
                if topic.entries.contains(&i) {
                    add(Some(&topic.slug));
                }
            }
        }
        held
    }
}

/// Load and select.
pub fn prepare(
    content_dir: &Path,
    out_dir: Option<&Path>,
    settings: &Settings,
    progress: &dyn load::Progress,
    cache: Option<Vec<u8>>,
) -> Result<Prepared, load::LoadError> {
    let options = LoadOptions {
        content_dir,
        include: &settings.include,
        exclude: &settings.exclude,
        site_url: settings.site_url.as_ref(),
        keep_body: settings.content == ContentMode::Full,
        max_file_size: settings.max_file_size,
        out_dir,
        max_topics: settings.max_topics,
        progress,
    };
    let mut loaded = load::load(&options, cache)?;
    let mut taxonomy = settings.topics.clone();
    taxonomy.append(&mut loaded.taxonomy);
    loaded.taxonomy = taxonomy;
    let select_options = SelectOptions {
        now: settings.now,
        drafts: settings.drafts,
        future: settings.future,
        min_quality: settings.min_quality,
        limit: settings.limit,
    };
    let selection = select::select(&loaded.articles, &loaded.taxonomy, &select_options);
    crate::trace("selected");
    let hydrated = load::hydrate(&mut loaded.articles, &selection.in_feeds, &options);
    // Files found unreadable only now are reported with the others.
    for &i in &hydrated.unreadable {
        let path = &loaded.articles[i].path;
        let covered = |u: &String| {
            u == path || ((u.is_empty() || u.ends_with('/')) && path.starts_with(u.as_str()))
        };
        if !loaded.unreadable.iter().any(covered) {
            loaded.unreadable.push(path.clone());
        }
    }
    loaded.unreadable.sort();
    let mut diagnostics: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .chain(&selection.diagnostics)
        .chain(&hydrated.diagnostics)
        .cloned()
        .collect();
    diagnostic::sort(&mut diagnostics);
    crate::trace("hydrated");
    Ok(Prepared {
        loaded,
        selection,
        diagnostics,
        unreadable_in_feeds: hydrated.unreadable,
    })
}

/// Where a feed lives, relative to the out folder.
pub fn feed_path(topic: Option<&str>, format: Format) -> String {
    match topic {
        None => format.file_name().to_owned(),
        Some(slug) => format!("topics/{slug}/{}", format.file_name()),
    }
}

/// A feed's absolute URL, under the base URL (or relative without one).
pub fn feed_url(settings: &Settings, topic: Option<&str>, format: Format) -> String {
    let path = feed_path(topic, format);
    match &settings.base_url {
        Some(base) => base.join(&path).map_or(path, String::from),
        None => path,
    }
}

/// Run `render` for the output file `path`; a refusal or a panic becomes
/// an error naming the file, never an abort of the run.
fn guarded(
    path: &str,
    errors: &mut Vec<Diagnostic>,
    render: impl FnOnce() -> Result<Vec<u8>, render::RenderError>,
) -> Option<Vec<u8>> {
    match crate::panic_guard::catch(render) {
        Ok(Ok(bytes)) => Some(bytes),
        Ok(Err(e)) => {
            errors.push(Diagnostic::error(path, format!("cannot render: {e}")));
            None
        }
        Err(caught) => {
            errors.push(Diagnostic::error(
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

/// Render every feed: overall, then each topic, each in every format.
/// Every file that cannot be rendered is an error naming it (`Err` holds
/// them all): `build` then writes nothing, and `check` reports them.
pub fn render_all(
    prepared: &Prepared,
    settings: &Settings,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let articles = &prepared.loaded.articles;
    let selection = &prepared.selection;
    let topic_of_name = topic_index(prepared);
    let site_link = settings
        .site_url
        .as_ref()
        .or(settings.base_url.as_ref())
        .map(|u| u.as_str().to_owned())
        .unwrap_or_default();
    let entries_of = |indices: &[usize]| -> Vec<Entry> {
        indices
            .iter()
            .map(|&i| {
                let article = &articles[i];
                let mut topics: Vec<&Topic> = Vec::new();
                for name in &article.topics {
                    if let Some(&t) = topic_of_name.get(name.as_str()) {
                        let topic = &selection.topics[t];
                        if !topics.iter().any(|seen| seen.slug == topic.slug) {
                            topics.push(topic);
                        }
                    }
                }
                Entry { article, topics }
            })
            .collect()
    };
    let default_image = settings.logo.as_deref().or(settings.icon.as_deref());
    let topic_images: Vec<Option<String>> = selection
        .topics
        .iter()
        .map(|t| {
            t.image.as_deref().and_then(|raw| {
                load::resolve_link(
                    raw,
                    settings.site_url.as_ref().or(settings.base_url.as_ref()),
                )
                .ok()
            })
        })
        .collect();

    let mut feeds: Vec<(Option<&str>, FeedMeta, Vec<Entry>)> = Vec::new();
    let base_meta = FeedMeta {
        title: settings.title.clone(),
        description: settings.description.clone(),
        site_link: &site_link,
        rss_url: feed_url(settings, None, Format::Rss),
        atom_url: feed_url(settings, None, Format::Atom),
        json_url: feed_url(settings, None, Format::Json),
        hub: settings.hub.as_deref(),
        language: &settings.language,
        author: settings.author.as_ref(),
        site_title: &settings.title,
        icon: settings.icon.as_deref(),
        logo: settings.logo.as_deref(),
        image: default_image,
        content: settings.content,
        site_url: settings.site_url.as_ref(),
    };
    feeds.push((None, base_meta.clone(), entries_of(&selection.overall)));
    for (topic, image) in selection.topics.iter().zip(&topic_images) {
        let slug = Some(topic.slug.as_str());
        let meta = FeedMeta {
            title: format!("{}: {}", settings.title, topic.name),
            description: topic_description(settings, topic),
            rss_url: feed_url(settings, slug, Format::Rss),
            atom_url: feed_url(settings, slug, Format::Atom),
            json_url: feed_url(settings, slug, Format::Json),
            image: image.as_deref().or(default_image),
            ..base_meta.clone()
        };
        feeds.push((slug, meta, entries_of(&topic.entries)));
    }

    let mut files = Vec::with_capacity(feeds.len() * Format::ALL.len() + 2);
    let mut errors = Vec::new();
    for (slug, meta, entries) in &feeds {
        for format in Format::ALL {
            let path = feed_path(*slug, format);
            if let Some(bytes) =
                guarded(&path, &mut errors, || render::render(format, meta, entries))
            {
                files.push(OutputFile {
                    path,
                    bytes,
                    entries: Some(entries.len()),
                });
            }
        }
    }

    let summaries = feed_summaries(prepared, settings);
    let site = SiteMeta {
        title: &settings.title,
        description: &settings.description,
        site_link: &site_link,
        language: &settings.language,
        author: settings.author.as_ref(),
        opml_format: settings.opml_format,
    };
    if let Some(bytes) = guarded(OPML_FILE, &mut errors, || {
        Ok(render::opml(&site, &summaries))
    }) {
        files.push(OutputFile {
            path: OPML_FILE.to_owned(),
            bytes,
            entries: None,
        });
    }
    if let Some(bytes) = guarded(INDEX_FILE, &mut errors, || {
        Ok(render::index_html(&site, &summaries))
    }) {
        files.push(OutputFile {
            path: INDEX_FILE.to_owned(),
            bytes,
            entries: None,
        });
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// The incremental cache, in the out folder: never served, not a feed.
pub const CACHE_FILE: &str = ".feedsmith-cache";

/// The OPML subscription list, in the out folder.
pub const OPML_FILE: &str = "index.opml";
/// The index page, in the out folder.
pub const INDEX_FILE: &str = "index.html";

/// `<name>.gz` next to every file, for nginx `gzip_static` and `serve`:
/// deterministic (no name, no timestamp in the header), so an unchanged
/// file keeps an unchanged `.gz`.
pub fn precompressed(files: &[OutputFile]) -> Vec<OutputFile> {
    use std::io::Write;
    files
        .iter()
        .map(|file| {
            let mut encoder = flate2::GzBuilder::new()
                .mtime(0)
                .write(Vec::new(), flate2::Compression::best());
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(&file.bytes);
            OutputFile {
                path: format!("{}.gz", file.path),
                bytes: encoder.finish().unwrap_or_default(),
                entries: None,
            }
        })
        .collect()
}

/// A topic feed's description: the taxonomy's, else one made from the site's.
fn topic_description(settings: &Settings, topic: &Topic) -> String {
    topic
        .description
        .clone()
        .unwrap_or_else(|| format!("Articles about {} from {}.", topic.name, settings.title))
}

/// The overall feed and every topic feed, summarised for the index page,
/// the OPML list and `topics`.
pub fn feed_summaries<'a>(prepared: &'a Prepared, settings: &'a Settings) -> Vec<FeedSummary<'a>> {
    let selection = &prepared.selection;
    let articles = &prepared.loaded.articles;
    let slugs: Vec<&str> = selection.topics.iter().map(|t| t.slug.as_str()).collect();
    let overall = FeedSummary {
        slug: None,
        name: &settings.title,
        description: settings.description.clone(),
        article_count: selection.counts.selected,
        newest: selection.overall.first().map(|&i| &articles[i]),
        urls: Format::ALL.map(|f| feed_url(settings, None, f)),
        parent: None,
    };
    std::iter::once(overall)
        .chain(selection.topics.iter().map(|t| FeedSummary {
            slug: Some(&t.slug),
            name: &t.name,
            description: topic_description(settings, t),
            article_count: t.article_count,
            newest: t.entries.first().map(|&i| &articles[i]),
            urls: Format::ALL.map(|f| feed_url(settings, Some(&t.slug), f)),
            parent: t.parent.as_deref().filter(|p| slugs.contains(p)),
        }))
        .collect()
}
/// Topic name as written in articles → index of its topic in the selection.
fn topic_index(prepared: &Prepared) -> HashMap<&str, usize> {
    let resolver = select::SlugResolver::new(&prepared.loaded.taxonomy);
    let topics = &prepared.selection.topics;
    let mut map = HashMap::new();
    // Only articles in a feed are ever looked up.
    for &i in &prepared.selection.in_feeds {
        for name in &prepared.loaded.articles[i].topics {
            if map.contains_key(name.as_str()) {
                continue;
            }
            let slug = resolver.slug(name);
            if let Ok(i) = topics.binary_search_by(|t| t.slug.as_str().cmp(&slug)) {
                map.insert(name.as_str(), i);
            }
        }
    }
    map
}

/// Whether the overall feeds already in `out_dir` have entries: the guard
/// against replacing good feeds with empty ones (empty or unmounted content
/// folder, every file broken).
pub fn existing_feeds_have_entries(out_dir: &Path) -> bool {
    let holds = |format: Format, tag: &str| {
        crate::load::read::read_own_file(&out_dir.join(feed_path(None, format)), 1 << 30)
            .ok()
            .flatten()
            .is_some_and(|bytes| String::from_utf8_lossy(&bytes).contains(tag))
    };
    holds(Format::Rss, "<item>") || holds(Format::Atom, "<entry>")
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
                "topics/x/rss.xml: error: rendering failed (a bug in feedsmith) (at src/pipeline.rs:"
            ),
            "{shown}"
        );
        assert!(
            !shown.contains("boom"),
            "the message may quote input: {shown}"
        );
        let bytes = guarded("atom.xml", &mut errors, || {
            Err(render::RenderError("no".into()))
        });
        assert_eq!(bytes, None);
        assert!(errors[1]
            .to_string()
            .starts_with("atom.xml: error: cannot render"));
        assert_eq!(
            guarded("ok.xml", &mut errors, || Ok(b"x".to_vec())),
            Some(b"x".to_vec())
        );
        assert_eq!(errors.len(), 2);
    }
}
