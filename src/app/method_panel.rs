//! The method: which run is selected, its method and parameters (changed
//! while it runs), ε, and what the plots show.

use super::settings::{Layers, RunSpec, Series};
use super::{AppCommand, BilevelApp, theme};
use crate::method::{Method, MethodKind, ParamKind, ParamSpec, ParamValue, SolverSettings};
use crate::teaching::num;
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
pub fn method_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    run_tabs(ui, app, &mut out);
    let slot = app.runs.selected;
    let Some(spec) = app.settings.runs.get(slot) else {
        return out;
    };
    let on_landscape = app.doc.preset.cleaning.is_none();
    run_editor(ui, (slot, on_landscape), spec.clone(), &mut out);
    if app.settings.runs.len() > 1
        && ui
            .button("Remove this run")
            .on_hover_text("Stop and forget the selected run")
            .clicked()
    {
        out.push(AppCommand::RemoveRun(slot));
    }
    ui.separator();
    // The region and the layers belong to the landscape, which the
    // hyper-cleaning family does not draw.
    let landscape = app.doc.preset.cleaning.is_none();
    if landscape {
        out.extend(eps_ui(ui, app));
        ui.separator();
    }
    // The lecture view keeps the residual toggles (rate guides) and hides
    // the layer switches a class does not need.
    if !app.settings.lecture && landscape {
        out.extend(layers_ui(ui, app.settings.layers.clone()));
    }
    out.extend(series_ui(ui, app.settings.series.clone()));
    out
}

/// One tab per run; a click selects it.
fn run_tabs(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    ui.horizontal_wrapped(|ui| {
        for (i, trace) in app.runs.session.runs.iter().enumerate() {
            let label = RichText::new(format!("run {}", trace.slot + 1))
                .color(theme::run_color(trace.slot))
                .strong();
            if ui
                .selectable_label(app.runs.selected == i, label)
                .on_hover_text(
                    "Select the run whose parameters you edit and whose geometry is drawn",
                )
                .clicked()
            {
                out.push(AppCommand::SelectRun(i));
            }
        }
    });
}

/// The selected run's method, parameters, K, tolerance and start; a
/// change comes back as [`AppCommand::SetRun`]. `at` is the run's slot
/// and whether its start shows on a landscape (where a click moves it).
fn run_editor(ui: &mut egui::Ui, at: (usize, bool), mut spec: RunSpec, out: &mut Vec<AppCommand>) {
    let (slot, on_landscape) = at;
    let mut changed = method_picker(ui, &mut spec.solver);
    ui.label(
        RichText::new(spec.solver.method.update_rule())
            .small()
            .monospace(),
    );
    changed |= params_ui(ui, &mut spec.solver);
    if let Method::PgdQp(m) = spec.solver.method()
        && !spec.solver.relevant("alpha")
    {
        ui.label(RichText::new(format!("→ α = {}, γ = {}", num(m.alpha), num(m.step))).small());
    }
    changed |= tolerance_ui(ui, &mut spec);
    let start = super::problem_panel::vector(&spec.start);
    let how = if on_landscape {
        " — click the plot to move it"
    } else {
        ""
    };
    ui.label(RichText::new(format!("start: ({start}){how}")).small())
        .on_hover_ui(|ui| {
            let every: Vec<String> = spec.start.iter().map(|v| num(*v)).collect();
            ui.label(format!("the whole start point: ({})", every.join(", ")));
        });
    for p in spec.problems() {
        ui.label(RichText::new(p).color(theme::LL_MAX));
    }
    if changed {
        out.push(AppCommand::SetRun(slot, Box::new(spec)));
    }
}

/// The method of a run; true when the user chose another.
fn method_picker(ui: &mut egui::Ui, solver: &mut SolverSettings) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label("method:");
        egui::ComboBox::from_id_salt("method")
            .selected_text(solver.method.title())
            .show_ui(ui, |ui| {
                for kind in MethodKind::ALL {
                    changed |= ui
                        .selectable_value(&mut solver.method, kind, kind.title())
                        .on_hover_text(kind.update_rule())
                        .changed();
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "The method this run uses; switching continues the trajectory with the other method",
            );
    });
    changed
}

/// The method's parameters and K; true when one changed.
fn params_ui(ui: &mut egui::Ui, solver: &mut SolverSettings) -> bool {
    let mut changed = false;
    let kind = solver.method;
    ui.horizontal_wrapped(|ui| {
        for p in kind.params() {
            if solver.relevant(p.key) || matches!(p.kind, ParamKind::Choice(_)) {
                changed |= param_editor(ui, solver, p);
            }
        }
        let mut k = solver.iterations as f64;
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
            solver.iterations = k.round().max(1.0) as u64;
            changed = true;
        }
    });
    changed
}

/// ε of the region {h ≤ ε}, or what the method's own ε makes it.
fn eps_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Option<AppCommand> {
    if let Some(eps) = app.squared_eps() {
        ui.label(format!("region {{h ≤ ε²}}, ε = {} (the method's ε)", num(eps)))
            .on_hover_text("RXGF and SQCQP keep h ≤ ε²: the shaded region is that set; change ε in the method's parameters");
        return None;
    }
    let mut eps = app.settings.eps;
    ui.add(
        egui::Slider::new(&mut eps, 1e-6..=10.0)
            .logarithmic(true)
            .text("ε of {h ≤ ε}"),
    )
    .on_hover_text("The shaded region {h ≤ ε}: points that are ε-stationary for the lower level")
    .changed()
    .then_some(AppCommand::SetEps(eps))
}

/// The landscape's layer switches.
fn layers_ui(ui: &mut egui::Ui, mut layers: Layers) -> Option<AppCommand> {
    let before = layers.clone();
    ui.label(RichText::new("Landscape").strong());
    let switches: [(&mut bool, &str, &str); 7] = [
        (
            &mut layers.f_contours,
            "contours of f",
            "Upper-level objective",
        ),
        (
            &mut layers.g_contours,
            "contours of g",
            "Lower-level objective",
        ),
        (
            &mut layers.stationary,
            "lower-level set ∇_y g = 0",
            "Solid green where ∇²_yy g > 0 (lower-level minima), dashed red where < 0 (maxima), dotted violet where ∇²_yy g ≈ 0 (flat or degenerate: neither)",
        ),
        (
            &mut layers.region,
            "region {h ≤ ε}",
            "Shade where ‖∇_y g‖² ≤ ε: nearly stationary for the lower level (minima and maxima alike)",
        ),
        (
            &mut layers.reference,
            "reference optimum",
            "The reference optimum (x*, y*), a gold diamond: the preset's known one, or, for an edited or unknown problem, the one computed from φ(x)",
        ),
        (
            &mut layers.phi,
            "φ(x) under the landscape",
            "The reduced objective φ(x) = min { f(x, y) : y ∈ S(x) } (one x and one y), with each run's x marked live: the problem the bilevel methods are really minimising",
        ),
        (
            &mut layers.geometry,
            "QP geometry at the iterate",
            "−∇f, the perturbation −λ∇h, the step Δ, and the half-space boundary ∇hᵀΔ = −αρ",
        ),
    ];
    for (on, label, hint) in switches {
        ui.checkbox(on, label).on_hover_text(hint);
    }
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
    (layers != before).then(|| AppCommand::SetLayers(Box::new(layers)))
}

/// The residual series switches and the rate guides.
fn series_ui(ui: &mut egui::Ui, mut series: Series) -> Option<AppCommand> {
    let before = series.clone();
    ui.label(RichText::new("Residuals (log scale)").strong());
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
    (series != before).then(|| AppCommand::SetSeries(Box::new(series)))
}

/// The "stop at" box and the tolerance: unticking keeps the value for when
/// it is ticked again.
fn tolerance_ui(ui: &mut egui::Ui, spec: &mut RunSpec) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let mut on = spec.solver.tolerance.is_some();
        if ui
            .checkbox(&mut on, "stop at")
            .on_hover_text("Stop when the KKT residual ‖Δ‖² + h reaches the tolerance")
            .changed()
        {
            changed = true;
            if let Some(t) = spec.solver.tolerance {
                spec.tolerance_when_off = t;
            }
            spec.solver.tolerance = on.then_some(spec.tolerance_when_off);
        }
        ui.add_enabled_ui(on, |ui| {
            let mut value = spec.solver.tolerance.unwrap_or(spec.tolerance_when_off);
            if drag(ui, &mut value, "KKT ≤ ", 1e-300, "Tolerance on ‖Δ‖² + h") {
                changed = true;
                spec.tolerance_when_off = value;
                if on {
                    spec.solver.tolerance = Some(value);
                }
            }
        });
    });
    changed
}
