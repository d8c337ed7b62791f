//! Problems found along the pipeline, reported one line each as
//! `path:line:col: severity[code]: message`.

mod code;
mod ignore;

pub use code::Code;
pub use ignore::{Ignore, IgnoreRule};
use std::fmt;

/// How bad a problem is: an error skips the file, a warning does not.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem with one input file (or the run as a whole when `path` is empty).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: Severity,
    /// What kind of problem: stable, for `ignore:`, `--quiet` and scripts.
    pub code: Code,
    pub message: String,
    /// Other files the message names (the kept copy of a duplicate): a
    /// change in them makes the warning new for `--quiet`.
    pub also: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, path, Severity::Error, message)
    }

    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, path, Severity::Warning, message)
    }

    pub fn new(
        code: Code,
        path: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            severity,
            code,
            message: message.into(),
            also: Vec::new(),
        }
    }

    /// Attach a 1-based position in the file.
    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Name another file the message is about (see [`Diagnostic::also`]).
    pub fn naming(mut self, path: impl Into<String>) -> Self {
        self.also.push(path.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `text` with every control character (C0, DEL, C1), line and paragraph
/// separator and bidirectional formatting character written as a `\u{..}`
/// escape (`\n`, `\r`, `\t` as such), and a backslash doubled: a
/// diagnostic line shows input text without a newline in it forging a
/// line of its own, or text that reorders what a terminal shows.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    fn needs_escape(c: char) -> bool {
        c.is_control()
            || c == '\\'
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
            )
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    /// One line: control characters in the path or message are escaped
    /// (see [`escape_controls`]); `--report json` has the exact text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}:", escape_controls(&self.path))?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
                if let Some(column) = self.column {
                    write!(f, "{column}:")?;
                }
            }
            f.write_str(" ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity,
            self.code,
            escape_controls(&self.message)
        )
    }
}

/// Diagnostics in a stable order: by path, then position, then text.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_and_without_position() {
        let d = Diagnostic::error(Code::BadDate, "a/b.md", "bad").at(Some(3), Some(7));
        assert_eq!(d.to_string(), "a/b.md:3:7: error[bad-date]: bad");
        let d = Diagnostic::warning(Code::DuplicateLink, "a/b.md", "meh");
        assert_eq!(d.to_string(), "a/b.md: warning[duplicate-link]: meh");
        let d = Diagnostic::error(Code::Unreadable, "", "gone");
        assert_eq!(d.to_string(), "error[unreadable]: gone");
    }

    #[test]
    fn control_characters_cannot_forge_a_line() {
        let d = Diagnostic::error(
            Code::BadLink,
            "a\nb.md",
            "`webUrl` `x\nevil.md:1: error: forged` \u{1b}[31m\u{202e}\\n",
        )
        .at(Some(2), None);
        let shown = d.to_string();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert_eq!(
            shown,
            "a\\nb.md:2: error[bad-link]: `webUrl` `x\\nevil.md:1: error: forged` \\u{1b}[31m\\u{202e}\\\\n"
        );
        assert_eq!(escape_controls("plain é 🦀"), "plain é 🦀");
    }
}
