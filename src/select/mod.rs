//! Stage 2, `select`: decide which articles go into which feed — filter
//! drafts, future and low-quality articles, merge duplicates, order newest
//! first, group by topic, apply the per-feed limit.

mod link_key;
mod slug;
mod topics;

pub use slug::slugify;
pub use topics::{SlugResolver, Topic};

use crate::diagnostic::Diagnostic;
use crate::model::{Article, TaxonomyTopic};
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

/// The selection rules of a run.
#[derive(Debug, Clone)]
pub struct SelectOptions {
    pub now: DateTime<Utc>,
    pub drafts: bool,
    pub future: bool,
    pub min_quality: Option<i64>,
    /// Entries per feed; 0 = no limit.
    pub limit: usize,
}

/// How many articles were left out, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    /// The overall feed, newest first, at most `limit`.
    pub overall: Vec<usize>,
    /// Topic feeds, by slug.
    pub topics: Vec<Topic>,
    pub counts: Counts,
    /// Indices of the articles in at least one feed, sorted.
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
    options: &SelectOptions,
) -> Selection {
    let mut counts = Counts::default();
    let mut left_out = Vec::new();
    let mut passed = Vec::with_capacity(articles.len());
    for (index, article) in articles.iter().enumerate() {
        let reason = if article.draft && !options.drafts {
            counts.drafts += 1;
            Some("draft (`published: false`); use --drafts to include".to_owned())
        } else if article.published > options.now && !options.future {
            counts.future += 1;
            Some(format!(
                "published in the future ({}); use --future to include",
                article.published.to_rfc3339()
            ))
        } else if let (Some(min), Some(quality)) = (options.min_quality, article.quality) {
            (quality < min).then(|| {
                counts.low_quality += 1;
                format!("quality {quality} is below min_quality {min}")
            })
        } else {
            None
        };
        match reason {
            Some(reason) => left_out.push((article.path.clone(), reason)),
            None => passed.push(index),
        }
    }

    let (kept, diagnostics) = dedupe(articles, &passed, &mut left_out);
    counts.duplicates = passed.len() - kept.len();
    counts.selected = kept.len();

    // Sort keys side by side rather than behind each article: the sort
    // then runs over one small array, and links are read only on ties.
    let mut keyed: Vec<(DateTime<Utc>, usize)> =
        kept.iter().map(|&i| (articles[i].published, i)).collect();
    keyed.sort_unstable_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| articles[a.1].link.cmp(&articles[b.1].link))
            .then(a.1.cmp(&b.1))
    });
    let kept: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let resolver = SlugResolver::new(taxonomy);
    let topics = topics::group(articles, &kept, &resolver, options.limit);
    let mut overall = kept;
    if options.limit > 0 {
        overall.truncate(options.limit);
    }

    let mut in_feeds: Vec<usize> = overall
        .iter()
        .chain(topics.iter().flat_map(|t| &t.entries))
        .copied()
        .collect();
    in_feeds.sort_unstable();
    in_feeds.dedup();
    counts.in_feeds = in_feeds.len();
    left_out.sort();
    Selection {
        overall,
        topics,
        counts,
        in_feeds,
        diagnostics,
        left_out,
    }
}

/// One entry per story (links equal once tracking parameters, fragment
/// and default port are set aside: [`link_key::dedupe_key`]): the
/// earliest-published copy wins, ties to the smallest path. Returns the
/// kept indices (in input order) and a warning for every other copy.
fn dedupe(
    articles: &[Article],
    passed: &[usize],
    left_out: &mut Vec<(String, String)>,
) -> (Vec<usize>, Vec<Diagnostic>) {
    // Fx, not SipHash: the keys are the site's own links, not an attacker's.
    let mut winner: FxHashMap<std::borrow::Cow<str>, usize> =
        FxHashMap::with_capacity_and_hasher(passed.len(), Default::default());
    for &index in passed {
        let article = &articles[index];
        winner
            .entry(link_key::dedupe_key(&article.link))
            .and_modify(|best| {
                let current = &articles[*best];
                if (article.published, &article.path) < (current.published, &current.path) {
                    *best = index;
                }
            })
            .or_insert(index);
    }
    let mut kept = Vec::with_capacity(winner.len());
    let mut diagnostics = Vec::new();
    for &index in passed {
        let article = &articles[index];
        let best = winner[&*link_key::dedupe_key(&article.link)];
        if best == index {
            kept.push(index);
        } else {
            let (kept_path, kept_link) = (&articles[best].path, &articles[best].link);
            let same = if *kept_link == article.link {
                format!("same link {kept_link}")
            } else {
                format!(
                    "same story as {kept_link}: {} differs only in tracking parameters, fragment or port",
                    article.link
                )
            };
            diagnostics.push(Diagnostic::warning(
                &article.path,
                format!("duplicate of {kept_path} ({same}); left out"),
            ));
            left_out.push((article.path.clone(), format!("duplicate of {kept_path}")));
        }
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
            ..Article::bare(path, link, at(published))
        }
    }

    fn options() -> SelectOptions {
        SelectOptions {
            now: at("2024-01-01T00:00:00Z"),
            drafts: false,
            future: false,
            min_quality: None,
            limit: 50,
        }
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
            &SelectOptions {
                min_quality: Some(10),
                ..options()
            },
        );
        assert_eq!(s.overall, [3]);
        assert_eq!(
            (s.counts.drafts, s.counts.future, s.counts.low_quality),
            (1, 1, 1)
        );
        let s = select(
            &a,
            &[],
            &SelectOptions {
                drafts: true,
                future: true,
                ..options()
            },
        );
        assert_eq!(s.overall, [1, 3, 2, 0]);
    }

    #[test]
    fn earliest_duplicate_wins_and_others_are_reported() {
        let a = vec![
            article("a.md", "https://x/same", "2023-02-01T00:00:00Z", &[]),
            article("b.md", "https://x/same", "2023-01-01T00:00:00Z", &[]),
            article("c.md", "https://x/same", "2023-01-01T00:00:00Z", &[]),
        ];
        let s = select(&a, &[], &options());
        assert_eq!(s.overall, [1]);
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
            &SelectOptions {
                limit: 2,
                ..options()
            },
        );
        assert_eq!(s.overall, [2, 1]);
        let names: Vec<(&str, &str, usize)> = s
            .topics
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.article_count))
            .collect();
        assert_eq!(names, [("other", "Other", 1), ("t", "T", 3)]);
        assert_eq!(s.topics[1].entries, [2, 1]);
        assert_eq!(s.counts.in_feeds, 2);
    }
}
