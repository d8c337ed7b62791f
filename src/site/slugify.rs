//! Jekyll's `Utils.slugify`, which makes the `:title`, `:slug`, `:name`
//! and `:slugified_categories` parts of a permalink.

use regex::Regex;
use std::sync::LazyLock;

/// How a string is slugified (Jekyll's `mode:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every run of characters other than letters, marks and decimal
    /// digits becomes one hyphen.
    Default,
    /// Only runs of ASCII white space become a hyphen.
    Raw,
    /// As default, but `._~!$&'()+,;=@` are kept.
    Pretty,
    /// Every run of characters other than ASCII letters and digits becomes
    /// one hyphen.
    Ascii,
    /// Accented Latin letters lose their accents (I18n's table), any other
    /// non-ASCII character becomes `?`, then as default.
    Latin,
    /// Any other mode name: the string unchanged (only lowercased).
    None,
}

impl Mode {
    /// The mode a `slugify: MODE` setting names; unknown names are
    /// [`Mode::None`], as in Jekyll.
    pub fn from_name(name: &str) -> Mode {
        match name {
            "default" => Mode::Default,
            "raw" => Mode::Raw,
            "pretty" => Mode::Pretty,
            "ascii" => Mode::Ascii,
            "latin" => Mode::Latin,
            _ => Mode::None,
        }
    }
}

static DEFAULT: LazyLock<Regex> = LazyLock::new(|| pattern(r"[^\p{M}\p{L}\p{Nd}]+"));
static PRETTY: LazyLock<Regex> = LazyLock::new(|| pattern(r"[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+"));
static ASCII: LazyLock<Regex> = LazyLock::new(|| pattern(r"[^A-Za-z0-9]+"));
// Ruby's `\s` is ASCII white space only.
static RAW: LazyLock<Regex> = LazyLock::new(|| pattern(r"[ \t\r\n\x0B\x0C]+"));

fn pattern(source: &str) -> Regex {
    // The patterns are constants checked by the tests below.
    Regex::new(source).unwrap_or_else(|_| unreachable!("bad slugify pattern {source}"))
}

/// Jekyll's `Utils.slugify(text, mode:, cased:)`: the runs the mode
/// replaces become `-`, one leading and one trailing `-` go, and the
/// result is lowercased unless `cased`. May be empty (Jekyll warns then).
pub fn slugify(text: &str, mode: Mode, cased: bool) -> String {
    let replaced = match mode {
        Mode::None => text.to_string(),
        Mode::Default => DEFAULT.replace_all(text, "-").into_owned(),
        Mode::Pretty => PRETTY.replace_all(text, "-").into_owned(),
        Mode::Ascii => ASCII.replace_all(text, "-").into_owned(),
        Mode::Raw => RAW.replace_all(text, "-").into_owned(),
        Mode::Latin => DEFAULT.replace_all(&transliterate(text), "-").into_owned(),
    };
    let slug = match mode {
        Mode::None => replaced,
        // Ruby's `gsub(/^-|-$/, "")`.
        _ => strip_line_hyphens(&replaced),
    };
    finish(slug, cased)
}

fn finish(slug: String, cased: bool) -> String {
    if cased {
        slug
    } else {
        slug.to_lowercase()
    }
}

/// Removes a `-` at the start and at the end of every line, as Ruby's
/// multi-line `^` and `$` anchors do (only `raw` mode can leave newlines).
fn strip_line_hyphens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.strip_prefix('-').unwrap_or(line);
        out.push_str(line.strip_suffix('-').unwrap_or(line));
    }
    out
}

/// I18n's default transliteration: accented Latin letters to their plain
/// letters, every other non-ASCII character to `?`.
fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            match LATIN.binary_search_by(|(k, _)| k.cmp(&c)) {
                Ok(i) => out.push_str(LATIN[i].1),
                Err(_) => out.push('?'),
            }
        }
    }
    out
}

/// I18n 1.10's `DEFAULT_APPROXIMATIONS`, sorted by character.
const LATIN: &[(char, &str)] = &[
    ('À', "A"),
    ('Á', "A"),
    ('Â', "A"),
    ('Ã', "A"),
    ('Ä', "A"),
    ('Å', "A"),
    ('Æ', "AE"),
    ('Ç', "C"),
    ('È', "E"),
    ('É', "E"),
    ('Ê', "E"),
    ('Ë', "E"),
    ('Ì', "I"),
    ('Í', "I"),
    ('Î', "I"),
    ('Ï', "I"),
    ('Ð', "D"),
    ('Ñ', "N"),
    ('Ò', "O"),
    ('Ó', "O"),
    ('Ô', "O"),
    ('Õ', "O"),
    ('Ö', "O"),
    ('×', "x"),
    ('Ø', "O"),
    ('Ù', "U"),
    ('Ú', "U"),
    ('Û', "U"),
    ('Ü', "U"),
    ('Ý', "Y"),
    ('Þ', "Th"),
    ('ß', "ss"),
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('ä', "a"),
    ('å', "a"),
    ('æ', "ae"),
    ('ç', "c"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('ð', "d"),
    ('ñ', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('ö', "o"),
    ('ø', "o"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('ý', "y"),
    ('þ', "th"),
    ('ÿ', "y"),
    ('Ā', "A"),
    ('ā', "a"),
    ('Ă', "A"),
    ('ă', "a"),
    ('Ą', "A"),
    ('ą', "a"),
    ('Ć', "C"),
    ('ć', "c"),
    ('Ĉ', "C"),
    ('ĉ', "c"),
    ('Ċ', "C"),
    ('ċ', "c"),
    ('Č', "C"),
    ('č', "c"),
    ('Ď', "D"),
    ('ď', "d"),
    ('Đ', "D"),
    ('đ', "d"),
    ('Ē', "E"),
    ('ē', "e"),
    ('Ĕ', "E"),
    ('ĕ', "e"),
    ('Ė', "E"),
    ('ė', "e"),
    ('Ę', "E"),
    ('ę', "e"),
    ('Ě', "E"),
    ('ě', "e"),
    ('Ĝ', "G"),
    ('ĝ', "g"),
    ('Ğ', "G"),
    ('ğ', "g"),
    ('Ġ', "G"),
    ('ġ', "g"),
    ('Ģ', "G"),
    ('ģ', "g"),
    ('Ĥ', "H"),
    ('ĥ', "h"),
    ('Ħ', "H"),
    ('ħ', "h"),
    ('Ĩ', "I"),
    ('ĩ', "i"),
    ('Ī', "I"),
    ('ī', "i"),
    ('Ĭ', "I"),
    ('ĭ', "i"),
    ('Į', "I"),
    ('į', "i"),
    ('İ', "I"),
    ('ı', "i"),
    ('Ĳ', "IJ"),
    ('ĳ', "ij"),
    ('Ĵ', "J"),
    ('ĵ', "j"),
    ('Ķ', "K"),
    ('ķ', "k"),
    ('ĸ', "k"),
    ('Ĺ', "L"),
    ('ĺ', "l"),
    ('Ļ', "L"),
    ('ļ', "l"),
    ('Ľ', "L"),
    ('ľ', "l"),
    ('Ŀ', "L"),
    ('ŀ', "l"),
    ('Ł', "L"),
    ('ł', "l"),
    ('Ń', "N"),
    ('ń', "n"),
    ('Ņ', "N"),
    ('ņ', "n"),
    ('Ň', "N"),
    ('ň', "n"),
    ('ŉ', "'n"),
    ('Ŋ', "NG"),
    ('ŋ', "ng"),
    ('Ō', "O"),
    ('ō', "o"),
    ('Ŏ', "O"),
    ('ŏ', "o"),
    ('Ő', "O"),
    ('ő', "o"),
    ('Œ', "OE"),
    ('œ', "oe"),
    ('Ŕ', "R"),
    ('ŕ', "r"),
    ('Ŗ', "R"),
    ('ŗ', "r"),
    ('Ř', "R"),
    ('ř', "r"),
    ('Ś', "S"),
    ('ś', "s"),
    ('Ŝ', "S"),
    ('ŝ', "s"),
    ('Ş', "S"),
    ('ş', "s"),
    ('Š', "S"),
    ('š', "s"),
    ('Ţ', "T"),
    ('ţ', "t"),
    ('Ť', "T"),
    ('ť', "t"),
    ('Ŧ', "T"),
    ('ŧ', "t"),
    ('Ũ', "U"),
    ('ũ', "u"),
    ('Ū', "U"),
    ('ū', "u"),
    ('Ŭ', "U"),
    ('ŭ', "u"),
    ('Ů', "U"),
    ('ů', "u"),
    ('Ű', "U"),
    ('ű', "u"),
    ('Ų', "U"),
    ('ų', "u"),
    ('Ŵ', "W"),
    ('ŵ', "w"),
    ('Ŷ', "Y"),
    ('ŷ', "y"),
    ('Ÿ', "Y"),
    ('Ź', "Z"),
    ('ź', "z"),
    ('Ż', "Z"),
    ('ż', "z"),
    ('Ž', "Z"),
    ('ž', "z"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_doc_examples() {
        let s = "The _config.yml file";
        assert_eq!(slugify(s, Mode::Default, false), "the-config-yml-file");
        assert_eq!(slugify(s, Mode::Pretty, false), "the-_config.yml-file");
        assert_eq!(slugify(s, Mode::Pretty, true), "The-_config.yml-file");
        assert_eq!(slugify(s, Mode::Ascii, false), "the-config-yml-file");
        assert_eq!(slugify(s, Mode::Latin, false), "the-config-yml-file");
        assert_eq!(slugify(s, Mode::Raw, false), "the-_config.yml-file");
        assert_eq!(slugify(s, Mode::None, false), "the _config.yml file");
        assert_eq!(slugify(s, Mode::None, true), s);
    }

    /// `[text, mode, cased, slug]` rows printed by Jekyll 4.3.1's own
    /// `Jekyll::Utils.slugify` (i18n 1.10) for every mode, cased or not.
    #[test]
    fn every_mode_matches_jekyll() {
        let rows: Vec<(String, String, bool, String)> =
            serde_json::from_str(include_str!("testdata/slugify_jekyll.json"))
                .unwrap_or_else(|e| panic!("slugify_jekyll.json: {e}"));
        assert!(rows.len() > 200);
        let mut wrong = Vec::new();
        for (text, mode, cased, expected) in &rows {
            let got = slugify(text, Mode::from_name(mode), *cased);
            if &got != expected {
                wrong.push(format!(
                    "{text:?} {mode} cased={cased}: {got:?}, Jekyll {expected:?}"
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn latin_table_is_sorted() {
        assert!(LATIN.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
