//! Axis tick labels that stay short and distinct: plain decimals in the
//! ordinary range, compact scientific notation beyond it (a diverged f axis
//! reads 2e23, not 199999999999999983222784), and on log₁₀ axes the value
//! itself ("1e-3", or "2.5e-3" between decades, never a repeated "1e0").

use egui_plot::GridMark;
use std::ops::RangeInclusive;

/// Digits after the point that write `step` exactly (so that ticks `step`
/// apart never print alike): 0.25 needs 2, 0.5 needs 1, 100 needs 0.
fn decimals(step: f64) -> usize {
    if !(step > 0.0 && step.is_finite()) {
        return 3;
    }
    (0..=15)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() <= 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(15)
}

/// `v` in scientific notation with `digits` after the point, trailing
/// zeros of the mantissa dropped: 2e23, 1.25e-7.
fn scientific(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$e}");
    match s.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => {
            let m = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{m}e{exponent}")
        }
        _ => s,
    }
}

/// A tick of a linear axis.
pub fn linear(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    let (v, step) = (mark.value, mark.step_size.abs());
    if v == 0.0 || (step > 0.0 && v.abs() < 1e-9 * step) {
        return "0".into();
    }
    if v.abs() >= 1e5 || v.abs() < 1e-4 {
        // Mantissa digits enough to tell v from v ± step.
        let exponent = v.abs().log10().floor();
        let digits = decimals(step / 10f64.powf(exponent)).min(15);
        return scientific(v, digits);
    }
    format!("{v:.*}", decimals(step))
}

/// A tick of an axis that shows log₁₀ of the value: the value itself.
pub fn log10(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    let (v, step) = (mark.value, mark.step_size.abs());
    if (v - v.round()).abs() < 1e-9 {
        return format!("1e{}", v.round() as i64);
    }
    // Between decades: enough mantissa digits to tell neighbours apart
    // (a step of 0.01 decades is a factor of 1.023).
    let digits = (decimals(step) + 1).min(6);
    scientific(10f64.powf(v), digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(
        f: fn(GridMark, &RangeInclusive<f64>) -> String,
        from: f64,
        step: f64,
    ) -> Vec<String> {
        (0..12)
            .map(|i| {
                let mark = GridMark {
                    value: from + step * i as f64,
                    step_size: step,
                };
                f(mark, &(0.0..=1.0))
            })
            .collect()
    }

    fn distinct(v: &[String]) -> bool {
        let mut sorted = v.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted.len() == v.len()
    }

    #[test]
    fn ticks_are_short_and_never_repeat() {
        // A diverged f axis.
        let big = labels(linear, 2e23, 2e22);
        assert_eq!(big[0], "2e23");
        assert!(
            big.iter().all(|s| s.len() <= 8) && distinct(&big),
            "{big:?}"
        );
        // Ordinary and tiny ranges.
        assert_eq!(labels(linear, 0.0, 0.25)[1], "0.25");
        assert!(distinct(&labels(linear, 1e-7, 1e-8)));
        assert!(distinct(&labels(linear, 1000.0, 0.5)));
        // An empty log plot shows [0, 1] in steps of 0.1: not "1e0" twelve times.
        let log = labels(log10, 0.0, 0.1);
        assert_eq!(log[0], "1e0");
        assert!(distinct(&log), "{log:?}");
        assert_eq!(labels(log10, -6.0, 1.0)[3], "1e-3");
        assert!(distinct(&labels(log10, -3.0, 0.01)));
    }
}
