//! Topics: names resolved to slugs through the taxonomy, once per run.

use super::slug::slugify;
use crate::model::{Article, TaxonomyTopic};
use rustc_hash::FxHashMap as HashMap;

/// A topic some selected article has.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub slug: String,
    /// The taxonomy name, else the spelling most articles use.
    pub name: String,
    pub description: Option<String>,
    /// As written in the taxonomy (may be relative).
    pub image: Option<String>,
    /// The parent topic's slug, from the taxonomy.
    pub parent: Option<String>,
}

/// Every topic of the selected articles, by slug, and each article's
/// topics: resolved once, read by every feed that groups or filters by
/// topic and by every entry that shows its categories.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicTable {
    /// Sorted by slug.
    pub topics: Vec<Topic>,
    /// Article `i`'s topics are `flat[starts[i]..starts[i + 1]]`, indices
    /// into `topics` in the order the article names them.
    starts: Vec<u32>,
    flat: Vec<u32>,
}

impl TopicTable {
    /// Indices into `topics` of article `index`'s topics.
    pub fn of(&self, index: usize) -> &[u32] {
        match (self.starts.get(index), self.starts.get(index + 1)) {
            (Some(&start), Some(&end)) => &self.flat[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The index of the topic with this slug.
    pub fn find(&self, slug: &str) -> Option<usize> {
        self.topics
            .binary_search_by(|t| t.slug.as_str().cmp(slug))
            .ok()
    }
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

/// The topics of the articles in `ordered` (indices, newest first).
pub fn table(articles: &[Article], ordered: &[usize], resolver: &SlugResolver) -> TopicTable {
    // Number each distinct name once (its slug is computed once too), then
    // note every article's groups: the names of an article are read once.
    // name → (its number, its group); `uses[number]`: articles using it.
    let mut group_of_name: HashMap<&str, (usize, usize)> = HashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut uses: Vec<usize> = Vec::new();
    struct Group {
        slug: String,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::default();
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(ordered.len() * 2);
    let mut seen: Vec<usize> = Vec::new();
    for &index in ordered {
        seen.clear();
        for name in &articles[index].topics {
            let (number, g) = *group_of_name.entry(name.as_str()).or_insert_with(|| {
                let slug = resolver.slug(name);
                let g = *by_slug.entry(slug.clone()).or_insert_with(|| {
                    groups.push(Group { slug });
                    groups.len() - 1
                });
                names.push(name.as_str());
                uses.push(0);
                (names.len() - 1, g)
            });
            uses[number] += 1;
            if !seen.contains(&g) {
                seen.push(g);
                pairs.push((index as u32, g as u32));
            }
        }
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| groups[a].slug.cmp(&groups[b].slug));
    let mut position = vec![0u32; groups.len()];
    for (pos, &g) in order.iter().enumerate() {
        position[g] = pos as u32;
    }
    let mut spellings_of: Vec<Vec<(&str, usize)>> = vec![Vec::new(); groups.len()];
    for &(number, g) in group_of_name.values() {
        spellings_of[g].push((names[number], uses[number]));
    }
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    let topics = order
        .iter()
        .filter_map(|&g| Some((slots[g].take()?, std::mem::take(&mut spellings_of[g]))))
        .map(|(group, mut spellings)| {
            spellings.sort_unstable();
            let taxonomy = spellings
                .iter()
                .find_map(|(name, _)| resolver.taxonomy_topic(name));
            let name = match taxonomy {
                Some(t) => t.name.clone(),
                None => most_used(&spellings),
            };
            Topic {
                slug: group.slug,
                name,
                description: taxonomy.and_then(|t| t.description.clone()),
                image: taxonomy.and_then(|t| t.image.clone()),
                parent: taxonomy
                    .and_then(|t| t.parent.as_deref())
                    .map(|p| resolver.slug(p)),
            }
        })
        .collect();
    // Stable by article: each article keeps the order it names its topics in.
    pairs.sort_by_key(|&(article, _)| article);
    let mut starts = Vec::with_capacity(articles.len() + 1);
    let mut flat = Vec::with_capacity(pairs.len());
    let mut next = pairs.iter().peekable();
    for index in 0..articles.len() {
        starts.push(flat.len() as u32);
        while let Some(&&(article, g)) = next.peek() {
            if article as usize != index {
                break;
            }
            flat.push(position[g as usize]);
            next.next();
        }
    }
    starts.push(flat.len() as u32);
    TopicTable {
        topics,
        starts,
        flat,
    }
}

/// The spelling used most; ties go to the smallest string.
pub(super) fn most_used(spellings: &[(&str, usize)]) -> String {
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
