//! A run: load → select → render → write. [`build`] is the one function
//! `build` and `serve --watch` call; `check`, `topics` and `feeds` stop
//! after [`prepare`] (and [`render`]). Nothing here prints: the cli does.

use crate::config::Settings;
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, LoadOptions, Loaded};
use crate::render::{self, Rendered};
use crate::select::{self, Selection};
use crate::write::{self, OutputFile};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

mod replay;

pub use replay::RECORD_FILE;

/// Exit status: no errors.
pub const EXIT_OK: u8 = 0;
/// Exit status: some article files had errors and were skipped (or some
/// folder or file could not be read); everything else was written.
pub const EXIT_ARTICLE_ERRORS: u8 = 1;
/// Exit status: nothing could be done and nothing was written.
pub const EXIT_FATAL: u8 = 2;
/// Exit status: some files were written, then the run failed.
pub const EXIT_PARTIAL: u8 = 3;

/// The incremental cache, in the out folder: never served, not a feed.
pub const CACHE_FILE: &str = ".feedsmith-cache";

/// Test-only: milliseconds `build` waits between loading and writing, so
/// that tests can overlap two runs deterministically. Not for production.
const TEST_DELAY_ENV: &str = "FEEDSMITH_TEST_DELAY_AFTER_LOAD_MS";

/// The result of loading and selecting: everything but the output.
pub struct Prepared {
    pub loaded: Loaded,
    pub selection: Selection,
    /// Every problem, sorted by path.
    pub diagnostics: Vec<Diagnostic>,
    /// Articles in a feed that could not be read again (their file or
    /// folder is unreadable): the feeds holding them keep their previous
    /// version.
    pub unreadable_in_feeds: Vec<usize>,
    /// Some article changed between loading and reading it again: a rerun
    /// would say otherwise, so this run is not recorded for replay.
    changed_during_run: bool,
    /// What reading the bodies in feeds found (a site's Liquid): a replay
    /// says it again.
    liquid_warnings: Vec<Diagnostic>,
}

impl Prepared {
    /// Article files read: valid ones and those skipped for errors.
    pub fn articles_read(&self) -> usize {
        self.loaded.articles.len() + self.loaded.error_files
    }

    /// Whether some folder or file could not be read (exit status 1).
    pub fn has_unreadable(&self) -> bool {
        !self.loaded.unreadable.is_empty() || !self.unreadable_in_feeds.is_empty()
    }

    /// 0, or 1 when articles had errors or something could not be read.
    pub fn status(&self) -> u8 {
        if self.loaded.error_files > 0 || self.has_unreadable() {
            EXIT_ARTICLE_ERRORS
        } else {
            EXIT_OK
        }
    }

    /// The output files to leave as they are: the files (and `.gz` twins)
    /// of the feeds holding an article that could not be read again.
    pub fn held_files(&self) -> BTreeSet<String> {
        let mut held = BTreeSet::new();
        for feed in &self.selection.feeds {
            if !feed
                .entries
                .iter()
                .any(|i| self.unreadable_in_feeds.contains(i))
            {
                continue;
            }
            let paths = feed
                .formats
                .iter()
                .map(|&f| feed.path(f))
                .chain(std::iter::once(feed.page_path()));
            for path in paths {
                held.insert(format!("{path}.gz"));
                held.insert(path);
            }
        }
        held
    }
}

/// Load and select.
pub fn prepare(
    content_dir: &Path,
    out_dir: Option<&Path>,
    settings: &Settings,
    progress: &dyn load::Progress,
    cache: Option<Vec<u8>>,
) -> Result<Prepared, load::LoadError> {
    let loaded = load_all(content_dir, out_dir, settings, progress, cache)?;
    Ok(select_and_hydrate(
        loaded,
        content_dir,
        out_dir,
        settings,
        progress,
    ))
}

/// The load stage, with the config's topics ahead of `_data/topics`.
fn load_all(
    content_dir: &Path,
    out_dir: Option<&Path>,
    settings: &Settings,
    progress: &dyn load::Progress,
    cache: Option<Vec<u8>>,
) -> Result<Loaded, load::LoadError> {
    let options = LoadOptions::new(&settings.load, content_dir, out_dir, progress);
    let mut loaded = load::load(&options, cache)?;
    let mut taxonomy = settings.topics.clone();
    taxonomy.append(&mut loaded.taxonomy);
    loaded.taxonomy = taxonomy;
    Ok(loaded)
}

/// Select, then read the articles in feeds again in full.
fn select_and_hydrate(
    mut loaded: Loaded,
    content_dir: &Path,
    out_dir: Option<&Path>,
    settings: &Settings,
    progress: &dyn load::Progress,
) -> Prepared {
    let options = LoadOptions::new(&settings.load, content_dir, out_dir, progress);
    let selection = select::select(&loaded.articles, &loaded.taxonomy, &settings.select);
    crate::trace("selected");
    let hydrated = load::hydrate(&mut loaded.articles, &selection.in_feeds, &options);
    // Files found unreadable only now are reported with the others.
    for &i in &hydrated.unreadable {
        let path = &loaded.articles[i].path;
        let covered = |u: &String| {
            u == path || ((u.is_empty() || u.ends_with('/')) && path.starts_with(u.as_str()))
        };
        if !loaded.unreadable.iter().any(covered) {
            loaded.unreadable.push(path.clone());
        }
    }
    loaded.unreadable.sort();
    let mut diagnostics: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .chain(&selection.diagnostics)
        .chain(&hydrated.diagnostics)
        .chain(&hydrated.liquid_warnings)
        .filter(|d| !settings.ignore.silences(d))
        .cloned()
        .collect();
    diagnostic::sort(&mut diagnostics);
    crate::trace("hydrated");
    Prepared {
        loaded,
        selection,
        diagnostics,
        liquid_warnings: hydrated.liquid_warnings,
        unreadable_in_feeds: hydrated.unreadable,
        changed_during_run: !hydrated.diagnostics.is_empty(),
    }
}

/// Render every file of the run, and the redirect map for feeds that moved.
pub fn render(prepared: &Prepared, settings: &Settings) -> Rendered {
    let feeds = &prepared.selection.feeds;
    let mut rendered = render::site(
        feeds,
        &prepared.loaded.articles,
        &prepared.selection.topics,
        &settings.render,
    );
    rendered.warnings.retain(|w| !settings.ignore.silences(w));
    let base_path = settings.base_url().map_or("/", |u| u.path());
    if let Some(bytes) = render::redirect_map(feeds, base_path) {
        rendered.files.push(render::RenderedFile {
            path: render::REDIRECTS_FILE.to_owned(),
            bytes,
            entries: None,
        });
    }
    rendered
}

/// `<name>.gz` next to every file, for nginx `gzip_static` and `serve`:
/// deterministic (no name, no timestamp in the header), so an unchanged
/// file keeps an unchanged `.gz`.
pub fn precompressed(files: &[OutputFile]) -> Vec<OutputFile> {
    use std::io::Write;
    files
        .iter()
        // Dot files (the redirect map) are never served.
        .filter(|file| !file.path.rsplit('/').next().unwrap_or("").starts_with('.'))
        .map(|file| {
            let mut encoder = flate2::GzBuilder::new()
                .mtime(0)
                .write(Vec::new(), flate2::Compression::best());
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(&file.bytes);
            OutputFile {
                path: format!("{}.gz", file.path),
                bytes: encoder.finish().unwrap_or_default(),
                entries: None,
            }
        })
        .collect()
}

/// How `build` runs, besides the settings.
pub struct BuildOptions<'a> {
    pub content_dir: &'a Path,
    pub out_dir: &'a Path,
    /// Say what would be done; write nothing, take no lock.
    pub dry_run: bool,
    pub lock_timeout: Duration,
    /// Write feeds with no entries even where the existing ones have entries.
    pub allow_empty: bool,
    /// Also write a `.gz` twin of every file.
    pub precompress: bool,
    pub progress: &'a dyn load::Progress,
    /// `--quiet`: mark which warnings earlier quiet runs have not printed.
    pub remember_seen: bool,
}

/// What a `build` did, for the cli to print and report.
pub struct Run {
    /// `None` when the run stopped before loading.
    pub prepared: Option<Prepared>,
    /// Per feed, the entries it holds after `max_bytes`.
    pub feed_entries: Vec<Vec<usize>>,
    /// Files rendered (feeds, pages, OPML, `.gz` twins).
    pub files: usize,
    pub plan: Option<write::Plan>,
    /// What was written and removed (`None` for a dry run or a run that
    /// stopped before writing).
    pub applied: Option<write::Applied>,
    /// Lines for stderr beyond the diagnostics, in order.
    pub messages: Vec<String>,
    pub status: u8,
    /// With `remember_seen`, per diagnostic: whether to print it (see [`crate::seen`]).
    pub fresh: Option<Vec<bool>>,
}

impl Run {
    /// A run that stopped before writing (exit 2), saying why.
    fn stopped(prepared: Option<Prepared>, messages: Vec<String>) -> Run {
        Run {
            prepared,
            feed_entries: Vec::new(),
            files: 0,
            plan: None,
            applied: None,
            messages,
            status: EXIT_FATAL,
            fresh: None,
        }
    }
}

/// A whole run into the out folder: lock, cache, load, select, render,
/// empty-guard, plan, write, cache again.
pub fn build(settings: &Settings, options: &BuildOptions) -> Run {
    let (content, out) = (options.content_dir, options.out_dir);
    if let Err(e) = content.canonicalize() {
        // Before the lock: a missing content folder leaves no trace.
        return Run::stopped(
            None,
            vec![format!(
                "error: cannot read content folder {}: {e}",
                content.display()
            )],
        );
    }
    if let Some(problem) = out_folder_problem(content, out, "nothing was written") {
        return Run::stopped(None, vec![problem]);
    }
    // The out folder is ours alone from before loading until the end, so a
    // run that started earlier never overwrites the output of one that
    // finished later. A dry run writes nothing and takes no lock.
    let _lock = if options.dry_run {
        None
    } else {
        match write::OutLock::acquire(out, options.lock_timeout) {
            Ok(lock) => Some(lock),
            Err(e) => return Run::stopped(None, vec![format!("error: {e}")]),
        }
    };
    // An unreadable or missing cache just means a full parse; one that is
    // a link, a FIFO or a device is not read at all.
    let cache = load::read::read_own_file(&out.join(CACHE_FILE), 1 << 34)
        .ok()
        .flatten()
        .unwrap_or_default();
    let cache_read = replay::cache_tag(&cache);
    let loaded = match load_all(content, Some(out), settings, options.progress, Some(cache)) {
        Ok(loaded) => loaded,
        Err(e) => return Run::stopped(None, vec![format!("error: {e}")]),
    };
    // With a cache to read, the load gives no new one when every file was
    // as cached.
    let unchanged = loaded.cache.is_none();
    let key = replay::run_key(
        settings,
        &loaded,
        content,
        out,
        &format!(
            "precompress={};allow_empty={}",
            options.precompress, options.allow_empty
        ),
    );
    crate::trace("run key");
    let now = settings.select.now;
    if !options.dry_run {
        if let Some(record) = replay::check(out, &loaded, unchanged, &key, cache_read, now) {
            crate::trace("replayed");
            let mut run = replayed_run(replay::replay(record, loaded, &settings.ignore));
            if options.remember_seen {
                if let Some(prepared) = &run.prepared {
                    let (fresh, failed) =
                        crate::seen::remember(out, content, &prepared.diagnostics);
                    run.fresh = Some(fresh);
                    run.messages.extend(failed);
                }
            }
            return run;
        }
    }
    let until = replay::valid_until(settings, &loaded);
    crate::trace("valid until");
    let mut prepared = select_and_hydrate(loaded, content, Some(out), settings, options.progress);
    crate::trace("prepared");
    if let Some(ms) = std::env::var(TEST_DELAY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let rendered = render(&prepared, settings);
    crate::trace("rendered");
    if !rendered.errors.is_empty() {
        let mut messages: Vec<String> = rendered.errors.iter().map(|e| e.to_string()).collect();
        messages.push("error: some files could not be rendered; nothing was written".to_owned());
        return Run::stopped(Some(prepared), messages);
    }
    let render_warnings = rendered.warnings;
    prepared.diagnostics.extend(render_warnings.iter().cloned());
    diagnostic::sort(&mut prepared.diagnostics);
    let mut files: Vec<OutputFile> = rendered
        .files
        .into_iter()
        .map(|f| OutputFile {
            path: f.path,
            bytes: f.bytes,
            entries: f.entries,
        })
        .collect();
    if options.precompress {
        let gz = precompressed(&files);
        files.extend(gz);
    }
    let every_feed_empty = rendered.entries.iter().all(Vec::is_empty);
    if every_feed_empty && !options.allow_empty && write::feeds_had_entries(out) {
        return Run::stopped(
            Some(prepared),
            vec![format!(
                "error: this run would replace the feeds in {} that have entries with empty ones (empty or unmounted content folder? every article broken?); nothing was changed. Pass --allow-empty if that is what you want",
                out.display()
            )],
        );
    }
    let mut messages = Vec::new();
    let held = prepared.held_files();
    let hold = if prepared.loaded.hold_all {
        messages.push(format!(
            "error: {} could not be read and the cache has nothing for it: every existing file in {} is left as it is and nothing is removed",
            prepared.loaded.unreadable.join(", "),
            out.display()
        ));
        write::Hold::Everything
    } else if held.is_empty() {
        write::Hold::Nothing
    } else {
        write::Hold::Files(&held)
    };
    let plan = match write::plan(out, &files, hold) {
        Ok(plan) => plan,
        Err(e) => {
            messages.push(jekyll_feed_file(&prepared, out, &e).unwrap_or_else(|| e.to_string()));
            return Run::stopped(Some(prepared), messages);
        }
    };
    for (path, why) in &plan.forgotten {
        messages.push(format!(
            "{}: warning: not removed and no longer listed as feedsmith's: {why}",
            out.join(path).display()
        ));
    }
    let mut run = Run {
        status: prepared.status(),
        prepared: None,
        feed_entries: rendered.entries,
        files: files.len(),
        plan: None,
        applied: None,
        messages,
        fresh: None,
    };
    if options.dry_run {
        for (verb, paths) in [
            ("write", &plan.write),
            ("leave unchanged", &plan.unchanged),
            ("keep as it is", &plan.kept),
            ("remove", &plan.remove),
        ] {
            for path in paths {
                run.messages
                    .push(format!("would {verb}: {}", out.join(path).display()));
            }
        }
    } else {
        // From here the out folder changes: the last run's record no longer
        // describes it.
        replay::remove(out);
        match write::apply(out, &files, &plan) {
            Ok(done) => run.applied = Some(done),
            Err(failure) => {
                partial_failure(out, failure, &mut run);
                run.prepared = Some(prepared);
                run.plan = Some(plan);
                return run;
            }
        }
        crate::trace("applied");
        let mut cache_left = Some(cache_read);
        if let Some(cache) = prepared.loaded.cache.take() {
            let path = out.join(CACHE_FILE);
            cache_left = Some(replay::cache_tag(&cache));
            if let Err(e) = write::write_atomic_unsynced(&path, &cache) {
                cache_left = None;
                run.messages.push(format!(
                    "{}: warning: cannot write the cache: {e}",
                    path.display()
                ));
            }
        }
        crate::trace("cache written");
        // Recorded only when a rerun over the same input would find every
        // file as written and say just what this run says.
        let replayable = run.messages.is_empty()
            && plan.kept.is_empty()
            && !prepared.changed_during_run
            && !prepared.has_unreadable()
            && !prepared.loaded.hold_all;
        if let (Some(cache), true) = (cache_left, replayable) {
            let outcome = replay::Outcome {
                key,
                cache,
                until,
                prepared: &prepared,
                render_warnings: &render_warnings,
                feed_entries: &run.feed_entries,
                files: files.iter().map(|f| f.path.clone()).collect(),
            };
            replay::write(out, outcome, now);
        }
        if options.remember_seen {
            let (fresh, failed) = crate::seen::remember(out, content, &prepared.diagnostics);
            run.fresh = Some(fresh);
            run.messages.extend(failed);
        }
    }
    crate::trace("written");
    run.prepared = Some(prepared);
    run.plan = Some(plan);
    run
}

/// A foreign file where one of jekyll-feed's feeds goes: jekyll-feed is
/// still on in the Jekyll build that made the out folder. Says so.
fn jekyll_feed_file(prepared: &Prepared, out: &Path, error: &write::WriteError) -> Option<String> {
    let write::WriteError::Foreign(path) = error else {
        return None;
    };
    let theirs = prepared.selection.feeds.iter().any(|feed| {
        feed.file
            .as_ref()
            .is_some_and(|file| out.join(file) == *path || out.join(format!("{file}.gz")) == *path)
    });
    theirs.then(|| {
        format!(
            "{}: error: exists but was not written by feedsmith; {}",
            path.display(),
            crate::config::jekyll_feed::foreign_file_hint()
        )
    })
}

/// A run replayed from the last one's record: every file unchanged.
fn replayed_run(replayed: replay::Replayed) -> Run {
    let status = replayed.prepared.status();
    Run {
        prepared: Some(replayed.prepared),
        feed_entries: replayed.feed_entries,
        files: replayed.files.len(),
        plan: Some(write::Plan {
            unchanged: replayed.files,
            ..write::Plan::default()
        }),
        applied: Some(write::Applied::default()),
        messages: Vec::new(),
        status,
        fresh: None,
    }
}

/// Writing failed part-way: exit 3 when something in the out folder had
/// already changed, naming every file written and not written; else 2.
fn partial_failure(out: &Path, failure: write::ApplyError, run: &mut Run) {
    run.messages.push(failure.error.to_string());
    run.status = if failure.changed_something() {
        EXIT_PARTIAL
    } else {
        EXIT_FATAL
    };
    let applied = *failure.applied;
    let shown = |path: &String| out.join(path).display().to_string();
    if run.status == EXIT_PARTIAL {
        for path in &applied.written {
            run.messages.push(format!("written: {}", shown(path)));
        }
        for path in &applied.removed {
            run.messages.push(format!("removed: {}", shown(path)));
        }
        for path in applied
            .cleared
            .iter()
            .filter(|p| !applied.written.contains(p))
        {
            run.messages
                .push(format!("removed ahead of its rewrite: {}", shown(path)));
        }
    }
    for path in &applied.not_done {
        run.messages.push(format!("not written: {}", shown(path)));
    }
    run.messages.push(format!(
        "feedsmith: the run failed after {} files were written and {} removed; {} files not written or removed",
        applied.written.len(),
        applied.removed.len(),
        applied.not_done.len()
    ));
    run.applied = Some(applied);
}

/// `path` made absolute and free of `.`, `..` and symbolic links as far as
/// it exists; the part that does not exist yet is appended as written.
fn resolved(path: &Path) -> Option<std::path::PathBuf> {
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
pub fn out_folder_problem(content: &Path, out: &Path, outcome: &str) -> Option<String> {
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
