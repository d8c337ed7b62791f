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
    // First, in memory order, number each distinct topic name and note
    // every article's name numbers. The newest-first pass below then reads
    // one small array instead of jumping between articles and their names,
    // which cost more than all the rest of selection.
    let mut number_of: HashMap<&str, usize> = HashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut starts: Vec<usize> = Vec::with_capacity(articles.len() + 1);
    let mut numbers: Vec<usize> = Vec::with_capacity(articles.len() * 2);
    for article in articles {
        starts.push(numbers.len());
        for name in &article.topics {
            let number = *number_of.entry(name.as_str()).or_insert_with(|| {
                names.push(name.as_str());
                names.len() - 1
            });
            numbers.push(number);
        }
    }
    starts.push(numbers.len());

    // Then, newest first: each name's group (by slug, computed once per
    // name), and how many articles use each spelling.
    let mut group_of_name: Vec<Option<usize>> = vec![None; names.len()];
    let mut uses: Vec<usize> = vec![0; names.len()];
    struct Group<'a> {
        slug: String,
        entries: Vec<usize>,
        /// Names that resolve to this group, with how many articles use each.
        spellings: Vec<(&'a str, usize)>,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::default();
    let mut seen: Vec<usize> = Vec::new();
    for &index in ordered {
        seen.clear();
        for &number in &numbers[starts[index]..starts[index + 1]] {
            let g = *group_of_name[number].get_or_insert_with(|| {
                let slug = resolver.slug(names[number]);
                *by_slug.entry(slug.clone()).or_insert_with(|| {
                    groups.push(Group {
                        slug,
                        entries: Vec::new(),
                        spellings: Vec::new(),
                    });
                    groups.len() - 1
                })
            });
            uses[number] += 1;
            if !seen.contains(&g) {
                groups[g].entries.push(index);
                seen.push(g);
            }
        }
    }
    for (number, group) in group_of_name.iter().enumerate() {
        if let Some(g) = *group {
            groups[g].spellings.push((names[number], uses[number]));
        }
    }
    groups.sort_by(|a, b| a.slug.cmp(&b.slug));
    groups
        .into_iter()
        .map(|group| {
            let Group {
                slug,
                mut entries,
                mut spellings,
            } = group;
            spellings.sort_unstable();
            let taxonomy = spellings
                .iter()
                .find_map(|(name, _)| resolver.taxonomy_topic(name));
            let name = match taxonomy {
                Some(t) => t.name.clone(),
                None => most_used(&spellings),
            };
            let article_count = entries.len();
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
fn most_used(spellings: &[(&str, usize)]) -> String {
    spellings
        .iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
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
        assert_eq!(most_used(&[("AI", 2), ("ai", 2), ("Ai", 1)]), "AI");
        assert_eq!(most_used(&[("ai", 3), ("AI", 2)]), "ai");
    }
}
