//! bilevel-lab: watch first-order bilevel optimization methods run on small
//! nonconvex bilevel problems.
//!
//! The core — expressions, problems, presets and methods — never depends on
//! egui; it builds with `--no-default-features`.

// Tests may unwrap: a failed unwrap there is a failed test.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

#[cfg(feature = "gui")]
pub mod app;
pub mod atomic_file;
pub mod background;
pub mod bench;
pub mod capped_read;
pub mod cli;
pub mod dataset;
pub mod diagnostics;
pub mod envelope;
pub mod experiment;
pub mod explore;
pub mod expr;
pub mod figure;
pub mod guard;
pub mod landscape;
pub mod legend_place;
pub mod method;
pub mod palette;
pub mod preset;
pub mod problem;
pub mod runner;
pub mod session;
pub mod teaching;
