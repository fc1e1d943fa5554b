//! The QP vectors at the last iterate: −∇f from the iterate, the method's
//! correction from its tip, and the step Δ — one scale for all three, so
//! the triangle is true, as in the app.

use super::draw::Ink;
use super::landscape_chart::swatch;
use crate::method::Record;
use crate::palette;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Below this the arrows would show rounding noise magnified.
const NEGLIGIBLE: f64 = 1e-12;

/// Draws the three arrows of record `r`.
pub(super) fn draw<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    r: &Record,
    (ix, iy): (usize, usize),
    (x, y): ([f64; 2], [f64; 2]),
    ink: Ink,
) -> Result<(), String> {
    let at = |v: &[f64]| {
        [
            v.get(ix).copied().unwrap_or(0.0),
            v.get(iy).copied().unwrap_or(0.0),
        ]
    };
    let origin = at(&r.z);
    let gf = at(&r.grad_f);
    let minus_gf = [-gf[0], -gf[1]];
    let c = at(&r.correction);
    let pert = [-c[0], -c[1]];
    let delta = at(&r.delta);
    let norm = |v: [f64; 2]| v[0].hypot(v[1]);
    let longest = norm(minus_gf).max(norm(pert)).max(norm(delta));
    if !(longest.is_finite() && longest > NEGLIGIBLE) {
        return Ok(());
    }
    // The longest arrow is a seventh of the view's smaller side.
    let s = 0.14 * (x[1] - x[0]).min(y[1] - y[0]) / longest;
    let tip = |from: [f64; 2], v: [f64; 2]| [from[0] + s * v[0], from[1] + s * v[1]];
    let gf_tip = tip(origin, minus_gf);
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let per_px = [
        (x[1] - x[0]) / f64::from(w.max(1)),
        (y[1] - y[0]) / f64::from(h.max(1)),
    ];
    let arrows = [
        (
            origin,
            gf_tip,
            palette::GRAD_F,
            "−∇f: plain gradient descent",
        ),
        (
            gf_tip,
            tip(gf_tip, pert),
            palette::PERTURBATION,
            r.detail.correction_name(),
        ),
        (
            origin,
            tip(origin, delta),
            palette::STEP,
            "Δ: the direction taken (z moves by step × Δ)",
        ),
    ];
    for (from, to, color, label) in arrows {
        if norm([to[0] - from[0], to[1] - from[1]]) <= NEGLIGIBLE * s {
            continue;
        }
        let color = ink.color(color);
        let style = color.stroke_width(2);
        let head = head(from, to, per_px);
        chart
            .draw_series([
                PathElement::new(vec![(from[0], from[1]), (to[0], to[1])], style),
                PathElement::new(head.to_vec(), style),
            ])
            .map_err(|e| format!("could not draw the arrows: {e}"))?
            .label(label)
            .legend(swatch(style));
    }
    Ok(())
}

/// The arrowhead's three points (a 12-point-long V at `to`), in data
/// units whose size in points is `per_px`.
fn head(from: [f64; 2], to: [f64; 2], per_px: [f64; 2]) -> [(f64, f64); 3] {
    // In points, where the angle is true.
    let (dx, dy) = ((to[0] - from[0]) / per_px[0], (to[1] - from[1]) / per_px[1]);
    let len = dx.hypot(dy).max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (length, spread) = (12.0, 0.45_f64);
    let side = |sign: f64| {
        let (cs, sn) = (spread.cos(), sign * spread.sin());
        let (bx, by) = (-(ux * cs - uy * sn), -(ux * sn + uy * cs));
        (
            to[0] + length * bx * per_px[0],
            to[1] + length * by * per_px[1],
        )
    };
    [side(1.0), (to[0], to[1]), side(-1.0)]
}
