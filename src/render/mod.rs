//! Stage 3, `render`: turn selected entries into feed documents, one
//! module per format. Rendering is pure: same input, same bytes.

mod atom;
mod content;
mod html;
mod jsonfeed;
mod opml;
mod rss;

use crate::config::{Author, ContentMode};
use crate::model::Article;
use crate::select::Topic;
use chrono::{DateTime, Utc};

pub use content::full_html;
pub use html::{autodiscovery_links, index_html};
pub use opml::opml;

/// The generator named in every feed.
pub const GENERATOR: &str = "feedsmith";
pub const GENERATOR_URI: &str = "https://github.com/feedsmith/feedsmith";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Media RSS, used for entry images in both formats.
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// Feed formats feedsmith writes, with their file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
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

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
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

/// Feed-level metadata, already resolved to absolute URLs.
#[derive(Debug, Clone)]
pub struct FeedMeta<'a> {
    pub title: String,
    pub description: String,
    /// The site the feed is about (`<link>`, Atom alternate).
    pub site_link: &'a str,
    /// This feed's own URL in each format.
    pub rss_url: String,
    pub atom_url: String,
    pub json_url: String,
    /// WebSub hub announced in every feed.
    pub hub: Option<&'a str>,
    pub language: &'a str,
    pub author: Option<&'a Author>,
    /// Site title, the Atom author when no author is configured.
    pub site_title: &'a str,
    pub icon: Option<&'a str>,
    pub logo: Option<&'a str>,
    /// RSS channel image: topic image, else logo, else icon.
    pub image: Option<&'a str>,
    pub content: ContentMode,
    /// The site's URL from the config. Not used by rendering any more:
    /// relative URLs in a body resolve against the article's own link.
    pub site_url: Option<&'a url::Url>,
}

/// An entry with the topics it shows as categories.
pub struct Entry<'a> {
    pub article: &'a Article,
    pub topics: Vec<&'a Topic>,
}

/// Render one feed in `format`.
pub fn render(format: Format, meta: &FeedMeta, entries: &[Entry]) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Rss => rss::render(meta, entries),
        Format::Atom => atom::render(meta, entries),
        Format::Json => jsonfeed::render(meta, entries),
    }
}

/// The XML writer failed; only possible on a bug, never on input text.
#[derive(Debug, thiserror::Error)]
#[error("cannot render feed: {0}")]
pub struct RenderError(pub String);

/// The RSS Best Practices Profile's form of plain text: `&` written as
/// `&#x26;` and `<` as `&#x3C;` (the same characters to any XML parser;
/// the W3C validator warns, CharacterData, on `&amp;`/`&lt;` in plain text
/// holding `&#`, `</` or `<letter`). Applied to a whole document written
/// by an XML writer, so every `&` starts a reference; CDATA sections and
/// the text of the elements named in `skip` (HTML content) are left as
/// they are, and so are tags with their attributes. One linear pass.
fn hex_char_refs(xml: &[u8], skip: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(xml.len() + xml.len() / 32);
    let mut rest = xml;
    let mut skipping = false;
    while let Some(&first) = rest.first() {
        let len = if rest.starts_with(b"<![CDATA[") {
            let end = rest.windows(3).position(|w| w == b"]]>");
            let len = end.map_or(rest.len(), |e| e + 3);
            out.extend_from_slice(&rest[..len]);
            len
        } else if first == b'<' {
            let mut quote = None;
            let mut len = rest.len();
            for (i, &b) in rest.iter().enumerate().skip(1) {
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => quote = Some(b),
                    None if b == b'>' => {
                        len = i + 1;
                        break;
                    }
                    None => {}
                }
            }
            let tag = &rest[..len];
            if tag.len() > 1 && !matches!(tag[1], b'/' | b'?' | b'!') {
                let name_len = tag[1..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                    .unwrap_or(tag.len() - 1);
                let name = &tag[1..1 + name_len];
                skipping = skip.iter().any(|s| s.as_bytes() == name);
            }
            out.extend_from_slice(tag);
            len
        } else {
            let len = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
            let text = &rest[..len];
            if skipping {
                out.extend_from_slice(text);
            } else {
                let mut t = text;
                while let Some(amp) = t.iter().position(|&b| b == b'&') {
                    out.extend_from_slice(&t[..amp]);
                    t = &t[amp..];
                    if t.starts_with(b"&amp;") {
                        out.extend_from_slice(b"&#x26;");
                        t = &t[5..];
                    } else if t.starts_with(b"&lt;") {
                        out.extend_from_slice(b"&#x3C;");
                        t = &t[4..];
                    } else {
                        out.push(b'&');
                        t = &t[1..];
                    }
                }
                out.extend_from_slice(t);
            }
            len
        };
        rest = &rest[len..];
    }
    out
}

/// Feed-level date: the newest entry's updated date; the Unix epoch for an
/// empty feed, so that output never depends on the clock.
fn feed_updated(entries: &[Entry]) -> DateTime<Utc> {
    entries
        .iter()
        .map(|e| e.article.updated_or_published())
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// The newest published date, for RSS `pubDate`.
fn feed_published(entries: &[Entry]) -> Option<DateTime<Utc>> {
    entries.iter().map(|e| e.article.published).max()
}

/// What the index page and the OPML list say about one feed.
#[derive(Debug, Clone)]
pub struct FeedSummary<'a> {
    /// `None` for the overall feed.
    pub slug: Option<&'a str>,
    pub name: &'a str,
    pub description: String,
    pub article_count: usize,
    pub newest: Option<&'a Article>,
    /// Absolute URLs, in `Format::ALL` order.
    pub urls: [String; 3],
    /// Slug of the parent topic, when the taxonomy gives one that has a feed.
    pub parent: Option<&'a str>,
}

/// The site-level documents: index page and OPML.
#[derive(Debug, Clone)]
pub struct SiteMeta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub site_link: &'a str,
    pub language: &'a str,
    pub author: Option<&'a Author>,
    pub opml_format: Format,
}

impl FeedSummary<'_> {
    pub fn url(&self, format: Format) -> &str {
        let index = Format::ALL.iter().position(|f| *f == format).unwrap_or(0);
        &self.urls[index]
    }
}

#[cfg(test)]
mod tests {
    use super::hex_char_refs;

    #[test]
    fn hex_refs_in_plain_text_only() {
        let xml = concat!(
            "<?xml version=\"1.0\"?><rss a=\"x&amp;y\"><title>AT&amp;amp;T &lt;tags&gt; &quot;q&quot;</title>",
            "<description><![CDATA[<p>&lt;raw&amp;</p>]]></description>",
            "<content type=\"html\">&lt;p&gt;A &amp;amp; B&lt;/p&gt;</content><summary>&lt;/b&gt;</summary></rss>"
        );
        let out = String::from_utf8(hex_char_refs(xml.as_bytes(), &["content"])).unwrap();
        assert_eq!(
            out,
            concat!(
                "<?xml version=\"1.0\"?><rss a=\"x&amp;y\"><title>AT&#x26;amp;T &#x3C;tags&gt; &quot;q&quot;</title>",
                "<description><![CDATA[<p>&lt;raw&amp;</p>]]></description>",
                "<content type=\"html\">&lt;p&gt;A &amp;amp; B&lt;/p&gt;</content><summary>&#x3C;/b&gt;</summary></rss>"
            )
        );
        let doc = roxmltree::Document::parse(&out).unwrap();
        assert_eq!(
            doc.descendants()
                .find(|n| n.has_tag_name("title"))
                .and_then(|n| n.text()),
            Some("AT&amp;T <tags> \"q\"")
        );
    }
}
