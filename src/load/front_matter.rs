//! Finding the YAML front matter at the top of a file.

/// The parts of an article file.
#[derive(Debug, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// 1-based line in the file of the first YAML line, to map YAML
    /// positions back to the file.
    pub first_line: usize,
    pub body: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Split<'a> {
    /// The file does not start with `---`: not an article.
    NotArticle,
    /// It starts with `---` after blank lines, which Jekyll would not read.
    BlankLinesBeforeOpening,
    /// The opening `---` is never closed.
    Unterminated,
    /// The opening `---` is followed by a lone CR and more text: lines end
    /// in CR only (classic Mac OS), which is not read as front matter.
    CrLineEnds,
    Article(FrontMatter<'a>),
}

/// Split `text` into front matter and body. The first line (after an
/// optional BOM) must be `---`; the front matter ends at the next line that
/// is exactly `---` or `...`, ignoring trailing whitespace and CR.
pub fn split(text: &str) -> Split<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = LineIter { text, pos: 0 };
    let Some((_, first)) = lines.next() else {
        return Split::NotArticle;
    };
    if !is_fence(first, false) {
        if let Some(after) = first.strip_prefix("---\r") {
            if !after.trim().is_empty() {
                return Split::CrLineEnds;
            }
        }
        if first.trim().is_empty() {
            let mut rest = lines;
            if rest
                .find(|(_, l)| !l.trim().is_empty())
                .is_some_and(|(_, l)| is_fence(l, false))
            {
                return Split::BlankLinesBeforeOpening;
            }
        }
        return Split::NotArticle;
    }
    let yaml_start = lines.pos;
    while let Some((start, line)) = lines.next() {
        if is_fence(line, true) {
            return Split::Article(FrontMatter {
                yaml: &text[yaml_start..start],
                first_line: 2,
                body: &text[lines.pos..],
            });
        }
    }
    Split::Unterminated
}

fn is_fence(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches([' ', '\t', '\r']);
    line == "---" || (closing && line == "...")
}

/// Lines with their start offsets, without the `\n`.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(end) => (&rest[..end], end + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let Split::Article(fm) = split("---\ntitle: x\n---\nbody\n") else {
            panic!()
        };
        assert_eq!(fm.yaml, "title: x\n");
        assert_eq!(fm.body, "body\n");
        assert_eq!(fm.first_line, 2);
    }

    #[test]
    fn accepts_bom_crlf_trailing_space_and_dots() {
        let Split::Article(fm) = split("\u{feff}---  \r\ntitle: x\r\n... \r\nrest") else {
            panic!()
        };
        assert_eq!(fm.yaml, "title: x\r\n");
        assert_eq!(fm.body, "rest");
    }

    #[test]
    fn recognises_non_articles() {
        assert_eq!(split(""), Split::NotArticle);
        assert_eq!(split("# README\n---\n"), Split::NotArticle);
        assert_eq!(split("----\n"), Split::NotArticle);
        assert_eq!(
            split("\n\n---\ntitle: x\n---\n"),
            Split::BlankLinesBeforeOpening
        );
        assert_eq!(split("---\ntitle: x\n"), Split::Unterminated);
        assert_eq!(split("---\rtitle: x\r---\r"), Split::CrLineEnds);
        assert_eq!(split("\u{feff}---\rtitle: x\r---\r"), Split::CrLineEnds);
        assert_eq!(
            split("---\n...\n"),
            Split::Article(FrontMatter {
                yaml: "",
                first_line: 2,
                body: ""
            })
        );
    }
}
