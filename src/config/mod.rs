//! The config file (`feedsmith.yaml`) and the settings a run uses, after
//! command-line options are applied on top of it: one part per stage.

mod discover;
mod errors;
mod feeds;
pub mod jekyll_feed;

pub use discover::{candidates, find, find_for_site, not_found_note, Found, CONFIG_NAME};
pub use feeds::FeedConfig;

use crate::load::LoadSettings;
use crate::model::{Author, ContentMode, Format, TaxonomyTopic};
use crate::render::RenderSettings;
use crate::select::SelectSettings;
use crate::site::SiteConfig;
use crate::yaml;
use chrono::{DateTime, Utc};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;
use url::Url;

/// Default number of entries per feed.
pub const DEFAULT_LIMIT: usize = 50;
/// Default largest article file read, in bytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Largest `max_file_size` accepted: 1 GiB. Every size computed from it
/// (such as one byte past the limit) then fits any integer type used.
pub const MAX_MAX_FILE_SIZE: u64 = 1 << 30;
/// Default and largest `max_topics`.
pub use crate::load::DEFAULT_MAX_TOPICS;
pub const MAX_MAX_TOPICS: usize = 10_000;

/// The config file as written. Unknown keys are an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub site_url: Option<String>,
    pub language: Option<String>,
    pub author: Option<Author>,
    pub icon: Option<String>,
    pub logo: Option<String>,
    pub limit: Option<usize>,
    pub min_quality: Option<i64>,
    pub drafts: Option<bool>,
    pub future: Option<bool>,
    pub content: Option<ContentMode>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Taxonomy entries, with the keys of `_data/topics/*.yaml`.
    #[serde(default)]
    pub topics: Vec<yaml::Node>,
    pub max_file_size: Option<u64>,
    /// Most topics read per article (default 100); the rest are dropped.
    pub max_topics: Option<usize>,
    /// Which format `index.opml` subscribes to (default atom).
    pub opml_format: Option<crate::model::Format>,
    /// WebSub hub announced in every feed.
    pub hub: Option<String>,
    /// The overall feed at the root of the out folder (default on).
    pub overall_feed: Option<bool>,
    /// One feed per topic under `topics/` (default on).
    pub topic_feeds: Option<bool>,
    /// A topic feed's alternate link, with `{slug}` (relative to `site_url`).
    pub topic_url: Option<String>,
    /// Largest file of a feed, in bytes (default 1 MiB; 0 = none).
    pub max_bytes: Option<u64>,
    /// A page a person can read in each feed's folder (default on).
    pub pages: Option<bool>,
    /// A style sheet copied beside the pages.
    pub page_css: Option<String>,
    /// Feeds described in the config, besides the built-in ones.
    #[serde(default)]
    pub feeds: Vec<FeedConfig>,
    /// `false`: a folder with `_config.yml` is read as today, not as a
    /// Jekyll site (as `--no-site`).
    pub site: Option<bool>,
    /// Warnings silenced, by code and optionally path glob.
    #[serde(default)]
    pub ignore: Vec<crate::diagnostic::IgnoreRule>,
    /// The file's text, for the line of a problem found after parsing.
    #[serde(skip)]
    pub text: String,
    /// Where it was read from (relative paths in it are relative to its folder).
    #[serde(skip)]
    pub path: Option<std::path::PathBuf>,
}

/// Options from the command line that override the config file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Site mode: `published: false` documents are entries.
    pub unpublished: bool,
    pub future: bool,
    pub now: Option<DateTime<Utc>>,
}

/// Default largest feed file: readers and services reject or truncate
/// larger ones (FeedBurner 512 KB, CommaFeed 5 MB, Miniflux 15 MB).
pub const DEFAULT_MAX_BYTES: u64 = 1 << 20;

/// Everything a run needs, validated: one part per stage.
#[derive(Debug, Clone)]
pub struct Settings {
    pub load: LoadSettings,
    pub select: SelectSettings,
    pub render: RenderSettings,
    /// The config's own `topics:`, read before `_data/topics`.
    pub topics: Vec<TaxonomyTopic>,
    /// The Jekyll site, in site mode.
    pub site: Option<Arc<SiteConfig>>,
    /// Config `ignore:`: warnings no run reports.
    pub ignore: crate::diagnostic::Ignore,
}

impl Settings {
    /// Where the out folder is served.
    pub fn base_url(&self) -> Option<&Url> {
        self.render.base_url.as_ref()
    }
}

/// A config problem: nothing can be done (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    /// The key whose value is wrong (`feeds[1].filter.since`), for the
    /// line and column of a problem found after parsing.
    pub key: Option<String>,
}

fn config_error(message: impl Into<String>) -> ConfigError {
    ConfigError {
        message: message.into(),
        key: None,
    }
}

impl ConfigError {
    /// The same problem, about the value of `key`.
    fn at(self, key: impl Into<String>) -> ConfigError {
        ConfigError {
            key: Some(key.into()),
            ..self
        }
    }

    /// The same problem, `key` being below `parent` (`feeds[2]`).
    fn under(self, parent: &str) -> ConfigError {
        let key = match &self.key {
            Some(key) => format!("{parent}.{key}"),
            None => parent.to_owned(),
        };
        ConfigError {
            key: Some(key),
            ..self
        }
    }
}

/// Read the config file. A missing file is fine unless it was named
/// explicitly.
pub fn read(path: &Path, explicit: bool) -> Result<ConfigFile, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default())
        }
        Err(e) => {
            return Err(config_error(format!(
                "{}: error: cannot read config: {e}",
                path.display()
            )))
        }
    };
    let mut file = if text.trim().is_empty() {
        ConfigFile::default()
    } else {
        parse(&text, path)?
    };
    file.text = text;
    file.path = Some(path.to_owned());
    Ok(file)
}

/// The config's text as a [`ConfigFile`]; errors carry the line and
/// column, in words, and for a misspelt key the closest known one.
fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    yaml::from_str(text).map_err(|e| errors::parse_error(e, text, path))
}

impl Settings {
    /// Validate the config and apply the overrides; a problem names the
    /// file, line and column of the value it is about.
    pub fn new(
        file: ConfigFile,
        overrides: Overrides,
        now: DateTime<Utc>,
    ) -> Result<Settings, ConfigError> {
        let text = file.text.clone();
        let path = file.path.clone();
        Settings::validate(file, overrides, now)
            .map_err(|e| errors::validation_error(e, &text, path.as_deref()))
    }

    fn validate(
        file: ConfigFile,
        overrides: Overrides,
        now: DateTime<Utc>,
    ) -> Result<Settings, ConfigError> {
        let base_url = match overrides.base_url {
            // Not the config's value: no place in the file to point at.
            Some(raw) => Some(
                absolute_dir_url(&raw, "--base-url").map_err(|e| ConfigError {
                    key: Some("--base-url".to_owned()),
                    message: e.message.replace("config `--base-url`", "`--base-url`"),
                })?,
            ),
            None => file
                .base_url
                .map(|raw| absolute_dir_url(&raw, "base_url"))
                .transpose()?,
        };
        let site_url = file
            .site_url
            .map(|raw| absolute_dir_url(&raw, "site_url"))
            .transpose()?;
        let title = file
            .title
            .map(|t| crate::text::clean_line(&t))
            .filter(|t| !t.is_empty())
            .or_else(|| {
                site_url
                    .as_ref()
                    .or(base_url.as_ref())
                    .and_then(|u| u.host_str())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "Feeds".to_owned());
        let description = file
            .description
            .map(|d| crate::text::clean_line(&d))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("Latest articles from {title}"));
        let resolve = |raw: Option<String>, key: &str| -> Result<Option<String>, ConfigError> {
            raw.map(|raw| {
                crate::load::resolve_link(&raw, site_url.as_ref().or(base_url.as_ref())).map_err(
                    |reason| config_error(format!("error: config `{key}`: {reason}")).at(key),
                )
            })
            .transpose()
        };
        let icon = resolve(file.icon, "icon")?;
        let logo = resolve(file.logo, "logo")?;
        let language = file.language.unwrap_or_else(|| "en".to_owned());
        if language.is_empty()
            || !language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(config_error(format!("error: config `language` `{language}` is not a language tag such as `en` or `en-GB`")).at("language"));
        }
        if let Some(author) = &file.author {
            if author.name.trim().is_empty() {
                return Err(config_error("error: config `author.name` is empty").at("author.name"));
            }
        }
        let mut topics = Vec::with_capacity(file.topics.len());
        for (nth, node) in file.topics.iter().enumerate() {
            // The same reader as `_data/topics` files; the id falls back to the name.
            let fallback = match node.get("name") {
                Some(yaml::Node::Str(name)) => name.clone(),
                _ => String::new(),
            };
            match crate::load::taxonomy_topic(node, &fallback) {
                Some(topic) => topics.push(topic),
                None => {
                    return Err(config_error(format!(
                        "error: config `topics`: entry {} has no `name` or `_id`",
                        nth + 1
                    ))
                    .at(format!("topics[{nth}]")))
                }
            }
        }
        let link_base = site_url.clone().or_else(|| base_url.clone());
        let site_link = link_base
            .as_ref()
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default();
        if let Some(template) = &file.topic_url {
            let sample = template.replace("{slug}", "topic");
            crate::load::resolve_link(&sample, link_base.as_ref()).map_err(|reason| {
                config_error(format!("error: config `topic_url`: {reason}")).at("topic_url")
            })?;
        }
        let ignore = crate::diagnostic::Ignore::new(&file.ignore).map_err(|why| {
            let at = yaml::key_line(&file.text, "ignore", 0);
            let place = match (&file.path, at) {
                (Some(path), Some(line)) => format!("{}:{line}: ", path.display()),
                _ => String::new(),
            };
            config_error(format!("{place}error: config `ignore`: {why}"))
        })?;
        let limit = file.limit.unwrap_or(DEFAULT_LIMIT);
        let drafts = overrides.drafts || file.drafts.unwrap_or(false);
        let content = file.content.unwrap_or_default();
        let definitions = feeds::definitions(
            file.feeds,
            &feeds::Context {
                overall_feed: file.overall_feed.unwrap_or(true),
                topic_feeds: file.topic_feeds.unwrap_or(true),
                link_base: link_base.as_ref(),
            },
        )?;
        // Text from the config ends up in XML too: clean it like article text.
        let author = file.author.map(|a| Author {
            name: crate::text::clean_line(&a.name),
            email: a.email.map(|e| crate::text::clean_line(&e)),
            uri: a.uri.map(|u| crate::text::clean_line(&u)),
        });
        let page_css = file.page_css.map(|css| {
            let folder = file
                .path
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(Path::new(""));
            folder.join(css)
        });
        Ok(Settings {
            load: LoadSettings {
                include: glob_set(&file.include, "include").map_err(|e| e.at("include"))?,
                exclude: glob_set(&file.exclude, "exclude").map_err(|e| e.at("exclude"))?,
                site_url: site_url.clone(),
                site: None,
                keep_body: content == ContentMode::Full,
                max_file_size: bounded(
                    "max_file_size",
                    file.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
                    1,
                    MAX_MAX_FILE_SIZE,
                    " (1 GiB)",
                )
                .map_err(|e| e.at("max_file_size"))?,
                max_topics: bounded(
                    "max_topics",
                    file.max_topics.unwrap_or(DEFAULT_MAX_TOPICS) as u64,
                    1,
                    MAX_MAX_TOPICS as u64,
                    "",
                )
                .map_err(|e| e.at("max_topics"))? as usize,
            },
            select: SelectSettings {
                now: overrides.now.unwrap_or(now),
                drafts,
                future: overrides.future || file.future.unwrap_or(false),
                min_quality: file.min_quality,
                limit,
                max_bytes: file.max_bytes.unwrap_or(DEFAULT_MAX_BYTES),
                definitions,
                site_title: title.clone(),
                site_description: description.clone(),
                site_link: site_link.clone(),
                link_base,
                topic_url: file.topic_url,
                default_image: logo.clone().or_else(|| icon.clone()),
            },
            render: RenderSettings {
                base_url,
                site_title: title,
                site_description: description,
                site_link,
                language,
                author,
                icon,
                logo,
                hub: file
                    .hub
                    .map(|raw| {
                        crate::load::resolve_link(&raw, None).map_err(|reason| {
                            config_error(format!("error: config `hub`: {reason}")).at("hub")
                        })
                    })
                    .transpose()?,
                content,
                opml_format: file.opml_format.unwrap_or(Format::Atom),
                pages: file.pages.unwrap_or(true),
                index_page: true,
                page_css,
            },
            topics,
            site: None,
            ignore,
        })
    }

    /// Site mode: the Jekyll site's `_config.yml` gives every value
    /// `feedsmith.yaml` (`file`) leaves unset; `base_url`, when neither
    /// sets one, is `default_base` (made from `url` + `baseurl` and the out
    /// folder by the caller).
    pub fn for_site(
        mut file: ConfigFile,
        site: SiteConfig,
        default_base: Option<String>,
        overrides: Overrides,
        now: DateTime<Utc>,
    ) -> Result<Settings, ConfigError> {
        let text = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
        file.title = file.title.or_else(|| text(&site.title));
        file.description = file.description.or_else(|| text(&site.description));
        file.site_url = file.site_url.or_else(|| site.site_url());
        file.base_url = file.base_url.or(default_base);
        file.language = file.language.or_else(|| site.language.clone());
        file.author = file.author.or_else(|| site.author.clone());
        file.future = file.future.or(Some(site.future));
        file.drafts = file.drafts.or(Some(site.show_drafts));
        let unpublished = overrides.unpublished;
        let mut settings = Settings::new(file, overrides, now)?;
        // jekyll-feed's feeds, with the full content it writes by default.
        let jekyll_feed = jekyll_feed::JekyllFeedSettings::from_site(&site).map_err(|why| {
            config_error(format!(
                "{}: error: {why}",
                site.root.join("_config.yml").display()
            ))
        })?;
        if let Some(jekyll_feed) = jekyll_feed {
            let title = text(&site.title).unwrap_or_default();
            let description = text(&site.description).unwrap_or_default();
            settings
                .select
                .definitions
                .extend(jekyll_feed.definitions(&title, &description));
            settings.load.keep_body = true;
        }
        let site = Arc::new(site);
        settings.load.site = Some(crate::load::SiteLoad {
            config: Arc::clone(&site),
            drafts: settings.select.drafts,
            unpublished,
        });
        settings.site = Some(site);
        Ok(settings)
    }
}

/// `value` when within `min..=max`, else a config error naming the bounds.
fn bounded(key: &str, value: u64, min: u64, max: u64, unit: &str) -> Result<u64, ConfigError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(config_error(format!(
            "error: config `{key}` {value} is out of range: it must be from {min} to {max}{unit}"
        )))
    }
}

/// An absolute http(s) URL that ends with `/`, so relative joins stay below it.
fn absolute_dir_url(raw: &str, key: &str) -> Result<Url, ConfigError> {
    let wrong = || {
        config_error(format!(
            "error: config `{key}` must be an absolute http(s) URL such as `https://example.com/feeds/`, not `{raw}`"
        ))
        .at(key)
    };
    let mut url = Url::parse(raw.trim()).map_err(|_| wrong())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(wrong());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// A configured glob as matched: paths are relative to the content
/// folder, so a leading `./` says nothing.
fn glob_pattern(pattern: &str) -> &str {
    pattern.trim_start_matches("./")
}

fn glob_set(patterns: &[String], key: &str) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(glob_pattern(pattern)).map_err(|e| {
            config_error(format!("error: config `{key}`: bad glob `{pattern}`: {e}"))
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| config_error(format!("error: config `{key}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn parse(text: &str) -> Result<ConfigFile, String> {
        yaml::from_str::<ConfigFile>(text).map_err(|e| format!("{}:{:?}", e.message, e.line))
    }

    #[test]
    fn unknown_keys_are_errors_with_line() {
        let err = parse("title: x\nbase_ulr: https://x.example/\n").unwrap_err();
        assert!(
            err.contains("base_ulr") && err.ends_with("Some(2)"),
            "{err}"
        );
    }

    #[test]
    fn resolves_defaults_and_overrides() {
        let file = parse("base_url: https://x.example/feeds\ndrafts: false\n").unwrap();
        let s = Settings::new(
            file,
            Overrides {
                drafts: true,
                ..Overrides::default()
            },
            now(),
        )
        .unwrap();
        assert_eq!(s.base_url().unwrap().as_str(), "https://x.example/feeds/");
        assert_eq!(
            (
                s.render.site_title.as_str(),
                s.select.limit,
                s.select.drafts
            ),
            ("x.example", 50, true)
        );
        assert_eq!(s.select.now, now());
    }

    #[test]
    fn rejects_bad_values() {
        for text in [
            "base_url: /feeds\n",
            "base_url: ftp://x.example/\n",
            "language: 'e n'\n",
            "include: ['a/[']\n",
            "max_file_size: 18446744073709551615\n",
            "max_file_size: 1073741825\n",
            "max_file_size: 0\n",
            "max_topics: 0\n",
            "max_topics: 18446744073709551615\n",
        ] {
            let file = parse(text).unwrap();
            assert!(
                Settings::new(file, Overrides::default(), now()).is_err(),
                "{text}"
            );
        }
        assert!(parse("content: partial\n").is_err());
        for text in [
            "max_file_size: -1\n",
            "max_file_size: 1e30\n",
            "max_file_size: 18446744073709551616\n",
            "limit: -1\n",
            "max_topics: -5\n",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        let err = Settings::new(
            parse("max_file_size: 18446744073709551615\n").unwrap(),
            Overrides::default(),
            now(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "error: config `max_file_size` 18446744073709551615 is out of range: it must be from 1 to 1073741824 (1 GiB)");
    }

    /// `Settings::new` on `text` as read from `feedsmith.yaml`.
    fn settings(text: &str) -> Result<Settings, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedsmith.yaml");
        std::fs::write(&path, text).unwrap();
        let shown = |e: ConfigError| {
            e.to_string()
                .replace(&path.display().to_string(), "feedsmith.yaml")
        };
        let file = read(&path, true).map_err(shown)?;
        Settings::new(file, Overrides::default(), now()).map_err(shown)
    }

    #[test]
    fn feed_definitions_follow_the_built_in_ones() {
        let s = settings(
            "base_url: https://x.example/\nfeeds:\n  - path: videos\n    title: Videos\n    filter: {type: video, since: 7d, topics: {all: [AI, Data]}}\n    sort: heat\n    formats: [atom, rss, atom]\n    limit: 0\n  - path: by/type\n    per: type\n    aliases: [providers]\n",
        )
        .unwrap();
        let dirs: Vec<&str> = s
            .select
            .definitions
            .iter()
            .map(|d| d.dir.as_str())
            .collect();
        assert_eq!(dirs, ["", "topics/", "videos/", "by/type/"]);
        let videos = &s.select.definitions[2];
        assert_eq!(videos.formats, [Format::Rss, Format::Atom]);
        assert_eq!(videos.limit, Some(0));
        assert!(videos.filter.all_topics && videos.filter.topics == ["AI", "Data"]);
        assert_eq!(videos.filter.since, Some(chrono::Duration::days(7)));
        assert_eq!(s.select.definitions[3].aliases, ["providers/"]);
        let off =
            settings("overall_feed: false\ntopic_feeds: false\nfeeds:\n  - path: topics/best\n")
                .unwrap();
        let dirs: Vec<&str> = off
            .select
            .definitions
            .iter()
            .map(|d| d.dir.as_str())
            .collect();
        assert_eq!(dirs, ["topics/best/"]);
    }

    #[test]
    fn feed_definition_mistakes_are_errors_with_line_and_suggestion() {
        for (text, expected) in [
            (
                "feeds:\n  - path: videos\n    filter:\n      typ: video\n",
                "feedsmith.yaml:4:7: error: config: unknown key `typ` in `feeds[0].filter`; did you mean `type`?",
            ),
            ("feeds:\n  - path: videos\n    filter: {typ: video}\n", "did you mean `type`?"),
            ("feeds:\n  - path: x\n    sort: hot\n", "feedsmith.yaml:3:11: error: config: `feeds[0].sort` must be one of newest, quality, heat, not `hot`"),
            ("feeds:\n  - path: x\n    per: author\n", "must be one of topic, type, provider, not `author`"),
            (
                "feeds:\n  - path: a\n  - path: b\n  - path: a\n",
                "feedsmith.yaml:4:11: error: feed `a` and feed `a` would write to the same folder `a/`",
            ),
            (
                "feeds:\n  - path: topics/x\n",
                "feedsmith.yaml:2:11: error: the topic feeds (`topic_feeds`) and feed `topics/x` would write to the same folder `topics/`",
            ),
            (
                "feeds:\n  - path: by\n    per: type\n  - path: by/video\n",
                "feed `by` and feed `by/video` would write to the same folder `by/`",
            ),
            (
                "feeds:\n  - path: a\n  - path: b\n    aliases: [a]\n",
                "feedsmith.yaml:4:15: error: feed `b`: alias `a` is where feed `a` is written",
            ),
            ("feeds:\n  - path: Videos\n", "feedsmith.yaml:2:11: error: feeds: `path` `Videos` is not a folder of slugs"),
            ("feeds:\n  - path: ../x\n", "is not a folder of slugs"),
            ("feeds:\n  - path: x\n    formats: []\n", "`formats` is empty"),
            ("feeds:\n  - path: x\n    filter: {since: 7 days}\n", "feedsmith.yaml:3:21: error: feeds: `since` `7 days` is not a window"),
            ("feeds:\n  - path: x\n    image: javascript:alert(1)\n", "feed `x`: `image`"),
            ("topic_url: \"/topics/{slug}/\"\n", "feedsmith.yaml:1:12: error: config `topic_url`"),
        ] {
            let err = settings(text).unwrap_err();
            assert!(err.contains(expected), "{text}\n{err}");
        }
    }
}
