//! The JSON summary and CSV rows of a run.

use crate::method::{Record, Run, Status};
use crate::preset::Preset;
use serde_json::{Value, json};

/// Names of the fixed CSV columns; variables get their own names, prefixed
/// with `var_` only where they would clash with these.
const FIXED: [&str; 10] = [
    "iteration",
    "f",
    "g",
    "h",
    "grad_y_g_norm",
    "rho",
    "lambda",
    "active",
    "delta_norm",
    "kkt_residual",
];

fn column(name: &str) -> String {
    if FIXED.contains(&name) {
        format!("var_{name}")
    } else {
        name.to_string()
    }
}

/// The CSV header row.
pub fn csv_header(names: &[String]) -> String {
    let mut cols: Vec<String> = vec!["iteration".into()];
    cols.extend(names.iter().map(|n| column(n)));
    cols.extend(FIXED.iter().skip(1).map(|s| s.to_string()));
    for prefix in ["grad_f", "grad_h", "delta"] {
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
    for v in [r.f, r.g, r.h, r.grad_y_g_norm, r.rho, r.lambda] {
        push(v);
    }
    push(if r.active { 1.0 } else { 0.0 });
    push(r.delta_norm);
    push(r.kkt_residual);
    for block in [&r.grad_f, &r.grad_h, &r.delta] {
        block.iter().for_each(|&v| push(v));
    }
    out
}

fn num(v: f64) -> Value {
    // serde_json writes non-finite numbers as null.
    Value::from(v)
}

/// The one-line JSON summary of a finished run.
pub fn json_summary(preset: &Preset, run: &Run, method: &str, seconds: f64) -> Value {
    let config = run.config();
    let m = config.method;
    let start = preset.start();
    let n = preset.dims().n;
    let mut out = json!({
        "preset": preset.name,
        "method": method,
        "rho": m.rho.as_str(),
        "alpha": num(m.alpha),
        "step": num(m.step),
        "budget": config.iterations,
        "tolerance": config.tolerance.map(num),
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
        }),
        None => json!({
            "x": start.get(..n).unwrap_or_default(),
            "y": start.get(n..).unwrap_or_default(),
            "f": null, "g": null, "h": null, "grad_y_g_norm": null,
            "lambda": null, "active": null, "delta_norm": null, "kkt_residual": null,
        }),
    };
    merge(&mut out, record_fields);
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
    if let (Some(reference), Some(r)) = (&preset.reference, run.last_record()) {
        let mut rf = json!({ "f": reference.f.map(num) });
        if let Some((x, y)) = &reference.point {
            let dist = x
                .iter()
                .chain(y)
                .zip(&r.z)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
            merge(&mut rf, json!({ "x": x, "y": y, "distance": num(dist) }));
        }
        merge(&mut out, json!({ "reference": rf }));
    }
    out
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}
