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
        Place::Skipped(why) => return Prepared::Page(why),
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
