//! The solver thread's loop.

use super::messages::{
    Command, Event, Frames, GAP_SAMPLES_PER_RUN, GAP_SAMPLES_PER_RUN_MULTI, RunId, Speed,
};
use crate::diagnostics::implicit_hypergradient_norm_reusing;
use crate::explore::{EventDetector, LowerDomain, lower_gap};
use crate::guard;
use crate::method::Run;
use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Iterations per run in one batch at full speed.
const CHUNK: u64 = 2048;
/// The longest the thread sleeps before looking at its commands again.
const MAX_WAIT: Duration = Duration::from_millis(50);

struct Slot {
    id: RunId,
    run: Run,
    /// Kicks, runaways and cycles, detected as the records stream.
    detector: EventDetector,
    done: bool,
    /// Time spent in the run's steps so far.
    compute: Duration,
}

impl Slot {
    fn new(id: RunId, run: Run) -> Self {
        Self {
            id,
            detector: EventDetector::for_problem(run.problem().as_ref()),
            run,
            done: false,
            compute: Duration::ZERO,
        }
    }
}

pub(super) struct Worker {
    commands: Receiver<Command>,
    events: Sender<Event>,
    wake: crate::background::Wake,
    runs: Vec<Slot>,
    playing: bool,
    pending_steps: u64,
    speed: Speed,
    pace_start: Instant,
    paced: u64,
    /// Where to search for the true gap samples, if they are wanted.
    gap_domain: Option<LowerDomain>,
}

impl Worker {
    pub(super) fn new(
        commands: Receiver<Command>,
        events: Sender<Event>,
        wake: crate::background::Wake,
    ) -> Self {
        Self {
            commands,
            events,
            wake,
            runs: Vec::new(),
            playing: false,
            pending_steps: 0,
            speed: Speed::Max,
            pace_start: Instant::now(),
            paced: 0,
            gap_domain: None,
        }
    }

    fn has_work(&self) -> bool {
        (self.playing || self.pending_steps > 0) && self.runs.iter().any(|s| !s.done)
    }

    /// Applies a command; false means shut down.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Add {
                id,
                problem,
                config,
                z0,
            } => self.runs.push(Slot::new(id, Run::new(problem, config, z0))),
            Command::Remove { id } => self.runs.retain(|s| s.id != id),
            Command::Reset {
                old,
                new,
                problem,
                config,
                z0,
            } => {
                self.runs.retain(|s| s.id != old);
                self.runs
                    .push(Slot::new(new, Run::new(problem, config, z0)));
            }
            Command::Reconfigure { id, config } => {
                if let Some(slot) = self.runs.iter_mut().find(|s| s.id == id) {
                    slot.run.reconfigure(config);
                    slot.done = slot.run.status().is_finished();
                }
            }
            Command::SetProblem { id, problem } => {
                if let Some(slot) = self.runs.iter_mut().find(|s| s.id == id) {
                    slot.run.set_problem(problem);
                    slot.done = slot.run.status().is_finished();
                }
            }
            Command::Play => {
                self.playing = true;
                self.reset_pace();
            }
            Command::Pause => {
                self.playing = false;
                self.pending_steps = 0;
            }
            Command::Step(n) => {
                self.playing = false;
                self.pending_steps = self.pending_steps.saturating_add(n);
            }
            Command::SetSpeed(speed) => {
                self.speed = speed;
                self.reset_pace();
            }
            Command::SampleGap(domain) => self.gap_domain = domain,
            Command::Shutdown => return false,
        }
        true
    }

    fn reset_pace(&mut self) {
        self.pace_start = Instant::now();
        self.paced = 0;
    }

    pub(super) fn run(mut self) {
        loop {
            if !self.has_work() {
                match self.commands.recv() {
                    Ok(command) => {
                        if !self.handle(command) {
                            return;
                        }
                        continue;
                    }
                    Err(_) => return,
                }
            }
            while let Ok(command) = self.commands.try_recv() {
                if !self.handle(command) {
                    return;
                }
            }
            if !self.has_work() {
                continue;
            }
            let n = match self.due() {
                Ok(n) => n,
                Err(wait) => {
                    match self.commands.recv_timeout(wait) {
                        Ok(command) => {
                            if !self.handle(command) {
                                return;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    continue;
                }
            };
            for event in self.advance(n) {
                if !self.deliver(event) {
                    return;
                }
            }
        }
    }

    /// How many iterations to do now, or how long to wait for the next one.
    fn due(&mut self) -> Result<u64, Duration> {
        if self.pending_steps > 0 {
            let n = self.pending_steps.min(CHUNK);
            self.pending_steps -= n;
            return Ok(n);
        }
        match self.speed {
            Speed::Max => Ok(CHUNK),
            Speed::PerSecond(rate) => {
                let rate = rate.max(1e-3);
                let elapsed = self.pace_start.elapsed().as_secs_f64();
                let target = (elapsed * rate).floor() as u64;
                if target > self.paced + CHUNK * 4 {
                    // Far behind (the UI was slow to drain): do not burst.
                    self.pace_start = Instant::now();
                    self.paced = 0;
                    return Ok(1);
                }
                let n = target.saturating_sub(self.paced).min(CHUNK);
                if n == 0 {
                    let next = (self.paced + 1) as f64 / rate - elapsed;
                    return Err(Duration::from_secs_f64(
                        next.clamp(0.0, MAX_WAIT.as_secs_f64()),
                    ));
                }
                self.paced += n;
                Ok(n)
            }
        }
    }

    /// Advances every live run by `n` iterations and collects the events.
    fn advance(&mut self, n: u64) -> Vec<Event> {
        let mut events = Vec::new();
        for slot in self.runs.iter_mut().filter(|s| !s.done) {
            let mut frames = Frames::default();
            let problem = slot.run.problem().clone();
            let started = Instant::now();
            let base = slot.compute;
            // The hypergradient is a diagnostic: its time is not the method's.
            let mut diagnostics = Duration::ZERO;
            let mut happened = Vec::new();
            let mut gaps = Vec::new();
            let gap_every = gap_interval(&slot.run);
            let gap_domain = self.gap_domain;
            let detector = &mut slot.detector;
            let outcome = guard::catch(|| {
                slot.run.advance(n, |record| {
                    // Two clock reads per iteration: when the step ended,
                    // and when the diagnostic after it did.
                    let now = Instant::now();
                    let at = base + (now - started).saturating_sub(diagnostics);
                    let hyper = implicit_hypergradient_norm_reusing(
                        problem.as_ref(),
                        &record.z,
                        &record.grad_f,
                        &record.grad_h,
                    );
                    happened.extend(detector.observe(record));
                    if let Some(domain) = &gap_domain
                        && record.k.is_multiple_of(gap_every)
                    {
                        let gap = lower_gap(problem.as_ref(), &record.z, domain).gap;
                        gaps.push([record.k as f64, gap]);
                    }
                    diagnostics += now.elapsed();
                    frames.push(record, hyper, at.as_secs_f64());
                });
            });
            slot.compute = base + started.elapsed().saturating_sub(diagnostics);
            // The QP at the current iterate, for the geometry on the plot;
            // computing it calls the problem too, so it is guarded as well.
            let current = match &outcome {
                Ok(_) => {
                    guard::catch(|| slot.run.peek().or_else(|| slot.run.last_record().cloned()))
                }
                Err(_) => Ok(slot.run.last_record().cloned()),
            };
            // Iterations finished before a panic are real: deliver them.
            if let (false, Ok(Some(last))) = (frames.is_empty(), &current) {
                events.push(Event::Frames {
                    id: slot.id,
                    frames: Box::new(frames),
                    last: Box::new(last.clone()),
                    counts: slot.run.counts(),
                    happened,
                    running_away: slot.detector.running_away(),
                    gaps,
                });
            }
            if let Some(what) = outcome.err().or(current.err()) {
                slot.done = true;
                events.push(Event::Failed {
                    id: slot.id,
                    message: format!(
                        "the step panicked at iteration {}: {what}",
                        slot.run.state().k
                    ),
                });
                continue;
            }
            let status = slot.run.status();
            if status.is_finished() {
                slot.done = true;
                events.push(Event::Finished {
                    id: slot.id,
                    status: status.clone(),
                });
            }
        }
        events
    }

    /// Sends an event, handling commands while the UI is behind; false means
    /// shut down.
    fn deliver(&mut self, mut event: Event) -> bool {
        loop {
            match self.events.send_timeout(event, Duration::from_millis(20)) {
                Ok(()) => {
                    (self.wake)();
                    return true;
                }
                Err(SendTimeoutError::Timeout(back)) => {
                    event = back;
                    while let Ok(command) = self.commands.try_recv() {
                        if !self.handle(command) {
                            return false;
                        }
                    }
                    // A removed or reset run's batch need not wait.
                    if !self.runs.iter().any(|s| s.id == event.id()) {
                        return true;
                    }
                }
                Err(SendTimeoutError::Disconnected(_)) => return false,
            }
        }
    }
}

/// Iterations between true-gap samples: about [`GAP_SAMPLES_PER_RUN`] over
/// the run's budget (fewer with several lower variables, whose search is a
/// multi-start descent).
fn gap_interval(run: &Run) -> u64 {
    let samples = if run.problem().dims().m == 1 {
        GAP_SAMPLES_PER_RUN
    } else {
        GAP_SAMPLES_PER_RUN_MULTI
    };
    (run.config().iterations() / samples).max(1)
}
