//! The typed data that flows from `load` to `select` and `render`.
//! Only what feeds need is kept; `secured` and unknown keys never get here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One article, validated and normalised: every text is clean plain text,
/// every URL absolute http(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Path relative to the content folder, with `/` separators. Not
    /// serialised: the cache keeps it once, with the file's entry.
    #[serde(skip)]
    pub path: String,
    pub title: String,
    /// The entry's link, also its id and guid.
    pub link: String,
    /// File line of the key the link came from (`originalUrl` or
    /// `webUrl`): a duplicate-link warning points at it.
    pub link_line: Option<usize>,
    #[serde(with = "instant")]
    pub published: DateTime<Utc>,
    #[serde(with = "instant::option")]
    pub updated: Option<DateTime<Utc>>,
    /// The `type` key: article, video, download, …
    pub kind: String,
    pub quality: Option<i64>,
    pub heat: Option<i64>,
    /// `published: false` in the front matter.
    pub draft: bool,
    /// Topic names as written (cleaned, blank ones removed, no repeats).
    pub topics: Vec<String>,
    /// Kept in the light form: feeds filter and group by it.
    pub provider: Option<Provider>,
    /// The Jekyll collection the document belongs to (`posts` for
    /// `_posts`); `None` outside site mode.
    pub collection: Option<String>,
    /// Jekyll's `categories`/`category`, as Jekyll reads them (site mode).
    pub categories: Vec<String>,
    /// Jekyll's `tags`/`tag`, as Jekyll reads them (site mode).
    pub tags: Vec<String>,
    /// The Atom id when it differs from `link`: jekyll-feed's id for a
    /// document whose link is its own page. `None` keeps id = link.
    pub id: Option<String>,
    /// The document's URL path on the site as Jekyll makes it
    /// (`/2021/03/01/hello.html`, before `baseurl`), whatever its `link`:
    /// `{% link %}`, `{% post_url %}` and `page.url` read it. `None`
    /// outside site mode and for documents Jekyll writes no page for.
    pub site_path: Option<String>,
    /// What only a feed entry shows, behind one box: `None` in the light
    /// form that selection works on, so that form stays small.
    pub details: Option<Box<Details>>,
}

/// The parts of an article only its feed entry shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Details {
    pub summary: Option<String>,
    /// The lead image: the first usable one of `images`.
    pub image: Option<Image>,
    pub related: Vec<Related>,
    /// Raw HTML (`featuredContent`, e.g. a video's iframe), forbidden characters removed.
    pub featured_content: Option<String>,
    /// Kept only in `content: full` mode.
    pub body: Option<Body>,
}

impl Article {
    /// Keep only what selection needs (link, dates, flags, topics, provider,
    /// title):
    /// most articles never reach a feed, so the rest is read again, by
    /// `load::hydrate`, only for those that do.
    pub fn into_light(mut self) -> Article {
        self.details = None;
        self
    }

    /// The entry's id (Atom `id`, RSS `guid`): `id` when set, else the link.
    pub fn entry_id(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.link)
    }

    pub fn summary(&self) -> Option<&str> {
        self.details.as_ref()?.summary.as_deref()
    }

    pub fn provider(&self) -> Option<&Provider> {
        self.provider.as_ref()
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
}

/// The site's author, from the config: shown in every feed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    pub email: Option<String>,
    pub uri: Option<String>,
}

/// What an entry carries: the excerpt only, or full HTML content too.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ContentMode {
    #[default]
    Summary,
    Full,
}

/// Feed formats feedsmith writes, with their file names and media types:
/// the one table every stage, `serve` and the cli read them from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    /// The format whose file is called `name`, if any.
    pub fn of_file_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.file_name() == name)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    /// The `Content-Type` a server sends: with the charset for XML.
    pub fn served_media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json",
        }
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON Feed",
        }
    }
}

/// Instants as (seconds, nanoseconds) since the epoch in the cache: exact
/// for every date chrono holds (leap seconds too), and far cheaper to
/// decode than the RFC 3339 text chrono's own serde form is.
mod instant {
    use chrono::{DateTime, Utc};
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    fn to_parts(t: &DateTime<Utc>) -> (i64, u32) {
        (t.timestamp(), t.timestamp_subsec_nanos())
    }

    fn from_parts<E: Error>((secs, nanos): (i64, u32)) -> Result<DateTime<Utc>, E> {
        DateTime::from_timestamp(secs, nanos).ok_or_else(|| E::custom("instant out of range"))
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        to_parts(t).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        from_parts(<(i64, u32)>::deserialize(d)?)
    }

    pub mod option {
        use super::{from_parts, to_parts};
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            t.as_ref().map(to_parts).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<(i64, u32)>::deserialize(d)?
                .map(from_parts)
                .transpose()
        }
    }

    #[cfg(test)]
    mod tests {
        use crate::model::Article;
        use chrono::{DateTime, NaiveDate, Utc};

        #[test]
        fn instants_round_trip_exactly_at_the_extremes() {
            let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
                .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
                .map(|t| t.and_utc())
                .unwrap();
            for t in [
                DateTime::<Utc>::MIN_UTC,
                DateTime::<Utc>::MAX_UTC,
                leap,
                DateTime::UNIX_EPOCH,
            ] {
                let article = Article {
                    updated: Some(t),
                    ..crate::testing::article("", "https://x/a", t)
                };
                let bytes = postcard::to_stdvec(&article).unwrap();
                assert_eq!(
                    postcard::from_bytes::<Article>(&bytes).unwrap(),
                    article,
                    "{t:?}"
                );
            }
        }
    }
}
