//! What an installer uses: shell completions and man pages made from the
//! clap definitions, and a top-level help that names every file written.

mod common;

use common::*;
use std::process::{Command, Stdio};

const COMMANDS: [&str; 7] = [
    "build",
    "check",
    "topics",
    "feeds",
    "serve",
    "completions",
    "man",
];

#[test]
fn completions_cover_every_command_and_option() {
    let dir = empty_site();
    let bash = feedsmith(dir.path(), &["completions", "bash"]);
    assert_eq!(bash.status, 0, "{}", bash.stderr);
    for word in COMMANDS
        .iter()
        .chain(&["--base-url", "--lock-timeout", "--precompress"])
    {
        assert!(bash.stdout.contains(word), "bash completion lacks {word}");
    }
    // bash itself reads it and defines the completion.
    if Command::new("bash").arg("--version").output().is_ok() {
        let script = dir.path().join("feedsmith.bash");
        std::fs::write(&script, &bash.stdout).unwrap();
        let mut check = Command::new("bash");
        check.arg("-c").arg(format!(
            "source {} && complete -p feedsmith",
            script.display()
        ));
        let run = run_command(check);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert!(run.stdout.contains("feedsmith"), "{}", run.stdout);
    } else {
        eprintln!("skipped: bash is not installed, the script is not sourced");
    }
    let zsh = feedsmith(dir.path(), &["completions", "zsh"]);
    assert!(
        zsh.stdout.starts_with("#compdef feedsmith"),
        "{}",
        zsh.stdout
    );
    let fish = feedsmith(dir.path(), &["completions", "fish"]);
    assert!(
        fish.stdout.contains("complete -c feedsmith"),
        "{}",
        fish.stdout
    );
    let bad = feedsmith(dir.path(), &["completions", "tcsh"]);
    assert_eq!(bad.status, 2);
    assert_stderr_contains(&bad, "invalid value 'tcsh'");
}

#[test]
fn man_pages_for_feedsmith_and_each_command() {
    let dir = empty_site();
    let top = feedsmith(dir.path(), &["man"]);
    assert_eq!(top.status, 0, "{}", top.stderr);
    assert!(
        top.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &top.stdout[..80]
    );
    assert!(top.stdout.contains(".TH feedsmith 1"), "{}", top.stdout);
    for command in COMMANDS {
        assert!(
            top.stdout.contains(&format!("feedsmith\\-{command}(1)")),
            "no {command}"
        );
    }
    let build = feedsmith(dir.path(), &["man", "build"]);
    assert_eq!(build.status, 0);
    assert!(
        build.stdout.contains(".TH feedsmith-build 1"),
        "{}",
        build.stdout
    );
    assert!(build.stdout.contains("lock\\-timeout"), "{}", build.stdout);
    let unknown = feedsmith(dir.path(), &["man", "biuld"]);
    assert_eq!(unknown.status, 2);
    assert_stderr_contains(
        &unknown,
        "error: no command `biuld`; the commands are build, check",
    );
    // The page is roff that man renders (where man is installed).
    match Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(build.stdout.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains("--lock-timeout"), "{text}");
        }
        Err(_) => eprintln!("skipped: man is not installed, the page is not rendered"),
    }
}

#[test]
fn the_top_level_help_names_every_format_written() {
    let dir = empty_site();
    let help = feedsmith(dir.path(), &["--help"]);
    assert_eq!(help.status, 0);
    for format in [
        "RSS 2.0",
        "Atom 1.0",
        "JSON Feed 1.1",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "OPML",
        "index.opml",
        "index.html",
        "page.css",
        ".gz",
        ".feedsmith-redirects.conf",
    ] {
        assert!(help.stdout.contains(format), "--help lacks {format}");
    }
    for command in COMMANDS {
        assert!(help.stdout.contains(command), "--help lacks {command}");
    }
}
