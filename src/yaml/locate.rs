//! Where a value or a key is in a document, for messages about a value
//! that parsed but is wrong (`base_url: /feeds`), or a key given twice.
//!
//! serde_yaml keeps positions to itself but puts one on every error: the
//! probe walks down the path and stops with an error at its target, whose
//! position is then the answer. The document has already been parsed
//! once, within [`super::bounds`].

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// One step of a path into a document: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The steps of a path written as serde_yaml writes it in messages
/// (`feeds[2].filter.since`, `author.name`); `None` if it is not one.
pub fn parse_path(text: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    for part in text.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if key.is_empty() || !key.chars().all(plain) {
            return None;
        }
        steps.push(Step::Key(key.to_owned()));
        while !rest.is_empty() {
            let (index, after) = rest.strip_prefix('[')?.split_once(']')?;
            steps.push(Step::Index(index.parse().ok()?));
            rest = after;
        }
    }
    Some(steps)
}

/// Where the value at `path` starts (the document itself for no steps).
pub fn value_position(text: &str, path: &[Step]) -> Option<Position> {
    probe(text, path, None)
}

/// Where the `nth` (0-based) occurrence of `key` is in the mapping at
/// `path`: a repeated key is reported at its own line.
pub fn key_position(text: &str, path: &[Step], key: &str, nth: usize) -> Option<Position> {
    probe(text, path, Some((key, nth)))
}

const FOUND: &str = "feedsmith-locate-found";

fn probe(text: &str, path: &[Step], key: Option<(&str, usize)>) -> Option<Position> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let error = Probe { path, key }.deserialize(deserializer).err()?;
    // The message is `path.to.value: FOUND at line …`.
    if !error.to_string().contains(FOUND) {
        return None;
    }
    let location = error.location()?;
    Some(Position {
        line: location.line(),
        column: location.column(),
    })
}

/// Walks `path`; at its end fails (the value) or walks the mapping's keys
/// and fails at the wanted one. `Ok` means the target is not there.
struct Probe<'a> {
    path: &'a [Step],
    key: Option<(&'a str, usize)>,
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Probe<'_> {
    /// At the target value: stop here.
    fn here<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() && self.key.is_none() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.here()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.here()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.here()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.here()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.here()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.here()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.here()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        self.here()?;
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.here()?;
        let Some((Step::Index(wanted), rest)) = self.path.split_first() else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut index = 0;
        loop {
            let found = if index == *wanted {
                seq.next_element_seed(Probe {
                    path: rest,
                    key: self.key,
                })?
            } else {
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            };
            if found.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.here()?;
        let mut seen = 0;
        while let Some(key) = map.next_key_seed(KeyProbe {
            wanted: if self.path.is_empty() { self.key } else { None },
            seen: &mut seen,
        })? {
            match self.path.split_first() {
                Some((Step::Key(wanted), rest)) if key.as_deref() == Some(wanted.as_str()) => {
                    map.next_value_seed(Probe {
                        path: rest,
                        key: self.key,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A mapping key as text; fails at the `nth` occurrence of the wanted key.
struct KeyProbe<'a> {
    wanted: Option<(&'a str, usize)>,
    seen: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for KeyProbe<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyProbe<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<String>, E> {
        if let Some((wanted, nth)) = self.wanted {
            if key == wanted {
                if *self.seen == nth {
                    return Err(E::custom(FOUND));
                }
                *self.seen += 1;
            }
        }
        Ok(Some(key.to_owned()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<String>, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<String>, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<String>, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<String>, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    fn path(text: &str) -> Vec<Step> {
        parse_path(text).unwrap()
    }

    const CONFIG: &str = "title: T\nbase_url: /feeds\nauthor: {name: A, email: e}\nfeeds:\n  - path: videos\n  - path: Best\n    filter:\n      since: 7 days\n";

    #[test]
    fn finds_values_at_every_level() {
        assert_eq!(value_position(CONFIG, &path("base_url")), at(2, 11));
        assert_eq!(value_position(CONFIG, &path("author.email")), at(3, 26));
        assert_eq!(value_position(CONFIG, &path("feeds[1].path")), at(6, 11));
        assert_eq!(value_position(CONFIG, &path("feeds[1]")), at(6, 5));
        assert_eq!(
            value_position(CONFIG, &path("feeds[1].filter.since")),
            at(8, 14)
        );
        assert_eq!(value_position(CONFIG, &[]), at(1, 1));
    }

    #[test]
    fn absent_targets_and_broken_text_give_none() {
        assert_eq!(value_position(CONFIG, &path("feeds[2]")), None);
        assert_eq!(value_position(CONFIG, &path("language")), None);
        assert_eq!(value_position(CONFIG, &path("title.x")), None);
        assert_eq!(value_position("a: [unclosed\nb: 1\n", &path("b")), None);
    }

    #[test]
    fn finds_each_occurrence_of_a_key() {
        let text = "title: a\nlimit: 1\ntitle: b\nfeeds:\n  - {path: x, path: y}\n";
        assert_eq!(key_position(text, &[], "title", 0), at(1, 1));
        assert_eq!(key_position(text, &[], "title", 1), at(3, 1));
        assert_eq!(key_position(text, &[], "title", 2), None);
        assert_eq!(key_position(text, &path("feeds[0]"), "path", 1), at(5, 15));
    }

    #[test]
    fn paths_as_serde_writes_them() {
        assert_eq!(
            parse_path("feeds[2].filter"),
            Some(vec![
                Step::Key("feeds".into()),
                Step::Index(2),
                Step::Key("filter".into())
            ])
        );
        for bad in ["", "invalid type", "a[x]", "a.", "a[1"] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }
}
