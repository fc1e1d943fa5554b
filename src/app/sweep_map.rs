//! The step-size sweep's map: each cell coloured by where its run ended
//! (the classes the basin map uses), or by a number on an absolute colour
//! bar with its units; the selected run's own (α, γ) outlined; hover for a
//! cell's numbers, click to use it.

use super::explore_panel::{ExploreState, SweepMap, class_color, class_counts, class_legend};
use super::{AppCommand, theme};
use crate::explore::{Cell, EndClass, SweepSpec};
use crate::teaching::num;
use eframe::egui::{self, Color32, RichText};
use egui_plot::{Line, Plot, PlotImage, PlotPoint, PlotPoints};

/// What the sweep map's colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepColour {
    /// The end class (default).
    Class,
    /// log₁₀ of the final KKT residual ‖Δ‖² + h (the method's own).
    FinalKkt,
    /// log₁₀ of the end's distance to the reference point.
    Distance,
    /// Iterations until the reference was reached (common measure).
    Iterations,
}

impl SweepColour {
    const ALL: [SweepColour; 4] = [
        SweepColour::Class,
        SweepColour::FinalKkt,
        SweepColour::Distance,
        SweepColour::Iterations,
    ];

    fn label(self) -> &'static str {
        match self {
            SweepColour::Class => "where it ends",
            SweepColour::FinalKkt => "final KKT (own)",
            SweepColour::Distance => "distance to z*",
            SweepColour::Iterations => "iterations to reach",
        }
    }

    /// The colour bar's range and its caption with units.
    fn scale(self, budget: u64) -> ([f64; 2], String) {
        match self {
            SweepColour::Class => ([0.0, 1.0], String::new()),
            SweepColour::FinalKkt => (
                [-16.0, 2.0],
                "log₁₀ of the method's own final KKT residual ‖Δ‖² + h (dimensionless; small is settled, not necessarily optimal)".into(),
            ),
            SweepColour::Distance => (
                [-12.0, 1.0],
                "log₁₀ of the end's distance ‖z − z*‖ to the reference point (units of x and y)".into(),
            ),
            SweepColour::Iterations => (
                [0.0, budget.max(1) as f64],
                format!(
                    "iterations until distance (or |f − F*|), h and the true gap were ≤ {} (K = {budget})",
                    num(crate::explore::REACH_TOL)
                ),
            ),
        }
    }

    /// The value of a cell on this colour's scale; `None` when it has none.
    fn value(self, c: &Cell) -> Option<f64> {
        if matches!(c.status, crate::method::Status::Diverged { .. }) {
            return None;
        }
        let v = match self {
            SweepColour::Class => return None,
            SweepColour::FinalKkt => c.kkt_residual.max(1e-300).log10(),
            SweepColour::Distance => c.distance?.max(1e-300).log10(),
            SweepColour::Iterations => c.reached? as f64,
        };
        v.is_finite().then_some(v)
    }
}

/// Low (0) to high (1) on a fixed scale: dark blue, teal, yellow
/// (perceptually ordered, readable on dark and light backgrounds).
fn ramp(t: f64) -> Color32 {
    let stops = [
        [40.0, 30.0, 110.0],
        [30.0, 150.0, 140.0],
        [250.0, 230.0, 50.0],
    ];
    let t = t.clamp(0.0, 1.0) * 2.0;
    let i = (t.floor() as usize).min(1);
    let u = (t - i as f64) as f32;
    let mix = |k: usize| (stops[i][k] + (stops[i + 1][k] - stops[i][k]) * u) as u8;
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// No value on the scale (diverged, never reached, no reference).
const NO_VALUE: Color32 = Color32::from_rgb(110, 110, 110);

fn cell_colour(c: &Cell, colour: SweepColour, range: [f64; 2]) -> Color32 {
    if colour == SweepColour::Class {
        return class_color(&c.class);
    }
    match colour.value(c) {
        Some(v) => ramp((v - range[0]) / (range[1] - range[0]).max(1e-12)),
        None => NO_VALUE,
    }
}

fn sweep_texture(ctx: &egui::Context, map: &SweepMap, colour: SweepColour) -> egui::TextureHandle {
    let (n1, n2) = map.spec.shape();
    let (range, _) = colour.scale(map.spec.settings.iterations);
    // Image rows start at the top: the largest second parameter first.
    let pixels: Vec<Color32> = (0..n2)
        .rev()
        .flat_map(|j| (0..n1).map(move |i| (i, j)))
        .map(|(i, j)| {
            map.cells
                .get(i * n2 + j)
                .map_or(Color32::TRANSPARENT, |c| cell_colour(c, colour, range))
        })
        .collect();
    ctx.load_texture(
        "sweep",
        egui::ColorImage::new([n1, n2], pixels),
        egui::TextureOptions::NEAREST,
    )
}

/// A horizontal colour bar with its end values and caption.
fn colour_bar(ui: &mut egui::Ui, colour: SweepColour, budget: u64) {
    let (range, caption) = colour.scale(budget);
    let width = ui.available_width().min(320.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 12.0), egui::Sense::hover());
    let steps = 64;
    for s in 0..steps {
        let t0 = s as f32 / steps as f32;
        let t1 = (s + 1) as f32 / steps as f32;
        let r = egui::Rect::from_min_max(
            egui::pos2(rect.left() + t0 * width, rect.top()),
            egui::pos2(rect.left() + t1 * width, rect.bottom()),
        );
        ui.painter()
            .rect_filled(r, 0.0, ramp(f64::from(t0 + t1) * 0.5));
    }
    let ends = match colour {
        SweepColour::Iterations => (format!("{}", range[0]), format!("{}", range[1])),
        _ => (format!("≤ 1e{}", range[0]), format!("≥ 1e{}", range[1])),
    };
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.allocate_ui_with_layout(egui::vec2(width, 14.0), layout, |ui| {
        ui.label(RichText::new(ends.0).small());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(ends.1).small());
        });
    });
    ui.label(RichText::new(caption).small());
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("■").color(NO_VALUE));
        ui.label(RichText::new("no value: diverged, never reached, or no reference").small());
    });
}

/// The sweep map's window. `current` is the selected run's own values of
/// the two swept parameters (outlined when inside the map).
pub fn sweep_window(
    ctx: &egui::Context,
    state: &mut ExploreState,
    current: Option<(f64, f64)>,
) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let mut open = state.show_sweep;
    let mut colour = state.colour;
    let Some(map) = state.sweep.as_ref() else {
        return out;
    };
    egui::Window::new("Step-size sweep")
        .open(&mut open)
        .default_size([440.0, 520.0])
        .show(ctx, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label("colour:");
                for c in SweepColour::ALL {
                    ui.radio_value(&mut colour, c, c.label());
                }
            });
            if colour == SweepColour::Class {
                class_legend(ui, &class_counts(map.cells.iter().map(|c| &c.class)));
            } else {
                colour_bar(ui, colour, map.spec.settings.iterations);
            }
            ui.label(
                RichText::new(match &map.spec.answer {
                    Some(a) => format!(
                        "judged against F* = {} ({}); outlined: the selected run's own setting. Click a cell to use it.",
                        num(a.f),
                        a.provenance()
                    ),
                    None => "no reference answer: no cell can be called the optimum. Outlined: the selected run's own setting. Click a cell to use it.".into(),
                })
                .small(),
            );
            if state.colour != colour || state.sweep_texture.is_none() {
                state.sweep_texture = Some(sweep_texture(ctx, map, colour));
            }
            out.extend(map_plot(ui, map, state.sweep_texture.as_ref(), current));
        });
    state.colour = colour;
    state.show_sweep = open;
    out
}

/// An axis's first and last value in plot coordinates (log₁₀ of a real
/// parameter, a count as it is) and the width of one cell there.
fn axis_ends(spec: &SweepSpec, axis: usize) -> ([f64; 2], f64) {
    let values = spec.values(axis);
    let plotted = |v: f64| if spec.is_whole(axis) { v } else { v.log10() };
    let ends = [
        values.first().map_or(0.0, |v| plotted(*v)),
        values.last().map_or(1.0, |v| plotted(*v)),
    ];
    let cell = if values.len() > 1 {
        (ends[1] - ends[0]) / (values.len() - 1) as f64
    } else {
        1.0
    };
    (ends, cell)
}

fn axis_label(spec: &SweepSpec, axis: usize) -> String {
    let key = if axis == 0 { spec.axes.0 } else { spec.axes.1 };
    if spec.is_whole(axis) {
        key.to_string()
    } else {
        format!("log₁₀ {key}")
    }
}

/// The map itself, the outline of the current cell, and the hovered cell's
/// numbers; a click uses that cell.
fn map_plot(
    ui: &mut egui::Ui,
    map: &SweepMap,
    texture: Option<&egui::TextureHandle>,
    current: Option<(f64, f64)>,
) -> Option<AppCommand> {
    let (la, ca) = axis_ends(&map.spec, 0);
    let (lb, cb) = axis_ends(&map.spec, 1);
    let plotted = |axis, v: f64| {
        if map.spec.is_whole(axis) {
            v
        } else {
            v.log10()
        }
    };
    let outline = current
        .map(|(p, q)| (plotted(0, p), plotted(1, q)))
        .filter(|(p, q)| {
            (la[0] - 0.5 * ca..=la[1] + 0.5 * ca).contains(p)
                && (lb[0] - 0.5 * cb..=lb[1] + 0.5 * cb).contains(q)
        });
    let response = Plot::new("sweep-map")
        .height((ui.available_height() - 40.0).max(120.0))
        .x_axis_label(axis_label(&map.spec, 0))
        .y_axis_label(axis_label(&map.spec, 1))
        .allow_drag(false)
        .show(ui, |plot| {
            if let Some(texture) = texture {
                plot.image(PlotImage::new(
                    "sweep",
                    texture.id(),
                    PlotPoint::new(0.5 * (la[0] + la[1]), 0.5 * (lb[0] + lb[1])),
                    egui::vec2((la[1] - la[0] + ca) as f32, (lb[1] - lb[0] + cb) as f32),
                ));
            }
            if let Some((p, q)) = outline {
                let (hx, hy) = (0.5 * ca, 0.5 * cb);
                let corners = vec![
                    [p - hx, q - hy],
                    [p + hx, q - hy],
                    [p + hx, q + hy],
                    [p - hx, q + hy],
                    [p - hx, q - hy],
                ];
                plot.line(
                    Line::new("the selected run's setting", PlotPoints::from(corners))
                        .color(theme::REFERENCE)
                        .width(2.5),
                );
            }
            plot.pointer_coordinate()
        });
    let hovered = response.inner.and_then(|p| {
        let i = ((p.x - la[0]) / ca).round();
        let j = ((p.y - lb[0]) / cb).round();
        let (n1, n2) = map.spec.shape();
        (i >= 0.0 && j >= 0.0 && (i as usize) < n1 && (j as usize) < n2)
            .then(|| map.cells.get(i as usize * n2 + j as usize))
            .flatten()
    });
    let Some(c) = hovered else {
        ui.label("hover a cell for its numbers");
        return None;
    };
    ui.label(describe(map, c));
    response
        .response
        .clicked()
        .then_some(AppCommand::UseSweepCell {
            first: (map.spec.axes.0, c.first),
            second: (map.spec.axes.1, c.second),
        })
}

fn describe(map: &SweepMap, c: &Cell) -> String {
    let reached = match (c.reached, c.class) {
        (Some(k), _) => format!("reached at k = {k}"),
        (None, EndClass::Optimum) => "at the optimum, not within the tolerance".into(),
        (None, _) => "never reached".into(),
    };
    format!(
        "{} = {}, {} = {}: {} ({}), {reached}, own KKT = {}, distance = {}, f = {}, h = {}",
        map.spec.axes.0,
        num(c.first),
        map.spec.axes.1,
        num(c.second),
        c.class.as_str(),
        c.status.as_str(),
        num(c.kkt_residual),
        c.distance.map_or("–".into(), num),
        num(c.f),
        num(c.h)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::Status;

    fn cell(kkt: f64, class: EndClass) -> Cell {
        Cell {
            first: 0.1,
            second: 0.1,
            status: Status::Budget,
            kkt_residual: kkt,
            distance: Some(kkt.sqrt()),
            f: 0.0,
            h: 0.0,
            class,
            reached: Some(10),
        }
    }

    #[test]
    fn a_cells_colour_depends_on_its_own_value_not_on_the_other_cells() {
        // The old map stretched the colours over each grid's own range: the
        // same residual was green in one sweep and red in another.
        let (range, _) = SweepColour::FinalKkt.scale(1000);
        let a = cell_colour(
            &cell(1e-10, EndClass::Optimum),
            SweepColour::FinalKkt,
            range,
        );
        let b = cell_colour(
            &cell(1e-10, EndClass::Optimum),
            SweepColour::FinalKkt,
            range,
        );
        assert_eq!(a, b);
        assert_ne!(
            a,
            cell_colour(&cell(1e-2, EndClass::Optimum), SweepColour::FinalKkt, range)
        );
        // By class, the trap is never the optimum's colour.
        let trap = EndClass::Trap(crate::explore::Trap::LowerMaximum);
        assert_ne!(
            cell_colour(&cell(0.0, trap), SweepColour::Class, range),
            cell_colour(&cell(0.0, EndClass::Optimum), SweepColour::Class, range)
        );
        // Never reached: grey, not a colour of the scale.
        let mut never = cell(1e-3, trap);
        never.reached = None;
        let (range, _) = SweepColour::Iterations.scale(1000);
        assert_eq!(
            cell_colour(&never, SweepColour::Iterations, range),
            NO_VALUE
        );
    }

    #[test]
    fn class_colours_are_distinct_and_not_the_stationary_curves() {
        let colours: Vec<Color32> = EndClass::ALL.iter().map(class_color).collect();
        for (i, a) in colours.iter().enumerate() {
            assert!(
                colours[i + 1..].iter().all(|b| a != b),
                "{:?}",
                EndClass::ALL[i]
            );
            assert!(*a != theme::LL_MIN && *a != theme::LL_MAX && *a != theme::LL_FLAT);
        }
    }
}
