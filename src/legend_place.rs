//! Where the landscape's legend goes: the corner of the view in which it
//! would cover the least of the runs — their paths, starts, iterates and
//! the reference — chosen again every frame in the app (so it moves out of
//! a run's way) and once for a figure.

/// A corner of the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// Top left.
    LeftTop,
    /// Top right.
    RightTop,
    /// Bottom left.
    LeftBottom,
    /// Bottom right.
    RightBottom,
}

/// A point the legend should not cover, and how much covering it costs.
#[derive(Debug, Clone, Copy)]
pub struct Avoid {
    /// Where, in plot coordinates.
    pub at: [f64; 2],
    /// The cost of covering it (an iterate more than a path point).
    pub weight: f64,
}

/// The corners in the order tried; on a tie the first wins, so the legend
/// stays put while nothing moves.
const CORNERS: [Corner; 4] = [
    Corner::RightTop,
    Corner::LeftTop,
    Corner::RightBottom,
    Corner::LeftBottom,
];

/// The corner whose legend box — `share` of the view's width and height —
/// covers the least weight of `points` in the view `[[x1, x2], [y1, y2]]`.
pub fn emptiest_corner(points: &[Avoid], view: [[f64; 2]; 2], share: [f64; 2]) -> Corner {
    let [[x1, x2], [y1, y2]] = view;
    let (w, h) = (share[0] * (x2 - x1), share[1] * (y2 - y1));
    let covered = |corner: Corner| -> f64 {
        let (left, bottom) = match corner {
            Corner::LeftTop => (x1, y2 - h),
            Corner::RightTop => (x2 - w, y2 - h),
            Corner::LeftBottom => (x1, y1),
            Corner::RightBottom => (x2 - w, y1),
        };
        points
            .iter()
            .filter(|p| {
                let [x, y] = p.at;
                (left..=left + w).contains(&x) && (bottom..=bottom + h).contains(&y)
            })
            .map(|p| p.weight)
            .sum()
    };
    let mut best = (CORNERS[0], covered(CORNERS[0]));
    for corner in &CORNERS[1..] {
        let c = covered(*corner);
        if c < best.1 {
            best = (*corner, c);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: [[f64; 2]; 2] = [[-1.0, 1.0], [-1.0, 1.0]];

    fn at(x: f64, y: f64, weight: f64) -> Avoid {
        Avoid { at: [x, y], weight }
    }

    #[test]
    fn the_legend_leaves_the_corner_a_run_is_in() {
        let share = [0.4, 0.5];
        // Nothing to avoid: the usual place, top right.
        assert_eq!(emptiest_corner(&[], VIEW, share), Corner::RightTop);
        // A path through the top right sends it to the top left.
        let path: Vec<Avoid> = (0..20)
            .map(|i| at(0.3 + 0.03 * f64::from(i), 0.8, 1.0))
            .collect();
        assert_eq!(emptiest_corner(&path, VIEW, share), Corner::LeftTop);
        // An iterate outweighs a few path points.
        let mut busy = path.clone();
        busy.push(at(-0.8, 0.8, 40.0));
        busy.extend((0..5).map(|i| at(0.8, -0.8 + 0.05 * f64::from(i), 1.0)));
        assert_eq!(emptiest_corner(&busy, VIEW, share), Corner::LeftBottom);
        // Points outside the view cover nothing.
        let outside = [at(5.0, 5.0, 100.0)];
        assert_eq!(emptiest_corner(&outside, VIEW, share), Corner::RightTop);
    }
}
