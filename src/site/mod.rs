//! Jekyll sites read as Jekyll reads them: a folder holding `_config.yml`
//! is a site ([`config`]), whose entries are its dated documents
//! ([`entries`]), with their dates ([`date`]) and URLs ([`permalink`],
//! [`slugify`]) as Jekyll 4.3 computes them — [`date`], [`permalink`] and
//! [`slugify`] are pure functions.

pub mod config;
pub mod date;
pub mod entries;
pub mod permalink;
pub mod slugify;

pub use config::{is_site, SiteConfig};
