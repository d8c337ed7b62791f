//! The command line: parses options, runs the pipeline, reports problems
//! on stderr and chooses the exit status.

use crate::config::{self, Overrides, Settings};
use crate::pipeline::{self, Prepared};
use crate::render::{self, Format};
use crate::{load, report, write};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
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

/// Exit status: no errors.
pub const EXIT_OK: u8 = 0;
/// Exit status: some article files had errors and were skipped (or some
/// folder or file could not be read); everything else was written.
pub const EXIT_ARTICLE_ERRORS: u8 = 1;
/// Exit status: nothing could be done and nothing was written.
pub const EXIT_FATAL: u8 = 2;
/// Exit status: some files were written, then the run failed.
pub const EXIT_PARTIAL: u8 = 3;

/// Why `build` (and so `check`) refuses a config without a base URL.
const NO_BASE_URL: &str = "error: no base URL: feeds need absolute self links. Set `base_url: https://example.com/feeds/` in feedsmith.yaml or pass --base-url";

/// Test-only: milliseconds `build` waits between loading and writing, so
/// that tests can overlap two runs deterministically. Not for production.
const TEST_DELAY_ENV: &str = "FEEDSMITH_TEST_DELAY_AFTER_LOAD_MS";

#[derive(Debug, Parser)]
#[command(
    name = "feedsmith",
    version,
    about = "Builds RSS 2.0 and Atom 1.0 feeds, overall and per topic, from a folder of front-matter articles",
    after_help = exit_table!()
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
    /// Serve the out folder over HTTP (loopback unless told otherwise).
    #[command(
        after_help = concat!("Example:\n  feedsmith serve --watch            # http://127.0.0.1:8080/, rebuilt on every change\n  feedsmith serve --addr 0.0.0.0:8080 --out feeds\n\n", exit_table!())
    )]
    Serve(ServeArgs),
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
    /// Folder the feeds are written to.
    #[arg(long, value_name = "DIR", default_value = "feeds")]
    pub out: PathBuf,
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
    /// Folder of articles.
    #[arg(long, value_name = "DIR", default_value = "content")]
    pub content: PathBuf,
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
        Command::Serve(args) => serve(args),
    };
    ExitCode::from(status)
}

fn fatal(message: impl std::fmt::Display) -> u8 {
    say!(std::io::stderr(), "{message}");
    EXIT_FATAL
}

fn settings(args: &InputArgs) -> Result<Settings, config::ConfigError> {
    let (path, explicit) = match &args.config {
        Some(path) => (path.clone(), true),
        None => (PathBuf::from("feedsmith.yaml"), false),
    };
    let file = config::read(&path, explicit)?;
    let overrides = Overrides {
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        future: args.future,
        now: args.now,
    };
    Settings::new(file, overrides, Utc::now())
}

/// Load and select, printing every problem; `Err` holds the exit status.
fn prepare(
    args: &InputArgs,
    settings: &Settings,
    out_dir: Option<&std::path::Path>,
    show_progress: bool,
    cache: Option<Vec<u8>>,
) -> Result<Prepared, u8> {
    let bar = ProgressBar {
        enabled: show_progress && !args.quiet,
        bar: OnceLock::new(),
    };
    let prepared = pipeline::prepare(&args.content, out_dir, settings, &bar, cache)
        .map_err(|e| fatal(format!("error: {e}")))?;
    for diagnostic in &prepared.diagnostics {
        say!(std::io::stderr(), "{diagnostic}");
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
    Ok(prepared)
}

/// Settings, then load and select.
fn settings_and_prepare(args: &InputArgs) -> Result<(Settings, Prepared), u8> {
    let settings = settings(args).map_err(fatal)?;
    let prepared = prepare(args, &settings, None, false, None)?;
    Ok((settings, prepared))
}

fn status_of(prepared: &Prepared) -> u8 {
    if prepared.loaded.error_files > 0 || prepared.has_unreadable() {
        EXIT_ARTICLE_ERRORS
    } else {
        EXIT_OK
    }
}

fn summary(prepared: &Prepared) -> String {
    let c = &prepared.selection.counts;
    format!(
        "{} articles read, {} in feeds; left out: {} drafts, {} future, {} below min_quality, {} duplicates, {} with errors",
        prepared.articles_read(),
        c.in_feeds,
        c.drafts,
        c.future,
        c.low_quality,
        c.duplicates,
        prepared.loaded.error_files
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

/// `path` made absolute and free of `.`, `..` and symbolic links as far as
/// it exists; the part that does not exist yet is appended as written.
fn resolved(path: &std::path::Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(real) => {
                let mut real = real;
                for part in rest.iter().rev() {
                    real.push(part);
                }
                return Some(real);
            }
            Err(_) => {
                rest.push(existing.file_name()?.to_owned());
                existing = existing.parent()?;
            }
        }
    }
}

/// An out folder that is the content folder or contains it would publish
/// the raw articles (`serve` would expose them, `secured` values and all):
/// refused by `build` and `serve`. One inside the content folder is fine;
/// the walk leaves it out.
fn out_folder_problem(
    content: &std::path::Path,
    out: &std::path::Path,
    outcome: &str,
) -> Option<String> {
    let content = content.canonicalize().ok()?;
    let out_real = resolved(out)?;
    content.starts_with(&out_real).then(|| {
        format!(
            "error: the out folder {} is the content folder {} or contains it: its articles would be published; {outcome}. Choose another --out",
            out.display(),
            content.display()
        )
    })
}

fn build(args: &BuildArgs, exit: Exit) -> u8 {
    crate::trace("start");
    let settings = match settings(&args.input) {
        Ok(settings) => settings,
        Err(e) => return fatal(e),
    };
    if settings.base_url.is_none() {
        return fatal(NO_BASE_URL);
    }
    if let Err(e) = args.input.content.canonicalize() {
        // Before the lock: a missing content folder leaves no trace.
        return fatal(format!(
            "error: cannot read content folder {}: {e}",
            args.input.content.display()
        ));
    }
    if let Some(problem) = out_folder_problem(&args.input.content, &args.out, "nothing was written")
    {
        return fatal(problem);
    }
    // The out folder is ours alone from before loading until the end, so a
    // run that started earlier never overwrites the output of one that
    // finished later. A dry run writes nothing and takes no lock.
    let _lock = if args.dry_run {
        None
    } else {
        match write::OutLock::acquire(&args.out, Duration::from_secs(args.lock_timeout)) {
            Ok(lock) => Some(lock),
            Err(e) => return fatal(format!("error: {e}")),
        }
    };
    let prepared = {
        // An unreadable or missing cache just means a full parse; one that
        // is a link, a FIFO or a device is not read at all.
        let cache = load::read::read_own_file(&args.out.join(pipeline::CACHE_FILE), 1 << 34)
            .ok()
            .flatten()
            .unwrap_or_default();
        prepare(&args.input, &settings, Some(&args.out), true, Some(cache))
    };
    let mut prepared = match prepared {
        Ok(ok) => ok,
        Err(status) => return status,
    };
    crate::trace("prepared");
    if let Some(ms) = std::env::var(TEST_DELAY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let mut files = match pipeline::render_all(&prepared, &settings) {
        Ok(files) => files,
        Err(errors) => {
            for e in &errors {
                say!(std::io::stderr(), "{e}");
            }
            return fatal("error: some files could not be rendered; nothing was written");
        }
    };
    crate::trace("rendered");
    if args.precompress {
        let gz = pipeline::precompressed(&files);
        files.extend(gz);
    }
    if files.iter().all(|f| f.entries.is_none_or(|n| n == 0))
        && !args.allow_empty
        && write::feeds_had_entries(&args.out)
    {
        return fatal(format!(
            "error: this run would replace the feeds in {} that have entries with empty ones (empty or unmounted content folder? every article broken?); nothing was changed. Pass --allow-empty if that is what you want",
            args.out.display()
        ));
    }
    let held = prepared.held_files();
    let hold = if prepared.loaded.hold_all {
        say!(
            std::io::stderr(),
            "error: {} could not be read and the cache has nothing for it: every existing file in {} is left as it is and nothing is removed",
            prepared.loaded.unreadable.join(", "),
            args.out.display()
        );
        write::Hold::Everything
    } else if held.is_empty() {
        write::Hold::Nothing
    } else {
        write::Hold::Files(&held)
    };
    let plan = match write::plan(&args.out, &files, hold) {
        Ok(plan) => plan,
        Err(e) => return fatal(e),
    };
    for (path, why) in &plan.forgotten {
        say!(
            std::io::stderr(),
            "{}: warning: not removed and no longer listed as feedsmith's: {why}",
            args.out.join(path).display()
        );
    }
    let mut applied = None;
    if args.dry_run {
        for (verb, paths) in [
            ("write", &plan.write),
            ("leave unchanged", &plan.unchanged),
            ("keep as it is", &plan.kept),
            ("remove", &plan.remove),
        ] {
            for path in paths {
                say!(
                    std::io::stderr(),
                    "would {verb}: {}",
                    args.out.join(path).display()
                );
            }
        }
    } else {
        match write::apply(&args.out, &files, &plan) {
            Ok(done) => applied = Some(done),
            Err(failure) => return partial_failure(args, &prepared, &plan, files.len(), failure),
        }
        if let Some(cache) = prepared.loaded.cache.take() {
            let path = args.out.join(pipeline::CACHE_FILE);
            if let Err(e) = write::write_atomic_unsynced(&path, &cache) {
                say!(
                    std::io::stderr(),
                    "{}: warning: cannot write the cache: {e}",
                    path.display()
                );
            }
        }
    }
    crate::trace("written");
    let status = status_of(&prepared);
    if !args.input.quiet {
        let would = if args.dry_run { "would be " } else { "" };
        let kept = if plan.kept.is_empty() {
            String::new()
        } else {
            format!(", {} {would}kept as they were", plan.kept.len())
        };
        say!(
            std::io::stderr(),
            "feedsmith: {}; {} files: {} {would}written, {} unchanged, {} {would}removed{kept}",
            summary(&prepared),
            files.len(),
            plan.write.len(),
            plan.unchanged.len(),
            plan.remove.len()
        );
    }
    if let Some(ReportFormat::Json) = args.report {
        say!(
            std::io::stdout(),
            "{}",
            report::json(&prepared, &plan, applied.as_ref(), files.len(), status)
        );
    }
    crate::trace("reported");
    if exit == Exit::Next {
        // Freeing every article one by one would only delay the exit; the
        // system takes the memory back at once.
        std::mem::forget(prepared);
    }
    status
}

/// Writing failed part-way: exit 3 when something in the out folder had
/// already changed, naming every file written and not written; else 2.
fn partial_failure(
    args: &BuildArgs,
    prepared: &Prepared,
    plan: &write::Plan,
    feeds: usize,
    failure: write::ApplyError,
) -> u8 {
    say!(std::io::stderr(), "{}", failure.error);
    let status = if failure.changed_something() {
        EXIT_PARTIAL
    } else {
        EXIT_FATAL
    };
    let applied: &write::Applied = &failure.applied;
    if status == EXIT_PARTIAL {
        for path in &applied.written {
            say!(
                std::io::stderr(),
                "written: {}",
                args.out.join(path).display()
            );
        }
        for path in &applied.removed {
            say!(
                std::io::stderr(),
                "removed: {}",
                args.out.join(path).display()
            );
        }
        for path in applied
            .cleared
            .iter()
            .filter(|p| !applied.written.contains(p))
        {
            say!(
                std::io::stderr(),
                "removed ahead of its rewrite: {}",
                args.out.join(path).display()
            );
        }
    }
    for path in &applied.not_done {
        say!(
            std::io::stderr(),
            "not written: {}",
            args.out.join(path).display()
        );
    }
    say!(
        std::io::stderr(),
        "feedsmith: the run failed after {} files were written and {} removed; {} files not written or removed",
        applied.written.len(),
        applied.removed.len(),
        applied.not_done.len()
    );
    if let Some(ReportFormat::Json) = args.report {
        say!(
            std::io::stdout(),
            "{}",
            report::json(prepared, plan, Some(applied), feeds, status)
        );
    }
    status
}

fn check(args: &InputArgs) -> u8 {
    let (settings, prepared) = match settings_and_prepare(args) {
        Ok(ok) => ok,
        Err(status) => return status,
    };
    // Render too, into memory: whatever `build` would refuse is found here.
    let mut status = match pipeline::render_all(&prepared, &settings) {
        Ok(_) => status_of(&prepared),
        Err(errors) => {
            for e in &errors {
                say!(std::io::stderr(), "{e}");
            }
            EXIT_FATAL
        }
    };
    if settings.base_url.is_none() {
        say!(std::io::stderr(), "{NO_BASE_URL}");
        status = EXIT_FATAL;
    }
    if !args.quiet {
        let feeds = (1 + prepared.selection.topics.len()) * Format::ALL.len();
        say!(
            std::io::stderr(),
            "feedsmith: {}; {feeds} feeds would be written, with the index page and OPML list",
            summary(&prepared)
        );
    }
    status
}

fn topics(args: &TopicsArgs) -> u8 {
    let (settings, prepared) = match settings_and_prepare(&args.input) {
        Ok(ok) => ok,
        Err(status) => return status,
    };
    let summaries = pipeline::feed_summaries(&prepared, &settings);
    if args.html {
        for feed in &summaries {
            say!(
                std::io::stdout(),
                "{}",
                render::autodiscovery_links(feed, &settings.title).trim_end()
            );
        }
        return status_of(&prepared);
    }
    let mut rows = vec![["SLUG", "NAME", "ARTICLES", "NEWEST", "FEEDS"].map(str::to_owned)];
    for feed in &summaries {
        rows.push([
            feed.slug.unwrap_or("(all)").to_owned(),
            feed.name.to_owned(),
            feed.article_count.to_string(),
            feed.newest.map_or_else(
                || "-".to_owned(),
                |a| a.published.format("%Y-%m-%d").to_string(),
            ),
            feed.urls.join(" "),
        ]);
    }
    print_table(&rows);
    status_of(&prepared)
}

fn print_table(rows: &[[String; 5]]) {
    let mut widths = [0usize; 5];
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
    let (content, out) = (&args.build.input.content, &args.build.out);
    if let Some(problem) = out_folder_problem(content, out, "not served") {
        return fatal(problem);
    }
    let watch = if args.watch {
        let status = build(&args.build, Exit::Later);
        if status == EXIT_FATAL {
            return status;
        }
        let build_args = args.build.clone();
        let config = build_args
            .input
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("feedsmith.yaml"));
        let paths = vec![build_args.input.content.clone(), config];
        let rebuild: crate::serve::Rebuild = Box::new(move || build(&build_args, Exit::Later));
        Some((paths, rebuild))
    } else {
        None
    };
    let options = crate::serve::ServeOptions {
        addr: args.addr,
        out_dir: args.build.out.clone(),
        limits: args.limits.clone(),
        watch,
    };
    match crate::serve::run(options) {
        Ok(()) => 0,
        Err(e) => fatal(format!("error: {e}")),
    }
}
