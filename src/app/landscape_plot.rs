//! The landscape: contours, the lower-level set, the region {h ≤ ε}, the
//! trajectories, and the QP geometry at the current iterate.

use super::settings::Layers;
use super::{AppCommand, BilevelApp, theme};
use crate::explore::LowerShape;
use crate::landscape::Landscape;
use crate::method::{Detail, Record};
use crate::session::RunTrace;
use crate::teaching::Stage;
use crate::teaching::num;
use eframe::egui::{self, Color32, RichText};
use egui_plot::{
    Arrows, Corner, Legend, Line, LineStyle, MarkerShape, Plot, PlotImage, PlotPoint, PlotUi,
    Points,
};

/// Most points drawn per trajectory; older parts are thinned, the newest
/// `RECENT` points always drawn in full. A long run's older path mostly
/// retraces itself, so a few thousand points draw it faithfully, and a
/// frame costs the same at 10³ and 10⁶ iterations.
const MAX_PATH_POINTS: usize = 5_000;
const RECENT: usize = 2_000;

/// Arrows shorter than this (in the shown coordinates) are not drawn.
pub const NEGLIGIBLE: f64 = 1e-10;

/// The texture of the region {h ≤ ε} (rows flipped: images start at the top).
pub fn region_texture(ctx: &egui::Context, l: &Landscape) -> egui::TextureHandle {
    let grid = &l.grids.h;
    let [r, g, b, a] = theme::REGION;
    let mut rgba = Vec::with_capacity(grid.nx * grid.ny * 4);
    for row in (0..grid.ny).rev() {
        for col in 0..grid.nx {
            let inside = grid.at(col, row) <= l.eps;
            rgba.extend(if inside { [r, g, b, a] } else { [0, 0, 0, 0] });
        }
    }
    let image = egui::ColorImage::from_rgba_unmultiplied([grid.nx, grid.ny], &rgba);
    ctx.load_texture("region", image, egui::TextureOptions::NEAREST)
}

fn norm2(v: [f64; 2]) -> f64 {
    (v[0] * v[0] + v[1] * v[1]).sqrt()
}

/// The plotted components of a vector.
fn project(v: &[f64], ix: usize, iy: usize) -> [f64; 2] {
    [
        v.get(ix).copied().unwrap_or(0.0),
        v.get(iy).copied().unwrap_or(0.0),
    ]
}

/// How the plot is drawn: line widths and colours for the view and theme.
#[derive(Debug, Clone, Copy)]
struct Look {
    /// Multiplies line widths (the lecture view thickens them).
    width: f32,
    /// The light theme (pale colours are darkened).
    light: bool,
}

impl Look {
    fn of(app: &BilevelApp) -> Self {
        Self {
            width: app.line_width(1.0),
            light: app.settings.light,
        }
    }

    fn ink(self, c: Color32) -> Color32 {
        theme::ink(c, self.light)
    }

    /// Whether lines are thickened (the lecture view): the arrows then
    /// have a double stroke.
    fn thick(self) -> bool {
        self.width > 1.0
    }

    /// An arrow's head length in points, larger in the lecture view.
    fn tip(self, length: f32) -> f32 {
        if self.thick() { 1.8 * length } else { length }
    }
}

/// Draws −∇f from the iterate, the method's correction from its tip, and
/// the direction Δ = −∇f − c, all with one scale so the triangle is true;
/// with `labels` (the explained iterate) also the method's own geometry:
/// the half-space edge (PGD-QP, RXGF), the ball (SQCQP), ŷ (BOME, V-PBGD)
/// or the inner iterate (AID). Only what belongs to stages up to `upto` is
/// drawn, so the step can be played stage by stage; at the last stage the
/// point the step lands on (`next`) is marked.
#[allow(clippy::too_many_arguments)]
fn geometry(
    plot: &mut PlotUi<'_>,
    r: &Record,
    ix: usize,
    iy: usize,
    length: f64,
    labels: bool,
    upto: Stage,
    next: Option<&[f64]>,
    look: Look,
) {
    let origin = project(&r.z, ix, iy);
    let gf = project(&r.grad_f, ix, iy);
    let minus_gf = [-gf[0], -gf[1]];
    let c = project(&r.correction, ix, iy);
    let pert = [-c[0], -c[1]];
    let delta = project(&r.delta, ix, iy);
    let longest = norm2(minus_gf).max(norm2(pert)).max(norm2(delta));
    // Below this the directions are rounding noise; drawing them scaled up
    // would show a direction that is not there. The status says why.
    if !(longest.is_finite() && longest > NEGLIGIBLE) {
        return;
    }
    let s = length / longest;
    let at = |base: [f64; 2], v: [f64; 2]| [base[0] + s * v[0], base[1] + s * v[1]];
    let tip_gf = at(origin, minus_gf);
    let name = |n: &str| {
        if labels {
            n.to_string()
        } else {
            format!("{n} (along the path)")
        }
    };
    plot.arrows(
        Arrows::new(
            name("−∇f: plain gradient descent"),
            vec![origin],
            vec![tip_gf],
        )
        .color(look.ink(theme::GRAD_F))
        .tip_length(look.tip(10.0))
        .highlight(look.thick()),
    );
    if labels && upto >= Stage::Lower {
        // ∇h's direction only: its length is not on the arrows' scale.
        let gh = project(&r.grad_h, ix, iy);
        let n = norm2(gh);
        if n > NEGLIGIBLE {
            let unit = [0.6 * longest * gh[0] / n, 0.6 * longest * gh[1] / n];
            plot.arrows(
                Arrows::new(
                    "∇h: where h grows (direction)",
                    vec![origin],
                    vec![at(origin, unit)],
                )
                .color(look.ink(theme::HALF_SPACE).gamma_multiply(0.7))
                .tip_length(look.tip(8.0))
                .highlight(look.thick()),
            );
        }
    }
    // Inner-loop methods show ŷ (or AID's inner y) with the lower level,
    // as their explanation does; the others their constraint in stage 3.
    let own_stage = match r.detail {
        Detail::Bome { .. } | Detail::Vpbgd { .. } | Detail::Aid { .. } => Stage::Lower,
        _ => Stage::HalfSpace,
    };
    if labels && upto >= own_stage {
        method_geometry(plot, r, ix, iy, s, longest, look);
    }
    if upto < Stage::Project {
        return;
    }
    if norm2(pert) > NEGLIGIBLE * longest.max(1.0) {
        plot.arrows(
            Arrows::new(
                name(r.detail.correction_name()),
                vec![tip_gf],
                vec![at(tip_gf, pert)],
            )
            .color(theme::PERTURBATION)
            .tip_length(look.tip(10.0))
            .highlight(look.thick()),
        );
    }
    plot.arrows(
        Arrows::new(
            name("Δ: the direction taken (z moves by step × Δ)"),
            vec![origin],
            vec![at(origin, delta)],
        )
        .color(theme::STEP)
        .tip_length(look.tip(12.0))
        .highlight(look.thick()),
    );
    if upto == Stage::Move
        && let Some(next) = next
    {
        let to = project(next, ix, iy);
        plot.line(
            Line::new("the move: z ← the next iterate", vec![origin, to])
                .color(theme::STEP)
                .style(LineStyle::dashed_loose())
                .width(1.5 * look.width),
        );
        plot.points(
            Points::new("the move: z ← the next iterate", vec![to])
                .shape(MarkerShape::Circle)
                .radius(6.0)
                .filled(false)
                .color(theme::STEP),
        );
    }
}

/// The method's own object at the current iterate, in the arrows' scale `s`.
fn method_geometry(
    plot: &mut PlotUi<'_>,
    r: &Record,
    ix: usize,
    iy: usize,
    s: f64,
    longest: f64,
    look: Look,
) {
    let origin = project(&r.z, ix, iy);
    let at = |v: [f64; 2]| [origin[0] + s * v[0], origin[1] + s * v[1]];
    match &r.detail {
        Detail::PgdQp { rate, guarded, .. } | Detail::Rxgf { rate, guarded, .. } => {
            let gh = project(&r.grad_h, ix, iy);
            let gh_norm2 = gh[0] * gh[0] + gh[1] * gh[1];
            if *guarded || gh_norm2 <= 0.0 {
                return;
            }
            // {d : ∇hᵀd = −rate}: the point closest to 0, then along the edge.
            let c = -rate / gh_norm2;
            let foot = [c * gh[0], c * gh[1]];
            let along = [-gh[1] / gh_norm2.sqrt(), gh[0] / gh_norm2.sqrt()];
            let reach = 1.3 * longest;
            let a = at([foot[0] - reach * along[0], foot[1] - reach * along[1]]);
            let b = at([foot[0] + reach * along[0], foot[1] + reach * along[1]]);
            let label = if matches!(r.detail, Detail::PgdQp { .. }) {
                "QP half-space edge ∇hᵀΔ = −αρ"
            } else {
                "half-space edge ∇hᵀu = −α(h − ε²)"
            };
            plot.line(
                Line::new(label, vec![a, b])
                    .color(theme::HALF_SPACE)
                    .style(LineStyle::dashed_dense())
                    .width(1.5 * look.width),
            );
        }
        Detail::Sqcqp {
            centre,
            radius: Some(radius),
            ..
        } => {
            let c = project(centre, ix, iy);
            let circle: Vec<[f64; 2]> = (0..=96)
                .map(|i| {
                    let t = std::f64::consts::TAU * f64::from(i) / 96.0;
                    at([c[0] + radius * t.cos(), c[1] + radius * t.sin()])
                })
                .collect();
            plot.line(
                Line::new("QCQP ball ∇hᵀd + w‖d‖² ≤ c", circle)
                    .color(theme::HALF_SPACE)
                    .style(LineStyle::dashed_dense())
                    .width(1.5 * look.width),
            );
        }
        Detail::Sqcqp { radius: None, .. } => {}
        Detail::Bome { y_hat, .. } | Detail::Vpbgd { y_hat, .. } => {
            inner_point(plot, r, y_hat, ix, iy, "ŷ: T lower-level steps from y");
        }
        Detail::Aid { y_inner, .. } => {
            inner_point(plot, r, y_inner, ix, iy, "y after D lower-level steps");
        }
    }
}

/// Marks the point (x, ŷ) reached by a method's inner loop, joined to z.
fn inner_point(plot: &mut PlotUi<'_>, r: &Record, y: &[f64], ix: usize, iy: usize, label: &str) {
    let mut z = r.z.clone();
    for (slot, v) in z.iter_mut().skip(r.n).zip(y) {
        *slot = *v;
    }
    let (from, to) = (project(&r.z, ix, iy), project(&z, ix, iy));
    plot.line(
        Line::new(label, vec![from, to])
            .color(theme::HALF_SPACE)
            .style(LineStyle::dashed_dense())
            .width(1.0),
    );
    plot.points(
        Points::new(label, vec![to])
            .shape(MarkerShape::Square)
            .radius(4.0)
            .color(theme::HALF_SPACE)
            .filled(true),
    );
}

/// Markers where the run's events happened: a star per kick, a triangle
/// where a runaway was seen, a square where a cycle began (the newest few
/// hundred of each).
fn event_markers(plot: &mut PlotUi<'_>, run: &RunTrace, (ix, iy): (usize, usize), color: Color32) {
    const SHOWN: usize = 300;
    for (name, shape) in [
        ("kick", MarkerShape::Asterisk),
        ("runaway", MarkerShape::Up),
        ("cycle", MarkerShape::Square),
    ] {
        let points: Vec<[f64; 2]> = run
            .events
            .iter()
            .rev()
            .filter(|(e, z)| e.name() == name && !z.is_empty())
            .take(SHOWN)
            .map(|(_, z)| project(z, ix, iy))
            .collect();
        if points.is_empty() {
            continue;
        }
        let label = format!("⚑ {name} (run {})", run.slot + 1);
        plot.points(
            Points::new(label, points)
                .shape(shape)
                .radius(7.0)
                .filled(name != "cycle")
                .color(color),
        );
    }
}

/// The trajectory of a run in the shown coordinates, thinned when long.
fn path(run: &RunTrace, ix: usize, iy: usize) -> Vec<[f64; 2]> {
    let h = &run.history;
    let len = h.len();
    let old = len.saturating_sub(RECENT);
    let stride = (old / (MAX_PATH_POINTS - RECENT).max(1)).max(1);
    let mut pts: Vec<[f64; 2]> = (0..old)
        .step_by(stride)
        .chain(old..len)
        .map(|s| [h.coordinate(s, ix), h.coordinate(s, iy)])
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    if let Some(last) = &run.last {
        pts.push(project(&last.z, ix, iy));
    }
    pts
}

/// What the landscape draws this frame, gathered from the app before the
/// plot is drawn.
struct Scene<'a> {
    /// Indices in z of the horizontal and vertical coordinates.
    axes: (usize, usize),
    /// Their names.
    names: (String, String),
    layers: &'a Layers,
    landscape: Option<&'a Landscape>,
    /// The region's texture and its legend entry.
    region: (Option<&'a egui::TextureHandle>, String),
    /// Legend entries of the stationary curves (minima, maxima, flat) and
    /// of the global lower-level minimum.
    lower: [String; 4],
    basins: Option<PlotImage>,
    reference: Option<crate::explore::Answer>,
    runs: &'a [RunTrace],
    selected: usize,
    /// The selected run's recomputed steps along its path (path_arrows.rs).
    arrows: &'a [Record],
    look: Look,
    shown: Option<&'a super::teaching_panel::ShownStep>,
    stage: Option<Stage>,
    /// In a split view's pane of a run that is not the selected one: its
    /// newest record, whose arrows the pane draws.
    own_step: Option<&'a Record>,
    /// Whether the legend names the layers (contours, curves, region,
    /// reference); the split view's right pane leaves them to the left's.
    layer_legend: bool,
}

impl<'a> Scene<'a> {
    fn of(app: &'a BilevelApp) -> Self {
        let axes = (app.settings.axis_x, app.settings.axis_y);
        let names = app.doc.problem.variable_names();
        let name = |i: usize, or: &str| names.get(i).cloned().unwrap_or_else(|| or.into());
        let (name_x, name_y) = (name(axes.0, "x"), name(axes.1, "y"));
        let eps = app.region_eps();
        let region_label = match app.squared_eps() {
            Some(e) => format!("region h ≤ ε² = {} (ε = {})", num(eps), num(e)),
            None => format!("region h ≤ ε = {}", num(eps)),
        };
        let basins = app
            .explore
            .show_basins
            .then(|| app.explore.basins.as_ref()?.image(&app.doc.problem, axes))
            .flatten();
        Self {
            lower: lower_labels(app.doc.problem.dims().m, &name_y),
            axes,
            names: (name_x, name_y),
            layers: &app.settings.layers,
            landscape: app.view.landscape.as_ref(),
            region: (app.view.region_texture.as_ref(), region_label),
            basins,
            reference: app.doc.answer.get().cloned(),
            runs: &app.runs.session.runs,
            selected: app.runs.selected,
            arrows: app
                .runs
                .session
                .runs
                .get(app.runs.selected)
                .map_or(&[], |run| app.path_arrow_records(run)),
            look: Look::of(app),
            shown: app.teach.shown.as_ref(),
            stage: app.teach.stage,
            own_step: None,
            layer_legend: true,
        }
    }

    /// A layer's legend entry, or none (an empty name) where the layers
    /// are named in the other pane.
    fn layer_name(&self, name: &str) -> String {
        if self.layer_legend {
            name.to_string()
        } else {
            String::new()
        }
    }

    /// The scene of one run's pane in the split view: that run alone, with
    /// its arrows (the explained step if it is the selected run, else its
    /// newest iterate's).
    fn of_run(app: &'a BilevelApp, slot: usize) -> Option<Self> {
        let all = &app.runs.session.runs;
        let index = all.iter().position(|r| r.slot == slot)?;
        let run = &all[index];
        let mut scene = Self::of(app);
        scene.runs = std::slice::from_ref(run);
        if index == app.runs.selected {
            scene.selected = 0;
        } else {
            scene.selected = usize::MAX;
            scene.arrows = &[];
            scene.own_step = run.last.as_ref();
        }
        Some(scene)
    }
}

/// Legend entries of the stationary curves and the global lower-level
/// minimum, in the shown coordinate when there are several y.
fn lower_labels(m: usize, name_y: &str) -> [String; 4] {
    if m == 1 {
        [
            "∇_y g = 0: LL minima (∇²_yy g > 0)".into(),
            "∇_y g = 0: LL maxima (∇²_yy g < 0)".into(),
            "∇_y g = 0: flat/degenerate (∇²_yy g ≈ 0)".into(),
            "global LL minimum S(x): min over y of g".into(),
        ]
    } else {
        [
            format!("∂g/∂{name_y} = 0: minima in {name_y}"),
            format!("∂g/∂{name_y} = 0: maxima in {name_y}"),
            format!("∂g/∂{name_y} = 0: flat in {name_y}"),
            format!("min over {name_y} of g (others held)"),
        ]
    }
}

/// The preset's view, or 4 × 4 around the first run's start.
fn preset_view(app: &BilevelApp) -> ([f64; 2], [f64; 2]) {
    let (ix, iy) = (app.settings.axis_x, app.settings.axis_y);
    app.doc.preset.view.map(|v| (v.x, v.y)).unwrap_or_else(|| {
        let s = app
            .settings
            .runs
            .first()
            .map(|r| r.start.clone())
            .unwrap_or_default();
        let (x, y) = (
            s.get(ix).copied().unwrap_or(0.0),
            s.get(iy).copied().unwrap_or(0.0),
        );
        ([x - 2.0, x + 2.0], [y - 2.0, y + 2.0])
    })
}

/// Draws the landscape plot with its view controls; returns the view it
/// showed, where the user clicked (the selected run's new start) and a
/// double-click's reset of the view.
pub fn landscape_ui(ui: &mut egui::Ui, app: &BilevelApp, height: f32) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let scene = Scene::of(app);
    let (name_x, name_y) = &scene.names;
    ui.horizontal(|ui| {
        if ui
            .small_button("⟲ reset view")
            .on_hover_text("Back to the preset's view (or double-click the plot)")
            .clicked()
        {
            out.push(AppCommand::ResetView);
        }
        let mut hint = "scroll: zoom · drag: pan · click: move the start".to_string();
        if app.doc.problem.dims().total() > 2 {
            hint = format!(
                "slice ({name_x}, {name_y}), the other coordinates at the selected run's iterate · {hint}"
            );
        }
        ui.label(RichText::new(hint).small().color(Color32::GRAY));
    });
    let height = (height - ui.spacing().interact_size.y - ui.spacing().item_spacing.y).max(100.0);
    let panes = app.settings.split.and_then(|[a, b]| {
        let (left, mut right) = (Scene::of_run(app, a)?, Scene::of_run(app, b)?);
        // The left pane's legend names the layers; the right one names
        // only its run and its arrows, so both keep room for the paths.
        right.layer_legend = false;
        right.region.1 = String::new();
        right.lower = Default::default();
        Some([(a, left), (b, right)])
    });
    // What the plots saw goes first: a reset asked for by the button above
    // comes after it and so is not taken as done.
    let mut shown = Vec::new();
    match panes {
        None => shown.extend(pane(ui, app, &scene, None, height)),
        Some(panes) => {
            ui.columns(2, |columns| {
                for ((slot, scene), column) in panes.iter().zip(columns.iter_mut()) {
                    shown.extend(pane(column, app, scene, Some(*slot), height));
                }
            });
        }
    }
    shown.append(&mut out);
    if app.view.landscape.is_none() {
        ui.label(
            RichText::new("computing the landscape…")
                .small()
                .color(Color32::GRAY),
        );
    }
    shown
}

/// One landscape plot: every run (`split: None`), or one run's pane of the
/// split view, whose two plots share their view. Returns the view it
/// showed (the first pane's), a click (which in a pane selects its run and
/// moves that run's start) and a double-click's reset of the view.
fn pane(
    ui: &mut egui::Ui,
    app: &BilevelApp,
    scene: &Scene<'_>,
    split: Option<usize>,
    height: f32,
) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let (name_x, name_y) = &scene.names;
    let view = app.view.reset_view.then(|| preset_view(app));
    let wide = scene.look.width > 1.0;
    let id = match split {
        None => "landscape".to_string(),
        Some(slot) => format!("landscape-run-{slot}"),
    };
    let first_pane = split.is_none_or(|slot| app.settings.split.is_some_and(|[a, _]| a == slot));
    let response = Plot::new(id)
        .link_axis(
            egui::Id::unique("landscape-split"),
            egui::Vec2b::new(true, true),
        )
        .link_cursor(
            egui::Id::unique("landscape-split"),
            egui::Vec2b::new(true, true),
        )
        .height(height)
        .x_axis_formatter(super::ticks::linear)
        .y_axis_formatter(super::ticks::linear)
        .legend(
            Legend::default()
                .position(legend_corner(app, scene))
                // Lighter in the lecture view, so arrows under it still show.
                .background_alpha(if wide { 0.55 } else { 0.75 })
                .text_style(egui::TextStyle::Small)
                .follow_insertion_order(true),
        )
        .x_axis_label(name_x.clone())
        .y_axis_label(name_y.clone())
        .allow_double_click_reset(false)
        // Scrolling zooms about the pointer (below), not pans.
        .allow_scroll(false)
        .show(ui, |plot| {
            if let Some((x, y)) = view {
                plot.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                    [x[0], y[0]],
                    [x[1], y[1]],
                ));
            }
            zoom_on_scroll(plot);
            if let Some(image) = scene.basins.clone() {
                plot.image(image);
            }
            if let Some(l) = scene.landscape {
                scene.draw_region(plot, l);
                scene.draw_contours(plot, l);
                scene.draw_stationary(plot, l);
            }
            scene.draw_reference(plot);
            scene.draw_runs(plot);
            plot.pointer_coordinate()
        });
    let b = response.transform.bounds();
    if first_pane {
        // First: a reset asked for by a double-click comes after it.
        out.insert(
            0,
            AppCommand::SawView(
                [[b.min()[0], b.max()[0]], [b.min()[1], b.max()[1]]],
                response.response.rect,
            ),
        );
    }
    if response.response.double_clicked() {
        out.push(AppCommand::ResetView);
    } else if response.response.clicked()
        && !response.response.triple_clicked()
        && let Some(p) = response.inner
    {
        let now = ui.input(|i| i.time);
        // A pane's click is about its run.
        if let Some(slot) = split {
            out.push(AppCommand::SelectRun(slot));
        }
        out.push(AppCommand::PlotClicked([p.x, p.y], now));
    }
    out
}

/// A scroll over the plot zooms about the pointer.
fn zoom_on_scroll(plot: &mut PlotUi<'_>) {
    if !plot.response().contains_pointer() {
        return;
    }
    let scroll = plot.ctx().input(|i| i.smooth_scroll_delta.y);
    if scroll != 0.0 {
        let factor = (scroll * 0.003).exp();
        plot.zoom_bounds_around_hovered(egui::Vec2::splat(factor));
    }
}

/// The corner where the legend covers the least of the runs (paths,
/// starts, iterates) and the reference, in the view of the last frame.
fn legend_corner(app: &BilevelApp, scene: &Scene<'_>) -> Corner {
    use crate::legend_place::{Avoid, Corner as C, emptiest_corner};
    let (Some(view), Some(rect)) = (app.view.view_bounds, app.view.landscape_rect) else {
        return Corner::RightTop;
    };
    let (ix, iy) = scene.axes;
    let mut points = Vec::new();
    for run in scene.runs {
        let weight = |w: f64| move |at: [f64; 2]| Avoid { at, weight: w };
        points.extend(path(run, ix, iy).into_iter().map(weight(1.0)));
        points.push(weight(20.0)(project(&run.start, ix, iy)));
        if let Some(last) = &run.last {
            points.push(weight(40.0)(project(&last.z, ix, iy)));
        }
    }
    if let Some(z) = scene.reference.as_ref().and_then(|r| r.z.as_ref()) {
        points.push(Avoid {
            at: project(z, ix, iy),
            weight: 40.0,
        });
    }
    // The legend's size, roughly: a row per entry of small type, as wide
    // as its longer labels.
    let layers = if scene.layer_legend { 8 } else { 0 };
    let rows = layers + scene.runs.len() + if scene.layers.geometry { 5 } else { 0 };
    let row = ui_row_height(scene.look);
    let share = [
        (330.0 / f64::from(rect.width().max(1.0))).min(0.6),
        (rows as f64 * row / f64::from(rect.height().max(1.0))).min(0.9),
    ];
    match emptiest_corner(&points, view, share) {
        C::LeftTop => Corner::LeftTop,
        C::RightTop => Corner::RightTop,
        C::LeftBottom => Corner::LeftBottom,
        C::RightBottom => Corner::RightBottom,
    }
}

/// The height of a legend row, in points.
fn ui_row_height(look: Look) -> f64 {
    if look.width > 1.0 { 19.0 } else { 16.0 }
}

impl Scene<'_> {
    /// The shaded region {h ≤ ε} and its edge.
    fn draw_region(&self, plot: &mut PlotUi<'_>, l: &Landscape) {
        let (Some(tex), label) = (&self.region.0, &self.region.1) else {
            return;
        };
        if !self.layers.region {
            return;
        }
        let s = &l.slice;
        let center = PlotPoint::new(0.5 * (s.x[0] + s.x[1]), 0.5 * (s.y[0] + s.y[1]));
        let size = egui::vec2((s.x[1] - s.x[0]) as f32, (s.y[1] - s.y[0]) as f32);
        plot.image(PlotImage::new(label.clone(), tex.id(), center, size));
        for line in &l.boundary {
            plot.line(
                Line::new(label.clone(), line.clone())
                    .color(theme::REGION_EDGE)
                    .width(self.look.width),
            );
        }
    }

    /// The contours of f (solid) and of g (dotted).
    fn draw_contours(&self, plot: &mut PlotUi<'_>, l: &Landscape) {
        let look = self.look;
        if self.layers.f_contours {
            for line in l.f_contours.iter().flat_map(|(_, lines)| lines) {
                plot.line(
                    Line::new(self.layer_name("contours of f"), line.clone())
                        .color(look.ink(theme::F_CONTOUR))
                        .width(look.width),
                );
            }
        }
        if self.layers.g_contours {
            for line in l.g_contours.iter().flat_map(|(_, lines)| lines) {
                plot.line(
                    Line::new(self.layer_name("contours of g"), line.clone())
                        .color(look.ink(theme::G_CONTOUR))
                        .width(look.width)
                        .style(LineStyle::dotted_dense()),
                );
            }
        }
    }

    /// The lower-level stationary set: minima solid green, maxima dashed
    /// red, flat dotted violet, over a broad band along the global minimum.
    fn draw_stationary(&self, plot: &mut PlotUi<'_>, l: &Landscape) {
        if !self.layers.stationary {
            return;
        }
        let (look, [min, max, flat, global]) = (self.look, &self.lower);
        // Under the stationary set: a broad band along the global
        // minimiser S(x), broken where S(x) jumps.
        for piece in &l.global_branch {
            plot.line(
                Line::new(global.clone(), piece.clone())
                    .color(theme::LL_MIN.gamma_multiply(0.35))
                    .width(9.0 * look.width),
            );
        }
        for piece in &l.stationary {
            let points = piece.points.clone();
            let line = match piece.kind {
                LowerShape::Minimum => Line::new(min.clone(), points)
                    .color(theme::LL_MIN)
                    .width(2.5 * look.width),
                LowerShape::Maximum => Line::new(max.clone(), points)
                    .color(theme::LL_MAX)
                    .width(2.0 * look.width)
                    .style(LineStyle::Dashed { length: 8.0 }),
                LowerShape::Flat => Line::new(flat.clone(), points)
                    .color(look.ink(theme::LL_FLAT))
                    .width(3.0 * look.width)
                    .style(LineStyle::Dotted { spacing: 6.0 }),
            };
            plot.line(line);
        }
    }

    /// The reference optimum, a gold diamond.
    fn draw_reference(&self, plot: &mut PlotUi<'_>) {
        if !self.layers.reference {
            return;
        }
        let Some((r, z)) = self
            .reference
            .as_ref()
            .and_then(|r| Some((r, r.z.as_ref()?)))
        else {
            return;
        };
        let source = if r.is_known() { "known" } else { "computed" };
        let label = self.layer_name(&format!("{source} optimum, F* = {}", num(r.f)));
        plot.points(
            Points::new(label, vec![project(z, self.axes.0, self.axes.1)])
                .shape(MarkerShape::Diamond)
                .radius(8.0)
                .color(self.look.ink(theme::REFERENCE))
                .filled(true),
        );
    }

    /// Every run's path, start, events, iterate and trap; for the selected
    /// run also the QP arrows along the path and at the shown iterate.
    fn draw_runs(&self, plot: &mut PlotUi<'_>) {
        let (ix, iy) = self.axes;
        let look = self.look;
        let bounds = plot.plot_bounds();
        // Longer arrows in the lecture view, where they are the point.
        let share = if look.width > 1.0 { 0.22 } else { 0.14 };
        let length = share * bounds.width().min(bounds.height()).max(1e-12);
        for (i, run) in self.runs.iter().enumerate() {
            let color = theme::run_color(run.slot);
            let config = run.config();
            let label = format!("run {}: {}", run.slot + 1, config.method().legend_label());
            let width = look.width * if i == self.selected { 2.0 } else { 1.5 };
            plot.line(
                Line::new(label.clone(), path(run, ix, iy))
                    .color(color)
                    .width(width),
            );
            plot.points(
                Points::new(label.clone(), vec![project(&run.start, ix, iy)])
                    .shape(MarkerShape::Circle)
                    .radius(5.0)
                    .filled(false)
                    .color(color),
            );
            event_markers(plot, run, (ix, iy), look.ink(theme::EVENT));
            draw_iterate(plot, run, (ix, iy), label, color);
            if i == self.selected {
                self.draw_selected(plot, length);
            } else if let Some(r) = self.own_step.filter(|_| self.layers.geometry) {
                geometry(plot, r, ix, iy, length, true, Stage::Project, None, look);
            }
        }
    }

    /// The selected run's QP arrows along its path and at the shown
    /// iterate (the newest, or one from the history).
    fn draw_selected(&self, plot: &mut PlotUi<'_>, length: f64) {
        let (ix, iy) = self.axes;
        if self.layers.path_arrows {
            for r in self.arrows {
                geometry(
                    plot,
                    r,
                    ix,
                    iy,
                    0.4 * length,
                    false,
                    Stage::Project,
                    None,
                    self.look,
                );
            }
        }
        let Some(step) = self.shown.filter(|_| self.layers.geometry) else {
            return;
        };
        if step.past {
            let at = project(&step.record.z, ix, iy);
            plot.points(
                Points::new(format!("iteration {} (history)", step.record.k), vec![at])
                    .shape(MarkerShape::Square)
                    .radius(6.0)
                    .filled(true)
                    .color(theme::STEP),
            );
        }
        geometry(
            plot,
            &step.record,
            ix,
            iy,
            length,
            true,
            self.stage.unwrap_or(Stage::Project),
            Some(&step.next),
            self.look,
        );
    }
}

/// A run's newest iterate, and a cross on it when it is judged a trap.
fn draw_iterate(
    plot: &mut PlotUi<'_>,
    run: &RunTrace,
    (ix, iy): (usize, usize),
    label: String,
    color: Color32,
) {
    let Some(last) = &run.last else { return };
    let at = project(&last.z, ix, iy);
    plot.points(
        Points::new(label, vec![at])
            .radius(5.0)
            .filled(true)
            .color(color),
    );
    if let Some(d) = run.diagnosis.as_ref().filter(|d| d.k == last.k)
        && let Some(trap) = d.traps.first()
    {
        plot.points(
            Points::new(format!("⚠ trap: {}", trap.name()), vec![at])
                .shape(MarkerShape::Cross)
                .radius(11.0)
                .color(theme::LL_MAX),
        );
    }
}
