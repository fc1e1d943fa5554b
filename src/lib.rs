//! bilevel-lab: watch first-order bilevel optimization methods run on small
//! nonconvex bilevel problems.
//!
//! The core — expressions, problems, presets and methods — never depends on
//! egui; it builds with `--no-default-features`.

pub mod expr;
pub mod method;
pub mod problem;
