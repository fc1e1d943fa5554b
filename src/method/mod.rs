//! The methods, each a small step function from a state to the next state
//! plus a [`Record`] of what it did, and the [`Run`] driver that the solver
//! thread, the command line and the tests all use. Every method reaches the
//! problem through a counting [`Oracle`].

mod aid;
mod bome;
mod dispatch;
#[cfg(test)]
mod fixtures;
mod inner;
mod oracle;
mod param_error;
mod pgd_qp;
mod pgd_qp_rules;
mod record;
mod run;
mod rxgf;
mod settings;
mod sqcqp;
mod vpbgd;

pub use aid::Aid;
pub use bome::{Bome, Phi};
pub use dispatch::{Method, MethodKind, ParamValue};
pub use oracle::{FirstOrder, LowerLevel, Oracle, OracleCounts, dot, norm};
pub use param_error::ParamError;
pub use pgd_qp::{GUARD, PgdQp, QpSolution, Rho, StepRule, solve_qp};
pub use pgd_qp_rules::{PgdQpKeys, PgdQpSettings};
pub use record::{Curvature, Detail, Record, RecordParts, State, Trial, moved};
pub use run::{BadValue, Run, RunConfig, Status};
pub use rxgf::{Integrator, Rxgf};
pub use settings::{Input, ParamKind, ParamSpec, SolverSettings, check, describe};
pub use sqcqp::{LineSearch, Sqcqp};
pub use vpbgd::Vpbgd;
