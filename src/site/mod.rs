//! Jekyll sites as they are (site mode).

pub mod jekyll_feed;
pub mod liquid;
pub mod smartify;
