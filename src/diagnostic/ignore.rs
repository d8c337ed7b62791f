//! Config `ignore:`: warnings a site has decided to live with, by code,
//! everywhere or under path globs (`{code: duplicate-link, path: "_archive/**"}`).

use super::{Code, Diagnostic};
use globset::{Glob, GlobMatcher};

/// One `ignore:` entry as written: a bare code, or a code with a path glob.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum IgnoreRule {
    Code(String),
    Scoped { code: String, path: Option<String> },
}

/// The validated rules. Errors are never silenced: a skipped file is
/// always reported.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    rules: Vec<(Code, Option<GlobMatcher>)>,
}

impl Ignore {
    /// The rules, or a message naming the first bad one (an unknown code,
    /// with the nearest known one; a bad glob).
    pub fn new(rules: &[IgnoreRule]) -> Result<Ignore, String> {
        let mut parsed = Vec::with_capacity(rules.len());
        for rule in rules {
            let (name, path) = match rule {
                IgnoreRule::Code(name) => (name, None),
                IgnoreRule::Scoped { code, path } => (code, path.as_ref()),
            };
            let code = Code::parse(name.trim()).map_err(|nearest| {
                let hint = nearest.map_or_else(
                    || "; the README lists every code".to_owned(),
                    |known| format!("; did you mean `{known}`?"),
                );
                format!("unknown code `{name}`{hint}")
            })?;
            let glob = path
                .map(|pattern| {
                    Glob::new(pattern.trim_start_matches("./"))
                        .map(|g| g.compile_matcher())
                        .map_err(|e| format!("bad glob `{pattern}`: {e}"))
                })
                .transpose()?;
            parsed.push((code, glob));
        }
        Ok(Ignore { rules: parsed })
    }

    /// Whether `diagnostic` is a warning a rule silences.
    pub fn silences(&self, diagnostic: &Diagnostic) -> bool {
        !diagnostic.is_error()
            && self.rules.iter().any(|(code, glob)| {
                *code == diagnostic.code
                    && glob.as_ref().is_none_or(|g| g.is_match(&diagnostic.path))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(yaml_text: &str) -> Result<Ignore, String> {
        let rules: Vec<IgnoreRule> = crate::yaml::from_str(yaml_text).unwrap();
        Ignore::new(&rules)
    }

    #[test]
    fn by_code_and_by_path() {
        let ignore =
            rules("- no-time-zone\n- {code: duplicate-link, path: \"_archive/**\"}\n").unwrap();
        let dup = |path| Diagnostic::warning(Code::DuplicateLink, path, "dup");
        assert!(ignore.silences(&dup("_archive/2019/a.md")));
        assert!(!ignore.silences(&dup("_news/a.md")));
        assert!(ignore.silences(&Diagnostic::warning(Code::NoTimeZone, "_news/a.md", "tz")));
        assert!(!ignore.silences(&Diagnostic::warning(Code::BadLink, "_archive/a.md", "x")));
    }

    #[test]
    fn errors_are_never_silenced() {
        let ignore = rules("- bad-date\n").unwrap();
        assert!(!ignore.silences(&Diagnostic::error(Code::BadDate, "a.md", "x")));
        assert!(ignore.silences(&Diagnostic::warning(Code::BadDate, "a.md", "x")));
    }

    #[test]
    fn unknown_codes_and_bad_globs_are_refused() {
        assert_eq!(
            rules("- duplicate-links\n").unwrap_err(),
            "unknown code `duplicate-links`; did you mean `duplicate-link`?"
        );
        assert!(rules("- {code: duplicate-link, path: \"a/**[\"}\n")
            .unwrap_err()
            .starts_with("bad glob `a/**[`"));
    }
}
