//! The no-change rerun: a cron job that runs every few minutes over a site
//! that did not change would select, read again, render and compare every
//! feed only to find every file unchanged. The last full run leaves a
//! record (`.feedsmith-run` in the out folder) of what a rerun would find
//! and say; a rerun whose input, settings, clock and output all are as
//! recorded replays it instead.
//!
//! The record holds for a rerun when
//! - every content file's stamp matches the cache the recorded run left
//!   (the load found nothing changed), and nothing could not be read;
//! - the settings (bar `now`), the taxonomy, the folders and the flags
//!   that change the output are the same (their SHA-256);
//! - `now` is inside the window in which no article enters or leaves a
//!   feed by the clock (a future-dated article coming due, one leaving a
//!   `since` window);
//! - every file the run wrote, every folder below the out folder holding
//!   one, and the manifest still have the size, modification and change
//!   time they had when recorded (and are a file, a folder).
//!
//! Anything else, or a record that is missing, torn or of another layout
//! or version, means a full run, which records again (or removes a record
//! it cannot vouch for, before it writes anything).

use super::Prepared;
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::load::{Loaded, Stamp};
use crate::select::{Counts, Feed, Selection};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

/// The record's file in the out folder: never served, not a feed.
pub const RECORD_FILE: &str = ".feedsmith-run";

/// Changed whenever the layout changes.
const MAGIC: &str = "feedsmith-run-2";

/// What a full run leaves for the next: its conditions and what it said.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    magic: String,
    version: String,
    /// SHA-256 (hex) of everything but the content and the clock that
    /// decides the output: see [`run_key`].
    key: String,
    /// The CRC-32 trailer and length of the cache the run left: the
    /// content as it was read.
    cache: (u32, u64),
    /// The run's `now` and the first instant at which the clock alone
    /// would change a feed (`None`: never).
    now: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    /// Every output file, the folders below the out folder holding them,
    /// and the manifest: path relative to the out folder, whether it is a
    /// folder, and its stamp.
    outputs: Vec<(String, bool, Stamp)>,
    feeds: Vec<Feed>,
    counts: Counts,
    in_feeds: Vec<usize>,
    left_out: Vec<(String, String)>,
    /// The selection's diagnostics, then the render's warnings.
    selection_diagnostics: Vec<Diagnostic>,
    /// What reading the bodies in feeds found (a site's Liquid).
    liquid_warnings: Vec<Diagnostic>,
    render_warnings: Vec<Diagnostic>,
    feed_entries: Vec<Vec<usize>>,
    /// Every file of the run, in the order the plan lists them.
    files: Vec<String>,
}

/// What the last run said, taken back for this one.
pub struct Replayed {
    pub prepared: Prepared,
    pub feed_entries: Vec<Vec<usize>>,
    pub files: Vec<String>,
}

/// The CRC-32 trailer and length of an encoded cache (all zero without one).
pub fn cache_tag(cache: &[u8]) -> (u32, u64) {
    let crc = cache
        .last_chunk::<4>()
        .map_or(0, |tail| u32::from_le_bytes(*tail));
    (crc, cache.len() as u64)
}

/// Everything besides the content files and the clock that the output of
/// a build depends on, hashed: the settings with `now` set aside, the
/// taxonomy as loaded, the folders and the flags.
pub fn run_key(
    settings: &Settings,
    loaded: &Loaded,
    content: &Path,
    out: &Path,
    flags: &str,
) -> String {
    let mut settings = settings.clone();
    settings.select.now = DateTime::UNIX_EPOCH;
    let mut hasher = Sha256::new();
    for part in [
        format!("{settings:?}"),
        format!("{:?}", loaded.taxonomy),
        format!("{:?}", std::path::absolute(content).ok()),
        format!("{:?}", std::path::absolute(out).ok()),
        flags.to_owned(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first instant after `now` at which the clock alone changes what a
/// feed holds: a future-dated article coming due (unless `--future`), or an
/// article leaving the `since` window of a definition. Over every article,
/// whatever else keeps it out: never later than the true instant.
pub fn valid_until(settings: &Settings, loaded: &Loaded) -> Option<DateTime<Utc>> {
    let select = &settings.select;
    // Each window once, however many feeds share it.
    let windows: Vec<chrono::Duration> = select
        .definitions
        .iter()
        .filter_map(|d| d.filter.since)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let published = loaded.articles.iter().map(|a| a.published);
    first_change(select.now, select.future, &windows, published)
}

/// [`valid_until`] over publication times: the earliest future one
/// (unless `future`), and for each window the end of the earliest time
/// still in it (it leaves first). One comparison per article and window,
/// no date arithmetic (that was ~20 ms of a 100,000-article build).
fn first_change(
    now: DateTime<Utc>,
    future: bool,
    windows: &[chrono::Duration],
    published: impl Iterator<Item = DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    // In a window while `published >= now - window`; `None`: every time is.
    let starts: Vec<Option<DateTime<Utc>>> = windows
        .iter()
        .map(|window| now.checked_sub_signed(*window))
        .collect();
    let mut earliest_future: Option<DateTime<Utc>> = None;
    let mut earliest_in: Vec<Option<DateTime<Utc>>> = vec![None; windows.len()];
    for time in published {
        if !future && time > now && earliest_future.is_none_or(|e| time < e) {
            earliest_future = Some(time);
        }
        for (earliest, start) in earliest_in.iter_mut().zip(&starts) {
            if start.is_none_or(|s| time >= s) && earliest.is_none_or(|e| time < e) {
                *earliest = Some(time);
            }
        }
    }
    // Left at the instant after `published + window`.
    let leaving = windows
        .iter()
        .zip(earliest_in)
        .filter_map(|(window, earliest)| {
            earliest?
                .checked_add_signed(*window)?
                .checked_add_signed(chrono::Duration::nanoseconds(1))
        });
    earliest_future.into_iter().chain(leaving).min()
}

/// The stamps of every output file, the folders below `out` holding them,
/// and the manifest; `None` when one cannot be read.
fn output_stamps(out: &Path, files: &[String]) -> Option<Vec<(String, bool, Stamp)>> {
    let mut dirs = BTreeSet::new();
    for file in files {
        let mut rest = file.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    let listed = dirs
        .into_iter()
        .map(|d| (d, true))
        .chain(files.iter().map(|f| (f.as_str(), false)))
        .chain(std::iter::once((crate::write::MANIFEST_FILE, false)));
    listed
        .map(|(path, is_dir)| {
            let meta = out.join(path).symlink_metadata().ok()?;
            let kind_ok = if is_dir {
                meta.is_dir()
            } else {
                meta.is_file()
            };
            kind_ok.then_some((path.to_owned(), is_dir, Stamp::of(&meta)?))
        })
        .collect()
}

/// What [`write`] records of a full run.
pub struct Outcome<'a> {
    pub key: String,
    pub cache: (u32, u64),
    pub until: Option<DateTime<Utc>>,
    pub prepared: &'a Prepared,
    pub render_warnings: &'a [Diagnostic],
    pub feed_entries: &'a [Vec<usize>],
    pub files: Vec<String>,
}

/// Record a full run that wrote everything it planned, for the next run.
/// Best effort: a record that cannot be written only means a full rerun.
pub fn write(out: &Path, outcome: Outcome, now: DateTime<Utc>) {
    let Some(outputs) = output_stamps(out, &outcome.files) else {
        remove(out);
        return;
    };
    crate::trace("replay: outputs stamped");
    let selection = &outcome.prepared.selection;
    let record = Record {
        magic: MAGIC.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        key: outcome.key,
        cache: outcome.cache,
        now,
        until: outcome.until,
        outputs,
        feeds: selection.feeds.clone(),
        counts: selection.counts,
        in_feeds: selection.in_feeds.clone(),
        left_out: selection.left_out.clone(),
        selection_diagnostics: selection.diagnostics.clone(),
        liquid_warnings: outcome.prepared.liquid_warnings.clone(),
        render_warnings: outcome.render_warnings.to_vec(),
        feed_entries: outcome.feed_entries.to_vec(),
        files: outcome.files,
    };
    let Ok(mut bytes) = postcard::to_stdvec(&record) else {
        remove(out);
        return;
    };
    crate::trace("replay: encoded");
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    if crate::write::write_atomic_unsynced(&out.join(RECORD_FILE), &bytes).is_err() {
        remove(out);
    }
}

/// Forget the last run: called before a full run writes anything, so a
/// record never outlives the output it describes.
pub fn remove(out: &Path) {
    let _ = std::fs::remove_file(out.join(RECORD_FILE));
}

/// The record of the last run, when it holds for this one.
fn read(out: &Path, key: &str, cache: (u32, u64), now: DateTime<Utc>) -> Option<Record> {
    let bytes = crate::load::read::read_own_file(&out.join(RECORD_FILE), 1 << 32)
        .ok()
        .flatten()?;
    let (body, checksum) = bytes.split_last_chunk::<4>()?;
    if crc32fast::hash(body).to_le_bytes() != *checksum {
        return None;
    }
    let record: Record = postcard::from_bytes(body).ok()?;
    let holds = record.magic == MAGIC
        && record.version == env!("CARGO_PKG_VERSION")
        && record.key == key
        && record.cache == cache
        && record.now <= now
        && record.until.is_none_or(|until| now < until);
    if !holds {
        return None;
    }
    let files: Vec<String> = record.files.clone();
    (output_stamps(out, &files)? == record.outputs).then_some(record)
}

/// The last run's record, when it holds for this one: the load found every
/// file as cached (`unchanged`) and nothing unreadable, and [`read`]'s
/// conditions hold.
pub fn check(
    out: &Path,
    loaded: &Loaded,
    unchanged: bool,
    key: &str,
    cache: (u32, u64),
    now: DateTime<Utc>,
) -> Option<Record> {
    if !unchanged || !loaded.unreadable.is_empty() || loaded.hold_all {
        return None;
    }
    read(out, key, cache, now)
}

/// The last run's selection and sayings, over this run's load.
pub fn replay(record: Record, loaded: Loaded, ignore: &crate::diagnostic::Ignore) -> Replayed {
    // The order a full run gives: load's, the selection's, the bodies',
    // the render's, sorted (a stable sort: equal keys keep that order),
    // without what `ignore:` silences.
    let mut diagnostics: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .chain(&record.selection_diagnostics)
        .chain(&record.liquid_warnings)
        .chain(&record.render_warnings)
        .filter(|d| !ignore.silences(d))
        .cloned()
        .collect();
    crate::diagnostic::sort(&mut diagnostics);
    let selection = Selection {
        feeds: record.feeds,
        // Only rendering reads it, and nothing is rendered.
        topics: Default::default(),
        counts: record.counts,
        in_feeds: record.in_feeds,
        diagnostics: record.selection_diagnostics,
        left_out: record.left_out,
    };
    Replayed {
        prepared: Prepared {
            loaded,
            selection,
            diagnostics,
            unreadable_in_feeds: Vec::new(),
            changed_during_run: false,
            liquid_warnings: record.liquid_warnings,
        },
        feed_entries: record.feed_entries,
        files: record.files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    /// Every time's own change instants, the smallest after `now`.
    fn brute_force(
        now: DateTime<Utc>,
        future: bool,
        windows: &[Duration],
        published: &[DateTime<Utc>],
    ) -> Option<DateTime<Utc>> {
        let mut changes = Vec::new();
        for &time in published {
            if !future {
                changes.push(time);
            }
            for window in windows {
                if let Some(end) = time.checked_add_signed(*window) {
                    changes.extend(end.checked_add_signed(Duration::nanoseconds(1)));
                }
            }
        }
        changes.into_iter().filter(|&t| t > now).min()
    }

    #[test]
    fn first_change_is_the_earliest_instant_the_clock_changes_a_feed() {
        let now = DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let offsets = [
            -40 * 86_400,
            -30 * 86_400,
            -30 * 86_400 + 1,
            -7 * 86_400 - 1,
            -7 * 86_400,
            -86_400,
            -1,
            0,
            1,
            3_600,
            86_400 * 3,
        ];
        let all: Vec<DateTime<Utc>> = offsets
            .iter()
            .map(|&s| now + Duration::seconds(s))
            .chain([DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC])
            .collect();
        let window_sets: [&[Duration]; 4] = [
            &[],
            &[Duration::days(7)],
            &[Duration::days(1), Duration::days(7), Duration::days(30)],
            &[Duration::MAX, Duration::seconds(1)],
        ];
        for windows in window_sets {
            for future in [false, true] {
                // Every prefix and every single time, in both orders.
                for n in 0..=all.len() {
                    for times in [all[..n].to_vec(), all[..n].iter().rev().copied().collect()] {
                        assert_eq!(
                            first_change(now, future, windows, times.iter().copied()),
                            brute_force(now, future, windows, &times),
                            "{windows:?} future={future} {times:?}"
                        );
                    }
                }
                for &time in &all {
                    assert_eq!(
                        first_change(now, future, windows, std::iter::once(time)),
                        brute_force(now, future, windows, &[time]),
                        "{windows:?} future={future} {time}"
                    );
                }
            }
        }
    }
}
