//! Helpers shared by the integration tests: run the real binary, make
//! content folders, parse feeds with an independent parser (feed-rs).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NOW: &str = "2024-06-01T00:00:00Z";

/// The least a config needs for `build`: a base URL.
pub const MINIMAL_CONFIG: &str = "base_url: https://x.example/feeds/\n";

/// A temporary site with only the minimal config and no content yet.
pub fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "feedsmith.yaml", MINIMAL_CONFIG);
    dir
}

/// A site with one good article (`content/good.md`, topic `Rust`) and
/// `files` (path below `content/`, text) next to it.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = empty_site();
    write(
        dir.path(),
        "content/good.md",
        &article(
            "Good",
            "2024-01-01T00:00:00Z",
            "https://e.example/good",
            &["Rust"],
        ),
    );
    for (path, text) in files {
        write(dir.path(), &format!("content/{path}"), text);
    }
    dir
}

/// A site of `articles` (title, topics): the `i`th is `content/{i}.md`,
/// published on 2024-01-0{i+1}, linked `https://e.example/{i}`.
pub fn site_of(articles: &[(&str, &[&str])]) -> tempfile::TempDir {
    let dir = empty_site();
    for (i, (title, topics)) in articles.iter().enumerate() {
        let text = article(
            title,
            &format!("2024-01-{:02}T00:00:00Z", i + 1),
            &format!("https://e.example/{i}"),
            topics,
        );
        write(dir.path(), &format!("content/{i}.md"), &text);
    }
    dir
}

/// `feedsmith build --now NOW` and `extra`, in `dir`.
pub fn build(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--now", NOW];
    args.extend_from_slice(extra);
    feedsmith(dir, &args)
}

/// The output of one run of the binary.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn feedsmith(dir: &Path, args: &[&str]) -> Run {
    feedsmith_env(dir, args, &[])
}

pub fn feedsmith_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feedsmith"));
    command.current_dir(dir).args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    run_command(command)
}

/// Run a prepared command (the binary under another user, say) to its end.
pub fn run_command(mut command: Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run feedsmith");
    Run {
        status: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Whether the tests run as root (where permission bits do not stop a read).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Whether permission bits can be made to count: not root, or root with
/// `setpriv` to run the binary as `nobody`. When not, the test says so and
/// is skipped.
pub fn can_drop_privileges() -> bool {
    let ok = !is_root()
        || Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: running as root without a working setpriv, permission bits do not stop reads"
        );
    }
    ok
}

/// Run feedsmith in `dir` as an unprivileged user, so that permission bits
/// count: as root, as `nobody`, after giving the site to it.
pub fn feedsmith_unprivileged(dir: &Path, args: &[&str]) -> Run {
    let mut command = if is_root() {
        let chown = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(chown.success());
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_feedsmith"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_feedsmith"))
    };
    command.current_dir(dir).args(args);
    run_command(command)
}

pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Fail with the whole of stderr when it lacks `expected`.
pub fn assert_stderr_contains(run: &Run, expected: &str) {
    assert!(
        run.stderr.contains(expected),
        "missing {expected:?} in stderr:\n{}",
        run.stderr
    );
}

/// Copy a fixture folder from `tests/fixtures/` into a fresh temporary folder.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        dir.path(),
    );
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Write an article file below `root`, creating folders.
pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A minimal valid article.
pub fn article(title: &str, date: &str, url: &str, topics: &[&str]) -> String {
    let topics: Vec<String> = topics.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        "---\ntitle: \"{title}\"\nexcerpt: \"About {title}\"\npublishedDateTime: {date}\noriginalUrl: \"{url}\"\ntopics: [{}]\nsecured: \"TOPSECRET-blob\"\n---\n",
        topics.join(", ")
    )
}

/// Parse a feed file (RSS, Atom or JSON Feed) with feed-rs, after a
/// strict well-formedness check, failing the test with the file name.
pub fn parse_feed(path: &Path) -> feed_rs::model::Feed {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str::<serde_json::Value>(text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    } else {
        roxmltree::Document::parse(text)
            .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    }
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The feed files below `root` (RSS, Atom, JSON Feed), relative, sorted.
pub fn feed_files(root: &Path) -> Vec<String> {
    files(root)
        .into_iter()
        .filter(|f| f.ends_with("rss.xml") || f.ends_with("atom.xml") || f.ends_with("feed.json"))
        .collect()
}

/// Every file below `root`, relative, sorted; feedsmith's own dot files
/// (manifest, lock) left out.
pub fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    collect(root, root, &mut out);
    out.sort();
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path: PathBuf = entry.unwrap().path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".feedsmith"))
        {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

/// A symbolic link at `link` to `target`, the link's folder made first.
pub fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
}

/// The files a build wrote to `dir/feeds` (dot files aside) with their bytes.
pub fn outputs(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(&dir.join("feeds"))
}

/// Every file below `out` (dot files aside) with its bytes.
pub fn snapshot(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files(out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect()
}

pub fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| {
            e.title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default()
        })
        .collect()
}
