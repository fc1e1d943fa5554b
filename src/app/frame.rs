//! One frame of the window: the panels in their places, each panel's
//! commands carried out, the settings written, the landscape asked for.

use super::*;

impl BilevelApp {
    /// The left panel: tour, problem, method, comparison and explore.
    fn controls(&mut self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        // The lecture view shows the tour in its side panel.
        if !self.settings.lecture {
            let asked = tour_panel::tour_ui(ui, self);
            self.settle(asked, commands);
        }
        let asked = problem_panel::problem_ui(ui, self);
        self.settle(asked, commands);
        ui.separator();
        let asked = method_panel::method_ui(ui, self);
        self.settle(asked, commands);
        ui.separator();
        // A class does not need the comparison table or the maps.
        if !self.settings.lecture {
            ui.separator();
            let asked = compare_panel::compare_ui(ui, self);
            self.settle(asked, commands);
            ui.separator();
            let spec = self.settings.runs.get(self.runs.selected);
            commands.extend(explore_panel::explore_ui(ui, spec, &mut self.explore));
            ui.separator();
            experiments_window::opener_ui(ui, &mut self.experiments);
        }
    }

    /// Moves the selected run's start to a click on the landscape once the
    /// click cannot be the first half of a double-click any more.
    fn move_start_on_click(&mut self, ctx: &egui::Context) {
        let Some((at, time)) = self.view.pending_click else {
            return;
        };
        let wait = ctx.options(|o| o.input_options.max_double_click_delay);
        let waited = ctx.input(|i| i.time) - time;
        if waited > wait {
            self.view.pending_click = None;
            self.run_command(AppCommand::SetStart(at));
        } else {
            ctx.request_repaint_after(Duration::from_secs_f64((wait - waited).max(0.0) + 0.01));
        }
    }

    /// The landscape, φ under it if shown, and the residuals below unless
    /// the lecture view's side panel has them.
    fn plots(&mut self, ui: &mut egui::Ui, residuals_aside: bool, commands: &mut Vec<AppCommand>) {
        let total = ui.available_height();
        let share = if self.settings.lecture { 0.26 } else { 0.34 };
        let residual_height = if residuals_aside {
            0.0
        } else {
            (total * share).clamp(120.0, 360.0)
        };
        let phi_height = if phi_plot::shown(self) {
            (total * 0.16).clamp(90.0, 200.0)
        } else {
            0.0
        };
        let landscape_height = (total - residual_height - phi_height - 8.0).max(120.0);
        // Hyper-cleaning has no picture in two coordinates: its weights instead.
        if let Some(task) = self.doc.preset.cleaning.clone() {
            super::weights_plot::weights_ui(ui, self, &task, landscape_height);
        } else {
            let asked = landscape_plot::landscape_ui(ui, self, landscape_height);
            self.settle(asked, commands);
        }
        if phi_height > 0.0 {
            phi_plot::phi_ui(ui, self, phi_height);
        }
        if !residuals_aside {
            residual_plot::residual_ui(ui, self, false);
        }
    }

    /// Carries out at once what a panel's widgets change in place — a
    /// setting, the selection, the explained stage — so that panels drawn
    /// later in the frame show it; the rest (opening, applying, starting
    /// jobs) waits for the end of the frame, in order.
    fn settle(&mut self, asked: Vec<AppCommand>, later: &mut Vec<AppCommand>) {
        for command in asked {
            if command.is_setting() {
                self.run_command(command);
            } else {
                later.push(command);
            }
        }
    }

    /// One frame of the whole window: applies what the solver sent, then
    /// draws every panel and runs the commands they return. `eframe`'s
    /// `App::ui` calls this; the bench calls it on a headless context.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.drain_events();
        self.diagnose_runs();
        self.find_reached();
        self.explore.poll(&self.ctx, &self.doc.problem);
        self.receive_landscape();
        self.poll_dialogs();
        self.poll_figure();
        self.poll_loading();
        self.poll_animation(ui.ctx());
        self.watch_preset_file();
        self.retry_held();
        self.apply_look(ui.ctx());
        self.move_start_on_click(ui.ctx());
        self.update_shown_step();
        self.update_cleaning_curves();
        self.apply_when_typing_pauses();
        let mut commands = Vec::new();
        egui::Panel::top("toolbar").show(ui, |ui| {
            let asked = toolbar::toolbar_ui(ui, self);
            self.settle(asked, &mut commands);
        });
        egui::Panel::bottom("status")
            .show(ui, |ui| commands.extend(status_bar::status_ui(ui, self)));
        let lecture = self.settings.lecture;
        // The lecture view keeps the window for the landscape: the
        // controls only when asked for, the explanation and the residuals
        // as tabs of one side panel.
        if !lecture || self.view.lecture_controls {
            egui::Panel::left("controls")
                .resizable(true)
                .default_size(330.0)
                .min_size(250.0)
                // Wide content must wrap, not push the plots off the window.
                .max_size(560.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| self.controls(ui, &mut commands));
                });
        }
        let side = lecture && (self.teach.explain_open || self.teach.tour_open);
        let asked = if side {
            let width = side_panel::side_width(ui.available_width());
            side_panel::lecture_side_ui(ui, self, width)
        } else {
            teaching_panel::teaching_ui(ui, self)
        };
        self.settle(asked, &mut commands);
        egui::CentralPanel::default().show(ui, |ui| self.plots(ui, side, &mut commands));
        let shown = !self.settings.lecture;
        experiments_window::experiments_window(ui.ctx(), &mut self.experiments, shown);
        self.path_prompt_ui(ui.ctx());
        commands.extend(self.switch_question_ui(ui.ctx()));
        for command in commands {
            self.run_command(command);
        }
        self.take_steps_due();
        let persisted = self.doc.held.as_ref().map_or(&self.settings, |(s, _)| s);
        if let Some(e) = self.io.settings_file.tick(persisted) {
            self.notify(e, true);
        }
        self.merge_other_window();
        if self.io.settings_file.busy() {
            // Come back to write once the edits have been quiet.
            ui.ctx().request_repaint_after(Duration::from_millis(200));
        }
        self.request_landscape();
        self.update_path_arrows();
        self.screenshot_step(ui.ctx());
        if self.runs.playing && self.runs.session.any_live() {
            // The solver wakes us when frames arrive; this is only a floor.
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
    }
}
