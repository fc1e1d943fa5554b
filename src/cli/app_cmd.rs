//! Opening the app from the command line: the preset, configured by the
//! same method, parameter, budget and start options as `run`, the view,
//! teaching mode, the window's size and a scripted screenshot.

use super::CliError;
use super::args::{Cli, Common};
use crate::preset::{self, Preset, PresetSource, View};

/// Whether any option that configures the preset's run or view was given.
fn configures(cli: &Cli) -> bool {
    cli.common.iterations.is_some() || configures_beyond_budget(cli)
}

/// The same, but for the budget (which also counts a screenshot's
/// iterations, and so goes with a tour stop).
fn configures_beyond_budget(cli: &Cli) -> bool {
    let c = &cli.common;
    configures_the_run(cli)
        || !c.constants.is_empty()
        || cli.split.is_some()
        || cli.view.view.is_some()
}

/// Whether a method, parameter, tolerance or start option was given: what
/// the preset's one run is made of (a session's runs are its own).
fn configures_the_run(cli: &Cli) -> bool {
    let p = &cli.params;
    let c = &cli.common;
    let any_param = p.method.is_some()
        || p.rho.is_some()
        || p.alpha.is_some()
        || p.step.is_some()
        || p.epsilon.is_some()
        || p.dt.is_some()
        || p.integrator.is_some()
        || p.w.is_some()
        || p.band.is_some()
        || p.line_search.is_some()
        || p.eta.is_some()
        || p.phi.is_some()
        || p.inner_steps.is_some()
        || p.inner_step.is_some()
        || p.gamma.is_some()
        || p.ramp.is_some()
        || p.cg_iterations.is_some()
        || p.budget_a.is_some()
        || p.budget_b.is_some();
    any_param || c.tolerance.is_some() || c.x0.is_some() || c.y0.is_some()
}

/// `--view x1,x2,y1,y2`.
pub(super) fn view(values: &[f64]) -> Result<View, CliError> {
    let bad = |why: String| CliError::Message(format!("--view: {why}"));
    match values {
        [x1, x2, y1, y2] => View::from_bounds([*x1, *x2], [*y1, *y2]).map_err(bad),
        _ => Err(bad(format!(
            "{} numbers given; it takes four: x1,x2,y1,y2",
            values.len()
        ))),
    }
}

/// The preset to open, configured as the options ask; `None` to reopen
/// the remembered one (no preset and nothing to configure).
fn configured_preset(cli: &Cli) -> Result<Option<(PresetSource, Preset)>, CliError> {
    if let Some(n) = cli.tour
        && configures_beyond_budget(cli)
    {
        return Err(CliError::Message(format!(
            "--tour {n} sets up its own preset and runs: the method, parameter, start and view options do not go with it"
        )));
    }
    let configures = configures(cli);
    let (source, mut preset) = match cli.preset.as_deref() {
        Some(name) => PresetSource::open(name)?,
        None if cli.screenshot.is_some() || configures => {
            let id = preset::DEFAULT_PRESET;
            (PresetSource::Builtin(id.into()), preset::load_builtin(id)?)
        }
        None => return Ok(None),
    };
    if !preset.runs.is_empty() && configures_the_run(cli) {
        return Err(CliError::Message(format!(
            "{} is a session with {} runs of its own: the method, parameter, tolerance and start options do not go with it (change its runs in the app, or run one with `bilevel-lab run`)",
            source.label(),
            preset.runs.len()
        )));
    }
    // A screenshot of iteration 0 runs nothing; the budget stays the preset's.
    let common = Common {
        iterations: cli
            .common
            .iterations
            .filter(|k| *k != 0 || cli.screenshot.is_none()),
        ..cli.common.clone()
    };
    // The constants are checked here, and moved in the app as its sliders
    // would move them (the preset stays the preset: its text and answer
    // are about its own values, and the panel says which moved).
    super::run_cmd::configure(&mut preset.clone(), &cli.params, &common)?;
    let common = Common {
        constants: Vec::new(),
        ..common
    };
    super::run_cmd::configure(&mut preset, &cli.params, &common)?;
    if let Some(values) = &cli.view.view {
        preset.view = Some(view(values)?);
    }
    if let Some(method) = &cli.split {
        split_runs(&mut preset, method)?;
    }
    Ok(Some((source, preset)))
}

/// `--split METHOD`: the preset's run beside a run of METHOD from the same
/// start (the method's own defaults unless it is the preset's method);
/// `--split` alone needs a session with two runs or more.
fn split_runs(preset: &mut Preset, method: &str) -> Result<(), CliError> {
    if method.ends_with(".toml") || std::path::Path::new(method).exists() {
        return Err(CliError::Message(format!(
            "--split {method}: --split takes a method name; put the preset first: bilevel-lab {method} --split"
        )));
    }
    if method.is_empty() {
        return match preset.runs.len() {
            0 | 1 => Err(CliError::Message(
                "--split: the preset has one run; name a method to run beside it (--split bome) or open a session with two runs or more".into(),
            )),
            _ => Ok(()),
        };
    }
    let kind = crate::method::MethodKind::parse(method.trim()).ok_or_else(|| {
        CliError::Message(format!(
            "--split {method}: unknown method; known: {}",
            crate::method::MethodKind::names()
        ))
    })?;
    let start = preset.start();
    preset.runs = vec![
        preset::PresetRun {
            solver: preset.solver,
            start: start.clone(),
        },
        preset::PresetRun {
            solver: preset.solver.with_method(kind),
            start,
        },
    ];
    Ok(())
}

/// Opens the app (feature `gui`).
#[cfg(feature = "gui")]
pub(super) fn open_app(cli: &Cli) -> Result<(), CliError> {
    use super::refuse_overwriting_input;
    use crate::app::{Launch, ScreenshotJob};
    if let Some(size) = cli.size {
        crate::app::check_size(size)
            .map_err(|e| CliError::Message(format!("--size {}x{}: {e}", size[0], size[1])))?;
    }
    let preset = configured_preset(cli)?;
    let screenshot = match &cli.screenshot {
        Some(path) => {
            if let Some(name) = cli.preset.as_deref() {
                refuse_overwriting_input("--screenshot", path, name)?;
            }
            Some(ScreenshotJob {
                path: path.clone(),
                iterations: cli.common.iterations.map_or(0, |k| k.max(0) as u64),
                explore: cli.explore,
                outcome: Default::default(),
                progress: Default::default(),
            })
        }
        None => None,
    };
    // A scripted screenshot neither reads nor overwrites the user's settings.
    let settings_file = if screenshot.is_some() {
        None
    } else {
        crate::app::settings_file::default_path()
    };
    let teaching = crate::app::TeachLaunch {
        lecture: cli.lecture,
        light: cli.light,
        tour: cli.tour.map(|n| usize::from(n) - 1),
        explain: cli.explain || cli.stage.is_some(),
        stage: cli
            .stage
            .and_then(|n| crate::teaching::Stage::ALL.get(usize::from(n) - 1).copied()),
    };
    crate::app::launch(Launch {
        preset,
        fresh_runs: configures(cli),
        screenshot,
        settings_file,
        teaching,
        size: cli.size,
        typed_paths: cli.typed_paths,
        split: cli.split.is_some(),
        constants: super::run_cmd::constants(&cli.common)?,
        experiments: cli.experiments,
    })
    .map_err(CliError::Message)
}

/// Without the `gui` feature there is no window to open.
#[cfg(not(feature = "gui"))]
pub(super) fn open_app(cli: &Cli) -> Result<(), CliError> {
    configured_preset(cli)?;
    Err(CliError::Message(
        "this build has no app (built without the `gui` feature); use `bilevel-lab run PRESET`"
            .into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::MethodKind;
    use clap::{CommandFactory, Parser};

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("bilevel-lab").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn the_app_takes_every_option_of_run_but_its_outputs() {
        let app = Cli::command();
        let run = app.find_subcommand("run").expect("run");
        let longs = |c: &clap::Command| -> Vec<String> {
            c.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect()
        };
        let (app_longs, run_longs) = (longs(&app), longs(run));
        for long in run_longs {
            if matches!(long.as_str(), "csv" | "every" | "json" | "help") {
                continue;
            }
            assert!(app_longs.contains(&long), "the app lacks --{long}");
        }
    }

    #[test]
    fn the_app_configures_its_preset_as_run_does() {
        let flags = [
            "--method",
            "BOME",
            "--step",
            "0.1",
            "--x0",
            "0.5",
            "--y0",
            "0",
            "--iterations",
            "200",
        ];
        let app = cli(&[&["b01"][..], &flags, &["--view", "-1,2,-1.5,1.5"]].concat());
        let (source, p) = configured_preset(&app).unwrap().unwrap();
        assert_eq!(source, PresetSource::Builtin("b01-quadratic".into()));
        assert_eq!(p.solver.method, MethodKind::Bome);
        assert_eq!((p.solver.bome.step, p.solver.iterations), (0.1, 200));
        assert_eq!(
            (p.start_x.clone(), p.start_y.clone()),
            (vec![0.5], vec![0.0])
        );
        let v = p.view.unwrap();
        assert_eq!((v.x, v.y), ([-1.0, 2.0], [-1.5, 1.5]));
        // The same flags to `run` give the same solver and start.
        let Cli {
            command: Some(super::super::Command::Run(run)),
            ..
        } = cli(&[&["run", "b01-quadratic"][..], &flags].concat())
        else {
            panic!("run")
        };
        let mut q = preset::load_builtin("b01-quadratic").unwrap();
        super::super::run_cmd::configure(&mut q, &run.params, &run.common).unwrap();
        assert_eq!((q.solver, q.start()), (p.solver, p.start()));
    }

    #[test]
    fn without_options_the_remembered_preset_reopens_and_bad_ones_are_one_line() {
        assert!(configured_preset(&cli(&[])).unwrap().is_none());
        let (source, _) = configured_preset(&cli(&["--step", "0.2"]))
            .unwrap()
            .unwrap();
        assert_eq!(source, PresetSource::Builtin(preset::DEFAULT_PRESET.into()));
        // A picture of iteration 0 keeps the preset's budget.
        let (_, p) =
            configured_preset(&cli(&["b01", "--iterations", "0", "--screenshot", "x.png"]))
                .unwrap()
                .unwrap();
        assert_eq!(
            p.solver.iterations,
            preset::load_builtin("b01-quadratic")
                .unwrap()
                .solver
                .iterations
        );
        let message = |args: &[&str]| match configured_preset(&cli(args)) {
            Err(CliError::Message(m)) => m,
            other => panic!("{args:?}: {:?}", other.map(|p| p.map(|(s, _)| s))),
        };
        assert_eq!(
            message(&["b01", "--view", "1,2,3"]),
            "--view: 3 numbers given; it takes four: x1,x2,y1,y2"
        );
        assert!(
            message(&["b01", "--view", "0,1,2,2"]).contains("the y range 2..2 needs low < high")
        );
        assert!(message(&["b01", "--view", "0,1e9,0,1"]).contains("within ±1e6"));
        assert!(
            message(&["b01", "--method", "newton"]).starts_with("--method newton: unknown method")
        );
        assert!(
            message(&["b01", "--x0", "1,2"]).contains("--x0: 2 values given, the preset has 1")
        );
        assert!(message(&["b01", "--iterations", "0"]).contains("at least 1"));
        // A tour stop brings its own runs; only a screenshot's iterations go with it.
        assert!(message(&["--tour", "2", "--method", "bome"]).starts_with("--tour 2 sets up"));
        assert!(
            configured_preset(&cli(&[
                "--tour",
                "2",
                "--iterations",
                "45",
                "--screenshot",
                "x.png"
            ]))
            .is_ok()
        );
    }
}
