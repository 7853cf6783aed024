//! The toolkit for any crate's metric families: everything a component author and an
//! operator need, generated from one [`Catalog`] (see [`schema`]):
//!
//! | module | makes |
//! | --- | --- |
//! | [`docs`] | the Markdown reference |
//! | [`sample`] | the exposition of every family with every label combination at zero |
//! | [`rules`] | Prometheus recording and alerting rules |
//! | [`dashboard`] | a Grafana dashboard |
//! | [`check`] | the compliance report of a scrape (and its coverage) |
//! | [`diff`] | the breaking changes against a baseline catalog, by stability level |
//! | [`cli`] | the command line over all of them |
//!
//! A crate gets them for its own families with one small binary:
//!
//! ```no_run
//! // src/bin/metrics.rs
//! fn main() -> std::process::ExitCode {
//!     metrics_tools::cli::main(metrics_tools::Catalog::linked())
//! }
//! ```
//!
//! or by exporting its catalog once (`cargo run --bin metrics -- json > catalog.json`) and
//! running the standalone `metrics-tools --catalog catalog.json ...`.

// Output goes through writers whose errors are handled: `print!` panics on a closed pipe.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod cli;
pub mod dashboard;
pub mod diff;
pub mod docs;
pub mod rules;
pub mod sample;
pub mod schema;
pub mod scrape;

pub use schema::{Catalog, Family, Kind, Label, Role, Stability};
