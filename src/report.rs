//! `build --report json`: a machine-readable account of a run, for monitoring.

use crate::pipeline::Prepared;
use crate::write::{Applied, Plan};
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    status: u8,
    counts: Counts,
    /// Every feed, with what it matched and what it holds.
    feeds: Vec<FeedCount<'a>>,
    problems: Vec<Problem<'a>>,
    files: Files<'a>,
}

#[derive(Serialize)]
struct FeedCount<'a> {
    /// Folder under the out folder (`""` for the overall feed).
    path: &'a str,
    title: &'a str,
    /// Articles that meet the feed's filter, before `limit`.
    matched: usize,
    /// Entries the feed holds, after `limit` and `max_bytes`.
    entries: usize,
}

#[derive(Serialize)]
struct Counts {
    /// Article files read: valid ones and those with errors.
    articles_read: usize,
    /// Of those, the ones whose result came from the incremental cache.
    from_cache: usize,
    /// Distinct articles that passed the run's filters (drafts, future,
    /// min_quality) and de-duplication.
    selected: usize,
    /// Distinct articles in at least one feed, after the limits.
    in_feeds: usize,
    drafts: usize,
    future: usize,
    below_min_quality: usize,
    duplicates: usize,
    errors: usize,
    /// Feeds (each written in one to three formats).
    feeds: usize,
    /// Feed documents: one per feed and format.
    feed_files: usize,
    /// Every file of the run: feed documents, pages, OPML, style sheet,
    /// `.gz` twins.
    files: usize,
    written: usize,
    unchanged: usize,
    removed: usize,
    /// Left as they were because their input could not be read.
    kept: usize,
    /// Planned but not written or removed: the run failed (status 3 or 2).
    not_written: usize,
}

#[derive(Serialize)]
struct Problem<'a> {
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    severity: String,
    /// The diagnostic's stable code (`duplicate-link`), as config `ignore:` names it.
    code: &'static str,
    message: &'a str,
}

#[derive(Serialize)]
struct Files<'a> {
    written: &'a [String],
    unchanged: &'a [String],
    removed: &'a [String],
    kept: &'a [String],
    not_written: &'a [String],
    /// Folders and files of the content folder that could not be read.
    unreadable: &'a [String],
}

/// The report as one line of JSON. `applied` is what the run did (`None`
/// for a dry run: the plan is what it would do).
pub fn json(
    prepared: &Prepared,
    feed_entries: &[Vec<usize>],
    plan: &Plan,
    applied: Option<&Applied>,
    files: usize,
    status: u8,
) -> String {
    let feeds = &prepared.selection.feeds;
    let c = &prepared.selection.counts;
    let (written, removed, not_written): (&[String], &[String], &[String]) = match applied {
        Some(a) => (&a.written, &a.removed, &a.not_done),
        None => (&plan.write, &plan.remove, &[]),
    };
    let report = Report {
        status,
        counts: Counts {
            articles_read: prepared.articles_read(),
            from_cache: prepared.loaded.cached_files,
            selected: c.selected,
            in_feeds: c.in_feeds,
            drafts: c.drafts,
            future: c.future,
            below_min_quality: c.low_quality,
            duplicates: c.duplicates,
            errors: prepared.loaded.error_files,
            feeds: feeds.len(),
            feed_files: feeds.iter().map(|f| f.formats.len()).sum(),
            files,
            written: written.len(),
            unchanged: plan.unchanged.len(),
            removed: removed.len(),
            kept: plan.kept.len(),
            not_written: not_written.len(),
        },
        feeds: feeds
            .iter()
            .zip(feed_entries)
            .map(|(feed, entries)| FeedCount {
                path: &feed.dir,
                title: &feed.title,
                matched: feed.matched,
                entries: entries.len(),
            })
            .collect(),
        problems: prepared
            .diagnostics
            .iter()
            .map(|d| Problem {
                path: &d.path,
                line: d.line,
                column: d.column,
                severity: d.severity.to_string(),
                code: d.code.name(),
                message: &d.message,
            })
            .collect(),
        files: Files {
            written,
            unchanged: &plan.unchanged,
            removed,
            kept: &plan.kept,
            not_written,
            unreadable: &prepared.loaded.unreadable,
        },
    };
    serde_json::to_string(&report).unwrap_or_default()
}
