//! The lecture view's side panel: the explanation or the residual plots,
//! one at a time, so that the landscape keeps most of a projector's window.

use super::teaching_panel::{SideTab, explain_contents};
use super::{AppCommand, BilevelApp, residual_plot, tour_panel};
use eframe::egui;

/// The side panel's share of the window's width, and its bounds in points.
const SHARE: f32 = 0.28;
const MIN_WIDTH: f32 = 280.0;
const MAX_WIDTH: f32 = 560.0;

/// The side panel's width for a window `width` points wide.
pub fn side_width(width: f32) -> f32 {
    (SHARE * width).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// The tab shown: the one chosen, unless it is the tour's and the tour is
/// closed.
fn shown_tab(app: &BilevelApp) -> SideTab {
    match app.teach.side_tab {
        SideTab::Tour if !app.teach.tour_open => SideTab::Explain,
        tab => tab,
    }
}

/// Draws the panel (right, `width` points) and returns what was asked.
pub fn lecture_side_ui(ui: &mut egui::Ui, app: &BilevelApp, width: f32) -> Vec<AppCommand> {
    let mut out = Vec::new();
    egui::Panel::right("lecture-side")
        .resizable(false)
        .exact_size(width)
        .show(ui, |ui| {
            let shown = shown_tab(app);
            ui.horizontal_wrapped(|ui| {
                let tour = app.teach.tour_open.then_some((
                    SideTab::Tour,
                    "Tour",
                    "The guided tour's stop: what to look at, and show me",
                ));
                for (tab, label, hint) in tour.into_iter().chain([
                    (
                        SideTab::Explain,
                        "Explain this step",
                        "The update with this iteration's numbers, stage by stage",
                    ),
                    (
                        SideTab::Residuals,
                        "Residuals",
                        "f and the residuals against the iteration",
                    ),
                ]) {
                    let on = shown == tab;
                    if ui.selectable_label(on, label).on_hover_text(hint).clicked() {
                        out.push(AppCommand::ShowSideTab(tab));
                    }
                }
                if ui
                    .small_button("✖")
                    .on_hover_text("Close the panel (toolbar: Explain, Tour)")
                    .clicked()
                {
                    if app.teach.explain_open {
                        out.push(AppCommand::ToggleExplain);
                    }
                    if app.teach.tour_open {
                        out.push(AppCommand::ToggleTour);
                    }
                }
            });
            ui.separator();
            match shown {
                SideTab::Tour => {
                    egui::ScrollArea::vertical()
                        .id_salt("side-tour")
                        .show(ui, |ui| out.extend(tour_panel::tour_ui(ui, app)));
                }
                SideTab::Explain => explain_contents(ui, app, &mut out),
                SideTab::Residuals => residual_plot::residual_ui(ui, app, true),
            }
        });
    out
}
