//! The top bar: preset, playback, speed, runs and export.

use super::{AppCommand, BilevelApp};
use crate::preset::BUILTIN;
use eframe::egui;

/// Draws the toolbar and returns what the user asked for.
pub fn toolbar_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        preset_picker(ui, app, &mut out);
        ui.separator();
        playback(ui, app, &mut out);
        ui.separator();
        pace(ui, app, &mut out);
        ui.separator();
        views(ui, app, &mut out);
        if app.settings.lecture {
            return;
        }
        ui.separator();
        runs_and_export(ui, app.doc.preset.cleaning.is_none(), &mut out);
    });
    out
}

/// The preset library, and Open… (not in the lecture view).
fn preset_picker(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    let current = app.settings.source.label();
    let lecture = app.settings.lecture;
    // The lecture view's zoom makes everything 25 % wider; a narrower
    // picker that truncates the name keeps the toolbar on one line from
    // 1280 px (the name is the left panel's heading anyway). A combo
    // box's width is only its minimum, so the room is capped around it.
    let width = if lecture { 140.0 } else { 260.0 };
    let room = egui::vec2(width, ui.spacing().interact_size.y);
    ui.allocate_ui(room, |ui| {
        egui::ComboBox::new("preset", "")
            .selected_text(&app.doc.preset.name)
            .width(width)
            .truncate()
            .show_ui(ui, |ui| {
                for &(id, _) in BUILTIN.iter().chain(&crate::preset::DATA_BUILTIN) {
                    let title = crate::preset::builtin_title(id).unwrap_or_else(|| id.to_string());
                    let label = format!("{id}: {title}");
                    if ui.selectable_label(current == id, label).clicked() {
                        out.push(AppCommand::OpenBuiltin(id.to_string()));
                    }
                }
            })
            .response
            .on_hover_text(format!(
                "{}\nThe preset library: each problem has a known answer and a story (left panel).",
                app.doc.preset.name
            ));
    });
    if !lecture
        && ui
            .button("Open…")
            .on_hover_text("Open a preset TOML file")
            .clicked()
    {
        out.push(AppCommand::OpenDialog);
    }
}

/// Play or pause, one step, N steps, reset.
fn playback(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    let play_label = if app.runs.playing {
        "❚❚ Pause"
    } else {
        "▶ Play"
    };
    if ui
        .button(play_label)
        .on_hover_text("Run every method continuously (Space)")
        .clicked()
    {
        out.push(if app.runs.playing {
            AppCommand::Pause
        } else {
            AppCommand::Play
        });
    }
    if ui
        .button("Step")
        .on_hover_text("One PGD-QP iteration: solve the QP, move by γΔ (→)")
        .clicked()
    {
        out.push(AppCommand::Step(1));
    }
    let mut n = app.settings.step_n;
    let changed = ui
        .add(
            egui::DragValue::new(&mut n)
                // A stored value is never changed by being drawn.
                .clamp_existing_to_range(false)
                .range(1..=1_000_000)
                .speed(10)
                .prefix("N = "),
        )
        .on_hover_text("How many iterations 'Step N' does")
        .changed();
    if changed {
        out.push(AppCommand::SetStepN(n));
    }
    if ui
        .button("Step N")
        .on_hover_text("N iterations, then pause")
        .clicked()
    {
        out.push(AppCommand::Step(n));
    }
    if ui
        .button("Reset")
        .on_hover_text("Restart every run from its start point (R)")
        .clicked()
    {
        out.push(AppCommand::Reset);
    }
}

/// Iterations per second, or as fast as possible.
fn pace(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    let mut max = app.settings.speed.is_none();
    let mut rate = app.settings.speed.unwrap_or(1000.0);
    if app.settings.lecture {
        // Room for the toolbar on one line at 1280 px.
        ui.spacing_mut().slider_width = 60.0;
    }
    let speed_changed = ui
        .add_enabled(
            !max,
            egui::Slider::new(&mut rate, 1.0..=100_000.0)
                .logarithmic(true)
                .text(if app.settings.lecture { "" } else { "it/s" })
                .suffix(if app.settings.lecture { "/s" } else { "" })
                .fixed_decimals(0),
        )
        .on_hover_text("Iterations per second, per run")
        .changed();
    let max_changed = ui
        .checkbox(&mut max, "max")
        .on_hover_text("As fast as the solver thread can go")
        .changed();
    if speed_changed || max_changed {
        out.push(AppCommand::SetSpeed((!max).then_some(rate)));
    }
}

/// Explain, Tour, Lecture and the theme.
fn views(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    let toggles = [
        (
            app.teach.explain_open,
            "Explain",
            "The update with this iteration's numbers, stage by stage, and a slider through the history",
            AppCommand::ToggleExplain,
        ),
        (
            app.teach.tour_open,
            "Tour",
            "The guided tour: seven stops, each a preset set up to show one idea",
            AppCommand::ToggleTour,
        ),
        (
            app.settings.lecture,
            "Lecture",
            "Lecture view: larger type, thicker lines, more contrast, fewer controls (L)",
            AppCommand::ToggleLecture,
        ),
    ];
    for (on, label, hint, command) in toggles {
        if ui.selectable_label(on, label).on_hover_text(hint).clicked() {
            out.push(command);
        }
    }
    if app.settings.lecture
        && ui
            .selectable_label(app.view.lecture_controls, "Controls")
            .on_hover_text("Show the problem, method and landscape controls beside the plot")
            .clicked()
    {
        out.push(AppCommand::ToggleControls);
    }
    // The lecture view keeps only the symbol, for room at 1280 px.
    let names = if app.settings.lecture {
        ["☀", "☾"]
    } else {
        ["☀ Light", "☾ Dark"]
    };
    let theme = names[usize::from(!app.settings.light)];
    // As wide in either theme, so that both lay the window out alike.
    let width = ui.fonts_mut(|f| {
        names
            .map(|t| {
                f.layout_no_wrap(
                    t.into(),
                    egui::TextStyle::Button.resolve(ui.style()),
                    egui::Color32::WHITE,
                )
                .size()
                .x
            })
            .into_iter()
            .fold(0.0, f32::max)
    }) + 2.0 * ui.spacing().button_padding.x;
    if ui
        .add_sized(
            [width, ui.spacing().interact_size.y],
            egui::Button::new(theme),
        )
        .on_hover_text("Switch between the light and the dark theme")
        .clicked()
    {
        out.push(AppCommand::ToggleTheme);
    }
}

/// The "+ Run" button and the Export menu; `landscape` says whether there
/// is a landscape to export as a figure.
fn runs_and_export(ui: &mut egui::Ui, landscape: bool, out: &mut Vec<AppCommand>) {
    if ui
        .button("+ Run")
        .on_hover_text("Add a run with the selected run's parameters, in a new colour, to compare")
        .clicked()
    {
        out.push(AppCommand::AddRun);
    }
    ui.menu_button("Export", |ui| {
        let items = [
            (
                "Trajectory (CSV)…",
                "The selected run's iterations",
                AppCommand::ExportCsv,
            ),
            (
                "Preset (TOML)…",
                "The problem, the selected run's start and parameters, and this view; `bilevel-lab run` reads it back",
                AppCommand::ExportPreset,
            ),
            (
                "Session (TOML)…",
                "Everything to hand on: the problem (edited or not) and its constants, every run (method, parameters, start), the view, ε, the layers, the theme and the explanation; opening the file restores it, the runs run to where they were",
                AppCommand::ExportSession,
            ),
            ("Window (PNG)…", "A PNG of the whole window", AppCommand::ExportPng),
            (
                "Figure (SVG/PDF/PNG)…",
                "The landscape and the residual plots for a slide or a paper, by the name's extension (what `bilevel-lab figure` draws)",
                AppCommand::ExportFigure,
            ),
            (
                "Animation (GIF)…",
                "The landscape with the runs growing up to their current iteration, with the QP arrows at each frame (what `figure --animate` draws)",
                AppCommand::ExportAnimation,
            ),
        ];
        // Figures draw the landscape, which hyper-cleaning does not have.
        for (label, hint, command) in items {
            let draws_landscape = matches!(
                command,
                AppCommand::ExportFigure | AppCommand::ExportAnimation
            );
            if draws_landscape && !landscape {
                continue;
            }
            if ui.button(label).on_hover_text(hint).clicked() {
                out.push(command);
                ui.close();
            }
        }
    });
}
