//! feedsmith builds RSS 2.0 and Atom 1.0 feeds, one overall and one per
//! topic, from a folder of Markdown/HTML articles with YAML front matter.
//!
//! The pipeline is the architecture, one module per stage, data flowing
//! one way: [`load`] → [`select`] → [`render`] → [`write`].

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod load;
pub mod model;
mod panic_guard;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod select;
pub mod serve;
pub mod text;
mod trace;
pub mod write;
pub mod yaml;

pub(crate) use trace::trace;
