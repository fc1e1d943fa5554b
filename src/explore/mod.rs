//! What no other tool shows: the true lower-level gap, trap warnings, the
//! step-size sweep and the basin map. Pure computation (no egui), run on
//! every core with progress and cancel; the app and the command line both
//! use it.

mod basins;
mod classify;
mod events;
mod gap;
mod grid;
mod judge;
mod lower_domain;
mod reference;
mod sweep;
mod traps;

pub use basins::{Basin, BasinSpec, basins, basins_partial};
pub use classify::{EndClass, OPTIMUM_TOL, REACH_TOL, Reach, RunEnd, Verdict, classify};
pub use events::{EventDetector, EventKind, KEPT as KEPT_EVENTS, KickCause, RunEvent};
pub use gap::{LowerGap, lower_curvature, lower_gap};
pub use grid::{Progress, par_map, par_map_partial, spaced};
pub use judge::{Judged, Judging, RECENT, Watch, run_judged};
pub use lower_domain::{LowerDomain, Scan, scan};
pub use reference::{
    Answer, AnswerSource, Reduced, UPPER_POINTS, compute_answer, compute_answer_with, reduced,
    reduced_curve,
};
pub use sweep::{Cell, SweepSpec, best_cell, sweep, sweep_partial};
pub use traps::{FLAT, LowerShape, Trap, diagnose, lower_shape, settled, short_cycle};

#[cfg(test)]
mod tests;
