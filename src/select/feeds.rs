//! From definitions to feeds: filter the candidates, order them, split
//! them by value with `per`, cut each feed at its limit.

use super::definition::{DefinitionKind, FeedDefinition, JekyllFeedSpec, Per, Sort};
use super::feed::{Feed, FeedKind, JekyllEntries};
use super::slug::slugify;
use super::topics::{most_used, SlugResolver, Topic, TopicTable};
use super::SelectSettings;
use crate::model::Article;
use rustc_hash::FxHashMap;

/// The selected articles, newest first: without drafts, and with the
/// drafts that pass every other filter (only when a feed asks for them).
pub struct Candidates<'a> {
    pub kept: &'a [usize],
    pub with_drafts: Option<&'a [usize]>,
}

/// Every feed of every definition, in definition order.
pub fn build(
    articles: &[Article],
    candidates: &Candidates,
    topics: &TopicTable,
    resolver: &SlugResolver,
    settings: &SelectSettings,
) -> Vec<Feed> {
    use rayon::prelude::*;
    // Each definition's matching articles, in parallel: a filter is a pass
    // over every candidate (a path glob costs ~0.5 µs an article).
    let all_matched: Vec<Vec<usize>> = settings
        .definitions
        .par_iter()
        .map(|definition| matching(articles, candidates, topics, resolver, definition, settings))
        .collect();
    crate::trace("feeds: matched");
    let mut feeds = Vec::new();
    let mut defined = 0;
    for (definition, matched) in settings.definitions.iter().zip(all_matched) {
        let kind = match definition.kind {
            DefinitionKind::Overall => FeedKind::Overall,
            DefinitionKind::Topics => FeedKind::Topic,
            DefinitionKind::Defined => {
                defined += 1;
                FeedKind::Defined(defined - 1)
            }
        };
        let first = feeds.len();
        if let Some(spec) = &definition.jekyll {
            feeds.extend(jekyll_feeds(
                kind, definition, spec, articles, matched, settings,
            ));
            continue;
        }
        match definition.per {
            None => feeds.push(feed(kind, definition, None, matched, settings)),
            Some(per) => {
                for (key, name, entries) in split(articles, topics, per, &matched) {
                    let topic = if per == Per::Topic {
                        topics.find(&key).and_then(|t| topics.topics.get(t))
                    } else {
                        None
                    };
                    let value = Value { key, name, topic };
                    feeds.push(per_feed(kind, definition, value, entries, settings));
                }
            }
        }
        link_parents(&mut feeds[first..]);
    }
    feeds
}

/// A `per` value: its slug, its display name, and its topic when by topic.
struct Value<'a> {
    key: String,
    name: String,
    topic: Option<&'a Topic>,
}

/// The definition's matching articles, in its order.
fn matching(
    articles: &[Article],
    candidates: &Candidates,
    topics: &TopicTable,
    resolver: &SlugResolver,
    definition: &FeedDefinition,
    settings: &SelectSettings,
) -> Vec<usize> {
    let filter = &definition.filter;
    let mut source: &[usize] = match (filter.drafts, candidates.with_drafts) {
        (Some(true), Some(with_drafts)) => with_drafts,
        _ => candidates.kept,
    };
    // The candidates are newest first: a `since` window is a head of
    // them, found by bisection rather than a pass over every article.
    if let Some(start) = filter.window_start(settings.now) {
        source = &source[..source.partition_point(|&i| articles[i].published >= start)];
    }
    // `drafts: false` under `--drafts`: the drafts are in `kept`; leave them out.
    let no_drafts = filter.drafts == Some(false) && settings.drafts;
    // Topic names → indices in the table; a name no article has matches nothing.
    let wanted: Vec<Option<usize>> = filter
        .topics
        .iter()
        .map(|name| topics.find(&resolver.slug(name)))
        .collect();
    let topics_match = |index: usize| {
        if wanted.is_empty() {
            return true;
        }
        let has = |t: &Option<usize>| t.is_some_and(|t| topics.of(index).contains(&(t as u32)));
        if filter.all_topics {
            wanted.iter().all(has)
        } else {
            wanted.iter().any(has)
        }
    };
    let meets = |i: usize| {
        let article = &articles[i];
        !(no_drafts && article.draft)
            && definition
                .jekyll
                .as_ref()
                .is_none_or(|j| j.matches(article))
            && filter.matches(article, settings.now)
            && topics_match(i)
    };
    let mut matched: Vec<usize> = if source.len() < articles.len() / 8 {
        source.iter().copied().filter(|&i| meets(i)).collect()
    } else {
        // Most articles are candidates: test them in the order they sit in
        // memory, then take the candidates' order. Visited newest first,
        // every article was a cache miss, once for each feed.
        let met: Vec<bool> = (0..articles.len()).map(meets).collect();
        source.iter().copied().filter(|&i| met[i]).collect()
    };
    // Stable: ties keep the newest-first, then-link order of the candidates.
    match definition.sort {
        Sort::Newest => {}
        Sort::Quality => matched.sort_by_key(|&i| std::cmp::Reverse(articles[i].quality.map(Some))),
        Sort::Heat => matched.sort_by_key(|&i| std::cmp::Reverse(articles[i].heat.map(Some))),
    }
    matched
}

/// `matched` split by value, each part in `matched`'s order, sorted by slug.
fn split(
    articles: &[Article],
    topics: &TopicTable,
    per: Per,
    matched: &[usize],
) -> Vec<(String, String, Vec<usize>)> {
    if per == Per::Topic {
        let mut parts: Vec<Vec<usize>> = vec![Vec::new(); topics.topics.len()];
        for &i in matched {
            for &t in topics.of(i) {
                parts[t as usize].push(i);
            }
        }
        return topics
            .topics
            .iter()
            .zip(parts)
            .filter(|(_, entries)| !entries.is_empty())
            .map(|(topic, entries)| (topic.slug.clone(), topic.name.clone(), entries))
            .collect();
    }
    // A slug per distinct spelling, not per article: slugging
    // transliterates and allocates.
    let mut part_of_name: FxHashMap<&str, usize> = FxHashMap::default();
    let mut part_of_slug: FxHashMap<String, usize> = FxHashMap::default();
    /// One feed's slug, its spellings with their uses, its entries.
    type Part<'a> = (String, Vec<(&'a str, usize)>, Vec<usize>);
    let mut out: Vec<Part> = Vec::new();
    for &i in matched {
        let Some(name) = per.name(&articles[i]) else {
            continue;
        };
        let part = *part_of_name.entry(name).or_insert_with(|| {
            let slug = slugify(name);
            *part_of_slug.entry(slug.clone()).or_insert_with(|| {
                out.push((slug, Vec::new(), Vec::new()));
                out.len() - 1
            })
        });
        let (_, spellings, entries) = &mut out[part];
        entries.push(i);
        match spellings.iter_mut().find(|(n, _)| *n == name) {
            Some((_, uses)) => *uses += 1,
            None => spellings.push((name, 1)),
        }
    }
    let mut out: Vec<(String, String, Vec<usize>)> = out
        .into_iter()
        .map(|(slug, spellings, entries)| (slug, most_used(&spellings), entries))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn limit_of(definition: &FeedDefinition, settings: &SelectSettings) -> usize {
    definition.limit.unwrap_or(settings.limit)
}

fn cut(mut entries: Vec<usize>, limit: usize) -> (Vec<usize>, usize) {
    let matched = entries.len();
    if limit > 0 {
        entries.truncate(limit);
    }
    (entries, matched)
}

/// A definition without `per`: one feed.
fn feed(
    kind: FeedKind,
    definition: &FeedDefinition,
    key: Option<String>,
    matched: Vec<usize>,
    settings: &SelectSettings,
) -> Feed {
    let (entries, matched) = cut(matched, limit_of(definition, settings));
    let site = &settings.site_title;
    let (name, title, description, group) = match kind {
        FeedKind::Overall => (
            site.clone(),
            definition.title.clone().unwrap_or_else(|| site.clone()),
            definition
                .description
                .clone()
                .unwrap_or_else(|| settings.site_description.clone()),
            String::new(),
        ),
        _ => {
            let name = definition
                .title
                .clone()
                .unwrap_or_else(|| definition.dir.trim_end_matches('/').to_owned());
            let title = definition
                .title
                .clone()
                .unwrap_or_else(|| format!("{site}: {name}"));
            let description = definition
                .description
                .clone()
                .unwrap_or_else(|| format!("{name} from {site}."));
            (name, title, description, FEEDS_GROUP.to_owned())
        }
    };
    Feed {
        kind,
        dir: definition.dir.clone(),
        key,
        name,
        title,
        description,
        link: definition
            .link
            .clone()
            .unwrap_or_else(|| settings.site_link.clone()),
        image: definition
            .image
            .clone()
            .or_else(|| settings.default_image.clone()),
        parent: None,
        group,
        entries,
        matched,
        formats: definition.formats.clone(),
        max_bytes: definition.max_bytes.unwrap_or(settings.max_bytes),
        aliases: definition.aliases.clone(),
        file: None,
        jekyll: None,
    }
}

/// Heading of the group of defined feeds without `per`.
pub const FEEDS_GROUP: &str = "Feeds";
/// Heading of the group of topic feeds.
pub const TOPICS_GROUP: &str = "Topics";

/// One feed of a `per` definition.
fn per_feed(
    kind: FeedKind,
    definition: &FeedDefinition,
    value: Value,
    matched: Vec<usize>,
    settings: &SelectSettings,
) -> Feed {
    let (entries, matched) = cut(matched, limit_of(definition, settings));
    let site = &settings.site_title;
    let name = value.name;
    let topic = value.topic;
    let key = value.key;
    let with_name = |template: &str| template.replace("{name}", &name);
    let title = match &definition.title {
        Some(t) if t.contains("{name}") => with_name(t),
        Some(t) if kind != FeedKind::Topic => format!("{t}: {name}"),
        _ => format!("{site}: {name}"),
    };
    let description = match (
        &definition.description,
        topic.and_then(|t| t.description.clone()),
    ) {
        (Some(d), _) => with_name(d),
        (None, Some(d)) => d,
        (None, None) => format!("Articles about {name} from {site}."),
    };
    let group = match kind {
        FeedKind::Topic => TOPICS_GROUP.to_owned(),
        _ => definition
            .title
            .as_deref()
            .map(|t| {
                t.replace("{name}", "")
                    .trim_matches([' ', ':', '-'])
                    .to_owned()
            })
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| definition.dir.trim_end_matches('/').to_owned()),
    };
    let link = match (&settings.topic_url, topic, kind) {
        (Some(template), Some(topic), FeedKind::Topic) => {
            let raw = template.replace("{slug}", &topic.slug);
            crate::load::resolve_link(&raw, settings.link_base.as_ref()).ok()
        }
        _ => None,
    };
    let topic_image = topic
        .and_then(|t| t.image.as_deref())
        .and_then(|raw| crate::load::resolve_link(raw, settings.link_base.as_ref()).ok());
    Feed {
        kind,
        dir: format!("{}{key}/", definition.dir),
        parent: topic
            .and_then(|t| t.parent.as_deref())
            .map(|p| format!("{}{p}/", definition.dir)),
        key: Some(key.clone()),
        name,
        title,
        description,
        link: link
            .or_else(|| definition.link.clone())
            .unwrap_or_else(|| settings.site_link.clone()),
        image: topic_image
            .or_else(|| definition.image.clone())
            .or_else(|| settings.default_image.clone()),
        group,
        entries,
        matched,
        formats: definition.formats.clone(),
        max_bytes: definition.max_bytes.unwrap_or(settings.max_bytes),
        aliases: definition
            .aliases
            .iter()
            .map(|alias| format!("{alias}{key}/"))
            .collect(),
        file: None,
        jekyll: None,
    }
}

/// jekyll-feed's feeds of one definition: one file, or one per accepted
/// tag (of `only`, else of the matching documents; a tag in `only` that no
/// document has gets an empty feed, as jekyll-feed writes one).
fn jekyll_feeds(
    kind: FeedKind,
    definition: &FeedDefinition,
    spec: &JekyllFeedSpec,
    articles: &[Article],
    matched: Vec<usize>,
    settings: &SelectSettings,
) -> Vec<Feed> {
    let one = |key: Option<String>, mut entries: Vec<usize>| {
        let matched = entries.len();
        entries.truncate(spec.posts_limit);
        let file = match &key {
            Some(tag) => spec.file.replace("{tag}", tag),
            None => spec.file.clone(),
        };
        let dir = file.rfind('/').map_or("", |i| &file[..=i]).to_owned();
        Feed {
            dir,
            name: key.clone().unwrap_or_else(|| file.clone()),
            group: FEEDS_GROUP.to_owned(),
            file: Some(file),
            jekyll: Some(JekyllEntries {
                excerpt_only: spec.excerpt_only,
            }),
            matched,
            ..feed(kind, definition, key, entries, settings)
        }
    };
    let Some(tags) = &spec.tags else {
        return vec![one(None, matched)];
    };
    // jekyll-feed writes tag feeds only when some post has a tag.
    if !matched.iter().any(|&i| !articles[i].tags.is_empty()) {
        return Vec::new();
    }
    let mut names: Vec<&str> = match &tags.only {
        Some(only) => only.iter().map(String::as_str).collect(),
        None => matched
            .iter()
            .flat_map(|&i| articles[i].tags.iter().map(String::as_str))
            .collect(),
    };
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter(|tag| tags.accepts(tag))
        .map(|tag| {
            let entries = matched
                .iter()
                .copied()
                .filter(|&i| articles[i].tags.iter().any(|t| t == tag))
                .collect();
            one(Some(tag.to_owned()), entries)
        })
        .collect()
}

/// A parent that has no feed of its own (or is the feed itself) is dropped.
fn link_parents(feeds: &mut [Feed]) {
    let dirs: std::collections::HashSet<String> = feeds.iter().map(|f| f.dir.clone()).collect();
    for feed in feeds {
        if feed
            .parent
            .as_ref()
            .is_some_and(|p| !dirs.contains(p) || *p == feed.dir)
        {
            feed.parent = None;
        }
    }
}
