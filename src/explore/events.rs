//! Events along a run, detected from its records as they stream: a kick
//! off the lower-level set, a runaway, a cycle. Each is a real behaviour of
//! the method, named with its cause, never hidden.

use super::traps::short_cycle;
use crate::method::{Detail, Record};
use std::collections::VecDeque;

/// h at most this (relative to 1 + |g|) counts as on the lower-level set.
pub const ON_SET: f64 = 1e-10;
/// A kick: h rises by more than this factor from on the set.
pub const KICK_FACTOR: f64 = 100.0;
/// Iterations between the runaway detector's checkpoints.
const CHECK_EVERY: u64 = 50;
/// Checkpoints over which ‖z‖ (or h) must grow at every one.
const RUNAWAY_CHECKS: usize = 6;
/// Iterates kept for the cycle test.
const RECENT: usize = 9;

/// Why h jumped off the lower-level set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KickCause {
    /// ∂_y g was exactly 0, so ∇h = 0 and the QP is degenerate: its
    /// solution is the plain step −∇f, which leaves the set.
    DegenerateQp,
    /// The constraint was inactive (λ = 0) just off the set and the plain
    /// step −γ∇f overshot it.
    InactiveOvershoot,
    /// The method's own step left the set (an active constraint with a step
    /// too long for the set's curvature, or a method without a QP).
    LongStep,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind {
    /// h rose from `from` to `to` in one step.
    Kick {
        /// h before.
        from: f64,
        /// h after.
        to: f64,
        /// Why.
        cause: KickCause,
    },
    /// ‖z‖ (or h) grew at every checkpoint for a while: the iterate is
    /// heading off, not settling.
    Runaway {
        /// What grows: `‖z‖` or `h`.
        what: &'static str,
        /// Its value at the start of the window and now.
        from: f64,
        /// Its value now.
        to: f64,
    },
    /// The iterates repeat with this period while the steps stay long.
    Cycle(usize),
}

/// One event at one iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEvent {
    /// The iteration it is seen at (for a kick, the iterate after the step).
    pub iteration: u64,
    /// What.
    pub kind: EventKind,
}

impl RunEvent {
    /// `kick`, `runaway` or `cycle` (the CSV and JSON name).
    pub fn name(&self) -> &'static str {
        match self.kind {
            EventKind::Kick { .. } => "kick",
            EventKind::Runaway { .. } => "runaway",
            EventKind::Cycle(_) => "cycle",
        }
    }

    /// One sentence: what happened and why.
    pub fn message(&self) -> String {
        let k = self.iteration;
        match self.kind {
            EventKind::Kick { from, to, cause } => {
                let why = match cause {
                    KickCause::DegenerateQp => {
                        "∂_y g was exactly 0 at the previous iterate, so ∇h = 0, the QP was degenerate and its solution the plain step −∇f, which left the set"
                    }
                    KickCause::InactiveOvershoot => {
                        "the constraint was inactive (λ = 0) just off the set and the plain step −γ∇f overshot it"
                    }
                    KickCause::LongStep => {
                        "the method's step was too long for the curvature of the lower-level set"
                    }
                };
                format!(
                    "kick at iteration {k}: h jumped from {} to {}: {why}",
                    sci(from),
                    sci(to)
                )
            }
            EventKind::Runaway { what, from, to } => format!(
                "runaway by iteration {k}: {what} grew at every check for {} iterations, from {} to {}, and is not slowing down — the iterate is heading off (a step too large, or nothing holds it)",
                CHECK_EVERY * RUNAWAY_CHECKS as u64,
                sci(from),
                sci(to)
            ),
            EventKind::Cycle(p) => format!(
                "cycle from iteration {k}: the iterates repeat through {p} points with ‖Δ‖ not shrinking — the step is too large for the curvature the active constraint creates"
            ),
        }
    }
}

fn sci(v: f64) -> String {
    format!("{v:.2e}")
}

/// Appends `z` to a ring of the last `cap` points, reusing the oldest
/// buffer: no allocation per iteration once the ring is full.
pub(super) fn push_recent(ring: &mut VecDeque<Vec<f64>>, z: &[f64], cap: usize) {
    let mut buffer = if ring.len() >= cap {
        ring.pop_front().unwrap_or_default()
    } else {
        Vec::with_capacity(z.len())
    };
    buffer.clear();
    buffer.extend_from_slice(z);
    ring.push_back(buffer);
}

/// Watches a run's records in order and reports events as they happen.
#[derive(Debug, Clone, Default)]
pub struct EventDetector {
    previous: Option<(f64, f64, Cause)>,
    norms: VecDeque<(f64, f64)>,
    running_away: bool,
    recent: VecDeque<Vec<f64>>,
    cycling: bool,
    /// The runaway check measures ‖z[from..]‖ (the y block where x grows
    /// by design; see [`crate::problem::Problem::upper_grows_by_design`]).
    from: usize,
    kicks: usize,
    last_kick: Option<u64>,
    total: usize,
    /// The first [`KEPT`] events, oldest first (see [`EventDetector::total`]).
    pub events: Vec<RunEvent>,
}

/// Events kept in full per run (a run that kicks every 200 iterations for
/// 10⁸ iterations is counted, not stored).
pub const KEPT: usize = 1000;

/// What the previous record says about the step it took.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cause(KickCause);

fn cause_of(r: &Record) -> KickCause {
    match r.detail {
        Detail::PgdQp { guarded: true, .. } => KickCause::DegenerateQp,
        _ if !r.grad_h.is_empty() && !r.active => KickCause::InactiveOvershoot,
        _ => KickCause::LongStep,
    }
}

impl EventDetector {
    /// A detector for runs of `problem`.
    pub fn for_problem(problem: &dyn crate::problem::Problem) -> Self {
        let from = if problem.upper_grows_by_design() {
            problem.dims().n
        } else {
            0
        };
        Self {
            from,
            ..Self::default()
        }
    }

    /// Looks at the next record; returns the events it shows (usually
    /// none; no allocation then). Every detector sees every record.
    pub fn observe(&mut self, r: &Record) -> Vec<RunEvent> {
        let found = [self.kick(r), self.runaway(r), self.cycle(r)];
        let mut out = Vec::new();
        for e in found.into_iter().flatten() {
            self.total += 1;
            if matches!(e.kind, EventKind::Kick { .. }) {
                self.kicks += 1;
                self.last_kick = Some(e.iteration);
            }
            if self.events.len() < KEPT {
                self.events.push(e.clone());
            }
            out.push(e);
        }
        out
    }

    /// Kicks so far.
    pub fn kicks(&self) -> usize {
        self.kicks
    }

    /// The iteration of the newest kick.
    pub fn last_kick(&self) -> Option<u64> {
        self.last_kick
    }

    /// Events so far (kept or not).
    pub fn total(&self) -> usize {
        self.total
    }

    /// Whether the newest runaway has not been followed by settling.
    pub fn running_away(&self) -> bool {
        self.running_away
    }

    fn kick(&mut self, r: &Record) -> Option<RunEvent> {
        let before = self.previous.replace((r.h, r.g, Cause(cause_of(r))));
        let (h0, g0, Cause(cause)) = before?;
        let on_set = h0 <= ON_SET * (1.0 + g0.abs());
        let jumped = r.h > KICK_FACTOR * ON_SET * (1.0 + r.g.abs()) && r.h > KICK_FACTOR * h0;
        (on_set && jumped).then_some(RunEvent {
            iteration: r.k,
            kind: EventKind::Kick {
                from: h0,
                to: r.h,
                cause,
            },
        })
    }

    fn runaway(&mut self, r: &Record) -> Option<RunEvent> {
        if !r.k.is_multiple_of(CHECK_EVERY) {
            return None;
        }
        let watched = r.z.get(self.from..).unwrap_or_default();
        let norm = watched.iter().map(|v| v * v).sum::<f64>().sqrt();
        self.norms.push_back((norm, r.h));
        if self.norms.len() > RUNAWAY_CHECKS + 1 {
            self.norms.pop_front();
        }
        if self.norms.len() <= RUNAWAY_CHECKS {
            return None;
        }
        // Growth at every checkpoint that is not dying out (the last
        // increment at least half the first): a run converging along a
        // long path grows too, but by geometrically shrinking increments.
        // A runaway starts with growth by half over the window; it goes on
        // while the growth stays steady (a constant speed is a shrinking
        // fraction of a growing norm).
        let factor = if self.running_away { 1.0 } else { 1.5 };
        let grows = |pick: fn(&(f64, f64)) -> f64| -> Option<(f64, f64)> {
            let mut values = [0.0; RUNAWAY_CHECKS + 1];
            for (slot, v) in values.iter_mut().zip(self.norms.iter().map(pick)) {
                *slot = v;
            }
            let (first, last) = (values[0], values[RUNAWAY_CHECKS]);
            let step = |i: usize| values[i + 1] - values[i];
            let (first_step, last_step) = (step(0), step(RUNAWAY_CHECKS - 1));
            let steady =
                (0..RUNAWAY_CHECKS).all(|i| step(i) > 0.0) && last_step >= 0.5 * first_step;
            (steady && last > factor * first && last - first >= 1e-3 * (1.0 + last))
                .then_some((first, last))
        };
        let what = if self.from > 0 { "‖y‖" } else { "‖z‖" };
        let found = grows(|p| p.0).map(|v| (what, v)).or_else(|| {
            grows(|p| p.1)
                .filter(|(_, last)| *last > 1e-6)
                .map(|v| ("h", v))
        });
        match found {
            Some((what, (from, to))) if !self.running_away => {
                self.running_away = true;
                Some(RunEvent {
                    iteration: r.k,
                    kind: EventKind::Runaway { what, from, to },
                })
            }
            Some(_) => None,
            None => {
                self.running_away = false;
                None
            }
        }
    }

    fn cycle(&mut self, r: &Record) -> Option<RunEvent> {
        push_recent(&mut self.recent, &r.z, RECENT);
        match short_cycle(self.recent.make_contiguous()) {
            Some(p) if !self.cycling => {
                self.cycling = true;
                Some(RunEvent {
                    iteration: r.k,
                    kind: EventKind::Cycle(p),
                })
            }
            Some(_) => None,
            None => {
                self.cycling = false;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PGD-QP record at `z` with lower-level residual `h`.
    fn record(k: u64, z: [f64; 2], h: f64) -> Record {
        Record {
            k,
            n: 1,
            z: z.to_vec(),
            f: 0.0,
            g: 0.0,
            h,
            grad_y_g_norm: h.sqrt(),
            grad_f: vec![1.0, 0.0],
            grad_h: vec![0.0, 1.0],
            correction: vec![0.0, 0.0],
            lambda: 1.0,
            active: true,
            delta: vec![1.0, 1.0],
            delta_norm: 2f64.sqrt(),
            step: 0.1,
            kkt_residual: h,
            oracle_calls: 3 * k,
            detail: Detail::PgdQp {
                rho: 1.0,
                rate: 0.1,
                guarded: false,
            },
        }
    }

    #[test]
    fn every_detector_sees_every_record() {
        // A 2-cycle that hops on and off the lower-level set: each hop off
        // is a kick. When a kick hid its iterate from the cycle detector,
        // this cycle was never reported.
        let mut d = EventDetector::default();
        let mut events = Vec::new();
        for k in 0..40 {
            let (z, h) = if k % 2 == 0 {
                ([0.0, 0.0], 0.0)
            } else {
                ([1.0, 1.0], 1.0)
            };
            events.extend(d.observe(&record(k, z, h)));
        }
        assert!(d.kicks() >= 15, "{events:?}");
        let cycles: Vec<&RunEvent> = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Cycle(2)))
            .collect();
        assert_eq!(cycles.len(), 1, "one cycle, reported once: {events:?}");
        assert!(d.total() > d.kicks());
    }
}
