//! Stage 3, `render`: turn selected entries into feed documents, one
//! module per format. Rendering is pure: same input, same bytes.

mod atom;
mod content;
mod html;
mod jsonfeed;
mod opml;
mod page;
mod redirects;
mod rss;
mod site;

pub use crate::model::Format;
use crate::model::{Article, Author};
use crate::select::{Feed, Topic};
use chrono::{DateTime, Utc};

pub use content::{document_html, full_html};
pub use html::{autodiscovery_links, index_html};
pub use opml::opml;
pub use page::{feed_page, Look, PAGE_CSS_FILE, PAGE_CSS_MAX};
pub use redirects::{read_redirect_map, redirect_map, REDIRECTS_FILE};
pub use site::{feed_url, site, summaries, RenderSettings, Rendered, RenderedFile};

/// The generator named in every feed.
pub const GENERATOR: &str = "feedsmith";
pub const GENERATOR_URI: &str = "https://github.com/feedsmith/feedsmith";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Media RSS, used for entry images in RSS and Atom.
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// Feed-level metadata, already resolved to absolute URLs.
#[derive(Debug, Clone)]
pub struct FeedMeta<'a> {
    pub title: String,
    pub description: String,
    /// The page the feed is about (`<link>`, Atom alternate).
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
    /// The site's small square icon (Atom `icon`, JSON Feed `favicon`).
    pub icon: Option<&'a str>,
    /// The feed's image (RSS `image`, Atom `logo`, JSON Feed `icon`):
    /// a topic's or a definition's, else the site logo, else the icon.
    pub image: Option<&'a str>,
    /// Entries as jekyll-feed writes them (its feeds, in site mode).
    pub jekyll: Option<crate::select::JekyllEntries>,
}

/// An entry with the topics it shows as categories.
pub struct Entry<'a> {
    pub article: &'a Article,
    pub topics: Vec<&'a Topic>,
    /// Whether it carries its full content (`content: full`, unless
    /// `max_bytes` left it out).
    pub full: bool,
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

/// What the index page, the OPML list and the listings say about one feed.
#[derive(Debug, Clone)]
pub struct FeedSummary<'a> {
    pub feed: &'a Feed,
    /// Entries the feed holds, after `limit` and `max_bytes`.
    pub entries: usize,
    /// Its most recently published entry.
    pub newest: Option<&'a Article>,
    /// Absolute URLs (relative without a base URL) of its formats, in the
    /// feed's order.
    pub urls: Vec<(Format, String)>,
}

impl FeedSummary<'_> {
    pub fn url(&self, format: Format) -> Option<&str> {
        self.urls
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, url)| url.as_str())
    }

    /// The URL in `preferred` format, else in its first one.
    pub fn url_or_first(&self, preferred: Format) -> &str {
        self.url(preferred)
            .or_else(|| self.urls.first().map(|(_, url)| url.as_str()))
            .unwrap_or("")
    }
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
