//! Where the config is: the file named with `--config`, or else the first
//! `feedsmith.yaml` in the current folder, in the content folder (a site's
//! root) or beside it. No file anywhere is fine (defaults and options),
//! and then a message that needs one lists every place looked.

use super::{read, ConfigError, ConfigFile};
use std::path::{Path, PathBuf};

/// The config's file name.
pub const CONFIG_NAME: &str = "feedsmith.yaml";

/// The config read, and where it was looked for.
#[derive(Debug)]
pub struct Found {
    pub file: ConfigFile,
    /// Every place looked, in order (only the named file when one was).
    pub looked: Vec<PathBuf>,
}

/// Where a `feedsmith.yaml` is looked for when none is named, in order,
/// each folder once: the current folder, the content folder (a site root
/// keeps it beside `_config.yml`), the folder that holds the content. A
/// Jekyll site named on the command line is its own: its root and the
/// folder holding it, never the current folder's config of another project.
pub fn candidates(content: &Path) -> Vec<PathBuf> {
    candidates_from(Path::new(""), content, false)
}

/// [`candidates`] with `here` as the current folder.
fn candidates_from(here: &Path, content: &Path, site: bool) -> Vec<PathBuf> {
    let named_site = site && !same_folder(here, content);
    let mut folders = if named_site {
        vec![content]
    } else {
        vec![here, content]
    };
    if let Some(parent) = content.parent() {
        folders.push(parent);
    }
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out = Vec::new();
    for folder in folders {
        let real = Path::new(".")
            .join(folder)
            .canonicalize()
            .unwrap_or_else(|_| folder.to_owned());
        if !seen.contains(&real) {
            seen.push(real);
            out.push(folder.join(CONFIG_NAME));
        }
    }
    out
}

/// `a` and `b` are one folder (both relative to the current one).
fn same_folder(a: &Path, b: &Path) -> bool {
    let real = |p: &Path| Path::new(".").join(p).canonicalize().ok();
    matches!((real(a), real(b)), (Some(x), Some(y)) if x == y)
}

/// The named config (which must exist), else the first of [`candidates`]
/// that exists; none is an empty config.
pub fn find(named: Option<&Path>, content: &Path) -> Result<Found, ConfigError> {
    find_from(Path::new(""), named, content, false)
}

/// [`find`] for a Jekyll site at `root` (site mode): a site named on the
/// command line reads its own config, not the current folder's.
pub fn find_for_site(named: Option<&Path>, root: &Path) -> Result<Found, ConfigError> {
    find_from(Path::new(""), named, root, true)
}

/// [`find`] with `here` as the current folder.
fn find_from(
    here: &Path,
    named: Option<&Path>,
    content: &Path,
    site: bool,
) -> Result<Found, ConfigError> {
    if let Some(path) = named {
        return Ok(Found {
            file: read(path, true)?,
            looked: vec![path.to_owned()],
        });
    }
    let looked = candidates_from(here, content, site);
    for path in &looked {
        // A folder or a broken link by that name is an error, not "absent".
        if std::fs::symlink_metadata(path).is_ok() {
            return Ok(Found {
                file: read(path, true)?,
                looked,
            });
        }
    }
    Ok(Found {
        file: ConfigFile::default(),
        looked,
    })
}

/// "no feedsmith.yaml in any of: ./feedsmith.yaml, …" for a message that
/// needed a config; `None` when one was read.
pub fn not_found_note(found: &Found) -> Option<String> {
    if found.file.path.is_some() {
        return None;
    }
    let places: Vec<String> = found
        .looked
        .iter()
        .map(|p| match p.parent() {
            Some(parent) if parent.as_os_str().is_empty() => format!("./{}", p.display()),
            _ => p.display().to_string(),
        })
        .collect();
    Some(format!(
        "no {CONFIG_NAME} was found (looked for {})",
        places.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_folder_is_looked_in_once() {
        assert_eq!(
            candidates(Path::new("content")),
            [
                PathBuf::from(CONFIG_NAME),
                PathBuf::from("content/feedsmith.yaml")
            ]
        );
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("site/_posts");
        std::fs::create_dir_all(&content).unwrap();
        assert_eq!(
            candidates(&content),
            [
                PathBuf::from(CONFIG_NAME),
                content.join(CONFIG_NAME),
                dir.path().join("site").join(CONFIG_NAME)
            ]
        );
    }

    #[test]
    fn the_first_one_found_is_read_and_none_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().join("here");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::create_dir_all(&here).unwrap();
        let find = |named| find_from(&here, named, &content, false);
        let none = find(None).unwrap();
        assert!(none.file.path.is_none());
        let note = not_found_note(&none).unwrap();
        assert!(note.contains("here/feedsmith.yaml, "), "{note}");
        assert!(note.contains(&content.join(CONFIG_NAME).display().to_string()));
        let beside = dir.path().join(CONFIG_NAME);
        std::fs::write(&beside, "title: Beside\n").unwrap();
        let found = find(None).unwrap();
        assert_eq!(found.file.title.as_deref(), Some("Beside"));
        assert_eq!(found.file.path.as_deref(), Some(beside.as_path()));
        assert_eq!(not_found_note(&found), None);
        std::fs::write(content.join(CONFIG_NAME), "title: Inside\n").unwrap();
        let found = find(None).unwrap();
        assert_eq!(found.file.title.as_deref(), Some("Inside"));
        std::fs::write(here.join(CONFIG_NAME), "title: Here\n").unwrap();
        assert_eq!(find(None).unwrap().file.title.as_deref(), Some("Here"));
        assert_eq!(find(None).unwrap().looked.len(), 3);
    }

    #[test]
    fn a_named_site_reads_its_own_config_not_the_current_folders() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().join("project");
        let site = dir.path().join("blog");
        std::fs::create_dir_all(&here).unwrap();
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join("_config.yml"), "title: Blog\n").unwrap();
        std::fs::write(here.join(CONFIG_NAME), "title: Another project\n").unwrap();
        let found = find_from(&here, None, &site, true).unwrap();
        assert_eq!(found.file.title, None, "{:?}", found.looked);
        assert!(!found.looked.contains(&here.join(CONFIG_NAME)));
        std::fs::write(site.join(CONFIG_NAME), "title: The blog's own\n").unwrap();
        let found = find_from(&here, None, &site, true).unwrap();
        assert_eq!(found.file.title.as_deref(), Some("The blog's own"));
    }

    #[test]
    fn a_named_file_must_exist() {
        let err = find(Some(Path::new("/nonexistent/x.yaml")), Path::new("content")).unwrap_err();
        assert!(err
            .message
            .starts_with("/nonexistent/x.yaml: error: cannot read config"));
    }
}
