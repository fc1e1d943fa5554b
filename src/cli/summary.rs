//! The JSON summary and CSV rows of a run.

use super::run_cmd::Outcome;
use crate::dataset::CleaningReport;
use crate::method::{Method, OracleCounts, ParamValue, Record, Status};
use crate::preset::Preset;
use serde_json::{Value, json};

/// Names of the fixed CSV columns; variables get their own names, prefixed
/// with `var_` only where they would clash with these or a method's own.
const FIXED: [&str; 11] = [
    "iteration",
    "f",
    "g",
    "h",
    "grad_y_g_norm",
    "lambda",
    "active",
    "step",
    "delta_norm",
    "kkt_residual",
    "oracle_calls",
];

fn column(name: &str, own: &[(&str, f64)]) -> String {
    if FIXED.contains(&name) || own.iter().any(|(n, _)| *n == name) {
        format!("var_{name}")
    } else {
        name.to_string()
    }
}

/// The CSV header row for records like `first` (the method's own scalars
/// and whether ∇h is reported depend on the method).
pub fn csv_header(names: &[String], first: &Record) -> String {
    let own = first.detail.scalars();
    let mut cols: Vec<String> = vec!["iteration".into()];
    cols.extend(names.iter().map(|n| column(n, &own)));
    cols.extend(FIXED.iter().skip(1).map(|s| s.to_string()));
    cols.extend(own.iter().map(|(n, _)| n.to_string()));
    let mut blocks = vec!["grad_f"];
    if !first.grad_h.is_empty() {
        blocks.push("grad_h");
    }
    blocks.extend(["correction", "delta"]);
    for prefix in blocks {
        cols.extend(names.iter().map(|n| format!("{prefix}_{n}")));
    }
    cols.join(",")
}

/// One CSV row; numbers print so they read back exactly.
pub fn csv_row(r: &Record) -> String {
    let mut out = r.k.to_string();
    let mut push = |v: f64| {
        out.push(',');
        out.push_str(&format!("{v:?}"));
    };
    r.z.iter().for_each(|&v| push(v));
    for v in [r.f, r.g, r.h, r.grad_y_g_norm, r.lambda] {
        push(v);
    }
    push(if r.active { 1.0 } else { 0.0 });
    push(r.step);
    push(r.delta_norm);
    push(r.kkt_residual);
    out.push_str(&format!(",{}", r.oracle_calls));
    let mut push = |v: f64| {
        out.push(',');
        out.push_str(&format!("{v:?}"));
    };
    r.detail.scalars().iter().for_each(|(_, v)| push(*v));
    for block in [&r.grad_f, &r.grad_h, &r.correction, &r.delta] {
        block.iter().for_each(|&v| push(v));
    }
    out
}

fn num(v: f64) -> Value {
    // serde_json writes non-finite numbers as null.
    Value::from(v)
}

/// The header of a run that made no iteration (its method's own columns
/// are not known): the variables, the fixed columns, event and true gap.
pub fn csv_header_without_record(names: &[String]) -> String {
    let mut cols: Vec<String> = vec!["iteration".into()];
    cols.extend(names.iter().map(|n| column(n, &[])));
    cols.extend(FIXED.iter().skip(1).map(|s| s.to_string()));
    cols.extend(["event".into(), "true_gap".into()]);
    cols.join(",")
}

/// The one-line JSON summary of a finished run, with its diagnosis.
pub(super) fn json_summary(preset: &Preset, outcome: &Outcome, method: &str) -> Value {
    let run = &outcome.run;
    let seconds = outcome.seconds;
    let config = run.config();
    let start = preset.start();
    let n = preset.dims().n;
    let mut out = json!({
        "preset": preset.name,
        "method": method,
        "rho": match config.method() {
            Method::PgdQp(m) => Value::from(m.rho.as_str()),
            _ => Value::Null,
        },
        "params": params(&config.method()),
        "oracle": oracle(&run.counts()),
        "budget": config.iterations(),
        "tolerance": config.tolerance().map(num),
        "iterations": run.state().k,
        "status": run.status().as_str(),
        "seconds": num(seconds),
    });
    let record_fields = match run.last_record() {
        Some(r) => json!({
            "x": r.x(),
            "y": r.y(),
            "f": num(r.f),
            "g": num(r.g),
            "h": num(r.h),
            "grad_y_g_norm": num(r.grad_y_g_norm),
            "lambda": num(r.lambda),
            "active": r.active,
            "delta_norm": num(r.delta_norm),
            "kkt_residual": num(r.kkt_residual),
            "step_length": num(r.step),
            "scalars": r.detail.scalars().into_iter()
                .map(|(k, v)| (k.to_string(), num(v)))
                .collect::<serde_json::Map<String, Value>>(),
        }),
        None => json!({
            "x": start.get(..n).unwrap_or_default(),
            "y": start.get(n..).unwrap_or_default(),
            "f": null, "g": null, "h": null, "grad_y_g_norm": null,
            "lambda": null, "active": null, "delta_norm": null, "kkt_residual": null,
        }),
    };
    merge(&mut out, record_fields);
    // The parameters also at the top level (`alpha`, `step`, …).
    merge(&mut out, params(&config.method()));
    if let Status::Diverged {
        iteration,
        quantity,
        ..
    } = run.status()
    {
        merge(
            &mut out,
            json!({
                "message": run.status().to_string(),
                "diverged": { "iteration": iteration, "quantity": quantity },
            }),
        );
    }
    if let Some(answer) = &outcome.answer {
        let mut rf = json!({ "f": num(answer.f), "source": answer.provenance() });
        if let Some(z) = &answer.z {
            let (x, y) = z.split_at(n.min(z.len()));
            merge(&mut rf, json!({ "x": x, "y": y }));
            if let Some(dist) = run.last_record().and_then(|r| answer.distance(&r.z)) {
                merge(&mut rf, json!({ "distance": num(dist) }));
            }
        }
        merge(&mut out, json!({ "reference": rf }));
    }
    merge(&mut out, json!({ "diagnosis": diagnosis(outcome) }));
    if let Some(cleaning) = cleaning(preset, outcome) {
        merge(&mut out, json!({ "cleaning": cleaning }));
    }
    out
}

/// The hyper-cleaning task's report at the end and at the task's own start
/// (every weight ½ and the model trained on that: "no cleaning"), whatever
/// start the run was given.
fn cleaning_reports(
    preset: &Preset,
    outcome: &Outcome,
) -> Option<(CleaningReport, CleaningReport, usize)> {
    let task = preset.cleaning.as_ref()?;
    let end = task.report(&outcome.run.state().z);
    Some((
        end,
        task.no_cleaning,
        task.corrupted.iter().filter(|&&c| c).count(),
    ))
}

/// `"cleaning"`: accuracies and the F1 score of "weight < ½ = corrupted".
fn cleaning(preset: &Preset, outcome: &Outcome) -> Option<Value> {
    let (end, start, corrupted) = cleaning_reports(preset, outcome)?;
    Some(json!({
        "test_accuracy": num(end.test_accuracy),
        "validation_accuracy": num(end.validation_accuracy),
        "f1": num(end.f1),
        "precision": num(end.precision),
        "recall": num(end.recall),
        "flagged": end.flagged,
        "flagged_corrupted": end.flagged_corrupted,
        "corrupted": corrupted,
        "no_cleaning": {
            "test_accuracy": num(start.test_accuracy),
            "validation_accuracy": num(start.validation_accuracy),
        },
    }))
}

/// The same in words, for the line above the JSON.
pub(super) fn cleaning_line(preset: &Preset, outcome: &Outcome) -> Option<String> {
    let (end, start, corrupted) = cleaning_reports(preset, outcome)?;
    Some(format!(
        "hyper-cleaning: test accuracy {:.4} (no cleaning {:.4}), validation {:.4}; \
         weight < ½ flags {} samples, {} of the {corrupted} corrupted: F1 {:.3}",
        end.test_accuracy,
        start.test_accuracy,
        end.validation_accuracy,
        end.flagged,
        end.flagged_corrupted,
        end.f1
    ))
}

/// `"diagnosis"`: the end's class, true gap, λ_min and shape, the
/// warnings at the end and the events along the run.
fn diagnosis(outcome: &Outcome) -> Value {
    let k = outcome.run.state().k;
    let events: Vec<Value> = outcome
        .events
        .iter()
        .map(|e| json!({ "kind": e.name(), "iteration": e.iteration, "message": e.message() }))
        .collect();
    let Some(v) = &outcome.verdict else {
        return json!({ "class": null, "events": events, "events_total": outcome.events_total });
    };
    let warnings: Vec<Value> = v
        .traps
        .iter()
        .map(|t| json!({ "kind": trap_kind(t), "iteration": k, "message": t.sentence() }))
        .collect();
    json!({
        "class": v.class.as_str(),
        "true_gap": num(v.gap.gap),
        "lower_level_bounded": v.gap.bounded,
        "lambda_min": num(v.curvature),
        "lower_shape": v.shape.name(),
        "warnings": warnings,
        "events": events,
        "events_total": outcome.events_total,
    })
}

/// A trap's JSON kind (the cycle is `cycle`, as the class).
fn trap_kind(t: &crate::explore::Trap) -> &'static str {
    crate::explore::EndClass::Trap(*t).as_str()
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

/// The method's parameters as a JSON object.
pub fn params(method: &Method) -> Value {
    let map: serde_json::Map<String, Value> = method
        .params()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                ParamValue::Number(x) => num(x),
                ParamValue::Count(c) => Value::from(c),
                ParamValue::Text(t) => Value::from(t),
                ParamValue::Flag(b) => Value::from(b),
            };
            (k.to_string(), v)
        })
        .collect();
    Value::Object(map)
}

/// Oracle calls as a JSON object.
pub fn oracle(c: &OracleCounts) -> Value {
    json!({
        "f": c.f, "grad_f": c.grad_f, "g": c.g, "grad_g": c.grad_g,
        "hvp": c.hvp, "hessian": c.hessian, "total": c.total(),
    })
}
