//! Teaching mode's pure side (no egui): one step split into the stages a
//! lecturer walks through, the update written out with this iteration's
//! numbers, and the guided tour.

mod explain;
mod stages;
mod tour;

pub use explain::{Explanation, Line, VECTOR_SHOWN, explain, num, vector};
pub use stages::{PgdQpStages, Stage, pgd_qp_stages, replay};
pub use tour::{TOUR, TourRun, TourStop};

#[cfg(test)]
mod tests;
