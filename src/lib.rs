//! feedsmith builds RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds — one
//! overall, one per topic, and any the config describes — with an OPML
//! list and pages to read them, from a folder of Markdown/HTML articles
//! with YAML front matter.
//!
//! The pipeline is the architecture, one module per stage, data flowing
//! one way: [`load`] → [`select`] → [`render`] → [`write`], run by
//! [`pipeline`]; [`config`] makes each stage's settings, [`cli`] parses
//! and prints, [`serve`] serves what was written.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod init;
pub mod load;
pub mod manual;
pub mod model;
mod panic_guard;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod seen;
pub mod select;
pub mod serve;
pub mod site;
pub mod testing;
pub mod text;
mod trace;
pub mod write;
pub mod yaml;

pub(crate) use trace::trace;
