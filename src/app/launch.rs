//! Opening the window as the command line asked: the launch options, the
//! scripted screenshot, the window's size limits and icon.

use super::*;

/// What `--screenshot` asked for.
#[derive(Debug, Clone)]
pub struct ScreenshotJob {
    /// Where to write the PNG.
    pub path: PathBuf,
    /// Iterations to run first.
    pub iterations: u64,
    /// Also compute the basin map and the sweep first (and show both).
    pub explore: bool,
    /// Set once the PNG is written (or failed): the outcome for the CLI.
    pub outcome: Arc<Mutex<Option<Result<(), String>>>>,
    /// The maps' progress on stderr while `explore` computes them.
    pub progress: export::ShotProgress,
}

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// A preset to open instead of the remembered one.
    pub preset: Option<(PresetSource, Preset)>,
    /// The preset's run was configured on the command line (method,
    /// parameters, budget, start or view): it replaces the remembered runs
    /// even when the remembered session is on the same preset.
    pub fresh_runs: bool,
    /// Run, save a PNG of the window and exit.
    pub screenshot: Option<ScreenshotJob>,
    /// Where the settings are kept (see [`settings_file`]); `None` keeps
    /// them in eframe's storage only (tests, scripted screenshots).
    pub settings_file: Option<PathBuf>,
    /// How teaching mode starts.
    pub teaching: TeachLaunch,
    /// The window's size in points, instead of the default or the size it
    /// had last.
    pub size: Option<[f32; 2]>,
    /// Ask for files with the typed-path field, never the desktop's dialog
    /// (`--typed-paths`: a desktop whose file-chooser portal hangs).
    pub typed_paths: bool,
    /// Open with the first two runs side by side (`--split`).
    pub split: bool,
    /// Constants moved as their sliders would move them (`--constant`).
    pub constants: Vec<(String, f64)>,
    /// Open the Experiments window and run its default experiment.
    pub experiments: bool,
}

/// Teaching options from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct TeachLaunch {
    /// Start in the lecture view.
    pub lecture: bool,
    /// Use the light theme.
    pub light: bool,
    /// Open this tour stop (0-based) and play it.
    pub tour: Option<usize>,
    /// Open "Explain this step".
    pub explain: bool,
    /// Show this stage of the step.
    pub stage: Option<crate::teaching::Stage>,
}

/// Decodes the window icon shipped in `assets/icon.png`.
fn icon() -> Option<egui::IconData> {
    let decoder = png::Decoder::new(std::io::Cursor::new(
        include_bytes!("../../assets/icon.png").as_slice(),
    ));
    let mut reader = decoder.read_info().ok()?;
    let mut rgba = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut rgba).ok()?;
    (info.color_type == png::ColorType::Rgba).then_some(egui::IconData {
        rgba,
        width: info.width,
        height: info.height,
    })
}

/// The smallest window the app lays out sensibly, in points.
pub const MIN_WINDOW: [f32; 2] = [800.0, 560.0];

/// The largest window side asked for, in points.
const MAX_WINDOW: f32 = 16384.0;

/// Whether the app can open a window of `size` points; if not, why.
pub fn check_size(size: [f32; 2]) -> Result<(), String> {
    for ((v, min), what) in size.into_iter().zip(MIN_WINDOW).zip(["width", "height"]) {
        if !(min..=MAX_WINDOW).contains(&v) {
            return Err(format!("the {what} {v} is outside {min}–{MAX_WINDOW}"));
        }
    }
    Ok(())
}

/// Opens the window and runs until it is closed.
pub fn launch(launch: Launch) -> Result<(), String> {
    let scripted = launch.screenshot.is_some();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("bilevel-lab")
        .with_inner_size(launch.size.unwrap_or([1440.0, 900.0]))
        .with_min_inner_size(MIN_WINDOW);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        // A scripted screenshot neither reads nor overwrites the user's session.
        persistence_path: scripted
            .then(|| std::env::temp_dir().join(format!("bilevel-lab-shot-{}", std::process::id()))),
        // A size asked for wins over the one remembered.
        persist_window: !scripted && launch.size.is_none(),
        ..Default::default()
    };
    let outcome = launch.screenshot.as_ref().map(|job| job.outcome.clone());
    eframe::run_native(
        "bilevel-lab",
        options,
        Box::new(move |cc| {
            let app = if scripted {
                BilevelApp::with_settings(&cc.egui_ctx, None, launch)
            } else {
                BilevelApp::new(cc, launch)
            };
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("could not open the window: {e}"))?;
    match outcome {
        Some(outcome) => match outcome.lock().ok().and_then(|mut o| o.take()) {
            Some(result) => result,
            None => Err("the window closed before the screenshot was taken".into()),
        },
        None => Ok(()),
    }
}

/// A scripted picture has no pointer: wherever the (virtual) display put
/// it, no hover crosshair or tooltip is baked into the PNG.
pub(super) fn without_pointer(events: &mut Vec<egui::Event>) {
    events.retain(|e| {
        !matches!(
            e,
            egui::Event::PointerMoved(_)
                | egui::Event::MouseMoved(_)
                | egui::Event::PointerButton { .. }
        )
    });
    events.push(egui::Event::PointerGone);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scripted_screenshot_sees_no_pointer() {
        use eframe::egui::{Event, PointerButton, pos2};
        let mut events = vec![
            Event::PointerMoved(pos2(700.0, 400.0)),
            Event::PointerButton {
                pos: pos2(700.0, 400.0),
                button: PointerButton::Primary,
                pressed: true,
                modifiers: Default::default(),
            },
            Event::Zoom(2.0),
        ];
        without_pointer(&mut events);
        assert_eq!(events, vec![Event::Zoom(2.0), Event::PointerGone]);
    }
}
