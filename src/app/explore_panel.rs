//! The step-size sweep map and the basin map: set up and started here, run
//! on their own threads (every core) with progress and cancel, drawn as a
//! heatmap window and under the landscape.

use super::job::Job;
use super::status_bar::num;
use super::{AppCommand, BilevelApp, theme};
use crate::explore::{self, Basin, BasinSpec, Cell, EndClass, SweepSpec, Trap};
use crate::method::{ParamValue, Status};
use crate::problem::Problem;
use eframe::egui::{self, Color32, RichText};
use egui_plot::{Plot, PlotImage, PlotPoint};
use std::sync::Arc;

/// A finished sweep.
pub struct SweepMap {
    /// What was swept.
    pub spec: SweepSpec,
    /// Row-major cells (first parameter outer).
    pub cells: Vec<Cell>,
    problem: Arc<dyn Problem>,
}

/// A finished basin map.
pub struct BasinMap {
    /// What was mapped.
    pub spec: BasinSpec,
    /// Row-major starts (y outer).
    pub cells: Vec<Basin>,
    problem: Arc<dyn Problem>,
    texture: Option<egui::TextureHandle>,
}

/// The panel's state (not persisted: results belong to one problem).
pub struct ExploreState {
    sweep_job: Option<Job<Vec<Cell>>>,
    sweep_pending: Option<SweepSpec>,
    /// The last finished sweep.
    pub sweep: Option<SweepMap>,
    sweep_texture: Option<egui::TextureHandle>,
    first: [f64; 2],
    second: [f64; 2],
    sweep_grid: usize,
    by_distance: bool,
    show_sweep: bool,
    basin_job: Option<Job<Vec<Basin>>>,
    basin_pending: Option<BasinSpec>,
    /// The last finished basin map.
    pub basins: Option<BasinMap>,
    basin_grid: usize,
    /// Draw the basin map under the landscape.
    pub show_basins: bool,
    message: Option<String>,
}

impl Default for ExploreState {
    fn default() -> Self {
        Self {
            sweep_job: None,
            sweep_pending: None,
            sweep: None,
            sweep_texture: None,
            first: [0.01, 10.0],
            second: [0.001, 1.0],
            sweep_grid: 24,
            by_distance: false,
            show_sweep: false,
            basin_job: None,
            basin_pending: None,
            basins: None,
            basin_grid: 24,
            show_basins: true,
            message: None,
        }
    }
}

/// The colour of a basin class.
pub fn class_color(class: &EndClass) -> Color32 {
    match class {
        EndClass::Optimum => theme::LL_MIN,
        EndClass::LocalSolution => theme::REGION_EDGE,
        EndClass::Trap(Trap::LowerMaximum) => theme::LL_MAX,
        EndClass::Trap(Trap::LocalLowerMinimum) => Color32::from_rgb(235, 130, 30),
        EndClass::Trap(Trap::SpuriousCritical) => Color32::from_rgb(150, 80, 200),
        EndClass::Trap(Trap::BelowOptimum) => theme::REFERENCE,
        EndClass::Trap(Trap::ShortCycle(_)) => Color32::from_rgb(40, 190, 200),
        EndClass::Diverged => Color32::from_rgb(40, 40, 40),
        EndClass::Unsettled => Color32::from_rgb(150, 150, 150),
    }
}

/// Good (0) to bad (1): green, yellow, red.
fn ramp(t: f64) -> Color32 {
    let t = t.clamp(0.0, 1.0) as f32;
    let (a, b, u) = if t < 0.5 {
        ([20.0, 150.0, 70.0], [230.0, 200.0, 60.0], t * 2.0)
    } else {
        ([230.0, 200.0, 60.0], [200.0, 50.0, 40.0], t * 2.0 - 1.0)
    };
    let mix = |i: usize| (a[i] + (b[i] - a[i]) * u) as u8;
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// The value a sweep cell is coloured by (log10), or `None` if diverged.
fn cell_value(c: &Cell, by_distance: bool) -> Option<f64> {
    if matches!(c.status, Status::Diverged { .. }) {
        return None;
    }
    let v = if by_distance {
        c.distance?
    } else {
        c.kkt_residual
    };
    v.is_finite().then(|| v.max(1e-300).log10())
}

fn sweep_texture(ctx: &egui::Context, map: &SweepMap, by_distance: bool) -> egui::TextureHandle {
    let n = map.spec.grid;
    let values: Vec<Option<f64>> = map
        .cells
        .iter()
        .map(|c| cell_value(c, by_distance))
        .collect();
    let finite = values.iter().flatten();
    let lo = finite.clone().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-12);
    // Image rows start at the top: the largest second parameter first.
    let pixels: Vec<Color32> = (0..n)
        .rev()
        .flat_map(|j| (0..n).map(move |i| (i, j)))
        .map(|(i, j)| match values.get(i * n + j).copied().flatten() {
            Some(v) => ramp((v - lo) / span),
            None => Color32::BLACK,
        })
        .collect();
    ctx.load_texture(
        "sweep",
        egui::ColorImage::new([n, n], pixels),
        egui::TextureOptions::NEAREST,
    )
}

fn basin_texture(ctx: &egui::Context, n: usize, cells: &[Basin]) -> egui::TextureHandle {
    let pixels: Vec<Color32> = (0..n)
        .rev()
        .flat_map(|row| (0..n).map(move |col| row * n + col))
        .map(|i| {
            cells.get(i).map_or(Color32::TRANSPARENT, |b| {
                class_color(&b.class).gamma_multiply(0.55)
            })
        })
        .collect();
    ctx.load_texture(
        "basins",
        egui::ColorImage::new([n, n], pixels),
        egui::TextureOptions::NEAREST,
    )
}

impl BasinMap {
    /// The image to draw under the landscape, with its centre and size, if
    /// it belongs to `problem` and these axes.
    pub fn image(
        &mut self,
        ctx: &egui::Context,
        problem: &Arc<dyn Problem>,
        axes: (usize, usize),
    ) -> Option<PlotImage> {
        if !Arc::ptr_eq(&self.problem, problem) || self.spec.axes != axes {
            // A replaced problem (`poll` forgets the map) or other axes.
            return None;
        }
        let (n, cells) = (self.spec.grid, &self.cells);
        let texture = self
            .texture
            .get_or_insert_with(|| basin_texture(ctx, n, cells));
        let (x, y, n) = (self.spec.x, self.spec.y, self.spec.grid.max(2) as f64);
        // Each start is the centre of its cell.
        let (cx, cy) = ((x[1] - x[0]) / (n - 1.0), (y[1] - y[0]) / (n - 1.0));
        let centre = PlotPoint::new(0.5 * (x[0] + x[1]), 0.5 * (y[0] + y[1]));
        let size = egui::vec2((x[1] - x[0] + cx) as f32, (y[1] - y[0] + cy) as f32);
        Some(PlotImage::new(
            "basin map (start coloured by where it ends)",
            texture.id(),
            centre,
            size,
        ))
    }
}

impl ExploreState {
    /// Collects finished jobs, forgets maps of a replaced problem, and asks
    /// for a repaint while any job runs.
    pub fn poll(&mut self, ctx: &egui::Context, problem: &Arc<dyn Problem>) {
        if self
            .sweep
            .as_ref()
            .is_some_and(|m| !Arc::ptr_eq(&m.problem, problem))
        {
            self.sweep = None;
            self.sweep_texture = None;
        }
        if self
            .basins
            .as_ref()
            .is_some_and(|m| !Arc::ptr_eq(&m.problem, problem))
        {
            self.basins = None;
        }
        if let Some(job) = self.sweep_job.as_mut()
            && let Some(result) = job.poll()
        {
            self.sweep_job = None;
            match (result, self.sweep_pending.take()) {
                (Some(cells), Some(spec)) => {
                    self.sweep = Some(SweepMap {
                        spec,
                        cells,
                        problem: problem.clone(),
                    });
                    self.sweep_texture = None;
                    self.show_sweep = true;
                }
                _ => self.message = Some("the sweep was cancelled".into()),
            }
        }
        if let Some(job) = self.basin_job.as_mut()
            && let Some(result) = job.poll()
        {
            self.basin_job = None;
            match (result, self.basin_pending.take()) {
                (Some(cells), Some(spec)) => {
                    self.basins = Some(BasinMap {
                        spec,
                        cells,
                        problem: problem.clone(),
                        texture: None,
                    });
                }
                _ => self.message = Some("the basin map was cancelled".into()),
            }
        }
        if self.sweep_job.is_some() || self.basin_job.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

/// Draws the explore section; returns a command when a sweep cell is
/// clicked (use that setting in the selected run).
pub fn explore_ui(ui: &mut egui::Ui, app: &mut BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.label(RichText::new("Explore").strong());
    let Some(spec) = app.settings.runs.get(app.selected).cloned() else {
        return out;
    };
    let kind = spec.solver.method;
    let axes = explore::default_axes(kind);
    let symbol = |key: &str| {
        kind.param(key)
            .map_or(key.to_string(), |p| p.symbol.to_string())
    };
    // (sweep, basins) asked for: started once the panel is drawn.
    let mut want = (false, false);
    let state = &mut app.explore;
    ui.label(format!(
        "Sweep {} × {} of {} (log-spaced), K = {} each, from the selected run's start:",
        symbol(axes.0),
        symbol(axes.1),
        kind.title(),
        spec.solver.iterations
    ));
    ui.horizontal_wrapped(|ui| {
        for (range, key) in [(&mut state.first, axes.0), (&mut state.second, axes.1)] {
            for (v, end) in range.iter_mut().zip(["from", "to"]) {
                let speed = (*v * 0.02).max(1e-12);
                ui.add(
                    egui::DragValue::new(v)
                        .range(1e-12..=1e6)
                        .speed(speed)
                        .custom_formatter(|v, _| num(v))
                        .custom_parser(|t| t.trim().parse::<f64>().ok())
                        .prefix(format!("{} {end} ", symbol(key))),
                );
            }
        }
        ui.add(
            egui::DragValue::new(&mut state.sweep_grid)
                .range(2..=64)
                .prefix("grid "),
        );
    });
    want.0 = job_row(
        ui,
        state.sweep_job.as_ref(),
        (
            "Sweep",
            "Run every cell on every core; the map opens in its own window",
        ),
        "Cancel sweep",
    );
    ui.separator();
    ui.horizontal(|ui| {
        ui.label("Basin map:");
        ui.add(
            egui::DragValue::new(&mut state.basin_grid)
                .range(2..=64)
                .prefix("grid "),
        );
        ui.checkbox(&mut state.show_basins, "show");
    });
    want.1 = job_row(
        ui,
        state.basin_job.as_ref(),
        (
            "Map basins",
            "Run the selected run's method from a grid of starts over the view; each start is coloured by where it ends",
        ),
        "Cancel map",
    );
    if let Some(map) = &state.basins {
        let mut counts: Vec<(EndClass, usize)> = Vec::new();
        for b in &map.cells {
            match counts.iter_mut().find(|(c, _)| *c == b.class) {
                Some((_, n)) => *n += 1,
                None => counts.push((b.class, 1)),
            }
        }
        ui.horizontal_wrapped(|ui| {
            for (class, n) in counts {
                ui.label(
                    RichText::new(format!("■ {} {n}", class.as_str())).color(class_color(&class)),
                );
            }
        });
    }
    if let Some(message) = &state.message {
        ui.label(RichText::new(message).color(theme::LL_MAX));
    }
    if state.sweep.is_some() {
        out.extend(sweep_window(ui.ctx(), state));
    }
    if want.0 {
        start_sweep(app);
    }
    if want.1 {
        start_basins(app);
    }
    out
}

/// Starts the sweep of the selected run's method over the panel's ranges.
pub fn start_sweep(app: &mut BilevelApp) {
    let Some(spec) = app.settings.runs.get(app.selected) else {
        return;
    };
    let state = &mut app.explore;
    let sweep_spec = SweepSpec {
        settings: spec.defaults(),
        axes: explore::default_axes(spec.solver.method),
        first: state.first,
        second: state.second,
        grid: state.sweep_grid,
        start: spec.start.clone(),
    };
    if let Err(e) = sweep_spec.check() {
        state.message = Some(e);
        return;
    }
    let problem = app.problem.clone();
    let reference = app.preset.reference_z();
    let job_spec = sweep_spec.clone();
    let total = sweep_spec.grid * sweep_spec.grid;
    state.sweep_job = Some(Job::spawn(total, move |progress| {
        explore::sweep(&problem, &job_spec, reference.as_deref(), progress)
    }));
    state.sweep_pending = Some(sweep_spec);
    state.message = None;
}

/// Starts the basin map of the selected run's method over the current view.
pub fn start_basins(app: &mut BilevelApp) {
    let (Some(spec), Some(bounds)) = (app.settings.runs.get(app.selected), app.view_bounds) else {
        return;
    };
    let state = &mut app.explore;
    let basin_spec = BasinSpec {
        config: spec.config(),
        axes: (app.settings.axis_x, app.settings.axis_y),
        x: bounds[0],
        y: bounds[1],
        grid: state.basin_grid,
        base: spec.start.clone(),
        f_star: app.preset.reference.as_ref().and_then(|r| r.f),
    };
    let problem = app.problem.clone();
    let job_spec = basin_spec.clone();
    let total = basin_spec.grid * basin_spec.grid;
    state.basin_job = Some(Job::spawn(total, move |progress| {
        explore::basins(&problem, &job_spec, progress)
    }));
    state.basin_pending = Some(basin_spec);
    state.message = None;
}

impl ExploreState {
    /// Whether neither job runs and both maps exist.
    pub fn both_done(&self) -> bool {
        self.sweep_job.is_none()
            && self.basin_job.is_none()
            && self.sweep.is_some()
            && self.basins.is_some()
    }

    /// Whether the last start or job failed or was cancelled.
    pub fn failed(&self) -> bool {
        self.message.is_some()
    }

    /// Whether a job runs.
    pub fn busy(&self) -> bool {
        self.sweep_job.is_some() || self.basin_job.is_some()
    }
}

/// The sweep map's window: hover for the numbers, click to use a cell.
fn sweep_window(ctx: &egui::Context, state: &mut ExploreState) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let mut open = state.show_sweep;
    let by_distance = &mut state.by_distance;
    let Some(map) = state.sweep.as_ref() else {
        return out;
    };
    let mut recolor = false;
    egui::Window::new("Step-size sweep")
        .open(&mut open)
        .default_size([420.0, 460.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label("colour:");
                recolor |= ui.radio_value(by_distance, false, "final KKT residual").changed();
                recolor |= ui.radio_value(by_distance, true, "distance to the reference").changed();
            });
            ui.label(RichText::new("green: small, red: large (log scale); black: diverged. Click a cell to use it in the selected run.").small());
            let texture = state
                .sweep_texture
                .get_or_insert_with(|| sweep_texture(ctx, map, *by_distance));
            let (a, b) = (map.spec.first, map.spec.second);
            let (la, lb) = ([a[0].log10(), a[1].log10()], [b[0].log10(), b[1].log10()]);
            let n = map.spec.grid.max(2) as f64;
            let (ca, cb) = ((la[1] - la[0]) / (n - 1.0), (lb[1] - lb[0]) / (n - 1.0));
            let response = Plot::new("sweep-map")
                .height(ui.available_height() - 40.0)
                .x_axis_label(format!("log₁₀ {}", map.spec.axes.0))
                .y_axis_label(format!("log₁₀ {}", map.spec.axes.1))
                .allow_drag(false)
                .show(ui, |plot| {
                    plot.image(PlotImage::new(
                        "sweep",
                        texture.id(),
                        PlotPoint::new(0.5 * (la[0] + la[1]), 0.5 * (lb[0] + lb[1])),
                        egui::vec2((la[1] - la[0] + ca) as f32, (lb[1] - lb[0] + cb) as f32),
                    ));
                    plot.pointer_coordinate()
                });
            let hovered = response.inner.and_then(|p| {
                let i = ((p.x - la[0]) / ca).round();
                let j = ((p.y - lb[0]) / cb).round();
                let g = map.spec.grid;
                (i >= 0.0 && j >= 0.0 && (i as usize) < g && (j as usize) < g)
                    .then(|| map.cells.get(i as usize * g + j as usize))
                    .flatten()
            });
            match hovered {
                Some(c) => {
                    ui.label(format!(
                        "{} = {}, {} = {}: {}, KKT = {}, distance = {}, f = {}, h = {}",
                        map.spec.axes.0,
                        num(c.first),
                        map.spec.axes.1,
                        num(c.second),
                        c.status.as_str(),
                        num(c.kkt_residual),
                        c.distance.map_or("–".into(), num),
                        num(c.f),
                        num(c.h)
                    ));
                    if response.response.clicked() {
                        out.push(AppCommand::UseSweepCell {
                            first: (map.spec.axes.0, c.first),
                            second: (map.spec.axes.1, c.second),
                        });
                    }
                }
                None => {
                    ui.label("hover a cell for its numbers");
                }
            }
        });
    if recolor {
        state.sweep_texture = None;
    }
    state.show_sweep = open;
    out
}

/// Sets the two swept parameters of the selected run (used by the command).
pub fn apply_cell(
    solver: &mut crate::method::SolverSettings,
    first: (&str, f64),
    second: (&str, f64),
) -> Result<(), String> {
    let kind = solver.method;
    solver.set(kind, first.0, ParamValue::Number(first.1))?;
    solver.set(kind, second.0, ParamValue::Number(second.1))
}

/// A job's row: its progress and a cancel button while it runs, else the
/// button that starts it (true when clicked).
fn job_row<T: Send + 'static>(
    ui: &mut egui::Ui,
    job: Option<&Job<T>>,
    (start, hover): (&str, &str),
    cancel: &str,
) -> bool {
    match job {
        Some(job) => {
            ui.horizontal(|ui| {
                ui.add(
                    egui::ProgressBar::new(job.fraction())
                        .desired_width(150.0)
                        .show_percentage(),
                );
                if ui.button(cancel).clicked() {
                    job.progress.stop();
                }
            });
            false
        }
        None => ui.button(start).on_hover_text(hover).clicked(),
    }
}
