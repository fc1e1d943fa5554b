//! The method: which run is selected, its method and parameters (changed
//! while it runs), ε, and what the plots show.

use super::status_bar::num;
use super::{AppCommand, BilevelApp, theme};
use crate::method::{Method, MethodKind, ParamKind, ParamSpec, ParamValue, SolverSettings};
use eframe::egui::{self, RichText};

fn drag(ui: &mut egui::Ui, value: &mut f64, prefix: &str, min: f64, hint: &str) -> bool {
    let speed = (value.abs() * 0.01).max(1e-6);
    ui.add(
        egui::DragValue::new(value)
            // A stored value is never changed by being drawn.
            .clamp_existing_to_range(false)
            .range(min..=1e9)
            .speed(speed)
            .custom_formatter(|v, _| num(v))
            .custom_parser(|text| text.trim().parse::<f64>().ok())
            .prefix(prefix),
    )
    .on_hover_text(hint)
    .changed()
}

/// The update rule of each method, one line, in the symbols the plot uses.
pub fn formula(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::PgdQp => {
            "Δ = argmin ½‖Δ + ∇f‖²  s.t.  ∇hᵀΔ ≤ −αρ,   z ← z + γΔ,   h = ‖∇_y g‖²"
        }
        MethodKind::Rxgf => {
            "ż = argmin ½‖u + ∇f‖²  s.t.  ∇hᵀu ≤ −α(h − ε²),   integrated with step dt"
        }
        MethodKind::Sqcqp => {
            "d = argmin ½‖d + ∇f‖²  s.t.  ∇hᵀd + w‖d‖² ≤ −α(h − ε²),   z ← z + t·d (line search)"
        }
        MethodKind::Bome => {
            "ŷ = T steps on g(x,·);  q = g(x,y) − g(x,ŷ);  z ← z − ξ(∇f + λ∇q),  λ = max(0, φ − ∇qᵀ∇f)/‖∇q‖²"
        }
        MethodKind::Vpbgd => "ŷ = T steps on g(x,·);  z ← z − η(∇f + γ∇q),  q = g(x,y) − g(x,ŷ)",
        MethodKind::Aid => {
            "y ← D steps on g;  ∇²_yy g·v = ∇_y f (CG);  x ← x − β(∇_x f − ∇²_xy g·v)"
        }
    }
}

/// An editor for one parameter; true when the user changed it.
fn param_editor(ui: &mut egui::Ui, solver: &mut SolverSettings, spec: &ParamSpec) -> bool {
    let kind = solver.method;
    let Some(value) = solver.get(kind, spec.key) else {
        return false;
    };
    let prefix = format!("{} = ", spec.symbol);
    let new = match (spec.kind, value) {
        (ParamKind::Positive | ParamKind::NonNegative, ParamValue::Number(mut v)) => {
            let min = if spec.kind == ParamKind::Positive {
                1e-300
            } else {
                0.0
            };
            drag(ui, &mut v, &prefix, min, spec.help).then_some(ParamValue::Number(v))
        }
        (ParamKind::Count { min, max }, ParamValue::Count(c)) => {
            let mut v = c as f64;
            ui.add(
                egui::DragValue::new(&mut v)
                    .clamp_existing_to_range(false)
                    .range(min as f64..=max as f64)
                    .speed(0.2)
                    .max_decimals(0)
                    .prefix(prefix),
            )
            .on_hover_text(spec.help)
            .changed()
            .then(|| ParamValue::Count(v.round().max(0.0) as u64))
        }
        (ParamKind::Choice(names), ParamValue::Text(current)) => {
            let mut chosen = current;
            ui.label(format!("{}:", spec.symbol))
                .on_hover_text(spec.help);
            for name in names {
                ui.radio_value(&mut chosen, *name, *name)
                    .on_hover_text(spec.help);
            }
            (chosen != current).then_some(ParamValue::Text(chosen))
        }
        (ParamKind::Flag, ParamValue::Flag(mut b)) => ui
            .checkbox(&mut b, spec.symbol)
            .on_hover_text(spec.help)
            .changed()
            .then_some(ParamValue::Flag(b)),
        _ => None,
    };
    // The editors keep values in range, so `set` only refuses what cannot
    // be typed here; the panel lists `problems()` in any case.
    new.is_some_and(|v| solver.set(kind, spec.key, v).is_ok())
}

/// Draws the method panel.
pub fn method_ui(ui: &mut egui::Ui, app: &mut BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
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
        let label = ui.label("method:");
        let current = spec.solver.method;
        egui::ComboBox::from_id_salt("method")
            .selected_text(current.title())
            .show_ui(ui, |ui| {
                for kind in MethodKind::ALL {
                    changed |= ui
                        .selectable_value(&mut spec.solver.method, kind, kind.title())
                        .on_hover_text(formula(kind))
                        .changed();
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "The method this run uses; switching continues the trajectory with the other method",
            );
    });
    ui.label(
        RichText::new(formula(spec.solver.method))
            .small()
            .monospace(),
    );
    let kind = spec.solver.method;
    ui.horizontal_wrapped(|ui| {
        for p in kind.params() {
            if spec.solver.relevant(p.key) || matches!(p.kind, ParamKind::Choice(_)) {
                changed |= param_editor(ui, &mut spec.solver, p);
            }
        }
        let mut k = spec.solver.iterations as f64;
        if ui
            .add(
                egui::DragValue::new(&mut k)
                    .clamp_existing_to_range(false)
                    .range(1.0..=1e12)
                    .speed(10.0)
                    .max_decimals(0)
                    .prefix("K = "),
            )
            .on_hover_text("The budget: the run stops after K iterations")
            .changed()
        {
            spec.solver.iterations = k.round().max(1.0) as u64;
            changed = true;
        }
    });
    if let Method::PgdQp(m) = spec.solver.method()
        && !spec.solver.relevant("alpha")
    {
        ui.label(RichText::new(format!("→ α = {}, γ = {}", num(m.alpha), num(m.step))).small());
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
    let start = super::problem_panel::vector(&spec.start);
    let every: Vec<String> = spec.start.iter().map(|v| num(*v)).collect();
    ui.label(RichText::new(format!("start: ({start}) — click the plot to move it")).small())
        .on_hover_text(format!("the whole start point: ({})", every.join(", ")));
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
    match app.squared_eps() {
        Some(eps) => {
            ui.label(format!("region {{h ≤ ε²}}, ε = {} (the method's ε)", num(eps)))
                .on_hover_text("RXGF and SQCQP keep h ≤ ε²: the shaded region is that set; change ε in the method's parameters");
        }
        None => {
            ui.add(
                egui::Slider::new(&mut app.settings.eps, 1e-6..=10.0)
                    .logarithmic(true)
                    .text("ε of {h ≤ ε}"),
            )
            .on_hover_text(
                "The shaded region {h ≤ ε}: points that are ε-stationary for the lower level",
            );
        }
    }
    ui.separator();
    // The lecture view keeps the residual toggles (rate guides) and hides
    // the layer switches a class does not need.
    if app.settings.lecture {
        return out;
    }
    let layers = &mut app.settings.layers;
    ui.label(RichText::new("Landscape").strong());
    ui.checkbox(&mut layers.f_contours, "contours of f")
        .on_hover_text("Upper-level objective");
    ui.checkbox(&mut layers.g_contours, "contours of g")
        .on_hover_text("Lower-level objective");
    ui.checkbox(&mut layers.stationary, "lower-level set ∇_y g = 0")
        .on_hover_text("Solid green where ∇²_yy g > 0 (lower-level minima), dashed red where < 0 (maxima), dotted violet where ∇²_yy g ≈ 0 (flat or degenerate: neither)");
    ui.checkbox(&mut layers.region, "region {h ≤ ε}")
        .on_hover_text("Shade where ‖∇_y g‖² ≤ ε: nearly stationary for the lower level (minima and maxima alike)");
    ui.checkbox(&mut layers.reference, "reference optimum")
        .on_hover_text("The reference optimum (x*, y*), a gold diamond: the preset's known one, or, for an edited or unknown problem, the one computed from φ(x)");
    ui.checkbox(&mut layers.phi, "φ(x) under the landscape")
        .on_hover_text("The reduced objective φ(x) = min { f(x, y) : y ∈ S(x) } (one x and one y), with each run's x marked live: the problem the bilevel methods are really minimising");
    ui.checkbox(&mut layers.geometry, "QP geometry at the iterate")
        .on_hover_text(
            "−∇f, the perturbation −λ∇h, the step Δ, and the half-space boundary ∇hᵀΔ = −αρ",
        );
    ui.horizontal(|ui| {
        ui.checkbox(&mut layers.path_arrows, "arrows along the path, every");
        ui.add(
            egui::DragValue::new(&mut layers.path_arrow_every)
                .clamp_existing_to_range(false)
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
        ui.checkbox(&mut series.guides, "rate guides").on_hover_text(
            "Reference slopes K^(−2/3) (qp1's rate) and K^(−1/3) (qp2's rate) through the KKT residual, against the iteration",
        );
        if series.guides {
            ui.add(
                egui::DragValue::new(&mut series.guide_shift)
                    .clamp_existing_to_range(false)
                    .range(-30.0..=30.0)
                    .speed(0.05)
                    .max_decimals(2)
                    .prefix("guides ↕ ")
                    .suffix(" decades"),
            )
            .on_hover_text("Move the guides up or down to line them up with a curve");
        }
        ui.checkbox(&mut series.gap, "true LL gap").on_hover_text(
            "g(x, y) − min_y' g(x, y'), sampled as the run goes: zero only on the global lower-level branch",
        );
        ui.checkbox(&mut series.hypergradient, "hypergradient")
            .on_hover_text(
                "‖∇_x f − ∇²_xy g (∇²_yy g)⁻¹ ∇_y f‖ where ∇²_yy g is invertible (n + m ≤ 8)",
            );
    });
    out
}
