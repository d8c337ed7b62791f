//! OPML 2.0 subscription list: one outline per feed, topics grouped under
//! their parent topic, so importing this one file subscribes to everything.

use super::{FeedSummary, SiteMeta};
use crate::text::escape_html as esc;
use std::collections::BTreeSet;
use std::fmt::Write;

pub fn opml(site: &SiteMeta, feeds: &[FeedSummary]) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<opml version=\"2.0\">\n  <head>\n",
    );
    let _ = writeln!(out, "    <title>{}</title>", esc(site.title));
    let newest = feeds
        .iter()
        .filter_map(|f| f.newest)
        .map(|a| a.updated_or_published())
        .max();
    if let Some(date) = newest {
        let _ = writeln!(
            out,
            "    <dateModified>{}</dateModified>",
            date.to_rfc2822()
        );
    }
    if let Some(author) = site.author {
        let _ = writeln!(out, "    <ownerName>{}</ownerName>", esc(&author.name));
        if let Some(uri) = &author.uri {
            let _ = writeln!(out, "    <ownerId>{}</ownerId>", esc(uri));
        }
    }
    out.push_str("  </head>\n  <body>\n");
    let slugs: BTreeSet<&str> = feeds.iter().filter_map(|f| f.slug).collect();
    // Top level: the overall feed, then topics without a parent that has a feed.
    // A folder outline has only `text`: the W3C validator wants `type` on
    // any outline with more.
    for feed in feeds {
        let has_parent = feed
            .parent
            .is_some_and(|p| slugs.contains(p) && Some(p) != feed.slug);
        if !has_parent {
            let mut seen = BTreeSet::new();
            outline(&mut out, site, feeds, feed, 2, &mut seen);
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out.into_bytes()
}

/// The feed's outline; a topic with child topics becomes a folder holding
/// its own feed and its children's (readers ignore the feed of a folder).
fn outline<'a>(
    out: &mut String,
    site: &SiteMeta,
    feeds: &'a [FeedSummary],
    feed: &'a FeedSummary,
    depth: usize,
    seen: &mut BTreeSet<&'a str>,
) {
    let indent = "  ".repeat(depth);
    let children: Vec<&FeedSummary> = match feed.slug {
        Some(slug) if seen.insert(slug) => feeds
            .iter()
            .filter(|f| f.parent == Some(slug) && f.slug != Some(slug))
            .collect(),
        _ => Vec::new(),
    };
    let xml_url = feed.url(site.opml_format);
    let line = format!(
        "<outline type=\"rss\" text=\"{name}\" title=\"{name}\" description=\"{description}\" xmlUrl=\"{}\" htmlUrl=\"{}\" language=\"{}\"/>",
        esc(xml_url),
        esc(site.site_link),
        esc(site.language),
        name = esc(feed.name),
        description = esc(&feed.description),
    );
    if children.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
        return;
    }
    let _ = writeln!(
        out,
        "{indent}<outline text=\"{name}\">",
        name = esc(feed.name)
    );
    let _ = writeln!(out, "{indent}  {line}");
    for child in children {
        outline(out, site, feeds, child, depth + 1, seen);
    }
    let _ = writeln!(out, "{indent}</outline>");
}
