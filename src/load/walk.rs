//! Finding candidate article files below the content folder.

use super::cache::Stamp;
use crate::diagnostic::{Code, Diagnostic};
use globset::GlobSet;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Extensions of files that may be articles.
const ARTICLE_EXTENSIONS: [&str; 3] = ["md", "markdown", "html"];

/// A file to read, by its path relative to the content folder (joined to
/// the folder only when read: a second path per file is memory for nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub relative: String,
    /// Size and mtime when listed (the cache key); taken before any read,
    /// so a change after it is seen by the next run.
    pub stamp: Option<Stamp>,
}

/// Which files the walk keeps.
pub struct Filter<'a> {
    pub include: &'a GlobSet,
    pub exclude: &'a GlobSet,
    /// A folder never walked (the out folder inside the content folder),
    /// relative, ending in `/`.
    pub skip: Option<&'a str>,
    /// A Jekyll site: only its documents are candidates.
    pub site: Option<&'a super::SiteLoad>,
    /// Stat each candidate for its stamp. Without a cache to match, the
    /// stamp is taken from the handle when the file is read: one `statx`
    /// a file less (100,000 of them cost ~0.2 s of CPU).
    pub stamps: bool,
}

/// What the walk found: candidates sorted by relative path, files passed
/// over (with why, for `--verbose`), and problems.
#[derive(Debug, Default)]
pub struct Walk {
    pub candidates: Vec<Candidate>,
    pub passed_over: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Folders that could not be listed (relative, ending in `/`): errors.
    pub unreadable: Vec<String>,
}

/// Walk `root` recursively, folders in parallel. Folders starting with
/// `.` and the root's `_data/` are skipped; symlinks are followed only when
/// they stay inside the content folder and point to a file. The result is
/// sorted, so the file system's order never shows.
pub fn walk(root: &Path, filter: &Filter) -> std::io::Result<Walk> {
    let canonical_root = fs::canonicalize(root)?;
    // Fail loudly when the content folder itself cannot be listed.
    fs::read_dir(root)?;
    let mut walk = walk_dir(root.to_path_buf(), String::new(), &canonical_root, filter);
    walk.candidates.sort_by(|a, b| a.relative.cmp(&b.relative));
    walk.passed_over.sort();
    walk.unreadable.sort();
    crate::diagnostic::sort(&mut walk.diagnostics);
    Ok(walk)
}

fn walk_dir(dir: PathBuf, prefix: String, canonical_root: &Path, filter: &Filter) -> Walk {
    let mut walk = Walk::default();
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            walk.diagnostics.push(Diagnostic::error(
                Code::Unreadable,
                display(&prefix),
                format!("cannot read folder: {e}; its articles are taken as last seen"),
            ));
            walk.unreadable.push(prefix);
            return walk;
        }
    };
    let mut failed = false;
    let mut subfolders = Vec::new();
    let mut to_stamp = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else {
            failed = true;
            continue;
        };
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            let shown = format!("{prefix}{}", name.to_string_lossy());
            walk.diagnostics.push(Diagnostic::warning(
                Code::NonUtf8Name,
                shown,
                "file name is not UTF-8; skipped",
            ));
            continue;
        };
        let relative = format!("{prefix}{name}");
        let Ok(file_type) = entry.file_type() else {
            failed = true;
            continue;
        };
        if file_type.is_dir() {
            let folder = format!("{relative}/");
            let jekyll_own = prefix.is_empty()
                && filter.site.is_some()
                && crate::site::entries::NEVER.contains(&name);
            // A Jekyll site's `include` un-hides the dot folders it names.
            let hidden = name.starts_with('.')
                && !filter.site.is_some_and(|s| {
                    crate::site::entries::is_included(&relative, &s.config.include)
                });
            if hidden || (prefix.is_empty() && name == "_data") || jekyll_own {
                walk.passed_over.push((relative, "skipped folder".into()));
            } else if filter.skip == Some(folder.as_str()) {
                walk.passed_over
                    .push((relative, "the out folder; never read as content".into()));
            } else {
                subfolders.push((entry.path(), folder));
            }
            continue;
        }
        if !has_article_extension(name) {
            walk.passed_over
                .push((relative, "not a .md, .markdown or .html file".into()));
            continue;
        }
        if !filter.include.is_empty() && !filter.include.is_match(&relative) {
            walk.passed_over
                .push((relative, "not matched by `include`".into()));
            continue;
        }
        if filter.exclude.is_match(&relative) {
            walk.passed_over
                .push((relative, "matched by `exclude`".into()));
            continue;
        }
        if let Some(site) = filter.site {
            use crate::site::entries::place;
            if let Some(why) = place(&relative, &site.config, site.drafts).why_not_a_document() {
                walk.passed_over.push((relative, why.into()));
                continue;
            }
        }
        if file_type.is_symlink() {
            match fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(canonical_root) && target.is_file() => {}
                Ok(_) => {
                    walk.diagnostics.push(Diagnostic::warning(Code::SymlinkOutside,
                        relative,
                        "symbolic link to something outside the content folder or not a file; not followed",
                    ));
                    continue;
                }
                Err(e) => {
                    walk.diagnostics.push(Diagnostic::warning(
                        Code::BrokenSymlink,
                        relative,
                        format!("broken symbolic link: {e}; skipped"),
                    ));
                    continue;
                }
            }
        } else if !file_type.is_file() {
            walk.passed_over
                .push((relative, "not a regular file".into()));
            continue;
        }
        if filter.stamps {
            to_stamp.push((entry, file_type.is_symlink()));
        }
        walk.candidates.push(Candidate {
            relative,
            stamp: None,
        });
    }
    // A real site keeps its articles in one flat folder: stat them on every
    // thread, by the open folder's handle. With stamps on, `to_stamp` holds
    // one entry per candidate, in the same order.
    walk.candidates
        .par_iter_mut()
        .zip(to_stamp)
        .with_min_len(256)
        .for_each(|(candidate, (entry, symlink))| {
            // For a symlink, the target's (checked above to be a file inside).
            let meta = if symlink {
                fs::metadata(entry.path())
            } else {
                entry.metadata()
            };
            candidate.stamp = meta.ok().and_then(|m| Stamp::of(&m));
        });
    if failed {
        walk.diagnostics.push(Diagnostic::error(
            Code::Unreadable,
            display(&prefix),
            "cannot read every entry of this folder; its articles are taken as last seen",
        ));
        walk.unreadable.push(prefix);
    }
    let nested: Vec<Walk> = subfolders
        .into_par_iter()
        .map(|(path, prefix)| walk_dir(path, prefix, canonical_root, filter))
        .collect();
    for child in nested {
        walk.candidates.extend(child.candidates);
        walk.passed_over.extend(child.passed_over);
        walk.diagnostics.extend(child.diagnostics);
        walk.unreadable.extend(child.unreadable);
    }
    walk
}

fn has_article_extension(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && ARTICLE_EXTENSIONS
                .iter()
                .any(|a| ext.eq_ignore_ascii_case(a))
    })
}

fn display(prefix: &str) -> String {
    if prefix.is_empty() {
        ".".into()
    } else {
        prefix.trim_end_matches('/').into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use globset::GlobSetBuilder;

    #[test]
    fn recognises_article_extensions() {
        assert!(has_article_extension("a.md"));
        assert!(has_article_extension("a.HTML"));
        assert!(has_article_extension("a.markdown"));
        assert!(!has_article_extension("a.txt"));
        assert!(!has_article_extension(".md"));
        assert!(!has_article_extension("md"));
    }

    #[test]
    fn walks_sorted_and_skips_hidden_and_data() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for p in [
            "b/z.md",
            "a.md",
            ".git/x.md",
            "_data/topics/t.md",
            "c/readme.txt",
            "sub/_data/kept.md",
        ] {
            let path = root.join(p);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "---\n---\n").unwrap();
        }
        fs::create_dir_all(root.join("folder.md")).unwrap();
        let empty = GlobSetBuilder::new().build().unwrap();
        let w = walk(
            root,
            &Filter {
                include: &empty,
                exclude: &empty,
                skip: None,
                site: None,
                stamps: true,
            },
        )
        .unwrap();
        let found: Vec<&str> = w.candidates.iter().map(|c| c.relative.as_str()).collect();
        assert_eq!(found, ["a.md", "b/z.md", "sub/_data/kept.md"]);
    }
}
