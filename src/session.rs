//! The UI's data model, built only by applying solver events (no egui, so
//! it is tested headless). Events of a run id that is no longer current are
//! ignored, so nothing from a reset run is ever drawn.

use crate::envelope::Envelope;
use crate::explore::{
    Answer, EndClass, EventKind, LowerDomain, LowerGap, LowerShape, Reach, RunEnd, RunEvent, Trap,
    classify,
};
use crate::method::{OracleCounts, Record, RunConfig, Status};
use crate::problem::Problem;
use crate::runner::{Event, Frames, RunId};
use std::collections::VecDeque;
use std::ops::Range;

/// Samples kept per run before the history is thinned; the latest record
/// is always kept in full beside it.
pub const DEFAULT_CAPACITY: usize = 1 << 20;

/// The most bytes of iterates a run's history keeps: a problem of many
/// coordinates (hyper-cleaning's 1 210) keeps fewer samples, so that a long
/// run stays within memory.
pub const HISTORY_BYTES: usize = 512 << 20;

/// Consecutive iterates kept for the trap diagnosis (a cycle of up to 4).
const RECENT: usize = 9;
/// Most samples of the gap series before it is thinned.
const GAP_SAMPLES: usize = 4096;
/// Events kept per run for markers and the explanation (the newest).
const EVENTS_KEPT: usize = 2000;

/// What the diagnostics say about a run's newest iterate.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    /// The iteration judged.
    pub k: u64,
    /// The true lower-level gap there.
    pub gap: LowerGap,
    /// The smallest eigenvalue of ∇²_yy g there.
    pub curvature: f64,
    /// What that curvature makes the point: minimum, maximum/saddle, flat.
    pub shape: LowerShape,
    /// The traps it sits in (empty while it moves on).
    pub traps: Vec<Trap>,
    /// Where the run stands by the shared classifier.
    pub class: EndClass,
}

/// A run's newest iterate with what its judgement needs, owned.
#[derive(Debug, Clone)]
pub struct EndToJudge {
    /// The run.
    pub id: RunId,
    /// The iteration of the iterate.
    pub k: u64,
    status: Status,
    recent: Vec<Vec<f64>>,
    kicks: usize,
    last_kick: Option<u64>,
    running_away: bool,
}

impl EndToJudge {
    /// The judgement (see [`RunTrace::diagnose`]); `None` when there is no
    /// iterate to judge.
    pub fn judge(
        &self,
        problem: &dyn Problem,
        domain: &LowerDomain,
        answer: Option<&Answer>,
    ) -> Option<Diagnosis> {
        let end = RunEnd {
            status: &self.status,
            recent: &self.recent,
            kicks: self.kicks,
            last_kick: self.last_kick,
            iteration: self.k,
            running_away: self.running_away,
        };
        let verdict = classify(problem, end, domain, answer)?;
        Some(Diagnosis {
            k: self.k,
            curvature: verdict.curvature,
            shape: verdict.shape,
            traps: verdict.traps,
            class: verdict.class,
            gap: verdict.gap,
        })
    }
}

/// New history samples of a run and its common-measure tracker, owned
/// (see [`RunTrace::reach_scan`]).
#[derive(Debug, Clone)]
pub struct ReachScan {
    /// (tolerance, F*, history stride): the question asked.
    key: (f64, f64, u64),
    /// The first sample's index in the history.
    from: usize,
    /// One past the last sample's index.
    to: usize,
    /// (k, z, f, h) of the samples in `from..to` that could count.
    samples: Vec<(u64, Vec<f64>, f64, f64)>,
    tracker: Reach,
}

impl ReachScan {
    /// Looks at the samples in order until the reference is reached.
    pub fn run(mut self, problem: &dyn Problem, domain: &LowerDomain, answer: &Answer) -> Self {
        for (k, z, f, h) in &self.samples {
            if self.tracker.reached.is_some() {
                break;
            }
            self.tracker
                .observe(problem, domain, answer, (*k, z, *f, *h));
        }
        self
    }
}

/// Where a run stands, as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Iterations remain.
    Live,
    /// Ended with a status.
    Finished(Status),
    /// A step panicked.
    Failed(String),
}

/// Samples of a zoomed-in range drawn one by one rather than as extremes.
pub const RAW_LIMIT: usize = 2048;

/// A per-iteration quantity of the history that plots draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// f.
    F,
    /// h = ‖∇_y g‖².
    H,
    /// λ.
    Lambda,
    /// ‖Δ‖.
    Delta,
    /// The KKT residual.
    Kkt,
    /// The implicit hypergradient norm.
    Hypergradient,
    /// Coordinate `i` of z.
    Coordinate(usize),
}

impl Column {
    /// The quantities every history summarises besides the coordinates.
    const SCALARS: [Column; 6] = [
        Column::F,
        Column::H,
        Column::Lambda,
        Column::Delta,
        Column::Kkt,
        Column::Hypergradient,
    ];

    /// Its place among a history's envelopes.
    fn slot(self) -> usize {
        match self {
            Column::F => 0,
            Column::H => 1,
            Column::Lambda => 2,
            Column::Delta => 3,
            Column::Kkt => 4,
            Column::Hypergradient => 5,
            Column::Coordinate(i) => 6 + i,
        }
    }
}

/// Per-iteration series of one run: the solver's columns, thinned by
/// `stride` when long, each with a min/max [`Envelope`] kept up to date as
/// samples arrive, so a frame draws a bounded number of points however long
/// the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Point dimension n + m.
    pub dim: usize,
    /// Keep only iterations that are multiples of this (doubles on thinning).
    pub stride: u64,
    /// The kept iterations, in columns.
    pub series: Frames,
    /// One envelope per [`Column`]: the scalars, then the coordinates.
    envelopes: Vec<Envelope>,
}

impl std::ops::Deref for History {
    type Target = Frames;

    fn deref(&self) -> &Frames {
        &self.series
    }
}

impl History {
    fn new(dim: usize) -> Self {
        Self {
            dim,
            stride: 1,
            series: Frames::default(),
            envelopes: Vec::new(),
        }
    }

    /// A history of points of dimension `dim` holding `frames`, summarised
    /// (no thinning).
    pub fn from_frames(dim: usize, frames: &Frames) -> Self {
        let mut h = Self::new(dim);
        h.append(frames, usize::MAX);
        h
    }

    /// The value of `column` at sample `s` (NaN past the end).
    pub fn value(&self, column: Column, s: usize) -> f64 {
        let of = |v: &Vec<f64>| v.get(s).copied().unwrap_or(f64::NAN);
        match column {
            Column::F => of(&self.series.f),
            Column::H => of(&self.series.h),
            Column::Lambda => of(&self.series.lambda),
            Column::Delta => of(&self.series.delta_norm),
            Column::Kkt => of(&self.series.kkt),
            Column::Hypergradient => of(&self.series.hypergradient),
            Column::Coordinate(i) if i < self.dim => self.coordinate(s, i),
            Column::Coordinate(_) => f64::NAN,
        }
    }

    /// The samples of `column` to draw, in order: every sample in `detail`
    /// (the range a zoomed plot shows) when it holds at most [`RAW_LIMIT`],
    /// and each envelope bucket's extremes elsewhere. With `positive`, only
    /// positive values (a log axis). Costs O(buckets + RAW_LIMIT), not
    /// O(samples).
    pub fn drawable(&self, column: Column, detail: Range<usize>, positive: bool) -> Vec<usize> {
        let value = |s: usize| self.value(column, s);
        match self.envelopes.get(column.slot()) {
            Some(e) if e.len() == self.len() => e.indices(detail, RAW_LIMIT, positive, value),
            // Not summarised (a history built by hand): every sample.
            _ => (0..self.len())
                .filter(|&s| value(s).is_finite() && (!positive || value(s) > 0.0))
                .collect(),
        }
    }

    /// Brings every envelope up to the kept samples (from scratch when
    /// `rebuild`: after thinning or a replaced last sample).
    fn summarise(&mut self, rebuild: bool) {
        let columns = Column::SCALARS.len() + self.dim;
        if rebuild || self.envelopes.len() != columns {
            self.envelopes = vec![Envelope::default(); columns];
        }
        let len = self.len();
        let f = &self.series;
        // In the order of Column::SCALARS.
        let scalars = [
            &f.f,
            &f.h,
            &f.lambda,
            &f.delta_norm,
            &f.kkt,
            &f.hypergradient,
        ];
        let (scalar_envelopes, coordinate_envelopes) =
            self.envelopes.split_at_mut(Column::SCALARS.len());
        // Straight from the columns: this runs for every streamed sample.
        for (values, envelope) in scalars.into_iter().zip(scalar_envelopes) {
            envelope.extend(len, |s| values.get(s).copied().unwrap_or(f64::NAN));
        }
        let dim = self.dim;
        for (i, envelope) in coordinate_envelopes.iter_mut().enumerate() {
            envelope.extend(len, |s| f.z.get(s * dim + i).copied().unwrap_or(f64::NAN));
        }
    }

    /// Coordinate `index` of sample `s`.
    pub fn coordinate(&self, s: usize, index: usize) -> f64 {
        self.series
            .z
            .get(s * self.dim + index)
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// The point of sample `s`.
    pub fn point(&self, s: usize) -> &[f64] {
        self.series
            .z
            .get(s * self.dim..(s + 1) * self.dim)
            .unwrap_or_default()
    }

    fn append(&mut self, frames: &Frames, capacity: usize) {
        let mut rebuild = false;
        let mut i = 0;
        while let Some(&k) = frames.k.get(i) {
            // The common case, every sample of a batch kept (the solver's
            // batches are in increasing k): copy it whole, up to capacity.
            if self.stride == 1
                && self.series.k.last().is_none_or(|&last| last < k)
                && self.series.len() < capacity
            {
                let room = capacity - self.series.len();
                let end = i.saturating_add(room).min(frames.len());
                self.series.extend_from(frames, i..end, self.dim);
                i = end;
                continue;
            }
            let at = i;
            i += 1;
            if k % self.stride != 0 {
                continue;
            }
            // A resumed run re-issues its final point with the new
            // parameters: that record replaces the old one.
            if self.series.k.last() == Some(&k) {
                self.series.pop(self.dim);
                rebuild = true;
            }
            if self.series.len() >= capacity {
                self.thin();
                rebuild = true;
                if k % self.stride != 0 {
                    continue;
                }
            }
            self.series.push_from(frames, at, self.dim);
        }
        self.summarise(rebuild);
    }

    /// Keeps every other sample (those at multiples of the doubled stride).
    fn thin(&mut self) {
        self.stride *= 2;
        let keep: Vec<bool> = self.series.k.iter().map(|k| k % self.stride == 0).collect();
        self.series.retain(&keep, self.dim);
    }
}

/// One run as the UI knows it.
#[derive(Debug, Clone)]
pub struct RunTrace {
    /// The current id of the run.
    pub id: RunId,
    /// Colour slot of the run (stable across resets).
    pub slot: usize,
    /// The configuration the run started with.
    first_config: RunConfig,
    /// Each later configuration, with the iteration it held from.
    later_configs: Vec<(u64, RunConfig)>,
    /// The start point.
    pub start: Vec<f64>,
    /// The kept history.
    pub history: History,
    /// The full record of the newest iterate.
    pub last: Option<Record>,
    /// Oracle calls so far.
    pub counts: OracleCounts,
    /// Where it stands.
    pub state: RunState,
    capacity: usize,
    /// (tolerance, stride, samples scanned, first iteration found) of the
    /// last [`RunTrace::first_below`] question.
    reach: (f64, u64, usize, Option<u64>),
    /// The last few consecutive iterates.
    pub recent: VecDeque<Vec<f64>>,
    /// The diagnosis of the newest judged iterate.
    pub diagnosis: Option<Diagnosis>,
    /// (iteration, true gap) as the solver sampled it, thinned when long.
    pub gap_series: Vec<[f64; 2]>,
    /// Kicks, runaways and cycles as the solver saw them (the newest
    /// [`EVENTS_KEPT`]), with their points.
    pub events: VecDeque<(RunEvent, Vec<f64>)>,
    /// Kicks so far (kept or not).
    pub kicks: usize,
    /// Events so far (kept or not).
    pub events_total: usize,
    /// (tolerance, F*, stride, samples scanned, tracker) of the last
    /// [`RunTrace::first_reaching`] question.
    common_reach: Option<(f64, f64, u64, usize, Reach)>,
    /// Whether a runaway is going on.
    pub running_away: bool,
}

impl RunTrace {
    /// A run that has not produced anything yet.
    pub fn new(id: RunId, slot: usize, config: RunConfig, start: Vec<f64>) -> Self {
        let per_sample = 8 * start.len().max(1);
        let capacity = DEFAULT_CAPACITY.min(HISTORY_BYTES / per_sample).max(2);
        Self::with_capacity(id, slot, config, start, capacity)
    }

    /// As [`RunTrace::new`], thinning the history beyond `capacity` samples.
    pub fn with_capacity(
        id: RunId,
        slot: usize,
        config: RunConfig,
        start: Vec<f64>,
        capacity: usize,
    ) -> Self {
        let dim = start.len();
        Self {
            id,
            slot,
            first_config: config,
            later_configs: Vec::new(),
            start,
            history: History::new(dim),
            last: None,
            counts: OracleCounts::default(),
            state: RunState::Live,
            capacity: capacity.max(2),
            reach: (f64::NAN, 0, 0, None),
            recent: VecDeque::with_capacity(RECENT + 1),
            diagnosis: None,
            gap_series: Vec::new(),
            events: VecDeque::new(),
            kicks: 0,
            events_total: 0,
            common_reach: None,
            running_away: false,
        }
    }

    /// The configuration now in force.
    pub fn config(&self) -> RunConfig {
        self.later_configs
            .last()
            .map_or(self.first_config, |(_, c)| *c)
    }

    /// The configuration that was in force at iteration `k`.
    pub fn config_at(&self, k: u64) -> RunConfig {
        self.later_configs
            .iter()
            .rev()
            .find(|(from, _)| *from <= k)
            .map_or(self.first_config, |(_, c)| *c)
    }

    /// Records that the configuration changes from the next iteration on.
    pub fn reconfigure(&mut self, config: RunConfig) {
        let from = self.last.as_ref().map_or(0, |r| r.k + 1);
        self.later_configs.retain(|(k, _)| *k < from);
        if from == 0 {
            self.first_config = config;
        } else {
            self.later_configs.push((from, config));
        }
        if matches!(
            self.state,
            RunState::Finished(Status::Budget | Status::Converged)
        ) {
            self.state = RunState::Live;
        }
    }

    /// Records that the run goes on with another problem from the next
    /// iteration (an edit applied with "keep iterating"): a converged run
    /// is live again, as the solver resumes it.
    pub fn problem_changed(&mut self) {
        if matches!(self.state, RunState::Finished(Status::Converged)) {
            self.state = RunState::Live;
        }
        // When it reached a tolerance was about the old problem.
        self.reach = (f64::NAN, 0, 0, None);
        self.common_reach = None;
    }

    /// The first kept iteration whose KKT residual is at most `tol` (exact
    /// until the history is thinned, then to within its stride). Scans only
    /// what arrived since the last call with the same tolerance.
    pub fn first_below(&mut self, tol: f64) -> Option<u64> {
        let h = &self.history;
        let (t, stride, scanned, found) = self.reach;
        let (mut scanned, mut found) = if t == tol && stride == h.stride {
            (scanned, found)
        } else {
            (0, None)
        };
        if found.is_none() {
            let len = h.kkt.len().min(h.k.len());
            found = (scanned..len)
                .find(|&s| h.kkt.get(s).is_some_and(|v| *v <= tol))
                .and_then(|s| h.k.get(s).copied());
            scanned = len;
        }
        self.reach = (tol, h.stride, scanned, found);
        found
    }

    /// The first kept iteration within `tol` of the reference by the common
    /// measure (distance to z* or |f − F*|, h and the true gap; see
    /// [`Reach`]) — the same for every method. Scans only what arrived
    /// since the last call with the same question.
    pub fn first_reaching(
        &mut self,
        problem: &dyn Problem,
        domain: &LowerDomain,
        answer: &Answer,
        tol: f64,
    ) -> Option<u64> {
        if let Some(scan) = self.reach_scan(answer, tol) {
            self.reach_scanned(scan.run(problem, domain, answer));
        }
        self.reached(answer, tol).flatten()
    }

    /// The samples [`Self::first_reaching`] has not looked at yet, with
    /// its tracker, owned (to be scanned on another thread); `None` when
    /// there is nothing new or the reference was reached. A new question
    /// (tolerance, F*, or a thinned history) starts over.
    pub fn reach_scan(&mut self, answer: &Answer, tol: f64) -> Option<ReachScan> {
        let h = &self.history;
        let key = (tol, answer.f, h.stride);
        let same = self
            .common_reach
            .as_ref()
            .is_some_and(|(t, f, stride, _, _)| (*t, *f, *stride) == key);
        if !same {
            self.common_reach = Some((tol, answer.f, h.stride, 0, Reach::new(tol)));
        }
        let (_, _, _, scanned, reach) = self.common_reach.as_ref()?;
        let len = h.k.len().min(h.f.len()).min(h.h.len());
        if reach.reached.is_some() || *scanned >= len {
            return None;
        }
        // Only samples near the reference in value or place, with h within
        // the tolerance, can count (see `Reach::observe`): the rest are
        // passed over here, so a long history is not copied to be skipped.
        let near = |s: usize| {
            let z = h.point(s);
            ((h.f[s] - answer.f).abs() <= tol || answer.distance(z).is_some_and(|d| d <= tol))
                && h.h[s] <= tol
        };
        let from = *scanned;
        let samples: Vec<(u64, Vec<f64>, f64, f64)> = (from..len)
            .filter(|&s| near(s))
            .map(|s| (h.k[s], h.point(s).to_vec(), h.f[s], h.h[s]))
            .collect();
        let tracker = reach.clone();
        if samples.is_empty() {
            // Nothing that could count: passed over without a search.
            if let Some((_, _, _, scanned, _)) = self.common_reach.as_mut() {
                *scanned = len;
            }
            return None;
        }
        Some(ReachScan {
            key,
            from,
            to: len,
            samples,
            tracker,
        })
    }

    /// Whether [`Self::reach_scan`] would have something to scan.
    pub fn reach_pending(&self, answer: &Answer, tol: f64) -> bool {
        let h = &self.history;
        match &self.common_reach {
            Some((t, f, stride, scanned, reach))
                if (*t, *f, *stride) == (tol, answer.f, h.stride) =>
            {
                reach.reached.is_none() && *scanned < h.k.len().min(h.f.len()).min(h.h.len())
            }
            _ => true,
        }
    }

    /// Takes a scan back: kept if the question is still the same and the
    /// scan starts where the last one ended.
    pub fn reach_scanned(&mut self, scan: ReachScan) {
        if let Some((t, f, stride, scanned, reach)) = self.common_reach.as_mut()
            && (*t, *f, *stride) == scan.key
            && *scanned == scan.from
        {
            *scanned = scan.to;
            *reach = scan.tracker;
        }
    }

    /// What [`Self::first_below`] last found for `tol` (`Some(None)`: not
    /// below yet; `None`: not asked about `tol`).
    pub fn found_below(&self, tol: f64) -> Option<Option<u64>> {
        let (t, stride, _, found) = self.reach;
        (t == tol && stride == self.history.stride).then_some(found)
    }

    /// What [`Self::first_reaching`] last found, if it was asked about
    /// `answer` and `tol` (`Some(None)`: not reached yet).
    pub fn reached(&self, answer: &Answer, tol: f64) -> Option<Option<u64>> {
        let (t, f, stride, _, reach) = self.common_reach.as_ref()?;
        (*t == tol && *f == answer.f && *stride == self.history.stride).then_some(reach.reached)
    }

    /// Judges the newest iterate if it changed since the last call: the true
    /// lower-level gap (searched over the problem's `domain`, never the
    /// view), the curvature of the lower level, the traps and the class
    /// against the reference `answer`. Returns whether it did. (The app
    /// does the same off its thread: [`Self::end_to_judge`],
    /// [`EndToJudge::judge`], [`Self::judged`].)
    pub fn diagnose(
        &mut self,
        problem: &dyn Problem,
        domain: &LowerDomain,
        answer: Option<&Answer>,
    ) -> bool {
        let Some(end) = self.end_to_judge() else {
            return false;
        };
        match end.judge(problem, domain, answer) {
            Some(diagnosis) => self.judged(diagnosis),
            None => false,
        }
    }

    /// What judging the newest iterate needs, owned (to be judged on
    /// another thread); `None` if there is no iterate or it is judged.
    pub fn end_to_judge(&self) -> Option<EndToJudge> {
        let last = self.last.as_ref()?;
        if self.diagnosis.as_ref().is_some_and(|d| d.k == last.k) {
            return None;
        }
        Some(EndToJudge {
            id: self.id,
            k: last.k,
            status: match &self.state {
                RunState::Finished(status) => status.clone(),
                _ => Status::Running,
            },
            recent: self.recent.iter().cloned().collect(),
            kicks: self.kicks,
            last_kick: self
                .events
                .iter()
                .rev()
                .find(|(e, _)| matches!(e.kind, EventKind::Kick { .. }))
                .map(|(e, _)| e.iteration),
            running_away: self.running_away,
        })
    }

    /// Takes a judgement of this run; true if it is newer than the one
    /// held (an answer that arrives late is not allowed to go back).
    pub fn judged(&mut self, diagnosis: Diagnosis) -> bool {
        if self.diagnosis.as_ref().is_some_and(|d| d.k >= diagnosis.k) {
            return false;
        }
        self.diagnosis = Some(diagnosis);
        true
    }

    /// The iteration of the newest iterate.
    pub fn iteration(&self) -> u64 {
        self.last.as_ref().map_or(0, |r| r.k)
    }

    fn apply(&mut self, event: Event) {
        match event {
            Event::Frames {
                frames,
                last,
                counts,
                happened,
                running_away,
                gaps,
                ..
            } => {
                for sample in gaps {
                    if self.gap_series.len() >= GAP_SAMPLES {
                        let kept: Vec<[f64; 2]> =
                            self.gap_series.iter().step_by(2).copied().collect();
                        self.gap_series = kept;
                    }
                    self.gap_series.push(sample);
                }
                let dim = self.history.dim.max(1);
                for event in happened {
                    self.events_total += 1;
                    if let EventKind::Kick { .. } = event.kind {
                        self.kicks += 1;
                    }
                    let at = frames
                        .k
                        .iter()
                        .position(|k| *k == event.iteration)
                        .and_then(|i| frames.z.get(i * dim..(i + 1) * dim))
                        .map(<[f64]>::to_vec)
                        .unwrap_or_default();
                    if self.events.len() == EVENTS_KEPT {
                        self.events.pop_front();
                    }
                    self.events.push_back((event, at));
                }
                self.running_away = running_away;
                self.history.append(&frames, self.capacity);
                let skip = frames.len().saturating_sub(RECENT);
                for point in frames.z.chunks(dim).skip(skip) {
                    if self.recent.len() == RECENT {
                        self.recent.pop_front();
                    }
                    self.recent.push_back(point.to_vec());
                }
                self.last = Some(*last);
                self.counts = counts;
            }
            Event::Finished { status, .. } => self.state = RunState::Finished(status),
            Event::Failed { message, .. } => self.state = RunState::Failed(message),
        }
    }
}

/// All runs of the session.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The runs, in the order they were added.
    pub runs: Vec<RunTrace>,
    next_id: RunId,
}

impl Session {
    /// A fresh id for a new or reset run.
    pub fn fresh_id(&mut self) -> RunId {
        self.next_id += 1;
        self.next_id
    }

    /// Applies an event; returns false if it belongs to no current run.
    pub fn apply(&mut self, event: Event) -> bool {
        let id = event.id();
        match self.runs.iter_mut().find(|r| r.id == id) {
            Some(run) => {
                run.apply(event);
                true
            }
            None => false,
        }
    }

    /// The run with this id.
    pub fn run(&self, id: RunId) -> Option<&RunTrace> {
        self.runs.iter().find(|r| r.id == id)
    }

    /// Whether any run can still iterate.
    pub fn any_live(&self) -> bool {
        self.runs.iter().any(|r| r.state == RunState::Live)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::{Method, PgdQp, Rho};

    fn config() -> RunConfig {
        RunConfig::new(
            Method::PgdQp(PgdQp {
                rho: Rho::Qp1,
                alpha: 0.1,
                step: 0.1,
            }),
            100,
            None,
        )
        .unwrap()
    }

    fn frames(ks: std::ops::Range<u64>) -> Frames {
        let mut f = Frames::default();
        for k in ks {
            f.k.push(k);
            f.z.extend([k as f64, -(k as f64)]);
            for v in [
                &mut f.f,
                &mut f.h,
                &mut f.lambda,
                &mut f.delta_norm,
                &mut f.kkt,
                &mut f.hypergradient,
            ] {
                v.push(k as f64);
            }
            f.active.push(k % 2 == 0);
        }
        f
    }

    fn record(k: u64) -> Box<Record> {
        Box::new(Record {
            k,
            n: 1,
            z: vec![k as f64, -(k as f64)],
            f: 0.0,
            g: 0.0,
            h: 0.0,
            grad_y_g_norm: 0.0,
            grad_f: vec![0.0; 2],
            grad_h: vec![0.0; 2],
            correction: vec![0.0; 2],
            lambda: 0.0,
            active: false,
            delta: vec![0.0; 2],
            delta_norm: 0.0,
            step: 0.1,
            kkt_residual: 0.0,
            oracle_calls: 0,
            detail: crate::method::Detail::PgdQp {
                rho: 0.0,
                rate: 0.0,
                guarded: false,
            },
        })
    }

    #[test]
    fn stale_events_are_ignored_and_history_is_bounded() {
        let mut s = Session::default();
        let id = s.fresh_id();
        s.runs
            .push(RunTrace::with_capacity(id, 0, config(), vec![0.0, 0.0], 64));
        let ev = |id, ks: std::ops::Range<u64>| Event::Frames {
            id,
            last: record(ks.end - 1),
            frames: Box::new(frames(ks)),
            counts: OracleCounts::default(),
            happened: Vec::new(),
            running_away: false,
            gaps: Vec::new(),
        };
        assert!(s.apply(ev(id, 0..50)));
        assert!(!s.apply(ev(id + 7, 0..10)), "unknown id ignored");
        assert_eq!(s.runs[0].history.len(), 50);
        assert!(s.apply(ev(id, 50..1000)));
        let h = &s.runs[0].history;
        assert!(h.len() <= 64 && h.len() >= 32, "{}", h.len());
        assert!(h.k.iter().all(|k| k % h.stride == 0));
        assert!(h.k.windows(2).all(|w| w[0] < w[1]));
        // Columns stay aligned after thinning.
        for s_i in 0..h.len() {
            assert_eq!(h.coordinate(s_i, 0), h.k[s_i] as f64);
            assert_eq!(h.f[s_i], h.k[s_i] as f64);
            assert_eq!(h.active[s_i], h.k[s_i] % 2 == 0);
        }
        assert_eq!(s.runs[0].iteration(), 999);
    }

    #[test]
    fn the_diagnosis_follows_the_newest_iterate() {
        let p = crate::preset::load_builtin("b06-mitsos-barton-3-10").unwrap();
        let mut run = RunTrace::new(1, 0, config(), vec![0.5, -0.5]);
        // Two frames at the spurious LL minimum y = −0.5 (gap = x = 0.5).
        let mut f = frames(0..2);
        f.z = vec![0.5, -0.5, 0.5, -0.5];
        run.apply(Event::Frames {
            id: 1,
            frames: Box::new(f),
            last: {
                let mut r = record(1);
                r.z = vec![0.5, -0.5];
                r
            },
            counts: OracleCounts::default(),
            happened: Vec::new(),
            running_away: false,
            gaps: vec![[0.0, 0.5], [1.0, 0.5]],
        });
        assert_eq!(run.recent.len(), 2);
        assert!(run.diagnose(p.problem.as_ref(), &p.lower_search(), p.answer().as_ref()));
        let d = run.diagnosis.clone().unwrap();
        assert!((d.gap.gap - 0.5).abs() < 1e-9, "{d:?}");
        assert!(d.curvature > 0.0);
        assert_eq!(d.traps, vec![Trap::LocalLowerMinimum, Trap::BelowOptimum]);
        // The gap series is what the solver sampled, not the diagnosis.
        assert_eq!(run.gap_series, vec![[0.0, 0.5], [1.0, 0.5]]);
        assert!(
            !run.diagnose(p.problem.as_ref(), &p.lower_search(), p.answer().as_ref()),
            "same iterate"
        );
    }

    #[test]
    fn first_below_finds_the_first_iteration_and_follows_new_frames() {
        let mut run = RunTrace::new(1, 0, config(), vec![0.0, 0.0]);
        let mut f = frames(0..10);
        f.kkt = (0..10).map(|k| 10.0 - k as f64).collect();
        run.history.append(&f, 64);
        assert_eq!(run.first_below(0.5), None);
        assert_eq!(run.first_below(3.0), Some(7));
        let mut more = frames(10..20);
        more.kkt = vec![0.25; 10];
        run.history.append(&more, 64);
        assert_eq!(run.first_below(0.5), Some(10), "new frames are scanned");
        assert_eq!(run.first_below(3.0), Some(7), "a changed tolerance rescans");
    }

    #[test]
    fn reconfiguring_keeps_the_past_configuration_for_past_iterations() {
        let mut run = RunTrace::new(1, 0, config(), vec![0.0, 0.0]);
        run.last = Some(*record(40));
        let faster = RunConfig::new(
            Method::PgdQp(PgdQp {
                rho: Rho::Qp1,
                alpha: 0.1,
                step: 0.5,
            }),
            config().iterations(),
            None,
        )
        .unwrap();
        run.reconfigure(faster);
        assert_eq!(run.config_at(10).method().step_length(), 0.1);
        assert_eq!(run.config_at(41).method().step_length(), 0.5);
        assert_eq!(run.config().method().step_length(), 0.5);
    }
}
