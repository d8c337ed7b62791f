//! A fast reader for the plain shape almost every front matter has:
//! `key: value` lines, nested block mappings and sequences, one-line flow
//! collections and one-line scalars.
//!
//! It is a shortcut, not a second YAML parser: it answers only when it is
//! certain to give exactly what the full parser gives, and `None` for
//! anything else — an anchor, a tag, a block scalar, a multi-line scalar,
//! a number that is not a plain integer, a repeated key, an error of any
//! kind. The caller then runs the full parser, so results, and error
//! messages with their positions, never depend on this module.

use super::bounds::{Secrets, Seen};
use super::{Keys, Node};

/// The top-level mapping of `text` with only the keys `keys` keeps, and
/// the secrets of its secret keys, or `None` when the text is outside the
/// shape read here. Values of other keys are read and checked the same
/// way, then dropped. Time is linear in the text's length.
pub fn parse_mapping(text: &str, keys: Keys) -> Option<(Vec<(String, Node)>, Secrets)> {
    let printable_ascii = |b: u8| matches!(b, b' '..=b'~' | b'\n');
    if !(crate::text::all_bytes(text, printable_ascii) || text.chars().all(is_plain_text_char)) {
        return None;
    }
    let mut lines = Vec::with_capacity(32);
    for line in text.split('\n') {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        lines.push(Line {
            indent: line.len() - content.len(),
            text: content.trim_end_matches(' '),
        });
    }
    if lines.first()?.indent != 0 {
        return None;
    }
    // A bound on the values, from above: one a line, one more a comma.
    // Bigger documents go to the full parser, whose bounds then apply.
    if lines.len() + text.bytes().filter(|&b| b == b',').count() > MAX_FAST_VALUES {
        return None;
    }
    let mut parser = Parser {
        lines,
        pos: 0,
        depth: 0,
        secrets: Secrets::default(),
    };
    let entries = parser.mapping(0, Some(keys))?;
    (parser.pos == parser.lines.len()).then_some((entries, parser.secrets))
}

/// Characters the full parser reads as ordinary text. Tabs, carriage
/// returns, control and non-characters, a BOM, and the line breaks YAML 1.1
/// knows besides `\n` (NEL, LS, PS) all mean: let the full parser decide.
fn is_plain_text_char(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        '\u{a0}'..='\u{d7ff}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
        '\u{10000}'..='\u{10ffff}' => true,
        _ => false,
    }
}

/// A line that is not blank or a comment: indentation and trimmed text.
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    /// Collections entered and not yet left, block and flow.
    depth: usize,
    /// What the secret top-level keys hold, as hashes.
    secrets: Secrets,
}

/// Documents that may hold more values are declined.
const MAX_FAST_VALUES: usize = 2 * super::bounds::MAX_VALUES;

/// Deeper nesting is declined: front matter is never that deep, and the
/// full parser has its own limit and message for it.
const MAX_DEPTH: usize = 24;

/// Which top-level keys to build; `None` inside nested values (all).
type Keep = Option<Keys>;

impl<'a> Parser<'a> {
    fn current(&self) -> Option<&Line<'a>> {
        self.lines.get(self.pos)
    }

    /// A block node whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize) -> Option<Node> {
        let line = self.current()?;
        if is_sequence_item(line.text) {
            self.sequence(indent).map(Node::Seq)
        } else {
            self.mapping(indent, None).map(Node::Map)
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block mapping at `indent`; stops at the first line indented less.
    fn mapping(&mut self, indent: usize, keep: Keep) -> Option<Vec<(String, Node)>> {
        self.enter()?;
        let mut entries = Vec::new();
        // The top level may be large: one key a line at most. (Nested
        // mappings grow their set as needed: many of them sized by this
        // bound would cost memory quadratic in the lines.)
        let hint = if keep.is_some() {
            self.lines.len() - self.pos
        } else {
            0
        };
        let mut seen = Seen::new(hint);
        while let Some(line) = self.current() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            if !seen.insert(key) {
                return None;
            }
            self.pos += 1;
            let build = keep.is_none_or(|keys| (keys.keep)(key));
            let secret = keep.is_some_and(|keys| !build && (keys.secret)(key));
            let value = self.value_after_key(rest, indent)?;
            if build {
                entries.push((key.to_owned(), value));
            } else if secret {
                self.secrets.record(&value);
            }
        }
        self.depth -= 1;
        Some(entries)
    }

    /// The value of a mapping key at `indent`, given the rest of its line.
    fn value_after_key(&mut self, rest: &str, indent: usize) -> Option<Node> {
        if rest.is_empty() {
            return match self.current() {
                Some(next) if next.indent > indent => self.block(next.indent),
                // A sequence may sit at its key's own indentation.
                Some(next) if next.indent == indent && is_sequence_item(next.text) => {
                    self.sequence(indent).map(Node::Seq)
                }
                _ => Some(Node::Null),
            };
        }
        let value = inline_value(rest)?;
        // A deeper line here would continue a multi-line scalar.
        match self.current() {
            Some(next) if next.indent > indent => None,
            _ => Some(value),
        }
    }

    /// A block sequence at `indent`.
    fn sequence(&mut self, indent: usize) -> Option<Vec<Node>> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(line) = self.current() {
            if line.indent != indent || !is_sequence_item(line.text) {
                if line.indent > indent {
                    return None;
                }
                break;
            }
            let after_dash = &line.text[1..];
            let content = after_dash.trim_start_matches(' ');
            if content.is_empty() || is_sequence_item(content) {
                return None;
            }
            if split_key(content).is_some() {
                // `- key: value`: a mapping whose keys line up after the dash.
                let column = indent + 1 + (after_dash.len() - content.len());
                self.lines[self.pos] = Line {
                    indent: column,
                    text: content,
                };
                items.push(Node::Map(self.mapping(column, None)?));
            } else {
                self.pos += 1;
                items.push(inline_value(content)?);
                if self.current().is_some_and(|next| next.indent > indent) {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(items)
    }
}

fn is_sequence_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Leave keys (and flow collections) longer than this to libyaml, whose
/// simple keys end 1,024 characters after they start; a margin below it.
const MAX_SIMPLE_KEY: usize = 1000;

/// `key: rest` with a plain key, or `None`. The rest has no leading spaces
/// and no trailing comment of its own when empty.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    // libyaml refuses a simple key whose `:` is over 1,024 characters past
    // its start (found by fuzzing): leave long keys to it.
    if colon > MAX_SIMPLE_KEY {
        return None;
    }
    let (key, after) = (&text[..colon], &text[colon + 1..]);
    if !is_plain_key(key) {
        return None;
    }
    if after.is_empty() {
        return Some((key, ""));
    }
    if !after.starts_with(' ') {
        return None;
    }
    let rest = after.trim_start_matches(' ');
    if rest.starts_with('#') {
        return Some((key, ""));
    }
    Some((key, rest))
}

/// Keys read here: a letter or `_`, then letters, digits, `_` or `-`, and
/// not a word the full parser would read as null or a boolean.
fn is_plain_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !is_special_word(key)
}

/// Words whose meaning depends on the YAML version or the parser.
fn is_special_word(word: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
    ];
    word.len() <= 8 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A one-line value: a flow collection or a scalar, with nothing after it
/// but an optional comment.
fn inline_value(text: &str) -> Option<Node> {
    match text.as_bytes().first()? {
        // Keys inside flow collections have libyaml's 1,024-character
        // limit too, with other outcomes than an error: long ones go to it.
        b'[' | b'{' if text.len() > MAX_SIMPLE_KEY => None,
        b'[' | b'{' => {
            let mut cursor = Cursor {
                text,
                pos: 0,
                depth: 0,
            };
            let node = cursor.flow_node()?;
            cursor.skip_spaces();
            cursor.at_end_or_comment().then_some(node)
        }
        b'"' | b'\'' => {
            let (value, after) = quoted(text)?;
            let rest = after.trim_start_matches(' ');
            // A comment needs a space before its `#`.
            (rest.is_empty() || (rest.starts_with('#') && rest.len() < after.len()))
                .then_some(Node::Str(value))
        }
        _ => plain_scalar(strip_comment(text)?, false),
    }
}

/// The text before a ` #` comment, trimmed; `None` for a `#` that would
/// start a comment right away.
fn strip_comment(text: &str) -> Option<&str> {
    let end = text.find(" #").unwrap_or(text.len());
    let value = text[..end].trim_end_matches(' ');
    (!value.is_empty()).then_some(value)
}

/// A plain (unquoted) scalar, resolved the way the full parser resolves
/// it, or `None` when there is any doubt.
fn plain_scalar(text: &str, in_flow: bool) -> Option<Node> {
    let first = text.chars().next()?;
    if !(first.is_alphanumeric() || first == '/' || (!first.is_ascii() && first != '\u{a0}')) {
        return None;
    }
    if text.contains(": ") || text.ends_with(':') || text.contains(" #") {
        return None;
    }
    // In a flow collection libyaml also rejects `:` before `?` (found by
    // fuzzing); `,[]{}` end the scalar or are errors there.
    if in_flow && (text.contains([',', '[', ']', '{', '}']) || text.contains(":?")) {
        return None;
    }
    match text {
        "null" | "Null" | "NULL" => return Some(Node::Null),
        "true" | "True" | "TRUE" => return Some(Node::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Node::Bool(false)),
        _ => {}
    }
    if is_special_word(text) {
        return None;
    }
    if first.is_ascii_digit() {
        return number_or_date(text);
    }
    Some(Node::Str(text.to_owned()))
}

/// A decimal integer without sign or leading zero, or a text that starts
/// like a date (`2022-01-03…`), which no number syntax accepts.
fn number_or_date(text: &str) -> Option<Node> {
    let bytes = text.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        if bytes.len() > 18 || (bytes[0] == b'0' && bytes.len() > 1) {
            return None;
        }
        return text.parse().ok().map(Node::Int);
    }
    let looks_like_date = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-';
    looks_like_date.then(|| Node::Str(text.to_owned()))
}

/// A quoted scalar at the start of `text` and the text after it; `None`
/// when it does not close on this line or uses an escape not read here.
fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = *text.as_bytes().first()?;
    let mut rest = &text[1..];
    let mut value = String::new();
    loop {
        // Copy the run up to the next quote or escape in one go.
        let special = rest
            .bytes()
            .position(|b| b == quote || (quote == b'"' && b == b'\\'))?;
        value.push_str(&rest[..special]);
        rest = &rest[special..];
        let mut chars = rest.chars();
        match (chars.next()?, quote) {
            ('\'', b'\'') => {
                if let Some(after) = rest.strip_prefix("''") {
                    value.push('\'');
                    rest = after;
                } else {
                    return Some((value, &rest[1..]));
                }
            }
            ('"', _) => return Some((value, &rest[1..])),
            _ => {
                let decoded = match chars.next()? {
                    '\\' => '\\',
                    '"' => '"',
                    '/' => '/',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'u' => {
                        let hex = rest.get(2..6)?;
                        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        rest = &rest[4..];
                        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                    }
                    _ => return None,
                };
                value.push(decoded);
                rest = &rest[2..];
            }
        }
    }
}

/// A position in a one-line flow collection.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(' ').len();
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.rest().as_bytes().first() == Some(&byte);
        self.pos += usize::from(hit);
        hit
    }

    fn at_end_or_comment(&self) -> bool {
        let rest = self.rest();
        rest.is_empty() || (rest.starts_with('#') && self.text[..self.pos].ends_with(' '))
    }

    fn flow_node(&mut self) -> Option<Node> {
        match self.rest().as_bytes().first()? {
            b'[' => self.flow_sequence(),
            b'{' => self.flow_mapping(),
            b'"' | b'\'' => {
                let (value, rest) = quoted(self.rest())?;
                self.pos = self.text.len() - rest.len();
                Some(Node::Str(value))
            }
            _ => {
                let rest = self.rest();
                let end = rest.find([',', ']', '}']).unwrap_or(rest.len());
                let scalar = plain_scalar(rest[..end].trim_end_matches(' '), true)?;
                self.pos += end;
                Some(scalar)
            }
        }
    }

    /// Step over an opening bracket; `Some(true)` when the collection
    /// closes right away, `None` when nested too deep.
    fn open(&mut self, close: u8) -> Option<bool> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.skip_spaces();
        Some(self.close(close))
    }

    /// After an item: `Some(true)` at the closing bracket, `Some(false)`
    /// after a comma, `None` at anything else.
    fn after_item(&mut self, close: u8) -> Option<bool> {
        self.skip_spaces();
        if self.close(close) {
            return Some(true);
        }
        self.eat(b',').then_some(false)
    }

    fn close(&mut self, close: u8) -> bool {
        let closed = self.eat(close);
        self.depth -= usize::from(closed);
        closed
    }

    /// `[a, b]`: items separated by commas, no trailing comma.
    fn flow_sequence(&mut self) -> Option<Node> {
        let mut items = Vec::new();
        let mut done = self.open(b']')?;
        while !done {
            self.skip_spaces();
            items.push(self.flow_node()?);
            // `[a: b]` is a one-entry mapping: not read here.
            if self.rest().starts_with(':') {
                return None;
            }
            done = self.after_item(b']')?;
        }
        Some(Node::Seq(items))
    }

    /// `{a: 1, b: x}`: plain keys, `: ` after each, no trailing comma.
    fn flow_mapping(&mut self) -> Option<Node> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut seen = Seen::new(0);
        let mut done = self.open(b'}')?;
        while !done {
            self.skip_spaces();
            let rest = self.rest();
            let colon = rest.find(": ")?;
            let key = &rest[..colon];
            if !is_plain_key(key) || !seen.insert(key) {
                return None;
            }
            self.pos += colon + 2;
            self.skip_spaces();
            entries.push((key.to_owned(), self.flow_node()?));
            done = self.after_item(b'}')?;
        }
        Some(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn no_secret(_: &str) -> bool {
        false
    }

    fn is_secured(key: &str) -> bool {
        key == "secured"
    }

    const KEEP_ALL: Keys = Keys {
        keep: |_| true,
        secret: no_secret,
    };

    const KEEP_SOME: Keys = Keys {
        keep: |key| key != "secured" && key != "b",
        secret: is_secured,
    };

    fn keep_all() -> Keys {
        KEEP_ALL
    }

    /// The fast reader either declines or agrees with the full parser.
    fn assert_agrees(text: &str) -> bool {
        let mut answered = false;
        for keys in [KEEP_ALL, KEEP_SOME] {
            if let Some((fast, full)) = super::super::both_readers(text, keys) {
                answered = true;
                assert_eq!(fast, full, "text: {text:?}");
            }
        }
        answered
    }

    #[test]
    fn long_keys_are_left_to_libyaml() {
        // Found by the `yaml_fast_reader` fuzz target: libyaml refuses a
        // key over 1,024 characters ("could not find expected ':'").
        let long = "k".repeat(1100);
        assert!(!assert_agrees(&format!("title: T\n{long}: x\n")));
        assert!(!assert_agrees(&format!("topics: [{{{long}: x}}]\n")));
        assert!(assert_agrees(&format!("{}: x\n", "k".repeat(900))));
    }

    #[test]
    fn reads_the_usual_front_matter_shape() {
        let text = r#"category: news
title: "AI In Healthcare Highlights & Milestones 2021 \u00e9 \"q\""
excerpt: 'It''s here: #1'   # a comment
publishedDateTime: 2022-01-03T22:24:00Z
originalUrl: https://www.linkedin.com/pulse/x#y
type: article
quality: 58
heat: 0
published: false
draft: null
provider: { name: LinkedIn, domain: linkedin.com, images: [{url: "https://x/a.png", width: 50}] }
topics: [AI in Healthcare, "AI", Machine Learning]
tags: []
empty:
images:
  - url: "https://x/cover.jpg"
    width: 1280
    height: 720
    isCached: true
  - plain item
related:
- title: Über
  webUrl: https://x/b
  provider:
    name: X
secured: "UT8Ro6q8+/="
"#;
        assert!(assert_agrees(text));
        let (entries, _) = parse_mapping(text, KEEP_SOME).unwrap();
        assert!(entries.iter().all(|(k, _)| k != "secured"));
        assert_eq!(entries[7], ("heat".into(), Node::Int(0)));
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !tag x\n",
            "a: |\n  block\n",
            "a: >\n  folded\n",
            "a: plain\n  continued\n",
            "a: \"open\n  quote\"\n",
            "a: 1.5\n",
            "a: 0x1F\n",
            "a: 012\n",
            "a: -3\n",
            "a: yes\n",
            "a: ~\n",
            "a: 1\na: 2\n",
            "a: b: c\n",
            "a:\tb\n",
            "a: x\r\n",
            "a: \"\\x41\"\n",
            "a: [1, 2,]\n",
            "a: [1,\n  2]\n",
            "  a: 1\n",
            "- a\n",
            "? a\n: b\n",
            "a: \"x\"y\n",
            "a: \"x\"#c\n",
            "null: 1\n",
            "a: [b: c]\n",
            "a: [x:?y]\n",
            "a:\n  - - x\n",
            "\"a\": 1\n",
            "a: \u{85}\n",
            "",
        ] {
            assert_eq!(parse_mapping(text, keep_all()), None, "{text:?}");
            assert_agrees(text);
        }
    }

    #[test]
    fn declines_deep_nesting_without_overflowing_the_stack() {
        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let block: String = (0..2_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let mixed = format!("a: {}\n", "[{a: ".repeat(50_000));
        for text in [flow, block, mixed] {
            assert_eq!(parse_mapping(&text, keep_all()), None);
        }
        let shallow = format!("a: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_mapping(&shallow, keep_all()).is_some());
    }

    /// Edge cases the fast reader reads itself: it must answer, and agree.
    #[test]
    fn answers_and_agrees_on_edge_cases() {
        for text in [
            "a:\n  - k: 1\n    l:\n    - z\n  - k: 2\n",
            "a: x # c\nb: 'y' # c\n",
            "a: C# and F#\n",
            "a: [http://x/y, {k: v}]\n",
            "a: {k: http://x:80/y}\n",
            "a: x]\n",
            "a: [ ]\nb: { }\n",
            "a: 99999999999999999\n",
            "a: 0\nb: 2022-01-03\nc: 2022-01-03 10:00:00 +01:00\n",
            "a: 'x'\nb: \"\"\nc: ''\n",
            "a: \"\\u00e9\\/\\\\\"\n",
            "a: True\nb: FALSE\nc: Null\n",
            "a: /relative/path.png\n",
            "a: x\u{a0}\n",
            "a: ü\n",
            "a:\n  b:\n    c: 1\n  d: 2\n",
            "# comment\na: 1\n\n   # indented comment\nb: 2\n",
            "a: {b: [1, 2], c: {d: e}}\n",
            "a: x:y\n",
        ] {
            assert!(assert_agrees(text), "declined {text:?}");
        }
    }

    /// Edge cases it leaves to the full parser (odd indentation, sequences
    /// at the top, numbers at the edge of i64, …): it may decline, and where
    /// it answers it agrees.
    #[test]
    fn declines_or_agrees_on_the_odd_ones() {
        for text in [
            "a:\n- x\n- y\nb: 1\n",
            "- a:\n- b\n",
            "a: 9223372036854775807\n",
            "a: \"\\ud800\"\n",
            "a: Infinity\nb: nan\n",
            "a: \u{a0}x\n",
            "a:\n  b: 1\n   c: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: [x, [y, z], {}]\n",
            "a: -\n",
            "a: x\n- y\n",
        ] {
            assert_agrees(text);
        }
    }

    /// A value tree to write out as YAML in one of several styles.
    #[derive(Debug, Clone)]
    enum Tree {
        Scalar(String, Style),
        Seq(Vec<Tree>, bool),
        Map(Vec<(String, Tree)>, bool),
    }

    #[derive(Debug, Clone, Copy)]
    enum Style {
        Plain,
        Single,
        Double,
    }

    fn scalar_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z][a-zA-Z0-9 ]{0,8}",
            "[a-zA-Z0-9 :#,'\"/.é\\[\\]{}\\-]{0,10}",
            "[0-9]{1,20}",
            Just("2022-01-03T22:24:00Z".to_owned()),
            Just("https://x.example/a?b=c#d".to_owned()),
            prop::sample::select(vec![
                "true",
                "True",
                "TRUE",
                "tRUE",
                "false",
                "null",
                "Null",
                "~",
                "yes",
                "No",
                "on",
                "y",
                "inf",
                ".inf",
                "nan",
                "1e3",
                "1.5",
                "-2",
                "+3",
                "0x1F",
                "0o7",
                "007",
                "1_000",
                "",
                " ",
                "-",
                "a: b",
                "a #b",
                "a#b",
                "x:",
                "\u{a0}",
                "Ünïcode",
                "\u{10348}",
                "C# & F#",
                "[x]",
                "{y}",
                "50%",
            ])
            .prop_map(str::to_owned),
        ]
    }

    fn tree() -> impl Strategy<Value = Tree> {
        let style = prop::sample::select(vec![Style::Plain, Style::Single, Style::Double]);
        let leaf = (scalar_text(), style).prop_map(|(s, st)| Tree::Scalar(s, st));
        leaf.prop_recursive(3, 24, 4, |inner| {
            let key = prop::sample::select(vec!["a", "b", "c", "url", "secured", "x-y"]);
            prop_oneof![
                (prop::collection::vec(inner.clone(), 0..4), any::<bool>())
                    .prop_map(|(items, flow)| Tree::Seq(items, flow)),
                (prop::collection::vec((key, inner), 0..4), any::<bool>())
                    .prop_map(|(entries, flow)| Tree::Map(distinct_keys(entries), flow)),
            ]
        })
    }

    /// Mostly distinct keys: repeats are declined, so they teach little.
    fn distinct_keys(entries: Vec<(&str, Tree)>) -> Vec<(String, Tree)> {
        let mut out: Vec<(String, Tree)> = Vec::new();
        for (key, value) in entries {
            if !out.iter().any(|(k, _)| k == key) {
                out.push((key.to_owned(), value));
            }
        }
        out
    }

    fn scalar_yaml(text: &str, style: Style) -> String {
        match style {
            Style::Plain => text.to_owned(),
            Style::Single => format!("'{}'", text.replace('\'', "''")),
            Style::Double => format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")),
        }
    }

    fn flow_yaml(tree: &Tree) -> String {
        match tree {
            Tree::Scalar(text, style) => scalar_yaml(text, *style),
            Tree::Seq(items, _) => {
                let items: Vec<String> = items.iter().map(flow_yaml).collect();
                format!("[{}]", items.join(", "))
            }
            Tree::Map(entries, _) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", flow_yaml(v)))
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }
        }
    }

    /// The value part after `key:` (or after `- `), then its nested lines.
    fn block_yaml(tree: &Tree, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match tree {
            Tree::Seq(items, false) if !items.is_empty() => {
                out.push('\n');
                for item in items {
                    out.push_str(&format!("{pad}- "));
                    match item {
                        Tree::Map(entries, false) if !entries.is_empty() => {
                            map_lines(entries, indent + 2, true, out)
                        }
                        _ => {
                            block_yaml(item, indent + 2, out);
                        }
                    }
                }
            }
            Tree::Map(entries, false) if !entries.is_empty() => {
                out.push('\n');
                out.push_str(&pad);
                map_lines(entries, indent, true, out);
            }
            other => {
                out.push_str(&flow_yaml(other));
                out.push('\n');
            }
        }
    }

    /// Mapping lines at `indent`; the first line's padding is already out.
    fn map_lines(entries: &[(String, Tree)], indent: usize, first_padded: bool, out: &mut String) {
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 || !first_padded {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(key);
            out.push_str(": ");
            block_yaml(value, indent + 2, out);
        }
    }

    /// Well-shaped documents, sometimes with one piece spliced in anywhere.
    fn shaped_document() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec!["title", "topics", "secured", "b", "images", "q"]);
        (
            prop::collection::vec((key, tree()), 1..6),
            prop::option::weighted(0.3, (piece(), any::<prop::sample::Index>())),
        )
            .prop_map(|(entries, splice)| {
                let mut text = String::new();
                map_lines(&distinct_keys(entries), 0, false, &mut text);
                if let Some((piece, at)) = splice {
                    let mut at = at.index(text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    text.insert_str(at, &piece);
                }
                text
            })
    }

    /// Pieces that exercise every rule above, and many that break them.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_owned()),
            Just("b".to_owned()),
            Just("secured".to_owned()),
            Just(":".to_owned()),
            Just(": ".to_owned()),
            Just("- ".to_owned()),
            Just("-".to_owned()),
            Just("\n".to_owned()),
            Just("\n  ".to_owned()),
            Just("\n    ".to_owned()),
            Just("\n- ".to_owned()),
            Just("\n  - ".to_owned()),
            Just(" ".to_owned()),
            Just("#".to_owned()),
            Just(" # c".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("\\".to_owned()),
            Just("\\u00e9".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just(", ".to_owned()),
            Just(",".to_owned()),
            Just("0".to_owned()),
            Just("12".to_owned()),
            Just("2022-01-03T22:24:00Z".to_owned()),
            Just("true".to_owned()),
            Just("False".to_owned()),
            Just("null".to_owned()),
            Just("~".to_owned()),
            Just("&x".to_owned()),
            Just("*x".to_owned()),
            Just("!t".to_owned()),
            Just("|".to_owned()),
            Just(">".to_owned()),
            Just("?".to_owned()),
            Just("http://x.y/z".to_owned()),
            Just("\t".to_owned()),
            Just("\r".to_owned()),
            Just("é".to_owned()),
            Just("\u{a0}".to_owned()),
            Just("\u{85}".to_owned()),
            Just("\u{2028}".to_owned()),
            Just("---".to_owned()),
            "[a-zA-Z0-9 ]{1,6}",
            any::<char>().prop_map(String::from),
        ]
    }

    /// Documents that mostly have the usual shape, with pieces mixed in.
    fn document() -> impl Strategy<Value = String> {
        let value = prop::collection::vec(piece(), 0..6).prop_map(|p| p.concat());
        let line = ("[a-z]{1,2}", value).prop_map(|(k, v)| format!("{k}: {v}\n"));
        prop::collection::vec(prop_oneof![line, piece()], 1..12).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]
        #[test]
        fn never_disagrees_with_the_full_parser(text in prop_oneof![document(), shaped_document()]) {
            assert_agrees(&text);
        }
    }

    /// Every front matter at hand: the sample content, the test fixtures,
    /// and the shared corpus when present.
    #[test]
    fn agrees_on_every_real_front_matter() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let shared = root.join("../shared/corpus");
        if !shared.is_dir() {
            eprintln!("skipped ../shared/corpus: not present");
        }
        let (mut files, mut answered) = (0, 0);
        let mut stack = vec![root.join("content"), root.join("tests/fixtures"), shared];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Some(rest) = text.strip_prefix("---\n") else {
                    continue;
                };
                let Some(end) = rest.find("\n---") else {
                    continue;
                };
                files += 1;
                answered += usize::from(assert_agrees(&rest[..end + 1]));
            }
        }
        eprintln!("fast reader answered {answered} of {files} front matters");
        assert!(files >= 10, "only {files} front matters found");
        assert!(answered * 10 >= files * 8, "{answered} of {files}");
    }
}
