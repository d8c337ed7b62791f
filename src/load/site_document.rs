//! A Jekyll site's document before it becomes an [`Article`]: the keys
//! Jekyll reads, the front-matter `defaults` merged under its own values,
//! and whether it is an entry at all (a document without any date is a page).
//!
//! [`Article`]: crate::model::Article

use super::{article, SiteLoad};
use crate::site::entries::{self, Place};
use crate::yaml::{self, Node};

/// The keys Jekyll gives meaning to that feedsmith reads in site mode.
fn is_jekyll_key(key: &str) -> bool {
    matches!(
        key,
        "date"
            | "last_modified_at"
            | "categories"
            | "category"
            | "tags"
            | "tag"
            | "permalink"
            | "slug"
    )
}

pub const SUMMARY_KEYS: yaml::Keys = yaml::Keys {
    keep: |k| article::is_summary_key(k) || is_jekyll_key(k),
    secret: article::is_secret_key,
};
pub const FULL_CONTENT_KEYS: yaml::Keys = yaml::Keys {
    keep: |k| article::is_full_content_key(k) || is_jekyll_key(k),
    secret: article::is_secret_key,
};

/// Why a document without any date is passed over (`check` lists them).
pub const PAGE_WITHOUT_DATE: &str = "no date: a page, not an entry";

/// Why a `published: false` document is passed over: Jekyll writes it
/// only with `--unpublished`.
pub const UNPUBLISHED: &str = "published: false: left out, as Jekyll does without --unpublished";

/// What the article builder needs to know of a site's document.
#[derive(Debug, Clone)]
pub struct SiteDocument {
    pub site: SiteLoad,
    pub place: entries::Document,
}

pub enum Prepared {
    /// An entry: its fields with `defaults` merged in.
    Document(yaml::Mapping, SiteDocument),
    /// Not an entry, with why.
    Page(&'static str),
}

/// Merge the `defaults` that apply to `relative` under its front matter
/// and tell an entry from a page.
pub fn prepare(
    mut fields: yaml::Mapping,
    relative: &str,
    site: &SiteLoad,
    keys: yaml::Keys,
) -> Prepared {
    let place = match entries::place(relative, &site.config, site.drafts) {
        Place::Document(place) => place,
        other => return Prepared::Page(other.why_not_a_document().unwrap_or_default()),
    };
    let kind = place.collection.as_deref().unwrap_or("pages");
    let mut merged: Vec<(String, Node)> =
        entries::defaults_for(relative, kind, &site.config.defaults)
            .into_iter()
            .filter(|(k, _)| (keys.keep)(k))
            .collect();
    // The front matter wins over defaults; mappings are merged.
    entries::deep_merge(&mut merged, &fields.entries);
    // Front matter first, in its order (diagnostics follow it), then the
    // keys only defaults set.
    let mut ordered: Vec<(String, Node)> = Vec::with_capacity(merged.len());
    for (key, _) in &fields.entries {
        if let Some(at) = merged.iter().position(|(k, _)| k == key) {
            ordered.push(merged.remove(at));
        }
    }
    ordered.extend(merged);
    fields.entries = ordered;
    let has = |key: &str| {
        fields
            .entries
            .iter()
            .any(|(k, v)| k == key && *v != Node::Null)
    };
    let unpublished = fields
        .entries
        .iter()
        .any(|(k, v)| k == "published" && *v == Node::Bool(false));
    if unpublished && !site.unpublished {
        return Prepared::Page(UNPUBLISHED);
    }
    let name = relative.rsplit('/').next().unwrap_or(relative);
    if !has("publishedDateTime")
        && !has("date")
        && crate::site::date::from_file_name(name).is_none()
    {
        return Prepared::Page(PAGE_WITHOUT_DATE);
    }
    Prepared::Document(
        fields,
        SiteDocument {
            site: site.clone(),
            place,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::{parse_file, Outcome, ParseOptions, SiteLoad};
    use crate::site::config::parse;
    use std::path::Path;
    use std::sync::Arc;

    fn site() -> SiteLoad {
        let config = parse(
            "url: https://harbourlights.example\nbaseurl: /log\ntimezone: Europe/London\npermalink: /:categories/:year/:month/:day/:title:output_ext\n",
            Path::new("."),
            "_config.yml",
        )
        .unwrap();
        SiteLoad {
            config: Arc::new(config),
            drafts: false,
            unpublished: false,
        }
    }

    fn outcome(relative: &str, text: &str) -> Outcome {
        outcome_in(&site(), relative, text)
    }

    fn outcome_in(site: &SiteLoad, relative: &str, text: &str) -> Outcome {
        let options = ParseOptions {
            site_url: None,
            site: Some(site),
            keep_body: false,
            max_topics: 100,
            site_links: None,
        };
        parse_file(text.as_bytes(), relative, &options, &mut Vec::new())
    }

    #[test]
    fn own_pages_get_jekyll_feeds_id_and_links_of_their_own_keep_todays() {
        // As jekyll-feed 0.17 wrote them for the fixture (jekyll-facts.md).
        let Outcome::Article(a) = outcome(
            "_posts/2023-01-15-winter-lay-up.md",
            "---\ntitle: Winter lay-up checklist\ndate: 2023-01-15 10:00:00 +0000\npermalink: /checklists/winter-lay-up/\n---\n",
        ) else {
            panic!()
        };
        assert_eq!(
            a.link,
            "https://harbourlights.example/log/checklists/winter-lay-up/"
        );
        assert_eq!(
            a.id.as_deref(),
            Some("https://harbourlights.example/log/checklists/winter-lay-up")
        );
        assert_eq!(a.collection.as_deref(), Some("posts"));
        let Outcome::Article(a) = outcome(
            "_posts/2024-02-29-leap-day-launch.md",
            "---\ntitle: Leap-day launch\ndate: 2024-02-29 23:30:00 -0800\ncategories: seamanship\n---\n",
        ) else {
            panic!()
        };
        assert_eq!(
            a.entry_id(),
            "https://harbourlights.example/log/seamanship/2024/03/01/leap-day-launch"
        );
        let Outcome::Article(a) = outcome(
            "_news/2024-09-30-harbour-dues-rise.md",
            "---\ncategory: news\ntitle: Dues rise\npublishedDateTime: 2024-09-30T08:00:00Z\noriginalUrl: https://news.example.org/dues\n---\n",
        ) else {
            panic!()
        };
        assert_eq!(
            (a.id.as_deref(), a.entry_id()),
            (None, "https://news.example.org/dues")
        );
        assert_eq!(a.categories, ["news"]);
        assert!(matches!(
            outcome("_posts/notes.md", "---\ntitle: Notes\n---\n"),
            Outcome::NotArticle(why) if why == super::PAGE_WITHOUT_DATE
        ));
    }

    #[test]
    fn unpublished_documents_are_entries_only_with_unpublished() {
        // Jekyll leaves `published: false` out even with --drafts.
        let text = "---\ntitle: Hidden\ndate: 2024-05-01 10:00:00 +0000\npublished: false\n---\n";
        let path = "_posts/2024-05-01-hidden.md";
        assert!(matches!(
            outcome(path, text),
            Outcome::NotArticle(why) if why == super::UNPUBLISHED
        ));
        let site = SiteLoad {
            unpublished: true,
            ..site()
        };
        let Outcome::Article(a) = outcome_in(&site, path, text) else {
            panic!("an entry with --unpublished")
        };
        assert!(!a.draft, "--unpublished makes it an entry, not a draft");
    }
}
