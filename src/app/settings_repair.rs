//! What a loaded settings file may hold that the app cannot use — a
//! parameter out of its range (`"step": -1`), a non-finite ε, an edit too
//! long to be an expression — replaced by a usable value and *named*, so
//! nothing is clamped or dropped silently (the loader keeps the file as
//! it was beside it).

use super::settings::{DEFAULT_TOLERANCE, KeptEdit, Settings};
use crate::method::{MethodKind, SolverSettings, check};

/// The longest edit kept from a settings file: the expression limit, as no
/// longer text could be applied (and a 4 MB text would make every frame
/// of the editor slow).
pub const MAX_TEXT: usize = crate::expr::MAX_LEN;

/// The longest preset path kept (longer ones are no file of this system).
const MAX_PATH: usize = 4096;

/// Most runs restored.
const MAX_RUNS: usize = 16;

/// Makes `settings` usable; one sentence per value replaced, naming the
/// value found and the one used instead. Empty when nothing was wrong.
pub fn repair(settings: &mut Settings) -> Vec<String> {
    let mut said = Vec::new();
    let defaults = Settings::default();
    repair_texts(settings, &mut said);
    repair_constants(settings, &mut said);
    if settings.source.label().len() > MAX_PATH {
        said.push(format!(
            "the last preset's path is {} bytes long: the default preset is opened instead",
            settings.source.label().len()
        ));
        settings.source = defaults.source.clone();
    }
    if settings.runs.len() > MAX_RUNS {
        said.push(format!(
            "{} runs were saved; the first {MAX_RUNS} are kept",
            settings.runs.len()
        ));
        settings.runs.truncate(MAX_RUNS);
    }
    for (i, run) in settings.runs.iter_mut().enumerate() {
        let which = format!("run {}", i + 1);
        for s in repair_solver(&mut run.solver) {
            said.push(format!("{which}: {s}"));
        }
        let bad = |t: f64| !(t.is_finite() && t > 0.0);
        if let Some(t) = run.solver.tolerance.filter(|t| bad(*t)) {
            said.push(format!(
                "{which}: the tolerance {t} is not a number > 0; {DEFAULT_TOLERANCE:e} is used"
            ));
            run.solver.tolerance = Some(DEFAULT_TOLERANCE);
        }
        if bad(run.tolerance_when_off) {
            run.tolerance_when_off = DEFAULT_TOLERANCE;
        }
        if run.start.iter().any(|v| !v.is_finite()) {
            said.push(format!(
                "{which}: its start has a value that is not finite; the preset's run is used instead of the saved runs"
            ));
            // A start of another length makes the app use the preset's runs.
            run.start.clear();
        }
    }
    repair_numbers(settings, &defaults, &mut said);
    said
}

/// Most constants restored.
const MAX_CONSTANTS: usize = 64;

/// Saved constants the sliders cannot show (a value or range that is not
/// finite, a range the wrong way round, a name that is not a name, too
/// many) give way to the preset's, and say so.
fn repair_constants(settings: &mut Settings, said: &mut Vec<String>) {
    let Some(constants) = &settings.constants else {
        return;
    };
    let bad = constants.iter().find(|c| {
        let range_bad = c
            .range
            .is_some_and(|[lo, hi]| !(lo.is_finite() && hi.is_finite() && lo < hi));
        !c.value.is_finite() || range_bad || !crate::expr::is_identifier(&c.name)
    });
    let why = match bad {
        Some(c) => format!(
            "the saved constant `{}` = {} (range {:?}) cannot be shown on a slider",
            c.name, c.value, c.range
        ),
        None if constants.len() > MAX_CONSTANTS => {
            format!(
                "{} constants were saved (at most {MAX_CONSTANTS})",
                constants.len()
            )
        }
        None => return,
    };
    said.push(format!("{why}; the preset's constants are used"));
    settings.constants = None;
}

/// Edits longer than [`MAX_TEXT`] are dropped, with their length said.
fn repair_texts(settings: &mut Settings, said: &mut Vec<String>) {
    let too_long = |t: &Option<String>| t.as_ref().is_some_and(|t| t.len() > MAX_TEXT);
    if too_long(&settings.f_text) || too_long(&settings.g_text) {
        let sizes = [&settings.f_text, &settings.g_text].map(|t| t.as_ref().map_or(0, String::len));
        said.push(format!(
            "the saved edit of f and g ({} and {} bytes) is longer than an expression may be ({MAX_TEXT} bytes); the preset's f and g are shown instead",
            sizes[0], sizes[1]
        ));
        settings.f_text = None;
        settings.g_text = None;
    }
    let before = settings.kept_edits.len();
    settings
        .kept_edits
        .retain(|k: &KeptEdit| k.f.len() <= MAX_TEXT && k.g.len() <= MAX_TEXT);
    let dropped = before - settings.kept_edits.len();
    if dropped > 0 {
        said.push(format!(
            "{dropped} kept edit(s) longer than {MAX_TEXT} bytes were left out"
        ));
    }
    let most = super::settings::KEPT_EDITS;
    if settings.kept_edits.len() > most {
        said.push(format!(
            "{} kept edits were saved; the newest {most} are kept",
            settings.kept_edits.len()
        ));
        settings.kept_edits.truncate(most);
    }
}

/// Every parameter of every method checked against its range; one out of
/// it gets the method's default.
fn repair_solver(solver: &mut SolverSettings) -> Vec<String> {
    let defaults = SolverSettings::default();
    let mut said = Vec::new();
    // PGD-QP's α, γ under a budget schedule are what a and b give at K:
    // only the keys of the rule in force are looked at.
    let pgd_qp = solver.with_method(MethodKind::PgdQp);
    for kind in MethodKind::ALL {
        for spec in kind.params() {
            if kind == MethodKind::PgdQp && !pgd_qp.relevant(spec.key) {
                continue;
            }
            let Some(value) = solver.get(kind, spec.key) else {
                continue;
            };
            let Err(why) = check(spec, value) else {
                continue;
            };
            let Some(default) = defaults.get(kind, spec.key) else {
                continue;
            };
            if solver.set(kind, spec.key, default).is_ok() {
                said.push(format!(
                    "{} {why}; the default {} is used",
                    kind.title(),
                    show(default)
                ));
            }
        }
    }
    if solver.iterations == 0 {
        said.push(format!(
            "K = 0: at least 1 iteration; {} is used",
            defaults.iterations
        ));
        solver.iterations = defaults.iterations;
    }
    said
}

fn show(value: crate::method::ParamValue) -> String {
    use crate::method::ParamValue::{Count, Flag, Number, Text};
    match value {
        Number(v) => format!("{v}"),
        Count(c) => c.to_string(),
        Text(t) => t.to_string(),
        Flag(b) => b.to_string(),
    }
}

/// The app's own numbers (ε, speed, Step N, …) must be finite and in the
/// range their editors allow.
fn repair_numbers(settings: &mut Settings, defaults: &Settings, said: &mut Vec<String>) {
    let mut real = |name: &str, value: &mut f64, ok: bool, default: f64| {
        if !ok {
            said.push(format!(
                "{name} = {value} is out of range; {default} is used"
            ));
            *value = default;
        }
    };
    let eps = settings.eps;
    real(
        "ε",
        &mut settings.eps,
        eps.is_finite() && eps > 0.0,
        defaults.eps,
    );
    let reach = settings.reach;
    real(
        "the comparison's tolerance",
        &mut settings.reach,
        reach.is_finite() && reach > 0.0,
        defaults.reach,
    );
    let shift = settings.series.guide_shift;
    real(
        "the rate guides' shift",
        &mut settings.series.guide_shift,
        (-30.0..=30.0).contains(&shift),
        0.0,
    );
    if let Some(mut speed) = settings.speed
        && !(speed.is_finite() && speed > 0.0)
    {
        real("the speed", &mut speed, false, 200.0);
        settings.speed = Some(200.0);
    }
    let mut count = |name: &str, value: &mut u64, default: u64| {
        if !(1..=1_000_000).contains(value) {
            said.push(format!(
                "{name} = {value} is out of range 1 to 1000000; {default} is used"
            ));
            *value = default;
        }
    };
    count("Step N", &mut settings.step_n, defaults.step_n);
    count(
        "the arrows' spacing N",
        &mut settings.layers.path_arrow_every,
        defaults.layers.path_arrow_every,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_out_of_range_is_replaced_and_named() {
        let b1 = crate::preset::load_builtin("b01-quadratic").unwrap();
        let mut s = Settings {
            runs: vec![super::super::RunSpec::from_preset(&b1)],
            eps: -1.0,
            step_n: 0,
            ..Settings::default()
        };
        let mut bad = s.runs[0].solver;
        bad.pgd_qp.rule = crate::method::StepRule::Fixed {
            alpha: 0.5,
            step: -1.0,
        };
        s.runs[0].solver = bad;
        let said = repair(&mut s);
        let all = said.join("\n");
        assert!(all.contains("run 1: PGD-QP step (γ) = -1"), "{all}");
        assert!(all.contains("the default 0.01 is used"), "{all}");
        assert!(all.contains("ε = -1 is out of range"), "{all}");
        assert!(all.contains("Step N = 0"), "{all}");
        assert!(s.runs[0].solver.problems().is_empty());
        assert_eq!(s.eps, Settings::default().eps);
        // Once repaired there is nothing left to say.
        assert!(repair(&mut s).is_empty());
        assert!(repair(&mut Settings::default()).is_empty());
    }

    #[test]
    fn a_budget_schedule_is_repaired_as_a_budget_schedule() {
        let mut s = Settings::default();
        let mut spec = super::super::RunSpec::from_preset(
            &crate::preset::load_builtin("b01-quadratic").unwrap(),
        );
        spec.solver.pgd_qp.rule = crate::method::StepRule::Budget { a: 1.5, b: -1.0 };
        s.runs = vec![spec];
        let said = repair(&mut s).join("\n");
        assert!(said.contains("b (b) = -1"), "{said}");
        assert!(
            !said.contains("step (γ)"),
            "the resolved γ is not what the file held: {said}"
        );
        assert!(matches!(
            s.runs[0].solver.pgd_qp.rule,
            crate::method::StepRule::Budget { a, .. } if a == 1.5
        ));
    }

    #[test]
    fn two_bad_values_of_one_step_rule_are_both_put_right() {
        for rule in [
            crate::method::StepRule::Fixed {
                alpha: -1.0,
                step: -1.0,
            },
            crate::method::StepRule::Budget { a: -1.0, b: -1.0 },
        ] {
            let mut spec = super::super::RunSpec::from_preset(
                &crate::preset::load_builtin("b01-quadratic").unwrap(),
            );
            spec.solver.pgd_qp.rule = rule;
            let mut s = Settings {
                runs: vec![spec],
                ..Settings::default()
            };
            let said = repair(&mut s).join("\n");
            assert_eq!(said.matches("the default").count(), 2, "{said}");
            assert!(s.runs[0].solver.problems().is_empty(), "{rule:?}: {said}");
            assert!(s.runs[0].config().is_ok(), "the run can start");
        }
    }

    #[test]
    fn an_edit_too_long_to_apply_is_dropped_with_its_length() {
        let mut s = Settings {
            f_text: Some("x".repeat(4 << 20)),
            g_text: Some("y^2".into()),
            ..Settings::default()
        };
        let said = repair(&mut s).join("\n");
        assert!(said.contains("(4194304 and 3 bytes)"), "{said}");
        assert_eq!((s.f_text, s.g_text), (None, None));
    }
}
