//! What no other tool shows: the true lower-level gap, trap warnings, the
//! step-size sweep and the basin map. Pure computation (no egui), run on
//! every core with progress and cancel; the app and the command line both
//! use it.

mod basins;
mod gap;
mod grid;
mod sweep;
mod traps;

pub use basins::{Basin, BasinSpec, EndClass, basins};
pub use gap::{LowerGap, lower_curvature, lower_gap};
pub use grid::{Progress, par_map, spaced};
pub use sweep::{Cell, SweepSpec, default_axes, sweep};
pub use traps::{Trap, diagnose, short_cycle};

#[cfg(test)]
mod tests;
