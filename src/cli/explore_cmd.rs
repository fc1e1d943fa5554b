//! `bilevel-lab sweep` and `bilevel-lab basins`: the step-size sweep and
//! the basin map, headless, on every core.

use super::args::{BasinsArgs, SweepArgs};
use super::progress::{Finished, end, run_grid};
use super::run_cmd::{apply_common, method_kind, set_start};
use super::{CliError, load_preset};
use crate::atomic_file::AtomicFile;
use crate::explore::{self, BasinSpec, SweepSpec};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Writes `text` to `path` atomically.
fn write_csv(path: &Path, text: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError::Message(format!("{}: writing the CSV failed: {e}", path.display()))
    };
    let mut file = AtomicFile::create(path).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.commit().map_err(fail)
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:?}"))
}

fn range(option: &str, v: &[f64]) -> Result<[f64; 2], CliError> {
    match v {
        [a, b] => Ok([*a, *b]),
        _ => Err(CliError::Message(format!(
            "--{option}: give two numbers, e.g. 0.01,1"
        ))),
    }
}

/// Runs `sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    if let Some(csv) = &args.csv {
        super::refuse_overwriting_input("--csv", csv, &args.preset)?;
    }
    let mut preset = load_preset(&args.preset)?;
    set_start(&mut preset, &args.common)?;
    let kind = method_kind(args.method.as_deref(), &preset)?;
    let mut settings = preset.solver.with_method(kind);
    apply_common(&mut settings, &args.common)?;
    let axes = match &args.axes {
        None => kind.sweep_axes(),
        Some(keys) => match keys.as_slice() {
            [a, b] => {
                let find = |k: &str| {
                    kind.param(k).map(|p| p.key).ok_or_else(|| {
                        CliError::Message(format!(
                            "--axes: {} has no parameter `{k}`",
                            kind.as_str()
                        ))
                    })
                };
                (find(a)?, find(b)?)
            }
            _ => {
                return Err(CliError::Message(
                    "--axes: give two parameter keys, e.g. alpha,step".into(),
                ));
            }
        },
    };
    let spec = SweepSpec {
        settings,
        axes,
        first: range("alpha-range", &args.alpha_range)?,
        second: range("step-range", &args.step_range)?,
        grid: args.grid,
        start: preset.start(),
        answer: preset.answer(),
        lower: preset.lower_search(),
        tolerance: explore::REACH_TOL,
    };
    spec.check().map_err(CliError::Message)?;
    let (n1, n2) = spec.shape();
    let Finished { done, total, cut } = run_grid(n1 * n2, "cells", |progress| {
        explore::sweep_partial(&preset.problem, &spec, progress)
    });
    if let Some(path) = &args.csv {
        write_csv(path, &sweep_csv(&spec, &done))?;
    }
    report_sweep(&spec, &done, total)?;
    end(cut, &kept(args.csv.as_deref(), done.len()))
}

/// Where the finished tasks of a cut-short grid went.
fn kept(csv: Option<&Path>, count: usize) -> String {
    match csv {
        Some(path) => format!(
            "{} holds the {count} that finished, and the summary above counts them",
            path.display()
        ),
        None => format!("the summary above counts the {count} that finished"),
    }
}

/// One CSV row per cell.
fn sweep_csv(spec: &SweepSpec, cells: &[explore::Cell]) -> String {
    let axes = spec.axes;
    let mut text = format!(
        "{},{},status,class,iterations_to_tolerance,kkt_residual,distance_to_reference,f,h\n",
        axes.0, axes.1
    );
    for c in cells {
        text.push_str(&format!(
            "{},{},{},{},{},{:?},{},{:?},{:?}\n",
            axis_text(spec, 0, c.first),
            axis_text(spec, 1, c.second),
            c.status.as_str(),
            c.class.as_str(),
            c.reached.map_or_else(String::new, |k| k.to_string()),
            c.kkt_residual,
            opt(c.distance),
            c.f,
            c.h
        ));
    }
    text
}

/// A sweep value as written: a count as a whole number, a real exactly.
fn axis_text(spec: &SweepSpec, axis: usize, v: f64) -> String {
    if spec.is_whole(axis) {
        format!("{v:.0}")
    } else {
        format!("{v:?}")
    }
}

fn axis_json(spec: &SweepSpec, axis: usize, v: f64) -> serde_json::Value {
    if spec.is_whole(axis) {
        json!(v as u64)
    } else {
        json!(v)
    }
}

/// The cells counted by class, why there is no best cell if there is
/// none, and the JSON line.
fn report_sweep(spec: &SweepSpec, cells: &[explore::Cell], total: usize) -> Result<(), CliError> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cells {
        *counts.entry(c.status.as_str()).or_default() += 1;
        *classes.entry(c.class.as_str()).or_default() += 1;
    }
    let best = explore::best_cell(cells);
    for (class, n) in &classes {
        super::output::line(&format!("{class}: {n} cells"))?;
    }
    match (best, &spec.answer) {
        (None, Some(a)) => super::output::line(&format!(
            "no cell ends at the optimum (F* = {}, {}): there is no best cell",
            a.f,
            a.provenance()
        ))?,
        (None, None) => super::output::line(
            "no reference answer for this problem, so no cell can be called the optimum: there is no best cell",
        )?,
        _ => {}
    }
    let axes = spec.axes;
    super::output::line(&format!(
        "{}",
        json!({
            "method": spec.settings.method.as_str(),
            "axes": [axes.0, axes.1],
            "grid": spec.shape(),
            "iterations": spec.settings.iterations,
            "cells": total,
            "finished": cells.len(),
            "status": counts,
            "classes": classes,
            "reference": spec.answer.as_ref().map(answer_json),
            "tolerance": explore::REACH_TOL,
            "best": best.map(|c| json!({
                axes.0: axis_json(spec, 0, c.first), axes.1: axis_json(spec, 1, c.second),
                "class": c.class.as_str(),
                "iterations_to_tolerance": c.reached,
                "kkt_residual": c.kkt_residual, "distance": c.distance,
            })),
        })
    ))
}

/// The reference answer as JSON: F*, z* and where it comes from.
pub(super) fn answer_json(a: &explore::Answer) -> serde_json::Value {
    json!({
        "f": a.f,
        "z": a.z,
        "source": a.provenance(),
    })
}

/// Runs `basins`.
pub fn basins(args: &BasinsArgs) -> Result<(), CliError> {
    if let Some(csv) = &args.csv {
        super::refuse_overwriting_input("--csv", csv, &args.preset)?;
    }
    let mut preset = load_preset(&args.preset)?;
    set_start(&mut preset, &args.common)?;
    let kind = method_kind(args.method.as_deref(), &preset)?;
    let mut settings = preset.solver.with_method(kind);
    apply_common(&mut settings, &args.common)?;
    if !(2..=200).contains(&args.grid) {
        return Err(CliError::Message(format!(
            "--grid {}: use 2 to 200 starts per side",
            args.grid
        )));
    }
    let n = preset.dims().n;
    let start = preset.start();
    let view = preset.view.map(|v| (v.x, v.y)).unwrap_or_else(|| {
        let (x, y) = (start[0], start.get(n).copied().unwrap_or(0.0));
        ([x - 2.0, x + 2.0], [y - 2.0, y + 2.0])
    });
    let spec = BasinSpec {
        config: settings.run_config()?,
        axes: (0, n),
        x: view.0,
        y: view.1,
        grid: args.grid,
        base: start,
        answer: preset.answer(),
        lower: preset.lower_search(),
        tolerance: explore::REACH_TOL,
    };
    let Finished {
        done: map,
        total,
        cut,
    } = run_grid(spec.grid * spec.grid, "starts", |progress| {
        explore::basins_partial(&preset.problem, &spec, progress)
    });
    let mut text = String::from("x0,y0,end_x,end_y,f,h,gap,class,iterations_to_tolerance,kicks\n");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &map {
        *counts.entry(b.class.as_str()).or_default() += 1;
        text.push_str(&format!(
            "{:?},{:?},{:?},{:?},{:?},{:?},{:?},{},{},{}\n",
            b.start[0],
            b.start[1],
            b.end.first().copied().unwrap_or(f64::NAN),
            b.end.get(n).copied().unwrap_or(f64::NAN),
            b.f,
            b.h,
            b.gap,
            b.class.as_str(),
            b.reached.map_or_else(String::new, |k| k.to_string()),
            b.kicks
        ));
    }
    if let Some(path) = &args.csv {
        write_csv(path, &text)?;
    }
    for (class, count) in &counts {
        super::output::line(&format!("{class}: {count} starts"))?;
    }
    super::output::line(&format!(
        "{}",
        json!({
            "method": kind.as_str(),
            "grid": args.grid,
            "iterations": settings.iterations,
            "starts": total,
            "finished": map.len(),
            "classes": counts,
            "reference": spec.answer.as_ref().map(answer_json),
            "tolerance": explore::REACH_TOL,
        })
    ))?;
    end(cut, &kept(args.csv.as_deref(), map.len()))
}
