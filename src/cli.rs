//! The command line: parses options, runs the pipeline, reports problems
//! on stderr and chooses the exit status.

use crate::config::{self, Overrides, Settings};
use crate::pipeline::{self, Prepared};
use crate::render;
use crate::select::FeedKind;
use crate::{load, report};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Duration;

/// Print a line, ignoring a closed pipe (`feedsmith check 2>&1 | head`)
/// instead of panicking.
macro_rules! say {
    ($stream:expr, $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($stream, $($arg)*);
    }};
}

/// The exit statuses, the same for every command (later versions add to
/// this table, never change it); shown by `--help` and in the README.
macro_rules! exit_table {
    () => {
        "Exit status (every command):\n  0  no errors (warnings allowed)\n  1  some articles had errors and were skipped, or some folder or file could not be read; everything else was written\n  2  nothing could be done and nothing was written\n  3  some files were written, then the run failed: every file written and not written is named on stderr and in --report json"
    };
}

/// Every kind of file a build writes, for the top-level `--help`.
macro_rules! formats_written {
    () => {
        "Writes, in the out folder (feeds/ by default):\n  rss.xml    RSS 2.0\n  atom.xml   Atom 1.0\n  feed.json  JSON Feed 1.1\n  index.opml OPML 2.0 list of every feed\n  index.html HTML pages (one per feed folder) and page.css with `page_css`\n  .gz twins  of every file, with --precompress\n  .feedsmith-redirects.conf  nginx map for renamed feeds (`aliases:`)"
    };
}

pub use crate::pipeline::{EXIT_ARTICLE_ERRORS, EXIT_FATAL, EXIT_OK, EXIT_PARTIAL};

/// Why `build` (and so `check`) refuses a config without a base URL.
const NO_BASE_URL: &str = "error: no base URL: feeds need absolute self links. Set `base_url: https://example.com/feeds/` in feedsmith.yaml or pass --base-url";

#[derive(Debug, Parser)]
#[command(
    name = "feedsmith",
    version,
    about = "Builds RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds (overall, per topic and any the config describes), an OPML list and pages to read them, from a folder of front-matter articles",
    after_help = concat!(formats_written!(), "\n\n", exit_table!())
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the feeds into the out folder.
    #[command(
        after_help = concat!("Example:\n  feedsmith build --content content --out feeds --base-url https://example.com/feeds/ --now 2024-05-01T00:00:00Z\n\n", exit_table!())
    )]
    Build(BuildArgs),
    /// Parse and select everything and report every problem; write nothing.
    #[command(
        after_help = concat!("Example:\n  feedsmith check --content content\n\nRenders every feed in memory too: it reports what build would refuse.\n\n", exit_table!())
    )]
    Check(InputArgs),
    /// List the topics: slug, name, number of articles, newest date, feed URLs.
    #[command(
        after_help = concat!("Example:\n  feedsmith topics --base-url https://example.com/feeds/\n  feedsmith topics --html   # <link rel=\"alternate\"> tags to paste into a site's pages\n\n", exit_table!())
    )]
    Topics(TopicsArgs),
    /// List every feed: folder, title, articles matched, entries held, newest date, feed URLs.
    #[command(
        after_help = concat!("Example:\n  feedsmith feeds --base-url https://example.com/feeds/\n\nEntries are what each feed holds after `limit` and `max_bytes`; matched counts every article that meets its filter.\n\n", exit_table!())
    )]
    Feeds(InputArgs),
    /// Serve the out folder over HTTP (loopback unless told otherwise).
    #[command(
        after_help = concat!("Example:\n  feedsmith serve --watch            # http://127.0.0.1:8080/, rebuilt on every change\n  feedsmith serve --addr 0.0.0.0:8080 --out feeds\n\n", exit_table!())
    )]
    Serve(ServeArgs),
    /// Write a commented feedsmith.yaml from what the content holds; never overwrites one.
    #[command(
        after_help = concat!("Example:\n  feedsmith init                  # ./feedsmith.yaml for ./content (or for . when it is a Jekyll site)\n  feedsmith init --base-url https://example.com/feeds/ site/\n\n", exit_table!())
    )]
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Install (bash):\n  feedsmith completions bash > /etc/bash_completion.d/feedsmith\nInstall (zsh):\n  feedsmith completions zsh > /usr/local/share/zsh/site-functions/_feedsmith\nInstall (fish):\n  feedsmith completions fish > ~/.config/fish/completions/feedsmith.fish"
    )]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), made from these very options.
    #[command(
        after_help = "Install:\n  feedsmith man > /usr/local/share/man/man1/feedsmith.1\n  feedsmith man build > /usr/local/share/man/man1/feedsmith-build.1\nRead without installing:\n  feedsmith man | man -l -"
    )]
    Man {
        /// A command's own page (`feedsmith man build`) instead of feedsmith(1).
        command: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder the config is written to.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Folder of articles (default: DIR/content if there is one, else DIR).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// URL where the out folder is served, written as `base_url`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Build first, then rebuild whenever the content or the config changes.
    #[arg(long)]
    pub watch: bool,
    #[command(flatten)]
    pub limits: crate::serve::Limits,
    #[command(flatten)]
    pub build: BuildArgs,
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder the feeds are written to [default: feeds; in a Jekyll site, feeds/ in the site's root].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Say what would be written, left unchanged and removed; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for another run's lock on the out folder.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_timeout: u64,
    /// Write feeds with no entries even where the existing ones have entries.
    #[arg(long)]
    pub allow_empty: bool,
    /// Print a machine-readable report of the run on stdout.
    #[arg(long, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,
    /// Also write a gzipped copy (`.gz`) of every file, for nginx `gzip_static` and `serve`.
    #[arg(long)]
    pub precompress: bool,
}

/// Formats of `--report`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Json,
}

#[derive(Debug, Args)]
pub struct TopicsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print the autodiscovery `<link rel="alternate">` tags of every feed instead of the table.
    #[arg(long)]
    pub html: bool,
}

#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// A Jekyll site's root folder (holding `_config.yml`): read as Jekyll reads it.
    #[arg(value_name = "SITE")]
    pub site: Option<PathBuf>,
    /// Folder of articles [default: content, or the current folder when it holds `_config.yml`].
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Read a folder holding `_config.yml` as any folder of articles, not as a Jekyll site.
    #[arg(long)]
    pub no_site: bool,
    /// Config file (optional unless given).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// URL where the out folder is served; overrides `base_url` in the config.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include drafts (`published: false`).
    #[arg(long)]
    pub drafts: bool,
    /// Include articles published after now.
    #[arg(long)]
    pub future: bool,
    /// In a Jekyll site, include `published: false` documents (as
    /// `jekyll --unpublished`); `--drafts` there reads `_drafts` only.
    #[arg(long)]
    pub unpublished: bool,
    /// The current time, for reproducible runs (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Print only warnings and errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also list every file passed over or left out, and why.
    #[arg(short, long)]
    pub verbose: bool,
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 date-time such as 2024-05-01T00:00:00Z: {e}"))
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match &cli.command {
        Command::Build(args) => build(args, Exit::Next),
        Command::Check(args) => check(args),
        Command::Topics(args) => topics(args),
        Command::Feeds(args) => feeds(args),
        Command::Serve(args) => serve(args),
        Command::Init(args) => {
            crate::init::run(&args.dir, args.content.as_deref(), args.base_url.as_deref())
        }
        Command::Completions { shell } => crate::manual::completions(*shell),
        Command::Man { command } => crate::manual::man(command.as_deref()),
    };
    ExitCode::from(status)
}

fn fatal(message: impl std::fmt::Display) -> u8 {
    say!(std::io::stderr(), "{message}");
    EXIT_FATAL
}

/// Where a run reads and writes, once a Jekyll site is found or not.
struct Resolved {
    settings: Settings,
    content: PathBuf,
    out: PathBuf,
    /// The config file looked for (watched by `serve --watch`).
    config: PathBuf,
}

/// Find the site and read the settings: a folder (`SITE`, `--content`, or
/// the current folder) holding `_config.yml` is a Jekyll site unless
/// `--no-site` or `site: false`; `out` is `--out`.
fn resolve(args: &InputArgs, out: Option<&Path>) -> Result<Resolved, config::ConfigError> {
    let given = args.site.clone().or_else(|| args.content.clone());
    let root = given.clone().unwrap_or_else(|| PathBuf::from("."));
    let looks_like_site = !args.no_site && crate::site::is_site(&root);
    let found = if looks_like_site {
        config::find_for_site(args.config.as_deref(), &root)?
    } else {
        config::find(args.config.as_deref(), &looked_from(args))?
    };
    let config_path = found
        .file
        .path
        .clone()
        .or_else(|| found.looked.first().cloned())
        .unwrap_or_else(|| PathBuf::from(config::CONFIG_NAME));
    let file = found.file;
    let overrides = Overrides {
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        unpublished: args.unpublished,
        future: args.future,
        now: args.now,
    };
    if !looks_like_site || file.site == Some(false) {
        return Ok(Resolved {
            settings: Settings::new(file, overrides, Utc::now())?,
            content: given.unwrap_or_else(|| PathBuf::from("content")),
            out: out.map_or_else(|| PathBuf::from("feeds"), Path::to_path_buf),
            config: config_path,
        });
    }
    let site = crate::site::config::read(&root)
        .map_err(|message| config::ConfigError { message, key: None })?;
    for warning in &site.warnings {
        say!(std::io::stderr(), "{warning}");
    }
    let out = out.map_or_else(|| root.join("feeds"), Path::to_path_buf);
    let published = published_folder(&root, &out);
    let default_base = site.site_url().map(|url| format!("{url}{published}"));
    let mut settings = Settings::for_site(file, site, default_base, overrides, Utc::now())?;
    if published.is_empty() {
        // The out folder is what `jekyll build` published (`--out _site`):
        // the site's own home page and pages stay; only feeds are added.
        settings.render.pages = false;
        settings.render.index_page = false;
    }
    Ok(Resolved {
        settings,
        content: root,
        out,
        config: config_path,
    })
}

/// Where the out folder is published below the site's URL: `_site` (what
/// `jekyll build` publishes) at the root, a folder inside the site at its
/// path (Jekyll copies it as static files), any other by its name.
fn published_folder(root: &Path, out: &Path) -> String {
    let absolute = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut clean = PathBuf::new();
        for part in p.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    clean.pop();
                }
                other => clean.push(other),
            }
        }
        clean
    };
    let (root, out) = (absolute(root), absolute(out));
    let relative = out
        .strip_prefix(&root)
        .ok()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| out.file_name().map(PathBuf::from).unwrap_or_default());
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "_site") || out.file_name().is_some_and(|n| n == "_site")
    {
        if parts.first().is_some_and(|p| p == "_site") {
            parts.remove(0);
        } else {
            parts.clear();
        }
    }
    parts.iter().map(|p| format!("{p}/")).collect()
}

/// An `--out` that is a file (or below one): refused before any article is
/// read, not after a screen of article messages.
fn out_not_a_folder(out: &std::path::Path) -> Option<String> {
    // The nearest part of the path that exists must be a folder.
    let existing = out
        .ancestors()
        .find(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_ok())?;
    if existing.is_dir() {
        return None;
    }
    Some(format!(
        "error: the out folder {} cannot be made: {} is a file, not a folder; nothing was written. Choose another --out",
        out.display(),
        existing.display()
    ))
}

/// Where a config is looked for besides the current folder (config::find):
/// the site root, or the content folder and beside it.
fn looked_from(args: &InputArgs) -> PathBuf {
    let given = args.site.clone().or_else(|| args.content.clone());
    let root = given.clone().unwrap_or_else(|| PathBuf::from("."));
    if !args.no_site && crate::site::is_site(&root) {
        root
    } else {
        given.unwrap_or_else(|| PathBuf::from("content"))
    }
}

/// [`NO_BASE_URL`], and where a config was looked for when none was found.
fn no_base_url(args: &InputArgs) -> String {
    let found = config::find(args.config.as_deref(), &looked_from(args));
    match found.ok().as_ref().and_then(config::not_found_note) {
        Some(note) => format!("{NO_BASE_URL}; {note}"),
        None => NO_BASE_URL.to_owned(),
    }
}

/// Load and select (no cache, no out folder), printing every problem;
/// `Err` holds the exit status.
fn prepare(args: &InputArgs, input: &Resolved) -> Result<Prepared, u8> {
    let bar = ProgressBar {
        enabled: false,
        bar: OnceLock::new(),
    };
    let settings = &input.settings;
    let prepared = pipeline::prepare(&input.content, None, settings, &bar, None)
        .map_err(|e| fatal(format!("error: {e}")))?;
    print_problems(args, &prepared, None);
    Ok(prepared)
}

/// Every diagnostic (with `fresh`, those it marks: `build --quiet` prints
/// a warning once), and with `--verbose` every file passed over or left out.
fn print_problems(args: &InputArgs, prepared: &Prepared, fresh: Option<&[bool]>) {
    for (i, diagnostic) in prepared.diagnostics.iter().enumerate() {
        if fresh.is_none_or(|fresh| fresh.get(i) != Some(&false)) {
            say!(std::io::stderr(), "{diagnostic}");
        }
    }
    if args.verbose {
        // Paths are input too: a newline in a file name must not forge a line.
        let shown = crate::diagnostic::escape_controls;
        for (path, why) in &prepared.loaded.passed_over {
            say!(std::io::stderr(), "{}: passed over: {why}", shown(path));
        }
        for (path, why) in &prepared.selection.left_out {
            say!(std::io::stderr(), "{}: left out: {why}", shown(path));
        }
    }
}

/// Settings, then load and select.
fn settings_and_prepare(args: &InputArgs) -> Result<(Settings, Prepared), u8> {
    let input = resolve(args, None).map_err(fatal)?;
    let prepared = prepare(args, &input)?;
    Ok((input.settings, prepared))
}

/// The run in one line; each number says what it counts, and they are the
/// numbers `--report json`, `feeds` and the index page give.
fn summary(prepared: &Prepared, feed_entries: &[Vec<usize>]) -> String {
    let c = &prepared.selection.counts;
    let entries: usize = feed_entries.iter().map(Vec::len).sum();
    let feeds = prepared.selection.feeds.len();
    format!(
        "{} articles read ({} from cache), {} selected, {} in feeds; left out: {} drafts, {} future, {} below min_quality, {} duplicates, {} with errors; {feeds} {} holding {entries} {}",
        prepared.articles_read(),
        prepared.loaded.cached_files,
        c.selected,
        c.in_feeds,
        c.drafts,
        c.future,
        c.low_quality,
        c.duplicates,
        prepared.loaded.error_files,
        if feeds == 1 { "feed" } else { "feeds" },
        if entries == 1 { "entry" } else { "entries" },
    )
}

/// Whether the process ends right after a build.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// `feedsmith build`: what the build holds need not be freed.
    Next,
    /// `serve --watch` builds again and again: free everything.
    Later,
}

fn build(args: &BuildArgs, exit: Exit) -> u8 {
    crate::trace("start");
    let input = match resolve(&args.input, args.out.as_deref()) {
        Ok(input) => input,
        Err(e) => return fatal(e),
    };
    let settings = &input.settings;
    if settings.base_url().is_none() {
        return fatal(no_base_url(&args.input));
    }
    if let Some(problem) = out_not_a_folder(&input.out) {
        return fatal(problem);
    }
    let bar = ProgressBar {
        enabled: !args.input.quiet,
        bar: OnceLock::new(),
    };
    let options = pipeline::BuildOptions {
        content_dir: &input.content,
        out_dir: &input.out,
        dry_run: args.dry_run,
        lock_timeout: Duration::from_secs(args.lock_timeout),
        allow_empty: args.allow_empty,
        precompress: args.precompress,
        progress: &bar,
        remember_seen: args.input.quiet,
    };
    let run = pipeline::build(settings, &options);
    if let Some(prepared) = &run.prepared {
        print_problems(&args.input, prepared, run.fresh.as_deref());
    }
    for message in &run.messages {
        say!(std::io::stderr(), "{message}");
    }
    let (Some(prepared), Some(plan)) = (&run.prepared, &run.plan) else {
        return run.status;
    };
    if !args.input.quiet && run.status != EXIT_PARTIAL {
        let would = if args.dry_run { "would be " } else { "" };
        let kept = if plan.kept.is_empty() {
            String::new()
        } else {
            format!(", {} {would}kept as they were", plan.kept.len())
        };
        say!(
            std::io::stderr(),
            "feedsmith: {}; {} files: {} {would}written, {} unchanged, {} {would}removed{kept}",
            summary(prepared, &run.feed_entries),
            run.files,
            plan.write.len(),
            plan.unchanged.len(),
            plan.remove.len()
        );
    }
    if let Some(ReportFormat::Json) = args.report {
        say!(
            std::io::stdout(),
            "{}",
            report::json(
                prepared,
                &run.feed_entries,
                plan,
                run.applied.as_ref(),
                run.files,
                run.status
            )
        );
    }
    crate::trace("reported");
    let status = run.status;
    if exit == Exit::Next {
        // Freeing every article one by one would only delay the exit; the
        // system takes the memory back at once.
        std::mem::forget(run);
    }
    status
}

fn check(args: &InputArgs) -> u8 {
    let (settings, mut prepared) = match settings_and_prepare(args) {
        Ok(ok) => ok,
        Err(status) => return status,
    };
    if !args.verbose && !args.quiet {
        // A Jekyll site's dateless documents are pages: `check` names them,
        // so that an entry missing its date is found.
        let shown = crate::diagnostic::escape_controls;
        for (path, why) in &prepared.loaded.passed_over {
            if why == crate::load::PAGE_WITHOUT_DATE {
                say!(std::io::stderr(), "{}: passed over: {why}", shown(path));
            }
        }
    }
    // Render too, into memory: whatever `build` would refuse is found here.
    let rendered = pipeline::render(&prepared, &settings);
    for warning in &rendered.warnings {
        say!(std::io::stderr(), "{warning}");
    }
    prepared
        .diagnostics
        .extend(rendered.warnings.iter().cloned());
    let mut status = if rendered.errors.is_empty() {
        prepared.status()
    } else {
        for e in &rendered.errors {
            say!(std::io::stderr(), "{e}");
        }
        EXIT_FATAL
    };
    if settings.base_url().is_none() {
        say!(std::io::stderr(), "{}", no_base_url(args));
        status = EXIT_FATAL;
    }
    if !args.quiet {
        let feeds = prepared.selection.feeds.len();
        let files: usize = prepared
            .selection
            .feeds
            .iter()
            .map(|f| f.formats.len())
            .sum();
        say!(
            std::io::stderr(),
            "feedsmith: {}; {feeds} feeds ({files} feed files) would be written, with the pages and the OPML list",
            summary(&prepared, &rendered.entries)
        );
    }
    status
}

fn topics(args: &TopicsArgs) -> u8 {
    let (settings, prepared) = match settings_and_prepare(&args.input) {
        Ok(ok) => ok,
        Err(status) => return status,
    };
    let feeds = &prepared.selection.feeds;
    let kept: Vec<&[usize]> = feeds.iter().map(|f| f.entries.as_slice()).collect();
    let summaries = render::summaries(feeds, &kept, &prepared.loaded.articles, &settings.render);
    let listed = summaries
        .iter()
        .filter(|s| matches!(s.feed.kind, FeedKind::Overall | FeedKind::Topic));
    if args.html {
        for feed in listed {
            say!(
                std::io::stdout(),
                "{}",
                render::autodiscovery_links(feed).trim_end()
            );
        }
        return prepared.status();
    }
    let mut rows = vec![["SLUG", "NAME", "ARTICLES", "NEWEST", "FEEDS"].map(str::to_owned)];
    for feed in listed {
        rows.push([
            feed.feed.key.clone().unwrap_or_else(|| "(all)".to_owned()),
            feed.feed.name.clone(),
            feed.feed.matched.to_string(),
            newest(feed),
            urls(feed),
        ]);
    }
    print_table(&rows);
    prepared.status()
}

fn feeds(args: &InputArgs) -> u8 {
    let (settings, prepared) = match settings_and_prepare(args) {
        Ok(ok) => ok,
        Err(status) => return status,
    };
    // Rendered, so that the entries are what `build` writes (after `max_bytes`).
    let rendered = pipeline::render(&prepared, &settings);
    for problem in rendered.warnings.iter().chain(&rendered.errors) {
        say!(std::io::stderr(), "{problem}");
    }
    let feeds = &prepared.selection.feeds;
    let kept: Vec<&[usize]> = rendered.entries.iter().map(Vec::as_slice).collect();
    let summaries = render::summaries(feeds, &kept, &prepared.loaded.articles, &settings.render);
    let mut rows =
        vec![["FOLDER", "TITLE", "MATCHED", "ENTRIES", "NEWEST", "FEEDS"].map(str::to_owned)];
    for feed in &summaries {
        rows.push([
            if feed.feed.dir.is_empty() {
                "/".to_owned()
            } else {
                feed.feed.dir.clone()
            },
            feed.feed.title.clone(),
            feed.feed.matched.to_string(),
            feed.entries.to_string(),
            newest(feed),
            urls(feed),
        ]);
    }
    print_table(&rows);
    if rendered.errors.is_empty() {
        prepared.status()
    } else {
        EXIT_FATAL
    }
}

fn newest(feed: &render::FeedSummary) -> String {
    feed.newest.map_or_else(
        || "-".to_owned(),
        |a| a.published.format("%Y-%m-%d").to_string(),
    )
}

fn urls(feed: &render::FeedSummary) -> String {
    let urls: Vec<&str> = feed.urls.iter().map(|(_, url)| url.as_str()).collect();
    urls.join(" ")
}

fn print_table<const N: usize>(rows: &[[String; N]]) {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        say!(std::io::stdout(), "{}", line.trim_end());
    }
}

/// Files at which a load counts as long enough for a progress bar.
const PROGRESS_MIN_FILES: usize = 5_000;

/// A progress bar on stderr, drawn only on a terminal and for long loads:
/// never in cron logs.
struct ProgressBar {
    enabled: bool,
    bar: OnceLock<indicatif::ProgressBar>,
}

impl load::Progress for ProgressBar {
    fn start(&self, files: usize) {
        if self.enabled && files >= PROGRESS_MIN_FILES && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(files as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            {
                bar.set_style(style);
            }
            let _ = self.bar.set(bar);
        }
    }
    fn advance(&self) {
        if let Some(bar) = self.bar.get() {
            bar.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

fn serve(args: &ServeArgs) -> u8 {
    let input = match resolve(&args.build.input, args.build.out.as_deref()) {
        Ok(input) => input,
        Err(e) => return fatal(e),
    };
    if let Some(problem) = pipeline::out_folder_problem(&input.content, &input.out, "not served") {
        return fatal(problem);
    }
    let watch = if args.watch {
        let status = build(&args.build, Exit::Later);
        if status == EXIT_FATAL {
            return status;
        }
        let build_args = args.build.clone();
        let paths = vec![input.content.clone(), input.config.clone()];
        let rebuild: crate::serve::Rebuild = Box::new(move || build(&build_args, Exit::Later));
        Some((paths, rebuild))
    } else {
        None
    };
    let options = crate::serve::ServeOptions {
        addr: args.addr,
        out_dir: input.out.clone(),
        limits: args.limits.clone(),
        watch,
    };
    match crate::serve::run(options) {
        Ok(()) => 0,
        Err(e) => fatal(format!("error: {e}")),
    }
}
