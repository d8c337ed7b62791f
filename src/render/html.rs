//! The index page of the out folder, and the autodiscovery tags a site can
//! paste into its own pages. Plain HTML5: no JavaScript, no external
//! resources, readable on a phone, the same bytes for the same input.

use super::{FeedSummary, Format, SiteMeta, VERSION};
use crate::text::escape_html as esc;
use std::fmt::Write;

const STYLE: &str = "
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

/// `<link rel="alternate">` tags for one feed, in every format.
pub fn autodiscovery_links(feed: &FeedSummary, site_title: &str) -> String {
    let title = match feed.slug {
        None => site_title.to_owned(),
        Some(_) => format!("{site_title}: {}", feed.name),
    };
    let mut out = String::new();
    for format in Format::ALL {
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" type=\"{}\" title=\"{} ({})\" href=\"{}\">",
            format.media_type(),
            esc(&title),
            format.label(),
            esc(feed.url(format))
        );
    }
    out
}

/// `index.html`: a row per feed with its description, article count, newest
/// entry and links in every format, and a link to the OPML list. Links
/// between the out folder's files are relative, so the page works wherever
/// the folder is served.
pub fn index_html(site: &SiteMeta, feeds: &[FeedSummary]) -> Vec<u8> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — feeds</title>\n<meta name=\"description\" content=\"{}\">\n<meta name=\"generator\" content=\"feedsmith {VERSION}\">\n",
        esc(site.language),
        esc(site.title),
        esc(site.description)
    );
    if let Some(overall) = feeds.iter().find(|f| f.slug.is_none()) {
        out.push_str(&autodiscovery_links(overall, site.title));
    }
    let _ = write!(
        out,
        "<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p>{}</p>\n",
        esc(site.title),
        esc(site.description)
    );
    let _ = write!(
        out,
        "<p>Copy a feed link into your feed reader, or import <a href=\"index.opml\">all feeds as OPML</a>. Website: <a href=\"{}\">{}</a></p>\n</header>\n<main>\n<table>\n<thead><tr><th scope=\"col\">Feed</th><th scope=\"col\">Articles</th><th scope=\"col\">Newest</th><th scope=\"col\">Subscribe</th></tr></thead>\n<tbody>\n",
        esc(site.site_link),
        esc(site.site_link)
    );
    for feed in tree_order(feeds) {
        row(&mut out, feed);
    }
    let _ = write!(
        out,
        "</tbody>\n</table>\n</main>\n<footer><p class=\"muted\">Made by feedsmith {VERSION}.</p></footer>\n</body>\n</html>\n"
    );
    out.into_bytes()
}

/// Feeds in page order: the overall feed, then each top-level topic
/// followed by its child topics.
fn tree_order<'a, 'b>(feeds: &'b [FeedSummary<'a>]) -> Vec<&'b FeedSummary<'a>> {
    let is_child = |f: &FeedSummary| f.parent.is_some_and(|p| Some(p) != f.slug);
    let mut ordered = Vec::with_capacity(feeds.len());
    for feed in feeds.iter().filter(|f| !is_child(f)) {
        ordered.push(feed);
        if let Some(slug) = feed.slug {
            ordered.extend(
                feeds
                    .iter()
                    .filter(|f| f.parent == Some(slug) && f.slug != Some(slug)),
            );
        }
    }
    // Deeper levels and cycles: anything not placed yet goes at the end.
    for feed in feeds {
        if !ordered.iter().any(|o| std::ptr::eq(*o, feed)) {
            ordered.push(feed);
        }
    }
    ordered
}

fn row(out: &mut String, feed: &FeedSummary) {
    let class = if feed.parent.is_some() {
        " class=\"child\""
    } else {
        ""
    };
    let _ = write!(
        out,
        "<tr{class}>\n<td><strong>{}</strong><br><span class=\"muted\">{}</span></td>\n<td class=\"count\">{}<span class=\"unit\"> {}</span></td>\n",
        esc(feed.name),
        esc(&feed.description),
        feed.article_count,
        if feed.article_count == 1 { "article" } else { "articles" }
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
    for format in Format::ALL {
        let file = format.file_name();
        let href = match feed.slug {
            None => file.to_owned(),
            Some(slug) => format!("topics/{slug}/{file}"),
        };
        let _ = write!(
            out,
            "<a href=\"{}\" type=\"{}\">{}</a>",
            esc(&href),
            format.media_type(),
            format.label()
        );
    }
    out.push_str("</td>\n</tr>\n");
}
