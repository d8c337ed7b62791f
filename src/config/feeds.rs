//! The config's `feeds:` list and the switches of the built-in feeds,
//! validated into [`FeedDefinition`]s.

use super::{config_error, glob_pattern, glob_set, ConfigError};
use crate::model::Format;
use crate::select::{DefinitionKind, FeedDefinition, Filter, PathGlobs, Per, Sort, TOPICS_DIR};
use chrono::Duration;
use serde::Deserialize;
use url::Url;

/// One entry of `feeds:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    pub path: String,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub filter: FilterConfig,
    pub sort: Option<SortConfig>,
    pub limit: Option<usize>,
    pub formats: Option<Vec<Format>>,
    pub per: Option<PerConfig>,
    pub image: Option<String>,
    pub link: Option<String>,
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterConfig {
    pub topics: Option<TopicsConfig>,
    #[serde(rename = "type")]
    pub kind: Option<OneOrMany>,
    pub provider: Option<OneOrMany>,
    pub path: Option<OneOrMany>,
    pub min_quality: Option<i64>,
    pub min_heat: Option<i64>,
    pub since: Option<String>,
    pub drafts: Option<bool>,
}

/// `topics: [a, b]` (any of them) or `topics: {all: [a, b]}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TopicsConfig {
    Any(OneOrMany),
    All(AllTopics),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllTopics {
    pub all: OneOrMany,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortConfig {
    Newest,
    Quality,
    Heat,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PerConfig {
    Topic,
    Type,
    Provider,
}

/// What the definitions need from the rest of the config.
pub struct Context<'a> {
    pub overall_feed: bool,
    pub topic_feeds: bool,
    /// Base for relative `image` and `link`.
    pub link_base: Option<&'a Url>,
}

/// The built-in definitions (as switched on), then the config's.
pub fn definitions(
    feeds: Vec<FeedConfig>,
    cx: &Context,
) -> Result<Vec<FeedDefinition>, ConfigError> {
    let mut out = Vec::new();
    // The config key of each definition's `path` (none for the built-in ones).
    let mut keys = Vec::new();
    if cx.overall_feed {
        out.push(FeedDefinition::new(DefinitionKind::Overall, ""));
        keys.push(None);
    }
    if cx.topic_feeds {
        out.push(FeedDefinition {
            per: Some(Per::Topic),
            ..FeedDefinition::new(DefinitionKind::Topics, TOPICS_DIR)
        });
        keys.push(None);
    }
    for (nth, config) in feeds.into_iter().enumerate() {
        let key = format!("feeds[{nth}]");
        let definition = definition(config, cx).map_err(|e| e.under(&key))?;
        out.push(definition);
        keys.push(Some(format!("{key}.path")));
    }
    check_collisions(&out, &keys)?;
    Ok(out)
}

fn definition(config: FeedConfig, cx: &Context) -> Result<FeedDefinition, ConfigError> {
    let dir = folder(&config.path, "path").map_err(|e| e.at("path"))?;
    let filter = config.filter;
    let (topics, all_topics) = match filter.topics {
        None => (Vec::new(), false),
        Some(TopicsConfig::Any(any)) => (any.into_vec(), false),
        Some(TopicsConfig::All(all)) => (all.all.into_vec(), true),
    };
    let paths = match filter.path {
        None => None,
        Some(globs) => {
            let globs = globs.into_vec();
            let set = glob_set(&globs, "feeds: filter.path").map_err(|e| e.at("filter.path"))?;
            let patterns: Vec<&str> = globs.iter().map(|g| glob_pattern(g)).collect();
            Some(PathGlobs::new(set, &patterns))
        }
    };
    let since = filter
        .since
        .as_deref()
        .map(window)
        .transpose()
        .map_err(|e| e.at("filter.since"))?;
    let mut formats = config.formats.unwrap_or_else(|| Format::ALL.to_vec());
    formats.sort();
    formats.dedup();
    if formats.is_empty() {
        return Err(config_error(format!(
            "error: feed `{}`: `formats` is empty; list at least one of rss, atom, json",
            config.path
        ))
        .at("formats"));
    }
    let resolve = |raw: Option<String>, key: &str| -> Result<Option<String>, ConfigError> {
        raw.map(|raw| {
            crate::load::resolve_link(&raw, cx.link_base).map_err(|reason| {
                config_error(format!("error: feed `{}`: `{key}`: {reason}", config.path)).at(key)
            })
        })
        .transpose()
    };
    let clean = |text: Option<String>| {
        text.map(|t| crate::text::clean_line(&t))
            .filter(|t| !t.is_empty())
    };
    let aliases = config
        .aliases
        .iter()
        .enumerate()
        .map(|(nth, alias)| folder(alias, "aliases").map_err(|e| e.at(format!("aliases[{nth}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FeedDefinition {
        kind: DefinitionKind::Defined,
        dir,
        title: clean(config.title),
        description: clean(config.description),
        filter: Filter {
            topics,
            all_topics,
            kinds: filter.kind.map(OneOrMany::into_vec).unwrap_or_default(),
            providers: filter.provider.map(OneOrMany::into_vec).unwrap_or_default(),
            paths,
            min_quality: filter.min_quality,
            min_heat: filter.min_heat,
            since,
            drafts: filter.drafts,
        },
        sort: match config.sort {
            None | Some(SortConfig::Newest) => Sort::Newest,
            Some(SortConfig::Quality) => Sort::Quality,
            Some(SortConfig::Heat) => Sort::Heat,
        },
        limit: config.limit,
        formats,
        per: config.per.map(|per| match per {
            PerConfig::Topic => Per::Topic,
            PerConfig::Type => Per::Type,
            PerConfig::Provider => Per::Provider,
        }),
        image: resolve(config.image, "image")?,
        link: resolve(config.link, "link")?,
        max_bytes: config.max_bytes,
        aliases,
        jekyll: None,
    })
}

/// A feed folder as written (`videos`, `best/week`) → `videos/`: each part
/// a slug as topic slugs are (lowercase letters, digits, `-`), so that it
/// is the same on every file system and in every URL.
fn folder(raw: &str, key: &str) -> Result<String, ConfigError> {
    let trimmed = raw.trim().trim_matches('/');
    let parts: Vec<&str> = trimmed.split('/').collect();
    let bad = trimmed.is_empty()
        || parts.iter().any(|part| {
            part.is_empty()
                || part.len() > crate::select::MAX_SLUG_BYTES
                || crate::select::slugify(part) != *part
        });
    if bad {
        let suggestion: Vec<String> = parts
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| crate::select::slugify(p))
            .collect();
        return Err(config_error(format!(
            "error: feeds: `{key}` `{raw}` is not a folder of slugs (lowercase letters, digits and `-`, parts separated by `/`); did you mean `{}`?",
            suggestion.join("/")
        )));
    }
    Ok(format!("{trimmed}/"))
}

/// `7d`, `24h`, `30m`, `90s`, `2w` → a duration.
fn window(raw: &str) -> Result<Duration, ConfigError> {
    let raw = raw.trim();
    let problem = || {
        config_error(format!(
            "error: feeds: `since` `{raw}` is not a window such as `7d`, `24h`, `30m` or `2w`"
        ))
    };
    let split = raw
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(problem)?;
    let (number, unit) = raw.split_at(split);
    let number: i64 = number.parse().map_err(|_| problem())?;
    let seconds_per = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(problem()),
    };
    let seconds = number.checked_mul(seconds_per).ok_or_else(problem)?;
    Duration::try_seconds(seconds)
        .filter(|_| number > 0)
        .ok_or_else(problem)
}

/// Two feeds in one folder, a feed inside a `per` definition's folder
/// (where its per-value feeds go), an alias that is a live folder: each a
/// config error naming both.
fn check_collisions(
    definitions: &[FeedDefinition],
    keys: &[Option<String>],
) -> Result<(), ConfigError> {
    let name = |d: &FeedDefinition| match d.kind {
        DefinitionKind::Overall => "the overall feed".to_owned(),
        DefinitionKind::Topics => "the topic feeds (`topic_feeds`)".to_owned(),
        DefinitionKind::Defined => format!("feed `{}`", d.dir.trim_end_matches('/')),
    };
    for (i, a) in definitions.iter().enumerate() {
        for (j, b) in definitions.iter().enumerate().skip(i + 1) {
            let clash = a.dir == b.dir
                || (a.per.is_some() && b.dir.starts_with(&a.dir) && !a.dir.is_empty())
                || (b.per.is_some() && a.dir.starts_with(&b.dir) && !b.dir.is_empty());
            if clash {
                let key = keys[j].as_ref().or(keys[i].as_ref());
                return Err(at(
                    config_error(format!(
                        "error: {} and {} would write to the same folder `{}`; give one another `path`",
                        name(a),
                        name(b),
                        if a.dir.len() <= b.dir.len() { &a.dir } else { &b.dir }
                    )),
                    key,
                ));
            }
        }
    }
    for (d, key) in definitions.iter().zip(keys) {
        for alias in &d.aliases {
            if let Some(live) = definitions.iter().find(|o| {
                o.dir == *alias
                    || (o.per.is_some() && alias.starts_with(&o.dir) && !o.dir.is_empty())
            }) {
                let alias_key = key.as_ref().map(|k| {
                    let at = d.aliases.iter().position(|a| a == alias).unwrap_or(0);
                    format!("{}aliases[{at}]", k.trim_end_matches("path"))
                });
                return Err(at(
                    config_error(format!(
                        "error: {}: alias `{}` is where {} is written; an alias must be a folder no feed uses any more",
                        name(d),
                        alias.trim_end_matches('/'),
                        name(live)
                    )),
                    alias_key.as_ref(),
                ));
            }
        }
    }
    Ok(())
}

/// The error about the value of `key`, when there is one.
fn at(error: ConfigError, key: Option<&String>) -> ConfigError {
    match key {
        Some(key) => error.at(key.as_str()),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_in_every_unit() {
        assert_eq!(window("7d").unwrap(), Duration::days(7));
        assert_eq!(window("24h").unwrap(), Duration::hours(24));
        assert_eq!(window("30m").unwrap(), Duration::minutes(30));
        assert_eq!(window("90s").unwrap(), Duration::seconds(90));
        assert_eq!(window("2w").unwrap(), Duration::weeks(2));
        for bad in [
            "",
            "7",
            "d",
            "7y",
            "-1d",
            "0d",
            "99999999999999999999d",
            "7 days",
        ] {
            assert!(window(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn folders_are_slug_paths() {
        assert_eq!(folder("videos", "path").unwrap(), "videos/");
        assert_eq!(folder("/best/week/", "path").unwrap(), "best/week/");
        for bad in [
            "", "/", "Videos", "a//b", "../x", "a/./b", "top feed", "x.xml",
        ] {
            let e = folder(bad, "path").unwrap_err().to_string();
            assert!(e.contains("is not a folder of slugs"), "{bad}: {e}");
        }
        assert!(folder("Top Feed", "path")
            .unwrap_err()
            .to_string()
            .ends_with("did you mean `top-feed`?"));
    }
}
