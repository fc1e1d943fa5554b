use super::*;
use crate::problem::Problem;

fn spec() -> CleaningSpec {
    CleaningSpec {
        train: 300,
        validation: 100,
        test: 100,
        components: 10,
        corrupt: 0.3,
        seed: 7,
        ridge: 1e-3,
    }
}

#[test]
fn the_bundled_digits_are_the_uci_set() {
    let t = digits().unwrap();
    assert_eq!(t.features.shape(), (1797, 64));
    assert_eq!(t.classes, 10);
    let Features::Numbers(m) = &t.features else {
        panic!("CSV gives numbers")
    };
    assert!(
        m.iter()
            .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0)
    );
    for digit in 0..10 {
        let count = t.labels.iter().filter(|&&l| l == digit).count();
        assert!((170..=190).contains(&count), "digit {digit}: {count}");
    }
}

#[test]
fn csv_rows_are_features_then_label_with_an_optional_header() {
    let t = parse_csv(b"a,b,label\n1, 2, 0\n3,4,2\n\n5,6,1\n").unwrap();
    assert_eq!(
        t.features,
        Features::Numbers(DMatrix::from_row_slice(
            3,
            2,
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        ))
    );
    assert_eq!(t.labels, vec![0, 2, 1]);
    assert_eq!(t.classes, 3);
    // Labels that skip numbers are numbered densely: no empty class for
    // the corruption to draw.
    let t = parse_csv(b"1,10\n2,3\n3,10\n4,7\n").unwrap();
    assert_eq!((t.labels, t.classes), (vec![2, 0, 2, 1], 3));
}

#[test]
fn bad_tables_get_one_line_that_says_where() {
    for (text, says) in [
        (
            "1,2,0\n3,1\n",
            "line 2: 1 features where the first row has 2",
        ),
        ("1,2,0\n3,x,1\n", "line 2: a field is not a number"),
        (
            "1,2,0\n3,4,1.5\n",
            "line 2: the label 1.5 is not a whole number",
        ),
        ("1,2,0\n3,4,-1\n", "line 2: the label -1 is not"),
        ("1,inf,0\n", "line 1: feature 2 is not finite"),
        ("1,2,4\n3,4,4\n", "every row has the same label"),
        ("", "no rows of data"),
        ("7\n", "line 1: a row needs features and a label"),
    ] {
        let e = parse_csv(text.as_bytes()).unwrap_err();
        assert!(e.contains(says), "{text:?}: {e}");
        assert!(!e.contains('\n'));
    }
}

#[test]
fn gzip_is_read_and_bounded() {
    let e = gunzip(b"\x1f\x8b not really").unwrap_err();
    assert!(e.starts_with("not valid gzip data"), "{e}");
    // The bound holds on the output, however small the input: a 57 kB
    // file that expands to 270 kB, read with a 100 kB cap.
    let e = gunzip_capped(DIGITS_GZ, 100_000).unwrap_err();
    assert_eq!(
        e,
        "decompresses to more than 100000 bytes; that is the limit"
    );
    assert!(gunzip_capped(DIGITS_GZ, 400_000).is_ok());
    // Two gzip members one after the other, as `cat a.gz b.gz` makes them.
    let member = |text: &str| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let both = [member("1,0\n2,1\n"), member("3,0\n")].concat();
    assert_eq!(
        parse_csv(&gunzip(&both).unwrap()).unwrap().labels,
        vec![0, 1, 0]
    );
    let dir = std::env::temp_dir().join(format!("bl-dataset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("digits.csv.gz");
    std::fs::write(&gz, DIGITS_GZ).unwrap();
    assert_eq!(read_path(&gz).unwrap(), digits().unwrap());
    let plain = dir.join("small.csv");
    std::fs::write(&plain, "0.5,1\n0.25,0\n").unwrap();
    assert_eq!(read_path(&plain).unwrap().labels, vec![1, 0]);
    let e = read_path(&dir.join("missing.csv")).unwrap_err();
    assert!(e.ends_with("missing.csv: no such file"), "{e}");
    // A directory is read as IDX files, and this one has none.
    let e = read_path(&dir).unwrap_err();
    assert!(
        e.contains("a directory, but without MNIST's IDX files"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_task_splits_projects_and_corrupts_as_asked() {
    let table = digits().unwrap();
    let task = prepare(&spec(), &table).unwrap();
    let p = &task.problem;
    assert_eq!(p.dims(), crate::problem::Dims { n: 300, m: 11 * 10 });
    assert_eq!((p.validation().len(), task.test.len()), (100, 100));
    assert_eq!(task.corrupted.iter().filter(|&&c| c).count(), 90);
    assert!(task.variance_kept > 0.5 && task.variance_kept < 1.0);
    // Components are centred with unit variance on the training rows; the
    // last feature is the constant 1.
    let a = &p.train().features;
    for j in 0..10 {
        let col = a.column(j);
        assert!(col.mean().abs() < 1e-10);
        assert!((col.variance() * 300.0 / 299.0 - 1.0).abs() < 1e-10);
    }
    assert!(a.column(10).iter().all(|&v| v == 1.0));
    // The same seed, the same task; corrupted labels differ from the clean ones.
    let again = prepare(&spec(), &table).unwrap();
    assert_eq!(again.corrupted, task.corrupted);
    assert_eq!(again.problem.train(), p.train());
    let clean = prepare(
        &CleaningSpec {
            corrupt: 0.0,
            ..spec()
        },
        &table,
    )
    .unwrap();
    for (i, &c) in task.corrupted.iter().enumerate() {
        let (noisy, true_label) = (p.train().labels[i], clean.problem.train().labels[i]);
        assert_eq!(noisy != true_label, c, "sample {i}");
    }
}

#[test]
fn the_start_is_the_model_trained_with_equal_weights() {
    let task = prepare(&spec(), &digits().unwrap()).unwrap();
    let z: Vec<f64> = task.start_x.iter().chain(&task.start_y).copied().collect();
    let mut grad = vec![0.0; z.len()];
    task.problem.grad_g(&z, &mut grad);
    let n = task.start_x.len();
    assert!(task.start_x.iter().all(|&x| x == 0.0));
    assert!(grad[n..].iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-10);
    let report = task.report(&z);
    // The task keeps this report as its "no cleaning" (precision is NaN
    // with nothing flagged, so fields are compared).
    let kept = task.no_cleaning;
    assert_eq!(
        (kept.test_accuracy, kept.validation_accuracy, kept.flagged),
        (
            report.test_accuracy,
            report.validation_accuracy,
            report.flagged
        )
    );
    assert_eq!((report.flagged, report.f1), (0, 0.0));
    assert!(report.precision.is_nan());
    // Trained on 30 % wrong labels it is still far better than chance.
    assert!(report.test_accuracy > 0.5, "{report:?}");
}

#[test]
fn the_f1_score_counts_flagged_corrupted_samples() {
    let task = prepare(&spec(), &digits().unwrap()).unwrap();
    let mut z: Vec<f64> = task.start_x.iter().chain(&task.start_y).copied().collect();
    // Flag the first 60 corrupted samples and 20 clean ones.
    let corrupted: Vec<usize> = (0..300).filter(|&i| task.corrupted[i]).take(60).collect();
    let clean: Vec<usize> = (0..300).filter(|&i| !task.corrupted[i]).take(20).collect();
    for &i in corrupted.iter().chain(&clean) {
        z[i] = -1.0;
    }
    let r = task.report(&z);
    assert_eq!((r.flagged, r.flagged_corrupted), (80, 60));
    assert_eq!(r.precision, 0.75);
    assert!((r.recall - 60.0 / 90.0).abs() < 1e-15);
    let f1 = 2.0 * 0.75 * (60.0 / 90.0) / (0.75 + 60.0 / 90.0);
    assert!((r.f1 - f1).abs() < 1e-15);
}

#[test]
fn impossible_specs_are_refused_in_one_line() {
    let table = digits().unwrap();
    for (changed, says) in [
        (
            CleaningSpec {
                train: 1700,
                ..spec()
            },
            "= 1900 samples, but the data has 1797",
        ),
        (
            CleaningSpec { test: 0, ..spec() },
            "each need at least one sample",
        ),
        (
            CleaningSpec {
                components: 65,
                ..spec()
            },
            "components = 65 must be between 1 and 64",
        ),
        (
            CleaningSpec {
                corrupt: 1.0,
                ..spec()
            },
            "corrupt = 1 must be in [0, 1)",
        ),
        (
            CleaningSpec {
                ridge: 0.0,
                ..spec()
            },
            "ridge = 0 must be a positive number",
        ),
        (
            CleaningSpec {
                validation: usize::MAX,
                ..spec()
            },
            "is more than the data's 1797 samples",
        ),
    ] {
        let e = prepare(&changed, &table).unwrap_err();
        assert!(e.contains(says), "{e}");
    }
    // 300 classes × (9 components + bias) model weights are too many.
    let wide = Table {
        features: Features::Numbers(DMatrix::from_fn(900, 10, |i, j| {
            ((i * 7 + j * 3) % 11) as f64
        })),
        labels: (0..900).map(|i| i % 300).collect(),
        classes: 300,
    };
    let e = prepare(
        &CleaningSpec {
            components: 9,
            ..spec()
        },
        &wide,
    )
    .unwrap_err();
    assert!(
        e.contains("(components + 1) × classes = 3000 model weights; at most 2000"),
        "{e}"
    );
    // Constant pixels carry no variance: the digits' first pixel is always 0.
    let e = prepare(
        &CleaningSpec {
            components: 64,
            ..spec()
        },
        &table,
    )
    .unwrap_err();
    assert!(e.contains("components carry variance"), "{e}");
}
