//! The topic taxonomy: `_data/topics/*.yaml` in the everyday-cc format.
//! Read as leniently as Jekyll would: a broken file is a warning.

use crate::diagnostic::Diagnostic;
use crate::model::TaxonomyTopic;
use crate::text;
use crate::yaml::{self, Node};
use std::path::Path;

/// Folder of taxonomy files, relative to the content folder.
pub const TOPICS_DIR: &str = "_data/topics";

/// Read every `*.yaml`/`*.yml` file of `content/_data/topics`, in name order.
pub fn load(content_dir: &Path, out: &mut Vec<Diagnostic>) -> Vec<TaxonomyTopic> {
    let dir = content_dir.join(TOPICS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml"))
        .collect();
    files.sort();
    let mut topics = Vec::new();
    for name in files {
        let shown = format!("{TOPICS_DIR}/{name}");
        let text = match std::fs::read(dir.join(&name)).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                out.push(Diagnostic::warning(
                    shown,
                    "taxonomy file is not UTF-8; ignored",
                ));
                continue;
            }
            Err(e) => {
                out.push(Diagnostic::warning(
                    shown,
                    format!("cannot read taxonomy file: {e}; ignored"),
                ));
                continue;
            }
        };
        match yaml::parse_node(&text) {
            Ok(node) => {
                let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
                match from_node(&node, stem) {
                    Some(topic) => topics.push(topic),
                    None => out.push(Diagnostic::warning(
                        shown,
                        "taxonomy file has no `name` or `_id`; ignored",
                    )),
                }
            }
            Err(e) => out.push(
                Diagnostic::warning(
                    shown,
                    format!("invalid YAML in taxonomy file: {e}; ignored"),
                )
                .at(e.line, e.column),
            ),
        }
    }
    topics
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
    let keywords = match node.get("keywords") {
        Some(Node::Seq(items)) => items
            .iter()
            .filter_map(|k| match k {
                Node::Str(s) => Some(text::clean_line(s)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(TaxonomyTopic {
        id: id.unwrap_or_else(|| fallback_id.to_owned()),
        name,
        shortname: string("shortname"),
        parent: string("parent"),
        description: string("description"),
        image,
        keywords,
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
        assert_eq!(t.keywords, ["a", "b"]);
    }

    #[test]
    fn falls_back_on_missing_keys() {
        let t = from_node(&yaml::parse_node("name: Solo\n").unwrap(), "00-solo").unwrap();
        assert_eq!(t.id, "00-solo");
        assert!(from_node(&yaml::parse_node("keywords: [x]\n").unwrap(), "x").is_none());
    }
}
