use super::*;

const GOOD: &str = r#"name = "B8"
upper = ["x"]
lower = ["y"]
f = "(x + 0.5)^2 + 0.5*y^2"
g = "0.5*x*y^2 + 0.25*y^4"

[start]
x = [0.5]
y = [0.3]
"#;

fn error(text: &str) -> PresetError {
    match load_str(text, "t.toml") {
        Ok(_) => panic!("should fail:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn a_minimal_preset_loads_with_defaults() {
    let p = load_str(GOOD, "t.toml").expect("valid");
    assert_eq!(p.start(), vec![0.5, 0.3]);
    assert_eq!(p.solver, crate::method::SolverSettings::default());
    assert!(p.view.is_none() && p.reference.is_none());
    assert_eq!(p.problem.f(&[-0.25, 0.5]), 0.1875);
}

#[test]
fn expression_errors_point_into_the_file() {
    let e = error(&GOOD.replace("0.25*y^4", "0.25*z^4"));
    assert_eq!(e.key.as_deref(), Some("g"));
    // Line 5: g = "0.5*x*y^2 + 0.25*z^4" — the z is at column 23.
    assert_eq!(e.position, Some((5, 23)), "{e}");
    assert!(e.message.contains("unknown name 'z'"), "{e}");
    assert!(
        e.to_string()
            .starts_with("t.toml:5:23: key `g`: unknown name 'z'"),
        "{e}"
    );

    let multi = GOOD.replace(
        "f = \"(x + 0.5)^2 + 0.5*y^2\"",
        "f = \"\"\"\n(x + 0.5)^2\n  + 0.5*y^^2\"\"\"",
    );
    let e = error(&multi);
    assert_eq!(e.position, Some((6, 11)), "{e}");
    assert!(
        e.message.contains("line 2, column 11 of the expression"),
        "{e}"
    );
}

#[test]
fn structural_errors_name_the_key_and_place() {
    let e = error(&format!("{GOOD}\n[solver]\nstep = -0.1\n"));
    assert_eq!(e.key.as_deref(), Some("solver.step"));
    assert_eq!(e.position.map(|p| p.0), Some(12));
    // PGD-QP's keys are checked by its table, as every method's are.
    assert!(
        e.message
            .contains("step (γ) = -0.1: it must be a finite number > 0"),
        "{e}"
    );

    let e = error(&format!("{GOOD}\n[solver]\niterations = 0\n"));
    assert!(e.message.contains("at least 1"), "{e}");

    let e = error(&format!("{GOOD}\n[solver]\nalpha = nan\n"));
    assert!(
        e.message
            .contains("alpha (α) = NaN: it must be a finite number"),
        "{e}"
    );

    let e = error(&format!("{GOOD}\n[solver]\nrho = \"qp3\"\n"));
    assert_eq!(e.key.as_deref(), Some("solver.rho"));
    assert!(
        e.message.contains("rho (ρ) = \"qp3\": use one of qp1, qp2"),
        "{e}"
    );

    let e = error(&format!("{GOOD}\n[solver]\nmethod = \"newton\"\n"));
    assert!(e.message.contains("unknown method 'newton'"), "{e}");

    let e = error(&format!(
        "{GOOD}\n[solver]\nschedule = \"budget\"\na = 1.5\n"
    ));
    assert!(e.message.contains("needs `b`"), "{e}");

    let e = error(&format!(
        "{GOOD}\n[solver]\nschedule = \"budget\"\na = 1\nb = 1\nalpha = 0.1\n"
    ));
    assert_eq!(e.key.as_deref(), Some("solver.alpha"));

    let e = error(&GOOD.replace("y = [0.3]", "y = [0.3, 1.0]"));
    assert_eq!(e.key.as_deref(), Some("start.y"));
    assert_eq!(e.position, Some((9, 5)));
    assert!(e.message.contains("has 2 entries; it needs 1"), "{e}");

    let e = error(&format!("{GOOD}\ncolour = \"red\"\n"));
    assert!(e.message.contains("unknown field `colour`"), "{e}");
    assert_eq!(e.position.map(|p| p.0), Some(11));

    let e = error(&format!("{GOOD}\n[view]\nx = [1.0, -1.0]\ny = [0, 1]\n"));
    assert!(e.message.contains("low < high"), "{e}");

    let e = error(&format!("{GOOD}\n[reference]\nx = [1.0]\n"));
    assert!(e.message.contains("both"), "{e}");

    let e = error(&GOOD.replace("lower = [\"y\"]", "lower = [\"x\"]"));
    assert_eq!(e.key.as_deref(), Some("upper"));
    assert!(e.message.contains("declared twice"), "{e}");

    let e = error(&GOOD.replace("g = \"0.5*x*y^2 + 0.25*y^4\"\n", ""));
    assert!(e.message.contains("missing key `g`"), "{e}");

    let e = error("name = \"x\"\nupper = [\"x\"\n");
    assert!(e.position.is_some(), "{e}");

    let e = error(&GOOD.replace("name = \"B8\"", "name = \"B8\0\""));
    assert!(e.message.contains("NUL"), "{e}");
}

#[test]
fn synthetic_family_checks_its_data() {
    let text = r#"name = "s"
family = "synthetic"
lower_kind = "convex"
[data]
c = [1.0, 2.0]
d = [0.5, 0.5]
H = [[1.0, 0.0], [0.0]]
[start]
x = [0.0, 0.0]
y = [0.0, 0.0]
"#;
    let e = error(text);
    assert!(e.message.contains("row 2 of H has 1 entries"), "{e}");
    let ok = text.replace("[0.0]]", "[0.0, 1.0]]");
    let p = load_str(&ok, "s").expect("valid");
    assert_eq!(p.dims(), Dims { n: 2, m: 2 });
    let e = error(&ok.replace("\"convex\"", "\"concave\""));
    assert!(e.message.contains("unknown lower_kind"), "{e}");
    let e = error(&ok.replace("lower_kind", "f = \"x\"\nlower_kind"));
    assert!(e.message.contains("remove `f`"), "{e}");
}

#[test]
fn every_method_takes_its_own_keys_and_refuses_others_with_a_position() {
    use crate::method::{Integrator, Method, MethodKind, Phi};
    let with = |solver: &str| format!("{GOOD}\n[solver]\n{solver}\n");
    let p = load_str(
        &with("method = \"rxgf\"\nalpha = 2.0\nepsilon = 0.05\ndt = 0.02\nintegrator = \"euler\""),
        "t.toml",
    )
    .unwrap();
    assert_eq!(p.solver.method, MethodKind::Rxgf);
    let Method::Rxgf(m) = p.solver.method() else {
        panic!("rxgf")
    };
    assert_eq!(
        (m.alpha, m.eps, m.dt, m.integrator),
        (2.0, 0.05, 0.02, Integrator::Euler)
    );
    let p = load_str(
        &with("method = \"bome\"\nphi = \"value\"\ninner_steps = 3\nstep = 0.1"),
        "t.toml",
    )
    .unwrap();
    let Method::Bome(m) = p.solver.method() else {
        panic!("bome")
    };
    assert_eq!((m.phi, m.inner_steps, m.step), (Phi::Value, 3, 0.1));
    // Every other method keeps its defaults.
    assert_eq!(p.solver.aid, crate::method::SolverSettings::default().aid);
    let e = error(&with("method = \"aid\"\nrho = \"qp1\""));
    assert_eq!(e.key.as_deref(), Some("solver.rho"));
    assert!(e.message.contains("aid has no parameter `rho`"), "{e}");
    assert!(e.position.is_some_and(|(line, _)| line == 13), "{e}");
    let e = error(&with("method = \"v-pbgd\"\ninner_steps = -1"));
    assert!(e.message.contains("inner_steps (T) = -1"), "{e}");
    let e = error(&with("method = \"newton\""));
    assert!(
        e.message
            .contains("unknown method 'newton'; known: pgd-qp, rxgf"),
        "{e}"
    );
}

#[test]
fn the_solver_table_reads_every_key_of_the_method_tables_and_no_other() {
    use crate::method::{MethodKind, ParamKind};
    let with = |solver: &str| format!("{GOOD}\n[solver]\n{solver}\n");
    let mut keys = vec!["method", "iterations", "tolerance"];
    for kind in MethodKind::ALL {
        for p in kind.params() {
            keys.push(p.key);
            let value = match p.kind {
                ParamKind::Positive | ParamKind::NonNegative => "0.5".to_string(),
                ParamKind::Count { min, .. } => min.max(1).to_string(),
                ParamKind::Choice(names) => format!("\"{}\"", names[0]),
                ParamKind::Flag => "true".into(),
            };
            // PGD-QP's a and b belong to the budget schedule.
            let schedule = if matches!(p.key, "a" | "b") && kind == MethodKind::PgdQp {
                "schedule = \"budget\"\na = 1.5\nb = 1.5\n"
            } else {
                ""
            };
            let line = if schedule.is_empty() {
                format!("{} = {value}", p.key)
            } else {
                String::new()
            };
            let text = with(&format!("method = \"{}\"\n{schedule}{line}", kind.as_str()));
            let loaded = load_str(&text, "t.toml");
            assert!(
                loaded.is_ok(),
                "{}: {} — {:?}",
                kind.as_str(),
                p.key,
                loaded.err()
            );
        }
    }
    // The other way: an unknown key is refused, naming exactly the keys
    // of the tables and the three every method shares.
    let e = error(&with("zzz = 1"));
    assert!(e.message.starts_with("unknown key `zzz`"), "{e}");
    let (_, list) = e.message.split_once("[solver] takes ").unwrap_or_default();
    let mut named: Vec<&str> = list.split(", ").collect();
    named.sort_unstable();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(named, keys);
}

#[test]
fn constants_keep_their_values_and_ranges_through_a_written_preset() {
    let text = GOOD
        .replace(
            "[start]",
            "[constants]\na = 2\nk = { value = 1.5, min = -1, max = 4.0 }\n\n[start]",
        )
        .replace("0.5*y^2\"", "0.5*y^2 + a*k*x\"");
    let p = load_str(&text, "t.toml").unwrap();
    let ProblemSpec::Expression { constants, .. } = &p.spec else {
        panic!("an expression preset");
    };
    assert_eq!(
        constants,
        &[
            Constant::new("a", 2.0),
            Constant {
                name: "k".into(),
                value: 1.5,
                range: Some([-1.0, 4.0]),
            },
        ]
    );
    // f uses them: at (1, 0), (1.5)² + 0 + 2·1.5·1.
    assert!((p.problem.f(&[1.0, 0.0]) - (2.25 + 3.0)).abs() < 1e-12);
    let again = load_str(&to_toml(&p), "written.toml").unwrap();
    assert_eq!(again.spec, p.spec, "{}", to_toml(&p));
}

#[test]
fn a_session_holds_every_run_and_writes_them_back() {
    let text = format!(
        "{GOOD}\n[[runs]]\nmethod = \"pgd-qp\"\nstep = 0.02\n\n[[runs]]\nmethod = \"bome\"\nx = [-0.5]\ny = [1]\n\n[session]\nselected = 2\n"
    );
    let p = load_str(&text, "s.toml").unwrap();
    assert_eq!(p.runs.len(), 2);
    // A run without x and y starts at [start].
    assert_eq!(p.runs[0].start, [0.5, 0.3]);
    assert_eq!(p.runs[1].start, [-0.5, 1.0]);
    assert_eq!(p.runs[1].solver.method, crate::method::MethodKind::Bome);
    assert_eq!(
        p.runs[0]
            .solver
            .get(crate::method::MethodKind::PgdQp, "step"),
        Some(crate::method::ParamValue::Number(0.02))
    );
    assert_eq!(
        p.session.as_ref().and_then(|s| s.get("selected")),
        Some(&toml::Value::Integer(2))
    );
    let again = load_str(&to_toml(&p), "written.toml").unwrap();
    assert_eq!(again.runs, p.runs, "{}", to_toml(&p));
    assert_eq!(again.session, p.session);
    // A preset without them is a session of its one run.
    assert!(load_str(GOOD, "t.toml").unwrap().runs.is_empty());
    let many = format!("{GOOD}{}", "\n[[runs]]\nmethod = \"aid\"\n".repeat(17));
    let e = error(&many);
    assert!(
        e.message.contains("17 runs: a session holds 1 to 16"),
        "{e}"
    );
}

/// A small labelled table in the CSV format: two well-separated classes.
fn tiny_csv() -> String {
    let mut text = String::from("a,b,c,label\n");
    for i in 0..40 {
        let class = i % 2;
        let shift = if class == 0 { -1.0 } else { 1.0 };
        let t = f64::from(i) / 40.0;
        text += &format!("{},{},{},{class}\n", shift + t, shift * t, 0.5 - t);
    }
    text
}

#[test]
fn a_hyper_cleaning_preset_reads_its_csv_beside_it_and_exports_an_absolute_path() {
    let dir = std::env::temp_dir().join(format!("bl-cleaning-preset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("samples.csv"), tiny_csv()).unwrap();
    let text = r#"name = "tiny cleaning"
family = "hyper-cleaning"
[cleaning]
dataset = "samples.csv"
train = 20
validation = 10
test = 10
components = 2
corrupt = 0.25
seed = 3
"#;
    std::fs::write(dir.join("tiny.toml"), text).unwrap();
    let p = load_path(&dir.join("tiny.toml")).unwrap();
    assert_eq!(p.dims(), Dims { n: 20, m: 3 * 2 });
    let task = p.cleaning.as_ref().expect("a cleaning task");
    assert_eq!(task.corrupted.iter().filter(|&&c| c).count(), 5);
    assert_eq!(p.start_x, vec![0.0; 20]);
    let ProblemSpec::HyperCleaning { dataset, spec } = &p.spec else {
        panic!("{:?}", p.spec)
    };
    assert!(Path::new(dataset).is_absolute(), "{dataset}");
    assert_eq!((spec.ridge, spec.seed), (1e-3, 3));
    // The export names the file absolutely, leaves out the computed start
    // and loads from anywhere to the same problem.
    let exported = to_toml(&p);
    assert!(!exported.contains("[start]"), "{exported}");
    let again = load_str(&exported, "elsewhere.toml").unwrap();
    assert_eq!(again.spec, p.spec);
    assert_eq!(again.start(), p.start());
    // Loaded as text, a relative name is looked up from the current folder.
    let e = load_str(text, "text").unwrap_err();
    assert!(e.message.contains("samples.csv: no such file"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
