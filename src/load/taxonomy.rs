//! The topic taxonomy: `_data/topics/*.yaml` in the everyday-cc format.
//! Read as leniently as Jekyll would: a broken file is a warning.

use super::read;
use crate::diagnostic::Diagnostic;
use crate::model::TaxonomyTopic;
use crate::text;
use crate::yaml::{self, Node};
use std::path::Path;

/// Folder of taxonomy files, relative to the content folder.
pub const TOPICS_DIR: &str = "_data/topics";

/// What [`load`] found.
#[derive(Debug, Default)]
pub struct Taxonomy {
    pub topics: Vec<TaxonomyTopic>,
    /// The folder or files that could not be read (errors).
    pub unreadable: Vec<String>,
}

/// Read every `*.yaml`/`*.yml` file of `content/_data/topics`, in name
/// order, through the same reader as articles (`root` is the canonical
/// content folder): regular files only, at most `limit` bytes, a symbolic
/// link only to a file inside the content folder. A file refused or broken
/// is a warning; one that cannot be read (permission denied) is an error.
pub fn load(root: &Path, limit: u64, out: &mut Vec<Diagnostic>) -> Taxonomy {
    let mut taxonomy = Taxonomy::default();
    let dir = root.join(TOPICS_DIR);
    // The folder itself must not lead outside either.
    match dir.canonicalize() {
        Ok(real) if real.starts_with(root) => {}
        Ok(_) => {
            out.push(Diagnostic::warning(
                TOPICS_DIR,
                "symbolic link to something outside the content folder; not followed",
            ));
            return taxonomy;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return taxonomy,
        Err(e) => return unreadable_folder(taxonomy, &e, out),
    }
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return taxonomy,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            out.push(Diagnostic::warning(
                TOPICS_DIR,
                "taxonomy folder is not a folder; ignored",
            ));
            return taxonomy;
        }
        Err(e) => return unreadable_folder(taxonomy, &e, out),
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml"))
        .collect();
    files.sort();
    for name in files {
        let shown = format!("{TOPICS_DIR}/{name}");
        let path = dir.join(&name);
        let bytes = match read::read_limited(root, &path, limit, None) {
            Ok(bytes) => bytes,
            Err(read::ReadError::Vanished) => continue,
            Err(e) if read::is_unreadable(root, &path) => {
                out.push(Diagnostic::error(
                    shown.as_str(),
                    format!("cannot read taxonomy file: {}", e.message()),
                ));
                taxonomy.unreadable.push(shown);
                continue;
            }
            Err(e) => {
                out.push(Diagnostic::warning(
                    shown,
                    format!("taxonomy file: {}; ignored", e.message()),
                ));
                continue;
            }
        };
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        taxonomy.topics.extend(parse(&bytes, &shown, stem, out));
    }
    taxonomy
}

/// The taxonomy so far, with the folder itself unreadable: an error.
fn unreadable_folder(
    mut taxonomy: Taxonomy,
    e: &std::io::Error,
    out: &mut Vec<Diagnostic>,
) -> Taxonomy {
    out.push(Diagnostic::error(
        TOPICS_DIR,
        format!("cannot read taxonomy folder: {e}"),
    ));
    taxonomy.unreadable.push(format!("{TOPICS_DIR}/"));
    taxonomy
}

/// One taxonomy file's bytes as a topic (`stem`: its name without the
/// extension, the id when `_id` is missing); `None`, with a warning in
/// `out`, when it is not one. Never panics, whatever the bytes (the
/// `taxonomy` fuzz target).
pub fn parse(
    bytes: &[u8],
    shown: &str,
    stem: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<TaxonomyTopic> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(Diagnostic::warning(
            shown,
            "taxonomy file is not UTF-8; ignored",
        ));
        return None;
    };
    match yaml::parse_documents(text) {
        Ok(yaml::Documents { first: node, more }) => {
            if more {
                // Jekyll reads the first document only: say so, once.
                out.push(Diagnostic::warning(
                    shown,
                    "taxonomy file holds several YAML documents; only the first is read, as Jekyll reads it",
                ));
            }
            let topic = from_node(&node, stem);
            if topic.is_none() {
                out.push(Diagnostic::warning(
                    shown,
                    "taxonomy file has no `name` or `_id`; ignored",
                ));
            }
            topic
        }
        Err(e) => {
            out.push(
                Diagnostic::warning(
                    shown,
                    format!("invalid YAML in taxonomy file: {e}; ignored"),
                )
                .at(e.line, e.column),
            );
            None
        }
    }
}

/// A taxonomy entry from its YAML form; `fallback_id` when `_id` is missing.
pub fn from_node(node: &Node, fallback_id: &str) -> Option<TaxonomyTopic> {
    let string = |key: &str| match node.get(key) {
        Some(Node::Str(s)) => Some(text::clean_line(s)).filter(|s| !s.is_empty()),
        Some(Node::Int(i)) => Some(i.to_string()),
        _ => None,
    };
    let id = string("_id");
    let name = string("name").or_else(|| id.clone())?;
    let image = match node.get("images").or_else(|| node.get("image")) {
        Some(Node::Str(url)) => Some(url.trim().to_owned()),
        Some(Node::Seq(items)) => items.iter().find_map(|item| match item {
            Node::Str(url) => Some(url.trim().to_owned()),
            map => match map.get("url") {
                Some(Node::Str(url)) => Some(url.trim().to_owned()),
                _ => None,
            },
        }),
        Some(map @ Node::Map(_)) => match map.get("url") {
            Some(Node::Str(url)) => Some(url.trim().to_owned()),
            _ => None,
        },
        _ => None,
    };
    Some(TaxonomyTopic {
        id: id.unwrap_or_else(|| fallback_id.to_owned()),
        name,
        shortname: string("shortname"),
        parent: string("parent"),
        description: string("description"),
        image,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_everyday_cc_topic() {
        let node = yaml::parse_node(
            "taxonomy: topic\n_id: model-driven-apps\nname: Model-driven apps\nshortname: MDA\nparent: Power Apps\nkeywords: [a, b]\nimages:\n  - url: https://i.example/t.png\n",
        )
        .unwrap();
        let t = from_node(&node, "02-x").unwrap();
        assert_eq!(t.id, "model-driven-apps");
        assert_eq!(t.parent.as_deref(), Some("Power Apps"));
        assert_eq!(t.image.as_deref(), Some("https://i.example/t.png"));
        assert_eq!(t.shortname.as_deref(), Some("MDA"));
    }

    #[test]
    fn falls_back_on_missing_keys() {
        let t = from_node(&yaml::parse_node("name: Solo\n").unwrap(), "00-solo").unwrap();
        assert_eq!(t.id, "00-solo");
        assert!(from_node(&yaml::parse_node("keywords: [x]\n").unwrap(), "x").is_none());
    }
}

#[cfg(test)]
mod documents {
    use super::*;

    #[test]
    fn a_trailing_bare_document_marker_is_read_silently_as_jekyll_does() {
        // As five real `_data/topics` files of the everyday-cc A.I. archive end.
        let mut out = Vec::new();
        let topic = parse(
            b"---\ntaxonomy: topic\n_id: ai\nname: A.I.\nservices:\n  news: https://e.example/api/news/ai/\n---\n",
            "_data/topics/00-ai.yaml",
            "00-ai",
            &mut out,
        );
        assert_eq!(topic.map(|t| t.name), Some("A.I.".to_owned()));
        assert!(out.is_empty(), "{out:?}");
        let topic = parse(
            b"name: First\n---\nname: Second\n",
            "_data/topics/x.yaml",
            "x",
            &mut out,
        );
        assert_eq!(topic.map(|t| t.name), Some("First".to_owned()));
        assert_eq!(out.len(), 1, "the ignored document is named: {out:?}");
        assert!(out[0].message.contains("only the first"), "{out:?}");
    }
}
