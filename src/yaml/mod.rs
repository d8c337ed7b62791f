//! The one place that knows which YAML library feedsmith uses.
//!
//! serde_yaml is frozen upstream; everything else in the crate sees only
//! [`Node`], [`YamlError`] and the generic [`from_str`], so a maintained fork
//! can replace it here alone.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

mod fast;

/// A YAML value, independent of the parser that produced it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys that are not scalars are dropped.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short name of the node's type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

/// A parse error with its 1-based position in the parsed text, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<serde_yaml::Error> for YamlError {
    fn from(err: serde_yaml::Error) -> Self {
        let location = err.location();
        let mut message = err.to_string();
        // serde_yaml appends the position in prose; we report it separately.
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        YamlError {
            message,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// Deserialize a whole YAML document into `T` (used for the config file).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    Ok(serde_yaml::from_str(text)?)
}

/// Parse a document that must be a mapping, keeping only the top-level keys
/// for which `keep` is true. Other keys are skipped without being built, so
/// a value such as `secured` never enters memory as data. A top-level key
/// given twice is an error: which of the two was meant is not knowable.
pub fn parse_mapping(text: &str, keep: fn(&str) -> bool) -> Result<Vec<(String, Node)>, YamlError> {
    // Most front matter has a plain shape that `fast` reads in a fraction
    // of the time; it answers only when its result is exactly the full
    // parser's, and leaves everything else, errors included, to the latter.
    if let Some(entries) = fast::parse_mapping(text, keep) {
        return Ok(entries);
    }
    parse_mapping_exact(text, keep)
}

fn parse_mapping_exact(
    text: &str,
    keep: fn(&str) -> bool,
) -> Result<Vec<(String, Node)>, YamlError> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    (TopLevel { keep })
        .deserialize(deserializer)
        .map_err(|err| {
            let mut err = YamlError::from(err);
            // The parser places this error at the mapping; point at the repeat.
            if let Some(key) = err
                .message
                .strip_prefix("duplicate key `")
                .and_then(|r| r.strip_suffix('`'))
            {
                if let Some(line) = key_line(text, key, 1) {
                    err.line = Some(line);
                    err.column = Some(1);
                }
            }
            err
        })
}

/// For the fuzz target `yaml_fast_reader`: panics when the fast reader
/// answers and its answer differs from the full parser's.
#[doc(hidden)]
pub fn assert_fast_reader_agrees(text: &str) {
    let keep_all = |_: &str| true;
    if let Some(fast) = fast::parse_mapping(text, keep_all) {
        assert_eq!(Ok(fast), parse_mapping_exact(text, keep_all), "{text:?}");
    }
}

/// 1-based line of the `nth` (0-based) top-level `key:` in `text`; a
/// plain text scan, for pointing messages at the right line.
pub fn key_line(text: &str, key: &str, nth: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let rest = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")));
            rest.is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .nth(nth)
        .map(|(i, _)| i + 1)
}

/// Parse any YAML document into a [`Node`] (used for taxonomy files).
pub fn parse_node(text: &str) -> Result<Node, YamlError> {
    Ok(serde_yaml::from_str(text)?)
}

struct TopLevel {
    keep: fn(&str) -> bool,
}

impl<'de> DeserializeSeed<'de> for TopLevel {
    type Value = Vec<(String, Node)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel {
    type Value = Vec<(String, Node)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of keys to values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<Key>()? {
            let Key(Some(key)) = key else {
                map.next_value::<de::IgnoredAny>()?;
                continue;
            };
            if seen.contains(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            if (self.keep)(&key) {
                let value = map.next_value::<Node>()?;
                entries.push((key.clone(), value));
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
            seen.push(key);
        }
        Ok(entries)
    }
}

/// A mapping key: scalars become their text, anything else `None`.
struct Key(Option<String>);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Key(match Node::deserialize(deserializer)? {
            Node::Str(s) => Some(s),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            Node::Null | Node::Seq(_) | Node::Map(_) => None,
        }))
    }
}

impl<'de> de::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        de::Deserialize::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            let value = map.next_value::<Node>()?;
            if let Some(key) = key {
                entries.push((key, value));
            }
        }
        Ok(Node::Map(entries))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        // A custom tag such as `!include x`: keep the value, ignore the tag.
        // Tags never cause anything to be opened or run.
        let (_tag, variant): (de::IgnoredAny, A::Variant) = data.variant()?;
        de::VariantAccess::newtype_variant::<Node>(variant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep_all(_: &str) -> bool {
        true
    }

    #[test]
    fn parses_mapping_and_skips_unwanted_keys() {
        let text = "title: Hello\nsecured: abc\ntopics: [a, b]\nn: 3\n";
        let entries = parse_mapping(text, |k| k != "secured").unwrap();
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["title", "topics", "n"]);
        assert_eq!(entries[2].1, Node::Int(3));
    }

    #[test]
    fn reports_line_of_syntax_errors() {
        let err = parse_mapping("title: ok\nbad: [unclosed\nnext: 1\n", keep_all).unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
        assert!(!err.message.contains(" at line "), "{err:?}");
    }

    #[test]
    fn rejects_duplicate_keys_and_non_mappings() {
        let err = parse_mapping("a: 1\na: 2\n", keep_all).unwrap_err();
        assert!(err.message.contains("duplicate key `a`"), "{err:?}");
        assert_eq!(err.line, Some(2));
        assert!(parse_mapping("- a\n- b\n", keep_all).is_err());
    }

    #[test]
    fn fast_path_gives_the_full_parse_result() {
        let keep = |k: &str| k == "title" || k == "n";
        for text in [
            "title: T\nsecured: x\nn: 1\n",
            "a: &x T\ntitle: *x\n",
            "title: T\nsecured: 1\nsecured: 2\n",
            "secured: 'it''s'\ntitle: T\n",
            "title: [unclosed\nsecured: x\n",
            "secured: \"a\\\"b\"\ntitle: T\n",
        ] {
            let exact = parse_mapping_exact(text, keep);
            assert_eq!(parse_mapping(text, keep), exact, "{text}");
        }
    }

    #[test]
    fn custom_tags_keep_their_value_and_open_nothing() {
        let entries = parse_mapping("title: !include /etc/passwd\n", keep_all).unwrap();
        assert_eq!(entries[0].1, Node::Str("/etc/passwd".into()));
    }
}
