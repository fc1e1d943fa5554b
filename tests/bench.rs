//! The bench's UI path, without timing anything: the real app on a headless
//! egui context streams a run into its data model and draws frames whose
//! point count does not grow with the run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::bench::{HeadlessApp, peak_rss_mb};

#[test]
fn the_headless_app_streams_a_run_to_its_budget_and_draws_frames() {
    let iterations = 30_000;
    let mut headless = HeadlessApp::new(iterations).unwrap();
    let rate = headless.stream(iterations).unwrap();
    assert!(rate.is_finite() && rate > 0.0, "{rate}");
    let app = headless.app();
    assert!(app.runs_reached(iterations));
    assert!(app.iteration() >= iterations - 1, "{}", app.iteration());
    assert!(
        app.history_len() as u64 >= iterations,
        "every iteration kept"
    );
    let frames = headless.frame_ms(3).unwrap();
    assert_eq!(frames.len(), 3);
    assert!(frames.iter().all(|ms| ms.is_finite() && *ms > 0.0));
    assert!(headless.app().has_landscape());
}

#[test]
fn peak_memory_is_read_where_the_system_reports_it() {
    if cfg!(target_os = "linux") {
        let mb = peak_rss_mb().unwrap();
        assert!(mb > 1.0 && mb < 1e6, "{mb}");
    }
}
