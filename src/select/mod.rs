//! Stage 2, `select`: decide which articles go into which feed — filter
//! drafts, future and low-quality articles, merge duplicates, order newest
//! first, resolve every article's topics once, and build the feeds as
//! values from their definitions (the overall feed, one per topic, and the
//! config's `feeds:`), each with its entries after its limit.

mod definition;
mod feed;
mod feeds;
mod link_key;
mod path_globs;
mod slug;
mod topics;

pub use definition::{DefinitionKind, FeedDefinition, Filter, JekyllFeedSpec, Per, Sort, TagFeeds};
pub use feed::{Feed, FeedKind, JekyllEntries, PAGE_FILE, TOPICS_DIR};
pub use path_globs::PathGlobs;
pub use slug::{slugify, MAX_SLUG_BYTES};
pub use topics::{SlugResolver, Topic, TopicTable};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Article, TaxonomyTopic};
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

/// The selection rules of a run, and the feeds it makes.
#[derive(Debug, Clone)]
pub struct SelectSettings {
    pub now: DateTime<Utc>,
    pub drafts: bool,
    pub future: bool,
    pub min_quality: Option<i64>,
    /// Entries per feed; 0 = no limit.
    pub limit: usize,
    /// Largest file of a feed, in bytes; 0 = no limit.
    pub max_bytes: u64,
    /// Built-in ones first (as switched on), then the config's.
    pub definitions: Vec<FeedDefinition>,
    pub site_title: String,
    pub site_description: String,
    /// The site's page, absolute: every feed's alternate link by default.
    pub site_link: String,
    /// Base for taxonomy images and `topic_url`: the site URL, else the
    /// base URL.
    pub link_base: Option<url::Url>,
    /// A topic feed's alternate link, with `{slug}`.
    pub topic_url: Option<String>,
    /// Feed image when nothing more specific is given.
    pub default_image: Option<String>,
}

impl SelectSettings {
    /// The defaults of a config with nothing in it: the overall feed and
    /// one per topic, 50 entries each, nothing filtered but drafts and the
    /// future, no site URL.
    pub fn defaults(now: DateTime<Utc>) -> SelectSettings {
        SelectSettings {
            now,
            drafts: false,
            future: false,
            min_quality: None,
            limit: 50,
            max_bytes: 1 << 20,
            definitions: vec![
                FeedDefinition::new(DefinitionKind::Overall, ""),
                FeedDefinition {
                    per: Some(Per::Topic),
                    ..FeedDefinition::new(DefinitionKind::Topics, TOPICS_DIR)
                },
            ],
            site_title: "Feeds".to_owned(),
            site_description: "Latest articles from Feeds".to_owned(),
            site_link: String::new(),
            link_base: None,
            topic_url: None,
            default_image: None,
        }
    }
}

/// How many articles were left out, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub drafts: usize,
    pub future: usize,
    pub low_quality: usize,
    pub duplicates: usize,
    /// Distinct articles that passed every filter.
    pub selected: usize,
    /// Distinct articles in at least one feed, after the limits.
    pub in_feeds: usize,
}

/// What goes into the feeds. Entries are indices into the article list.
#[derive(Debug, Clone)]
pub struct Selection {
    /// In definition order; within a `per` definition, by slug.
    pub feeds: Vec<Feed>,
    /// Every selected article's topics.
    pub topics: TopicTable,
    pub counts: Counts,
    /// Indices of the articles in at least one feed, sorted: the ones
    /// `load::hydrate` reads again in full.
    pub in_feeds: Vec<usize>,
    /// Duplicate warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Articles left out, with why (shown by `--verbose`).
    pub left_out: Vec<(String, String)>,
}

/// Run the select stage over `articles` (sorted by path, as `load` gives them).
pub fn select(
    articles: &[Article],
    taxonomy: &[TaxonomyTopic],
    settings: &SelectSettings,
) -> Selection {
    let mut counts = Counts::default();
    let mut left_out = Vec::new();
    let mut passed = Vec::with_capacity(articles.len());
    // Drafts that pass every other filter: feeds with `drafts: true` take them.
    let mut drafts_ok = Vec::new();
    for (index, article) in articles.iter().enumerate() {
        let future = article.published > settings.now && !settings.future;
        let low = match (settings.min_quality, article.quality) {
            (Some(min), Some(quality)) => (quality < min).then_some((quality, min)),
            _ => None,
        };
        let reason = if article.draft && !settings.drafts {
            counts.drafts += 1;
            if !future && low.is_none() {
                drafts_ok.push(index);
            }
            Some("draft (`published: false`); use --drafts to include".to_owned())
        } else if future {
            counts.future += 1;
            Some(format!(
                "published in the future ({}); use --future to include",
                article.published.to_rfc3339()
            ))
        } else if let Some((quality, min)) = low {
            counts.low_quality += 1;
            Some(format!("quality {quality} is below min_quality {min}"))
        } else {
            None
        };
        match reason {
            Some(reason) => left_out.push((article.path.clone(), reason)),
            None => passed.push(index),
        }
    }

    crate::trace("select: filtered");
    let (kept, diagnostics) = dedupe(articles, &passed, Some(&mut left_out));
    crate::trace("select: deduped");
    counts.duplicates = passed.len() - kept.len();
    counts.selected = kept.len();
    let kept = newest_first(articles, kept);
    let wants_drafts = !settings.drafts
        && settings
            .definitions
            .iter()
            .any(|d| d.filter.drafts == Some(true));
    let with_drafts = if wants_drafts && !drafts_ok.is_empty() {
        let mut all = passed;
        all.extend(&drafts_ok);
        all.sort_unstable();
        let (kept, _) = dedupe(articles, &all, None);
        Some(newest_first(articles, kept))
    } else {
        None
    };
    crate::trace("select: sorted");
    let resolver = SlugResolver::new(taxonomy);
    let topics = topics::table(articles, with_drafts.as_deref().unwrap_or(&kept), &resolver);
    crate::trace("select: topics");
    let candidates = feeds::Candidates {
        kept: &kept,
        with_drafts: with_drafts.as_deref(),
    };
    let feeds = feeds::build(articles, &candidates, &topics, &resolver, settings);

    crate::trace("select: feeds");
    let mut in_feeds: Vec<usize> = feeds.iter().flat_map(|f| &f.entries).copied().collect();
    in_feeds.sort_unstable();
    in_feeds.dedup();
    counts.in_feeds = in_feeds.len();
    left_out.sort();
    Selection {
        feeds,
        topics,
        counts,
        in_feeds,
        diagnostics,
        left_out,
    }
}

/// Newest first; ties by link, then by index. Sort keys sit side by side
/// rather than behind each article: the sort then runs over one small
/// array, and links are read only on ties.
fn newest_first(articles: &[Article], indices: Vec<usize>) -> Vec<usize> {
    let mut keyed: Vec<(DateTime<Utc>, usize)> = indices
        .iter()
        .map(|&i| (articles[i].published, i))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| articles[a.1].link.cmp(&articles[b.1].link))
            .then(a.1.cmp(&b.1))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// One entry per story (links equal once tracking parameters, fragment
/// and default port are set aside: [`link_key::dedupe_key`]): the
/// earliest-published copy wins, ties to the smallest path. Returns the
/// kept indices (in input order) and a warning for every other copy.
fn dedupe(
    articles: &[Article],
    passed: &[usize],
    mut left_out: Option<&mut Vec<(String, String)>>,
) -> (Vec<usize>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Each link's key once, many at a time (a key is a scan of the link),
    // then each article's group once: the second pass needs no key again.
    let keys: Vec<std::borrow::Cow<str>> = passed
        .par_iter()
        .map(|&index| link_key::dedupe_key(&articles[index].link))
        .collect();
    // Fx, not SipHash: the keys are the site's own links, not an attacker's.
    let mut group_of: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(passed.len(), Default::default());
    // Per group, its winner: the earliest published, then the first path.
    let mut winners: Vec<usize> = Vec::with_capacity(passed.len());
    let mut groups: Vec<usize> = Vec::with_capacity(passed.len());
    for (&index, key) in passed.iter().zip(&keys) {
        let group = *group_of.entry(key).or_insert_with(|| {
            winners.push(index);
            winners.len() - 1
        });
        groups.push(group);
        let (article, best) = (&articles[index], &articles[winners[group]]);
        if (article.published, &article.path) < (best.published, &best.path) {
            winners[group] = index;
        }
    }
    let mut kept = Vec::with_capacity(winners.len());
    let mut diagnostics = Vec::new();
    for (&index, &group) in passed.iter().zip(&groups) {
        let best = winners[group];
        if best == index {
            kept.push(index);
            continue;
        }
        let Some(left_out) = left_out.as_deref_mut() else {
            continue;
        };
        let article = &articles[index];
        let (kept_path, kept_link) = (&articles[best].path, &articles[best].link);
        let same = if *kept_link == article.link {
            format!("same link {kept_link}")
        } else {
            format!(
                "same story as {kept_link}: {} differs only in tracking parameters, fragment or port",
                article.link
            )
        };
        diagnostics.push(
            Diagnostic::warning(
                Code::DuplicateLink,
                &article.path,
                format!("duplicate of {kept_path} ({same}); left out"),
            )
            .at(article.link_line.or(Some(1)), Some(1))
            .naming(kept_path),
        );
        left_out.push((article.path.clone(), format!("duplicate of {kept_path}")));
    }
    (kept, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn article(path: &str, link: &str, published: &str, topics: &[&str]) -> Article {
        Article {
            topics: topics.iter().map(|t| t.to_string()).collect(),
            ..crate::testing::article(path, link, at(published))
        }
    }

    fn options() -> SelectSettings {
        SelectSettings::defaults(at("2024-01-01T00:00:00Z"))
    }

    fn overall(s: &Selection) -> &[usize] {
        &s.feeds[0].entries
    }

    #[test]
    fn filters_drafts_future_and_low_quality() {
        let mut a = vec![
            article("a.md", "https://x/a", "2023-01-01T00:00:00Z", &[]),
            article("b.md", "https://x/b", "2099-01-01T00:00:00Z", &[]),
            article("c.md", "https://x/c", "2023-01-02T00:00:00Z", &[]),
            article("d.md", "https://x/d", "2023-01-03T00:00:00Z", &[]),
        ];
        a[0].draft = true;
        a[2].quality = Some(5);
        let s = select(
            &a,
            &[],
            &SelectSettings {
                min_quality: Some(10),
                ..options()
            },
        );
        assert_eq!(overall(&s), [3]);
        assert_eq!(
            (s.counts.drafts, s.counts.future, s.counts.low_quality),
            (1, 1, 1)
        );
        let s = select(
            &a,
            &[],
            &SelectSettings {
                drafts: true,
                future: true,
                ..options()
            },
        );
        assert_eq!(overall(&s), [1, 3, 2, 0]);
    }

    #[test]
    fn earliest_duplicate_wins_and_others_are_reported() {
        let a = vec![
            article("a.md", "https://x/same", "2023-02-01T00:00:00Z", &[]),
            article("b.md", "https://x/same", "2023-01-01T00:00:00Z", &[]),
            article("c.md", "https://x/same", "2023-01-01T00:00:00Z", &[]),
        ];
        let s = select(&a, &[], &options());
        assert_eq!(overall(&s), [1]);
        assert_eq!(s.counts.duplicates, 2);
        assert!(s
            .diagnostics
            .iter()
            .all(|d| d.message.contains("duplicate of b.md")));
    }

    #[test]
    fn orders_newest_first_ties_by_link_and_limits() {
        let a = vec![
            article("a.md", "https://x/b", "2023-01-01T00:00:00Z", &["T"]),
            article("b.md", "https://x/a", "2023-01-01T00:00:00Z", &["t"]),
            article(
                "c.md",
                "https://x/c",
                "2023-03-01T00:00:00+05:00",
                &["T", "Other"],
            ),
        ];
        let s = select(
            &a,
            &[],
            &SelectSettings {
                limit: 2,
                ..options()
            },
        );
        assert_eq!(overall(&s), [2, 1]);
        let names: Vec<(&str, &str, usize, &[usize])> = s.feeds[1..]
            .iter()
            .map(|f| {
                (
                    f.dir.as_str(),
                    f.name.as_str(),
                    f.matched,
                    f.entries.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("topics/other/", "Other", 1, &[2][..]),
                ("topics/t/", "T", 3, &[2, 1][..])
            ]
        );
        assert_eq!(s.counts.in_feeds, 2);
    }

    fn defined(dir: &str) -> FeedDefinition {
        FeedDefinition::new(DefinitionKind::Defined, format!("{dir}/"))
    }

    /// Six articles: types, providers, quality and heat of every kind.
    fn corpus() -> Vec<Article> {
        let provider = |name: &str, domain: &str| {
            Some(crate::model::Provider {
                name: name.into(),
                url: Some(format!("https://{domain}")),
            })
        };
        let mut a = vec![
            article("a.md", "https://x/a", "2023-12-01T00:00:00Z", &["AI"]),
            article(
                "b.md",
                "https://x/b",
                "2023-12-02T00:00:00Z",
                &["AI", "Data"],
            ),
            article("c.md", "https://x/c", "2023-12-03T00:00:00Z", &["Data"]),
            article("d.md", "https://x/d", "2023-12-30T00:00:00Z", &[]),
            article("e.md", "https://x/e", "2023-12-31T00:00:00Z", &["ai"]),
            article("f.md", "https://x/f", "2023-12-29T00:00:00Z", &["AI"]),
        ];
        a[0].kind = "video".into();
        a[0].provider = provider("YouTube", "youtube.com");
        a[0].heat = Some(5);
        a[1].kind = "Video".into();
        a[1].provider = provider("youtube", "www.youtube.com");
        a[1].heat = Some(9);
        a[1].quality = Some(3);
        a[2].provider = provider("Medium", "medium.com");
        a[2].quality = Some(5);
        a[3].heat = Some(9);
        a[4].draft = true;
        a[5].kind = "video".into();
        a
    }

    fn with(definitions: Vec<FeedDefinition>) -> SelectSettings {
        SelectSettings {
            definitions,
            ..options()
        }
    }

    fn entries_of(s: &Selection) -> Vec<(&str, Vec<usize>, usize)> {
        s.feeds
            .iter()
            .map(|f| (f.dir.as_str(), f.entries.clone(), f.matched))
            .collect()
    }

    #[test]
    fn each_filter_selects_its_articles() {
        let a = corpus();
        let mut topics_all = defined("both");
        topics_all.filter.topics = vec!["ai".into(), "DATA".into()];
        topics_all.filter.all_topics = true;
        let mut topics_any = defined("any");
        topics_any.filter.topics = vec!["Data".into(), "missing".into()];
        let mut videos = defined("videos");
        videos.filter.kinds = vec!["video".into()];
        let mut youtube = defined("youtube");
        youtube.filter.providers = vec!["youtube.com".into()];
        let mut recent = defined("recent");
        recent.filter.since = Some(chrono::Duration::days(3));
        let mut quality = defined("quality");
        quality.filter.min_quality = Some(4);
        let mut hot = defined("hot");
        hot.filter.min_heat = Some(9);
        let mut drafts = defined("drafts");
        drafts.filter.drafts = Some(true);
        let s = select(
            &a,
            &[],
            &with(vec![
                topics_all, topics_any, videos, youtube, recent, quality, hot, drafts,
            ]),
        );
        assert_eq!(
            entries_of(&s),
            [
                ("both/", vec![1], 1),
                ("any/", vec![2, 1], 2),
                ("videos/", vec![5, 1, 0], 3),
                ("youtube/", vec![1, 0], 2),
                ("recent/", vec![3, 5], 2),
                ("quality/", vec![2], 1),
                ("hot/", vec![3, 1], 2),
                ("drafts/", vec![4, 3, 5, 2, 1, 0], 6),
            ]
        );
        // The draft is in the drafts feed only.
        assert_eq!(s.counts.drafts, 1);
        assert_eq!(s.counts.selected, 5);
        assert_eq!(s.counts.in_feeds, 6);
        assert!(s.topics.find("ai").is_some());
    }

    #[test]
    fn drafts_false_keeps_drafts_out_even_with_the_flag() {
        let a = corpus();
        let mut no_drafts = defined("published");
        no_drafts.filter.drafts = Some(false);
        let s = select(
            &a,
            &[],
            &SelectSettings {
                drafts: true,
                ..with(vec![
                    FeedDefinition::new(DefinitionKind::Overall, ""),
                    no_drafts,
                ])
            },
        );
        assert!(s.feeds[0].entries.contains(&4));
        assert!(!s.feeds[1].entries.contains(&4));
    }

    #[test]
    fn sorts_by_heat_and_quality_with_missing_values_last() {
        let a = corpus();
        let mut heat = defined("heat");
        heat.sort = Sort::Heat;
        let mut quality = defined("quality");
        quality.sort = Sort::Quality;
        quality.limit = Some(2);
        let s = select(&a, &[], &with(vec![heat, quality]));
        // Heat 9 (d newer than b), 5, then no heat newest first.
        assert_eq!(s.feeds[0].entries, [3, 1, 0, 5, 2]);
        assert_eq!(
            (s.feeds[1].entries.as_slice(), s.feeds[1].matched),
            (&[2, 1][..], 5)
        );
    }

    #[test]
    fn per_makes_one_feed_per_value_by_slug() {
        let a = corpus();
        let mut by_type = defined("types");
        by_type.per = Some(Per::Type);
        by_type.title = Some("Only {name}".into());
        let mut by_topic = defined("topics-of-videos");
        by_topic.per = Some(Per::Topic);
        by_topic.filter.kinds = vec!["video".into()];
        let s = select(&a, &[], &with(vec![by_type, by_topic]));
        let shown: Vec<(&str, &str, Vec<usize>)> = s
            .feeds
            .iter()
            .map(|f| (f.dir.as_str(), f.name.as_str(), f.entries.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                ("types/article/", "article", vec![3, 2]),
                ("types/video/", "video", vec![5, 1, 0]),
                ("topics-of-videos/ai/", "AI", vec![5, 1, 0]),
                ("topics-of-videos/data/", "Data", vec![1]),
            ]
        );
        assert_eq!(s.feeds[1].title, "Only video");
        assert_eq!(s.feeds[0].group, "Only");
        assert_eq!(s.feeds[2].title, "Feeds: AI");
    }

    #[test]
    fn built_in_feeds_can_be_switched_off() {
        let a = corpus();
        let s = select(&a, &[], &with(Vec::new()));
        assert!(s.feeds.is_empty());
        assert!(s.in_feeds.is_empty());
        assert_eq!(s.counts.selected, 5);
    }
}
