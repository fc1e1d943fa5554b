//! Writes a preset back to TOML in the format `load_str` reads.

use super::{Preset, ProblemSpec};
use crate::method::ParamValue;
use toml::{Table, Value};

fn floats(values: &[f64]) -> Value {
    Value::Array(values.iter().map(|v| Value::Float(*v)).collect())
}

fn strings(values: &[String]) -> Value {
    Value::Array(values.iter().map(|v| Value::String(v.clone())).collect())
}

fn pair(x: &[f64], y: &[f64]) -> Value {
    let mut t = Table::new();
    t.insert("x".into(), floats(x));
    t.insert("y".into(), floats(y));
    Value::Table(t)
}

fn cleaning_table(dataset: &str, spec: &crate::dataset::CleaningSpec) -> Table {
    let count = |n: usize| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    let mut t = Table::new();
    t.insert("dataset".into(), Value::String(dataset.into()));
    t.insert("train".into(), count(spec.train));
    t.insert("validation".into(), count(spec.validation));
    t.insert("test".into(), count(spec.test));
    t.insert("components".into(), count(spec.components));
    t.insert("corrupt".into(), Value::Float(spec.corrupt));
    // Seeds above i64::MAX cannot be written as TOML integers; they are
    // refused on reading too (TOML integers are signed 64-bit).
    t.insert(
        "seed".into(),
        Value::Integer(i64::try_from(spec.seed).unwrap_or(i64::MAX)),
    );
    t.insert("ridge".into(), Value::Float(spec.ridge));
    t
}

/// The preset as TOML text; loading it gives back the same preset.
pub fn to_toml(p: &Preset) -> String {
    let mut doc = Table::new();
    doc.insert("name".into(), Value::String(p.name.clone()));
    if !p.description.is_empty() {
        doc.insert("description".into(), Value::String(p.description.clone()));
    }
    match &p.spec {
        ProblemSpec::Expression {
            upper,
            lower,
            f,
            g,
            constants,
        } => {
            doc.insert("upper".into(), strings(upper));
            doc.insert("lower".into(), strings(lower));
            doc.insert("f".into(), Value::String(f.clone()));
            doc.insert("g".into(), Value::String(g.clone()));
            if !constants.is_empty() {
                doc.insert(
                    "constants".into(),
                    Value::Table(super::constants::to_table(constants)),
                );
            }
        }
        ProblemSpec::Synthetic {
            lower_kind,
            c,
            d,
            h,
        } => {
            doc.insert("family".into(), Value::String("synthetic".into()));
            doc.insert(
                "lower_kind".into(),
                Value::String(lower_kind.as_str().into()),
            );
            let mut data = Table::new();
            data.insert("c".into(), floats(c));
            data.insert("d".into(), floats(d));
            data.insert(
                "H".into(),
                Value::Array(h.iter().map(|row| floats(row)).collect()),
            );
            doc.insert("data".into(), Value::Table(data));
        }
        ProblemSpec::HyperCleaning { dataset, spec } => {
            doc.insert(
                "family".into(),
                Value::String(super::cleaning::FAMILY.into()),
            );
            doc.insert(
                "cleaning".into(),
                Value::Table(cleaning_table(dataset, spec)),
            );
        }
    }
    // The hyper-cleaning family computes its start; only a moved one is written.
    let generated = p
        .cleaning
        .as_ref()
        .is_some_and(|t| t.start_x == p.start_x && t.start_y == p.start_y);
    if !generated {
        doc.insert("start".into(), pair(&p.start_x, &p.start_y));
    }
    if let Some(view) = &p.view {
        doc.insert("view".into(), pair(&view.x, &view.y));
    }
    doc.insert("solver".into(), Value::Table(solver_table(&p.solver)));
    answer_tables(&mut doc, p);
    if !p.runs.is_empty() {
        doc.insert(
            "runs".into(),
            super::session::runs_to_toml(&p.runs, p.dims().n),
        );
    }
    if let Some(session) = &p.session {
        doc.insert("session".into(), Value::Table(session.clone()));
    }
    // Serialising a table of plain values cannot fail; an empty string
    // would be reported by the loader if it ever did.
    toml::to_string(&doc).unwrap_or_default()
}

/// A run's method, parameters, budget and tolerance as `[solver]` holds
/// them: the method's keys in its table's order; of PGD-QP's keys those of
/// the step rule in force (α, γ fixed, or the schedule's a, b).
pub(super) fn solver_table(s: &crate::method::SolverSettings) -> Table {
    let mut solver = Table::new();
    solver.insert("method".into(), Value::String(s.method.as_str().into()));
    for spec in s.method.params().iter().filter(|p| s.relevant(p.key)) {
        let Some(value) = s.get(s.method, spec.key) else {
            continue;
        };
        let value = match value {
            ParamValue::Number(v) => Value::Float(v),
            ParamValue::Count(c) => Value::Integer(i64::try_from(c).unwrap_or(i64::MAX)),
            ParamValue::Text(t) => Value::String(t.into()),
            ParamValue::Flag(b) => Value::Boolean(b),
        };
        solver.insert(spec.key.into(), value);
    }
    solver.insert(
        "iterations".into(),
        Value::Integer(i64::try_from(s.iterations).unwrap_or(i64::MAX)),
    );
    if let Some(t) = s.tolerance {
        solver.insert("tolerance".into(), Value::Float(t));
    }
    solver
}

/// `[upper_domain]`, `[lower_domain]`, `[reference]` and `[expect]`: the
/// problem's domains and what is known of its answer.
fn answer_tables(doc: &mut Table, p: &Preset) {
    for (table, key, range) in [
        ("upper_domain", "x", p.upper_domain),
        ("lower_domain", "y", p.lower_domain),
    ] {
        if let Some(range) = range {
            let mut t = Table::new();
            t.insert(key.into(), floats(&range));
            doc.insert(table.into(), Value::Table(t));
        }
    }
    if let Some(r) = &p.reference {
        let mut table = Table::new();
        if let Some((x, y)) = &r.point {
            table.insert("x".into(), floats(x));
            table.insert("y".into(), floats(y));
        }
        if let Some(f) = r.f {
            table.insert("f".into(), Value::Float(f));
        }
        doc.insert("reference".into(), Value::Table(table));
    }
    if let Some(e) = &p.expect {
        let mut table = Table::new();
        table.insert("class".into(), Value::String(e.class.clone()));
        if let Some((x, y)) = &e.point {
            table.insert("x".into(), floats(x));
            table.insert("y".into(), floats(y));
        }
        table.insert("within".into(), Value::Float(e.within));
        doc.insert("expect".into(), Value::Table(table));
    }
}

#[cfg(test)]
mod tests {
    use crate::method::Run;
    use crate::preset::{BUILTIN, load_builtin, load_str, to_toml};

    #[test]
    fn every_builtin_preset_round_trips_to_the_same_run() {
        for (id, _) in BUILTIN {
            let p = load_builtin(id).unwrap();
            let text = to_toml(&p);
            let q = load_str(&text, "written").unwrap_or_else(|e| panic!("{id}: {e}\n{text}"));
            assert_eq!(p.spec, q.spec, "{id}");
            assert_eq!((&p.start_x, &p.start_y), (&q.start_x, &q.start_y));
            assert_eq!(p.view, q.view);
            assert_eq!(p.upper_domain, q.upper_domain);
            assert_eq!(p.expect, q.expect);
            assert_eq!(p.lower_domain, q.lower_domain);
            assert_eq!(p.solver, q.solver);
            assert_eq!(p.reference, q.reference);
            assert_eq!(p.description, q.description);
            let config = p.solver.run_config().unwrap();
            let config = config
                .with_iterations(config.iterations().min(300))
                .unwrap();
            let mut a = Run::new(p.problem.clone(), config, p.start());
            let mut b = Run::new(q.problem.clone(), config, q.start());
            a.run_to_end(|_| {});
            b.run_to_end(|_| {});
            assert_eq!(a.last_record(), b.last_record(), "{id}");
        }
    }
}
