//! A feed as a value: what `select` hands to `render`, the index page, the
//! OPML list, `feeds`/`topics` and `serve`. Nothing downstream builds a
//! feed's path or title on its own.

use crate::model::Format;

/// Where a feed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FeedKind {
    /// Every selected article: the feeds at the root of the out folder.
    Overall,
    /// One per topic, under `topics/`.
    Topic,
    /// From the config's `feeds:` list (the index of the definition).
    Defined(usize),
}

/// One feed, in every format it is written in.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub kind: FeedKind,
    /// Folder under the out folder, `""` or ending in `/` (`topics/ai/`).
    pub dir: String,
    /// The value a `per` feed (or a topic feed) is for, as a slug.
    pub key: Option<String>,
    /// Short name shown in lists: the topic's or the value's name.
    pub name: String,
    pub title: String,
    pub description: String,
    /// The page the feed is about (RSS `link`, Atom alternate), absolute;
    /// empty when neither a site URL nor a base URL is known.
    pub link: String,
    /// Feed image, absolute.
    pub image: Option<String>,
    /// `dir` of the feed this one sits under in lists (a parent topic).
    pub parent: Option<String>,
    /// Heading of the group the feed is listed in; `""` for the overall feed.
    pub group: String,
    /// Indices into the article list, in feed order, at most `limit`.
    pub entries: Vec<usize>,
    /// Articles that matched the feed, before `limit`.
    pub matched: usize,
    pub formats: Vec<Format>,
    /// Largest size of any of its files, in bytes; 0 = no limit.
    pub max_bytes: u64,
    /// Old `dir`s of this feed: redirected to it.
    pub aliases: Vec<String>,
    /// The one file of a feed written at a given path (jekyll-feed's
    /// `feed.xml`, `feed/news.xml`), relative to the out folder; such a
    /// feed has no page and is listed nowhere.
    pub file: Option<String>,
    /// Entries as jekyll-feed writes them (site mode).
    pub jekyll: Option<JekyllEntries>,
}

/// How jekyll-feed writes entries: titles through `smartify`, ids from
/// `Article::id`, the document's own HTML as content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JekyllEntries {
    /// `feed.excerpt_only`: no content.
    pub excerpt_only: bool,
}

impl Feed {
    /// The file of `format`, relative to the out folder.
    pub fn path(&self, format: Format) -> String {
        match &self.file {
            Some(file) => file.clone(),
            None => format!("{}{}", self.dir, format.file_name()),
        }
    }

    /// The feed's page, relative to the out folder.
    pub fn page_path(&self) -> String {
        format!("{}{PAGE_FILE}", self.dir)
    }
}

/// A feed's page (and the root index page) in its folder.
pub const PAGE_FILE: &str = "index.html";

/// Folder of the topic feeds.
pub const TOPICS_DIR: &str = "topics/";
