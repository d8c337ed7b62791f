//! The config file (`feedsmith.yaml`) and the settings a run uses, after
//! command-line options are applied on top of it.

use crate::model::TaxonomyTopic;
use crate::yaml;
use chrono::{DateTime, Utc};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::path::Path;
use url::Url;

/// Default number of entries per feed.
pub const DEFAULT_LIMIT: usize = 50;
/// Default largest article file read, in bytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Largest `max_file_size` accepted: 1 GiB. Every size computed from it
/// (such as one byte past the limit) then fits any integer type used.
pub const MAX_MAX_FILE_SIZE: u64 = 1 << 30;
/// Default and largest `max_topics`.
pub const DEFAULT_MAX_TOPICS: usize = 100;
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
    #[serde(default)]
    pub topics: Vec<TopicConfig>,
    pub max_file_size: Option<u64>,
    /// Most topics read per article (default 100); the rest are dropped.
    pub max_topics: Option<usize>,
    /// Which format `index.opml` subscribes to (default atom).
    pub opml_format: Option<crate::render::Format>,
    /// WebSub hub announced in every feed.
    pub hub: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    pub email: Option<String>,
    pub uri: Option<String>,
}

/// What an entry carries: the excerpt only, or full HTML content too.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ContentMode {
    #[default]
    Summary,
    Full,
}

/// A taxonomy entry in the config, with the keys of `_data/topics/*.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    #[serde(rename = "_id")]
    pub id: Option<String>,
    pub name: String,
    pub shortname: Option<String>,
    pub parent: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// Options from the command line that override the config file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub drafts: bool,
    pub future: bool,
    pub now: Option<DateTime<Utc>>,
}

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub title: String,
    pub description: String,
    /// Where the out folder is served; always ends with `/`.
    pub base_url: Option<Url>,
    pub site_url: Option<Url>,
    pub language: String,
    pub author: Option<Author>,
    pub icon: Option<String>,
    pub logo: Option<String>,
    pub limit: usize,
    pub min_quality: Option<i64>,
    pub drafts: bool,
    pub future: bool,
    pub content: ContentMode,
    pub include: GlobSet,
    pub exclude: GlobSet,
    pub topics: Vec<TaxonomyTopic>,
    pub max_file_size: u64,
    pub max_topics: usize,
    pub now: DateTime<Utc>,
    pub opml_format: crate::render::Format,
    pub hub: Option<String>,
}

/// A config problem: nothing can be done (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
}

fn config_error(message: impl Into<String>) -> ConfigError {
    ConfigError {
        message: message.into(),
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
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    yaml::from_str(&text).map_err(|e| {
        let position = match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{l}:{c}:"),
            (Some(l), None) => format!("{l}:"),
            _ => String::new(),
        };
        config_error(format!(
            "{}:{position} error: invalid config: {}",
            path.display(),
            e.message
        ))
    })
}

impl Settings {
    /// Validate the config and apply the overrides.
    pub fn new(
        file: ConfigFile,
        overrides: Overrides,
        now: DateTime<Utc>,
    ) -> Result<Settings, ConfigError> {
        let base_url = overrides
            .base_url
            .or(file.base_url)
            .map(|raw| absolute_dir_url(&raw, "base_url"))
            .transpose()?;
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
                crate::load::resolve_link(&raw, site_url.as_ref().or(base_url.as_ref()))
                    .map_err(|reason| config_error(format!("error: config `{key}`: {reason}")))
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
            return Err(config_error(format!("error: config `language` `{language}` is not a language tag such as `en` or `en-GB`")));
        }
        if let Some(author) = &file.author {
            if author.name.trim().is_empty() {
                return Err(config_error("error: config `author.name` is empty"));
            }
        }
        let topics = file
            .topics
            .into_iter()
            .map(|t| TaxonomyTopic {
                id: t.id.unwrap_or_else(|| t.name.clone()),
                name: t.name,
                shortname: t.shortname,
                parent: t.parent,
                description: t.description,
                image: t.image,
                keywords: t.keywords,
            })
            .collect();
        Ok(Settings {
            title,
            description,
            base_url,
            site_url,
            language,
            // Text from the config ends up in XML too: clean it like article text.
            author: file.author.map(|a| Author {
                name: crate::text::clean_line(&a.name),
                email: a.email.map(|e| crate::text::clean_line(&e)),
                uri: a.uri.map(|u| crate::text::clean_line(&u)),
            }),
            icon,
            logo,
            limit: file.limit.unwrap_or(DEFAULT_LIMIT),
            min_quality: file.min_quality,
            drafts: overrides.drafts || file.drafts.unwrap_or(false),
            future: overrides.future || file.future.unwrap_or(false),
            content: file.content.unwrap_or_default(),
            include: glob_set(&file.include, "include")?,
            exclude: glob_set(&file.exclude, "exclude")?,
            topics,
            max_file_size: bounded(
                "max_file_size",
                file.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
                1,
                MAX_MAX_FILE_SIZE,
                " (1 GiB)",
            )?,
            max_topics: bounded(
                "max_topics",
                file.max_topics.unwrap_or(DEFAULT_MAX_TOPICS) as u64,
                1,
                MAX_MAX_TOPICS as u64,
                "",
            )? as usize,
            now: overrides.now.unwrap_or(now),
            opml_format: file.opml_format.unwrap_or(crate::render::Format::Atom),
            hub: file
                .hub
                .map(|raw| {
                    crate::load::resolve_link(&raw, None)
                        .map_err(|reason| config_error(format!("error: config `hub`: {reason}")))
                })
                .transpose()?,
        })
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
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        config_error(format!(
            "error: `{key}` `{raw}` is not an absolute URL: {e}"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(config_error(format!(
            "error: `{key}` `{raw}` must be an http(s) URL"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn glob_set(patterns: &[String], key: &str) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern.trim_start_matches("./")).map_err(|e| {
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
        assert_eq!(s.base_url.unwrap().as_str(), "https://x.example/feeds/");
        assert_eq!(
            (s.title.as_str(), s.limit, s.drafts),
            ("x.example", 50, true)
        );
        assert_eq!(s.now, now());
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
}
