//! Bounds on what one YAML document may cost, whatever it holds: nesting
//! depth checked before the parser sees the text, values built counted
//! (so YAML aliases cannot amplify a small file into gigabytes), and the
//! values of secret keys remembered only as hashes, so that nothing equal
//! to them (an alias of them, above all) is handed on.

use super::{Node, YamlError};
use rustc_hash::{FxHashSet, FxHasher};
use std::cell::Cell;
use std::hash::{Hash, Hasher};

/// Deepest nesting of collections (block and flow together) accepted.
/// Real front matter nests a handful of levels; libyaml's scanner costs
/// grow with the depth of flow collections, so this is checked first.
pub const MAX_DEPTH: usize = 64;

/// Most values (scalars and collections, keys included) a document's kept
/// keys may hold once parsed; front matter has a few hundred.
pub const MAX_VALUES: usize = 100_000;

/// Most values (nodes, keys included) a document may have for the full
/// parser, estimated (from above) before it runs: its events for the whole
/// document are in memory at once, about 100 bytes each.
pub const MAX_NODES: usize = 500_000;

/// How many values the full parser may visit for a text of `len` bytes,
/// skipped keys included. A document without aliases has at most about
/// one value per byte, so only aliases repeating values can reach it.
pub fn visit_budget(len: usize) -> usize {
    len.saturating_mul(2).saturating_add(10_000)
}

/// The message when a document expands beyond its budget.
pub fn expansion_message(limit: usize) -> String {
    format!(
        "the document expands to more than {limit} values; YAML aliases (`*name`) that repeat large values are refused"
    )
}

/// The message when the kept keys hold too many values.
pub fn too_many_values_message() -> String {
    format!("the keys read hold more than {MAX_VALUES} values")
}

/// Values left to visit (see [`visit_budget`]), and to build.
pub struct Budget {
    left: Cell<usize>,
    limit: usize,
    /// Values that may still be built: [`MAX_VALUES`] in all, so memory
    /// stays bounded while a document is parsed, not only after.
    build_left: Cell<usize>,
}

impl Budget {
    pub fn new(limit: usize) -> Self {
        Budget {
            left: Cell::new(limit),
            limit,
            build_left: Cell::new(MAX_VALUES),
        }
    }

    /// Count one more value visited (and built, when `built`), or fail
    /// once either budget is spent.
    pub fn take<E: serde::de::Error>(&self, built: bool) -> Result<(), E> {
        if built {
            match self.build_left.get().checked_sub(1) {
                Some(left) => self.build_left.set(left),
                None => return Err(E::custom(too_many_values_message())),
            }
        }
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(E::custom(expansion_message(self.limit))),
        }
    }
}

/// Hashes of the scalars found under secret keys (`secured`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Secrets {
    hashes: FxHashSet<u64>,
    /// Byte lengths of the text scalars and keys hashed: a text of another
    /// length cannot be equal, so most texts are never hashed (front matter
    /// has one `secured` value and hundreds of texts beside it).
    text_lengths: FxHashSet<usize>,
    /// Values recorded, which count towards [`MAX_VALUES`] (they were built).
    pub values: usize,
}

fn scalar_hash(node: &Node) -> Option<u64> {
    let mut h = FxHasher::default();
    match node {
        Node::Str(s) => (0u8, s.as_str()).hash(&mut h),
        Node::Int(i) => (1u8, *i).hash(&mut h),
        Node::Float(f) => (2u8, f.to_bits()).hash(&mut h),
        // Too common to be told apart from a secret.
        Node::Null | Node::Bool(_) | Node::Seq(_) | Node::Map(_) => return None,
    }
    Some(h.finish())
}

fn key_hash(key: &str) -> u64 {
    let mut h = FxHasher::default();
    (0u8, key).hash(&mut h);
    h.finish()
}

impl Secrets {
    /// Remember every scalar (and mapping key) of `node`.
    pub fn record(&mut self, node: &Node) {
        // The key under which it sits, and the value.
        self.values += 1 + count_values(node);
        for_each_hash(
            node,
            |len| {
                self.text_lengths.insert(len);
                true
            },
            |h| {
                self.hashes.insert(h);
                false
            },
        );
    }

    /// Whether `node` holds a scalar (or key) equal to a recorded one.
    pub fn appear_in(&self, node: &Node) -> bool {
        !self.hashes.is_empty()
            && for_each_hash(
                node,
                |len| self.text_lengths.contains(&len),
                |h| self.hashes.contains(&h),
            )
    }
}

/// Call `f` with the hash of every scalar and mapping key in `node`, until
/// it returns true; whether it did. A text (key or string) is hashed only
/// when `hash_text` says so of its byte length.
fn for_each_hash(
    node: &Node,
    mut hash_text: impl FnMut(usize) -> bool,
    mut f: impl FnMut(u64) -> bool,
) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Node::Seq(items) => stack.extend(items),
            Node::Map(entries) => {
                for (key, value) in entries {
                    if hash_text(key.len()) && f(key_hash(key)) {
                        return true;
                    }
                    stack.push(value);
                }
            }
            Node::Str(text) if !hash_text(text.len()) => {}
            scalar => {
                if scalar_hash(scalar).is_some_and(&mut f) {
                    return true;
                }
            }
        }
    }
    false
}

/// Number of values in `node`, itself included, counting each mapping key.
pub fn count_values(node: &Node) -> usize {
    let mut count = 0usize;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        count += 1;
        match node {
            Node::Seq(items) => stack.extend(items),
            Node::Map(entries) => {
                count += entries.len();
                stack.extend(entries.iter().map(|(_, v)| v));
            }
            _ => {}
        }
    }
    count
}

/// Keys seen so far in one mapping: a short list while the mapping is
/// small, a hash set beyond, so 100,000 keys cost linear time.
pub struct Seen<'a> {
    small: Vec<&'a str>,
    large: FxHashSet<&'a str>,
    /// How many keys there may be at most, to size the set once.
    hint: usize,
}

impl<'a> Seen<'a> {
    const SMALL: usize = 32;

    /// For a mapping of at most `hint` keys (a bound, not a guess: the
    /// set is sized for it when the list grows too long).
    pub fn new(hint: usize) -> Self {
        Seen {
            small: Vec::new(),
            large: FxHashSet::default(),
            hint,
        }
    }

    /// Add `key`; false when it was there already.
    pub fn insert(&mut self, key: &'a str) -> bool {
        if self.large.is_empty() {
            if self.small.contains(&key) {
                return false;
            }
            if self.small.len() < Self::SMALL {
                self.small.push(key);
                return true;
            }
            self.large.reserve(self.hint);
            self.large.extend(self.small.drain(..));
        }
        self.large.insert(key)
    }
}

/// Refuse `text` when its collections nest deeper than [`MAX_DEPTH`],
/// before any parser sees it: a linear scan that follows block
/// indentation, flow brackets, quotes, comments and block scalars the way
/// YAML does, erring towards counting too deep (which only ever matters
/// for documents nested dozens of levels).
pub fn check_depth(text: &str) -> Result<(), YamlError> {
    let bytes = text.as_bytes();
    let too_deep = |pos: usize| {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = bytes[..pos]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        YamlError {
            message: format!("collections nested deeper than {MAX_DEPTH} levels"),
            line: Some(line),
            column: Some(text[line_start..pos].chars().count() + 1),
        }
    };
    // Nodes that start, from above (every token start and indicator).
    let mut nodes = 0usize;
    // Columns of the open block collections, innermost last.
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut pos = 0usize;
    // Inside a block scalar: lines indented more than this belong to it.
    let mut block_scalar: Option<usize> = None;
    while pos < bytes.len() {
        // At the start of a line.
        let line_end = memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let indent = bytes[pos..line_end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        let blank = bytes[pos + indent..line_end]
            .iter()
            .all(|&b| matches!(b, b' ' | b'\t' | b'\r'));
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                pos = line_end + 1;
                continue;
            }
            block_scalar = None;
        }
        if blank || bytes[pos + indent] == b'#' {
            pos = line_end + 1;
            continue;
        }
        let mut i = pos + indent;
        if flow == 0 {
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
            // `- `, `? ` and `: ` open one more level each, on one line.
            while i + 1 < line_end
                && matches!(bytes[i], b'-' | b'?' | b':')
                && matches!(bytes[i + 1], b' ' | b'\t')
            {
                i += 1;
                nodes += 1;
                while i < line_end && matches!(bytes[i], b' ' | b'\t') {
                    i += 1;
                }
                indents.push(i - pos);
                if indents.len() > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            if indents.len() > MAX_DEPTH {
                return Err(too_deep(i));
            }
        }
        // The rest of the line (and of any quoted scalar it opens).
        let mut token_start = true;
        while i < bytes.len() && bytes[i] != b'\n' {
            if flow == 0 && !token_start {
                // Inside a plain scalar of a block line only `:`, `#` and
                // the end of the line can change anything: jump to them.
                i = memchr::memchr3(b':', b'#', b'\n', &bytes[i..]).map_or(bytes.len(), |j| i + j);
                if i == bytes.len() || bytes[i] == b'\n' {
                    break;
                }
            }
            let b = bytes[i];
            if token_start && !matches!(b, b' ' | b'\t' | b'\r') {
                nodes += 1;
            }
            match b {
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                    i = next_newline(bytes, i);
                    break;
                }
                b'"' | b'\'' if token_start => {
                    i = skip_quoted(bytes, i);
                    token_start = false;
                    continue;
                }
                b'[' | b'{' if token_start || flow > 0 => {
                    flow += 1;
                    if indents.len() + flow > MAX_DEPTH {
                        return Err(too_deep(i));
                    }
                    token_start = true;
                }
                b']' | b'}' if flow > 0 => {
                    flow -= 1;
                    token_start = false;
                }
                b',' if flow > 0 => token_start = true,
                b':' if flow > 0
                    || bytes
                        .get(i + 1)
                        .is_none_or(|n| matches!(n, b' ' | b'\t' | b'\r' | b'\n')) =>
                {
                    token_start = true
                }
                b'|' | b'>' if token_start && flow == 0 => {
                    block_scalar = Some(indents.last().copied().unwrap_or(0));
                    i = next_newline(bytes, i);
                    break;
                }
                // Anchors and tags come before a node: still at its start.
                b'&' | b'!' if token_start => {
                    while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                    continue;
                }
                _ => token_start = false,
            }
            i += 1;
        }
        // A quoted scalar may have run over several lines: go on after it.
        pos = next_newline(bytes, i) + 1;
        if nodes > MAX_NODES {
            return Err(YamlError {
                message: too_many_nodes_message(),
                line: None,
                column: None,
            });
        }
    }
    Ok(())
}

/// The message for a document with more than [`MAX_NODES`] values.
pub fn too_many_nodes_message() -> String {
    format!("the document holds more than {MAX_NODES} values")
}

/// The position after the quoted scalar starting at `start`, or the end.
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        // Jump to the next byte that matters (SIMD search: most of a front
        // matter's bytes are in quoted excerpts and `secured` blobs).
        let next = if quote == b'"' {
            memchr::memchr2(b'"', b'\\', &bytes[i..])
        } else {
            memchr::memchr(b'\'', &bytes[i..])
        };
        let Some(j) = next else { break };
        i += j;
        match bytes[i] {
            b'\\' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            _ => return i + 1,
        }
    }
    bytes.len()
}

/// The position of the next `\n` at or after `from`, or the end.
fn next_newline(bytes: &[u8], from: usize) -> usize {
    let from = from.min(bytes.len());
    memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |j| from + j)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(needle, haystack)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// check_depth as it was before its SIMD jumps (byte by byte), the
    /// reference the differential test below holds it to.
    #[allow(clippy::too_many_lines)]
    fn check_depth_bytewise(text: &str) -> Result<(), YamlError> {
        let bytes = text.as_bytes();
        let too_deep = |pos: usize| {
            let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..pos]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            YamlError {
                message: format!("collections nested deeper than {MAX_DEPTH} levels"),
                line: Some(line),
                column: Some(text[line_start..pos].chars().count() + 1),
            }
        };
        // Nodes that start, from above (every token start and indicator).
        let mut nodes = 0usize;
        // Columns of the open block collections, innermost last.
        let mut indents: Vec<usize> = Vec::new();
        let mut flow = 0usize;
        let mut pos = 0usize;
        // Inside a block scalar: lines indented more than this belong to it.
        let mut block_scalar: Option<usize> = None;
        while pos < bytes.len() {
            // At the start of a line.
            let line_end = memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            let indent = bytes[pos..line_end]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            let blank = bytes[pos + indent..line_end]
                .iter()
                .all(|&b| matches!(b, b' ' | b'\t' | b'\r'));
            if let Some(parent) = block_scalar {
                if blank || indent > parent {
                    pos = line_end + 1;
                    continue;
                }
                block_scalar = None;
            }
            if blank || bytes[pos + indent] == b'#' {
                pos = line_end + 1;
                continue;
            }
            let mut i = pos + indent;
            if flow == 0 {
                while indents.last().is_some_and(|&top| top >= indent) {
                    indents.pop();
                }
                indents.push(indent);
                // `- `, `? ` and `: ` open one more level each, on one line.
                while i + 1 < line_end
                    && matches!(bytes[i], b'-' | b'?' | b':')
                    && matches!(bytes[i + 1], b' ' | b'\t')
                {
                    i += 1;
                    nodes += 1;
                    while i < line_end && matches!(bytes[i], b' ' | b'\t') {
                        i += 1;
                    }
                    indents.push(i - pos);
                    if indents.len() > MAX_DEPTH {
                        return Err(too_deep(i));
                    }
                }
                if indents.len() > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            // The rest of the line (and of any quoted scalar it opens).
            let mut token_start = true;
            while i < bytes.len() && bytes[i] != b'\n' {
                let b = bytes[i];
                if token_start && !matches!(b, b' ' | b'\t' | b'\r') {
                    nodes += 1;
                }
                match b {
                    b' ' | b'\t' | b'\r' => {
                        i += 1;
                        continue;
                    }
                    b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                        i = next_newline(bytes, i);
                        break;
                    }
                    b'"' | b'\'' if token_start => {
                        i = skip_quoted_bytewise(bytes, i);
                        token_start = false;
                        continue;
                    }
                    b'[' | b'{' if token_start || flow > 0 => {
                        flow += 1;
                        if indents.len() + flow > MAX_DEPTH {
                            return Err(too_deep(i));
                        }
                        token_start = true;
                    }
                    b']' | b'}' if flow > 0 => {
                        flow -= 1;
                        token_start = false;
                    }
                    b',' if flow > 0 => token_start = true,
                    b':' if flow > 0
                        || bytes
                            .get(i + 1)
                            .is_none_or(|n| matches!(n, b' ' | b'\t' | b'\r' | b'\n')) =>
                    {
                        token_start = true
                    }
                    b'|' | b'>' if token_start && flow == 0 => {
                        block_scalar = Some(indents.last().copied().unwrap_or(0));
                        i = next_newline(bytes, i);
                        break;
                    }
                    // Anchors and tags come before a node: still at its start.
                    b'&' | b'!' if token_start => {
                        while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                            i += 1;
                        }
                        continue;
                    }
                    _ => token_start = false,
                }
                i += 1;
            }
            // A quoted scalar may have run over several lines: go on after it.
            pos = next_newline(bytes, i) + 1;
            if nodes > MAX_NODES {
                return Err(YamlError {
                    message: too_many_nodes_message(),
                    line: None,
                    column: None,
                });
            }
        }
        Ok(())
    }

    fn skip_quoted_bytewise(bytes: &[u8], start: usize) -> usize {
        let quote = bytes[start];
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return i + 1,
                _ => i += 1,
            }
        }
        bytes.len()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// The jumps change nothing: same answer, same error position, on
        /// texts made of the bytes that matter to the scan.
        #[test]
        fn jumps_agree_with_the_bytewise_scan(
            depth in 0usize..64,
            flow in proptest::bool::ANY,
            tail in "([ \t\r\n\"'\\\\:#,\\[\\]{}|>&!?-]|a|bc|x: |- ){0,60}",
        ) {
            // Start near the depth bound, so that what the scan sees in the
            // tail decides the answer (and the error's position).
            let text = if flow {
                format!("a: {}{tail}", "[".repeat(depth))
            } else {
                format!("{}{tail}", "- ".repeat(depth))
            };
            proptest::prop_assert_eq!(check_depth(&text), check_depth_bytewise(&text));
        }
    }

    #[test]
    fn jumps_agree_on_deep_and_quoted_texts() {
        let texts = [
            format!("a: \"{}\"\nb: {}\n", "x\\\"y".repeat(50), "[".repeat(70)),
            format!("k: 'it''s {}'\n{}", "a".repeat(200), "- ".repeat(70)),
            "title: \"a \\\" b\"\nurl: https://x.example/a:b#c\nc: d # e [\n".to_owned(),
            format!(
                "a: plain {} text\n  {}x: 1\n",
                ":".repeat(3),
                " ".repeat(10)
            ),
        ];
        for text in &texts {
            assert_eq!(check_depth(text), check_depth_bytewise(text), "{text:?}");
        }
        // Brackets inside quotes, after an escaped quote or a doubled one,
        // are text: at flow depth 63 they would cross the bound.
        let open = "[".repeat(63);
        for text in [
            format!("a: {open}\"x\\\"[[\"]\n"),
            format!("a: {open}'it''s [['\n"),
        ] {
            assert_eq!(check_depth(&text), Ok(()), "{text:?}");
            assert_eq!(check_depth_bytewise(&text), Ok(()), "{text:?}");
        }
        assert!(check_depth(&format!("a: {open}x, [[\n")).is_err());
    }

    fn deep(text: &str) -> bool {
        check_depth(text).is_err()
    }

    #[test]
    fn refuses_deep_flow_and_block_nesting_cheaply() {
        let start = std::time::Instant::now();
        let flow = format!("a: {}\n", "[".repeat(100_000));
        let err = check_depth(&flow).unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(4 + 63)), "{err:?}");
        assert!(deep(&format!("a: {}\n", "{a: [".repeat(40))));
        assert!(deep(&format!("a:\n{}x\n", "- ".repeat(100))));
        let block: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(deep(&block));
        assert!(start.elapsed().as_secs_f64() < 1.0);
    }

    #[test]
    fn refuses_documents_with_too_many_nodes_before_parsing() {
        let flow = format!("a: [{}]\n", vec!["x"; MAX_NODES].join(","));
        assert_eq!(
            check_depth(&flow).unwrap_err().message,
            too_many_nodes_message()
        );
        let block: String = (0..MAX_NODES).map(|i| format!("k{i}: v\n")).collect();
        assert!(check_depth(&block).is_err());
        // Text is one value, however many commas it holds.
        let quoted = format!(
            "a: \"{}\"\nb: |\n  {}\n",
            ",".repeat(2 * MAX_NODES),
            ",".repeat(2 * MAX_NODES)
        );
        assert!(check_depth(&quoted).is_ok());
        let keys: String = (0..100_000).map(|i| format!("k{i}: [v, w]\n")).collect();
        assert!(check_depth(&keys).is_ok());
    }

    #[test]
    fn accepts_what_only_looks_deep() {
        let brackets = "[".repeat(200);
        for text in [
            format!("a: \"{brackets}\"\n"),
            format!("a: '{brackets}'\n"),
            format!("a: x{brackets}\n"),
            format!("a: x # {brackets}\n"),
            format!("# {brackets}\na: 1\n"),
            format!("a: |\n  {brackets}\n  more\nb: 1\n"),
            format!("a: >-\n    {brackets}\nb: 1\n"),
            format!("a: \"multi\n  {brackets}\"\nb: 1\n"),
            format!("a: 'it''s {brackets}'\n"),
            format!("a: \"q\\\" {brackets}\"\n"),
            format!("a: {}{}\n", "[".repeat(60), "]".repeat(60)),
            (0..60)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>(),
        ] {
            assert!(check_depth(&text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn counts_and_secrets() {
        let node = Node::Map(vec![
            ("a".into(), Node::Seq(vec![Node::Int(1), Node::Null])),
            ("b".into(), Node::Str("x".into())),
        ]);
        assert_eq!(count_values(&node), 7);
        let mut secrets = Secrets::default();
        assert!(!secrets.appear_in(&node));
        secrets.record(&Node::Str("x".into()));
        assert!(secrets.appear_in(&node));
        assert!(!secrets.appear_in(&Node::Str("y".into())));
        let mut secrets = Secrets::default();
        secrets.record(&Node::Map(vec![("a".into(), Node::Null)]));
        assert!(secrets.appear_in(&node), "a key counts");
    }

    #[test]
    fn seen_is_exact_past_the_small_list() {
        let keys: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
        let mut seen = Seen::new(keys.len());
        assert!(seen.insert("extra"));
        for k in &keys {
            assert!(seen.insert(k));
        }
        for k in &keys {
            assert!(!seen.insert(k));
        }
    }
}
