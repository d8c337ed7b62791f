//! Grouping selected articles by topic.

use super::slug::slugify;
use crate::model::{Article, TaxonomyTopic};
use rustc_hash::FxHashMap as HashMap;

/// One topic feed's worth of entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub slug: String,
    /// The taxonomy name, else the spelling most articles use.
    pub name: String,
    pub description: Option<String>,
    pub image: Option<String>,
    /// The parent topic's slug, from the taxonomy.
    pub parent: Option<String>,
    /// Indices into the article list, newest first, at most `limit`.
    pub entries: Vec<usize>,
    /// Articles in the topic before the limit.
    pub article_count: usize,
}

/// Maps topic names to slugs, through the taxonomy first.
pub struct SlugResolver<'a> {
    taxonomy: &'a [TaxonomyTopic],
    by_name: HashMap<String, usize>,
}

impl<'a> SlugResolver<'a> {
    pub fn new(taxonomy: &'a [TaxonomyTopic]) -> Self {
        let mut by_name = HashMap::default();
        for (i, topic) in taxonomy.iter().enumerate() {
            for key in [Some(&topic.name), topic.shortname.as_ref(), Some(&topic.id)]
                .into_iter()
                .flatten()
            {
                by_name.entry(key.trim().to_lowercase()).or_insert(i);
            }
        }
        SlugResolver { taxonomy, by_name }
    }

    /// The taxonomy entry a name refers to, if any.
    pub fn taxonomy_topic(&self, name: &str) -> Option<&'a TaxonomyTopic> {
        self.by_name
            .get(&name.trim().to_lowercase())
            .map(|&i| &self.taxonomy[i])
    }

    pub fn slug(&self, name: &str) -> String {
        match self.taxonomy_topic(name) {
            Some(topic) => slugify(&topic.id),
            None => slugify(name),
        }
    }
}

/// Group `ordered` (indices of selected articles, newest first) by topic.
pub fn group(
    articles: &[Article],
    ordered: &[usize],
    resolver: &SlugResolver,
    limit: usize,
) -> Vec<Topic> {
    struct Group<'a> {
        entries: Vec<usize>,
        spellings: HashMap<&'a str, usize>,
    }
    // Groups are indexed by number while counting, so that each article
    // costs a hash lookup per topic name, not a slug computation.
    let mut slug_of: HashMap<&str, usize> = HashMap::default();
    let mut groups: Vec<(String, Group)> = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::default();
    for &index in ordered {
        let mut seen: Vec<usize> = Vec::new();
        for name in &articles[index].topics {
            let g = *slug_of.entry(name.as_str()).or_insert_with(|| {
                let slug = resolver.slug(name);
                *by_slug.entry(slug.clone()).or_insert_with(|| {
                    groups.push((
                        slug,
                        Group {
                            entries: Vec::new(),
                            spellings: HashMap::default(),
                        },
                    ));
                    groups.len() - 1
                })
            });
            let group = &mut groups[g].1;
            *group.spellings.entry(name.as_str()).or_insert(0) += 1;
            if !seen.contains(&g) {
                group.entries.push(index);
                seen.push(g);
            }
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups
        .into_iter()
        .map(|(slug, group)| {
            let mut spellings: Vec<&str> = group.spellings.keys().copied().collect();
            spellings.sort_unstable();
            let taxonomy = spellings
                .iter()
                .find_map(|name| resolver.taxonomy_topic(name));
            let name = match taxonomy {
                Some(t) => t.name.clone(),
                None => most_used(&group.spellings),
            };
            let article_count = group.entries.len();
            let mut entries = group.entries;
            if limit > 0 {
                entries.truncate(limit);
            }
            Topic {
                slug,
                name,
                description: taxonomy.and_then(|t| t.description.clone()),
                image: taxonomy.and_then(|t| t.image.clone()),
                parent: taxonomy
                    .and_then(|t| t.parent.as_deref())
                    .map(|p| resolver.slug(p)),
                entries,
                article_count,
            }
        })
        .collect()
}

/// The spelling used most; ties go to the smallest string.
fn most_used(spellings: &HashMap<&str, usize>) -> String {
    spellings
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(name, _)| (*name).to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_through_taxonomy_case_insensitively() {
        let taxonomy = vec![TaxonomyTopic {
            id: "model-driven-apps".into(),
            name: "Model-driven apps".into(),
            shortname: Some("MDA".into()),
            ..TaxonomyTopic::default()
        }];
        let r = SlugResolver::new(&taxonomy);
        assert_eq!(r.slug("model-driven APPS"), "model-driven-apps");
        assert_eq!(r.slug("mda"), "model-driven-apps");
        assert_eq!(r.slug("Other"), "other");
    }

    #[test]
    fn most_used_spelling_wins_ties_to_smallest() {
        let m = HashMap::from_iter([("AI", 2), ("ai", 2), ("Ai", 1)]);
        assert_eq!(most_used(&m), "AI");
        let m = HashMap::from_iter([("ai", 3), ("AI", 2)]);
        assert_eq!(most_used(&m), "ai");
    }
}
