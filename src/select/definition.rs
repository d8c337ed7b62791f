//! Feed definitions: the config's `feeds:` entries, validated, and the two
//! built-in feeds expressed the same way.

use super::path_globs::PathGlobs;
use crate::model::{Article, Format};
use chrono::{DateTime, Duration, Utc};

/// One description of a feed, or of one feed per value with `per`.
#[derive(Debug, Clone)]
pub struct FeedDefinition {
    pub kind: DefinitionKind,
    /// Folder under the out folder, ending in `/` (`""` for the overall feed).
    pub dir: String,
    /// With `per`, `{name}` stands for the value's name.
    pub title: Option<String>,
    pub description: Option<String>,
    pub filter: Filter,
    pub sort: Sort,
    /// Entries per feed; `None`: the global limit; 0: no limit.
    pub limit: Option<usize>,
    pub formats: Vec<Format>,
    pub per: Option<Per>,
    /// Absolute URL of the feed image.
    pub image: Option<String>,
    /// Absolute alternate link.
    pub link: Option<String>,
    /// `None`: the global `max_bytes`.
    pub max_bytes: Option<u64>,
    /// Old folders, each ending in `/`.
    pub aliases: Vec<String>,
    /// A feed as jekyll-feed writes it (site mode); `None` for the others.
    pub jekyll: Option<JekyllFeedSpec>,
}

/// One of jekyll-feed's feeds: a single Atom file holding one collection's
/// documents (one category's, or one feed per tag), with jekyll-feed's
/// titles, ids and content. Built by `config::jekyll_feed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JekyllFeedSpec {
    /// The Atom file, relative to the out folder; with `tags`, `{tag}`
    /// stands for the tag.
    pub file: String,
    /// `posts`, or a collection named in `feed.collections`.
    pub collection: String,
    /// Only documents with this category (compared exactly, as Liquid's
    /// `where` does).
    pub category: Option<String>,
    /// One feed per tag (`feed.tags`).
    pub tags: Option<TagFeeds>,
    /// `feed.excerpt_only`: entries without content.
    pub excerpt_only: bool,
    /// `feed.posts_limit`: entries per file; 0 writes none, as
    /// jekyll-feed's `limit: 0` does.
    pub posts_limit: usize,
}

/// Which tags get a feed: `only` (else every tag of the collection's
/// documents) less `except`, and only names of ASCII letters, digits and
/// `_`, as jekyll-feed accepts them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFeeds {
    pub only: Option<Vec<String>>,
    pub except: Vec<String>,
}

impl TagFeeds {
    /// Whether jekyll-feed writes a feed for `tag`.
    pub fn accepts(&self, tag: &str) -> bool {
        !tag.is_empty()
            && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && self
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|t| t == tag))
            && !self.except.iter().any(|t| t == tag)
    }
}

impl JekyllFeedSpec {
    /// Whether `article` belongs to this feed (tags are split later).
    pub fn matches(&self, article: &Article) -> bool {
        article.collection.as_deref() == Some(self.collection.as_str())
            && self
                .category
                .as_ref()
                .is_none_or(|c| article.categories.iter().any(|a| a == c))
    }
}

/// Built-in or from the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    Overall,
    Topics,
    Defined,
}

impl FeedDefinition {
    /// A definition with no filter, every format, the global limit.
    pub fn new(kind: DefinitionKind, dir: impl Into<String>) -> FeedDefinition {
        FeedDefinition {
            kind,
            dir: dir.into(),
            title: None,
            description: None,
            filter: Filter::default(),
            sort: Sort::Newest,
            limit: None,
            formats: Format::ALL.to_vec(),
            per: None,
            image: None,
            link: None,
            max_bytes: None,
            aliases: Vec::new(),
            jekyll: None,
        }
    }
}

/// Conditions an article must all meet to be in the feed.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Topic names (resolved through the taxonomy); with `all_topics`
    /// every one must be there, else any one.
    pub topics: Vec<String>,
    pub all_topics: bool,
    /// `type` values, compared case-insensitively.
    pub kinds: Vec<String>,
    /// Provider names (case-insensitive) or domains (also matching
    /// subdomains).
    pub providers: Vec<String>,
    /// Globs on the path relative to the content folder.
    pub paths: Option<PathGlobs>,
    /// Articles without a quality (heat) value never meet these.
    pub min_quality: Option<i64>,
    pub min_heat: Option<i64>,
    /// Published within this window before `now`.
    pub since: Option<Duration>,
    /// `Some(true)`: drafts are in this feed even without `--drafts`;
    /// `Some(false)`: never; `None`: as the run says.
    pub drafts: Option<bool>,
}

impl Filter {
    /// Whether `article` meets every condition but `topics` (checked
    /// against resolved topics by the caller) and `drafts` (decided by the
    /// candidate list the article comes from).
    pub fn matches(&self, article: &Article, now: DateTime<Utc>) -> bool {
        if !self.kinds.is_empty()
            && !self
                .kinds
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&article.kind))
        {
            return false;
        }
        if !self.providers.is_empty() {
            let Some(provider) = &article.provider else {
                return false;
            };
            let host = provider
                .url
                .as_deref()
                .and_then(|u| u.strip_prefix("https://"))
                .unwrap_or("");
            let matched = self.providers.iter().any(|wanted| {
                wanted.eq_ignore_ascii_case(&provider.name) || domain_matches(host, wanted)
            });
            if !matched {
                return false;
            }
        }
        if let Some(min) = self.min_quality {
            if article.quality.is_none_or(|q| q < min) {
                return false;
            }
        }
        if let Some(min) = self.min_heat {
            if article.heat.is_none_or(|h| h < min) {
                return false;
            }
        }
        if let Some(start) = self.window_start(now) {
            if article.published < start {
                return false;
            }
        }
        // Last: a glob match costs far more than the other conditions,
        // and most articles fail one of those first.
        if let Some(paths) = &self.paths {
            if !paths.is_match(&article.path) {
                return false;
            }
        }
        true
    }

    /// The earliest publication time `since` lets in.
    pub fn window_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let window = self.since?;
        Some(
            now.checked_sub_signed(window)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        )
    }
}

/// `host` is `domain` or one of its subdomains (case-insensitive).
fn domain_matches(host: &str, domain: &str) -> bool {
    let domain = domain.trim_start_matches("www.");
    let host = host.trim_start_matches("www.");
    if host.len() < domain.len() || domain.is_empty() {
        return false;
    }
    let (rest, tail) = host.split_at(host.len() - domain.len());
    tail.eq_ignore_ascii_case(domain) && (rest.is_empty() || rest.ends_with('.'))
}

/// Order of a feed's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    /// Highest first; without a value last; ties newest first, then link.
    Quality,
    Heat,
}

/// One feed per value of this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Topic,
    Type,
    Provider,
}

impl Per {
    /// The display name of an article's value (`type`, provider), whose
    /// slug names its feed; topics are resolved elsewhere.
    pub fn name(self, article: &Article) -> Option<&str> {
        let name = match self {
            Per::Topic => return None,
            Per::Type => article.kind.trim(),
            Per::Provider => article.provider.as_ref()?.name.trim(),
        };
        (!name.is_empty()).then_some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provider;
    use crate::select::slugify;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn video() -> Article {
        Article {
            kind: "Video".into(),
            quality: Some(4),
            heat: None,
            provider: Some(Provider {
                name: "YouTube".into(),
                url: Some("https://www.youtube.com".into()),
            }),
            ..crate::testing::article(
                "_learning/videos/a.md",
                "https://x/a",
                at("2024-01-05T00:00:00Z"),
            )
        }
    }

    #[test]
    fn each_condition_can_exclude() {
        let now = at("2024-01-10T00:00:00Z");
        let a = video();
        let ok = |f: Filter| f.matches(&a, now);
        assert!(ok(Filter::default()));
        assert!(ok(Filter {
            kinds: vec!["video".into()],
            ..Filter::default()
        }));
        assert!(!ok(Filter {
            kinds: vec!["article".into()],
            ..Filter::default()
        }));
        assert!(ok(Filter {
            providers: vec!["youtube".into()],
            ..Filter::default()
        }));
        assert!(ok(Filter {
            providers: vec!["youtube.com".into()],
            ..Filter::default()
        }));
        assert!(!ok(Filter {
            providers: vec!["tube.com".into()],
            ..Filter::default()
        }));
        assert!(!ok(Filter {
            providers: vec!["vimeo.com".into()],
            ..Filter::default()
        }));
        let glob = |g: &str| {
            let mut b = globset::GlobSetBuilder::new();
            b.add(globset::Glob::new(g).unwrap());
            Some(PathGlobs::new(b.build().unwrap(), &[g]))
        };
        assert!(ok(Filter {
            paths: glob("_learning/videos/**"),
            ..Filter::default()
        }));
        assert!(!ok(Filter {
            paths: glob("_news/**"),
            ..Filter::default()
        }));
        assert!(ok(Filter {
            min_quality: Some(4),
            ..Filter::default()
        }));
        assert!(!ok(Filter {
            min_quality: Some(5),
            ..Filter::default()
        }));
        assert!(
            !ok(Filter {
                min_heat: Some(0),
                ..Filter::default()
            }),
            "no heat never meets min_heat"
        );
        assert!(ok(Filter {
            since: Some(Duration::days(5)),
            ..Filter::default()
        }));
        assert!(!ok(Filter {
            since: Some(Duration::days(4)),
            ..Filter::default()
        }));
        assert!(ok(Filter {
            since: Some(Duration::MAX),
            ..Filter::default()
        }));
    }

    #[test]
    fn per_values_are_slugged_names() {
        let a = video();
        let value = |per: Per, a: &Article| per.name(a).map(|n| (slugify(n), n.to_owned()));
        assert_eq!(value(Per::Type, &a), Some(("video".into(), "Video".into())));
        assert_eq!(
            value(Per::Provider, &a),
            Some(("youtube".into(), "YouTube".into()))
        );
        let bare = crate::testing::article("a.md", "https://x/a", at("2024-01-05T00:00:00Z"));
        assert_eq!(value(Per::Provider, &bare), None);
    }

    #[test]
    fn domains_match_themselves_and_subdomains_only() {
        assert!(domain_matches("youtube.com", "YouTube.com"));
        assert!(domain_matches("m.youtube.com", "youtube.com"));
        assert!(!domain_matches("notyoutube.com", "youtube.com"));
        assert!(!domain_matches("", ""));
    }

    #[test]
    fn per_provider_makes_one_feed_per_provider_name() {
        let provider = |name: &str| {
            Some(Provider {
                name: name.into(),
                url: Some("https://p.example".into()),
            })
        };
        let mut articles: Vec<Article> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(day, name)| {
                crate::testing::article(
                    &format!("{name}.md"),
                    &format!("https://x/{name}"),
                    at(&format!("2024-01-0{}T00:00:00Z", day + 1)),
                )
            })
            .collect();
        articles[0].provider = provider("YouTube");
        articles[1].provider = provider("youtube");
        articles[2].provider = provider("Medium");
        let mut settings = crate::select::SelectSettings::defaults(at("2024-02-01T00:00:00Z"));
        let mut by_provider = FeedDefinition::new(DefinitionKind::Defined, "providers/");
        by_provider.per = Some(Per::Provider);
        settings.definitions = vec![by_provider];
        let s = crate::select::select(&articles, &[], &settings);
        let shown: Vec<(&str, &str, Vec<usize>)> = s
            .feeds
            .iter()
            .map(|f| (f.dir.as_str(), f.name.as_str(), f.entries.clone()))
            .collect();
        // Case-insensitive, the spelling most used (ties: the smallest);
        // no feed for the article without a provider.
        assert_eq!(
            shown,
            [
                ("providers/medium/", "Medium", vec![2]),
                ("providers/youtube/", "YouTube", vec![1, 0]),
            ]
        );
    }
}
