//! `feedsmith init [DIR]`: a commented `feedsmith.yaml` made from what the
//! content holds (articles, topics, kinds, folders, a Jekyll `_config.yml`),
//! so a newcomer edits a file instead of writing one from the README.
//! It never overwrites a file.

use crate::config::{ConfigFile, Overrides, Settings, CONFIG_NAME, DEFAULT_LIMIT};
use crate::load;
use crate::pipeline;
#[cfg(test)]
use crate::yaml;
use chrono::Utc;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Topics, kinds and providers listed in the file's comments, at most.
const LISTED: usize = 12;

/// What the content holds, as the loader reads it.
#[derive(Debug, Default, PartialEq)]
pub struct Facts {
    /// The content folder as the build will be told it (`content`, `.`).
    pub content: String,
    pub articles: usize,
    pub error_files: usize,
    pub newest: Option<String>,
    /// Most used first, then by name: (name, articles).
    pub topics: Vec<(String, usize)>,
    pub kinds: Vec<(String, usize)>,
    pub providers: Vec<(String, usize)>,
    /// Top-level folders holding articles, with their article counts.
    pub folders: Vec<(String, usize)>,
    /// `_config.yml` values (`title`, `description`, `url`+`baseurl`).
    pub site: Option<SiteValues>,
}

/// The values of a Jekyll `_config.yml` a feedsmith.yaml could override.
#[derive(Debug, Default, PartialEq)]
pub struct SiteValues {
    pub title: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// Collections that are output besides posts.
    pub collections: Vec<String>,
}

/// Write `DIR/feedsmith.yaml`; the exit status.
pub fn run(dir: &Path, content: Option<&Path>, base_url: Option<&str>) -> u8 {
    let target = dir.join(CONFIG_NAME);
    if std::fs::symlink_metadata(&target).is_ok() {
        return exists(&target);
    }
    let content = match content {
        Some(content) => content.to_owned(),
        None => default_content(dir),
    };
    let overrides = Overrides {
        base_url: base_url.map(str::to_owned),
        ..Overrides::default()
    };
    // A site root is read in site mode, as `build` will read it.
    let site = match content == dir && crate::site::is_site(dir) {
        true => match crate::site::config::read(dir) {
            Ok(site) => Some(site),
            Err(message) => return fatal(&message),
        },
        false => None,
    };
    let values = site.as_ref().map(|site| SiteValues {
        title: site.title.clone(),
        description: site.description.clone(),
        url: site.site_url(),
        language: site.language.clone(),
        collections: site
            .collections
            .iter()
            .filter(|c| c.output && c.label != "posts")
            .map(|c| c.label.clone())
            .collect(),
    });
    let settings = match site {
        Some(site) => {
            let default_base = site.site_url().map(|url| format!("{url}feeds/"));
            Settings::for_site(
                ConfigFile::default(),
                site,
                default_base,
                overrides,
                Utc::now(),
            )
        }
        None => Settings::new(ConfigFile::default(), overrides, Utc::now()),
    };
    let settings = match settings {
        Ok(settings) => settings,
        Err(e) => return fatal(&e.to_string()),
    };
    let prepared = match pipeline::prepare(&content, None, &settings, &load::NoProgress, None) {
        Ok(prepared) => prepared,
        Err(e) => return fatal(&format!("error: {e}")),
    };
    let facts = facts(&prepared, shown_content(dir, &content), values);
    let built_base = settings.base_url().map(|u| u.as_str());
    let text = config_text(&facts, base_url.and(built_base), built_base);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            eprintln!(
                "feedsmith: wrote {}: {} articles, {} topics; edit it, then run `feedsmith check{}`",
                target.display(),
                facts.articles,
                facts.topics.len(),
                content_option(&facts.content)
            );
            crate::cli::EXIT_OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => exists(&target),
        Err(e) => fatal(&format!("{}: error: cannot write: {e}", target.display())),
    }
}

fn exists(target: &Path) -> u8 {
    fatal(&format!(
        "{}: error: exists already; `feedsmith init` never overwrites a file (edit it, or move it away first)",
        target.display()
    ))
}

fn fatal(message: &str) -> u8 {
    eprintln!("{message}");
    crate::cli::EXIT_FATAL
}

/// A site root (`_config.yml`) is its own content; else `DIR/content` if
/// there is one; else DIR.
fn default_content(dir: &Path) -> PathBuf {
    let sub = dir.join("content");
    if !dir.join("_config.yml").is_file() && sub.is_dir() {
        sub
    } else {
        dir.to_owned()
    }
}

/// The content folder as `feedsmith build`, run in DIR, is told it.
fn shown_content(dir: &Path, content: &Path) -> String {
    match content.strip_prefix(dir) {
        Ok(rest) if rest.as_os_str().is_empty() => ".".to_owned(),
        Ok(rest) => rest.display().to_string(),
        Err(_) => content.display().to_string(),
    }
}

/// ` --content X` unless X is the default (`content`, or `.` for a site
/// root, which site mode reads).
fn content_option(content: &str) -> String {
    if content == "content" || content == "." {
        String::new()
    } else {
        format!(" --content {content}")
    }
}

/// Count what the loader found.
fn facts(prepared: &pipeline::Prepared, content: String, site: Option<SiteValues>) -> Facts {
    let articles = &prepared.loaded.articles;
    let mut topics = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    let mut providers = BTreeMap::new();
    let mut folders = BTreeMap::new();
    for article in articles {
        for topic in &article.topics {
            *topics.entry(topic.clone()).or_insert(0) += 1;
        }
        if !article.kind.is_empty() {
            *kinds.entry(article.kind.clone()).or_insert(0) += 1;
        }
        if let Some(provider) = &article.provider {
            *providers.entry(provider.name.clone()).or_insert(0) += 1;
        }
        if let Some((folder, _)) = article.path.split_once('/') {
            *folders.entry(folder.to_owned()).or_insert(0) += 1;
        }
    }
    Facts {
        content,
        articles: articles.len(),
        error_files: prepared.loaded.error_files,
        newest: articles
            .iter()
            .map(|a| a.published)
            .max()
            .map(|d| d.format("%Y-%m-%d").to_string()),
        topics: most_used(topics),
        kinds: most_used(kinds),
        providers: most_used(providers),
        folders: most_used(folders),
        site,
    }
}

fn most_used(counts: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

/// `a (3), b (1)` for a comment, the first [`LISTED`].
fn listed(items: &[(String, usize)]) -> String {
    let mut out: Vec<String> = items
        .iter()
        .take(LISTED)
        .map(|(name, n)| format!("{} ({n})", crate::text::clean_line(name)))
        .collect();
    if items.len() > LISTED {
        out.push(format!("and {} more", items.len() - LISTED));
    }
    out.join(", ")
}

/// A YAML scalar that reads back as `text` (double-quoted, escaped).
fn quoted(text: &str) -> String {
    serde_json::to_string(&crate::text::clean_line(text)).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The commented config for `facts`. Every active line is a valid key:
/// the file parses and validates as it is.
/// `base_url` is written on when given; `default_base`, what the build
/// would use without it (a site's `url` + `baseurl` + `feeds/`), off.
pub fn config_text(facts: &Facts, base_url: Option<&str>, default_base: Option<&str>) -> String {
    let mut t = String::new();
    let mut line = |s: String| {
        t.push_str(&s);
        t.push('\n');
    };
    line("# feedsmith config, written by `feedsmith init`: every key is in the".into());
    line("# README's \"Config\" section. Lines starting with `#` are off.".into());
    line("#".into());
    line(format!(
        "# Content folder `{}`: {} articles{}{}.",
        facts.content,
        facts.articles,
        facts
            .newest
            .as_ref()
            .map_or_else(String::new, |d| format!(", newest {d}")),
        if facts.error_files > 0 {
            format!(
                ", {} files with errors (`feedsmith check` lists them)",
                facts.error_files
            )
        } else {
            String::new()
        }
    ));
    for (what, items) in [
        ("Topics", &facts.topics),
        ("Types", &facts.kinds),
        ("Providers", &facts.providers),
        ("Folders", &facts.folders),
    ] {
        if !items.is_empty() {
            line(format!("# {what} (articles): {}.", listed(items)));
        }
    }
    line(format!(
        "# Build with: feedsmith build{}",
        content_option(&facts.content)
    ));
    line(String::new());
    match &facts.site {
        Some(site) => {
            line("# A Jekyll site: feedsmith's site mode takes these from _config.yml;".into());
            line("# set them here only to override it.".into());
            let off = |key: &str, value: &Option<String>| {
                value
                    .as_ref()
                    .map(|v| format!("# {key}: {}   # _config.yml says so", quoted(v)))
            };
            if !site.collections.is_empty() {
                line(format!(
                    "# Collections read besides posts: {}.",
                    site.collections.join(", ")
                ));
            }
            for l in [
                off("title", &site.title),
                off("description", &site.description),
                off("site_url", &site.url),
                off("language", &site.language),
            ]
            .into_iter()
            .flatten()
            {
                line(l);
            }
        }
        None => {
            line("# title: My site                       # feed title (default: the site's host name)".into());
            line("# description: Latest articles          # RSS description, Atom subtitle".into());
            line("# site_url: https://example.com/        # the feeds' <link>; base for relative URLs".into());
        }
    }
    match base_url {
        Some(url) => line(format!(
            "base_url: {url}   # where the out folder (feeds/) is served"
        )),
        None => {
            match default_base {
                Some(url) => {
                    line("# Where the out folder (feeds/) is served; the default here:".into());
                    line(format!("# base_url: {url}"));
                }
                None => {
                    line("# Where the out folder (feeds/) is served: required to build (or --base-url).".into());
                    line("# base_url: https://example.com/feeds/".into());
                }
            }
        }
    }
    line(String::new());
    line(format!(
        "# limit: {DEFAULT_LIMIT}                             # entries per feed, 0 = no limit"
    ));
    line(
        "# content: summary                      # or `full`: the article's HTML in each entry"
            .into(),
    );
    if !facts.folders.is_empty() {
        let globs: Vec<String> = facts
            .folders
            .iter()
            .take(LISTED)
            .map(|(folder, _)| quoted(&format!("{folder}/**")))
            .collect();
        line(format!(
            "# include: [{}]   # only these folders",
            globs.join(", ")
        ));
    }
    line("# exclude: [\"**/drafts/**\"]".into());
    line(String::new());
    line("# More feeds than the overall one and one per topic:".into());
    line("# feeds:".into());
    // The default type says nothing: the first other one makes the example.
    let kind = facts.kinds.iter().find(|(k, _)| k != "article");
    if let Some((kind, _)) = kind {
        line(format!("#   - path: {}", crate::select::slugify(kind)));
        line(format!(
            "#     title: Every {}",
            crate::text::clean_line(kind)
        ));
        line(format!("#     filter: {{type: {}}}", quoted(kind)));
    }
    let best: Vec<String> = facts
        .topics
        .iter()
        .take(2)
        .map(|(t, _)| quoted(t))
        .collect();
    if !best.is_empty() {
        line("#   - path: best".into());
        line(format!("#     filter: {{topics: [{}]}}", best.join(", ")));
        line("#     limit: 10".into());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Facts {
        Facts {
            content: "content".into(),
            articles: 3,
            error_files: 1,
            newest: Some("2024-06-03".into()),
            topics: vec![("Rust".into(), 2), ("AI: \"LLMs\"".into(), 1)],
            kinds: vec![("video".into(), 2)],
            providers: vec![("YouTube".into(), 2)],
            folders: vec![("_news".into(), 3)],
            site: None,
        }
    }

    /// The file as `feedsmith` reads it, with the `#` lines taken away.
    fn settings(text: &str) -> Settings {
        let file: ConfigFile = yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        Settings::new(file, Overrides::default(), Utc::now()).unwrap()
    }

    /// Every line that is off, switched on: still a valid config.
    fn switched_on(text: &str) -> String {
        let key = |l: &str| {
            let first = l.split(' ').next().unwrap_or("");
            l.starts_with("  ")
                || (first.ends_with(':')
                    && first[..first.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_'))
        };
        text.lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| key(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_file_is_valid_as_written_and_with_every_line_switched_on() {
        let text = config_text(&sample(), Some("https://x.example/feeds/"), None);
        assert!(
            text.contains("base_url: https://x.example/feeds/"),
            "{text}"
        );
        assert!(
            text.contains("# Topics (articles): Rust (2), AI: \"LLMs\" (1)."),
            "{text}"
        );
        assert!(text.contains(
            "# Content folder `content`: 3 articles, newest 2024-06-03, 1 files with errors"
        ));
        let s = settings(&text);
        assert_eq!(s.base_url().unwrap().as_str(), "https://x.example/feeds/");
        let on = switched_on(&text);
        let s = settings(&on);
        assert_eq!(s.select.definitions.len(), 4, "{on}");
        assert_eq!(s.select.definitions[2].filter.kinds, ["video"]);
        assert_eq!(
            s.select.definitions[3].filter.topics,
            ["Rust", "AI: \"LLMs\""]
        );
    }

    #[test]
    fn a_jekyll_site_s_values_are_written_off() {
        let facts = Facts {
            site: Some(SiteValues {
                title: Some("Harbour Lights: a sailor's log".into()),
                description: None,
                url: Some("https://h.example/log/".into()),
                language: Some("en-GB".into()),
                collections: vec!["voyages".into()],
            }),
            ..sample()
        };
        let text = config_text(&facts, None, Some("https://h.example/log/feeds/"));
        assert!(
            text.contains("# title: \"Harbour Lights: a sailor's log\"   # _config.yml says so"),
            "{text}"
        );
        assert!(
            text.contains("# site_url: \"https://h.example/log/\""),
            "{text}"
        );
        assert!(
            text.contains("# base_url: https://h.example/log/feeds/"),
            "{text}"
        );
        assert!(
            text.contains("# Collections read besides posts: voyages."),
            "{text}"
        );
        let s = settings(&text);
        assert!(s.base_url().is_none());
        assert_eq!(
            settings(&switched_on(&text)).render.site_title,
            "Harbour Lights: a sailor's log"
        );
    }
}
