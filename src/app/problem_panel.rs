//! The problem: the preset's story, the editors for f and g with their
//! errors shown where they are, and (beyond 2-D) which coordinates the
//! landscape shows.

use super::theme;
use super::{AppCommand, BilevelApp};
use crate::expr::ExprError;
use crate::preset::ProblemSpec;
use crate::teaching::num;
use eframe::egui::{self, Color32, FontId, RichText, Stroke, TextFormat, text::LayoutJob};

/// The text laid out in the code font, with the error position marked.
fn highlighted(text: &str, error: Option<&ExprError>, wrap: f32, color: Color32) -> LayoutJob {
    let normal = TextFormat::simple(FontId::monospace(13.0), color);
    let mut job = LayoutJob::default();
    match error {
        Some(e) if e.offset <= text.len() && text.is_char_boundary(e.offset) => {
            let end = text[e.offset..]
                .chars()
                .next()
                .map_or(e.offset, |c| e.offset + c.len_utf8());
            job.append(&text[..e.offset], 0.0, normal.clone());
            let marked = TextFormat {
                color: theme::LL_MAX,
                background: Color32::from_rgba_unmultiplied(220, 40, 40, 50),
                underline: Stroke::new(2.0, theme::LL_MAX),
                ..normal.clone()
            };
            if end > e.offset {
                job.append(&text[e.offset..end], 0.0, marked);
            } else {
                // The error is at the end: mark the place with a space.
                job.append(" ", 0.0, marked);
            }
            job.append(&text[end..], 0.0, normal);
        }
        _ => job.append(text, 0.0, normal),
    }
    job.wrap.max_width = wrap;
    job
}

/// The ids of the f and g editors: Ctrl+Z there undoes the problem.
pub const EDITOR_IDS: [&str; 2] = ["editor-f", "editor-g"];

fn editor_ui(
    ui: &mut egui::Ui,
    (label, id): (&str, &str),
    text: &mut String,
    error: Option<&ExprError>,
    hint: &str,
) -> bool {
    let heading = ui.label(RichText::new(label).strong()).on_hover_text(hint);
    let color = ui.visuals().text_color();
    let err = error.cloned();
    let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        ui.fonts_mut(|f| f.layout_job(highlighted(buf.as_str(), err.as_ref(), wrap, color)))
    };
    let response = ui
        .add(
            egui::TextEdit::multiline(text)
                .id(egui::Id::unique(id))
                .code_editor()
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .layouter(&mut layouter),
        )
        // Screen readers (and the UI tests) find the editor by its heading.
        .labelled_by(heading.id);
    if let Some(e) = error {
        ui.label(
            RichText::new(format!(
                "line {}, column {}: {}",
                e.line, e.column, e.message
            ))
            .color(theme::LL_MAX)
            .small(),
        );
    }
    response.changed()
}

/// Draws the problem panel.
pub fn problem_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.heading(&app.doc.preset.name);
    if !app.doc.preset.description.is_empty() {
        egui::CollapsingHeader::new("What to look at")
            .default_open(true)
            .show(ui, |ui| {
                ui.label(theme::reflow(&app.doc.preset.description));
            });
    }
    answer_ui(ui, app);
    // The lecture view shows the story and the constants' sliders, not
    // the editors.
    if app.settings.lecture {
        out.extend(super::constants_panel::constants_ui(ui, app));
        return out;
    }
    ui.separator();
    match &app.doc.preset.spec {
        ProblemSpec::Expression { f, g, .. } => out.extend(editors_ui(ui, app, (f, g))),
        ProblemSpec::Synthetic { lower_kind, c, .. } => {
            ui.label(format!(
                "Synthetic family, n = m = {}: f = sin(cᵀx + dᵀy) + ln(‖x + y‖² + 1), g = {}",
                c.len(),
                match lower_kind {
                    crate::problem::LowerKind::Convex => "½‖Hy − x‖²",
                    crate::problem::LowerKind::Nonconvex => "cos(½‖Hy − x‖²)",
                }
            ));
        }
        ProblemSpec::HyperCleaning { dataset, spec } => {
            ui.label(format!(
                "Data hyper-cleaning on {dataset}: {} training samples ({:.0} % of labels \
                 corrupted), weights σ(xᵢ); softmax regression on {} principal components \
                 and a bias; f = validation cross-entropy ({} samples), g = weighted training \
                 cross-entropy + {}‖Y‖².",
                spec.train,
                100.0 * spec.corrupt,
                spec.components,
                spec.validation,
                spec.ridge
            ));
        }
    }
    out.extend(axes_ui(ui, app));
    out
}

/// The editors of f and g, Apply, Revert and the earlier edits; `preset`
/// is the preset's own f and g.
fn editors_ui(ui: &mut egui::Ui, app: &BilevelApp, preset: (&str, &str)) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let error_of = |which: &str| {
        app.doc
            .editor
            .error
            .as_ref()
            .filter(|(w, _)| *w == which)
            .map(|(_, e)| e.clone())
    };
    let (mut f, mut g) = (app.doc.editor.f.clone(), app.doc.editor.g.clone());
    let mut changed = editor_ui(
        ui,
        ("f(x, y): upper level", EDITOR_IDS[0]),
        &mut f,
        error_of("f").as_ref(),
        "The upper-level objective: minimised over x and y together",
    );
    changed |= editor_ui(
        ui,
        ("g(x, y): lower level", EDITOR_IDS[1]),
        &mut g,
        error_of("g").as_ref(),
        "The lower-level objective: y must minimise g(x, ·)",
    );
    let moved = match &app.doc.preset.spec {
        ProblemSpec::Expression { constants, .. } => *constants != app.doc.editor.constants,
        ProblemSpec::Synthetic { .. } | ProblemSpec::HyperCleaning { .. } => false,
    };
    let edited = f != preset.0 || g != preset.1 || moved;
    if changed {
        out.push(AppCommand::EditText { f, g });
    }
    if let Some(e) = &app.doc.editor.other_error {
        ui.label(RichText::new(e).color(theme::LL_MAX).small());
    }
    out.extend(super::constants_panel::constants_ui(ui, app));
    let valid = app.edit_is_valid();
    ui.horizontal(|ui| {
        let apply = ui
            .add_enabled(valid && app.doc.editor.dirty, egui::Button::new("Apply"))
            .on_hover_text(if app.settings.restart_on_change {
                "Use the edited f and g now; the runs restart from their starts"
            } else {
                "Use the edited f and g now; the runs go on from where they are"
            })
            .on_disabled_hover_text(if valid {
                "Nothing changed"
            } else {
                "Fix the error first; the runs go on with the last valid problem"
            });
        if apply.clicked() {
            out.push(AppCommand::ApplyEdit);
        }
        if ui
            .add_enabled(edited || app.doc.editor.dirty, egui::Button::new("Revert"))
            .on_hover_text("Back to the preset's f, g and constants")
            .clicked()
        {
            out.push(AppCommand::RevertEdit);
        }
        out.extend(earlier_edits_menu(ui, app));
    });
    out.extend(super::constants_panel::behaviour_ui(ui, app));
    ui.label(
        RichText::new("Functions: sin cos tan asin acos atan sinh cosh tanh exp ln log sqrt abs sigmoid softplus; constants pi, e; ^ for powers.")
            .small()
            .weak(),
    );
    out
}

/// Coordinate choice for problems with more than one x or y.
fn axes_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Option<AppCommand> {
    let dims = app.doc.preset.dims();
    // Hyper-cleaning shows its weights, not a slice in two coordinates.
    if dims.total() <= 2 || app.doc.preset.cleaning.is_some() {
        return None;
    }
    let (mut x, mut y) = (app.settings.axis_x, app.settings.axis_y);
    let names = app.doc.problem.variable_names();
    ui.separator();
    ui.label(RichText::new("Shown coordinates").strong());
    ui.horizontal(|ui| {
        egui::ComboBox::new("axis-x", "horizontal")
            .selected_text(names.get(x).cloned().unwrap_or_default())
            .show_ui(ui, |ui| {
                for i in 0..dims.n {
                    let name = names.get(i).cloned().unwrap_or_default();
                    ui.selectable_value(&mut x, i, name);
                }
            });
        egui::ComboBox::new("axis-y", "vertical")
            .selected_text(names.get(y).cloned().unwrap_or_default())
            .show_ui(ui, |ui| {
                for i in dims.n..dims.total() {
                    let name = names.get(i).cloned().unwrap_or_default();
                    ui.selectable_value(&mut y, i, name);
                }
            });
    });
    ui.label(
        RichText::new(format!(
            "The other {} coordinates are held at the selected run's current iterate.",
            dims.total() - 2
        ))
        .small(),
    );
    ((x, y) != (app.settings.axis_x, app.settings.axis_y)).then_some(AppCommand::SetAxes(x, y))
}

/// The reference answer: the preset's known one, or the computed one with
/// the interval it was computed over, or why there is none.
fn answer_ui(ui: &mut egui::Ui, app: &BilevelApp) {
    let color = theme::ink(theme::REFERENCE, app.settings.light).gamma_multiply(0.9);
    let Some(a) = app.doc.answer.get() else {
        let why = if app.doc.answer.computing() {
            "Reference: computing φ(x) = min { f(x, y) : y ∈ S(x) } …"
        } else if app.doc.problem.dims().total() > 2 {
            "No reference: the preset states none, and one is computed only for one x and one y"
        } else {
            "No reference: φ(x) has no minimum that could be found (f or the lower level may be \
             unbounded, or φ stops being defined next to its least value; a [lower_domain] or \
             [upper_domain] in the preset bounds the problem)"
        };
        ui.label(RichText::new(why).color(color).small());
        return;
    };
    let mut text = if a.is_known() {
        String::from("Known answer: ")
    } else {
        String::from("Computed answer: ")
    };
    if let Some(z) = &a.z {
        let n = app.doc.problem.dims().n;
        let (x, y) = z.split_at(n.min(z.len()));
        text.push_str(&format!("x* = ({}), y* = ({})  ", vector(x), vector(y)));
    }
    text.push_str(&format!("F* = {}", num(a.f)));
    let every = a.z.as_ref().map_or(String::new(), |z| {
        let all: Vec<String> = z.iter().map(|v| num(*v)).collect();
        format!("\nz* = ({})", all.join(", "))
    });
    let hover = if a.is_known() {
        "The optimum the preset states (a test checks it against the computed one), drawn as a diamond"
            .to_string()
    } else {
        format!(
            "Computed by minimising φ(x) = min {{ f(x, y) : y ∈ S(x) }} {}, S(x) the global \
             lower-level minimisers over {}; drawn as a diamond",
            a.provenance(),
            app.doc.answer.lower.describe()
        )
    };
    ui.label(RichText::new(text).color(color).strong())
        .on_hover_text(format!("{hover}{every}"));
    if !a.is_known() {
        ui.label(RichText::new(a.provenance()).color(color).small());
    }
}

/// Up to four entries, then "… (n entries)"; callers put every entry in
/// the hover text.
pub fn vector(v: &[f64]) -> String {
    let shown: Vec<String> = v.iter().take(4).map(|a| num(*a)).collect();
    if v.len() > 4 {
        format!("{}, … ({} entries)", shown.join(", "), v.len())
    } else {
        shown.join(", ")
    }
}

/// The open preset's earlier edits (reverted, dropped, saved, or brought
/// back), newest first; choosing one puts it in the editors.
fn earlier_edits_menu(ui: &mut egui::Ui, app: &BilevelApp) -> Option<AppCommand> {
    let earlier = app.earlier_edits();
    if earlier.is_empty() {
        return None;
    }
    let mut chosen = None;
    ui.menu_button(format!("Earlier edits ({})", earlier.len()), |ui| {
        for (index, edit) in earlier {
            let f: String = edit.f.chars().take(48).collect();
            let g: String = edit.g.chars().take(48).collect();
            let label = format!("{} · f = {f} · g = {g}", super::kept_edits::age(edit.when));
            if ui
                .button(label)
                .on_hover_text(format!(
                    "f = {}\ng = {}{}",
                    edit.f,
                    edit.g,
                    edit.constants.as_ref().map_or(String::new(), |c| {
                        let values: Vec<String> =
                            c.iter().map(|c| format!("{} = {}", c.name, c.value)).collect();
                        format!("\nconstants: {}", values.join(", "))
                    })
                ))
                .clicked()
            {
                chosen = Some(AppCommand::RestoreEdit(index));
                ui.close();
            }
        }
    })
    .response
    .on_hover_text("Put an earlier edit of this preset back in the editors (not applied; the text now there is kept too)");
    chosen
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_vectors_say_how_many_entries_they_hide() {
        assert_eq!(super::vector(&[1.0, 2.0]), "1.00000, 2.00000");
        let long = super::vector(&[0.5; 20]);
        assert!(long.ends_with(", … (20 entries)"), "{long}");
        assert_eq!(long.matches("0.50000").count(), 4);
    }
}
