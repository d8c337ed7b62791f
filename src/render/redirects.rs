//! The redirect map for feeds that moved (`aliases:` in a definition):
//! an nginx `map` include, which `feedsmith serve` reads too.
//!
//! ```nginx
//! http {
//!     include /srv/site/feeds/.feedsmith-redirects.conf;
//!     server {
//!         if ($feedsmith_redirect) { return 301 $feedsmith_redirect; }
//!     }
//! }
//! ```

use crate::model::Format;
use crate::select::{Feed, PAGE_FILE};
use std::fmt::Write;

/// In the out folder; a dot file, so never published as a page.
pub const REDIRECTS_FILE: &str = ".feedsmith-redirects.conf";

/// The header line that tells `serve` the URL path of the out folder.
const BASE_PREFIX: &str = "# base: ";

/// The map, or `None` when no feed has an alias. `base_path` is the URL
/// path the out folder is served at (`/feeds/`).
pub fn redirect_map(feeds: &[Feed], base_path: &str) -> Option<Vec<u8>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for feed in feeds {
        for alias in &feed.aliases {
            pairs.push((
                format!("{base_path}{alias}"),
                format!("{base_path}{}", feed.dir),
            ));
            let files = feed
                .formats
                .iter()
                .map(|f| f.file_name())
                .chain(std::iter::once(PAGE_FILE));
            for file in files {
                pairs.push((
                    format!("{base_path}{alias}{file}"),
                    format!("{base_path}{}{file}", feed.dir),
                ));
            }
            // A format the feed no longer has goes to its page.
            for format in Format::ALL {
                if !feed.formats.contains(&format) {
                    pairs.push((
                        format!("{base_path}{alias}{}", format.file_name()),
                        format!("{base_path}{}", feed.dir),
                    ));
                }
            }
        }
    }
    if pairs.is_empty() {
        return None;
    }
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::from(
        "# Written by feedsmith: the old URLs of feeds that moved (`aliases:`).\n# nginx: include this file in the `http` block, and add to the `server`\n# block: if ($feedsmith_redirect) { return 301 $feedsmith_redirect; }\n",
    );
    let _ = writeln!(out, "{BASE_PREFIX}{base_path}");
    out.push_str("map $uri $feedsmith_redirect {\n    default \"\";\n");
    for (from, to) in &pairs {
        // Folders are slugs and file names are fixed: nothing to quote.
        let _ = writeln!(out, "    {from} {to};");
    }
    out.push_str("}\n");
    Some(out.into_bytes())
}

/// The pairs of a map [`redirect_map`] wrote, relative to the out folder
/// (`old/rss.xml` → `new/rss.xml`; folders end in `/`), for `serve`.
pub fn read_redirect_map(text: &str) -> Vec<(String, String)> {
    let Some(base) = text
        .lines()
        .find_map(|l| l.strip_prefix(BASE_PREFIX))
        .map(str::trim)
    else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let line = line.trim().strip_suffix(';')?;
            let (from, to) = line.split_once(' ')?;
            Some((
                from.strip_prefix(base)?.to_owned(),
                to.trim().strip_prefix(base)?.to_owned(),
            ))
        })
        .filter(|(from, _)| !from.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::select::FeedKind;

    fn feed(dir: &str, aliases: &[&str], formats: &[Format]) -> Feed {
        Feed {
            kind: FeedKind::Defined(0),
            dir: dir.into(),
            key: None,
            name: "N".into(),
            title: "T".into(),
            description: "D".into(),
            link: String::new(),
            image: None,
            parent: None,
            group: String::new(),
            entries: Vec::new(),
            matched: 0,
            formats: formats.to_vec(),
            max_bytes: 0,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            file: None,
            jekyll: None,
        }
    }

    #[test]
    fn maps_every_file_of_the_old_folder_and_reads_back() {
        assert_eq!(redirect_map(&[feed("a/", &[], &Format::ALL)], "/"), None);
        let map = redirect_map(
            &[feed(
                "videos/",
                &["old-videos/"],
                &[Format::Rss, Format::Atom],
            )],
            "/feeds/",
        )
        .unwrap();
        let text = String::from_utf8(map).unwrap();
        assert!(text.contains("    /feeds/old-videos/rss.xml /feeds/videos/rss.xml;\n"));
        assert!(text.contains("    /feeds/old-videos/feed.json /feeds/videos/;\n"));
        assert!(text.contains("    /feeds/old-videos/ /feeds/videos/;\n"));
        let pairs = read_redirect_map(&text);
        assert_eq!(pairs.len(), 5, "{pairs:?}");
        assert!(pairs.contains(&("old-videos/index.html".into(), "videos/index.html".into())));
        assert!(pairs.contains(&("old-videos/".into(), "videos/".into())));
    }
}
