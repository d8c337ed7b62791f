//! Entry titles as jekyll-feed writes them: `title | smartify | strip_html
//! | normalize_whitespace`, as the plain text a feed reader shows.
//!
//! `smartify` is kramdown's SmartyPants parser (kramdown 2.4,
//! `parser/kramdown/smart_quotes.rb` and `typographic_symbol.rb`): its
//! rules are ported here one by one, in their order, because no Rust crate
//! follows kramdown's (they follow the original SmartyPants, whose quote
//! rules differ). Ruby's `\w`, `\s` and `\d` are ASCII-only, and so are
//! these.

/// The title a feed reader shows for jekyll-feed's entry of `title`.
pub fn jekyll_title(title: &str) -> String {
    normalize_whitespace(&strip_html(&smartify(title)))
}

/// kramdown's SmartyPants: curly quotes, dashes, ellipses and guillemets,
/// as characters (kramdown writes entities; a reader shows these).
pub fn smartify(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_quote(c) {
            i = quote_at_start(&chars, i, &mut out);
            continue;
        }
        // The span parser's match of `[^\\]?["']` starts one character
        // before the quote: that character is the rules' first capture.
        if c != '\\' && chars.get(i + 1).copied().is_some_and(is_quote) {
            i = quote_after(&chars, i, &mut out);
            continue;
        }
        if let Some((len, symbol)) = typographic(&chars[i..]) {
            out.push_str(symbol);
            i += len;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_quote(c: char) -> bool {
    c == '"' || c == '\''
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c')
}

/// kramdown's `SQ_PUNCT`.
fn is_punct(c: char) -> bool {
    "!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~".contains(c)
}

fn left(q: char) -> char {
    if q == '"' {
        '\u{201C}'
    } else {
        '\u{2018}'
    }
}

fn right(q: char) -> char {
    if q == '"' {
        '\u{201D}'
    } else {
        '\u{2019}'
    }
}

/// `"'` or `'"` at `at`, followed by a word character (rules 3 and 4).
fn double_before_word(chars: &[char], at: usize) -> Option<[char; 2]> {
    let pair = (chars.get(at).copied()?, chars.get(at + 1).copied()?);
    let word = chars.get(at + 2).copied().is_some_and(is_word);
    match pair {
        ('"', '\'') if word => Some(['\u{201C}', '\u{2018}']),
        ('\'', '"') if word => Some(['\u{2018}', '\u{201C}']),
        _ => None,
    }
}

/// `'` at `at` followed by two digits and `s` (rule 5: `'80s`).
fn decade(chars: &[char], at: usize) -> bool {
    chars.get(at) == Some(&'\'')
        && chars.get(at + 1).is_some_and(char::is_ascii_digit)
        && chars.get(at + 2).is_some_and(char::is_ascii_digit)
        && chars.get(at + 3) == Some(&'s')
}

/// The rules when the match starts at the quote itself (no character
/// before it, or that one was taken by the element before). Returns the
/// next position.
fn quote_at_start(chars: &[char], i: usize, out: &mut String) -> usize {
    let q = chars[i];
    let next = chars.get(i + 1).copied();
    let after = chars.get(i + 2).copied();
    // 1: before emphasis.
    let emphasis = |c: Option<char>| c.is_some_and(|c| c == '_' || c == '*');
    if emphasis(next) {
        let run = if emphasis(after) { 2 } else { 1 };
        if chars.get(i + 1 + run).is_some_and(|&c| !is_space(c)) {
            out.push(left(q));
            return i + 1;
        }
    }
    // 2: before punctuation that is not `..`, then no word character.
    if next.is_some_and(is_punct)
        && !(after == Some('.') && chars.get(i + 3) == Some(&'.'))
        && !after.is_some_and(is_word)
    {
        out.push(right(q));
        return i + 1;
    }
    // 3, 4, 5 (with an empty leading space).
    if let Some(pair) = double_before_word(chars, i) {
        out.extend(pair);
        return i + 2;
    }
    if decade(chars, i) {
        out.push('\u{2019}');
        return i + 1;
    }
    // 7: the quote itself is a closing character before another quote.
    if let Some(second) = next.filter(|&c| is_quote(c)) {
        out.push(q);
        out.push(right(second));
        return i + 2;
    }
    // 8: before a space, an `s` ending a word, or the end.
    let s_word = next == Some('s') && !after.is_some_and(is_word);
    if next.is_none_or(is_space) || s_word {
        out.push(right(q));
        return i + 1;
    }
    // 9, 10.
    out.push(left(q));
    i + 1
}

/// The rules when the match starts at `chars[i]`, the character before a
/// quote. Returns the next position.
fn quote_after(chars: &[char], i: usize, out: &mut String) -> usize {
    let c = chars[i];
    let q = chars[i + 1];
    out.push(c);
    if is_space(c) {
        if let Some(pair) = double_before_word(chars, i + 1) {
            out.extend(pair);
            return i + 3;
        }
        if decade(chars, i + 1) {
            out.push('\u{2019}');
            return i + 2;
        }
        // 6: after a space, before a word.
        if chars.get(i + 2).copied().is_some_and(is_word) {
            out.push(left(q));
            return i + 2;
        }
    }
    // 7: after a closing character.
    if !matches!(c, ' ' | '\\' | '\t' | '\r' | '\n' | '[' | '{' | '(' | '-') {
        out.push(right(q));
        return i + 2;
    }
    // 9, 10.
    out.push(left(q));
    i + 2
}

/// kramdown's typographic symbols at the start of `rest`: length and text.
fn typographic(rest: &[char]) -> Option<(usize, &'static str)> {
    const SYMBOLS: &[(&str, &str)] = &[
        ("---", "\u{2014}"),
        ("--", "\u{2013}"),
        ("...", "\u{2026}"),
        ("\\<<", "<<"),
        ("\\>>", ">>"),
        ("<< ", "\u{AB}\u{A0}"),
        (" >>", "\u{A0}\u{BB}"),
        ("<<", "\u{AB}"),
        (">>", "\u{BB}"),
    ];
    SYMBOLS.iter().find_map(|(pattern, symbol)| {
        let len = pattern.chars().count();
        (rest.len() >= len && rest.iter().take(len).copied().eq(pattern.chars()))
            .then_some((len, *symbol))
    })
}

/// Liquid's `strip_html`: scripts, styles and comments with their
/// content, then every tag.
pub fn strip_html(html: &str) -> String {
    let mut text = html.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
    ] {
        text = remove_blocks(&text, open, close);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find('<') {
        match rest[start..].find('>') {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// `text` without every `open … close` block (case-insensitive, shortest).
fn remove_blocks(text: &str, open: &str, close: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(start) = lower[at..].find(open).map(|s| s + at) {
        let Some(end) = lower[start + open.len()..]
            .find(close)
            .map(|e| start + open.len() + e + close.len())
        else {
            break;
        };
        out.push_str(&text[at..start]);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Jekyll's `normalize_whitespace`: runs of ASCII white space to one
/// space, trimmed.
pub fn normalize_whitespace(text: &str) -> String {
    text.split(is_space)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case was run through Jekyll 4.3.1 (kramdown 2.4.0) as
    /// `{{ c | smartify | strip_html | normalize_whitespace }}` and the
    /// entities it wrote decoded.
    #[test]
    fn titles_as_jekyll_writes_them() {
        for (input, expected) in [
            ("\"Hello,\" she said", "\u{201c}Hello,\u{201d} she said"),
            ("It's Tom's", "It\u{2019}s Tom\u{2019}s"),
            ("'single' quotes", "\u{2018}single\u{2019} quotes"),
            ("the '80s", "the \u{2019}80s"),
            ("say \"hi\"", "say \u{201c}hi\u{201d}"),
            ("(\"quoted\")", "(\u{201c}quoted\u{201d})"),
            ("rock 'n' roll", "rock \u{2018}n\u{2019} roll"),
            ("plain title", "plain title"),
            ("a -- b --- c", "a \u{2013} b \u{2014} c"),
            ("wait...", "wait\u{2026}"),
            ("<<a>>", "\u{00ab}a\u{00bb}"),
            ("<< a >>", "\u{00ab}\u{00a0}a\u{00a0}\u{00bb}"),
            (
                "  <em>Power</em>  Apps:\n\"new\"  ",
                "Power Apps: \u{201c}new\u{201d}",
            ),
            ("\"'Hi' there\"", "\u{201c}\u{2018}Hi\u{2019} there\u{201d}"),
            ("don't \"stop\".", "don\u{2019}t \u{201c}stop\u{201d}."),
            ("'Tis", "\u{2018}Tis"),
            ("\"Yes\"!", "\u{201c}Yes\u{201d}!"),
            ("\"...\"", "\u{201c}\u{2026}\u{201d}"),
            ("a \"b\" c", "a \u{201c}b\u{201d} c"),
            ("5 < 6 & 7", "5 < 6 & 7"),
            ("x--\"y\"", "x\u{2013}\u{201c}y\u{201d}"),
            ("\"*bold*\"", "\u{201c}*bold*\u{201d}"),
            ("He said \"ok\"?", "He said \u{201c}ok\u{201d}?"),
        ] {
            assert_eq!(jekyll_title(input), expected, "{input:?}");
        }
    }

    #[test]
    fn titles_lose_tags_and_extra_space() {
        assert_eq!(
            jekyll_title("  <em>Power</em>  Apps:\n\"new\"  "),
            "Power Apps: \u{201C}new\u{201D}"
        );
        assert_eq!(strip_html("a<script>x<y</script>b<!-- c -->d"), "abd");
        assert_eq!(strip_html("5 < 6"), "5 < 6");
        assert_eq!(normalize_whitespace("\ta \n b "), "a b");
        // NBSP is not white space to Ruby's `\s`.
        assert_eq!(normalize_whitespace("a\u{A0} b"), "a\u{A0} b");
    }
}
