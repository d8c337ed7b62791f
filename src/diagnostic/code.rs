//! The stable code of every diagnostic (`warning[duplicate-link]`): what
//! config `ignore:` names, what `--quiet` remembers, what the README lists.

use std::fmt;

/// Declares [`Code`] with its name and what to do about it, in one table,
/// so the enum, its parsing and the README list cannot drift apart.
macro_rules! codes {
    ($($variant:ident $name:literal $advice:literal,)*) => {
        /// What kind of problem a diagnostic reports. The names never
        /// change once released: configs and scripts refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
                 serde::Serialize, serde::Deserialize)]
        pub enum Code {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// Every code, in the README's order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in messages and configs: `duplicate-link`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// One sentence on what to do about it (the README's list).
            pub fn advice(self) -> &'static str {
                match self { $(Code::$variant => $advice,)* }
            }
        }
    };
}

codes! {
    MissingTitle "missing-title" "Add a `title:` line to the front matter; the file is skipped until then.",
    EmptyTitle "empty-title" "Write a title: an empty one is no entry.",
    LongTitle "long-title" "Shorten the title (300 characters at most are kept).",
    MissingDate "missing-date" "Add `publishedDateTime:` (RFC 3339, e.g. 2022-01-03T22:24:00Z); the file is skipped until then.",
    BadDate "bad-date" "Write the date in RFC 3339 (2022-01-03T22:24:00Z), a year from 0 to 9999.",
    NoTimeZone "no-time-zone" "Add a time zone (`Z` or `+01:00`) to the date; without one it is taken as UTC.",
    OneDigitDate "one-digit-date" "Write month and day with two digits (2022-01-03, not 2022-1-3): other tools read such dates differently or not at all.",
    MissingLink "missing-link" "Set `originalUrl` or `webUrl`; the file is skipped until then.",
    BadLink "bad-link" "Make the link an absolute http(s) URL (or a path, with `site_url` set).",
    WrongType "wrong-type" "Give the key the kind of value the message names (a string, a number, a list, …).",
    CommaList "comma-list" "Write a list (`topics: [AI, Machine Learning]` or one `- item` a line): a string with commas is one topic.",
    TooManyTopics "too-many-topics" "Remove topics or raise config `max_topics`.",
    LongExcerpt "long-excerpt" "Shorten `excerpt`; the feed shows it cut.",
    ProviderWithoutName "provider-without-name" "Give `provider` a `name:`.",
    BadImage "bad-image" "Fix the image's `url` (absolute http(s)) or its `width`/`height` (positive numbers).",
    LargeContent "large-content" "The body or `featuredContent` is too large for an entry; shorten it, or accept the summary the entry shows.",
    SecretRepeated "secret-repeated" "A key repeats the value of `secured` (a YAML alias?); remove it: secrets never reach a feed.",
    DuplicateLink "duplicate-link" "Two articles have the same link; remove or redirect the older copy, or `ignore:` the code for an archive folder.",
    InvalidYaml "invalid-yaml" "Fix the YAML syntax at the position shown.",
    UnterminatedFrontMatter "unterminated-front-matter" "Close the front matter with a `---` line.",
    BlankBeforeFrontMatter "blank-before-front-matter" "Remove the blank line(s) before the opening `---`.",
    CrLineEnds "cr-line-ends" "Save the file with LF (or CRLF) line ends.",
    NotUtf8 "not-utf8" "Save the file as UTF-8.",
    NonUtf8Name "non-utf8-name" "Rename the file: its name is not UTF-8.",
    SymlinkOutside "symlink-outside" "The symbolic link leaves the content folder or is not a file; copy the file in instead.",
    BrokenSymlink "broken-symlink" "Fix or remove the broken symbolic link.",
    Unreadable "unreadable" "The file or folder cannot be read (permissions, over `max_file_size`, not a regular file: the message says which); feeds keep what they held until it can be read.",
    ChangedDuringRun "changed-during-run" "A file changed or vanished while feedsmith read it; the next run picks it up.",
    ExtraYamlDocument "extra-yaml-document" "The data file holds more than one YAML document; Jekyll reads only the first: merge them or remove the rest.",
    BadSiteConfig "bad-site-config" "Fix the key of `_config.yml` the message names; the run uses Jekyll's default for it.",
    UnsupportedLiquid "unsupported-liquid" "The Liquid tag or object is left out of the feed: feedsmith resolves `raw`, `site.*`, `page.*`, `relative_url`, `absolute_url`, `link` and `post_url`; write plain Markdown or HTML instead.",
    BadTaxonomy "bad-taxonomy" "Fix the taxonomy file (a mapping with `name` or `_id`), or remove it.",
    FeedOverMaxBytes "feed-over-max-bytes" "Raise the feed's `max_bytes` or lower its `limit`.",
    BadPageCss "bad-page-css" "Fix config `page_css`: a readable UTF-8 file.",
    RenderFailed "render-failed" "A feed could not be rendered; the message says why. Feeds keep their previous version.",
    InternalError "internal-error" "A bug in feedsmith; please report it with the file concerned.",
}

impl Code {
    /// The code named `name`, or `Err` with the nearest known name when one
    /// is close (a typo in config `ignore:`).
    pub fn parse(name: &str) -> Result<Code, Option<&'static str>> {
        if let Some(code) = Code::ALL.iter().find(|c| c.name() == name) {
            return Ok(*code);
        }
        let nearest = Code::ALL
            .iter()
            .map(|c| (strsim::damerau_levenshtein(name, c.name()), c.name()))
            .min()
            .filter(|(distance, _)| *distance <= 3);
        Err(nearest.map(|(_, known)| known))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name}"
            );
            assert_eq!(Code::parse(name), Ok(*code));
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert!(code.advice().ends_with('.'), "{name}");
        }
    }

    #[test]
    fn an_unknown_name_suggests_the_nearest() {
        assert_eq!(Code::parse("duplicate-links"), Err(Some("duplicate-link")));
        assert_eq!(Code::parse("nothing-like-any"), Err(None));
    }
}
