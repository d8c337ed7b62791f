//! Jekyll sites read as Jekyll reads them: a folder holding `_config.yml`
//! is a site ([`config`]), whose entries are its dated documents
//! ([`entries`]), with their dates ([`date`]) and URLs ([`permalink`],
//! [`slugify`]) as Jekyll 4.3 computes them — [`date`], [`permalink`] and
//! [`slugify`] are pure functions. Bodies: Liquid ([`liquid`]), then
//! Markdown ([`markdown`]), and the excerpt ([`excerpt`]); titles as
//! jekyll-feed writes them ([`smartify`]). jekyll-feed's feeds are feed
//! definitions, made in `config::jekyll_feed`: nothing here knows `select`.

pub mod config;
pub mod date;
pub mod entries;
pub mod excerpt;
pub mod liquid;
pub mod markdown;
pub mod permalink;
pub mod slugify;
pub mod smartify;

pub use config::{is_site, SiteConfig};
