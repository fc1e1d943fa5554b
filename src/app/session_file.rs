//! Sessions to hand on: **Export ▸ Session (TOML)…** writes the problem
//! (edited or not, with its constants), every run (method, parameters,
//! start), the view and what the app shows as one preset file with
//! `[[runs]]` and `[session]`; opening it (`bilevel-lab FILE`, Open…)
//! restores them and runs the runs to the iteration they had reached.

use super::settings::{Layers, RunSpec, Series, XAxis};
use super::{BilevelApp, theme};
use crate::preset::{Preset, PresetRun};
use crate::teaching::Stage;
use serde::{Deserialize, Serialize};

/// `[session]`: what the app shows. Every key is optional: one left out
/// keeps the app's current setting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionState {
    /// The iteration the furthest run had reached; opening the session runs
    /// every run to it (or to its end) and pauses.
    pub iteration: Option<u64>,
    /// The selected run (1-based, as the run tabs number them).
    pub selected: Option<usize>,
    /// ε of the region {h ≤ ε}.
    pub eps: Option<f64>,
    /// The light theme.
    pub light: Option<bool>,
    /// The lecture view.
    pub lecture: Option<bool>,
    /// The landscape's layers.
    pub layers: Option<Layers>,
    /// The residual series.
    pub series: Option<Series>,
    /// The residual plots' horizontal axis.
    pub x_axis: Option<XAxis>,
    /// The comparison's tolerance.
    pub reach: Option<f64>,
    /// The coordinates shown (indices in z), beyond 2-D.
    pub axes: Option<[usize; 2]>,
    /// Whether "Explain this step" is open.
    pub explain: Option<bool>,
    /// The stage explained (1–5; 0: the whole step).
    pub stage: Option<usize>,
    /// Whether a valid edit applies as typed.
    pub apply_as_typed: Option<bool>,
    /// Whether a changed problem restarts the runs.
    pub restart_on_change: Option<bool>,
    /// The split view's two runs, 1-based (`[]`: one landscape).
    pub split: Option<Vec<usize>>,
}

/// The current state as a session: the exported preset (the selected
/// run's start and parameters as `[start]` and `[solver]`, so `run` runs
/// it) plus every run and `[session]`.
pub fn session_preset(app: &BilevelApp) -> Preset {
    let mut p = super::export::current_preset(app);
    p.runs = app
        .settings
        .runs
        .iter()
        .map(|r| PresetRun {
            solver: r.solver,
            start: r.start.clone(),
        })
        .collect();
    let s = &app.settings;
    let state = SessionState {
        iteration: Some(
            app.runs
                .session
                .runs
                .iter()
                .map(|r| r.iteration())
                .max()
                .unwrap_or(0),
        ),
        selected: Some(app.runs.selected + 1),
        eps: Some(s.eps),
        light: Some(s.light),
        lecture: Some(s.lecture),
        layers: Some(s.layers.clone()),
        series: Some(s.series.clone()),
        x_axis: Some(s.x_axis),
        reach: Some(s.reach),
        axes: Some([s.axis_x, s.axis_y]),
        explain: Some(app.teach.explain_open),
        stage: Some(
            app.teach
                .stage
                .and_then(|st| Stage::ALL.iter().position(|a| *a == st))
                .map_or(0, |i| i + 1),
        ),
        apply_as_typed: Some(s.apply_as_typed),
        restart_on_change: Some(s.restart_on_change),
        split: Some(s.split.map_or_else(Vec::new, |[a, b]| vec![a + 1, b + 1])),
    };
    p.session = toml::Table::try_from(&state).ok();
    p
}

/// Writes the session to `path` (atomically; the file is a preset).
pub fn write_session(app: &BilevelApp, path: &std::path::Path) -> std::io::Result<()> {
    crate::atomic_file::write_atomic(
        path,
        crate::preset::to_toml(&session_preset(app)).as_bytes(),
    )
}

impl BilevelApp {
    /// The runs a session file brings, at most as many as the app shows
    /// (`None`: the preset is not a session); says so if some are left out.
    pub(super) fn session_runs(&mut self) -> Option<Vec<RunSpec>> {
        let count = self.doc.preset.runs.len();
        if count == 0 {
            return None;
        }
        let most = theme::RUNS.len();
        if count > most {
            let text = format!(
                "the session has {count} runs; the app shows at most {most}: the first {most} are opened"
            );
            self.tell(text, true);
        }
        Some(
            self.doc
                .preset
                .runs
                .iter()
                .take(most)
                .map(|r| RunSpec::new(r.solver, r.start.clone()))
                .collect(),
        )
    }

    /// Applies the preset's `[session]` (after its runs have started): the
    /// view state, the selection and the iteration to run to. A table the
    /// app cannot read is named in the status line and left out.
    pub(super) fn restore_session_state(&mut self) {
        let Some(table) = self.doc.preset.session.clone() else {
            return;
        };
        let state: SessionState = match table.try_into() {
            Ok(state) => state,
            Err(e) => {
                let text = format!("[session] of this file is left out: {}", e.message().trim());
                return self.tell(text, true);
            }
        };
        let s = &mut self.settings;
        let finite = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
        s.eps = finite(state.eps).unwrap_or(s.eps);
        s.reach = finite(state.reach).unwrap_or(s.reach);
        s.light = state.light.unwrap_or(s.light);
        s.lecture = state.lecture.unwrap_or(s.lecture);
        s.layers = state.layers.unwrap_or_else(|| s.layers.clone());
        s.series = state.series.unwrap_or_else(|| s.series.clone());
        s.x_axis = state.x_axis.unwrap_or(s.x_axis);
        s.apply_as_typed = state.apply_as_typed.unwrap_or(s.apply_as_typed);
        s.restart_on_change = state.restart_on_change.unwrap_or(s.restart_on_change);
        let dims = self.doc.preset.dims();
        if let Some([x, y]) = state.axes
            && x < dims.n
            && (dims.n..dims.total()).contains(&y)
        {
            (s.axis_x, s.axis_y) = (x, y);
        }
        if let Some(split) = state.split {
            let runs = s.runs.len();
            s.split = match split[..] {
                [a, b] if a != b && (1..=runs).contains(&a) && (1..=runs).contains(&b) => {
                    Some([a - 1, b - 1])
                }
                _ => None,
            };
        }
        if let Some(i) = state.selected.filter(|i| (1..=s.runs.len()).contains(i)) {
            self.runs.selected = i - 1;
        }
        self.teach.explain_open = state.explain.unwrap_or(self.teach.explain_open);
        if let Some(i) = state.stage {
            self.teach.stage = Stage::ALL.get(i.wrapping_sub(1)).copied();
        }
        // Asked for once the commands that could restart the runs are done.
        self.doc.steps_due = state.iteration.filter(|k| *k > 0);
    }
}
