//! Stage timings for profiling: with `FEEDSMITH_TRACE=1` in the
//! environment, each stage boundary prints the time since the start and
//! the resident memory to stderr. Silent otherwise, and cheap: the
//! environment is read once.

use std::sync::OnceLock;
use std::time::Instant;

/// When tracing is on, the moment of the first trace point.
fn start() -> Option<Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    *START.get_or_init(|| std::env::var_os("FEEDSMITH_TRACE").map(|_| Instant::now()))
}

/// Print `what` with the elapsed time and resident memory, when tracing.
pub fn trace(what: &str) {
    let Some(start) = start() else { return };
    eprintln!(
        "trace: {:>8.1} ms {:>6} MB  {what}",
        start.elapsed().as_secs_f64() * 1e3,
        resident_mb().map_or_else(|| "?".to_owned(), |mb| mb.to_string()),
    );
}

/// Resident set size from /proc (Linux only; `None` elsewhere).
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1024 * 1024))
}
