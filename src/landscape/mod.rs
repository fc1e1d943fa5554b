//! Landscapes: f, g and the lower-level objects on a grid over a 2-D slice
//! of z, and their contours. Pure computation; the app runs it on a worker
//! thread and the bench times it.

mod contour;
mod worker;

pub use contour::{Crossing, Grid, contour};
pub use worker::{LandscapeRequest, LandscapeWorker};

use crate::explore::LowerShape;
use crate::problem::Problem;
use std::sync::Arc;

/// Which plane of z is shown, and where the other coordinates are held.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Index in z of the horizontal coordinate (an upper-level variable).
    pub ix: usize,
    /// Index in z of the vertical coordinate (a lower-level variable).
    pub iy: usize,
    /// The point whose other coordinates are held fixed.
    pub base: Vec<f64>,
    /// Horizontal range.
    pub x: [f64; 2],
    /// Vertical range.
    pub y: [f64; 2],
    /// Grid nodes per side.
    pub resolution: usize,
}

/// The raw grids of a slice.
#[derive(Debug, Clone)]
pub struct Grids {
    /// Upper-level objective.
    pub f: Grid,
    /// Lower-level objective.
    pub g: Grid,
    /// ∂g/∂y along the shown lower-level coordinate.
    pub gy: Grid,
    /// ∂²g/∂y² along the shown lower-level coordinate.
    pub gyy: Grid,
    /// h = ‖∇_y g‖² (all lower-level coordinates).
    pub h: Grid,
}

/// A piece of the lower-level stationary set `∂g/∂y = 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct StationaryPiece {
    /// The curve.
    pub points: Vec<[f64; 2]>,
    /// Minima (∂²g/∂y² > 0), maxima (< 0) or flat (|∂²g/∂y²| within a
    /// relative tolerance of 0, see [`crate::explore::FLAT`]).
    pub kind: LowerShape,
}

/// Everything the landscape plot draws for one slice.
#[derive(Debug, Clone)]
pub struct Landscape {
    /// The slice it was computed for.
    pub slice: Slice,
    /// The grids.
    pub grids: Grids,
    /// Contours of f: (level, polylines).
    pub f_contours: Vec<(f64, Vec<Vec<[f64; 2]>>)>,
    /// Contours of g: (level, polylines).
    pub g_contours: Vec<(f64, Vec<Vec<[f64; 2]>>)>,
    /// The lower-level stationary set, split by the sign of ∂²g/∂y².
    pub stationary: Vec<StationaryPiece>,
    /// The ε of `boundary`.
    pub eps: f64,
    /// The boundary of `{h ≤ ε}`.
    pub boundary: Vec<Vec<[f64; 2]>>,
    /// The global minimum of g over the shown y in each x column, in
    /// pieces: a new piece starts where S(x) jumps.
    pub global_branch: Vec<Vec<[f64; 2]>>,
}

/// Contour levels per objective.
pub const LEVELS: usize = 14;

/// Evaluates the grids of a slice, splitting rows over `threads` threads.
pub fn compute_grids(problem: &Arc<dyn Problem>, slice: &Slice, threads: usize) -> Grids {
    let res = slice.resolution.max(2);
    let dims = problem.dims();
    let len = dims.total();
    let lower = slice.iy.saturating_sub(dims.n);
    let blank = Grid {
        nx: res,
        ny: res,
        x: slice.x,
        y: slice.y,
        values: Vec::new(),
    };
    // Each node: [f, g, gy, gyy, h].
    let mut out = vec![[f64::NAN; 5]; res * res];
    let rows_per = res.div_ceil(threads.max(1));
    std::thread::scope(|scope| {
        for (chunk_index, chunk) in out.chunks_mut(rows_per * res).enumerate() {
            let blank = &blank;
            scope.spawn(move || {
                let mut z = slice.base.clone();
                z.resize(len, 0.0);
                let mut grad = vec![0.0; len];
                for (k, node) in chunk.iter_mut().enumerate() {
                    let index = chunk_index * rows_per * res + k;
                    let p = blank.node(index % res, index / res);
                    if let Some(v) = z.get_mut(slice.ix) {
                        *v = p[0];
                    }
                    if let Some(v) = z.get_mut(slice.iy) {
                        *v = p[1];
                    }
                    let f = problem.f(&z);
                    let [g, gy, gyy] = problem.g_along_y(&z, lower);
                    // With one lower-level variable h is (∂g/∂y)²; otherwise
                    // it needs the whole y block of ∇g.
                    let h = if dims.m == 1 {
                        gy * gy
                    } else {
                        problem.grad_g(&z, &mut grad);
                        let y_block = grad.get(dims.n..).unwrap_or_default();
                        y_block.iter().map(|a| a * a).sum()
                    };
                    *node = [f, g, gy, gyy, h];
                }
            });
        }
    });
    let field = |i: usize| Grid {
        values: out
            .iter()
            .map(|v| v.get(i).copied().unwrap_or(f64::NAN))
            .collect(),
        ..blank.clone()
    };
    Grids {
        f: field(0),
        g: field(1),
        gy: field(2),
        gyy: field(3),
        h: field(4),
    }
}

/// Levels spread by quantile, so every part of the range gets contours even
/// when the values span orders of magnitude.
pub fn quantile_levels(grid: &Grid, count: usize) -> Vec<f64> {
    let mut finite: Vec<f64> = grid
        .values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    if finite.is_empty() {
        return Vec::new();
    }
    finite.sort_unstable_by(f64::total_cmp);
    let mut levels: Vec<f64> = (0..count)
        .filter_map(|k| {
            let q = (k as f64 + 0.5) / count as f64;
            finite
                .get(((finite.len() - 1) as f64 * q) as usize)
                .copied()
        })
        .collect();
    levels.dedup();
    levels
}

fn points(line: Vec<Crossing>) -> Vec<[f64; 2]> {
    line.into_iter().map(|c| c.point).collect()
}

/// Splits the stationary set by the sign of ∂²g/∂y², interpolated at each
/// crossing exactly as ∂g/∂y was; within [`crate::explore::FLAT`] of zero,
/// relative to the largest |∂²g/∂y²| on the grid, it is flat (B15's g = −xy
/// is flat everywhere: its "curve" is neither minima nor maxima).
fn stationary_pieces(grids: &Grids) -> Vec<StationaryPiece> {
    let scale = grids
        .gyy
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let mut pieces = Vec::new();
    for line in contour(&grids.gy, 0.0) {
        let mut current: Option<StationaryPiece> = None;
        for c in line {
            let a = grids.gyy.at(c.from.0, c.from.1);
            let b = grids.gyy.at(c.to.0, c.to.1);
            let curvature = a + c.t * (b - a);
            let kind = LowerShape::of(curvature, scale);
            match current.as_mut() {
                Some(piece) if piece.kind == kind => piece.points.push(c.point),
                Some(piece) => {
                    // Share the switching point so the curve stays connected.
                    piece.points.push(c.point);
                    let done = std::mem::replace(
                        piece,
                        StationaryPiece {
                            points: vec![c.point],
                            kind,
                        },
                    );
                    pieces.push(done);
                }
                None => {
                    current = Some(StationaryPiece {
                        points: vec![c.point],
                        kind,
                    })
                }
            }
        }
        pieces.extend(current);
    }
    pieces.retain(|p| p.points.len() >= 2);
    pieces
}

/// Per column of the g grid, the row of the smallest g refined by a
/// parabola through its neighbours; split where it jumps by more than three
/// rows (a jump of the global lower-level minimiser S(x)). Columns whose
/// minimum sits on the window's edge are left out: the true minimum may lie
/// beyond it.
pub fn global_branch(g: &Grid) -> Vec<Vec<[f64; 2]>> {
    let mut pieces: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut last_row: Option<usize> = None;
    let dy = (g.y[1] - g.y[0]) / (g.ny.max(2) - 1) as f64;
    for col in 0..g.nx {
        let best = (0..g.ny)
            .filter(|&row| g.at(col, row).is_finite())
            .min_by(|&a, &b| g.at(col, a).total_cmp(&g.at(col, b)));
        let Some(row) = best.filter(|&r| r > 0 && r + 1 < g.ny) else {
            last_row = None;
            continue;
        };
        let (a, b, c) = (g.at(col, row - 1), g.at(col, row), g.at(col, row + 1));
        let curvature = a - 2.0 * b + c;
        let shift = if curvature > 0.0 {
            (0.5 * (a - c) / curvature).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        let node = g.node(col, row);
        let point = [node[0], node[1] + shift * dy];
        match (last_row, pieces.last_mut()) {
            (Some(prev), Some(piece)) if prev.abs_diff(row) <= 3 => piece.push(point),
            _ => pieces.push(vec![point]),
        }
        last_row = Some(row);
    }
    pieces.retain(|p| p.len() >= 2);
    pieces
}

/// Contours and the stationary set from grids. The contours of f and of g
/// are traced on threads of their own beside the rest.
pub fn assemble(slice: Slice, grids: Grids, eps: f64) -> Landscape {
    let levels = |grid: &Grid| -> Vec<(f64, Vec<Vec<[f64; 2]>>)> {
        quantile_levels(grid, LEVELS)
            .into_iter()
            .map(|level| {
                (
                    level,
                    contour(grid, level).into_iter().map(points).collect(),
                )
            })
            .collect()
    };
    let (f_contours, g_contours, stationary, boundary, global) = std::thread::scope(|scope| {
        let f = scope.spawn(|| levels(&grids.f));
        let g = scope.spawn(|| levels(&grids.g));
        let stationary = stationary_pieces(&grids);
        let boundary: Vec<Vec<[f64; 2]>> = contour(&grids.h, eps).into_iter().map(points).collect();
        let global = global_branch(&grids.g);
        // A panic in a contour thread is a bug; the landscape then lacks
        // those contours rather than taking the app down.
        (
            f.join().unwrap_or_default(),
            g.join().unwrap_or_default(),
            stationary,
            boundary,
            global,
        )
    });
    Landscape {
        f_contours,
        g_contours,
        stationary,
        boundary,
        global_branch: global,
        eps,
        slice,
        grids,
    }
}

/// Computes a whole landscape.
pub fn compute(problem: &Arc<dyn Problem>, slice: Slice, eps: f64, threads: usize) -> Landscape {
    let grids = compute_grids(problem, &slice, threads);
    assemble(slice, grids, eps)
}

/// The number of threads to use for grids: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset::load_builtin;

    #[test]
    fn b8_stationary_set_has_minima_and_a_maximum_branch() {
        let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
        let slice = Slice {
            ix: 0,
            iy: 1,
            base: p.start(),
            x: [-1.0, 1.0],
            y: [-1.0, 1.0],
            resolution: 101,
        };
        let l = compute(&p.problem, slice, 1e-3, 2);
        // y = 0 is a minimum for x > 0 and a maximum for x < 0; y = ±√(−x) are minima.
        let max_pieces: Vec<_> = l
            .stationary
            .iter()
            .filter(|s| s.kind == LowerShape::Maximum)
            .collect();
        assert!(!max_pieces.is_empty());
        // Maxima only on y = 0 left of the branch point (a swap of minimum
        // and maximum puts the branches y = ±√(−x) here and fails).
        for piece in &max_pieces {
            for pt in &piece.points {
                assert!(pt[1].abs() < 1e-6 && pt[0] < 1e-2, "{pt:?}");
            }
        }
        let min_on_axis = l
            .stationary
            .iter()
            .filter(|s| s.kind == LowerShape::Minimum)
            .flat_map(|s| s.points.iter())
            .any(|pt| pt[1].abs() < 1e-6 && pt[0] > 0.1);
        assert!(min_on_axis, "y = 0 is a minimum for x > 0");
        // The only flat point is the branch point (0, 0), where g_yy = x + 3y² = 0.
        for piece in l.stationary.iter().filter(|s| s.kind == LowerShape::Flat) {
            assert!(
                piece
                    .points
                    .iter()
                    .all(|p| p[0].abs() < 0.05 && p[1].abs() < 0.05),
                "{piece:?}"
            );
        }
        let on_branch = l
            .stationary
            .iter()
            .filter(|s| s.kind == LowerShape::Minimum)
            .flat_map(|s| s.points.iter())
            .filter(|pt| pt[1].abs() > 0.2)
            .collect::<Vec<_>>();
        assert!(!on_branch.is_empty(), "the branches are minima");
        assert!(
            on_branch
                .iter()
                .all(|pt| (pt[1] * pt[1] + pt[0]).abs() < 0.02)
        );
        assert_eq!(l.f_contours.len(), LEVELS);
        assert!(!l.boundary.is_empty());
    }

    #[test]
    fn a_flat_stationary_set_is_neither_minima_nor_maxima() {
        // B15: g = −xy, ∂g/∂y = −x vanishes on x = 0 and ∂²g/∂y² ≡ 0.
        let p = load_builtin("b15-bome-adversarial").unwrap();
        let slice = Slice {
            ix: 0,
            iy: 1,
            base: p.start(),
            x: [-5.0, 5.0],
            y: [-5.0, 5.0],
            resolution: 101,
        };
        let l = compute(&p.problem, slice, 1e-3, 2);
        assert!(!l.stationary.is_empty());
        for piece in &l.stationary {
            assert_eq!(piece.kind, LowerShape::Flat);
            assert!(
                piece.points.iter().all(|pt| pt[0].abs() < 1e-9),
                "{piece:?}"
            );
        }
        // B13's λ_min of about −1e-14 at a point of its stationary set is flat too.
        assert_eq!(LowerShape::of(-1.07e-14, 8.0), LowerShape::Flat);
        assert_eq!(LowerShape::of(-1e-3, 8.0), LowerShape::Maximum);
        assert_eq!(LowerShape::of(1e-3, 8.0), LowerShape::Minimum);
    }

    #[test]
    fn the_global_branch_of_mirrlees_jumps_at_x_1() {
        let p = load_builtin("b12-mirrlees").unwrap();
        let slice = Slice {
            ix: 0,
            iy: 1,
            base: p.start(),
            x: [0.2, 3.0],
            y: [-2.0, 2.0],
            resolution: 161,
        };
        let l = compute(&p.problem, slice, 1e-3, 2);
        // Right well (y ≈ +0.96) for x < 1, left well (y ≈ −1) for x > 1.
        assert_eq!(l.global_branch.len(), 2, "{:?}", l.global_branch.len());
        let (left, right) = (&l.global_branch[0], &l.global_branch[1]);
        assert!(left.iter().all(|p| p[0] < 1.0 + 0.02 && p[1] > 0.5));
        assert!(right.iter().all(|p| p[0] > 1.0 - 0.02 && p[1] < -0.5));
        let jump = right[0][0];
        assert!((jump - 1.0).abs() < 0.03, "S(x) jumps at x = {jump}");
    }

    #[test]
    fn threads_do_not_change_the_grids() {
        let p = load_builtin("b12-mirrlees").unwrap();
        let slice = Slice {
            ix: 0,
            iy: 1,
            base: p.start(),
            x: [0.0, 3.0],
            y: [-2.0, 2.0],
            resolution: 37,
        };
        let a = compute_grids(&p.problem, &slice, 1);
        let b = compute_grids(&p.problem, &slice, 3);
        assert_eq!(a.h.values, b.h.values);
        assert_eq!(a.f.values, b.f.values);
    }
}
