//! A Jekyll site's `_config.yml`, read as Jekyll reads it (merge keys and
//! all) into the typed [`SiteConfig`] the other stages are given.

use super::entries::Default as FrontMatterDefault;
use crate::diagnostic::Diagnostic;
use crate::model::Author;
use crate::yaml::{self, Node};
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// The file that makes a folder a Jekyll site.
pub const CONFIG_FILE: &str = "_config.yml";

/// Whether `folder` is a Jekyll site (holds `_config.yml`).
pub fn is_site(folder: &Path) -> bool {
    folder.join(CONFIG_FILE).is_file()
}

/// One entry of `collections:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub label: String,
    /// `output: true`: its documents are pages of the site, with a URL.
    pub output: bool,
    pub permalink: Option<String>,
}

/// What feedsmith takes from `_config.yml`.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    /// The site's root folder.
    pub root: PathBuf,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `url`, without a trailing `/` (`https://example.com`).
    pub url: Option<String>,
    /// `baseurl`, with a leading `/` and no trailing one (`/blog`), or empty.
    pub baseurl: String,
    pub author: Option<Author>,
    /// `lang`, else `locale` as a language tag (`en-us` → `en-US`).
    pub language: Option<String>,
    /// `timezone`; zoneless dates are in it. UTC when unset.
    pub timezone: Tz,
    pub exclude: Vec<String>,
    pub include: Vec<String>,
    /// Configured collections, `posts` always among them.
    pub collections: Vec<Collection>,
    /// The site's `permalink:` (Jekyll's default: `date`).
    pub permalink: String,
    pub defaults: Vec<FrontMatterDefault>,
    pub future: bool,
    pub show_drafts: bool,
    pub excerpt_separator: String,
    pub plugins: Vec<String>,
    /// jekyll-feed's `feed:` map as written, for `config::jekyll_feed`.
    pub feed: Option<Node>,
    /// The whole config, for Liquid's `{{ site.* }}`.
    pub node: Node,
    /// The text read, so that a change invalidates the load cache.
    pub text: String,
    /// Problems found in `_config.yml` (warnings): shown, never fatal.
    pub warnings: Vec<Diagnostic>,
}

impl SiteConfig {
    /// `url` + `baseurl`, ending in `/`, when `url` is set.
    pub fn site_url(&self) -> Option<String> {
        self.url
            .as_ref()
            .map(|url| format!("{url}{}/", self.baseurl))
    }

    /// The collection of that label, if configured (or `posts`).
    pub fn collection(&self, label: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.label == label)
    }

    /// Whether jekyll-feed is on: listed in `plugins`, or its `feed:`
    /// settings kept.
    pub fn uses_jekyll_feed(&self) -> bool {
        self.feed.is_some() || self.plugins.iter().any(|p| p == "jekyll-feed")
    }
}

/// Read `root/_config.yml`. A file that is not YAML, or an unknown
/// `timezone`, is an error: nothing can be built as the site means it.
pub fn read(root: &Path) -> Result<SiteConfig, String> {
    let path = root.join(CONFIG_FILE);
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{shown}: error: cannot read the Jekyll config: {e}"))?;
    parse(&text, root, &shown)
}

/// `_config.yml`'s text as a [`SiteConfig`]; `shown` names it in messages.
pub fn parse(text: &str, root: &Path, shown: &str) -> Result<SiteConfig, String> {
    let node = yaml::parse_config_node(text).map_err(|e| {
        let at = e.line.map(|l| format!("{l}:")).unwrap_or_default();
        format!("{shown}:{at} error: invalid Jekyll config: {}", e.message)
    })?;
    let mut reader = Reader {
        node: &node,
        text,
        shown,
        warnings: Vec::new(),
    };
    let timezone = match reader.string("timezone") {
        None => Tz::UTC,
        Some(name) => name.parse::<Tz>().map_err(|_| {
            let line = yaml::key_line(text, "timezone", 0)
                .map(|l| format!("{l}:"))
                .unwrap_or_default();
            format!("{shown}:{line} error: `timezone` `{name}` is not an IANA time zone name such as Europe/London")
        })?,
    };
    let url = reader
        .string("url")
        .map(|u| u.trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty());
    let baseurl = reader
        .string("baseurl")
        .map(|b| {
            let b = b.trim_matches('/');
            if b.is_empty() {
                String::new()
            } else {
                format!("/{b}")
            }
        })
        .unwrap_or_default();
    let language = reader
        .string("lang")
        .or_else(|| reader.string("locale"))
        .map(|l| language_tag(&l));
    let author = reader.author(root);
    let mut collections = reader.collections();
    if !collections.iter().any(|c| c.label == "posts") {
        collections.push(Collection {
            label: "posts".into(),
            output: true,
            permalink: None,
        });
    }
    let defaults = reader.defaults();
    let config = SiteConfig {
        root: root.to_owned(),
        title: reader.string("title"),
        description: reader.string("description"),
        url,
        baseurl,
        author,
        language,
        timezone,
        exclude: reader.strings("exclude"),
        include: reader.strings("include"),
        collections,
        permalink: reader.string("permalink").unwrap_or_else(|| "date".into()),
        defaults,
        future: reader.boolean("future").unwrap_or(false),
        show_drafts: reader.boolean("show_drafts").unwrap_or(false),
        excerpt_separator: reader
            .string("excerpt_separator")
            .unwrap_or_else(|| "\n\n".into()),
        plugins: reader.strings("plugins"),
        feed: node.get("feed").filter(|f| **f != Node::Null).cloned(),
        warnings: Vec::new(),
        text: text.to_owned(),
        node: Node::Null,
    };
    Ok(SiteConfig {
        warnings: reader.warnings,
        node,
        ..config
    })
}

/// `en-us` / `en_US` → `en-US`: a language tag as feeds write it.
pub fn language_tag(raw: &str) -> String {
    let mut parts = raw.trim().split(['-', '_']);
    let mut out = parts.next().unwrap_or_default().to_ascii_lowercase();
    for part in parts {
        out.push('-');
        if part.len() == 2 {
            out.push_str(&part.to_ascii_uppercase());
        } else {
            out.push_str(part);
        }
    }
    out
}

struct Reader<'a> {
    node: &'a Node,
    text: &'a str,
    shown: &'a str,
    warnings: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn warn(&mut self, key: &str, message: String) {
        let line = yaml::key_line(self.text, key, 0);
        self.warnings.push(
            Diagnostic::warning(crate::diagnostic::Code::BadSiteConfig, self.shown, message)
                .at(line, line.map(|_| 1)),
        );
    }

    fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key).filter(|n| **n != Node::Null)
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Node::Str(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            other => {
                let kind = other.kind();
                self.warn(
                    key,
                    format!("`{key}` should be a string, found {kind}; ignored"),
                );
                None
            }
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Node::Bool(b) => Some(*b),
            other => {
                let kind = other.kind();
                self.warn(
                    key,
                    format!("`{key}` should be true or false, found {kind}; ignored"),
                );
                None
            }
        }
    }

    /// A list of strings (a single string is a list of one, as Jekyll
    /// takes `exclude: README.md`).
    fn strings(&mut self, key: &str) -> Vec<String> {
        match self.get(key) {
            None => Vec::new(),
            Some(Node::Str(s)) => vec![s.clone()],
            Some(Node::Seq(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Node::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            Some(other) => {
                let kind = other.kind();
                self.warn(
                    key,
                    format!("`{key}` should be a list, found {kind}; ignored"),
                );
                Vec::new()
            }
        }
    }

    /// `author:` a name, a map (`name`, `email`, `uri`/`url`), or a key
    /// into `_data/authors.yml`.
    fn author(&mut self, root: &Path) -> Option<Author> {
        match self.get("author")?.clone() {
            Node::Str(name) => {
                let name = name.trim().to_owned();
                if let Some(found) = data_author(root, &name) {
                    return Some(found);
                }
                (!name.is_empty()).then_some(Author {
                    name,
                    email: None,
                    uri: None,
                })
            }
            map @ Node::Map(_) => author_of(&map),
            other => {
                let kind = other.kind();
                self.warn(
                    "author",
                    format!("`author` should be a name or a mapping, found {kind}; ignored"),
                );
                None
            }
        }
    }

    fn collections(&mut self) -> Vec<Collection> {
        match self.get("collections") {
            None => Vec::new(),
            // `collections: [a, b]`: labels only, not written.
            Some(Node::Seq(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Node::Str(label) => Some(Collection {
                        label: label.clone(),
                        output: label == "posts",
                        permalink: None,
                    }),
                    _ => None,
                })
                .collect(),
            Some(Node::Map(entries)) => entries
                .iter()
                .map(|(label, settings)| Collection {
                    label: label.clone(),
                    output: match settings.get("output") {
                        Some(Node::Bool(b)) => *b,
                        _ => label == "posts",
                    },
                    permalink: match settings.get("permalink") {
                        Some(Node::Str(p)) => Some(p.clone()),
                        _ => None,
                    },
                })
                .collect(),
            Some(other) => {
                let kind = other.kind();
                self.warn(
                    "collections",
                    format!("`collections` should be a mapping, found {kind}; ignored"),
                );
                Vec::new()
            }
        }
    }

    fn defaults(&mut self) -> Vec<FrontMatterDefault> {
        let Some(Node::Seq(items)) = self.get("defaults") else {
            return Vec::new();
        };
        let mut defaults = Vec::new();
        for item in items {
            let Some(Node::Map(values)) = item.get("values") else {
                continue;
            };
            let scope = item.get("scope");
            let text = |key: &str| match scope.and_then(|s| s.get(key)) {
                Some(Node::Str(s)) => Some(s.clone()),
                _ => None,
            };
            defaults.push(FrontMatterDefault {
                path: text("path").unwrap_or_default(),
                kind: text("type"),
                values: values.clone(),
            });
        }
        defaults
    }
}

/// An author from a mapping: `name` required.
fn author_of(node: &Node) -> Option<Author> {
    let text = |key: &str| match node.get(key) {
        Some(Node::Str(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        _ => None,
    };
    Some(Author {
        name: text("name")?,
        email: text("email"),
        uri: text("uri").or_else(|| text("url")),
    })
}

/// `_data/authors.yml` (or `.yaml`) entry `key`, when the file has it.
fn data_author(root: &Path, key: &str) -> Option<Author> {
    ["authors.yml", "authors.yaml"].iter().find_map(|name| {
        let text = std::fs::read_to_string(root.join("_data").join(name)).ok()?;
        let node = yaml::parse_config_node(&text).ok()?;
        author_of(node.get(key)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> SiteConfig {
        parse(text, Path::new("/nonexistent"), "_config.yml").unwrap()
    }

    #[test]
    fn reads_the_settings_feeds_need() {
        let c = parse_text(
            "title: Power Apps Every Day\nurl: https://everyday-cc.github.io/\nbaseurl: \"/powerapps\"\nlocale: \"en-us\"\ntimezone: Europe/London\nexclude: [README.md, notes/]\ninclude: [.htaccess]\nplugins: [jekyll-feed]\nfeed:\n  categories: [news]\ncollections:\n  newsletters:\n    output: true\n    permalink: /n/:path/\n  terms:\n    output: false\n",
        );
        assert_eq!(c.title.as_deref(), Some("Power Apps Every Day"));
        assert_eq!(
            c.site_url().as_deref(),
            Some("https://everyday-cc.github.io/powerapps/")
        );
        assert_eq!(c.language.as_deref(), Some("en-US"));
        assert_eq!(c.timezone, chrono_tz::Europe::London);
        assert_eq!(c.exclude, ["README.md", "notes/"]);
        assert_eq!(c.include, [".htaccess"]);
        assert!(c.uses_jekyll_feed());
        let labels: Vec<&str> = c.collections.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["newsletters", "terms", "posts"]);
        assert_eq!(
            c.collection("newsletters").unwrap().permalink.as_deref(),
            Some("/n/:path/")
        );
        assert!(!c.collection("terms").unwrap().output);
        assert_eq!(c.permalink, "date");
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn defaults_take_merge_keys_and_their_scope() {
        let c = parse_text(
            "base: &base\n  layout: post\n  permalink: /api/:title/\ndefaults:\n  - scope:\n      path: \"\"\n      type: posts\n    values:\n      <<: *base\n  - scope:\n      path: _people/collections\n    values:\n      category: people\n",
        );
        assert_eq!(c.defaults.len(), 2);
        assert_eq!(c.defaults[0].kind.as_deref(), Some("posts"));
        assert!(c.defaults[0]
            .values
            .iter()
            .any(|(k, v)| k == "permalink" && *v == Node::Str("/api/:title/".into())));
        assert_eq!(c.defaults[1].path, "_people/collections");
        assert_eq!(c.defaults[1].kind, None);
    }

    #[test]
    fn unknown_time_zones_and_broken_yaml_are_errors_with_the_line() {
        let err = parse(
            "title: x\ntimezone: Mars/Olympus\n",
            Path::new("."),
            "_config.yml",
        )
        .unwrap_err();
        assert!(err.starts_with("_config.yml:2: error: `timezone`"), "{err}");
        let err = parse("title: [x\n", Path::new("."), "_config.yml").unwrap_err();
        assert!(err.contains("invalid Jekyll config"), "{err}");
    }

    #[test]
    fn author_is_a_name_a_map_or_a_key_into_data_authors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("_data")).unwrap();
        std::fs::write(
            dir.path().join("_data/authors.yml"),
            "morwenna:\n  name: Morwenna Tregarthen\n  email: m@harbour.example\n",
        )
        .unwrap();
        let c = parse("author: morwenna\n", dir.path(), "_config.yml").unwrap();
        let a = c.author.unwrap();
        assert_eq!(
            (a.name.as_str(), a.email.as_deref()),
            ("Morwenna Tregarthen", Some("m@harbour.example"))
        );
        let c = parse("author: Jo Bloggs\n", dir.path(), "_config.yml").unwrap();
        assert_eq!(c.author.unwrap().name, "Jo Bloggs");
        let c = parse(
            "author:\n  name: Jo\n  url: https://jo.example/\n",
            dir.path(),
            "_config.yml",
        )
        .unwrap();
        assert_eq!(
            c.author.unwrap().uri.as_deref(),
            Some("https://jo.example/")
        );
    }

    #[test]
    fn locales_become_language_tags() {
        assert_eq!(language_tag("en-us"), "en-US");
        assert_eq!(language_tag("pt_BR"), "pt-BR");
        assert_eq!(language_tag("fr"), "fr");
    }
}
