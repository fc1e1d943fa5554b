//! Marching squares on a regular grid, with segments joined into polylines.

use std::collections::HashMap;

/// Values on a regular grid: `values[j * nx + i]` sits at
/// `(x0 + i·dx, y0 + j·dy)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Nodes along x.
    pub nx: usize,
    /// Nodes along y.
    pub ny: usize,
    /// x range `[min, max]`.
    pub x: [f64; 2],
    /// y range `[min, max]`.
    pub y: [f64; 2],
    /// Row-major values, NaN where undefined.
    pub values: Vec<f64>,
}

impl Grid {
    /// The value at node (i, j), NaN outside.
    pub fn at(&self, i: usize, j: usize) -> f64 {
        if i >= self.nx || j >= self.ny {
            return f64::NAN;
        }
        self.values
            .get(j * self.nx + i)
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// The coordinates of node (i, j).
    pub fn node(&self, i: usize, j: usize) -> [f64; 2] {
        let fx = i as f64 / (self.nx.max(2) - 1) as f64;
        let fy = j as f64 / (self.ny.max(2) - 1) as f64;
        [
            self.x[0] + fx * (self.x[1] - self.x[0]),
            self.y[0] + fy * (self.y[1] - self.y[0]),
        ]
    }
}

/// A crossing of the level on a grid edge: the point, and the fraction
/// along the edge (to interpolate other fields at the same place).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crossing {
    /// Where the level is crossed.
    pub point: [f64; 2],
    /// Node at the start of the edge.
    pub from: (usize, usize),
    /// Node at the end of the edge.
    pub to: (usize, usize),
    /// Fraction from `from` to `to`.
    pub t: f64,
}

/// Edges are named by their first node and direction (0: along x, 1: along y).
type EdgeId = (usize, usize, u8);

/// The level set `{value = level}` as polylines of crossings.
///
/// Most cells of a grid are not crossed by a given level, so each cell first
/// classifies its corners and only crossed cells compute crossings; the
/// cost is one pass over the grid plus work proportional to the curve.
pub fn contour(grid: &Grid, level: f64) -> Vec<Vec<Crossing>> {
    let mut crossings: HashMap<EdgeId, Crossing> = HashMap::new();
    let mut segments: Vec<(EdgeId, EdgeId)> = Vec::new();
    let nx = grid.nx;
    if nx < 2 || grid.ny < 2 || grid.values.len() < nx * grid.ny {
        return Vec::new();
    }
    let edge_crossing = |e: EdgeId| -> Option<Crossing> {
        let (i, j, dir) = e;
        let (i2, j2) = if dir == 0 { (i + 1, j) } else { (i, j + 1) };
        let (a, b) = (grid.at(i, j) - level, grid.at(i2, j2) - level);
        if !(a.is_finite() && b.is_finite()) || (a < 0.0) == (b < 0.0) {
            return None;
        }
        let t = a / (a - b);
        let (p, q) = (grid.node(i, j), grid.node(i2, j2));
        Some(Crossing {
            point: [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])],
            from: (i, j),
            to: (i2, j2),
            t,
        })
    };
    let rows = grid.values.chunks_exact(nx).take(grid.ny);
    for (j, (low, high)) in rows.clone().zip(rows.skip(1)).enumerate() {
        for (i, (l, h)) in low.windows(2).zip(high.windows(2)).enumerate() {
            // Around the cell: bottom-left, bottom-right, top-right, top-left.
            let corners = match (l, h) {
                (&[a, b], &[d, c]) => [a, b, c, d],
                _ => continue,
            };
            if corners.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let below = corners.map(|v| v < level);
            if below.iter().all(|&b| b == below[0]) {
                continue;
            }
            // Edges in order around the cell: bottom, right, top, left; an
            // edge is crossed exactly when its two corners differ.
            let edges: [EdgeId; 4] = [(i, j, 0), (i + 1, j, 1), (i, j + 1, 0), (i, j, 1)];
            let ends = [(0, 1), (1, 2), (3, 2), (0, 3)];
            let mut crossed = [(0, 0, 0); 4];
            let mut count = 0;
            for (e, (p, q)) in edges.into_iter().zip(ends) {
                if below[p] == below[q] {
                    continue;
                }
                let Some(c) = crossings.get(&e).copied().or_else(|| edge_crossing(e)) else {
                    continue;
                };
                crossings.insert(e, c);
                if let Some(slot) = crossed.get_mut(count) {
                    *slot = e;
                    count += 1;
                }
            }
            match crossed.get(..count).unwrap_or_default() {
                [a, b] => segments.push((*a, *b)),
                [a, b, c, d] => {
                    // Saddle: the centre value decides which pairs connect.
                    let centre = corners.iter().sum::<f64>() / 4.0 - level;
                    let bottom_left_above = corners[0] >= level;
                    if (centre >= 0.0) == bottom_left_above {
                        segments.push((*a, *b));
                        segments.push((*c, *d));
                    } else {
                        segments.push((*a, *d));
                        segments.push((*b, *c));
                    }
                }
                _ => {}
            }
        }
    }
    join(&segments, &crossings)
}

/// Chains segments that share an edge into polylines.
fn join(
    segments: &[(EdgeId, EdgeId)],
    crossings: &HashMap<EdgeId, Crossing>,
) -> Vec<Vec<Crossing>> {
    let mut at_edge: HashMap<EdgeId, Vec<usize>> = HashMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        at_edge.entry(*a).or_default().push(k);
        at_edge.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    let other = |k: usize, e: EdgeId| -> Option<EdgeId> {
        let (a, b) = *segments.get(k)?;
        Some(if a == e { b } else { a })
    };
    let walk = |start_edge: EdgeId, used: &mut Vec<bool>| -> Vec<EdgeId> {
        let mut chain = Vec::new();
        let mut edge = start_edge;
        loop {
            let next = at_edge.get(&edge).and_then(|ks| {
                ks.iter()
                    .copied()
                    .find(|&k| !used.get(k).copied().unwrap_or(true))
            });
            let Some(k) = next else { break };
            if let Some(u) = used.get_mut(k) {
                *u = true;
            }
            let Some(e) = other(k, edge) else { break };
            chain.push(e);
            edge = e;
        }
        chain
    };
    for k in 0..segments.len() {
        if used.get(k).copied().unwrap_or(true) {
            continue;
        }
        let Some(&(a, b)) = segments.get(k) else {
            continue;
        };
        if let Some(u) = used.get_mut(k) {
            *u = true;
        }
        let forward = walk(b, &mut used);
        let backward = walk(a, &mut used);
        let edges: Vec<EdgeId> = backward
            .into_iter()
            .rev()
            .chain([a, b])
            .chain(forward)
            .collect();
        let line: Vec<Crossing> = edges
            .iter()
            .filter_map(|e| crossings.get(e).copied())
            .collect();
        if line.len() >= 2 {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(n: usize, f: impl Fn(f64, f64) -> f64) -> Grid {
        let mut g = Grid {
            nx: n,
            ny: n,
            x: [-2.0, 2.0],
            y: [-2.0, 2.0],
            values: Vec::new(),
        };
        g.values = (0..n * n)
            .map(|k| {
                let p = g.node(k % n, k / n);
                f(p[0], p[1])
            })
            .collect();
        g
    }

    #[test]
    fn a_circle_is_one_closed_line_of_radius_one() {
        let g = grid(81, |x, y| x * x + y * y);
        let lines = contour(&g, 1.0);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert!(line.len() > 40);
        for c in line {
            let r = (c.point[0].powi(2) + c.point[1].powi(2)).sqrt();
            assert!((r - 1.0).abs() < 5e-3, "{r}");
        }
        assert_eq!(
            line.first().map(|c| c.point),
            line.last().map(|c| c.point),
            "closed"
        );
    }

    #[test]
    fn two_lines_and_undefined_cells() {
        // y² = 1: two horizontal lines; NaN on the left half is skipped.
        let g = grid(41, |x, y| if x < 0.0 { f64::NAN } else { y * y });
        let lines = contour(&g, 1.0);
        assert_eq!(lines.len(), 2);
        for line in &lines {
            assert!(
                line.iter()
                    .all(|c| (c.point[1].abs() - 1.0).abs() < 1e-9 && c.point[0] >= 0.0)
            );
        }
    }
}
