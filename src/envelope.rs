//! A min/max summary of a growing series, so drawing a series costs the same
//! whether it holds a thousand samples or a million.
//!
//! Consecutive samples are grouped in buckets of equal width; each bucket
//! remembers where its smallest and largest values (and its smallest
//! positive value, for log axes) sit. When the buckets exceed their limit,
//! neighbours merge and the width doubles, so there are never more than
//! `limit` buckets and adding a sample costs O(1) amortised. Spikes survive:
//! every bucket's extremes are drawn.

use std::ops::Range;

/// Where the extremes of one bucket are (sample indices; `None` when the
/// bucket holds no finite, or no positive, value).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Extremes {
    lo: Option<usize>,
    hi: Option<usize>,
    lo_positive: Option<usize>,
}

impl Extremes {
    fn of(i: usize, v: f64) -> Self {
        let finite = v.is_finite().then_some(i);
        Self {
            lo: finite,
            hi: finite,
            lo_positive: (v.is_finite() && v > 0.0).then_some(i),
        }
    }

    fn merge(self, other: Self, value: &impl Fn(usize) -> f64) -> Self {
        let pick =
            |a: Option<usize>, b: Option<usize>, b_wins: &dyn Fn(f64, f64) -> bool| match (a, b) {
                (Some(a), Some(b)) if b_wins(value(a), value(b)) => Some(b),
                (Some(a), _) => Some(a),
                (None, b) => b,
            };
        Self {
            lo: pick(self.lo, other.lo, &|a, b| b < a),
            hi: pick(self.hi, other.hi, &|a, b| b > a),
            lo_positive: pick(self.lo_positive, other.lo_positive, &|a, b| b < a),
        }
    }
}

/// The min/max summary of one series (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    limit: usize,
    width: usize,
    len: usize,
    buckets: Vec<Extremes>,
}

impl Default for Envelope {
    fn default() -> Self {
        Self::new(DEFAULT_BUCKETS)
    }
}

/// Buckets per series by default: about one per pixel column of a residual
/// plot (each draws its minimum and maximum).
pub const DEFAULT_BUCKETS: usize = 512;

impl Envelope {
    /// An empty summary of at most `limit` buckets (at least 2).
    pub fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(2),
            width: 1,
            len: 0,
            buckets: Vec::new(),
        }
    }

    /// Samples summarised so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is summarised.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Samples per bucket.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Forgets every sample.
    pub fn clear(&mut self) {
        self.width = 1;
        self.len = 0;
        self.buckets.clear();
    }

    /// Summarises samples `self.len()..len` of the series `value`.
    pub fn extend(&mut self, len: usize, value: impl Fn(usize) -> f64) {
        for i in self.len..len {
            let new = Extremes::of(i, value(i));
            let full = self.len.is_multiple_of(self.width);
            match self.buckets.last_mut() {
                Some(last) if !full => *last = last.merge(new, &value),
                _ => self.buckets.push(new),
            }
            self.len += 1;
            if self.buckets.len() > self.limit {
                self.halve(&value);
            }
        }
    }

    /// Merges neighbouring buckets: half as many, twice as wide.
    fn halve(&mut self, value: &impl Fn(usize) -> f64) {
        let merged: Vec<Extremes> = self
            .buckets
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => a.merge(*b, value),
                [a] => *a,
                _ => Extremes::default(),
            })
            .collect();
        self.buckets = merged;
        self.width *= 2;
    }

    /// The sample indices to draw, in order: every sample inside `detail`
    /// when it holds at most `raw_limit` of them (a zoomed-in view), and
    /// each bucket's extremes elsewhere. With `positive`, only samples with
    /// a positive value (a log axis) are picked.
    pub fn indices(
        &self,
        detail: Range<usize>,
        raw_limit: usize,
        positive: bool,
        value: impl Fn(usize) -> f64,
    ) -> Vec<usize> {
        let detail = detail.start.min(self.len)..detail.end.min(self.len);
        let raw = detail.len() <= raw_limit || self.width == 1;
        let drawable = |i: &usize| {
            let v = value(*i);
            v.is_finite() && (!positive || v > 0.0)
        };
        let mut out = Vec::with_capacity(2 * self.buckets.len() + raw_limit.min(detail.len()));
        for (b, e) in self.buckets.iter().enumerate() {
            let span = b * self.width..((b + 1) * self.width).min(self.len);
            if raw && span.start < detail.end && detail.start < span.end {
                // The part of the bucket before, inside and after the detail.
                let inside = span.start.max(detail.start)..span.end.min(detail.end);
                if span.start < inside.start {
                    out.extend(self.extremes_in(span.start..inside.start, positive, &value));
                }
                out.extend(inside.clone().filter(drawable));
                if inside.end < span.end {
                    out.extend(self.extremes_in(inside.end..span.end, positive, &value));
                }
                continue;
            }
            let lo = if positive { e.lo_positive } else { e.lo };
            let hi = e.hi.filter(|i| drawable(i));
            out.extend(ordered(lo, hi));
        }
        out
    }

    /// The extremes of a stretch of one bucket, scanned (at most one
    /// bucket's width).
    fn extremes_in(
        &self,
        range: Range<usize>,
        positive: bool,
        value: &impl Fn(usize) -> f64,
    ) -> Vec<usize> {
        let e = range
            .map(|i| Extremes::of(i, value(i)))
            .reduce(|a, b| a.merge(b, value))
            .unwrap_or_default();
        let lo = if positive { e.lo_positive } else { e.lo };
        let hi = e.hi.filter(|i| value(*i) > 0.0 || !positive);
        ordered(lo, hi).collect()
    }
}

/// Two indices in increasing order, once if equal.
fn ordered(a: Option<usize>, b: Option<usize>) -> impl Iterator<Item = usize> {
    let (first, second) = match (a, b) {
        (Some(a), Some(b)) if b < a => (Some(b), Some(a)),
        (Some(a), Some(b)) if a == b => (Some(a), None),
        other => other,
    };
    first.into_iter().chain(second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| ((i as f64) * 0.37).sin() * (1.0 + i as f64 / 100.0))
            .collect()
    }

    /// Brute force: (min, max) over each bucket span.
    fn brute(v: &[f64], width: usize) -> Vec<(f64, f64)> {
        v.chunks(width)
            .map(|c| {
                let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (lo, hi)
            })
            .collect()
    }

    #[test]
    fn buckets_hold_the_extremes_of_their_span_whatever_the_growth() {
        let v = series(10_007);
        let mut e = Envelope::new(64);
        // Grow in uneven batches, as frames arrive.
        let mut at = 0;
        for step in [1, 5, 100, 3, 2000, 7901] {
            at = (at + step).min(v.len());
            e.extend(at, |i| v[i]);
        }
        e.extend(v.len(), |i| v[i]);
        assert_eq!(e.len(), v.len());
        assert!(e.buckets.len() <= 64);
        assert_eq!(e.width(), 256);
        for (b, (lo, hi)) in e.buckets.iter().zip(brute(&v, e.width())) {
            assert_eq!(v[b.lo.unwrap()], lo);
            assert_eq!(v[b.hi.unwrap()], hi);
        }
        let drawn = e.indices(0..0, 0, false, |i| v[i]);
        assert!(drawn.len() <= 128);
        assert!(drawn.windows(2).all(|w| w[0] < w[1]), "in sample order");
        let lo = drawn.iter().map(|&i| v[i]).fold(f64::INFINITY, f64::min);
        let hi = drawn
            .iter()
            .map(|&i| v[i])
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((lo, hi), brute(&v, v.len())[0], "global extremes kept");
    }

    #[test]
    fn a_zoomed_range_is_drawn_in_full_and_the_rest_as_extremes() {
        let v = series(5000);
        let mut e = Envelope::new(32);
        e.extend(v.len(), |i| v[i]);
        let drawn = e.indices(1000..1300, 500, false, |i| v[i]);
        for i in 1000..1300 {
            assert!(drawn.contains(&i), "{i} missing in the zoomed range");
        }
        assert!(drawn.len() < 300 + 2 * 32 + 8, "{}", drawn.len());
        assert!(drawn.windows(2).all(|w| w[0] < w[1]));
        // A range too long for raw drawing falls back to the buckets.
        assert_eq!(
            e.indices(0..4000, 500, false, |i| v[i]),
            e.indices(0..0, 500, false, |i| v[i])
        );
    }

    #[test]
    fn log_axes_skip_values_they_cannot_show() {
        let v = [0.0, -1.0, f64::NAN, 2.0, 1e-9, 5.0, f64::INFINITY, 3.0];
        let mut e = Envelope::new(2);
        e.extend(v.len(), |i| v[i]);
        let drawn = e.indices(0..0, 0, true, |i| v[i]);
        assert!(drawn.iter().all(|&i| v[i] > 0.0 && v[i].is_finite()));
        assert!(drawn.contains(&4) && drawn.contains(&5), "{drawn:?}");
        let linear = e.indices(0..0, 0, false, |i| v[i]);
        assert!(linear.contains(&1), "the negative minimum on a linear axis");
        e.clear();
        assert!(e.is_empty() && e.indices(0..10, 10, false, |i| v[i]).is_empty());
    }
}
