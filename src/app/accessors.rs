//! Read-only views of the app's state, for tests and the bench.

use super::*;

/// Read-only views of the app's state, for tests and the bench.
impl BilevelApp {
    /// The Experiments window's state: its fields, progress and result.
    pub fn experiments(&self) -> &ExperimentsState {
        &self.experiments
    }

    /// The same, to set its fields (tests, and the command line's
    /// `--experiments`).
    pub fn experiments_mut(&mut self) -> &mut ExperimentsState {
        &mut self.experiments
    }

    /// The message shown in the status bar, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notices.notice.as_ref()
    }

    /// The selected run's current iteration.
    pub fn iteration(&self) -> u64 {
        self.runs
            .session
            .runs
            .get(self.runs.selected)
            .map_or(0, RunTrace::iteration)
    }

    /// The iteration run `index` (in run-tab order) has reached.
    pub fn run_iteration(&self, index: usize) -> u64 {
        self.runs
            .session
            .runs
            .get(index)
            .map_or(0, RunTrace::iteration)
    }

    /// The reference the runs are judged against (known or computed).
    pub fn reference_answer(&self) -> Option<&crate::explore::Answer> {
        self.doc.answer.get()
    }

    /// The diagnosis of the selected run's newest judged iterate.
    pub fn diagnosis(&self) -> Option<&crate::session::Diagnosis> {
        self.runs
            .session
            .runs
            .get(self.runs.selected)?
            .diagnosis
            .as_ref()
    }

    /// The classes of the last basin map's starts, if one is done.
    pub fn basin_classes(&self) -> Option<Vec<crate::explore::EndClass>> {
        let map = self.explore.basins.as_ref()?;
        Some(map.cells.iter().map(|b| b.class).collect())
    }

    /// The cells of the last sweep, if one is done.
    pub fn sweep_cells(&self) -> Option<&[crate::explore::Cell]> {
        Some(&self.explore.sweep.as_ref()?.cells)
    }

    /// The index of the selected run.
    pub fn selected(&self) -> usize {
        self.runs.selected
    }

    /// The record at the selected run's newest iterate.
    pub fn selected_record(&self) -> Option<&crate::method::Record> {
        self.runs
            .session
            .runs
            .get(self.runs.selected)?
            .last
            .as_ref()
    }

    /// How many iterations the selected run's history keeps.
    pub fn history_len(&self) -> usize {
        self.runs
            .session
            .runs
            .get(self.runs.selected)
            .map_or(0, |r| r.history.len())
    }

    /// Whether the runs are playing.
    pub fn is_playing(&self) -> bool {
        self.runs.playing
    }

    /// The current parse error of the editors, as shown.
    pub fn edit_error(&self) -> Option<String> {
        self.doc
            .editor
            .error
            .as_ref()
            .map(|(which, e)| format!("{which}: {e}"))
    }

    /// The text in the f editor.
    pub fn f_text(&self) -> &str {
        &self.doc.editor.f
    }

    /// The text in the g editor.
    pub fn g_text(&self) -> &str {
        &self.doc.editor.g
    }

    /// The problem the runs use.
    pub fn problem(&self) -> &Arc<dyn Problem> {
        &self.doc.problem
    }

    /// The settings as they would be saved.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Mutable settings (tests change parameters the way the panels do).
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// The landscape's current view: [[x0, x1], [y0, y1]].
    pub fn view(&self) -> Option<[[f64; 2]; 2]> {
        self.view.view_bounds
    }

    /// Where the landscape plot was drawn last frame, in points.
    pub fn landscape_rect(&self) -> Option<egui::Rect> {
        self.view.landscape_rect
    }

    /// The landscape drawn, once one has arrived.
    pub fn landscape(&self) -> Option<&Landscape> {
        self.view.landscape.as_ref()
    }

    /// The constants in the sliders (values and ranges).
    pub fn constants(&self) -> &[crate::preset::Constant] {
        &self.doc.editor.constants
    }

    /// Whether a landscape has arrived from the worker.
    pub fn has_landscape(&self) -> bool {
        self.view.landscape.is_some()
    }

    /// The ε of a method with the relaxed set {h ≤ ε²} (RXGF, SQCQP), if
    /// the selected run uses one.
    pub fn squared_eps(&self) -> Option<f64> {
        match self.settings.runs.get(self.runs.selected)?.solver.method() {
            crate::method::Method::Rxgf(m) => Some(m.eps),
            crate::method::Method::Sqcqp(m) => Some(m.eps),
            _ => None,
        }
    }

    /// The threshold of the shaded region: ε, or ε² for RXGF and SQCQP.
    pub fn region_eps(&self) -> f64 {
        self.squared_eps().map_or(self.settings.eps, |e| e * e)
    }

    /// Writes the selected run's trajectory as CSV (what Export does).
    pub fn save_trajectory_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        export::write_csv(self, path)
    }

    /// The current problem, start and parameters as preset text.
    pub fn preset_text(&self) -> String {
        crate::preset::to_toml(&export::current_preset(self))
    }

    /// How many QP arrow sets are drawn along the selected run's path.
    pub fn path_arrow_count(&self) -> usize {
        self.runs
            .session
            .runs
            .get(self.runs.selected)
            .map_or(0, |run| self.path_arrow_records(run).len())
    }
}
