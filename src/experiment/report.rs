//! An experiment as text: one CSV of bands per method and budget, and the
//! summary of where the runs ended.

use super::bands::{Band, BandRow};
use super::trace::{End, Trace};
use super::{BudgetOutcome, MethodOutcome, Outcome};
use std::fmt::Write;

/// The header of a method's CSV: per quantity its 20 % quantile, median
/// and 80 % quantile, and how many seeds it is over.
pub const CSV_HEADER: &str = "k,seeds,f_q20,f_median,f_q80,grad_y_g_q20,grad_y_g_median,grad_y_g_q80,kkt_q20,kkt_median,kkt_q80,hypergradient_q20,hypergradient_median,hypergradient_q80,hypergradient_seeds,oracle_calls_q20,oracle_calls_median,oracle_calls_q80,seconds_q20,seconds_median,seconds_q80";

fn band(out: &mut String, b: Option<&Band>) {
    match b {
        Some(b) => {
            let _ = write!(out, ",{:?},{:?},{:?}", b.low, b.median, b.high);
        }
        None => out.push_str(",,,"),
    }
}

/// A method's bands as CSV, one row per checkpoint.
pub fn csv(rows: &[BandRow]) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for r in rows {
        let _ = write!(out, "{},{}", r.k, r.seeds);
        band(&mut out, Some(&r.f));
        band(&mut out, Some(&r.grad_y_g));
        band(&mut out, Some(&r.kkt));
        band(&mut out, r.hypergradient.as_ref());
        let _ = write!(out, ",{}", r.hypergradient.map_or(0, |b| b.count));
        band(&mut out, Some(&r.oracle_calls));
        band(&mut out, Some(&r.seconds));
        out.push('\n');
    }
    out
}

/// Where one method's runs at one budget ended.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// K.
    pub k: u64,
    /// The method as named.
    pub label: String,
    /// Seeds run.
    pub seeds: usize,
    /// Seeds whose run diverged.
    pub diverged: usize,
    /// Seeds whose run ran out of time.
    pub out_of_time: usize,
    /// Medians over the seeds of the last sample each reached.
    pub f: Option<f64>,
    /// Median of f − F* where F* is known.
    pub gap: Option<f64>,
    /// Median final ‖∇_y g‖.
    pub grad_y_g: Option<f64>,
    /// Median final KKT residual.
    pub kkt: Option<f64>,
    /// Median final hypergradient norm (over the seeds where defined).
    pub hypergradient: Option<f64>,
    /// At how many seeds' ends the hypergradient is defined.
    pub hypergradient_seeds: usize,
    /// Median oracle calls.
    pub oracle_calls: Option<f64>,
    /// Median seconds.
    pub seconds: Option<f64>,
}

fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    Band::of(values).map(|b| b.median)
}

/// The summary row of one method at one budget; `optima` are the seeds'
/// F* in seed order.
pub fn summary_row(k: u64, m: &MethodOutcome, optima: &[Option<f64>]) -> SummaryRow {
    let last = |t: &Trace| t.samples.last().copied();
    let finals: Vec<_> = m.traces.iter().filter_map(last).collect();
    let count = |what: fn(&End) -> bool| m.traces.iter().filter(|t| what(&t.end)).count();
    SummaryRow {
        k,
        label: m.contender.label.clone(),
        seeds: m.traces.len(),
        diverged: count(|e| matches!(e, End::Diverged(_))),
        out_of_time: count(|e| matches!(e, End::OutOfTime)),
        f: median(finals.iter().map(|s| s.f)),
        gap: median(
            m.traces
                .iter()
                .zip(optima)
                .filter_map(|(t, opt)| Some(last(t)?.f - (*opt)?)),
        ),
        grad_y_g: median(finals.iter().map(|s| s.grad_y_g)),
        kkt: median(finals.iter().map(|s| s.kkt)),
        hypergradient: median(finals.iter().filter_map(|s| s.hypergradient)),
        hypergradient_seeds: finals.iter().filter(|s| s.hypergradient.is_some()).count(),
        oracle_calls: median(finals.iter().map(|s| s.oracle_calls as f64)),
        seconds: median(finals.iter().map(|s| s.seconds)),
    }
}

/// Every method's summary at every budget.
pub fn summary(outcome: &Outcome) -> Vec<SummaryRow> {
    outcome
        .budgets
        .iter()
        .flat_map(|b: &BudgetOutcome| {
            b.methods
                .iter()
                .map(|m| summary_row(b.k, m, &outcome.optima))
        })
        .collect()
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:?}"))
}

/// The summary as CSV.
pub fn summary_csv(rows: &[SummaryRow]) -> String {
    let mut out = String::from(
        "k,method,seeds,diverged,out_of_time,f_median,f_minus_fstar_median,grad_y_g_median,kkt_median,hypergradient_median,hypergradient_seeds,oracle_calls_median,seconds_median\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.k,
            r.label,
            r.seeds,
            r.diverged,
            r.out_of_time,
            opt(r.f),
            opt(r.gap),
            opt(r.grad_y_g),
            opt(r.kkt),
            opt(r.hypergradient),
            r.hypergradient_seeds,
            opt(r.oracle_calls),
            opt(r.seconds)
        );
    }
    out
}

fn short(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.3e}"))
}

/// The hypergradient's median, with `[n]` when it is defined at the end
/// of only n of the runs.
fn hypergradient_cell(r: &SummaryRow) -> String {
    let value = short(r.hypergradient);
    if r.hypergradient.is_some() && r.hypergradient_seeds < r.seeds {
        format!("{value}[{}]", r.hypergradient_seeds)
    } else {
        value
    }
}

/// The summary as an aligned table for the terminal.
pub fn summary_table(rows: &[SummaryRow]) -> String {
    let mut out = format!(
        "{:>8}  {:<18} {:>6} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>9}\n",
        "K", "method", "seeds", "f", "f − F*", "‖∇_y g‖", "KKT", "hypergrad", "oracle", "seconds"
    );
    for r in rows {
        let mut seeds = r.seeds.to_string();
        if r.diverged > 0 {
            let _ = write!(seeds, " {}÷", r.diverged);
        }
        if r.out_of_time > 0 {
            let _ = write!(seeds, " {}⏱", r.out_of_time);
        }
        let _ = writeln!(
            out,
            "{:>8}  {:<18} {:>6} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>9}",
            r.k,
            r.label,
            seeds,
            short(r.f),
            short(r.gap),
            short(r.grad_y_g),
            short(r.kkt),
            hypergradient_cell(r),
            short(r.oracle_calls),
            r.seconds.map_or_else(|| "—".into(), |s| format!("{s:.3}"))
        );
    }
    out.push_str("Medians over the seeds of where each run ended");
    if rows.iter().any(|r| r.diverged > 0 || r.out_of_time > 0) {
        out.push_str(" (÷: runs that diverged, ⏱: runs stopped by the time budget; medians over the last checkpoint each reached)");
    }
    out.push_str(".\n");
    if rows
        .iter()
        .any(|r| r.hypergradient.is_some() && r.hypergradient_seeds < r.seeds)
    {
        out.push_str("hypergrad[n]: defined at the end of only n runs (∇²_yy g singular or indefinite at the others); — at none.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::contender::Contender;
    use crate::experiment::trace::Sample;

    fn trace(f: f64, end: End) -> Trace {
        let s = Sample {
            k: 10,
            f,
            grad_y_g: 0.1,
            kkt: f / 100.0,
            hypergradient: None,
            oracle_calls: 30,
            seconds: 0.5,
        };
        Trace {
            samples: vec![s],
            end,
        }
    }

    #[test]
    fn the_summary_takes_medians_of_where_runs_ended_and_counts_failures() {
        let traces = vec![
            trace(1.0, End::Budget),
            trace(3.0, End::Diverged("x".into())),
            trace(2.0, End::OutOfTime),
        ];
        let m = MethodOutcome {
            contender: Contender::parse("aid").unwrap(),
            rows: crate::experiment::bands::band_rows(&traces),
            traces,
        };
        let r = summary_row(10, &m, &[Some(0.5), None, Some(1.0)]);
        assert_eq!((r.seeds, r.diverged, r.out_of_time), (3, 1, 1));
        assert_eq!((r.f, r.kkt), (Some(2.0), Some(0.02)));
        // f − F* over the seeds with F*: 0.5 and 1.0.
        assert_eq!(r.gap, Some(0.75));
        assert_eq!(r.hypergradient, None);
        let table = summary_table(std::slice::from_ref(&r));
        assert!(table.contains("3 1÷ 1⏱"), "{table}");
        let csv = summary_csv(&[r]);
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("10,aid,3,1,1,2.0,0.75,")
        );
        let rows = csv_rows(&m);
        assert_eq!(rows.lines().count(), 2);
        assert_eq!(rows.lines().nth(1).unwrap().split(',').count(), 21);
    }

    #[test]
    fn a_hypergradient_defined_at_few_ends_says_at_how_many() {
        let mut traces = vec![trace(1.0, End::Budget), trace(2.0, End::Budget)];
        traces[0].samples[0].hypergradient = Some(0.25);
        let m = MethodOutcome {
            contender: Contender::parse("bome").unwrap(),
            rows: crate::experiment::bands::band_rows(&traces),
            traces,
        };
        let r = summary_row(10, &m, &[None, None]);
        assert_eq!((r.hypergradient, r.hypergradient_seeds), (Some(0.25), 1));
        let table = summary_table(std::slice::from_ref(&r));
        assert!(table.contains("2.500e-1[1]"), "{table}");
        assert!(
            table.contains("defined at the end of only n runs"),
            "{table}"
        );
        assert!(
            summary_csv(&[r])
                .lines()
                .nth(1)
                .unwrap()
                .contains(",0.25,1,")
        );
    }

    fn csv_rows(m: &MethodOutcome) -> String {
        csv(&m.rows)
    }
}
