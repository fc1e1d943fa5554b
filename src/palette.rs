//! The colours of everything drawn, as plain RGB: the app (through
//! `app::theme`) and the figures share them, so a figure looks like the
//! window it reproduces.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Run colours, distinct on light and dark backgrounds.
pub const RUNS: [Rgb; 6] = [
    Rgb(230, 85, 13),
    Rgb(49, 130, 189),
    Rgb(117, 68, 177),
    Rgb(44, 160, 44),
    Rgb(214, 39, 140),
    Rgb(140, 86, 75),
];

/// Colours after the runs' for an experiment's methods, which may be more
/// than the app's six runs.
pub const MORE_METHODS: [Rgb; 4] = [
    Rgb(23, 170, 190),
    Rgb(150, 150, 20),
    Rgb(120, 120, 120),
    Rgb(205, 155, 0),
];

/// How many methods an experiment can colour apart.
pub const METHOD_COLOURS: usize = RUNS.len() + MORE_METHODS.len();

/// The colour of an experiment's method `slot`: the run colours, then
/// [`MORE_METHODS`].
pub fn method(slot: usize) -> Rgb {
    let slot = slot % METHOD_COLOURS;
    RUNS.get(slot)
        .or_else(|| MORE_METHODS.get(slot - RUNS.len()))
        .copied()
        .unwrap_or(RUNS[0])
}

/// The colour of run slot `slot`.
pub fn run(slot: usize) -> Rgb {
    RUNS[slot % RUNS.len()]
}

/// Hyper-cleaning: a training sample whose label is right.
pub const CLEAN_SAMPLE: Rgb = Rgb(0, 110, 230);
/// Hyper-cleaning: a training sample whose label was corrupted.
pub const CORRUPTED_SAMPLE: Rgb = Rgb(220, 50, 40);
/// f contours.
pub const F_CONTOUR: Rgb = Rgb(110, 130, 170);
/// g contours.
pub const G_CONTOUR: Rgb = Rgb(175, 140, 80);
/// Lower-level minima.
pub const LL_MIN: Rgb = Rgb(20, 150, 70);
/// Lower-level maxima.
pub const LL_MAX: Rgb = Rgb(200, 40, 40);
/// Flat (degenerate) lower-level stationary points: neither minima nor maxima.
pub const LL_FLAT: Rgb = Rgb(150, 110, 210);
/// Events on a trajectory: kicks, runaways, cycles.
pub const EVENT: Rgb = Rgb(255, 120, 40);
/// The region h ≤ ε's boundary (the region itself is this, translucent).
pub const REGION_EDGE: Rgb = Rgb(90, 150, 230);
/// The reference optimum.
pub const REFERENCE: Rgb = Rgb(240, 190, 0);
/// −∇f.
pub const GRAD_F: Rgb = Rgb(165, 165, 165);
/// −λ∇h.
pub const PERTURBATION: Rgb = Rgb(220, 0, 160);
/// Δ.
pub const STEP: Rgb = Rgb(0, 110, 230);
/// The QP half-space boundary.
pub const HALF_SPACE: Rgb = Rgb(160, 0, 120);
/// Residual series: h, ‖Δ‖, λ, KKT, hypergradient.
pub const SERIES: [Rgb; 5] = [
    Rgb(40, 150, 80),
    Rgb(0, 110, 230),
    Rgb(220, 0, 160),
    Rgb(230, 85, 13),
    Rgb(117, 68, 177),
];

impl Rgb {
    /// This colour as drawn on the light theme: pale colours (which wash
    /// out on white) darkened, the others kept.
    pub fn ink(self, light: bool) -> Rgb {
        let Rgb(r, g, b) = self;
        let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
        if !light || luma < 120.0 {
            return self;
        }
        let k = 120.0 / luma;
        let dark = |c: u8| (f32::from(c) * k).round().clamp(0.0, 255.0) as u8;
        Rgb(dark(r), dark(g), dark(b))
    }
}
