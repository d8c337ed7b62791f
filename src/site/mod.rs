//! Jekyll sites read as Jekyll reads them: a folder holding `_config.yml`
//! is a site ([`config`]), whose entries are its dated documents
//! ([`entries`]), with their dates ([`date`]) and URLs ([`permalink`],
//! [`slugify`]) as Jekyll 4.3 computes them — [`date`], [`permalink`] and
//! [`slugify`] are pure functions. What jekyll-feed writes is
//! [`jekyll_feed`] (with its titles, [`smartify`]); Liquid in bodies is
//! [`liquid`].

pub mod config;
pub mod date;
pub mod entries;
pub mod jekyll_feed;
pub mod liquid;
pub mod permalink;
pub mod slugify;
pub mod smartify;

pub use config::{is_site, SiteConfig};
