//! A strip under the landscape: the reduced objective
//! φ(x) = min { f(x, y) : y ∈ S(x) } over the upper interval, the
//! reference x* on it, and each run's current x as a vertical line — what
//! the bilevel methods are minimising, seen in one dimension.

use super::{BilevelApp, theme};
use crate::teaching::num;
use eframe::egui::{self, RichText};
use egui_plot::{Corner, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points, VLine};

/// Whether the strip has anything to show (one x and one y).
pub fn shown(app: &BilevelApp) -> bool {
    let dims = app.doc.problem.dims();
    app.settings.layers.phi && dims.n == 1 && dims.m == 1 && !app.settings.lecture
}

/// Draws the strip, `height` points tall.
pub fn phi_ui(ui: &mut egui::Ui, app: &BilevelApp, height: f32) {
    let Some(curve) = app.doc.answer.curve() else {
        ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
            ui.label(RichText::new("φ(x): computing …").small());
        });
        return;
    };
    // Pieces where φ is defined (the lower level may have no minimum).
    let mut pieces: Vec<Vec<[f64; 2]>> = vec![Vec::new()];
    for (x, r) in curve {
        match (r, pieces.last_mut()) {
            (Some(r), Some(piece)) if r.phi.is_finite() => piece.push([*x, r.phi]),
            _ => pieces.push(Vec::new()),
        }
    }
    pieces.retain(|p| !p.is_empty());
    let [a, b] = app.doc.answer.upper();
    Plot::new("phi")
        .height(height)
        .include_x(a)
        .include_x(b)
        .x_axis_formatter(super::ticks::linear)
        .y_axis_formatter(super::ticks::linear)
        .y_axis_label("φ(x)")
        .legend(
            Legend::default()
                .position(Corner::LeftTop)
                .text_style(egui::TextStyle::Small),
        )
        .show(ui, |plot| {
            let label = "φ(x) = min f(x, y) over y ∈ S(x)".to_string();
            for piece in pieces {
                plot.line(
                    Line::new(label.clone(), PlotPoints::from(piece))
                        .color(ui_ink(app))
                        .width(app.line_width(1.5)),
                );
            }
            if let Some(answer) = app.doc.answer.get()
                && let Some(z) = &answer.z
                && let Some(&x) = z.first()
            {
                plot.points(
                    Points::new(format!("x*, F* = {}", num(answer.f)), vec![[x, answer.f]])
                        .shape(MarkerShape::Diamond)
                        .radius(6.0)
                        .filled(true)
                        .color(theme::REFERENCE),
                );
            }
            for run in &app.runs.session.runs {
                if let Some(x) = run.last.as_ref().and_then(|r| r.z.first()) {
                    plot.vline(
                        VLine::new(format!("run {}: current x", run.slot + 1), *x)
                            .color(theme::run_color(run.slot))
                            .style(LineStyle::dashed_dense()),
                    );
                }
            }
        });
}

fn ui_ink(app: &BilevelApp) -> egui::Color32 {
    theme::ink(theme::F_CONTOUR, app.settings.light)
}
