//! The methods, each a small step function from a state to the next state
//! plus a [`Record`] of what it did, and the [`Run`] driver that the solver
//! thread, the command line and the tests all use.

mod pgd_qp;
mod record;
mod run;

pub use pgd_qp::{GUARD, PgdQp, QpSolution, Rho, StepRule, solve_qp};
pub use record::{Record, State};
pub use run::{BadValue, OracleCounts, Run, RunConfig, Status};
