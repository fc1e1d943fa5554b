//! The method: which run is selected, its PGD-QP parameters (changed while
//! it runs), ε, and what the plots show.

use super::status_bar::num;
use super::{AppCommand, BilevelApp, theme};
use eframe::egui::{self, RichText};

fn drag(ui: &mut egui::Ui, value: &mut f64, prefix: &str, min: f64, hint: &str) -> bool {
    let speed = (value.abs() * 0.01).max(1e-6);
    ui.add(
        egui::DragValue::new(value)
            .range(min..=1e9)
            .speed(speed)
            .custom_formatter(|v, _| num(v))
            .custom_parser(|text| text.trim().parse::<f64>().ok())
            .prefix(prefix),
    )
    .on_hover_text(hint)
    .changed()
}

/// Draws the method panel.
pub fn method_ui(ui: &mut egui::Ui, app: &mut BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.heading("PGD-QP");
    ui.label(
        RichText::new("Δ = argmin ½‖Δ + ∇f‖²  s.t.  ∇hᵀΔ ≤ −αρ,   z ← z + γΔ,   h = ‖∇_y g‖²")
            .small()
            .monospace(),
    );
    ui.horizontal_wrapped(|ui| {
        for (i, trace) in app.session.runs.iter().enumerate() {
            let label = RichText::new(format!("run {}", trace.slot + 1))
                .color(theme::run_color(trace.slot))
                .strong();
            if ui
                .selectable_label(app.selected == i, label)
                .on_hover_text(
                    "Select the run whose parameters you edit and whose geometry is drawn",
                )
                .clicked()
            {
                app.selected = i;
            }
        }
    });
    let slot = app.selected;
    let n_runs = app.settings.runs.len();
    let Some(spec) = app.settings.runs.get_mut(slot) else {
        return out;
    };
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label("ρ:");
        changed |= ui
            .radio_value(&mut spec.qp2, false, "qp1: ‖∇h‖²")
            .on_hover_text("ρ = ‖∇h‖²: λ = max(0, α − ⟨∇f, ∇h⟩/‖∇h‖²); rate O(ε^-1.5) under a PL-type condition")
            .changed();
        changed |= ui
            .radio_value(&mut spec.qp2, true, "qp2: ‖∇h‖·√h")
            .on_hover_text("ρ = ‖∇h‖·‖∇_y g‖: rate O(ε^-3) without that condition")
            .changed();
    });
    changed |= ui
        .checkbox(&mut spec.budget, "budget schedule")
        .on_hover_text("α = a·K^(−1/3), γ = b·K^(−1/3) (qp1) or b·K^(−2/3) (qp2), as in the paper's experiments")
        .changed();
    ui.horizontal_wrapped(|ui| {
        if spec.budget {
            changed |= drag(ui, &mut spec.a, "a = ", 0.0, "α = a·K^(−1/3)");
            changed |= drag(ui, &mut spec.b, "b = ", 1e-12, "γ = b·K^(−1/3) or b·K^(−2/3)");
        } else {
            changed |= drag(
                ui,
                &mut spec.alpha,
                "α = ",
                0.0,
                "How fast the QP asks h to fall: ∇hᵀΔ ≤ −αρ. Larger α pulls harder toward the lower-level set.",
            );
            changed |= drag(
                ui,
                &mut spec.step,
                "γ = ",
                1e-12,
                "The step length: z ← z + γΔ. Too large for the curvature gives oscillation or a 2-cycle.",
            );
        }
        let mut k = spec.iterations as f64;
        if ui
            .add(egui::DragValue::new(&mut k).range(1.0..=1e12).speed(10.0).max_decimals(0).prefix("K = "))
            .on_hover_text("The budget: the run stops after K iterations")
            .changed()
        {
            spec.iterations = k.round().max(1.0) as u64;
            changed = true;
        }
    });
    if spec.budget {
        let (alpha, step) = spec
            .defaults()
            .rule
            .resolve(spec.defaults().rho, spec.iterations);
        ui.label(RichText::new(format!("→ α = {}, γ = {}", num(alpha), num(step))).small());
    }
    ui.horizontal(|ui| {
        changed |= ui
            .checkbox(&mut spec.use_tolerance, "stop at")
            .on_hover_text("Stop when the KKT residual ‖Δ‖² + h reaches the tolerance")
            .changed();
        ui.add_enabled_ui(spec.use_tolerance, |ui| {
            changed |= drag(
                ui,
                &mut spec.tolerance,
                "KKT ≤ ",
                1e-300,
                "Tolerance on ‖Δ‖² + h",
            );
        });
    });
    let start: Vec<String> = spec.start.iter().take(4).map(|v| num(*v)).collect();
    ui.label(
        RichText::new(format!(
            "start: ({}) — click the plot to move it",
            start.join(", ")
        ))
        .small(),
    );
    let problems = spec.problems();
    for p in &problems {
        ui.label(RichText::new(p).color(theme::LL_MAX));
    }
    if changed && problems.is_empty() {
        out.push(AppCommand::Reconfigure(slot));
    }
    if n_runs > 1
        && ui
            .button("Remove this run")
            .on_hover_text("Stop and forget the selected run")
            .clicked()
    {
        out.push(AppCommand::RemoveRun(slot));
    }
    ui.separator();
    ui.add(
        egui::Slider::new(&mut app.settings.eps, 1e-6..=10.0)
            .logarithmic(true)
            .text("ε of {h ≤ ε}"),
    )
    .on_hover_text("The shaded region {h ≤ ε}: points that are ε-stationary for the lower level");
    ui.separator();
    let layers = &mut app.settings.layers;
    ui.label(RichText::new("Landscape").strong());
    ui.checkbox(&mut layers.f_contours, "contours of f")
        .on_hover_text("Upper-level objective");
    ui.checkbox(&mut layers.g_contours, "contours of g")
        .on_hover_text("Lower-level objective");
    ui.checkbox(&mut layers.stationary, "lower-level set ∇_y g = 0")
        .on_hover_text("Solid where ∇²_yy g > 0 (lower-level minima), dashed where < 0 (maxima)");
    ui.checkbox(&mut layers.region, "region {h ≤ ε}")
        .on_hover_text("Shade where ‖∇_y g‖² ≤ ε: nearly stationary for the lower level (minima and maxima alike)");
    ui.checkbox(&mut layers.reference, "reference optimum")
        .on_hover_text("The preset's known optimum (x*, y*), a gold diamond");
    ui.checkbox(&mut layers.geometry, "QP geometry at the iterate")
        .on_hover_text(
            "−∇f, the perturbation −λ∇h, the step Δ, and the half-space boundary ∇hᵀΔ = −αρ",
        );
    ui.horizontal(|ui| {
        ui.checkbox(&mut layers.path_arrows, "arrows along the path, every");
        ui.add(
            egui::DragValue::new(&mut layers.path_arrow_every)
                .range(1..=1_000_000)
                .prefix("N = "),
        )
        .on_hover_text("Every how many iterations the QP arrows are drawn along the path");
    });
    ui.label(RichText::new("Residuals (log scale)").strong());
    let series = &mut app.settings.series;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut series.h, "h")
            .on_hover_text("h = ‖∇_y g‖²: how far y is from lower-level stationarity");
        ui.checkbox(&mut series.delta, "‖Δ‖")
            .on_hover_text("Length of the QP step Δ = −∇f − λ∇h");
        ui.checkbox(&mut series.lambda, "λ").on_hover_text(
            "The QP multiplier; with qp1 it grows as ‖∇h‖ → 0 near the lower-level set",
        );
        ui.checkbox(&mut series.kkt, "KKT ‖Δ‖²+h")
            .on_hover_text("The KKT residual ‖Δ‖² + h: zero at an ε-KKT point of min f s.t. h = 0");
        ui.checkbox(&mut series.hypergradient, "hypergradient")
            .on_hover_text(
                "‖∇_x f − ∇²_xy g (∇²_yy g)⁻¹ ∇_y f‖ where ∇²_yy g is invertible (n + m ≤ 8)",
            );
    });
    out
}
