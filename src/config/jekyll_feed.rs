//! jekyll-feed's feeds (jekyll-feed 0.17, `lib/jekyll-feed/generator.rb`
//! and `feed.xml`) as feed definitions: the site's `feed:` settings and
//! `plugins` list in, one Atom definition per file jekyll-feed writes out.
//!
//! What jekyll-feed writes, and so what these definitions hold:
//! - `feed.xml` (or `feed.path`): the newest `posts_limit` (default 10;
//!   0 gives an empty feed, as jekyll-feed's Liquid `limit: 0` does)
//!   posts, drafts only with `--drafts`;
//! - `feed/<category>.xml` for each of `feed.categories` (posts whose
//!   `categories` hold it, compared exactly);
//! - for each collection of `feed.collections` (a list, or a map of
//!   `path`/`categories`): `feed/<collection>.xml` and
//!   `feed/<collection>/<category>.xml`;
//! - with `feed.tags` (`true`, or a map of `only`, `except`, `path`):
//!   `feed/by_tag/<tag>.xml` per post tag of ASCII letters, digits and `_`.
//!
//! Feed titles are `site.title` (`| Collection`, `| Category`, Ruby's
//! `capitalize`) through `smartify`; entry titles, ids and content are
//! the renderer's part (`select::JekyllEntries`).

use crate::model::Format;
use crate::select::{DefinitionKind, FeedDefinition, JekyllFeedSpec, TagFeeds};
use crate::yaml::Node;

/// The plugin's name in `plugins`.
pub const PLUGIN: &str = "jekyll-feed";

/// jekyll-feed's settings, read from `_config.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JekyllFeedSettings {
    /// Each collection with feeds, `posts` first.
    pub collections: Vec<CollectionFeeds>,
    /// `posts_limit`: entries per feed.
    pub posts_limit: usize,
    pub excerpt_only: bool,
    /// `tags`: one feed per post tag.
    pub tags: Option<TagSettings>,
}

/// One collection's feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionFeeds {
    pub name: String,
    /// Its feed's file, relative to the out folder (`feed.xml`).
    pub path: String,
    /// Categories with a feed of their own.
    pub categories: Vec<String>,
}

/// `feed.tags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSettings {
    /// Folder of the tag feeds, relative to the out folder, ending in `/`.
    pub path: String,
    pub feeds: TagFeeds,
}

/// jekyll-feed's default number of entries.
pub const DEFAULT_POSTS_LIMIT: usize = 10;

impl JekyllFeedSettings {
    /// The settings of `site` (see [`JekyllFeedSettings::from_config`]).
    pub fn from_site(site: &crate::site::SiteConfig) -> Result<Option<JekyllFeedSettings>, String> {
        JekyllFeedSettings::from_config(site.feed.as_ref(), &site.plugins)
    }

    /// The settings when the site uses jekyll-feed (listed in `plugins`)
    /// or keeps a `feed:` map; `Ok(None)` when it does neither.
    /// `Err` says which value is wrong.
    pub fn from_config(
        feed: Option<&Node>,
        plugins: &[String],
    ) -> Result<Option<JekyllFeedSettings>, String> {
        let listed = plugins.iter().any(|p| p == PLUGIN);
        let feed = match feed {
            Some(Node::Map(_)) => feed,
            None | Some(Node::Null) => None,
            Some(other) => return Err(format!("`feed` must be a mapping, found {}", other.kind())),
        };
        if !listed && feed.is_none() {
            return Ok(None);
        }
        let get = |key: &str| feed.and_then(|f| f.get(key)).filter(|n| **n != Node::Null);
        let posts_limit = match get("posts_limit") {
            None => DEFAULT_POSTS_LIMIT,
            Some(Node::Int(n)) if *n >= 0 => *n as usize,
            Some(other) => {
                return Err(format!(
                    "`feed.posts_limit` must be a whole number, found {}",
                    other.kind()
                ))
            }
        };
        let excerpt_only = truthy(get("excerpt_only"));
        let top_path = get("path").map(|p| string(p, "feed.path")).transpose()?;
        let top_categories = get("categories")
            .map(|c| strings(c, "feed.categories"))
            .transpose()?;
        // `collections`: a list of names, or a map of name → settings.
        let mut named: Vec<(String, Option<&Node>)> = match get("collections") {
            None => Vec::new(),
            Some(Node::Seq(items)) => items
                .iter()
                .map(|i| string(i, "feed.collections").map(|name| (name, None)))
                .collect::<Result<_, _>>()?,
            Some(Node::Map(entries)) => entries.iter().map(|(k, v)| (k.clone(), Some(v))).collect(),
            Some(other) => {
                return Err(format!(
                    "`feed.collections` must be a list or a mapping, found {}",
                    other.kind()
                ))
            }
        };
        if !named.iter().any(|(name, _)| name == "posts") {
            named.insert(0, ("posts".to_owned(), None));
        }
        let mut collections = Vec::new();
        for (name, settings) in named {
            let key = |k: &str| {
                settings
                    .and_then(|s| s.get(k))
                    .filter(|n| **n != Node::Null)
            };
            let what = format!("feed.collections.{name}");
            let mut path = key("path")
                .map(|p| string(p, &format!("{what}.path")))
                .transpose()?;
            let mut categories = key("categories")
                .map(|c| strings(c, &format!("{what}.categories")))
                .transpose()?;
            // posts: also (and first) the top-level `path` and `categories`.
            if name == "posts" {
                path = path.or_else(|| top_path.clone());
                categories = categories.or_else(|| top_categories.clone());
            }
            let path = match path {
                Some(p) => relative(&p, &format!("{what}.path"))?,
                None if name == "posts" => "feed.xml".to_owned(),
                None => format!("feed/{name}.xml"),
            };
            let mut categories = categories.unwrap_or_default();
            let mut seen = std::collections::HashSet::new();
            categories.retain(|c| seen.insert(c.clone()));
            for c in &categories {
                relative(&category_file(&name, c), &format!("{what}.categories"))?;
            }
            collections.push(CollectionFeeds {
                name,
                path,
                categories,
            });
        }
        let tags = match get("tags") {
            None | Some(Node::Bool(false)) => None,
            Some(Node::Map(_)) => {
                let tags = get("tags");
                let key = |k: &str| tags.and_then(|t| t.get(k)).filter(|n| **n != Node::Null);
                let path = match key("path") {
                    Some(p) => {
                        let raw = string(p, "feed.tags.path")?;
                        let folder = relative(&raw, "feed.tags.path")?;
                        if folder.ends_with('/') {
                            folder
                        } else {
                            // jekyll-feed appends the tag to the text as it is.
                            folder + "/"
                        }
                    }
                    None => "feed/by_tag/".to_owned(),
                };
                Some(TagSettings {
                    path,
                    feeds: TagFeeds {
                        only: key("only")
                            .map(|o| strings(o, "feed.tags.only"))
                            .transpose()?,
                        except: key("except")
                            .map(|e| strings(e, "feed.tags.except"))
                            .transpose()?
                            .unwrap_or_default(),
                    },
                })
            }
            Some(other) if truthy(Some(other)) => Some(TagSettings {
                path: "feed/by_tag/".to_owned(),
                feeds: TagFeeds::default(),
            }),
            Some(_) => None,
        };
        Ok(Some(JekyllFeedSettings {
            collections,
            posts_limit,
            excerpt_only,
            tags,
        }))
    }

    /// Every file jekyll-feed writes, as definitions (after the site's
    /// others); `site_title` and `site_description` as `_config.yml` gives
    /// them (`title`, else `name`).
    pub fn definitions(&self, site_title: &str, site_description: &str) -> Vec<FeedDefinition> {
        let make = |file: String, collection: &str, category: Option<&str>| {
            let mut title = site_title.to_owned();
            if collection != "posts" {
                title = format!("{title} | {}", capitalize(collection));
            }
            if let Some(category) = category {
                title = format!("{title} | {}", capitalize(category));
            }
            let dir = file.rfind('/').map_or("", |i| &file[..=i]).to_owned();
            let mut definition = FeedDefinition::new(DefinitionKind::Defined, dir);
            definition.title = Some(crate::site::smartify::smartify(&title));
            definition.description =
                Some(site_description.to_owned()).filter(|d| !d.trim().is_empty());
            // `posts_limit` cuts it (`JekyllFeedSpec`), not the global limit.
            definition.limit = Some(0);
            definition.formats = vec![Format::Atom];
            // Drafts as the run says: with `--drafts` (Jekyll's
            // `show_drafts`) jekyll-feed's feeds hold them too.
            definition.filter.drafts = None;
            definition.jekyll = Some(JekyllFeedSpec {
                file,
                collection: collection.to_owned(),
                category: category.map(str::to_owned),
                tags: None,
                excerpt_only: self.excerpt_only,
                posts_limit: self.posts_limit,
            });
            definition
        };
        let mut out = Vec::new();
        for c in &self.collections {
            out.push(make(c.path.clone(), &c.name, None));
            for category in &c.categories {
                out.push(make(
                    category_file(&c.name, category),
                    &c.name,
                    Some(category),
                ));
            }
        }
        if let Some(tags) = &self.tags {
            let mut definition = make(format!("{}{{tag}}.xml", tags.path), "posts", None);
            if let Some(spec) = definition.jekyll.as_mut() {
                spec.tags = Some(tags.feeds.clone());
            }
            out.push(definition);
        }
        out
    }

    /// Every fixed file (tag feeds aside), relative to the out folder.
    pub fn files(&self) -> Vec<String> {
        self.collections
            .iter()
            .flat_map(|c| {
                std::iter::once(c.path.clone())
                    .chain(c.categories.iter().map(|cat| category_file(&c.name, cat)))
            })
            .collect()
    }
}

/// `feed/<category>.xml` for posts, `feed/<collection>/<category>.xml` else.
fn category_file(collection: &str, category: &str) -> String {
    if collection == "posts" {
        format!("feed/{category}.xml")
    } else {
        format!("feed/{collection}/{category}.xml")
    }
}

/// What to say about a file at a jekyll-feed path that feedsmith did not
/// write: jekyll-feed itself made it.
pub fn foreign_file_hint() -> &'static str {
    "jekyll-feed made it: remove `jekyll-feed` from `plugins` in _config.yml (keep `feed:`, feedsmith reads it), build with jekyll again, then run feedsmith"
}

/// A path of `_config.yml` (`/feed.xml`, `feed/news.xml`) relative to the
/// out folder; no `..`, no empty part, not empty.
fn relative(raw: &str, what: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_start_matches('/');
    let folder = trimmed.ends_with('/');
    let parts: Vec<&str> = trimmed.trim_end_matches('/').split('/').collect();
    if trimmed.is_empty()
        || parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\\'))
    {
        return Err(format!(
            "`{what}`: {raw:?} is not a path inside the site; write it as jekyll-feed does, e.g. `/feed.xml`"
        ));
    }
    let mut out = parts.join("/");
    if folder {
        out.push('/');
    }
    Ok(out)
}

/// Ruby's `String#capitalize`: the first character upper case, the rest
/// lower case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Liquid's truthiness: everything but `false` and `nil`.
fn truthy(node: Option<&Node>) -> bool {
    !matches!(node, None | Some(Node::Null) | Some(Node::Bool(false)))
}

fn string(node: &Node, what: &str) -> Result<String, String> {
    match node {
        Node::Str(s) => Ok(s.clone()),
        Node::Int(n) => Ok(n.to_string()),
        other => Err(format!("`{what}` must be a string, found {}", other.kind())),
    }
}

/// A list of strings, or one string.
fn strings(node: &Node, what: &str) -> Result<Vec<String>, String> {
    match node {
        Node::Seq(items) => items.iter().map(|i| string(i, what)).collect(),
        other => string(other, what).map(|s| vec![s]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(yaml: &str) -> Result<Option<JekyllFeedSettings>, String> {
        let config = crate::yaml::parse_node(yaml).unwrap();
        let plugins: Vec<String> = match config.get("plugins") {
            Some(Node::Seq(items)) => items
                .iter()
                .filter_map(|i| match i {
                    Node::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        JekyllFeedSettings::from_config(config.get("feed"), &plugins)
    }

    fn files(yaml: &str) -> Vec<String> {
        let s = settings(yaml).unwrap().unwrap();
        s.definitions("Site", "")
            .iter()
            .map(|d| d.jekyll.as_ref().unwrap().file.clone())
            .collect()
    }

    #[test]
    fn on_only_with_the_plugin_or_feed_settings() {
        assert_eq!(settings("title: x\n"), Ok(None));
        assert_eq!(settings("plugins: [jekyll-seo-tag]\n"), Ok(None));
        let on = settings("plugins: [jekyll-feed]\n").unwrap().unwrap();
        assert_eq!(on.posts_limit, 10);
        assert_eq!(files("plugins: [jekyll-feed]\n"), ["feed.xml"]);
        assert_eq!(files("feed:\n  path: /atom.xml\n"), ["atom.xml"]);
    }

    #[test]
    fn paths_as_jekyll_feed_writes_them() {
        let yaml = "plugins: [jekyll-feed]\nfeed:\n  categories: [news, Updates]\n  collections:\n    notes:\n      categories: [daily]\n    talks:\n      path: /talks.atom\n  tags:\n    only: [rust, c++, go_lang]\n    except: [go_lang]\n";
        assert_eq!(
            files(yaml),
            [
                "feed.xml",
                "feed/news.xml",
                "feed/Updates.xml",
                "feed/notes.xml",
                "feed/notes/daily.xml",
                "talks.atom",
                "feed/by_tag/{tag}.xml",
            ]
        );
        let s = settings(yaml).unwrap().unwrap();
        let tags = &s.tags.as_ref().unwrap().feeds;
        assert!(tags.accepts("rust"));
        assert!(!tags.accepts("c++"), "not a name jekyll-feed accepts");
        assert!(!tags.accepts("go_lang"), "excepted");
        assert!(!tags.accepts("python"), "not in only");
        let defs = s.definitions("Tom's \"Blog\"", "About things");
        let titles: Vec<&str> = defs.iter().map(|d| d.title.as_deref().unwrap()).collect();
        assert_eq!(titles[0], "Tom\u{2019}s \u{201c}Blog\u{201d}");
        assert_eq!(titles[2], "Tom\u{2019}s \u{201c}Blog\u{201d} | Updates");
        assert_eq!(
            titles[4],
            "Tom\u{2019}s \u{201c}Blog\u{201d} | Notes | Daily"
        );
        // `posts_limit` (default 10) cuts them, never the global limit.
        assert!(defs.iter().all(|d| d.formats == [Format::Atom]
            && d.limit == Some(0)
            && d.jekyll.as_ref().map(|j| j.posts_limit) == Some(10)
            && d.description.as_deref() == Some("About things")));
        assert_eq!(defs[1].dir, "feed/");
        assert_eq!(defs[0].dir, "");
    }

    #[test]
    fn tags_true_takes_every_accepted_tag_and_false_none() {
        let on = settings("feed:\n  tags: true\n").unwrap().unwrap();
        assert_eq!(on.tags.unwrap().path, "feed/by_tag/");
        let off = settings("feed:\n  tags: false\n").unwrap().unwrap();
        assert_eq!(off.tags, None);
        let custom = settings("feed:\n  tags:\n    path: tags\n")
            .unwrap()
            .unwrap();
        assert_eq!(custom.tags.unwrap().path, "tags/");
    }

    #[test]
    fn bad_values_are_errors_naming_the_key() {
        for (yaml, key) in [
            ("feed: 3\n", "`feed`"),
            ("feed:\n  posts_limit: many\n", "feed.posts_limit"),
            ("feed:\n  path: ../out.xml\n", "feed.collections.posts.path"),
            (
                "feed:\n  categories: [../x]\n",
                "feed.collections.posts.categories",
            ),
            ("feed:\n  collections: 3\n", "feed.collections"),
        ] {
            let e = settings(yaml).unwrap_err();
            assert!(e.contains(key), "{yaml}: {e}");
        }
    }

    /// Posts with categories and tags, a draft, a document of another
    /// collection and one outside any: selected and rendered as
    /// jekyll-feed would write them.
    #[test]
    fn feeds_hold_what_jekyll_feed_writes() {
        use crate::model::ContentMode;
        let day = |d: i64| crate::testing::new_year() + chrono::Duration::days(d);
        let post = |n: i64, categories: &[&str], tags: &[&str]| {
            let slug = format!("post-{n:02}");
            crate::model::Article {
                title: format!("Post {n}: \"quoted\" -- <em>yes</em>"),
                collection: Some("posts".into()),
                categories: categories.iter().map(|c| c.to_string()).collect(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                id: Some(format!("https://x.example/log/sea/{slug}")),
                ..crate::testing::article(
                    &format!("_posts/{slug}.md"),
                    &format!("https://x.example/log/sea/{slug}.html"),
                    day(n),
                )
            }
        };
        let mut articles: Vec<_> = (1..=12)
            .map(|n| match n % 3 {
                0 => post(n, &["sea"], &["fog", "c++"]),
                1 => post(n, &["Sea"], &["tides"]),
                _ => post(n, &["gear"], &[]),
            })
            .collect();
        articles[11].updated = Some(day(1)); // older than its date: kept
        articles[10].draft = true; // in no feed without `--drafts`
        articles.push(crate::model::Article {
            collection: Some("voyages".into()),
            categories: vec!["sea".into()],
            ..crate::testing::article("_voyages/v.md", "https://x.example/log/v/", day(20))
        });
        articles.push(crate::testing::article(
            "_news/n.md",
            "https://elsewhere.example/n",
            day(30),
        ));
        let yaml = "plugins: [jekyll-feed]\nfeed:\n  categories: [sea]\n  tags: true\n  collections: [voyages]\n";
        let jekyll = settings(yaml).unwrap().unwrap();
        let mut select = crate::select::SelectSettings::defaults(day(40));
        select
            .definitions
            .extend(jekyll.definitions("Log", "A log"));
        let selection = crate::select::select(&articles, &[], &select);
        let shown: Vec<(String, Vec<usize>)> = selection
            .feeds
            .iter()
            .filter(|f| f.file.is_some())
            .map(|f| (f.path(Format::Atom), f.entries.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                // 11 posts (no draft), newest first, cut at 10.
                ("feed.xml".into(), vec![11, 9, 8, 7, 6, 5, 4, 3, 2, 1]),
                // `Sea` is not `sea`.
                ("feed/sea.xml".into(), vec![11, 8, 5, 2]),
                ("feed/voyages.xml".into(), vec![12]),
                // `c++` is not a name jekyll-feed accepts.
                ("feed/by_tag/fog.xml".into(), vec![11, 8, 5, 2]),
                ("feed/by_tag/tides.xml".into(), vec![9, 6, 3, 0]),
            ]
        );
        let render = crate::render::RenderSettings {
            base_url: url::Url::parse("https://x.example/log/").ok(),
            site_title: "Log".into(),
            site_description: "A log".into(),
            site_link: "https://x.example/log/".into(),
            language: "en".into(),
            author: None,
            icon: None,
            logo: None,
            hub: None,
            content: ContentMode::Summary,
            opml_format: Format::Atom,
            pages: true,
            index_page: true,
            page_css: None,
        };
        let rendered = crate::render::site(&selection.feeds, &articles, &selection.topics, &render);
        assert!(rendered.errors.is_empty(), "{:?}", rendered.errors);
        let file = |path: &str| {
            let f = rendered.files.iter().find(|f| f.path == path);
            String::from_utf8(f.map(|f| f.bytes.clone()).unwrap_or_default()).unwrap()
        };
        let atom = file("feed.xml");
        let doc = roxmltree::Document::parse(&atom).unwrap();
        let texts = |name: &str| -> Vec<String> {
            doc.descendants()
                .filter(|n| {
                    n.has_tag_name(name) && n.parent().is_some_and(|p| p.has_tag_name("entry"))
                })
                .map(|n| n.text().unwrap_or("").to_owned())
                .collect()
        };
        assert_eq!(texts("id")[0], "https://x.example/log/sea/post-12");
        assert_eq!(
            texts("title")[0],
            "Post 12: \u{201c}quoted\u{201d} \u{2013} yes"
        );
        assert_eq!(texts("updated")[0], "2024-01-02T00:00:00+00:00");
        assert_eq!(texts("content").len(), 10, "full content by default");
        let root_title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(root_title.text(), Some("Log"));
        assert!(file("feed/voyages.xml").contains("<title>Log | Voyages</title>"));
        // Listed nowhere, no page of their own.
        assert!(!file("index.opml").contains("feed.xml"));
        assert!(!file("index.html").contains("by_tag"));
        assert!(rendered
            .files
            .iter()
            .all(|f| !f.path.starts_with("feed/") || f.path.ends_with(".xml")));
        // The overall feed keeps today's titles, and takes the ids too.
        let overall = file("atom.xml");
        assert!(overall.contains("<id>https://x.example/log/sea/post-12</id>"));
        assert!(overall.contains("-- &#x26;lt;em&#x26;gt;yes"), "{overall}");
    }

    #[test]
    fn ruby_capitalize() {
        assert_eq!(capitalize("news"), "News");
        assert_eq!(capitalize("AI news"), "Ai news");
        assert_eq!(capitalize("élan"), "Élan");
        assert_eq!(capitalize(""), "");
    }
}
