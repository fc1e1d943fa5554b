//! Starting the step-size sweep and the basin map: each a [`Task`] on its
//! own thread, with progress and cancel, over the selected run.

use super::BilevelApp;
use crate::background::Task;
use crate::explore::{self, BasinSpec, SweepSpec};

impl BilevelApp {
    /// Starts the sweep of the selected run's method over the panel's ranges.
    pub(super) fn start_sweep(&mut self) {
        let app = self;
        let Some(spec) = app.settings.runs.get(app.runs.selected) else {
            return;
        };
        let state = &mut app.explore;
        let sweep_spec = SweepSpec {
            settings: spec.solver,
            axes: spec.solver.method.sweep_axes(),
            first: state.first,
            second: state.second,
            grid: state.sweep_grid,
            start: spec.start.clone(),
            answer: app.doc.answer.get().cloned(),
            lower: app.doc.answer.lower,
            tolerance: explore::REACH_TOL,
        };
        if let Err(e) = sweep_spec.check() {
            state.message = Some(e);
            return;
        }
        let problem = app.doc.problem.clone();
        let job_spec = sweep_spec.clone();
        let total = {
            let (n1, n2) = sweep_spec.shape();
            n1 * n2
        };
        let wake = app.wake();
        let state = &mut app.explore;
        state.sweep_job = Some(Task::spawn("sweep", total, wake, move |progress| {
            explore::sweep(&problem, &job_spec, progress)
        }));
        state.sweep_pending = Some(sweep_spec);
        state.message = None;
    }

    /// Starts the basin map of the selected run's method over the current view.
    pub(super) fn start_basins(&mut self) {
        let app = self;
        if app.doc.preset.cleaning.is_some() {
            app.explore.message = Some(
                "the basin map colours starts over the landscape's window; hyper-cleaning has no landscape".into(),
            );
            return;
        }
        let (Some(spec), Some(bounds)) = (
            app.settings.runs.get(app.runs.selected),
            app.view.view_bounds,
        ) else {
            return;
        };
        let config = match spec.config() {
            Ok(config) => config,
            Err(e) => {
                app.explore.message = Some(format!("the basin map cannot run: {e}"));
                return;
            }
        };
        let state = &mut app.explore;
        let basin_spec = BasinSpec {
            config,
            axes: (app.settings.axis_x, app.settings.axis_y),
            x: bounds[0],
            y: bounds[1],
            grid: state.basin_grid,
            base: spec.start.clone(),
            answer: app.doc.answer.get().cloned(),
            lower: app.doc.answer.lower,
            tolerance: explore::REACH_TOL,
        };
        let problem = app.doc.problem.clone();
        let job_spec = basin_spec.clone();
        let total = basin_spec.grid * basin_spec.grid;
        let wake = app.wake();
        let state = &mut app.explore;
        state.basin_job = Some(Task::spawn("basins", total, wake, move |progress| {
            explore::basins(&problem, &job_spec, progress)
        }));
        state.basin_pending = Some(basin_spec);
        state.message = None;
    }
}
