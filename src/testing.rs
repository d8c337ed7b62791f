//! Values for tests, benches and fuzz targets, built in one place: an
//! article, a feed's metadata, a topic. Not part of the stable interface.

use crate::model::{Article, Details};
use crate::render::FeedMeta;
use crate::select::Topic;
use chrono::{DateTime, Utc};

/// An article with only the required fields set (its title is its path),
/// in the full form (with empty details), as `load` gives a hydrated one.
pub fn article(path: &str, link: &str, published: DateTime<Utc>) -> Article {
    Article {
        path: path.into(),
        title: path.into(),
        link: link.into(),
        link_line: None,
        published,
        updated: None,
        kind: "article".into(),
        quality: None,
        heat: None,
        draft: false,
        topics: Vec::new(),
        provider: None,
        collection: None,
        categories: Vec::new(),
        tags: Vec::new(),
        id: None,
        site_path: None,
        details: Some(Box::<Details>::default()),
    }
}

/// Everything `load` does to one file's bytes, without the file system:
/// the article (in full form), or `None` with the reason in the
/// diagnostics. What the `article_to_feeds` fuzz target and the parse
/// bench drive.
pub fn parse_article(
    bytes: &[u8],
    relative: &str,
    site_url: Option<&url::Url>,
    keep_body: bool,
) -> (Option<Article>, Vec<crate::diagnostic::Diagnostic>) {
    crate::load::parse_article(bytes, relative, site_url, keep_body)
}

/// `2024-01-01T00:00:00Z`, the date of every test article unless told.
pub fn new_year() -> DateTime<Utc> {
    DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default()
}

/// Metadata of a feed served at `https://e.example/`, with a hub.
pub fn feed_meta() -> FeedMeta<'static> {
    FeedMeta {
        title: "T".into(),
        description: "D".into(),
        site_link: "https://e.example/",
        rss_url: "https://e.example/rss.xml".into(),
        atom_url: "https://e.example/atom.xml".into(),
        json_url: "https://e.example/feed.json".into(),
        hub: Some("https://hub.example/"),
        language: "en",
        author: None,
        site_title: "T",
        icon: None,
        image: None,
        jekyll: None,
    }
}

/// Where the fast front-matter reader answers and disagrees with the full
/// YAML parser (`secured` kept out, as `load` does): both answers, for the
/// fuzz target `yaml_fast_reader`; `None` when they agree or the fast
/// reader declines.
pub fn yaml_fast_reader_disagreement(text: &str) -> Option<String> {
    let keys = crate::yaml::Keys {
        keep: |k| k != "secured",
        secret: |k| k == "secured",
    };
    let (fast, full) = crate::yaml::both_readers(text, keys)?;
    (fast != full).then(|| format!("{text:?}: fast reader {fast:?}, full parser {full:?}"))
}

/// A topic as selection makes it from a name not in the taxonomy.
pub fn topic(name: &str) -> Topic {
    Topic {
        slug: crate::select::slugify(name),
        name: name.to_owned(),
        description: None,
        image: None,
        parent: None,
    }
}
