//! Config errors as a person reads them: `path:line:col:` in front of every
//! one, parse and validation alike; the value's meaning instead of Rust's
//! type (`limit` must be a whole number ≥ 0, not `expected usize`); the
//! closest known key or value for a near miss; a repeated key at its own
//! line.

use super::ConfigError;
use crate::yaml::{self, Position, Step, YamlError};
use std::path::Path;

/// A parse error of the config at `path` (whose text is `text`).
pub(super) fn parse_error(error: YamlError, text: &str, path: &Path) -> ConfigError {
    let (key, what) = split_path(&error.message);
    let steps = key.and_then(yaml::parse_path).unwrap_or_default();
    let mut position = match (error.line, error.column) {
        (Some(line), Some(column)) => Some(Position { line, column }),
        _ => None,
    };
    let described = describe(what, key, &steps, text, position, &mut position);
    let message = ConfigError {
        message: format!("error: config: {described}"),
        key: None,
    };
    placed(message, path, position)
}

/// A validation error (found after parsing) placed at its key's value.
pub(super) fn validation_error(error: ConfigError, text: &str, path: Option<&Path>) -> ConfigError {
    // A command-line option (`--base-url`) is not in the file.
    let (Some(path), false) = (
        path,
        error.key.as_deref().is_some_and(|k| k.starts_with("--")),
    ) else {
        return error;
    };
    let position = error
        .key
        .as_deref()
        .and_then(yaml::parse_path)
        .and_then(|steps| yaml::value_position(text, &steps));
    placed(error, path, position)
}

/// `path:line:col: message`, or `path: message` where the place is unknown.
fn placed(error: ConfigError, path: &Path, position: Option<Position>) -> ConfigError {
    let at = match position {
        Some(Position { line, column }) => format!("{}:{line}:{column}:", path.display()),
        None => format!("{}:", path.display()),
    };
    ConfigError {
        message: format!("{at} {}", error.message),
        key: error.key,
    }
}

/// serde_yaml's `feeds[0].filter: unknown field …` → the path and the rest.
fn split_path(message: &str) -> (Option<&str>, &str) {
    match message.split_once(": ") {
        Some((key, rest)) if yaml::parse_path(key).is_some() => (Some(key), rest),
        _ => (None, message),
    }
}

/// The problem in words; may move `position` (a repeated key: to the repeat).
fn describe(
    what: &str,
    key: Option<&str>,
    steps: &[Step],
    text: &str,
    at: Option<Position>,
    position: &mut Option<Position>,
) -> String {
    let inside = key.map_or_else(String::new, |k| format!(" in `{k}`"));
    let named = key.map_or_else(|| "the config".to_owned(), |k| format!("`{k}`"));
    if let Some(rest) = what.strip_prefix("unknown field `") {
        let (unknown, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        return format!(
            "unknown key `{unknown}`{inside}{}",
            closest_or_list(unknown, &known, "known keys")
        );
    }
    if let Some(rest) = what.strip_prefix("duplicate field `") {
        let repeated = rest.trim_end_matches('`');
        let first = yaml::key_position(text, steps, repeated, 0);
        if let Some(second) = yaml::key_position(text, steps, repeated, 1) {
            *position = Some(second);
        }
        let first = first.map_or_else(String::new, |p| format!(" (first on line {})", p.line));
        return format!("`{repeated}` is given twice{inside}{first}; keep one");
    }
    if let Some(rest) = what.strip_prefix("missing field `") {
        let missing = rest.trim_end_matches('`');
        return format!("{named} has no `{missing}`, which it needs");
    }
    if let Some(rest) = what.strip_prefix("unknown variant `") {
        let (unknown, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        let listed = known.join(", ");
        let near =
            closest(unknown, &known).map_or_else(String::new, |k| format!("; did you mean `{k}`?"));
        return format!("{named} must be one of {listed}, not `{unknown}`{near}");
    }
    if let Some(rest) = what.strip_prefix("data did not match any variant of untagged enum ") {
        // serde reports an untagged enum at the mapping that holds it.
        let (wanted, field) = match rest {
            "TopicsConfig" => ("a topic, a list of topics, or `{all: [topics]}`", ".topics"),
            "OneOrMany" => (
                "a text or a list of texts (`type`, `provider`, `path`, `all`)",
                "",
            ),
            _ => ("something else", ""),
        };
        let named = match key {
            Some(k) if rest == "OneOrMany" => format!("each value in `{k}`"),
            Some(k) if !k.ends_with(field) => {
                let inner = format!("{k}{field}");
                if let Some(at) =
                    yaml::parse_path(&inner).and_then(|s| yaml::value_position(text, &s))
                {
                    *position = Some(at);
                }
                format!("`{inner}`")
            }
            _ => named,
        };
        return format!("{named} must be {wanted}");
    }
    let typed = what
        .strip_prefix("invalid type: ")
        .or_else(|| what.strip_prefix("invalid value: "));
    if let Some(rest) = typed {
        if let Some((got, expected)) = rest.rsplit_once(", expected ") {
            let got = shown_value(got, text, at);
            return match key {
                Some(_) => format!("{named} must be {}, not {got}", meaning(expected)),
                None => format!("the config must be a mapping of `key: value` lines, not {got}"),
            };
        }
    }
    if key.is_none() {
        // The parser's own words; a hint for the two everyone meets.
        let hint = if what.starts_with("mapping values are not allowed") {
            "; a value holding `: ` needs quotes"
        } else if what.contains("end of stream") {
            "; is a quote or a bracket left open?"
        } else {
            ""
        };
        return format!("not valid YAML: {what}{hint}");
    }
    format!("{what}{inside}")
}

/// Every `` `word` `` of serde's "expected one of `a`, `b`" or "`a` or `b`".
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The known word closest to `unknown`, when close enough to be a typo.
pub(super) fn closest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), *k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn closest_or_list(unknown: &str, known: &[&str], what: &str) -> String {
    match closest(unknown, known) {
        Some(k) => format!("; did you mean `{k}`?"),
        None if known.is_empty() => String::new(),
        None => format!("; {what}: {}", known.join(", ")),
    }
}

/// serde's name of the type it wanted → what the value must be.
fn meaning(expected: &str) -> String {
    match expected {
        "usize" | "u64" | "u32" | "u16" | "u8" => "a whole number ≥ 0".to_owned(),
        "i64" | "i32" | "i16" | "i8" | "isize" => "a whole number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a string" => "text".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a map" => "a mapping (`key: value`)".to_owned(),
        e if e.starts_with("struct ") => "a mapping (`key: value`)".to_owned(),
        e if e.starts_with("one of ") || e.contains('`') => {
            format!("one of {}", backticked(e).join(", "))
        }
        other => other.to_owned(),
    }
}

/// serde's "integer `-1`", "string", "sequence" → what the user wrote.
fn shown_value(got: &str, text: &str, at: Option<Position>) -> String {
    let kind = got.split(' ').next().unwrap_or(got);
    match kind {
        "sequence" => "a list".to_owned(),
        "map" => "a mapping".to_owned(),
        "unit" => "empty".to_owned(),
        _ => match written_at(text, at) {
            Some(written) => format!("`{written}`"),
            None => match backticked(got).first() {
                Some(value) => format!("`{value}`"),
                None => got.to_owned(),
            },
        },
    }
}

/// The scalar as written at `at`: the rest of its line, without a comment
/// or a flow collection's next item.
fn written_at(text: &str, at: Option<Position>) -> Option<String> {
    let at = at?;
    let line = text.lines().nth(at.line.checked_sub(1)?)?;
    let rest: String = line.chars().skip(at.column.checked_sub(1)?).collect();
    let end = rest
        .find(" #")
        .into_iter()
        .chain(rest.find([',', '}', ']']))
        .min()
        .unwrap_or(rest.len());
    let value = rest[..end].trim();
    (!value.is_empty() && value.chars().count() <= 60).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        let e = yaml::from_str::<super::super::ConfigFile>(text).unwrap_err();
        parse_error(e, text, Path::new("feedsmith.yaml")).message
    }

    #[test]
    fn types_in_words() {
        assert_eq!(
            error("limit: -1\n"),
            "feedsmith.yaml:1:8: error: config: `limit` must be a whole number ≥ 0, not `-1`"
        );
        assert_eq!(
            error("drafts: yes # sure\n"),
            "feedsmith.yaml:1:9: error: config: `drafts` must be true or false, not `yes`"
        );
        assert_eq!(
            error("min_quality: high\n"),
            "feedsmith.yaml:1:14: error: config: `min_quality` must be a whole number, not `high`"
        );
        assert_eq!(
            error("include: {a: 1}\n"),
            "feedsmith.yaml:1:10: error: config: `include` must be a list, not a mapping"
        );
        assert_eq!(
            error("- a\n"),
            "feedsmith.yaml:1:1: error: config: the config must be a mapping of `key: value` lines, not a list"
        );
    }

    #[test]
    fn near_misses_and_choices() {
        assert!(error("bas_url: x\n").ends_with("unknown key `bas_url`; did you mean `base_url`?"));
        assert!(error("zzz: x\n").contains("known keys: title, description, base_url"));
        assert_eq!(
            error("opml_format: atm\n"),
            "feedsmith.yaml:1:14: error: config: `opml_format` must be one of rss, atom, json, not `atm`; did you mean `atom`?"
        );
    }

    #[test]
    fn a_repeat_is_reported_at_its_own_line() {
        assert_eq!(
            error("title: a\nlimit: 3\ntitle: b\n"),
            "feedsmith.yaml:3:1: error: config: `title` is given twice (first on line 1); keep one"
        );
    }

    #[test]
    fn written_values_stop_at_comments_and_flow_ends() {
        let at = |line, column| Some(Position { line, column });
        assert_eq!(written_at("a: {b: x, c: y}\n", at(1, 8)), Some("x".into()));
        assert_eq!(written_at("a: 5 # n\n", at(1, 4)), Some("5".into()));
        assert_eq!(written_at("a: 5\n", at(9, 1)), None);
    }
}
