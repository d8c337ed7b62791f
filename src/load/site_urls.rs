//! Every URL of a Jekyll site that a document's Liquid can ask for:
//! `{% post_url NAME %}` and `{% link PATH %}`.
//!
//! One file does not know the others' URLs, so the first reading of the
//! site leaves Liquid alone; the bodies that reach a feed are rendered
//! when they are read again, with these maps made from the whole site.
//! Pages (files outside collections) are never read as entries: the few a
//! `{% link %}` names are read then, front matter only, once each.

use super::{front_matter, read, SiteLoad};
use crate::model::Article;
use crate::site::entries::{self, Place};
use crate::site::permalink::{self, Permalink};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A site's documents and pages by the names Liquid gives them. URLs are
/// paths before `baseurl` (`/2021/03/01/hello.html`).
#[derive(Debug, Default, Clone)]
pub struct SiteUrls {
    /// `{% post_url %}`: a post's path below its `_posts` folder without
    /// the extension, with the folders above `_posts` in front
    /// (`2021-03-01-hello`, `gear/2020-11-03-rigging`).
    pub posts: HashMap<String, String>,
    /// `{% link %}`: a document's path from the site root.
    pub links: HashMap<String, String>,
}

impl SiteUrls {
    /// The URLs of `articles` (those with a page of their own).
    pub fn of(articles: &[Article]) -> SiteUrls {
        let mut urls = SiteUrls::default();
        for article in articles {
            let Some(url) = &article.site_path else {
                continue;
            };
            urls.links.insert(article.path.clone(), url.clone());
            if article.collection.as_deref() == Some("posts") {
                if let Some(name) = post_name(&article.path) {
                    urls.posts.insert(name, url.clone());
                }
            }
        }
        urls
    }
}

/// `{% link PATH %}` over a whole site: documents from [`SiteUrls`], pages
/// and static files read when first asked for.
pub struct LinkResolver<'a> {
    pub urls: &'a SiteUrls,
    /// The canonical site root.
    pub root: &'a Path,
    pub site: &'a SiteLoad,
    pub max_file_size: u64,
    /// Pages already looked up: a site's posts link the same few.
    pub pages: Mutex<HashMap<String, Option<String>>>,
}

impl LinkResolver<'_> {
    /// The URL path (before `baseurl`) of the file at `path` from the site
    /// root, as Jekyll's `link` tag gives it; `None` where Jekyll would
    /// stop the build (no such file, or not one it writes).
    pub fn url(&self, path: &str) -> Option<String> {
        if let Some(url) = self.urls.links.get(path) {
            return Some(url.clone());
        }
        let path = clean(path)?;
        if let Ok(pages) = self.pages.lock() {
            if let Some(known) = pages.get(&path) {
                return known.clone();
            }
        }
        let found = self.page_url(&path);
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(path, found.clone());
        }
        found
    }

    /// A page's URL: its front matter's `permalink:` (or a default's) and
    /// Jekyll's page rules; a file without front matter is a static file,
    /// at its own path.
    fn page_url(&self, path: &str) -> Option<String> {
        let config = &self.site.config;
        match entries::place(path, config, self.site.drafts) {
            Place::Page => {}
            Place::Document(_) | Place::Skipped(_) => return None,
        }
        let file: PathBuf = self.root.join(path);
        let bytes = read::read_limited(self.root, &file, self.max_file_size, None).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let style = Permalink::parse(&config.permalink);
        let front_matter = match front_matter::split(&text) {
            front_matter::Split::Article(fm) => fm,
            _ => return Some(format!("/{}", permalink::escape_path(path))),
        };
        const KEYS: crate::yaml::Keys = crate::yaml::Keys {
            keep: |k| k == "permalink",
            secret: |_| false,
        };
        let own = crate::yaml::parse_mapping(front_matter.yaml, KEYS)
            .ok()
            .and_then(|m| permalink_of(&m.entries));
        let permalink =
            own.or_else(|| permalink_of(&entries::defaults_for(path, "pages", &config.defaults)));
        Some(permalink::page_url(path, &style, permalink.as_deref()))
    }
}

fn permalink_of(fields: &[(String, crate::yaml::Node)]) -> Option<String> {
    fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
        ("permalink", crate::yaml::Node::Str(p)) => Some(p.clone()),
        _ => None,
    })
}

/// A `link` tag's path as a path below the site root: no leading `/`, no
/// `.` or `..` parts (Jekyll refuses those), no empty name.
fn clean(path: &str) -> Option<String> {
    let path = path.trim().trim_start_matches('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") || path.contains('\\') {
        return None;
    }
    Some(parts.join("/"))
}

/// `gear/_posts/2020-11-03-rigging.md` → `gear/2020-11-03-rigging`,
/// `_posts/sub/2021-03-01-a.md` → `sub/2021-03-01-a`: the names Jekyll's
/// `post_url` matches (`^_posts/PATH DATE-SLUG` or `^PATH _posts/ DATE-SLUG`).
fn post_name(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let at = parts
        .iter()
        .position(|p| *p == "_posts" || *p == "_drafts")?;
    parts.remove(at);
    let last = parts.last_mut()?;
    if let Some((stem, _)) = last.rsplit_once('.') {
        *last = stem;
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_named_as_post_url_names_them() {
        assert_eq!(
            post_name("_posts/2021-03-01-a.md").as_deref(),
            Some("2021-03-01-a")
        );
        assert_eq!(
            post_name("gear/_posts/2020-11-03-rigging.markdown").as_deref(),
            Some("gear/2020-11-03-rigging")
        );
        assert_eq!(
            post_name("_posts/sub/2021-03-01-a.md").as_deref(),
            Some("sub/2021-03-01-a")
        );
        assert_eq!(post_name("_voyages/a.md"), None);
    }

    #[test]
    fn links_cover_documents_posts_only_posts() {
        let mut post = crate::testing::article(
            "_posts/2021-03-01-a.md",
            "https://x/a",
            chrono::DateTime::UNIX_EPOCH,
        );
        post.collection = Some("posts".into());
        post.site_path = Some("/2021/03/01/a.html".into());
        let mut voyage =
            crate::testing::article("_voyages/v.md", "https://x/v", chrono::DateTime::UNIX_EPOCH);
        voyage.collection = Some("voyages".into());
        voyage.site_path = Some("/voyages/v/".into());
        let news =
            crate::testing::article("_news/n.md", "https://n/", chrono::DateTime::UNIX_EPOCH);
        let urls = SiteUrls::of(&[post, voyage, news]);
        assert_eq!(urls.posts.len(), 1);
        assert_eq!(urls.posts["2021-03-01-a"], "/2021/03/01/a.html");
        assert_eq!(urls.links.len(), 2);
        assert_eq!(urls.links["_voyages/v.md"], "/voyages/v/");
    }

    #[test]
    fn link_paths_stay_below_the_site() {
        assert_eq!(clean("/about.md").as_deref(), Some("about.md"));
        assert_eq!(clean("./docs//a.md").as_deref(), Some("docs/a.md"));
        assert_eq!(clean("../secret.md"), None);
        assert_eq!(clean("a/../../b"), None);
        assert_eq!(clean(" "), None);
    }
}
