//! The typed data that flows from `load` to `select` and `render`.
//! Only what feeds need is kept; `secured` and unknown keys never get here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One article, validated and normalised: every text is clean plain text,
/// every URL absolute http(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Path relative to the content folder, with `/` separators.
    pub path: String,
    pub title: String,
    /// The entry's link, also its id and guid.
    pub link: String,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    /// The `type` key: article, video, download, …
    pub kind: String,
    pub quality: Option<i64>,
    pub heat: Option<i64>,
    /// `published: false` in the front matter.
    pub draft: bool,
    /// Topic names as written (cleaned, blank ones removed, no repeats).
    pub topics: Vec<String>,
    /// What only a feed entry shows, behind one box: `None` in the light
    /// form that selection works on, so that form stays small.
    pub details: Option<Box<Details>>,
}

/// The parts of an article only its feed entry shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Details {
    pub summary: Option<String>,
    pub provider: Option<Provider>,
    /// The lead image: the first usable one of `images`.
    pub image: Option<Image>,
    pub related: Vec<Related>,
    /// Raw HTML (`featuredContent`, e.g. a video's iframe), forbidden characters removed.
    pub featured_content: Option<String>,
    /// Kept only in `content: full` mode.
    pub body: Option<Body>,
}

impl Article {
    /// A bare article for unit tests: only the required fields set.
    #[cfg(test)]
    pub fn bare(path: &str, link: &str, published: DateTime<Utc>) -> Article {
        Article {
            path: path.into(),
            title: path.into(),
            link: link.into(),
            published,
            updated: None,
            kind: "article".into(),
            quality: None,
            heat: None,
            draft: false,
            topics: Vec::new(),
            details: None,
        }
    }

    /// Keep only what selection needs (link, dates, flags, topics, title):
    /// most articles never reach a feed, so the rest is read again, by
    /// `load::hydrate`, only for those that do.
    pub fn into_light(mut self) -> Article {
        self.details = None;
        self
    }

    pub fn summary(&self) -> Option<&str> {
        self.details.as_ref()?.summary.as_deref()
    }

    pub fn provider(&self) -> Option<&Provider> {
        self.details.as_ref()?.provider.as_ref()
    }

    pub fn image(&self) -> Option<&Image> {
        self.details.as_ref()?.image.as_ref()
    }

    pub fn related(&self) -> &[Related] {
        self.details.as_ref().map_or(&[], |d| &d.related)
    }

    pub fn featured_content(&self) -> Option<&str> {
        self.details.as_ref()?.featured_content.as_deref()
    }

    pub fn body(&self) -> Option<&Body> {
        self.details.as_ref()?.body.as_ref()
    }

    /// The entry's updated date: `updatedDateTime` when given and not older
    /// than the published date, else the published date.
    pub fn updated_or_published(&self) -> DateTime<Utc> {
        match self.updated {
            Some(updated) if updated > self.published => updated,
            _ => self.published,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Eq)]
pub struct Provider {
    pub name: String,
    /// `https://<domain>` when the domain is a valid host name.
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Eq)]
pub struct Image {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Eq)]
pub struct Related {
    pub title: String,
    pub url: String,
}

/// The text after the front matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Eq)]
pub struct Body {
    pub text: String,
    /// Markdown (`.md`, `.markdown`) rather than HTML (`.html`).
    pub markdown: bool,
}

/// One topic of the taxonomy (`_data/topics/*.yaml` or config `topics:`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxonomyTopic {
    pub id: String,
    pub name: String,
    pub shortname: Option<String>,
    /// The parent topic's name, id or shortname.
    pub parent: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
    pub keywords: Vec<String>,
}
