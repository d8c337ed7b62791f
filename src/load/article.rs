//! Front-matter fields → a typed [`Article`], forgiving where the brief
//! allows (optional fields: warnings) and strict where feeds need it
//! (title, date, link: errors).

use super::site_document::SiteDocument;
use super::site_urls::LinkResolver;
use super::{date, link};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Article, Body, Details, Image, Provider, Related};
use crate::text;
use crate::yaml::{self, Node};
use url::Url;

/// The top-level keys feedsmith reads in `content: summary` mode; every
/// other key is skipped unparsed.
pub fn is_summary_key(key: &str) -> bool {
    matches!(
        key,
        "title"
            | "excerpt"
            | "publishedDateTime"
            | "updatedDateTime"
            | "originalUrl"
            | "webUrl"
            | "type"
            | "quality"
            | "heat"
            | "published"
            | "provider"
            | "topics"
            | "images"
    )
}

/// The keys read in `content: full` mode: also what the HTML content shows.
pub fn is_full_content_key(key: &str) -> bool {
    is_summary_key(key) || matches!(key, "related" | "featuredContent")
}

/// Keys whose values never reach any output, nor anything equal to them.
pub fn is_secret_key(key: &str) -> bool {
    key == "secured"
}

/// The keys of `content: summary` and of `content: full` mode.
pub const SUMMARY_KEYS: yaml::Keys = yaml::Keys {
    keep: is_summary_key,
    secret: is_secret_key,
};
pub const FULL_CONTENT_KEYS: yaml::Keys = yaml::Keys {
    keep: is_full_content_key,
    secret: is_secret_key,
};

/// Longest title kept, in characters; longer ones are cut at a word
/// boundary with a warning. Real titles are under 200.
pub const MAX_TITLE_CHARS: usize = 300;
/// Largest body or `featuredContent` an entry's `content: full` HTML takes
/// (2 MiB): sanitising builds a tree of the whole fragment, so a larger one
/// (10 MB of links or nested elements) would cost seconds and hundreds of
/// megabytes. Real articles stay far below; a larger one shows its summary.
pub const MAX_CONTENT_BYTES: usize = 2 << 20;

/// Default most topics kept per article (config `max_topics`).
pub const DEFAULT_MAX_TOPICS: usize = 100;

/// What the article builder needs besides the fields.
pub struct Context<'a> {
    pub path: &'a str,
    pub yaml: &'a str,
    /// File line of the first YAML line.
    pub first_line: usize,
    pub site_url: Option<&'a Url>,
    /// The Jekyll document, in site mode.
    pub site: Option<&'a SiteDocument>,
    pub body: Option<Body>,
    /// File line on which the body's text starts, for Liquid warnings;
    /// 0 when no Liquid is read (`site_links` is `None`).
    pub body_line: usize,
    /// Site mode: every document's URL. With it a body's Liquid is
    /// rendered; without it (the first reading of a site, whose bodies
    /// reach no feed) it is left alone.
    pub site_links: Option<&'a LinkResolver<'a>>,
    /// Topics beyond this many are dropped with a warning.
    pub max_topics: usize,
}

/// Build the article, pushing every problem found to `out`. Returns `None`
/// when an error makes the file unusable.
pub fn build(mapping: yaml::Mapping, cx: &Context, out: &mut Vec<Diagnostic>) -> Option<Article> {
    let yaml::Mapping { entries, dropped } = mapping;
    let mut f = Fields {
        fields: entries,
        cx,
        body: cx.body.clone(),
        out,
    };
    for key in dropped {
        // Never the value itself: it is a secret's.
        f.report(
            &key,
            Code::SecretRepeated,
            false,
            format!("`{key}` repeats a value of `secured` (through a YAML alias?); ignored"),
        );
    }
    let Some(doc) = cx.site else {
        let title = f.title();
        let published = f.date("publishedDateTime", true);
        let link = f.link();
        let (title, published, (link, link_line)) = (title?, published??, link?);
        let updated = f.date("updatedDateTime", false).flatten();
        return f.finish(title, published, link, link_line, updated);
    };
    let title = match f.get("title") {
        None => Some(crate::site::entries::titleize(&raw_slug(&f, cx.path))),
        Some(_) => f.title(),
    };
    let published = f.site_published(doc);
    let categories = crate::site::entries::categories(&doc.place.path_categories, &f.fields);
    let tags = crate::site::entries::tags(&f.fields);
    let own = f.get("originalUrl").is_none() && f.get("webUrl").is_none();
    let paths = match published {
        Some(Some(at)) => Some(f.site_paths(doc, at, &categories)),
        _ => None,
    };
    let site_path = match &paths {
        Some(Ok((path, _))) => Some(path.clone()),
        _ => None,
    };
    let (link, id) = match (own, paths) {
        (true, Some(paths)) => match f.own_link(doc, paths) {
            Some((link, id)) => (Some((link, None)), Some(id)),
            None => (None, None),
        },
        (true, None) => (None, None),
        (false, _) => (f.link(), None),
    };
    f.render_liquid(doc, site_path.as_deref());
    let (title, published, (link, link_line)) = (title?, published??, link?);
    let updated = match f.date("updatedDateTime", false).flatten() {
        Some(updated) => Some(updated),
        None => f.site_date("last_modified_at", doc, false).flatten(),
    };
    let mut article = f.finish(title, published, link, link_line, updated)?;
    if article.topics.is_empty() && !f.fields.iter().any(|(k, _)| k == "topics") {
        article.topics = topics_of(&categories, &tags, cx.max_topics);
    }
    // In a site a draft is what `_drafts` holds; `published: false` reaches
    // here only with `--unpublished`, which makes it an entry, as in Jekyll.
    article.draft = doc.place.draft;
    article.collection = doc.place.collection.clone();
    article.categories = categories;
    article.tags = tags;
    article.id = id;
    article.site_path = site_path;
    Some(article)
}

/// Jekyll's categories and tags as topics, for a document without `topics`.
fn topics_of(categories: &[String], tags: &[String], max: usize) -> Vec<String> {
    let mut topics: Vec<String> = Vec::new();
    for name in categories.iter().chain(tags) {
        let name = text::clean_line(name);
        if !name.is_empty() && !topics.contains(&name) && topics.len() < max {
            topics.push(name);
        }
    }
    topics
}

/// Jekyll's `slug`: the front matter's, else the file name without its
/// date prefix and extension.
fn raw_slug(f: &Fields, path: &str) -> String {
    if let Some(Node::Str(slug)) = f.get("slug") {
        return slug.clone();
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    match crate::site::date::file_name_parts(name) {
        Some(parts) => parts.slug.to_owned(),
        None => name
            .rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .to_owned(),
    }
    .trim_end_matches('.')
    .to_owned()
}

impl Fields<'_, '_> {
    /// The rest of the article, once its title, date and link are known.
    fn finish(
        &mut self,
        title: String,
        published: chrono::DateTime<chrono::Utc>,
        link: String,
        link_line: Option<usize>,
        updated: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Option<Article> {
        let f = self;
        let cx = f.cx;
        // Fields are read in this order so that problems are reported in it.
        // A site's document without `excerpt`: Jekyll's excerpt of its body.
        let summary = f.summary().or_else(|| {
            let body = f.body.as_ref()?;
            let separator = &cx.site?.site.config.excerpt_separator;
            let excerpt = crate::site::excerpt::excerpt(&body.text, separator, body.markdown)?;
            Some(text::truncate_words(&excerpt, text::MAX_SUMMARY_CHARS).unwrap_or(excerpt))
        });
        let kind = f.string("type").unwrap_or_else(|| "article".to_owned());
        let quality = f.integer("quality");
        let heat = f.integer("heat");
        let draft = f.boolean("published") == Some(false);
        let provider = f.provider();
        let topics = f.topics();
        let details = Details {
            summary,
            image: f.image(),
            related: f.related(),
            featured_content: f.featured_content(),
            body: f.body.take(),
        };
        Some(Article {
            path: cx.path.to_owned(),
            title,
            link,
            link_line,
            published,
            updated,
            kind,
            quality,
            heat,
            draft,
            topics,
            provider,
            collection: None,
            categories: Vec::new(),
            tags: Vec::new(),
            id: None,
            site_path: None,
            details: Some(Box::new(details)),
        })
    }
}

/// Why a site's document has no URL path of its own.
enum NoSitePath {
    /// Jekyll writes no page for its folder.
    NoPage,
    /// Its permalink gives none.
    Permalink(String),
}

struct Fields<'a, 'b> {
    fields: Vec<(String, Node)>,
    cx: &'a Context<'a>,
    /// The body, its Liquid rendered once the document's URL is known.
    body: Option<Body>,
    out: &'b mut Vec<Diagnostic>,
}

impl Fields<'_, '_> {
    fn get(&self, key: &str) -> Option<&Node> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| **v != Node::Null)
    }

    /// A diagnostic positioned at the line where `key` is written.
    fn report(&mut self, key: &str, code: Code, error: bool, message: String) {
        let d = if error {
            Diagnostic::error(code, self.cx.path, message)
        } else {
            Diagnostic::warning(code, self.cx.path, message)
        };
        let line = self.line_of(key);
        self.out.push(d.at(line, line.map(|_| 1)));
    }

    /// The file line where the top-level `key` is written.
    fn line_of(&self, key: &str) -> Option<usize> {
        yaml::key_line(self.cx.yaml, key, 0).map(|l| l + self.cx.first_line - 1)
    }

    /// A required key that is not there: line 1, the file's start.
    fn missing(&mut self, key: &str, code: Code) {
        let d = Diagnostic::error(code, self.cx.path, format!("missing `{key}`"));
        self.out.push(d.at(Some(1), None));
    }

    fn wrong_type(&mut self, key: &str, expected: &str, node_kind: &str) {
        self.report(
            key,
            Code::WrongType,
            false,
            format!("`{key}` should be {expected}, found {node_kind}; ignored"),
        );
    }

    fn title(&mut self) -> Option<String> {
        match self.get("title") {
            None => {
                self.missing("title", Code::MissingTitle);
                None
            }
            Some(Node::Str(raw)) => {
                let title = text::clean_line(raw);
                if title.is_empty() {
                    self.report("title", Code::EmptyTitle, true, "`title` is empty".into());
                    return None;
                }
                match text::truncate_words(&title, MAX_TITLE_CHARS) {
                    Some(cut) => {
                        let len = title.chars().count();
                        self.report(
                            "title",
                            Code::LongTitle,
                            false,
                            format!("`title` is {len} characters long; cut to {MAX_TITLE_CHARS}"),
                        );
                        Some(cut)
                    }
                    None => Some(title),
                }
            }
            Some(other) => {
                let kind = other.kind();
                self.report(
                    "title",
                    Code::WrongType,
                    true,
                    format!("`title` must be a string, found {kind}"),
                );
                None
            }
        }
    }

    /// `Some(None)` when the optional date is absent; `None` on error.
    fn date(&mut self, key: &str, required: bool) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
        let raw = match self.get(key) {
            None if required => {
                self.missing(key, Code::MissingDate);
                return None;
            }
            None => return Some(None),
            Some(Node::Str(s)) => s.clone(),
            Some(other) => {
                let kind = other.kind();
                self.report(
                    key,
                    Code::WrongType,
                    required,
                    format!("`{key}` must be a date, found {kind}"),
                );
                return if required { None } else { Some(None) };
            }
        };
        match date::parse(&raw) {
            Ok(parsed) => {
                if let Some(written) = two_digit_date(&raw) {
                    self.report(
                        key,
                        Code::OneDigitDate,
                        false,
                        format!("`{key}` `{}` has a one-digit month or day; write `{written}`: other tools read it differently or not at all", text::clean_line(&raw)),
                    );
                }
                if parsed.assumed_utc {
                    self.report(
                        key,
                        Code::NoTimeZone,
                        false,
                        format!("`{key}` `{raw}` has no time zone; taken as UTC"),
                    );
                }
                Some(Some(parsed.instant))
            }
            Err(problem) => {
                let what = if required { "" } else { "; ignored" };
                let raw = text::clean_line(&raw);
                let message = match problem {
                    date::DateProblem::NotADate => format!("`{key}` `{raw}` is not a date (use RFC 3339, e.g. 2022-01-03T22:24:00Z){what}"),
                    date::DateProblem::OutOfRange { year } => format!("`{key}` `{raw}` is in year {year} (UTC); feeds take years 0 to 9999{what}"),
                };
                self.date_failed(key, required, message)
            }
        }
    }

    /// A date key that could not be read: an error when `required` (`None`),
    /// else a warning and no date (`Some(None)`).
    fn date_failed(
        &mut self,
        key: &str,
        required: bool,
        message: String,
    ) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
        self.report(key, Code::BadDate, required, message);
        if required {
            None
        } else {
            Some(None)
        }
    }

    /// Site mode's published date: `publishedDateTime`, else Jekyll's
    /// `date:`, else the file name's `YYYY-MM-DD-` (midnight in the site's
    /// time zone). `None` on error.
    fn site_published(
        &mut self,
        doc: &SiteDocument,
    ) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
        if self.get("publishedDateTime").is_some() {
            return self.date("publishedDateTime", true);
        }
        if self.get("date").is_some() {
            return self.site_date("date", doc, true);
        }
        let name = self.cx.path.rsplit('/').next().unwrap_or(self.cx.path);
        let zone = doc.site.config.timezone;
        Some(
            crate::site::date::from_file_name(name)
                .map(|day| crate::site::date::file_name_instant(day, zone)),
        )
    }

    /// A Jekyll date key (`date`, `last_modified_at`) in the site's time zone.
    fn site_date(
        &mut self,
        key: &str,
        doc: &SiteDocument,
        required: bool,
    ) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
        use crate::site::date::{parse_written, DateError, Written};
        let raw = match self.get(key)? {
            Node::Str(s) => s.clone(),
            Node::Int(i) => i.to_string(),
            other => {
                let kind = other.kind();
                self.report(
                    key,
                    Code::WrongType,
                    required,
                    format!("`{key}` must be a date, found {kind}"),
                );
                return if required { None } else { Some(None) };
            }
        };
        // Psych types a plain value (a zoneless timestamp is UTC to Jekyll);
        // a quoted one stays a string, read in the site's zone.
        let written = if yaml::is_quoted(self.cx.yaml, key) {
            Written::Quoted
        } else {
            Written::Plain
        };
        match parse_written(&raw, written, doc.site.config.timezone) {
            Ok(at) => Some(Some(at)),
            Err(problem) => {
                let what = if required { "" } else { "; ignored" };
                let raw = text::clean_line(&raw);
                let message = match problem {
                    DateError::NotADate => format!("`{key}` `{raw}` is not a date (Jekyll's forms: 2021-03-01 13:29:00 +0100, 2021-03-01, RFC 3339){what}"),
                    DateError::OutOfRange { year } => format!("`{key}` `{raw}` is in year {year}; feeds take years 0 to 9999{what}"),
                };
                self.date_failed(key, required, message)
            }
        }
    }

    /// The document's URL path on the site as Jekyll computes it, and the
    /// path of jekyll-feed's id for it (both before `url` + `baseurl`);
    /// why there is none otherwise.
    fn site_paths(
        &self,
        doc: &SiteDocument,
        published: chrono::DateTime<chrono::Utc>,
        categories: &[String],
    ) -> Result<(String, String), NoSitePath> {
        use crate::site::permalink::{self, DocumentUrlInput, Permalink};
        let config = &doc.site.config;
        let (Some(label), true) = (doc.place.collection.as_deref(), doc.place.output) else {
            return Err(NoSitePath::NoPage);
        };
        let site_style = Permalink::parse(&config.permalink);
        let own_template = config
            .collection(label)
            .and_then(|c| c.permalink.as_deref());
        let template = permalink::collection_template(label, own_template, &site_style);
        let front_permalink = match self.get("permalink") {
            Some(Node::Str(p)) => Some(p.clone()),
            _ => None,
        };
        let slug = match self.get("slug") {
            Some(Node::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let input = DocumentUrlInput {
            collection: label,
            collection_dir: &doc.place.collection_dir,
            relative_path: self.cx.path,
            template: &template,
            permalink: front_permalink.as_deref(),
            date: published.with_timezone(&config.timezone),
            slug: slug.as_deref(),
            categories,
            output_ext: ".html",
        };
        let path = permalink::url(&input).map_err(|e| NoSitePath::Permalink(e.to_string()))?;
        let id = permalink::document_id(&input, &path);
        Ok((path, id))
    }

    /// A document's own page on the site, with jekyll-feed's id for it:
    /// (link, id), both absolute. `None` with an error when the site has
    /// no `url` or the document no page.
    fn own_link(
        &mut self,
        doc: &SiteDocument,
        paths: Result<(String, String), NoSitePath>,
    ) -> Option<(String, String)> {
        let config = &doc.site.config;
        let (path, id) = match paths {
            Ok(paths) => paths,
            Err(NoSitePath::NoPage) => {
                self.out.push(Diagnostic::error(
                    Code::MissingLink,
                    self.cx.path,
                    "no link: neither `originalUrl` nor `webUrl` is set, and Jekyll writes no page for this folder",
                ));
                return None;
            }
            Err(NoSitePath::Permalink(e)) => {
                self.report("permalink", Code::BadLink, true, format!("no link: {e}"));
                return None;
            }
        };
        let Some(site_url) = config.url.as_deref() else {
            self.out.push(Diagnostic::error(
                Code::MissingLink,
                self.cx.path,
                "no link: neither `originalUrl` nor `webUrl` is set, and _config.yml has no `url` to make the page's URL from",
            ));
            return None;
        };
        use crate::site::permalink::absolute_url;
        let link = absolute_url(site_url, &config.baseurl, &path);
        let id = absolute_url(site_url, &config.baseurl, &id);
        match link::resolve(&link, None) {
            Ok(_) => Some((link, id)),
            Err(reason) => {
                self.out.push(Diagnostic::error(
                    Code::BadLink,
                    self.cx.path,
                    format!(
                        "no usable link: the page's URL {}: {reason}",
                        text::clean_line(&link)
                    ),
                ));
                None
            }
        }
    }

    /// Jekyll renders a document's Liquid before its Markdown: `page` is
    /// the front matter with defaults and the document's `url`. Only with
    /// the site's URLs (see [`Context::site_links`]).
    fn render_liquid(&mut self, doc: &SiteDocument, site_path: Option<&str>) {
        let (Some(links), Some(body)) = (self.cx.site_links, self.body.as_mut()) else {
            return;
        };
        let mut page = self.fields.clone();
        page.retain(|(k, _)| k != "url" && k != "path");
        if let Some(url) = site_path {
            page.push(("url".into(), Node::Str(url.to_owned())));
        }
        page.push(("path".into(), Node::Str(self.cx.path.to_owned())));
        let page = Node::Map(page);
        let cx = crate::site::liquid::LiquidContext {
            path: self.cx.path,
            body_line: self.cx.body_line,
            site: &doc.site.config.node,
            page: &page,
            post_urls: &links.urls.posts,
            link_url: &|path| links.url(path),
        };
        let (text, warnings) = crate::site::liquid::render(&body.text, &cx);
        body.text = text;
        self.out.extend(warnings);
    }

    /// `originalUrl` when it gives a valid link, else `webUrl`; with the
    /// file line of the key it came from.
    fn link(&mut self) -> Option<(String, Option<usize>)> {
        let mut reasons = Vec::new();
        for key in ["originalUrl", "webUrl"] {
            match self.get(key) {
                None => {}
                Some(Node::Str(raw)) => match link::resolve(raw, self.cx.site_url) {
                    Ok(url) => {
                        for (key, reason) in reasons {
                            self.report(
                                key,
                                Code::BadLink,
                                false,
                                format!("`{key}` dropped: {reason}"),
                            );
                        }
                        return Some((url, self.line_of(key)));
                    }
                    Err(reason) => reasons.push((key, reason)),
                },
                Some(other) => {
                    reasons.push((key, format!("must be a string, found {}", other.kind())))
                }
            }
        }
        if reasons.is_empty() {
            self.out.push(
                Diagnostic::error(
                    Code::MissingLink,
                    self.cx.path,
                    "no link: neither `originalUrl` nor `webUrl` is set",
                )
                .at(Some(1), None),
            );
        }
        for (key, reason) in reasons {
            self.report(
                key,
                Code::BadLink,
                true,
                format!("no usable link: `{key}`: {reason}"),
            );
        }
        None
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Node::Str(s) => Some(text::clean_line(s)).filter(|s| !s.is_empty()),
            other => {
                let kind = other.kind();
                self.wrong_type(key, "a string", kind);
                None
            }
        }
    }

    fn integer(&mut self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Node::Int(i) => Some(*i),
            Node::Float(f) if f.is_finite() => Some(f.round() as i64),
            other => {
                let kind = other.kind();
                self.wrong_type(key, "a number", kind);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Node::Bool(b) => Some(*b),
            other => {
                let kind = other.kind();
                self.wrong_type(key, "true or false", kind);
                None
            }
        }
    }

    fn summary(&mut self) -> Option<String> {
        let summary = self.string("excerpt")?;
        match text::truncate_words(&summary, text::MAX_SUMMARY_CHARS) {
            Some(cut) => {
                let len = summary.chars().count();
                self.report(
                    "excerpt",
                    Code::LongExcerpt,
                    false,
                    format!(
                        "`excerpt` is {len} characters long; cut to {}",
                        text::MAX_SUMMARY_CHARS
                    ),
                );
                Some(cut)
            }
            None => Some(summary),
        }
    }

    fn provider(&mut self) -> Option<Provider> {
        let node = self.get("provider")?;
        let Node::Map(_) = node else {
            let kind = node.kind();
            self.wrong_type("provider", "a mapping", kind);
            return None;
        };
        let name = match node.get("name") {
            Some(Node::Str(s)) => text::clean_line(s),
            _ => String::new(),
        };
        if name.is_empty() {
            self.report(
                "provider",
                Code::ProviderWithoutName,
                false,
                "`provider` has no `name`; ignored".into(),
            );
            return None;
        }
        let url = match node.get("domain") {
            Some(Node::Str(domain)) => provider_url(domain),
            _ => None,
        };
        Some(Provider { name, url })
    }

    fn topics(&mut self) -> Vec<String> {
        if let Some(Node::Str(name)) = self.get("topics") {
            if name.contains(',') {
                let name = text::clean_line(name);
                self.report(
                    "topics",
                    Code::CommaList,
                    false,
                    format!("`topics` is the string `{name}`: one topic, commas and all; write a list (`[a, b]`) if several were meant"),
                );
            }
        }
        let single;
        let items: &[Node] = match self.get("topics") {
            None => return Vec::new(),
            Some(Node::Seq(items)) => items,
            Some(s @ Node::Str(_)) => {
                single = [s.clone()];
                &single
            }
            Some(other) => {
                let kind = other.kind();
                self.wrong_type("topics", "a list of names", kind);
                return Vec::new();
            }
        };
        let max = self.cx.max_topics;
        let mut topics: Vec<String> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let (mut skipped, mut over) = (0usize, 0usize);
        for item in items {
            match item {
                Node::Str(s) => {
                    let name = text::clean_line(s);
                    if name.is_empty() || seen.contains(&name) {
                        continue;
                    }
                    if topics.len() < max {
                        seen.insert(name.clone());
                        topics.push(name);
                    } else {
                        over += 1;
                        seen.insert(name);
                    }
                }
                _ => skipped += 1,
            }
        }
        if skipped > 0 {
            self.report(
                "topics",
                Code::WrongType,
                false,
                format!("{skipped} topic(s) in `topics` are not strings; ignored"),
            );
        }
        if over > 0 {
            self.report(
                "topics",
                Code::TooManyTopics, false,
                format!(
                    "{} topics, more than the {max} allowed (config `max_topics`); the last {over} dropped",
                    max + over
                ),
            );
        }
        topics
    }

    fn image(&mut self) -> Option<Image> {
        let found = match self.get("images")? {
            Node::Seq(items) => {
                let mut dropped: Vec<String> = Vec::new();
                let mut found = None;
                for item in items {
                    let Some(Node::Str(raw)) = item.get("url") else {
                        continue;
                    };
                    match link::resolve(raw, self.cx.site_url) {
                        Ok(url) => {
                            found = Some((url, item.get("width"), item.get("height")));
                            break;
                        }
                        // One line each for the first few, then a count.
                        Err(reason) => dropped.push(reason),
                    }
                }
                let found = found.map(|(url, w, h)| (url, w.cloned(), h.cloned()));
                self.report_dropped_images(dropped);
                found
            }
            other => {
                let kind = other.kind();
                self.wrong_type("images", "a list", kind);
                return None;
            }
        };
        let (url, width, height) = found?;
        let width = self.dimension(width.as_ref(), "width");
        let height = self.dimension(height.as_ref(), "height");
        Some(Image { url, width, height })
    }

    fn report_dropped_images(&mut self, reasons: Vec<String>) {
        const SHOWN: usize = 3;
        let total = reasons.len();
        for reason in reasons.into_iter().take(SHOWN) {
            self.report(
                "images",
                Code::BadImage,
                false,
                format!("image dropped: {reason}"),
            );
        }
        if total > SHOWN {
            self.report(
                "images",
                Code::BadImage,
                false,
                format!("{} more images dropped", total - SHOWN),
            );
        }
    }

    /// A positive pixel size; anything else is dropped with a warning.
    fn dimension(&mut self, value: Option<&Node>, key: &str) -> Option<u32> {
        match value? {
            Node::Int(i) if (1..=100_000).contains(i) => u32::try_from(*i).ok(),
            Node::Null => None,
            other => {
                let shown = match other {
                    Node::Int(i) => i.to_string(),
                    Node::Float(f) if f.is_finite() => format!("{f}"),
                    other => other.kind().to_owned(),
                };
                self.report(
                    "images",
                    Code::BadImage,
                    false,
                    format!("image {key} {shown} is not a positive size; dropped"),
                );
                None
            }
        }
    }

    fn related(&mut self) -> Vec<Related> {
        let items = match self.get("related") {
            None => return Vec::new(),
            Some(Node::Seq(items)) => items,
            Some(other) => {
                let kind = other.kind();
                self.wrong_type("related", "a list", kind);
                return Vec::new();
            }
        };
        items
            .iter()
            .filter_map(|item| {
                let title = match item.get("title") {
                    Some(Node::Str(s)) => text::clean_line(s),
                    _ => return None,
                };
                let url = ["originalUrl", "webUrl", "url"].iter().find_map(|key| {
                    match item.get(key) {
                        Some(Node::Str(raw)) => link::resolve(raw, self.cx.site_url).ok(),
                        _ => None,
                    }
                })?;
                (!title.is_empty()).then_some(Related { title, url })
            })
            .collect()
    }

    fn featured_content(&mut self) -> Option<String> {
        match self.get("featuredContent")? {
            Node::Str(html) if html.len() > MAX_CONTENT_BYTES => {
                let len = html.len();
                self.report(
                    "featuredContent",
                    Code::LargeContent, false,
                    format!("`featuredContent` is {len} bytes, over the {MAX_CONTENT_BYTES} a feed entry carries; left out"),
                );
                None
            }
            Node::Str(html) => {
                Some(text::strip_forbidden(html).trim().to_owned()).filter(|s| !s.is_empty())
            }
            other => {
                let kind = other.kind();
                self.wrong_type("featuredContent", "an HTML string", kind);
                None
            }
        }
    }
}

/// The date part of `raw` written with two-digit month and day
/// (`2022-01-03`) when `raw` starts `2022-1-3`: chrono takes one digit,
/// RFC 3339 and most readers do not.
fn two_digit_date(raw: &str) -> Option<String> {
    let raw = raw.trim_start();
    let end = raw.find(['T', 't', ' ']).unwrap_or(raw.len());
    let mut parts = raw[..end].splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let short = month.len() == 1 || day.len() == 1;
    (short && digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2))
        .then(|| format!("{year}-{month:0>2}-{day:0>2}"))
}

/// `https://<domain>` when `domain` is a bare host name.
fn provider_url(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_end_matches('/');
    if domain.is_empty()
        || domain.contains(['/', '@', ':', '?', '#'])
        || domain.contains(char::is_whitespace)
    {
        return None;
    }
    let url = Url::parse(&format!("https://{domain}")).ok()?;
    url.host_str()
        .is_some_and(|h| h.contains('.'))
        .then(|| url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build_from(yaml_text: &str, site: Option<&Url>) -> (Option<Article>, Vec<Diagnostic>) {
        let fields = yaml::parse_mapping(yaml_text, FULL_CONTENT_KEYS).unwrap();
        let cx = Context {
            path: "a.md",
            yaml: yaml_text,
            first_line: 2,
            site_url: site,
            site: None,
            body: None,
            body_line: 1,
            site_links: None,
            max_topics: DEFAULT_MAX_TOPICS,
        };
        let mut out = Vec::new();
        let article = build(fields, &cx, &mut out);
        (article, out)
    }

    const MINIMAL: &str =
        "title: T\npublishedDateTime: 2022-01-03T22:24:00Z\nwebUrl: https://e.example/a\n";

    #[test]
    fn builds_a_minimal_article_with_defaults() {
        let (a, out) = build_from(MINIMAL, None);
        let a = a.unwrap();
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            (a.kind.as_str(), a.draft, a.link.as_str()),
            ("article", false, "https://e.example/a")
        );
    }

    #[test]
    fn prefers_original_url_and_falls_back_to_web_url() {
        let (a, _) = build_from(
            &format!("{MINIMAL}originalUrl: https://o.example/x\n"),
            None,
        );
        assert_eq!(a.unwrap().link, "https://o.example/x");
        let (a, out) = build_from(
            &format!("{MINIMAL}originalUrl: 'javascript:alert(1)'\n"),
            None,
        );
        assert_eq!(a.unwrap().link, "https://e.example/a");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].line, Some(5));
    }

    #[test]
    fn missing_or_bad_required_fields_are_errors() {
        let (a, out) = build_from(
            "title: [a, b]\npublishedDateTime: soon\noriginalUrl: /x\n",
            None,
        );
        assert!(a.is_none());
        assert_eq!(out.iter().filter(|d| d.is_error()).count(), 3, "{out:?}");
        assert_eq!(out[0].line, Some(2));
    }

    #[test]
    fn wrong_types_in_optional_fields_are_warnings() {
        let text = format!("{MINIMAL}quality: high\npublished: maybe\ntopics: Solo\nimages: [{{url: 'https://i.example/x.png', width: -5, height: 10}}]\nprovider: {{name: P, domain: p.example}}\n");
        let (a, out) = build_from(&text, None);
        let a = a.unwrap();
        assert!(out.iter().all(|d| !d.is_error()));
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(a.quality, None);
        assert!(!a.draft);
        assert_eq!(a.topics, ["Solo"]);
        assert_eq!(
            a.image().cloned(),
            Some(Image {
                url: "https://i.example/x.png".into(),
                width: None,
                height: Some(10)
            })
        );
        assert_eq!(
            a.provider().unwrap().url.as_deref(),
            Some("https://p.example/")
        );
    }

    #[test]
    fn relative_image_resolves_against_site_url() {
        let site = Url::parse("https://site.example/").unwrap();
        let (a, _) = build_from(
            &format!("{MINIMAL}images: [{{url: /assets/a.jpg}}]\n"),
            Some(&site),
        );
        assert_eq!(
            a.unwrap().image().unwrap().url,
            "https://site.example/assets/a.jpg"
        );
    }

    #[test]
    fn long_excerpt_is_cut_with_a_warning() {
        let text = format!("{MINIMAL}excerpt: \"{}\"\n", "word ".repeat(1000));
        let (a, out) = build_from(&text, None);
        assert!(a.unwrap().summary().unwrap().chars().count() <= text::MAX_SUMMARY_CHARS + 1);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn likely_mistakes_are_warnings_at_their_key() {
        let text = "title: T\npublishedDateTime: 2022-1-3\nwebUrl: https://e.example/a\ntopics: AI, Machine Learning\n";
        let (a, out) = build_from(text, None);
        let a = a.unwrap();
        assert_eq!(a.topics, ["AI, Machine Learning"], "taken as written");
        let shown: Vec<String> = out.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                "a.md:3:1: warning[one-digit-date]: `publishedDateTime` `2022-1-3` has a one-digit month or day; write `2022-01-03`: other tools read it differently or not at all",
                "a.md:5:1: warning[comma-list]: `topics` is the string `AI, Machine Learning`: one topic, commas and all; write a list (`[a, b]`) if several were meant",
            ]
        );
    }

    #[test]
    fn two_digit_dates_and_lists_are_fine() {
        for date in ["2022-01-03", "2022-12-31T23:59:59Z", "next week", "2022-1"] {
            assert_eq!(two_digit_date(date), None, "{date}");
        }
        assert_eq!(
            two_digit_date("2022-10-3 10:00").as_deref(),
            Some("2022-10-03")
        );
        let (_, out) = build_from(&format!("{MINIMAL}topics: [AI, Machine Learning]\n"), None);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_missing_key_is_reported_at_line_1() {
        let (_, out) = build_from("webUrl: https://e.example/a\n", None);
        let shown: Vec<String> = out.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                "a.md:1: error[missing-title]: missing `title`",
                "a.md:1: error[missing-date]: missing `publishedDateTime`",
            ]
        );
    }
}
