//! The one place that knows which YAML library feedsmith uses.
//!
//! serde_yaml is frozen upstream; everything else in the crate sees only
//! [`Node`], [`YamlError`] and the generic [`from_str`], so a maintained fork
//! can replace it here alone.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

mod bounds;
mod fast;
mod locate;
mod merge;

pub use bounds::{MAX_DEPTH, MAX_VALUES};
pub use locate::{key_position, parse_path, value_position, Position, Step};

/// A YAML value, independent of the parser that produced it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Node {
    #[default]
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

/// A node inside a document read by [`from_str`] (the config's `topics:`
/// entries): read with the same value budget as [`parse_node`].
impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        let budget = bounds::Budget::new(bounds::MAX_VALUES);
        NodeSeed(&budget, true).deserialize(deserializer)
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
        // `invalid value: string "…"` quotes the document, which may be a
        // `secured` value (`secured: !!int …`): messages never quote it.
        let message = without_quoted_text(&message);
        YamlError {
            message,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// `message` with every double-quoted part (serde's quoting of a value)
/// left out.
fn without_quoted_text(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                _ => {}
            }
        }
        if out.ends_with(' ') {
            out.pop();
        }
    }
    out
}

/// Deserialize a whole YAML document into `T` (used for the config file).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    bounds::check_depth(text)?;
    Ok(serde_yaml::from_str(text)?)
}

/// Which top-level keys of a mapping are wanted.
#[derive(Clone, Copy)]
pub struct Keys {
    /// Keys whose values are built; others are skipped unbuilt.
    pub keep: fn(&str) -> bool,
    /// Skipped keys whose values must never be handed on, not even as a
    /// copy: a kept key whose value holds a scalar equal to one of theirs
    /// (through a YAML alias `*name`, say) is dropped.
    pub secret: fn(&str) -> bool,
}

/// A parsed top-level mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The kept keys with their values, in document order.
    pub entries: Vec<(String, Node)>,
    /// Kept keys left out because their value repeats a secret value.
    pub dropped: Vec<String>,
}

/// Parse a document that must be a mapping, keeping only the top-level keys
/// for which `keys.keep` is true. Other keys are skipped without being
/// built, so a value such as `secured` never enters memory as data (the
/// scalars of secret keys only as hashes). A top-level key given twice is
/// an error: which of the two was meant is not knowable.
///
/// Bounded whatever the text: nesting beyond [`bounds::MAX_DEPTH`] is
/// refused before the parser runs, and so are documents whose aliases
/// expand them past their size or whose kept values number more than
/// [`bounds::MAX_VALUES`]; time is linear in the text's length.
pub fn parse_mapping(text: &str, keys: Keys) -> Result<Mapping, YamlError> {
    // The depth bound is a property of the text, not of the reader: checked
    // before either, so both readers see (and refuse) the same documents.
    bounds::check_depth(text)?;
    // Most front matter has a plain shape that `fast` reads in a fraction
    // of the time; it answers only when its result is exactly the full
    // parser's, and leaves everything else, errors included, to the latter.
    if let Some((entries, secrets)) = fast::parse_mapping(text, keys) {
        return finish(entries, &secrets);
    }
    parse_mapping_exact(text, keys)
}

/// The common end of both readers: drop what repeats a secret, count.
fn finish(entries: Vec<(String, Node)>, secrets: &bounds::Secrets) -> Result<Mapping, YamlError> {
    let mut values = secrets.values;
    for (_, value) in &entries {
        values += 1 + bounds::count_values(value);
    }
    if values > bounds::MAX_VALUES {
        return Err(too_many_values());
    }
    let mut mapping = Mapping {
        entries: Vec::with_capacity(entries.len()),
        dropped: Vec::new(),
    };
    for (key, value) in entries {
        if secrets.appear_in(&value) {
            mapping.dropped.push(key);
        } else {
            mapping.entries.push((key, value));
        }
    }
    Ok(mapping)
}

/// The error for more than [`bounds::MAX_VALUES`] values: the same from
/// both readers, found during the parse or after it.
fn too_many_values() -> YamlError {
    YamlError {
        message: bounds::too_many_values_message(),
        line: None,
        column: None,
    }
}

/// The full parser; the caller has checked the depth bound.
fn parse_mapping_exact(text: &str, keys: Keys) -> Result<Mapping, YamlError> {
    let budget = bounds::Budget::new(bounds::visit_budget(text.len()));
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let (entries, secrets) = (TopLevel {
        keys,
        budget: &budget,
    })
    .deserialize(deserializer)
    .map_err(|err| {
        let mut err = YamlError::from(err);
        if err.message.ends_with(&bounds::too_many_values_message()) {
            return too_many_values();
        }
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
    })?;
    finish(entries, &secrets)
}

/// Where the fast reader answers for `text`: its answer and the full
/// parser's, which must be equal (for the tests and, through
/// [`crate::testing::yaml_fast_reader_disagreement`], the fuzz target);
/// `None` when the fast reader declines or the text is refused before
/// either reader runs.
pub(crate) fn both_readers(text: &str, keys: Keys) -> Option<(MappingResult, MappingResult)> {
    bounds::check_depth(text).ok()?;
    let (entries, secrets) = fast::parse_mapping(text, keys)?;
    Some((finish(entries, &secrets), parse_mapping_exact(text, keys)))
}

pub(crate) type MappingResult = Result<Mapping, YamlError>;

/// 1-based line of the `nth` (0-based) top-level `key:` in `text`; a
/// plain text scan, for pointing messages at the right line.
pub fn key_line(text: &str, key: &str, nth: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let rest = line.strip_prefix(key).or_else(|| {
                line.strip_prefix('"')
                    .and_then(|l| l.strip_prefix(key))
                    .and_then(|l| l.strip_prefix('"'))
            });
            rest.is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .nth(nth)
        .map(|(i, _)| i + 1)
}

/// Whether the top-level `key`'s value is written as a quoted scalar
/// (`date: "2021-03-28 01:30:00"`): YAML types a plain one (a zoneless
/// timestamp is UTC to Jekyll), a quoted one stays a string. A plain text
/// scan of the key's line, as [`key_line`].
pub fn is_quoted(text: &str, key: &str) -> bool {
    let Some(line) = key_line(text, key, 0).and_then(|n| text.lines().nth(n - 1)) else {
        return false;
    };
    let value = line.split_once(':').map_or("", |(_, v)| v.trim_start());
    value.starts_with(['"', '\'']) || value.starts_with("!!str")
}

/// Parse any YAML document into a [`Node`] (used for taxonomy files), with
/// the same bounds as [`parse_mapping`]. Of several documents (or one
/// followed by a bare `---` line) only the first is read, as Jekyll reads
/// data files; [`parse_documents`] also tells whether the others hold
/// anything.
pub fn parse_node(text: &str) -> Result<Node, YamlError> {
    parse_documents(text).map(|d| d.first)
}

/// The first YAML document of `text`, as Jekyll (Psych's `load`) reads a
/// data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Documents {
    pub first: Node,
    /// A later document holds a value (not only an empty `---`): ignored,
    /// which the caller may want to say.
    pub more: bool,
}

/// Parse the first document of `text` and look at the rest, with the same
/// bounds as [`parse_mapping`] over the whole text.
pub fn parse_documents(text: &str) -> Result<Documents, YamlError> {
    bounds::check_depth(text)?;
    let budget = bounds::Budget::new(bounds::visit_budget(text.len()));
    let shown = |err: serde_yaml::Error| {
        let err = YamlError::from(err);
        if err.message.ends_with(&bounds::too_many_values_message()) {
            return too_many_values();
        }
        err
    };
    let mut documents = serde_yaml::Deserializer::from_str(text);
    let Some(first) = documents.next() else {
        return Ok(Documents {
            first: Node::Null,
            more: false,
        });
    };
    let first = NodeSeed(&budget, true).deserialize(first).map_err(shown)?;
    let mut more = false;
    for document in documents {
        more |= NodeSeed(&budget, true)
            .deserialize(document)
            .map_err(shown)?
            != Node::Null;
    }
    Ok(Documents { first, more })
}

/// Parse a whole config document (Jekyll's `_config.yml`) into a [`Node`]
/// with YAML merge keys (`<<: *defaults`) applied, as Jekyll's YAML reader
/// applies them.
pub fn parse_config_node(text: &str) -> Result<Node, YamlError> {
    let mut node = parse_node(text)?;
    merge::apply(&mut node);
    Ok(node)
}

struct TopLevel<'b> {
    keys: Keys,
    budget: &'b bounds::Budget,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = (Vec<(String, Node)>, bounds::Secrets);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = (Vec<(String, Node)>, bounds::Secrets);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of keys to values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<String> = Default::default();
        let mut secrets = bounds::Secrets::default();
        while let Some(key) = map.next_key_seed(KeySeed(self.budget, false))? {
            let Key(Some(key)) = key else {
                map.next_value_seed(Skip(self.budget))?;
                continue;
            };
            if seen.contains(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            if (self.keys.keep)(&key) {
                let value = map.next_value_seed(NodeSeed(self.budget, true))?;
                entries.push((key.clone(), value));
            } else if (self.keys.secret)(&key) {
                // Built only to be remembered as hashes, then dropped.
                let value = map.next_value_seed(NodeSeed(self.budget, true))?;
                secrets.record(&value);
            } else {
                map.next_value_seed(Skip(self.budget))?;
            }
            seen.insert(key);
        }
        Ok((entries, secrets))
    }
}

/// A mapping key: scalars become their text, anything else `None`.
struct Key(Option<String>);

/// The budget, and whether the value is built (counts towards
/// [`bounds::MAX_VALUES`]): not for top-level keys, whose values may be
/// skipped.
struct KeySeed<'b>(&'b bounds::Budget, bool);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        Ok(Key(
            match NodeSeed(self.0, self.1).deserialize(deserializer)? {
                Node::Str(s) => Some(s),
                Node::Int(i) => Some(i.to_string()),
                Node::Float(f) => Some(f.to_string()),
                Node::Bool(b) => Some(b.to_string()),
                Node::Null | Node::Seq(_) | Node::Map(_) => None,
            },
        ))
    }
}

/// Builds a [`Node`], counting every value against the budget (as built
/// when the flag says so).
struct NodeSeed<'b>(&'b bounds::Budget, bool);

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor(self.0, self.1))
    }
}

struct NodeVisitor<'b>(&'b bounds::Budget, bool);

impl<'de> Visitor<'de> for NodeVisitor<'_> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        NodeSeed(self.0, self.1).deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    // Integers beyond 64 bits (an image width of 10^20): numbers still,
    // which the article then finds unusable, instead of a parse error.
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        self.0.take(self.1)?;
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        self.0.take(self.1)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(NodeSeed(self.0, self.1))? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        self.0.take(self.1)?;
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key_seed(KeySeed(self.0, self.1))? {
            let value = map.next_value_seed(NodeSeed(self.0, self.1))?;
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
        de::VariantAccess::newtype_variant_seed(variant, NodeSeed(self.0, self.1))
    }
}

/// Walks a value without building it, counting it against the budget: an
/// alias under a skipped key is replayed by the parser, and costs too.
struct Skip<'b>(&'b bounds::Budget);

impl<'de> DeserializeSeed<'de> for Skip<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.0.take(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.take(false)?;
        while seq.next_element_seed(Skip(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.take(false)?;
        while map.next_key_seed(Skip(self.0))?.is_some() {
            map.next_value_seed(Skip(self.0))?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let (_tag, variant): (de::IgnoredAny, A::Variant) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(variant, Skip(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEEP_ALL: Keys = Keys {
        keep: |_| true,
        secret: |_| false,
    };

    const ARTICLE: Keys = Keys {
        keep: |k| k != "secured" && k != "other",
        secret: |k| k == "secured",
    };

    fn keep_all() -> Keys {
        KEEP_ALL
    }

    #[test]
    fn tells_quoted_from_plain_scalars() {
        let text = "a: 2024-06-21 21:15:00\nb: \"2024-06-21 21:15:00\"\nc: '2024-06-21'\n\"d\": !!str 2024\n";
        assert!(!is_quoted(text, "a"));
        assert!(is_quoted(text, "b"));
        assert!(is_quoted(text, "c"));
        assert!(is_quoted(text, "d"));
        assert!(!is_quoted(text, "e"));
    }

    #[test]
    fn parses_mapping_and_skips_unwanted_keys() {
        let text = "title: Hello\nsecured: abc\ntopics: [a, b]\nn: 3\n";
        let entries = parse_mapping(text, ARTICLE).unwrap().entries;
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["title", "topics", "n"]);
        assert_eq!(entries[2].1, Node::Int(3));
    }

    #[test]
    fn reports_line_of_syntax_errors() {
        let err = parse_mapping("title: ok\nbad: [unclosed\nnext: 1\n", keep_all()).unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
        assert!(!err.message.contains(" at line "), "{err:?}");
    }

    #[test]
    fn rejects_duplicate_keys_and_non_mappings() {
        let err = parse_mapping("a: 1\na: 2\n", keep_all()).unwrap_err();
        assert!(err.message.contains("duplicate key `a`"), "{err:?}");
        assert_eq!(err.line, Some(2));
        assert!(parse_mapping("- a\n- b\n", keep_all()).is_err());
    }

    #[test]
    fn fast_path_gives_the_full_parse_result() {
        let keys = Keys {
            keep: |k: &str| k == "title" || k == "n",
            secret: |k| k == "secured",
        };
        for text in [
            "title: T\nsecured: x\nn: 1\n",
            "a: &x T\ntitle: *x\n",
            "title: T\nsecured: 1\nsecured: 2\n",
            "secured: 'it''s'\ntitle: T\n",
            "title: [unclosed\nsecured: x\n",
            "secured: \"a\\\"b\"\ntitle: T\n",
            "secured: S\ntitle: S\nn: 1\n",
        ] {
            let exact = parse_mapping_exact(text, keys);
            assert_eq!(parse_mapping(text, keys), exact, "{text}");
        }
    }

    #[test]
    fn both_readers_refuse_the_same_deep_looking_text() {
        // Found by the `yaml_fast_reader` fuzz target: brackets inside a
        // plain scalar count for the depth bound, which the fast reader
        // used to skip (it answered Ok where the full parser refused).
        let text = "ca:  [k&&&&::&do]\ncagory: nw::-_____________________________________________  [[{[[[[[top]]]]    [[::- ::::a:ample[[  [[{[[[[[top]][Z[[[[[[top]]]]    [[{[[[[[top]][Z[[[[  [[[top ::::a:ample/a  ___________________________________________________________  [[{[[[[[top]]]]    [[::- ::::a:ample[[  [[{[[[[[top]][Z[[[[[[top]]V]    [[{[[[[[top]][Z[[[[  [[[top]]]]    ";
        let keys = Keys {
            keep: |_| true,
            secret: |_| false,
        };
        let err = parse_mapping(text, keys).unwrap_err();
        assert_eq!(err.message, "collections nested deeper than 64 levels");
        assert_eq!(crate::testing::yaml_fast_reader_disagreement(text), None);
    }

    #[test]
    fn custom_tags_keep_their_value_and_open_nothing() {
        let entries = parse_mapping("title: !include /etc/passwd\n", keep_all())
            .unwrap()
            .entries;
        assert_eq!(entries[0].1, Node::Str("/etc/passwd".into()));
    }

    #[test]
    fn integers_beyond_64_bits_are_numbers() {
        let entries = parse_mapping("w: 100000000000000000000\nv: &a 1\nx: *a\n", keep_all())
            .unwrap()
            .entries;
        assert_eq!(entries[0].1, Node::Float(1e20));
    }

    /// A list of `n` copies of a list of `n` copies of ... (`levels` deep).
    fn alias_bomb(key: &str, n: usize, levels: usize) -> String {
        let mut text = format!("l0: &l0 [{}]\n", vec!["x"; n].join(","));
        for i in 1..=levels {
            let items = vec![format!("*l{}", i - 1); n].join(",");
            text.push_str(&format!("l{i}: &l{i} [{items}]\n"));
        }
        text.push_str(&format!("{key}: *l{levels}\n"));
        text
    }

    #[test]
    fn alias_expansion_is_counted_under_kept_and_skipped_keys() {
        let start = std::time::Instant::now();
        // 37 KB that would expand to 10^12 values.
        let bomb = alias_bomb("images", 1000, 4);
        let keys = Keys {
            keep: |k| k == "images",
            secret: |_| false,
        };
        let err = parse_mapping(&bomb, keys).unwrap_err();
        assert!(err.message.contains("YAML aliases"), "{err:?}");
        let skip_all = Keys {
            keep: |_| false,
            secret: |_| false,
        };
        let err = parse_mapping(&bomb, skip_all).unwrap_err();
        assert!(err.message.contains("YAML aliases"), "{err:?}");
        let err = parse_node(&bomb).unwrap_err();
        assert!(err.message.contains("YAML aliases"), "{err:?}");
        assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
        // Aliases that do not amplify are fine.
        assert!(parse_mapping(&alias_bomb("images", 3, 2), keys).is_ok());
    }

    #[test]
    fn too_many_values_under_kept_keys_are_refused() {
        let text = format!("topics: [{}]\n", vec!["a"; MAX_VALUES + 1].join(","));
        let err = parse_mapping(&text, keep_all()).unwrap_err();
        assert_eq!(err, too_many_values());
        // On the full parser too, during the parse.
        let anchored = format!("a: &x 1\n{text}");
        assert_eq!(
            parse_mapping(&anchored, keep_all()).unwrap_err(),
            too_many_values()
        );
        assert_eq!(parse_node(&anchored).unwrap_err(), too_many_values());
        // An alias bomb under a kept key stops at the limit, well before
        // its size budget.
        let bomb = format!(
            "l: &l [{}]\ntopics: [{}]\n",
            vec!["x"; 1000].join(","),
            vec!["*l"; 200_000].join(",")
        );
        assert_eq!(
            parse_mapping(&bomb, keep_all()).unwrap_err(),
            too_many_values()
        );
        let ok = format!(
            "topics: [{}]\nother: [{}]\n",
            "a",
            vec!["a"; MAX_VALUES + 1].join(",")
        );
        assert!(parse_mapping(&ok, ARTICLE).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let start = std::time::Instant::now();
        for text in [
            format!("images: {}\n", "[".repeat(100_000)),
            format!(
                "images: &a {}{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
            format!("images:\n{}x\n", "- ".repeat(100_000)),
        ] {
            let err = parse_mapping(&text, keep_all()).unwrap_err();
            assert!(err.message.contains("nested deeper than 64"), "{err:?}");
            assert!(parse_node(&text).is_err());
        }
        assert!(start.elapsed().as_secs_f64() < 1.0, "{:?}", start.elapsed());
    }

    /// The fastest of three runs of `parse` over inputs of `n` keys.
    fn fastest_parse(n: usize, parse: fn(usize)) -> f64 {
        (0..3)
            .map(|_| {
                let start = std::time::Instant::now();
                parse(n);
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    }

    /// Ten times the keys must cost about ten times the time: a ratio, so
    /// a loaded machine slows both sides alike. Quadratic work would give
    /// about 100.
    fn assert_linear(what: &str, parse: fn(usize)) {
        let small = fastest_parse(10_000, parse);
        let large = fastest_parse(100_000, parse);
        let ratio = large / small.max(1e-4);
        assert!(ratio < 35.0, "{what}: {large:.3} s against {small:.3} s");
    }

    /// Keeps the keys `k0` to `k99` of `plain`.
    const SHORT_KEYS: Keys = Keys {
        keep: |k| k.len() < 4,
        secret: |_| false,
    };

    #[test]
    fn parse_time_is_linear_in_the_number_of_keys() {
        fn plain(n: usize) -> String {
            (0..n).map(|i| format!("k{i}: v\n")).collect()
        }
        assert_linear("fast reader", |n| {
            assert_eq!(
                parse_mapping(&plain(n), SHORT_KEYS).unwrap().entries.len(),
                100
            );
        });
        // An anchor sends it to the full parser.
        assert_linear("full parser", |n| {
            let full = format!("a: &x 1\n{}", plain(n));
            assert_eq!(parse_mapping(&full, SHORT_KEYS).unwrap().entries.len(), 101);
        });
        assert_linear("flow mapping", |n| {
            let flow = format!(
                "m: {{{}}}\n",
                (0..n * 2 / 5)
                    .map(|i| format!("k{i}: v"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            assert!(parse_mapping(&flow, keep_all()).is_ok());
        });
    }

    #[test]
    fn secret_values_are_never_handed_on_even_through_aliases() {
        for text in [
            "secured: &s TOPSECRET\nexcerpt: *s\ntitle: T\n",
            "secured: &s [TOPSECRET]\nexcerpt: *s\ntitle: T\n",
            "secured: {k: &s TOPSECRET}\nexcerpt: [a, *s]\ntitle: T\n",
            "secured: &s {TOPSECRET: 1}\nexcerpt: *s\ntitle: T\n",
            "secured: TOPSECRET\nexcerpt: TOPSECRET\ntitle: T\n",
            "secured: TOPSECRET\nexcerpt: [TOPSECRET]\ntitle: T\n",
            "secured: [x, TOPSECRET]\nexcerpt: {a: b, c: [TOPSECRET]}\ntitle: T\n",
            "secured: 31415926\nexcerpt: [31415926]\ntitle: T\n",
        ] {
            let mapping = parse_mapping(text, ARTICLE).unwrap();
            assert_eq!(mapping.dropped, ["excerpt"], "{text}");
            assert_eq!(mapping.entries.len(), 1, "{text}");
            assert!(!format!("{mapping:?}").contains("TOPSECRET"), "{text}");
        }
        // An anchor elsewhere is fine, and so is a text of the secret's
        // length that is not the secret.
        for text in [
            "other: &s X\nexcerpt: *s\n",
            "secured: TOPSECRET\nexcerpt: [TOPSECRE7, TOPSECRET-ish]\n",
        ] {
            let mapping = parse_mapping(text, ARTICLE).unwrap();
            assert!(mapping.dropped.is_empty(), "{text}");
        }
        // Errors never quote a secret value.
        for text in [
            "secured: &s TOPSECRET\nsecured: *s\n",
            "secured: \"TOPSECRET\n",
            "secured: [TOPSECRET\n",
            "secured: !!int TOPSECRET\n",
            "secured: *TOPSECRET\n",
            "secured: &s TOPSECRET\nx: *s\nx: *s\n",
        ] {
            let err = parse_mapping(text, ARTICLE).unwrap_err();
            assert!(!err.message.contains("TOPSECRET"), "{text}: {err:?}");
        }
    }
}
