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
    // The overall feed, then each group; within one, feeds without a
    // parent that has a feed, each with its children. A folder outline has
    // only `text`: the W3C validator wants `type` on any outline with more.
    for (group, members) in super::html::groups(feeds) {
        let top: Vec<&FeedSummary> = members
            .iter()
            .copied()
            .filter(|f| {
                !f.feed
                    .parent
                    .as_ref()
                    .is_some_and(|p| *p != f.feed.dir && members.iter().any(|m| m.feed.dir == *p))
            })
            .collect();
        let (depth, folder) = if group.is_empty() || members.len() == 1 {
            (2, false)
        } else {
            (3, true)
        };
        if folder {
            let _ = writeln!(out, "    <outline text=\"{}\">", esc(group));
        }
        for feed in top {
            let mut seen = BTreeSet::new();
            outline(&mut out, site, &members, feed, depth, &mut seen);
        }
        if folder {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out.into_bytes()
}

/// The feed's outline; a feed with children becomes a folder holding its
/// own feed and its children's (readers ignore the feed of a folder).
fn outline<'a>(
    out: &mut String,
    site: &SiteMeta,
    feeds: &[&'a FeedSummary],
    feed: &'a FeedSummary,
    depth: usize,
    seen: &mut BTreeSet<&'a str>,
) {
    let indent = "  ".repeat(depth);
    let dir = feed.feed.dir.as_str();
    let children: Vec<&FeedSummary> = if seen.insert(dir) {
        feeds
            .iter()
            .copied()
            .filter(|f| f.feed.parent.as_deref() == Some(dir) && f.feed.dir != dir)
            .collect()
    } else {
        Vec::new()
    };
    let xml_url = feed.url_or_first(site.opml_format);
    let line = format!(
        "<outline type=\"rss\" text=\"{name}\" title=\"{title}\" description=\"{description}\" xmlUrl=\"{}\" htmlUrl=\"{}\" language=\"{}\"/>",
        esc(xml_url),
        esc(&feed.feed.link),
        esc(site.language),
        name = esc(&feed.feed.name),
        title = esc(&feed.feed.title),
        description = esc(&feed.feed.description),
    );
    if children.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
        return;
    }
    let _ = writeln!(
        out,
        "{indent}<outline text=\"{name}\">",
        name = esc(&feed.feed.name)
    );
    let _ = writeln!(out, "{indent}  {line}");
    for child in children {
        outline(out, site, feeds, child, depth + 1, seen);
    }
    let _ = writeln!(out, "{indent}</outline>");
}
