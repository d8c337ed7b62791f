//! Jekyll sites read as Jekyll reads them: a folder holding `_config.yml`
//! is a site ([`config`]), whose entries are its dated documents
//! ([`entries`]).

pub mod config;
pub mod entries;

pub use config::{is_site, SiteConfig};
