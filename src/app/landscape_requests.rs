//! Asking the landscape thread for the slice in view, and taking what it
//! sends (older problems' landscapes are not shown).

use super::*;

impl BilevelApp {
    /// Forgets the landscape: the problem changed, so grids computed or in
    /// flight for the old one must not be drawn.
    pub(super) fn drop_landscape(&mut self) {
        self.view.landscape = None;
        self.view.region_texture = None;
        self.view.requested = None;
        self.view.landscape_floor = self.view.landscape_generation + 1;
    }

    /// Asks for the landscape of a changed problem at once, keeping the one
    /// drawn until it arrives. Meant for a slider being dragged: a grid in
    /// flight for a value the slider passed is still drawn when it comes
    /// (nearer the hand than the one shown), and the newest request's grid
    /// comes last, as the thread serves requests in order.
    pub(super) fn replace_landscape(&mut self) {
        self.view.requested = None;
    }

    /// The slice the landscape should show now.
    pub(super) fn wanted_slice(&self) -> Option<Slice> {
        let bounds = self.view.view_bounds?;
        let base = self
            .runs
            .session
            .runs
            .get(self.runs.selected)
            .and_then(|r| r.last.as_ref().map(|l| l.z.clone()))
            .or_else(|| {
                self.settings
                    .runs
                    .get(self.runs.selected)
                    .map(|s| s.start.clone())
            })?;
        // A margin around the view, so small pans need no new grid.
        let (wx, wy) = (bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0]);
        Some(Slice {
            ix: self.settings.axis_x,
            iy: self.settings.axis_y,
            base,
            x: [bounds[0][0] - 0.1 * wx, bounds[0][1] + 0.1 * wx],
            y: [bounds[1][0] - 0.1 * wy, bounds[1][1] + 0.1 * wy],
            resolution: RESOLUTION,
        })
    }

    /// Asks the landscape thread for a new grid when the view, the problem,
    /// ε or (beyond 2-D) the held coordinates changed.
    pub(super) fn request_landscape(&mut self) {
        // The hyper-cleaning view draws weights, not a landscape.
        if self.doc.preset.cleaning.is_some() {
            return;
        }
        let Some(wanted) = self.wanted_slice() else {
            return;
        };
        let eps = self.region_eps();
        let needed = match &self.view.requested {
            None => true,
            Some((slice, e)) => {
                let covered = slice.x[0] <= wanted.x[0] + 0.09 * (wanted.x[1] - wanted.x[0])
                    && slice.x[1] >= wanted.x[1] - 0.09 * (wanted.x[1] - wanted.x[0])
                    && slice.y[0] <= wanted.y[0] + 0.09 * (wanted.y[1] - wanted.y[0])
                    && slice.y[1] >= wanted.y[1] - 0.09 * (wanted.y[1] - wanted.y[0]);
                let zoomed_in = (slice.x[1] - slice.x[0]) > 2.0 * (wanted.x[1] - wanted.x[0])
                    || (slice.y[1] - slice.y[0]) > 2.0 * (wanted.y[1] - wanted.y[0]);
                let axes = slice.ix != wanted.ix || slice.iy != wanted.iy;
                let moved = self.doc.preset.dims().total() > 2
                    && slice.base != wanted.base
                    && self.view.last_request.elapsed() > Duration::from_millis(400);
                !covered || zoomed_in || axes || moved || *e != eps
            }
        };
        if needed {
            self.view.landscape_generation += 1;
            self.view.worker.request(LandscapeRequest {
                generation: self.view.landscape_generation,
                problem: self.doc.problem.clone(),
                slice: wanted.clone(),
                eps,
            });
            self.view.requested = Some((wanted, eps));
            self.view.last_request = Instant::now();
        }
    }

    pub(super) fn receive_landscape(&mut self) {
        if let Some((generation, landscape)) = self.view.worker.latest() {
            // Only grids of the current problem are shown.
            if generation >= self.view.landscape_floor {
                self.view.region_texture =
                    Some(landscape_plot::region_texture(&self.ctx, &landscape));
                self.view.landscape = Some(landscape);
            }
        }
    }
}
