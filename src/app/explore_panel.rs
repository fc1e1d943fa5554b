//! The step-size sweep map and the basin map: set up and started here, run
//! on their own threads (every core) with progress and cancel, drawn as a
//! heatmap window and under the landscape.

use super::settings::RunSpec;
use super::{AppCommand, theme};
use crate::background::Task;
use crate::explore::{Basin, BasinSpec, Cell, EndClass, SweepSpec, Trap};
use crate::method::ParamValue;
use crate::problem::Problem;
use crate::teaching::num;
use eframe::egui::{self, Color32, RichText};
use egui_plot::{PlotImage, PlotPoint};
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
    pub(super) sweep_job: Option<Task<Vec<Cell>>>,
    pub(super) sweep_pending: Option<SweepSpec>,
    /// The last finished sweep.
    pub sweep: Option<SweepMap>,
    pub(super) sweep_texture: Option<egui::TextureHandle>,
    pub(super) first: [f64; 2],
    pub(super) second: [f64; 2],
    pub(super) sweep_grid: usize,
    pub(super) colour: super::sweep_map::SweepColour,
    pub(super) show_sweep: bool,
    pub(super) basin_job: Option<Task<Vec<Basin>>>,
    pub(super) basin_pending: Option<BasinSpec>,
    /// The last finished basin map.
    pub basins: Option<BasinMap>,
    pub(super) basin_grid: usize,
    /// Draw the basin map under the landscape.
    pub show_basins: bool,
    pub(super) message: Option<String>,
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
            colour: super::sweep_map::SweepColour::Class,
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

/// The colour of an end class, shared by the basin map and the sweep map.
/// None of them is the green or red of the stationary curves, so a map
/// under the landscape cannot be read as lower-level minima or maxima.
pub fn class_color(class: &EndClass) -> Color32 {
    match class {
        EndClass::Optimum => Color32::from_rgb(0, 114, 178),
        EndClass::LocalSolution => Color32::from_rgb(86, 180, 233),
        EndClass::OffSolution => Color32::from_rgb(180, 200, 230),
        EndClass::Trap(Trap::LowerMaximum) => Color32::from_rgb(204, 121, 167),
        EndClass::Trap(Trap::LocalLowerMinimum) => Color32::from_rgb(230, 159, 0),
        EndClass::Trap(Trap::FlatStationary) => Color32::from_rgb(160, 160, 70),
        EndClass::Trap(Trap::LowerUnbounded) => Color32::from_rgb(140, 90, 40),
        EndClass::Trap(Trap::OutsideLowerDomain) => Color32::from_rgb(100, 60, 30),
        EndClass::Trap(Trap::SpuriousCritical) => Color32::from_rgb(120, 80, 200),
        EndClass::Trap(Trap::BelowOptimum) => Color32::from_rgb(250, 170, 200),
        EndClass::Trap(Trap::ShortCycle(_)) => Color32::from_rgb(40, 190, 220),
        EndClass::Kicked => Color32::from_rgb(255, 130, 80),
        EndClass::Runaway => Color32::from_rgb(70, 70, 120),
        EndClass::Diverged => Color32::from_rgb(40, 40, 40),
        EndClass::Unsettled => Color32::from_rgb(150, 150, 150),
    }
}

/// How many of `classes` fall in each legend entry, in legend order.
pub fn class_counts<'a>(classes: impl Iterator<Item = &'a EndClass>) -> Vec<(EndClass, usize)> {
    let mut counts: Vec<(EndClass, usize)> = EndClass::ALL.iter().map(|c| (*c, 0)).collect();
    for class in classes {
        if let Some((_, n)) = counts.iter_mut().find(|(c, _)| c.same_entry(class)) {
            *n += 1;
        }
    }
    counts.retain(|(_, n)| *n > 0);
    counts
}

/// A legend row: a swatch, the class and its count for each class present.
pub fn class_legend(ui: &mut egui::Ui, counts: &[(EndClass, usize)]) {
    ui.horizontal_wrapped(|ui| {
        for (class, n) in counts {
            ui.label(RichText::new("■").color(class_color(class)));
            ui.label(RichText::new(format!("{} {n}", class.as_str())).small());
        }
    });
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
    pub fn image(&self, problem: &Arc<dyn Problem>, axes: (usize, usize)) -> Option<PlotImage> {
        if !Arc::ptr_eq(&self.problem, problem) || self.spec.axes != axes {
            // A replaced problem (`poll` forgets the map) or other axes.
            return None;
        }
        let texture = self.texture.as_ref()?;
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
                    let texture = Some(basin_texture(ctx, spec.grid, &cells));
                    self.basins = Some(BasinMap {
                        spec,
                        cells,
                        problem: problem.clone(),
                        texture,
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

/// Draws the explore section for the selected run (`spec`), with its
/// own state; returns a command when a sweep cell is clicked (use that
/// setting in the selected run) or a map is asked for.
pub fn explore_ui(
    ui: &mut egui::Ui,
    spec: Option<&RunSpec>,
    state: &mut ExploreState,
) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.label(RichText::new("Explore").strong());
    let Some(spec) = spec else {
        return out;
    };
    let kind = spec.solver.method;
    let axes = kind.sweep_axes();
    let symbol = |key: &str| {
        kind.param(key)
            .map_or(key.to_string(), |p| p.symbol.to_string())
    };
    // (sweep, basins) asked for: started once the panel is drawn.
    let mut want = (false, false);
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
                        // A stored value is never changed by being drawn.
                        .clamp_existing_to_range(false)
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
                .clamp_existing_to_range(false)
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
                .clamp_existing_to_range(false)
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
        class_legend(ui, &class_counts(map.cells.iter().map(|b| &b.class)));
    }
    if let Some(message) = &state.message {
        ui.label(RichText::new(message).color(theme::LL_MAX));
    }
    if state.sweep.is_some() {
        let current = state.sweep.as_ref().and_then(|m| {
            let get = |key| match spec.solver.get(kind, key) {
                Some(ParamValue::Number(v)) => Some(v),
                Some(ParamValue::Count(c)) => Some(c as f64),
                _ => None,
            };
            Some((get(m.spec.axes.0)?, get(m.spec.axes.1)?))
        });
        out.extend(super::sweep_map::sweep_window(ui.ctx(), state, current));
    }
    if want.0 {
        out.push(AppCommand::StartSweep);
    }
    if want.1 {
        out.push(AppCommand::StartBasins);
    }
    out
}

impl ExploreState {
    /// Whether neither job runs and both maps exist.
    pub fn both_done(&self) -> bool {
        self.sweep_job.is_none()
            && self.basin_job.is_none()
            && self.sweep.is_some()
            && self.basins.is_some()
    }

    /// Tasks finished and asked for over the running jobs, if any runs.
    pub fn progress(&self) -> Option<(usize, usize)> {
        let jobs = [
            self.sweep_job.as_ref().map(Task::steps),
            self.basin_job.as_ref().map(Task::steps),
        ];
        jobs.into_iter()
            .flatten()
            .reduce(|a, b| (a.0 + b.0, a.1 + b.1))
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

/// Sets the two swept parameters of the selected run (used by the command).
pub fn apply_cell(
    solver: &mut crate::method::SolverSettings,
    first: (&str, f64),
    second: (&str, f64),
) -> Result<(), String> {
    let kind = solver.method;
    solver.set(kind, first.0, ParamValue::Number(first.1))?;
    Ok(solver.set(kind, second.0, ParamValue::Number(second.1))?)
}

/// A job's row: its progress and a cancel button while it runs, else the
/// button that starts it (true when clicked).
fn job_row<T: Send + 'static>(
    ui: &mut egui::Ui,
    job: Option<&Task<T>>,
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
                    job.cancel();
                }
            });
            false
        }
        None => ui.button(start).on_hover_text(hover).clicked(),
    }
}
