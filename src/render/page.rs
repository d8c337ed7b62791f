//! A feed's page: `<feed folder>/index.html`, what a person sees who opens
//! a feed in a browser (browsers no longer style feeds with XSLT). Its
//! newest entries (title linked to the article, date, provider, thumbnail,
//! summary) and how to subscribe (links in every format, autodiscovery
//! tags). The overall feed's page is the root `index.html`, written by
//! [`super::index_html`] with [`entries`] below its list of feeds.
//!
//! Plain HTML5 like the index page: no script, no external style sheet or
//! font, the built-in style inline (then the site's `page_css`, so it can
//! override it), links between pages relative, article links absolute,
//! every text escaped, the same bytes for the same input. Thumbnails are
//! the one thing loaded from other hosts (see README, "Feed pages").

use super::{FeedSummary, SiteMeta, VERSION};
use crate::model::Article;
use crate::select::{Feed, PAGE_FILE};
use crate::text::escape_html as esc;
use std::fmt::Write;

/// The site's `page_css`, copied into the out folder under this name.
pub const PAGE_CSS_FILE: &str = "page.css";

/// Largest `page_css` read, in bytes.
pub const PAGE_CSS_MAX: u64 = 1 << 20;

/// Style of the entry lists, the page header and the subscribe box, added
/// to the index page's style.
pub(super) const STYLE: &str = "
header .logo { display: block; height: 3rem; width: auto; max-width: 100%; margin: 0 0 .5rem; }
nav p { margin: 0 0 .5rem; }
h1, h2, h3 { overflow-wrap: anywhere; }
.entries { list-style: none; padding: 0; margin: 1rem 0; }
.entries li { display: flow-root; padding: .75rem 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.entries h3 { margin: 0 0 .25rem; font-size: 1.125rem; }
.entries p { margin: .25rem 0; }
.entries .thumb { float: right; width: 8rem; height: auto; margin: 0 0 .5rem 1rem; border-radius: .25rem; }
.feeds { padding-left: 1.25rem; }
.feeds li { margin: .25rem 0; }
.feeds code { overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  .entries .thumb { width: 5.5rem; margin-left: .75rem; }
}
";

/// How every page of a run looks.
#[derive(Debug, Clone, Copy)]
pub struct Look<'a> {
    /// Feed pages are written (config `pages`).
    pub pages: bool,
    /// `page.css` is written at the root of the out folder.
    pub css: bool,
    /// The site logo, absolute.
    pub logo: Option<&'a str>,
}

/// `../` once per folder of `dir` (`topics/ai/` → `../../`): the way from
/// a page in `dir` back to the root of the out folder.
pub fn to_root(dir: &str) -> String {
    "../".repeat(dir.matches('/').count())
}

/// What a page's `<head>` holds besides the site's settings.
pub(super) struct Head<'a> {
    /// The page's folder, `""` or ending in `/`.
    pub dir: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// The feed whose autodiscovery tags it carries.
    pub feed: Option<&'a FeedSummary<'a>>,
    pub style: &'a str,
}

/// The `<head>` of a page, from `<!DOCTYPE html>` to `</head>`.
pub(super) fn head(out: &mut String, site: &SiteMeta, look: &Look, page: &Head) {
    let Head {
        dir,
        title,
        description,
        feed,
        style,
    } = *page;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<meta name=\"description\" content=\"{}\">\n<meta name=\"generator\" content=\"feedsmith {VERSION}\">\n",
        esc(site.language),
        esc(title),
        esc(description)
    );
    if let Some(feed) = feed {
        out.push_str(&super::autodiscovery_links(feed));
    }
    let _ = writeln!(out, "<style>{style}</style>");
    if look.css {
        let _ = writeln!(
            out,
            "<link rel=\"stylesheet\" href=\"{}{PAGE_CSS_FILE}\">",
            esc(&to_root(dir))
        );
    }
    out.push_str("</head>\n");
}

/// The site logo, at the top of a page's header.
pub(super) fn logo(out: &mut String, look: &Look) {
    if let Some(logo) = look.logo {
        let _ = writeln!(out, "<img class=\"logo\" src=\"{}\" alt=\"\">", esc(logo));
    }
}

/// The page of one feed (not the overall feed: its page is the root
/// `index.html`), holding `entries`, the feed's entries in feed order.
/// `feeds` is every feed of the run, for the link to its parent's page.
pub fn feed_page(
    site: &SiteMeta,
    look: &Look,
    feed: &FeedSummary,
    feeds: &[FeedSummary],
    entries: &[&Article],
) -> Vec<u8> {
    let f = feed.feed;
    let root = to_root(&f.dir);
    let mut out = String::new();
    let style = format!("{}{STYLE}", super::html::STYLE);
    head(
        &mut out,
        site,
        look,
        &Head {
            dir: &f.dir,
            title: &f.title,
            description: &f.description,
            feed: Some(feed),
            style: &style,
        },
    );
    out.push_str("<body>\n<header>\n");
    logo(&mut out, look);
    let _ = write!(
        out,
        "<nav><p><a href=\"{}{PAGE_FILE}\">{}</a>",
        esc(&root),
        esc(site.title)
    );
    if let Some(parent) = f.parent.as_deref().and_then(|p| {
        feeds
            .iter()
            .find(|o| o.feed.dir == p && o.feed.dir != f.dir)
    }) {
        let _ = write!(
            out,
            " › <a href=\"{}\">{}</a>",
            esc(&page_href(&root, parent.feed)),
            esc(&parent.feed.name)
        );
    }
    out.push_str("</p></nav>\n");
    let _ = write!(
        out,
        "<h1>{}</h1>\n<p>{}</p>\n",
        esc(&f.title),
        esc(&f.description)
    );
    if !f.link.is_empty() {
        let _ = writeln!(
            out,
            "<p>Website: <a href=\"{}\">{}</a></p>",
            esc(&f.link),
            esc(&f.link)
        );
    }
    out.push_str("</header>\n<main>\n");
    subscribe(&mut out, feed);
    let _ = writeln!(out, "<h2>{}</h2>", held(feed));
    list(&mut out, entries);
    let _ = write!(
        out,
        "</main>\n<footer><p class=\"muted\"><a href=\"{}{PAGE_FILE}\">All feeds of {}</a>, as <a href=\"{}index.opml\">OPML</a>. Made by feedsmith {VERSION}.</p></footer>\n</body>\n</html>\n",
        esc(&root),
        esc(site.title),
        esc(&root)
    );
    out.into_bytes()
}

/// The link from a page whose way to the root is `root` to `feed`'s page.
fn page_href(root: &str, feed: &Feed) -> String {
    format!("{root}{}", feed.page_path())
}

/// A feed's page, relative to the root index page (`topics/ai/index.html`).
pub fn page_link(feed: &Feed) -> String {
    page_href("", feed)
}

/// "Newest entries", with how many the feed holds of how many matched.
fn held(feed: &FeedSummary) -> String {
    let matched = feed.feed.matched;
    let noun = if feed.entries == 1 {
        "entry"
    } else {
        "entries"
    };
    if matched == feed.entries {
        format!(
            "Newest entries <span class=\"muted\">({} {noun})</span>",
            feed.entries
        )
    } else {
        format!(
            "Newest entries <span class=\"muted\">({} {noun} of {matched} matching)</span>",
            feed.entries
        )
    }
}

/// How to subscribe: each format's link (relative, the feeds are beside
/// the page) with its absolute URL to copy into a reader.
fn subscribe(out: &mut String, feed: &FeedSummary) {
    out.push_str("<section>\n<h2>Subscribe</h2>\n<p>Copy a link into your feed reader:</p>\n<ul class=\"feeds\">\n");
    for (format, url) in &feed.urls {
        let file = format.file_name();
        let _ = writeln!(
            out,
            "<li><a href=\"{}\" type=\"{}\">{}</a> <code>{}</code></li>",
            esc(file),
            format.media_type(),
            format.label(),
            esc(url)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// The entries section of the root index page: the overall feed's
/// newest entries.
pub(super) fn newest(out: &mut String, overall: &FeedSummary, entries: &[&Article]) {
    let _ = writeln!(out, "<section id=\"newest\">\n<h2>{}</h2>", held(overall));
    list(out, entries);
    out.push_str("</section>\n");
}

/// The entries, in the order given.
pub fn list(out: &mut String, entries: &[&Article]) {
    if entries.is_empty() {
        out.push_str("<p class=\"muted\">No entries yet.</p>\n");
        return;
    }
    out.push_str("<ol class=\"entries\">\n");
    for article in entries {
        entry(out, article);
    }
    out.push_str("</ol>\n");
}

/// One entry. The thumbnail comes from the article's host: loaded lazily,
/// without a referrer, with its size when known so the page does not
/// shift as it arrives; `alt=""` since the title says what it shows.
fn entry(out: &mut String, article: &Article) {
    out.push_str("<li>\n");
    if let Some(image) = article.image() {
        let _ = write!(
            out,
            "<img class=\"thumb\" src=\"{}\" alt=\"\"",
            esc(&image.url)
        );
        if let (Some(width), Some(height)) = (image.width, image.height) {
            let _ = write!(out, " width=\"{width}\" height=\"{height}\"");
        }
        out.push_str(" loading=\"lazy\" decoding=\"async\" referrerpolicy=\"no-referrer\">\n");
    }
    let _ = writeln!(
        out,
        "<h3><a href=\"{}\">{}</a></h3>",
        esc(&article.link),
        esc(&article.title)
    );
    let _ = write!(
        out,
        "<p class=\"muted\"><time datetime=\"{}\">{}</time>",
        article.published.to_rfc3339(),
        article.published.format("%Y-%m-%d")
    );
    if let Some(provider) = article.provider() {
        let _ = write!(out, " · {}", esc(&provider.name));
    }
    out.push_str("</p>\n");
    if let Some(summary) = article.summary().filter(|s| !s.is_empty()) {
        let _ = writeln!(out, "<p>{}</p>", esc(summary));
    }
    out.push_str("</li>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_to_the_root() {
        assert_eq!(to_root(""), "");
        assert_eq!(to_root("videos/"), "../");
        assert_eq!(to_root("topics/ai/"), "../../");
    }
}
