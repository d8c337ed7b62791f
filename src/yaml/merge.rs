//! YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`), which serde_yaml leaves
//! as a plain `<<` key: Jekyll sites use them in `_config.yml` defaults.

use super::Node;

/// Apply every merge key in `node`, depth first: the merged mappings' keys
/// are added where the mapping does not set them itself; of several merged
/// mappings the first that sets a key wins (the YAML 1.1 rule).
pub fn apply(node: &mut Node) {
    match node {
        Node::Seq(items) => items.iter_mut().for_each(apply),
        Node::Map(entries) => {
            entries.iter_mut().for_each(|(_, v)| apply(v));
            let mut merged: Vec<(String, Node)> = Vec::new();
            entries.retain(|(key, value)| {
                if key != "<<" {
                    return true;
                }
                let sources: Vec<&Node> = match value {
                    Node::Seq(items) => items.iter().collect(),
                    other => vec![other],
                };
                for source in sources {
                    if let Node::Map(source) = source {
                        merged.extend(source.iter().cloned());
                    }
                }
                false
            });
            for (key, value) in merged {
                if !entries.iter().any(|(k, _)| *k == key) {
                    entries.push((key, value));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::yaml::{parse_config_node, Node};

    #[test]
    fn merge_keys_fill_in_what_the_mapping_does_not_set() {
        let node = parse_config_node(
            "base: &base\n  layout: post\n  deleted: false\nother: &other\n  layout: page\n  extra: 1\ndefaults:\n  - values:\n      <<: *base\n      layout: own\n  - values:\n      <<: [*base, *other]\n",
        )
        .unwrap();
        let Some(Node::Seq(defaults)) = node.get("defaults") else {
            panic!("{node:?}")
        };
        let first = defaults[0].get("values").unwrap();
        assert_eq!(first.get("layout"), Some(&Node::Str("own".into())));
        assert_eq!(first.get("deleted"), Some(&Node::Bool(false)));
        assert_eq!(first.get("<<"), None);
        let second = defaults[1].get("values").unwrap();
        assert_eq!(second.get("layout"), Some(&Node::Str("post".into())));
        assert_eq!(second.get("extra"), Some(&Node::Int(1)));
    }
}
