//! Which files of a Jekyll site are entries, in which collection, and the
//! front-matter `defaults` that apply to each, as Jekyll decides them.

use super::config::SiteConfig;
use crate::yaml::Node;
use globset::{GlobBuilder, GlobMatcher};

/// Folders that never hold entries (Jekyll's own, build output, vendored
/// gems and packages), wherever they are at the top of the site.
pub const NEVER: [&str; 10] = [
    "_layouts",
    "_includes",
    "_sass",
    "_site",
    "_data",
    "_plugins",
    ".jekyll-cache",
    ".sass-cache",
    "vendor",
    "node_modules",
];

/// One entry of `defaults:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Default {
    /// `scope.path` (may hold `*` globs); empty: every file.
    pub path: String,
    /// `scope.type`: a collection label, `pages` or `drafts`.
    pub kind: Option<String>,
    pub values: Vec<(String, Node)>,
}

/// Where a file of the site belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A document that may be an entry (if it has a date).
    Document(Document),
    /// A page: a file outside collections, never an entry, but `{% link %}`
    /// can name it.
    Page,
    /// Not an entry, with why (shown by `--verbose`).
    Skipped(&'static str),
}

impl Place {
    /// Why a file that is not a document is passed over.
    pub fn why_not_a_document(&self) -> Option<&'static str> {
        match self {
            Place::Document(_) => None,
            Place::Page => Some("a page, not in a collection"),
            Place::Skipped(why) => Some(why),
        }
    }
}

/// A document's place in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The collection label (`posts` for `_posts` and `_drafts`); `None`
    /// for an `_`-folder that is no collection (`_news`), whose documents
    /// Jekyll never renders: they need a link of their own.
    pub collection: Option<String>,
    /// The collection folder (`_posts`, `gear/_posts`, `_voyages`).
    pub collection_dir: String,
    /// In `_drafts`.
    pub draft: bool,
    /// The collection writes its documents (`output: true`; posts always).
    pub output: bool,
    /// Folders above `_posts`/`_drafts`: Jekyll's categories from the path.
    pub path_categories: Vec<String>,
}

/// Decide where `relative` (a `/`-separated path below the site root)
/// belongs. `drafts`: `_drafts` is read (`--drafts` or `show_drafts`).
pub fn place(relative: &str, site: &SiteConfig, drafts: bool) -> Place {
    let folders: Vec<&str> = match relative.rsplit_once('/') {
        Some((dirs, _)) => dirs.split('/').collect(),
        None => Vec::new(),
    };
    if folders.first().is_some_and(|top| NEVER.contains(top)) {
        return Place::Skipped("a Jekyll folder that holds no entries");
    }
    if is_excluded(relative, &site.exclude) {
        return Place::Skipped("matched by `exclude` in _config.yml");
    }
    let name = relative.rsplit('/').next().unwrap_or(relative);
    if is_special(name) && !is_included(relative, &site.include) {
        return Place::Skipped(
            "a file Jekyll ignores (its name starts with `_`, `.` or `#`, or ends with `~`)",
        );
    }
    // `_posts` / `_drafts` anywhere: the folders above are categories.
    if let Some(at) = folders
        .iter()
        .position(|f| *f == "_posts" || *f == "_drafts")
    {
        let draft = folders[at] == "_drafts";
        if draft && !drafts {
            return Place::Skipped("a draft (`--drafts` reads them)");
        }
        return Place::Document(Document {
            collection: Some("posts".into()),
            collection_dir: folders[..=at].join("/"),
            draft,
            output: true,
            path_categories: folders[..at]
                .iter()
                .filter(|f| !f.starts_with('_'))
                .map(|f| f.to_string())
                .collect(),
        });
    }
    let Some(top) = folders.first() else {
        return Place::Page;
    };
    if let Some(collection) = top
        .strip_prefix('_')
        .and_then(|label| site.collection(label))
    {
        return Place::Document(Document {
            collection: Some(collection.label.clone()),
            collection_dir: top.to_string(),
            draft: false,
            output: collection.output,
            path_categories: Vec::new(),
        });
    }
    // Any other `_` folder (`_news`, `_archive/_news`, `_learning/videos`):
    // the everyday-cc sites keep dated documents there.
    if folders.iter().any(|f| f.starts_with('_')) {
        return Place::Document(Document {
            collection: None,
            collection_dir: String::new(),
            draft: false,
            output: false,
            path_categories: Vec::new(),
        });
    }
    Place::Page
}

/// Jekyll's `EntryFilter#special?` and backup files: names Jekyll skips
/// unless `include` lists them.
fn is_special(name: &str) -> bool {
    name.starts_with(['_', '.', '#']) || name.ends_with('~')
}

/// Jekyll's `include`: it un-hides the dot and underscore files and folders
/// it names (`.htaccess`), relative to the site root or by name.
pub fn is_included(relative: &str, include: &[String]) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    include.iter().any(|entry| {
        let entry = entry.trim_start_matches("./").trim_matches('/');
        !entry.is_empty() && (entry == relative || entry == name)
    })
}

/// Jekyll's `exclude`: an entry names a file or folder (prefix) relative to
/// the site root, or is a `File.fnmatch` glob.
pub fn is_excluded(relative: &str, exclude: &[String]) -> bool {
    exclude.iter().any(|entry| {
        let entry = entry.trim_start_matches("./").trim_start_matches('/');
        let bare = entry.trim_end_matches('/');
        if bare.is_empty() {
            return false;
        }
        if relative == bare || relative.starts_with(&format!("{bare}/")) {
            return true;
        }
        // `File.fnmatch` without flags: `*` crosses `/`.
        entry.contains(['*', '?', '['])
            && GlobBuilder::new(bare)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(relative))
    })
}

fn glob(pattern: &str) -> Option<GlobMatcher> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// The front-matter values `defaults` give the document at `relative` of
/// collection `kind` (`posts`, a label, `drafts`, or `pages`), merged as
/// Jekyll's `FrontmatterDefaults#all` merges them: a scope with a longer
/// path, or as long but with a type, takes precedence over the ones before.
pub fn defaults_for(relative: &str, kind: &str, defaults: &[Default]) -> Vec<(String, Node)> {
    let mut merged: Vec<(String, Node)> = Vec::new();
    let mut winner: Option<&Default> = None;
    for set in defaults.iter().filter(|d| applies(d, relative, kind)) {
        let precedes = match winner {
            None => true,
            Some(old) => {
                let (new_len, old_len) = (scope_path(&set.path).len(), scope_path(&old.path).len());
                if new_len != old_len {
                    new_len >= old_len
                } else {
                    set.kind.is_some() || old.kind.is_none()
                }
            }
        };
        if precedes {
            deep_merge(&mut merged, &set.values);
            winner = Some(set);
        } else {
            let mut under = set.values.clone();
            deep_merge(&mut under, &merged);
            merged = under;
        }
    }
    merged
}

fn scope_path(path: &str) -> &str {
    path.trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/')
}

fn applies(set: &Default, relative: &str, kind: &str) -> bool {
    let type_matches = set.kind.as_deref().is_none_or(|k| k == kind);
    let path = scope_path(&set.path);
    let path_matches = path.is_empty()
        || if path.contains('*') {
            glob(path).is_some_and(|g| g.is_match(relative))
                || relative
                    .rsplit_once('/')
                    .is_some_and(|(dir, _)| glob(path).is_some_and(|g| g.is_match(dir)))
        } else {
            relative == path || relative.starts_with(&format!("{path}/"))
        };
    type_matches && path_matches
}

/// Jekyll's `Utils.deep_merge_hashes`: `over`'s keys win; mappings under the
/// same key are merged.
pub fn deep_merge(base: &mut Vec<(String, Node)>, over: &[(String, Node)]) {
    for (key, value) in over {
        match base.iter_mut().find(|(k, _)| k == key) {
            Some((_, Node::Map(inner))) if matches!(value, Node::Map(_)) => {
                if let Node::Map(over_inner) = value {
                    deep_merge(inner, over_inner);
                }
            }
            Some((_, old)) => *old = value.clone(),
            None => base.push((key.clone(), value.clone())),
        }
    }
}

/// Jekyll's categories of a document: the folders above `_posts`, then the
/// front matter's `categories` (a list, or a string split on white space),
/// then `category`; as text, no repeats.
pub fn categories(path_categories: &[String], data: &[(String, Node)]) -> Vec<String> {
    let mut out: Vec<String> = path_categories.to_vec();
    let get = |key: &str| data.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let plural = get("categories").map(words).unwrap_or_default();
    // Jekyll's `pluralized_array_from_hash`: the singular when set.
    let singular = get("category").map(|v| match v {
        Node::Str(s) => vec![s.trim().to_owned()],
        other => words(other),
    });
    for c in plural.clone().into_iter().chain(singular.unwrap_or(plural)) {
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Jekyll's tags: `tag` when set, else `tags` (a string split on white
/// space); front matter replaces what `defaults` give, never merges.
pub fn tags(data: &[(String, Node)]) -> Vec<String> {
    let get = |key: &str| data.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let found = get("tag")
        .filter(|v| **v != Node::Null)
        .map(|v| match v {
            Node::Str(s) => vec![s.trim().to_owned()],
            other => words(other),
        })
        .or_else(|| get("tags").map(words))
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for t in found {
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// A list's scalars as text, or a string's words.
fn words(node: &Node) -> Vec<String> {
    match node {
        Node::Str(s) => s.split_whitespace().map(str::to_owned).collect(),
        Node::Seq(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn scalar(node: &Node) -> Option<String> {
    match node {
        Node::Str(s) => Some(s.trim().to_owned()),
        Node::Int(i) => Some(i.to_string()),
        Node::Float(f) => Some(f.to_string()),
        Node::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Jekyll's `Utils.titleize_slug`: the title of a document without one.
pub fn titleize(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::config::parse;
    use std::path::Path;

    fn site() -> SiteConfig {
        parse(
            "collections:\n  voyages:\n    output: true\n  crew:\n    output: false\nexclude: [README.md, notes/, \"*.tmp.md\"]\n",
            Path::new("."),
            "_config.yml",
        )
        .unwrap()
    }

    fn document(relative: &str) -> Document {
        match place(relative, &site(), false) {
            Place::Document(d) => d,
            other => panic!("{relative}: {other:?}"),
        }
    }

    #[test]
    fn posts_collections_and_underscore_folders_are_documents() {
        let post = document("gear/_posts/2020-11-03-new-standing-rigging.md");
        assert_eq!(post.collection.as_deref(), Some("posts"));
        assert_eq!(post.collection_dir, "gear/_posts");
        assert_eq!(post.path_categories, ["gear"]);
        let voyage = document("_voyages/beaulieu-river.md");
        assert_eq!(
            (voyage.collection.as_deref(), voyage.output),
            (Some("voyages"), true)
        );
        assert!(!document("_crew/jory.md").output);
        let news = document("_archive/_news/2024-09-30-harbour-dues-rise.md");
        assert_eq!(news.collection, None);
        assert_eq!(document("_learning/videos/a.md").collection, None);
    }

    #[test]
    fn layouts_pages_excluded_files_and_drafts_are_skipped() {
        let s = site();
        for path in [
            "_layouts/post.html",
            "_includes/footer.html",
            "_site/index.html",
            "_data/topics/x.md",
            "vendor/bundle/gems/x/_posts/2020-01-01-a.md",
            "node_modules/x/_posts/2020-01-01-a.md",
            "about.md",
            "blog/index.html",
            "README.md",
            "notes/2020-01-01-scratch.md",
            "_posts/old.tmp.md",
            "_posts/_2020-01-01-hidden.md",
            "_posts/#2020-01-01-autosave.md",
            "_posts/2020-01-01-backup.md~",
            "_drafts/unfinished.md",
        ] {
            assert!(
                !matches!(place(path, &s, false), Place::Document(_)),
                "{path}"
            );
        }
        let Place::Document(draft) = place("_drafts/unfinished.md", &s, true) else {
            panic!()
        };
        assert!(draft.draft && draft.collection.as_deref() == Some("posts"));
        let mut included = site();
        included.include = vec!["_2020-01-01-hidden.md".into()];
        assert!(matches!(
            place("_posts/_2020-01-01-hidden.md", &included, false),
            Place::Document(_)
        ));
    }

    fn set(path: &str, kind: Option<&str>, values: &[(&str, &str)]) -> Default {
        Default {
            path: path.into(),
            kind: kind.map(str::to_owned),
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), Node::Str(v.to_string())))
                .collect(),
        }
    }

    #[test]
    fn more_specific_defaults_win_whatever_their_order() {
        let sets = [
            set("gear", Some("posts"), &[("tags", "maintenance")]),
            set(
                "",
                Some("posts"),
                &[("layout", "post"), ("tags", "general")],
            ),
            set("", None, &[("layout", "default"), ("author", "me")]),
            set("_voyages", None, &[("layout", "voyage")]),
        ];
        let got = defaults_for("gear/_posts/2020-11-03-a.md", "posts", &sets);
        let get = |k: &str| got.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        assert_eq!(get("tags"), Some(Node::Str("maintenance".into())));
        assert_eq!(get("layout"), Some(Node::Str("post".into())));
        assert_eq!(get("author"), Some(Node::Str("me".into())));
        let voyage = defaults_for("_voyages/a.md", "voyages", &sets);
        assert_eq!(voyage[0], ("layout".into(), Node::Str("voyage".into())));
    }

    #[test]
    fn categories_and_tags_as_jekyll_reads_them() {
        let data = vec![
            (
                "categories".to_owned(),
                Node::Str("seamanship passages".into()),
            ),
            ("tags".to_owned(), Node::Str("night_sailing tides".into())),
        ];
        assert_eq!(
            categories(&["gear".into()], &data),
            ["gear", "seamanship", "passages"]
        );
        assert_eq!(tags(&data), ["night_sailing", "tides"]);
        let single = vec![("category".to_owned(), Node::Str("news".into()))];
        assert_eq!(categories(&[], &single), ["news"]);
        assert_eq!(titleize("first-light"), "First Light");
    }
}
