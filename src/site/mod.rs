//! Jekyll sites read as Jekyll reads them.
//!
//! [`date`], [`permalink`] and [`slugify`] are pure functions that answer
//! what Jekyll 4.3 computes for a document: its date, its URL and its id.

pub mod date;
pub mod permalink;
pub mod slugify;
