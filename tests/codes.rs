//! Every diagnostic's stable code, in text and `--report json`; the line
//! of the key it concerns (line 1 for a missing one); config `ignore:`.

mod common;

use common::*;
use feedsmith::diagnostic::Code;

/// An article as an editor writes it, `extra` being more front-matter lines.
fn post(title: &str, date: &str, url: &str, extra: &str) -> String {
    format!("---\ntitle: \"{title}\"\npublishedDateTime: {date}\n{extra}originalUrl: \"{url}\"\n---\nBody.\n")
}

/// A site with a duplicate (its link on line 4), an article without a
/// date, one with a zone-less date, and a taxonomy file without a name.
fn mixed_site() -> tempfile::TempDir {
    site(&[
        (
            "news/2024-03-01-launch.md",
            &post(
                "Launch",
                "2024-03-01T09:00:00Z",
                "https://e.example/launch",
                "excerpt: Out now\n",
            ),
        ),
        (
            "_archive/2019/launch-copy.md",
            &post(
                "Launch (copy)",
                "2024-03-02T09:00:00Z",
                "https://e.example/launch",
                "excerpt: Old copy\n",
            ),
        ),
        (
            "news/undated.md",
            "---\ntitle: Undated\noriginalUrl: \"https://e.example/undated\"\n---\n",
        ),
        (
            "news/zoneless.md",
            &post(
                "Zoneless",
                "2024-02-01 10:00:00",
                "https://e.example/zoneless",
                "",
            ),
        ),
        ("_data/topics/broken.yaml", "description: no name here\n"),
    ])
}

#[test]
fn text_lines_carry_code_and_line() {
    let dir = mixed_site();
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let problems: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning[") || l.contains("error["))
        .collect();
    assert_eq!(
        problems,
        [
            "_archive/2019/launch-copy.md:5:1: warning[duplicate-link]: duplicate of news/2024-03-01-launch.md (same link https://e.example/launch); left out",
            "_data/topics/broken.yaml:1: warning[bad-taxonomy]: taxonomy file has no `name` or `_id`; ignored",
            "news/undated.md:1: error[missing-date]: missing `publishedDateTime`",
            "news/zoneless.md:3:1: warning[no-time-zone]: `publishedDateTime` `2024-02-01 10:00:00` has no time zone; taken as UTC",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn report_json_has_code_and_line_for_every_problem() {
    let dir = mixed_site();
    let run = build(dir.path(), &["--quiet", "--report", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 4, "{problems:?}");
    for problem in problems {
        assert!(problem["line"].is_u64(), "{problem}");
        let code = problem["code"].as_str().unwrap();
        assert!(Code::parse(code).is_ok(), "{problem}");
    }
    let undated = problems
        .iter()
        .find(|p| p["path"] == "news/undated.md")
        .unwrap();
    assert_eq!(
        (&undated["code"], &undated["line"], &undated["severity"]),
        (&"missing-date".into(), &1.into(), &"error".into())
    );
}

#[test]
fn ignore_silences_a_code_everywhere_or_under_a_path() {
    let dir = mixed_site();
    let config = format!(
        "{MINIMAL_CONFIG}ignore:\n  - no-time-zone\n  - {{code: duplicate-link, path: \"_archive/**\"}}\n  - {{code: bad-taxonomy, path: \"news/**\"}}\n  - missing-date\n"
    );
    write(dir.path(), "feedsmith.yaml", &config);
    let run = build(dir.path(), &["--report", "json"]);
    assert_eq!(run.status, 1, "an error still counts: {}", run.stderr);
    assert!(!run.stderr.contains("[no-time-zone]"), "{}", run.stderr);
    assert!(!run.stderr.contains("[duplicate-link]"), "{}", run.stderr);
    // Scoped to another folder: still reported.
    assert_stderr_contains(&run, "_data/topics/broken.yaml:1: warning[bad-taxonomy]");
    // Errors are never silenced.
    assert_stderr_contains(&run, "news/undated.md:1: error[missing-date]");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["bad-taxonomy", "missing-date"]);
    // A rerun over the same input (replayed from the run record) stays
    // as silent.
    let again = build(dir.path(), &["--report", "json"]);
    let problems = |run: &Run| {
        let lines: Vec<String> = run
            .stderr
            .lines()
            .filter(|l| !l.starts_with("feedsmith:"))
            .map(str::to_owned)
            .collect();
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        (lines, report["problems"].clone())
    };
    assert_eq!(problems(&again), problems(&run));
    assert!(again.stderr.contains("(5 from cache)"), "{}", again.stderr);

    // Outside `_archive/`, the same code is reported.
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}ignore: [{{code: duplicate-link, path: \"news/**\"}}]\n"),
    );
    assert_stderr_contains(
        &build(dir.path(), &[]),
        "_archive/2019/launch-copy.md:5:1: warning[duplicate-link]",
    );
}

#[test]
fn an_unknown_code_in_ignore_is_a_config_error_with_a_suggestion() {
    let dir = mixed_site();
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{MINIMAL_CONFIG}ignore:\n  - duplicate-links\n"),
    );
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "feedsmith.yaml:2: error: config `ignore`: unknown code `duplicate-links`; did you mean `duplicate-link`?",
    );
    assert!(!dir.path().join("feeds").exists(), "nothing written");
}

#[test]
fn the_readme_lists_every_code_with_what_to_do() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in Code::ALL {
        let row = format!("| `{}` | {} |", code.name(), code.advice());
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}
