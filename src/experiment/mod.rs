//! Seed-banded experiments: the seed paper's synthetic benchmark over many
//! generated instances, every method from the same starts, reported as
//! medians with 20–80 % bands (`bilevel-lab experiment synthetic`, the
//! app's Experiments window).

pub mod bands;
pub mod contender;
pub mod instance;
pub mod panels;
pub mod report;
pub mod trace;

use crate::explore::{Progress, par_map_partial};
use crate::problem::LowerKind;
use bands::{BandRow, band_rows};
use contender::Contender;
use instance::{Instance, MAX_DIM, instance};
use std::time::Duration;
use trace::{End, Trace, checkpoints, trace};

/// Most seeds in one experiment.
pub const MAX_SEEDS: usize = 1000;

/// Most checkpoints per run.
pub const MAX_CHECKPOINTS: usize = 2000;

/// Most numbers the instances' matrices may hold together (dim² × seeds):
/// 200 MB of H.
pub const MAX_MATRIX_ENTRIES: usize = 25_000_000;

/// What to run.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The lower level: convex or nonconvex.
    pub kind: LowerKind,
    /// n = m.
    pub dim: usize,
    /// How many instances (seeds `first_seed`, `first_seed + 1`, …).
    pub seeds: usize,
    /// The first seed.
    pub first_seed: u64,
    /// The methods.
    pub contenders: Vec<Contender>,
    /// The budgets K (several make a K-ablation).
    pub budgets: Vec<u64>,
    /// Stop each run after this much time spent iterating.
    pub time_budget: Option<Duration>,
    /// Checkpoints per run (about; the samples are at 0 and K and between).
    pub checkpoints: usize,
}

impl Spec {
    /// Why the spec cannot run, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=MAX_DIM).contains(&self.dim) {
            return Err(format!("--dim {}: use 1 to {MAX_DIM}", self.dim));
        }
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            return Err(format!("--seeds {}: use 1 to {MAX_SEEDS}", self.seeds));
        }
        if self.dim * self.dim * self.seeds > MAX_MATRIX_ENTRIES {
            return Err(format!(
                "--dim {} with --seeds {}: the instances' matrices would take {} MB; at most {} MB (fewer seeds or a smaller dim)",
                self.dim,
                self.seeds,
                self.dim * self.dim * self.seeds * 8 / 1_000_000,
                MAX_MATRIX_ENTRIES * 8 / 1_000_000
            ));
        }
        if self.contenders.is_empty() {
            return Err("no method given".into());
        }
        if !(1..=MAX_CHECKPOINTS).contains(&self.checkpoints) {
            return Err(format!(
                "--checkpoints {}: use 1 to {MAX_CHECKPOINTS}",
                self.checkpoints
            ));
        }
        if self.budgets.is_empty() || self.budgets.contains(&0) {
            return Err("--iterations: every budget must be at least 1".into());
        }
        let mut seen = self.budgets.clone();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != self.budgets.len() {
            return Err("--iterations: a budget is listed twice".into());
        }
        if let Some(t) = self.time_budget
            && t.is_zero()
        {
            return Err("--time-budget must be more than 0 seconds".into());
        }
        for k in &self.budgets {
            for c in &self.contenders {
                c.config(*k)?;
            }
        }
        Ok(())
    }

    /// The runs: one per budget, method and seed, in that nesting.
    pub fn runs(&self) -> usize {
        self.budgets.len() * self.contenders.len() * self.seeds
    }

    /// Run `i`'s (budget, method, seed) indices.
    fn split(&self, i: usize) -> (usize, usize, usize) {
        let per_budget = self.contenders.len() * self.seeds;
        let rest = i % per_budget;
        (i / per_budget, rest / self.seeds, rest % self.seeds)
    }

    /// The seeds' instances, generated on every core; `Ok(None)` if
    /// `progress` is cancelled first.
    pub fn instances(&self, progress: &Progress) -> Result<Option<Vec<Instance>>, String> {
        // A progress of its own: generating counts as no runs done.
        let own = Progress::default();
        let slots = par_map_partial(self.seeds, &own, |i| {
            let seed = self.first_seed.wrapping_add(i as u64);
            (!progress.cancelled()).then(|| instance(self.kind, self.dim, seed))?
        });
        if progress.cancelled() {
            return Ok(None);
        }
        slots
            .into_iter()
            .enumerate()
            .map(|(i, slot)| {
                slot.ok_or_else(|| {
                    let seed = self.first_seed.wrapping_add(i as u64);
                    format!("seed {seed}: could not generate the instance")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// One method's runs at one budget.
#[derive(Debug, Clone)]
pub struct MethodOutcome {
    /// The method as named.
    pub contender: Contender,
    /// One trace per seed, in seed order.
    pub traces: Vec<Trace>,
    /// The bands at each checkpoint.
    pub rows: Vec<BandRow>,
}

/// Every method's runs at one budget.
#[derive(Debug, Clone)]
pub struct BudgetOutcome {
    /// K.
    pub k: u64,
    /// In the order the methods were named.
    pub methods: Vec<MethodOutcome>,
}

/// A finished experiment.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One per budget, in the order given.
    pub budgets: Vec<BudgetOutcome>,
    /// The seeds' optimal values F* (convex lower level), in seed order.
    pub optima: Vec<Option<f64>>,
}

/// Runs every (budget, method, seed) on every core; `None` if cancelled
/// before every run finished. `progress` counts finished runs.
pub fn run(spec: &Spec, progress: &Progress) -> Result<Option<Outcome>, String> {
    spec.check()?;
    let Some(instances) = spec.instances(progress)? else {
        return Ok(None);
    };
    let marks: Vec<Vec<u64>> = spec
        .budgets
        .iter()
        .map(|k| checkpoints(*k, spec.checkpoints))
        .collect();
    let slots = par_map_partial(spec.runs(), progress, |i| {
        let (b, c, s) = spec.split(i);
        let config = spec.contenders.get(c)?.config(*spec.budgets.get(b)?).ok()?;
        let inst = instances.get(s)?;
        let marks = marks.get(b)?;
        // A run that panics (a bug) ends the experiment with no result,
        // not the program.
        let t = crate::guard::catch(|| {
            trace(
                inst.problem.clone(),
                config,
                inst.start.clone(),
                marks,
                spec.time_budget,
                &progress.cancel,
            )
        })
        .ok()?;
        (t.end != End::Cancelled).then_some(t)
    });
    if progress.cancelled() || slots.iter().any(Option::is_none) {
        return Ok(None);
    }
    let mut traces = slots.into_iter().flatten();
    let budgets = spec
        .budgets
        .iter()
        .map(|&k| BudgetOutcome {
            k,
            methods: spec
                .contenders
                .iter()
                .map(|c| {
                    let traces: Vec<Trace> = traces.by_ref().take(spec.seeds).collect();
                    MethodOutcome {
                        contender: c.clone(),
                        rows: band_rows(&traces),
                        traces,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(Some(Outcome {
        budgets,
        optima: instances.iter().map(|i| i.optimum).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec {
            kind: LowerKind::Convex,
            dim: 3,
            seeds: 4,
            first_seed: 1,
            contenders: contender::parse_list("pgd-qp,bome").unwrap(),
            budgets: vec![60, 30],
            time_budget: None,
            checkpoints: 3,
        }
    }

    #[test]
    fn every_budget_method_and_seed_is_run_once_in_order() {
        let spec = spec();
        let out = run(&spec, &Progress::default()).unwrap().unwrap();
        assert_eq!(out.budgets.len(), 2);
        assert_eq!(out.optima.len(), 4);
        for (b, k) in out.budgets.iter().zip([60, 30]) {
            assert_eq!(b.k, k);
            let labels: Vec<&str> = b
                .methods
                .iter()
                .map(|m| m.contender.label.as_str())
                .collect();
            assert_eq!(labels, ["pgd-qp", "bome"]);
            for m in &b.methods {
                assert_eq!(m.traces.len(), 4);
                assert_eq!(m.rows.last().map(|r| (r.k, r.seeds)), Some((k, 4)));
            }
        }
        // Seed s's trace is the run of seed s: the same as run alone.
        let inst = &spec.instances(&Progress::default()).unwrap().unwrap()[2];
        let alone = trace(
            inst.problem.clone(),
            spec.contenders[1].config(30).unwrap(),
            inst.start.clone(),
            &checkpoints(30, 3),
            None,
            &std::sync::atomic::AtomicBool::new(false),
        );
        let ours = &out.budgets[1].methods[1].traces[2];
        let f = |t: &Trace| t.samples.iter().map(|s| s.f).collect::<Vec<_>>();
        assert_eq!(f(ours), f(&alone));
    }

    #[test]
    fn a_cancelled_experiment_gives_nothing_and_bad_specs_say_why() {
        let progress = Progress::default();
        progress.stop();
        assert!(run(&spec(), &progress).unwrap().is_none());
        let bad = |edit: fn(&mut Spec)| {
            let mut s = spec();
            edit(&mut s);
            s.check().unwrap_err()
        };
        assert!(bad(|s| s.seeds = 0).contains("--seeds 0"));
        assert!(bad(|s| s.dim = 0).contains("--dim 0"));
        assert!(bad(|s| s.budgets = vec![10, 10]).contains("listed twice"));
        assert!(bad(|s| s.budgets = vec![0]).contains("at least 1"));
        assert!(bad(|s| s.time_budget = Some(Duration::ZERO)).contains("more than 0"));
        assert!(bad(|s| s.contenders.clear()).contains("no method"));
        assert!(bad(|s| (s.dim, s.seeds) = (500, 1000)).contains("2000 MB"));
    }
}
