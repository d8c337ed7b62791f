//! The index page of the out folder, and the autodiscovery tags a site can
//! paste into its own pages. Plain HTML5: no JavaScript, no external
//! resources, readable on a phone, the same bytes for the same input.

use super::page::{self, Look};
use super::{FeedSummary, SiteMeta, VERSION};
use crate::model::Article;
use crate::select::FeedKind;
use crate::text::escape_html as esc;
use std::fmt::Write;

pub(super) const STYLE: &str = "
:root { color-scheme: light dark; --muted: #667; --line: #ccd; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }
header p { margin: .25rem 0; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid var(--line); }
td.count { text-align: right; }
.subscribe a { white-space: nowrap; margin-right: .5rem; }
.child td:first-child { padding-left: 1.5rem; }
.unit { display: none; }
@media (max-width: 40rem) {
  thead { display: none; }
  table, tbody, tr, td { display: block; width: auto; }
  tr { border-bottom: 1px solid var(--line); padding: .5rem 0; }
  td { border: 0; padding: .125rem 0; }
  td.count { text-align: left; }
  .unit { display: inline; }
  .child td:first-child { padding-left: 0; }
}
";

/// `<link rel="alternate">` tags for one feed, in every format it has.
pub fn autodiscovery_links(feed: &FeedSummary) -> String {
    let mut out = String::new();
    for (format, url) in &feed.urls {
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" type=\"{}\" title=\"{} ({})\" href=\"{}\">",
            format.media_type(),
            esc(&feed.feed.title),
            format.label(),
            esc(url)
        );
    }
    out
}

/// `index.html`: the feeds by group (the overall feed, topics under their
/// parent, each other group under its heading), each with its description,
/// how many entries it holds of how many articles matched, its newest
/// entry and links in every format, and a link to the OPML list. Links
/// between the out folder's files are relative, so the page works wherever
/// the folder is served. With feed pages on (`look.pages`), it is the
/// overall feed's page too: each feed's name links to its page, the site
/// logo heads it and `newest` (the overall feed's entries) follows the
/// list.
pub fn index_html(
    site: &SiteMeta,
    feeds: &[FeedSummary],
    look: &Look,
    newest: Option<&[&Article]>,
) -> Vec<u8> {
    let mut out = String::new();
    let overall = feeds.iter().find(|f| f.feed.kind == FeedKind::Overall);
    let style = if look.pages {
        format!("{STYLE}{}", page::STYLE)
    } else {
        STYLE.to_owned()
    };
    page::head(
        &mut out,
        site,
        look,
        &page::Head {
            dir: "",
            title: &format!("{} — feeds", site.title),
            description: site.description,
            feed: overall,
            style: &style,
        },
    );
    out.push_str("<body>\n<header>\n");
    if look.pages {
        page::logo(&mut out, look);
    }
    let _ = write!(
        out,
        "<h1>{}</h1>\n<p>{}</p>\n",
        esc(site.title),
        esc(site.description)
    );
    let _ = write!(
        out,
        "<p>Copy a feed link into your feed reader, or import <a href=\"index.opml\">all feeds as OPML</a>. Website: <a href=\"{}\">{}</a></p>\n</header>\n<main>\n",
        esc(site.site_link),
        esc(site.site_link)
    );
    for (group, members) in groups(feeds) {
        if !group.is_empty() {
            let _ = writeln!(out, "<h2>{}</h2>", esc(group));
        }
        out.push_str("<table>\n<thead><tr><th scope=\"col\">Feed</th><th scope=\"col\">Entries</th><th scope=\"col\">Newest</th><th scope=\"col\">Subscribe</th></tr></thead>\n<tbody>\n");
        for feed in tree_order(&members) {
            row(&mut out, feed, look.pages);
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if let (Some(overall), Some(entries)) = (overall, newest) {
        page::newest(&mut out, overall, entries);
    }
    let _ = write!(
        out,
        "</main>\n<footer><p class=\"muted\">Made by feedsmith {VERSION}.</p></footer>\n</body>\n</html>\n"
    );
    out.into_bytes()
}

/// A feed's name in its row, linked to its page when there is one.
fn name(feed: &FeedSummary, pages: bool) -> String {
    let name = esc(&feed.feed.name);
    if pages && feed.feed.kind != FeedKind::Overall && !feed.feed.dir.is_empty() {
        format!(
            "<a href=\"{}\">{name}</a>",
            esc(&page::page_link(feed.feed))
        )
    } else if pages && feed.feed.kind == FeedKind::Overall {
        format!("<a href=\"#newest\">{name}</a>")
    } else {
        name.into_owned()
    }
}

/// Feeds by group heading, in order of first appearance.
pub(super) fn groups<'a, 'b>(
    feeds: &'b [FeedSummary<'a>],
) -> Vec<(&'b str, Vec<&'b FeedSummary<'a>>)> {
    let mut groups: Vec<(&str, Vec<&FeedSummary>)> = Vec::new();
    for feed in feeds {
        let group = feed.feed.group.as_str();
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(feed),
            None => groups.push((group, vec![feed])),
        }
    }
    groups
}

/// Feeds in page order: each feed without a parent followed by its children.
fn tree_order<'a, 'b>(feeds: &[&'b FeedSummary<'a>]) -> Vec<&'b FeedSummary<'a>> {
    let parent = |f: &FeedSummary| f.feed.parent.clone();
    let has_parent =
        |f: &FeedSummary| parent(f).is_some_and(|p| feeds.iter().any(|o| o.feed.dir == p));
    let mut ordered: Vec<&FeedSummary> = Vec::with_capacity(feeds.len());
    for &feed in feeds.iter().filter(|f| !has_parent(f)) {
        ordered.push(feed);
        ordered.extend(
            feeds
                .iter()
                .filter(|f| f.feed.parent.as_deref() == Some(feed.feed.dir.as_str())),
        );
    }
    // Deeper levels: anything not placed yet goes at the end.
    for &feed in feeds {
        if !ordered.iter().any(|o| std::ptr::eq(*o, feed)) {
            ordered.push(feed);
        }
    }
    ordered
}

fn row(out: &mut String, feed: &FeedSummary, pages: bool) {
    let class = if feed.feed.parent.is_some() {
        " class=\"child\""
    } else {
        ""
    };
    let matched = feed.feed.matched;
    let of = if matched == feed.entries {
        String::new()
    } else {
        format!("<span class=\"muted\"> of {matched} matching</span>")
    };
    let _ = write!(
        out,
        "<tr{class}>\n<td><strong>{}</strong><br><span class=\"muted\">{}</span></td>\n<td class=\"count\">{}<span class=\"unit\"> {}</span>{of}</td>\n",
        name(feed, pages),
        esc(&feed.feed.description),
        feed.entries,
        if feed.entries == 1 { "entry" } else { "entries" }
    );
    match feed.newest {
        Some(article) => {
            let _ = writeln!(
                out,
                "<td><time datetime=\"{}\">{}</time><br><a href=\"{}\">{}</a></td>",
                article.published.to_rfc3339(),
                article.published.format("%Y-%m-%d"),
                esc(&article.link),
                esc(&article.title)
            );
        }
        None => out.push_str("<td class=\"muted\">none yet</td>\n"),
    }
    out.push_str("<td class=\"subscribe\">");
    for &format in &feed.feed.formats {
        let _ = write!(
            out,
            "<a href=\"{}\" type=\"{}\">{}</a>",
            esc(&feed.feed.path(format)),
            format.media_type(),
            format.label()
        );
    }
    out.push_str("</td>\n</tr>\n");
}
