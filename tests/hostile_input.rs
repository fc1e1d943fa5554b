//! Hostile and careless input to the expression parser and the preset
//! loader: random bytes, token soups, mutated presets, deep nesting, huge
//! texts and files, NUL and non-UTF-8 bytes always give an error value with
//! a position — never a panic or a stack overflow — and random *valid*
//! expressions evaluate as an independent evaluator written here says, with
//! derivatives that match central differences where the function is smooth.
//!
//! Case counts and the seed are fixed, so every run sees the same cases and
//! a failure reproduces; `PROPTEST_RNG_SEED=<n>` explores other cases. Each
//! property prints how many cases it ran (see `--nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::expr::{ExprError, MAX_DEPTH, MAX_LEN, Scope, Tape, parse};
use bilevel_lab::preset::{self, MAX_FILE_BYTES, PresetError};
use num_dual::Dual64;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::cell::Cell;

fn names() -> Vec<String> {
    vec!["x".into(), "y".into()]
}

fn parse_xy(text: &str) -> Result<Tape, ExprError> {
    let names = names();
    let constants = [("c".to_string(), 0.75)];
    parse(
        text,
        &Scope {
            variables: &names,
            constants: &constants,
        },
    )
}

/// An expression error must point inside (or just past) the text.
fn check_expr_error(text: &str, e: &ExprError) {
    assert!(e.offset <= text.len(), "{e:?} for {text:?}");
    assert!(e.line >= 1 && e.column >= 1, "{e:?}");
    assert!(e.line <= text.matches('\n').count() + 1, "{e:?}");
    assert!(!e.message.is_empty());
}

/// A preset error must name its source, and a position inside the text.
fn check_preset_error(text: &str, e: &PresetError) {
    assert_eq!(e.source, "fuzz.toml");
    assert!(!e.message.is_empty());
    if let Some((line, column)) = e.position {
        assert!(line >= 1 && column >= 1, "{e}");
        assert!(line <= text.matches('\n').count() + 1, "{e} for {text:?}");
    }
}

/// The seed every property draws from unless `PROPTEST_RNG_SEED` names
/// another: CI sees the same cases on every run, and a failure reproduces.
const SEED: u64 = 20_261_123;

fn runner(cases: u32) -> TestRunner {
    // `Config::default()` reads `PROPTEST_RNG_SEED`; left unset it is random.
    let config = Config::default();
    let rng_seed = match config.rng_seed {
        RngSeed::Random => RngSeed::Fixed(SEED),
        chosen => chosen,
    };
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        rng_seed,
        ..config
    })
}

#[test]
fn random_bytes_give_errors_with_positions() {
    let cases = 3000;
    let mut run = runner(cases);
    run.run(&prop::collection::vec(any::<u8>(), 0..600), |bytes| {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_xy(&text) {
            check_expr_error(&text, &e);
        }
        if let Err(e) = preset::load_str(&text, "fuzz.toml") {
            check_preset_error(&text, &e);
        }
        Ok(())
    })
    .unwrap();
    println!("random bytes: {cases} cases through the parser and the loader");
}

const EXPR_TOKENS: &[&str] = &[
    "x", "y", "c", "pi", "e", "(", ")", "+", "-", "*", "/", "^", "sin", "exp", "ln", "sqrt", "abs",
    "softplus", "1", "2.5", "1e308", "1e-320", ".", "1e", "0", ",", "@", "$", " ", "\n", "\t", "é",
    "∇", "z", "sin(", "x^", "((", "))", "--", "**",
];

#[test]
fn token_soups_give_errors_with_positions() {
    let cases = 6000;
    let soup = prop::collection::vec(prop::sample::select(EXPR_TOKENS), 0..80);
    let mut run = runner(cases);
    let parsed = Cell::new(0usize);
    run.run(&soup, |tokens| {
        let text = tokens.concat();
        match parse_xy(&text) {
            Ok(tape) => {
                parsed.set(parsed.get() + 1);
                // Whatever parsed evaluates without panicking, NaN or not.
                let _ = tape.eval(&[0.3, -1.7]);
                let _ = tape.eval(&[Dual64::new(0.3, 1.0), Dual64::from(-1.7)]);
            }
            Err(e) => check_expr_error(&text, &e),
        }
        Ok(())
    })
    .unwrap();
    println!(
        "expression token soups: {cases} cases, {} parsed",
        parsed.get()
    );
}

const TOML_TOKENS: &[&str] = &[
    "name",
    "description",
    "f",
    "g",
    "upper",
    "lower",
    "constants",
    "x",
    "y",
    "[start]",
    "[view]",
    "[solver]",
    "[reference]",
    "method",
    "step",
    "alpha",
    "rho",
    "=",
    "\"",
    "'''",
    "\"\"\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "#",
    "\n",
    " ",
    "1.5",
    "-2",
    "nan",
    "inf",
    "1e999",
    "\"pgd-qp\"",
    "\"qp1\"",
    "\"x^2\"",
    "\"(\"",
    "true",
    "\\",
    "\u{0}",
    "é",
];

#[test]
fn preset_token_soups_give_errors_with_positions() {
    let cases = 4000;
    let soup = prop::collection::vec(prop::sample::select(TOML_TOKENS), 0..120);
    let mut run = runner(cases);
    run.run(&soup, |tokens| {
        let text = tokens.concat();
        if let Err(e) = preset::load_str(&text, "fuzz.toml") {
            check_preset_error(&text, &e);
        }
        Ok(())
    })
    .unwrap();
    println!("preset token soups: {cases} cases");
}

/// Careless edits: a real preset with bytes deleted, inserted or replaced.
#[test]
fn mutated_presets_load_or_say_where_they_break() {
    let cases = 3000;
    let base = std::fs::read_to_string(format!(
        "{}/presets/b08-mitsos-barton-3-17.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let len = base.len();
    let edit = (0..len, 0u8..3, any::<u8>(), 1usize..8);
    let edits = prop::collection::vec(edit, 1..6);
    let mut run = runner(cases);
    let still_valid = Cell::new(0usize);
    run.run(&edits, |edits| {
        let mut bytes = base.clone().into_bytes();
        for (at, kind, byte, width) in edits {
            let at = at.min(bytes.len());
            match kind {
                0 => {
                    let end = (at + width).min(bytes.len());
                    bytes.drain(at..end);
                }
                1 => bytes
                    .splice(at..at, std::iter::repeat_n(byte, width))
                    .for_each(drop),
                _ => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b = byte;
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match preset::load_str(&text, "fuzz.toml") {
            Ok(_) => still_valid.set(still_valid.get() + 1),
            Err(e) => check_preset_error(&text, &e),
        }
        Ok(())
    })
    .unwrap();
    println!(
        "mutated B8 presets: {cases} cases, {} still valid",
        still_valid.get()
    );
}

#[test]
fn deep_nesting_and_huge_texts_are_refused_with_a_position() {
    // 10⁵ parentheses: longer than an expression may be.
    let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let e = parse_xy(&deep).unwrap_err();
    check_expr_error(&deep, &e);
    assert!(e.message.contains("limit"), "{e}");
    // Within the length limit but nested past the depth limit, four ways.
    let n = MAX_LEN / 2 - 1;
    for text in [
        format!("{}x{}", "(".repeat(n), ")".repeat(n)),
        format!("{}x", "-".repeat(MAX_LEN - 1)),
        format!("x{}", "^x".repeat(MAX_LEN / 2 - 1)),
        format!(
            "{}x{}",
            "sin(".repeat(MAX_LEN / 5 - 1),
            ")".repeat(MAX_LEN / 5 - 1)
        ),
    ] {
        let e = parse_xy(&text).unwrap_err();
        check_expr_error(&text, &e);
        assert!(
            e.message.contains("deep") || e.message.contains("nest"),
            "{e}"
        );
        assert!(
            e.column > MAX_DEPTH / 2,
            "points at the depth it gave up: {e}"
        );
    }
    // A 10⁶-character formula.
    let long = "x + ".repeat(250_000) + "y";
    let e = parse_xy(&long).unwrap_err();
    check_expr_error(&long, &e);
    assert_eq!(e.offset, MAX_LEN);
    // A long but flat chain within the limit is fine: chains do not recurse.
    let flat = "x + ".repeat(MAX_LEN / 4 - 1) + "y";
    assert!(parse_xy(&flat).is_ok());
    // The same nesting inside a preset's TOML (arrays and inline tables).
    for text in [
        format!(
            "name = \"a\"\nf = {}{}\n",
            "[".repeat(300_000),
            "]".repeat(300_000)
        ),
        format!("a = {}1{}\n", "{b = ".repeat(100_000), "}".repeat(100_000)),
        format!(
            "name = \"a\"\nf = \"{}x{}\"\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    ] {
        let e = preset::load_str(&text, "fuzz.toml").unwrap_err();
        check_preset_error(&text, &e);
    }
}

#[test]
fn huge_files_nul_and_non_utf8_bytes_are_refused_with_a_position() {
    let dir = std::env::temp_dir().join(format!("bilevel-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 100 MB (sparse): refused by its size, without being read.
    let big = dir.join("big.toml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    let e = preset::load_path(&big).unwrap_err();
    assert!(e.message.contains(&MAX_FILE_BYTES.to_string()), "{e}");
    assert!(e.source.ends_with("big.toml"));
    // The same text in memory (an editor paste) is refused too.
    let text = "#".repeat(MAX_FILE_BYTES as usize + 1);
    assert!(preset::load_str(&text, "fuzz.toml").is_err());
    // NUL and invalid UTF-8 on line 3.
    let nul = dir.join("nul.toml");
    std::fs::write(&nul, b"name = \"a\"\n\nf = \"x\0\"\n").unwrap();
    let e = preset::load_path(&nul).unwrap_err();
    assert_eq!(e.position, Some((3, 7)), "{e}");
    let latin1 = dir.join("latin1.toml");
    std::fs::write(&latin1, b"name = \"a\"\n\nf = \"x\xe9\"\n").unwrap();
    let e = preset::load_path(&latin1).unwrap_err();
    assert_eq!(e.position, Some((3, 7)), "{e}");
    assert!(e.message.contains("UTF-8"));
    // A directory, and a file that is not there.
    assert!(preset::load_path(&dir).is_err());
    assert!(preset::load_path(&dir.join("missing.toml")).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

/// A random expression in x and y, printed fully parenthesised.
#[derive(Debug, Clone)]
enum E {
    X,
    Y,
    C,
    Num(f64),
    Neg(Box<E>),
    Bin(char, Box<E>, Box<E>),
    Call(&'static str, Box<E>),
}

const FUNCS: &[&str] = &[
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "ln", "log",
    "sqrt", "abs", "sigmoid", "softplus",
];

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        3 => Just(E::X),
        3 => Just(E::Y),
        1 => Just(E::C),
        3 => prop::sample::select(&[0.5, 1.0, 2.0, 3.0, 0.1, 1.5, 2.5, 10.0, 4.0][..]).prop_map(E::Num),
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            1 => inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            4 => (prop::sample::select(&['+', '-', '*', '/', '^'][..]), inner.clone(), inner.clone())
                .prop_map(|(op, a, b)| E::Bin(op, Box::new(a), Box::new(b))),
            2 => (prop::sample::select(FUNCS), inner)
                .prop_map(|(f, a)| E::Call(f, Box::new(a))),
        ]
    })
}

impl E {
    fn print(&self) -> String {
        match self {
            E::X => "x".into(),
            E::Y => "y".into(),
            E::C => "c".into(),
            E::Num(v) => format!("{v}"),
            E::Neg(a) => format!("(-{})", a.print()),
            E::Bin(op, a, b) => format!("({} {op} {})", a.print(), b.print()),
            E::Call(f, a) => format!("{f}({})", a.print()),
        }
    }

    fn constant(&self) -> bool {
        match self {
            E::X | E::Y => false,
            E::C | E::Num(_) => true,
            E::Neg(a) | E::Call(_, a) => a.constant(),
            E::Bin(_, a, b) => a.constant() && b.constant(),
        }
    }

    /// The value at (x, y) by direct recursion, written from the language's
    /// definition (not from the tape), and the largest magnitude met on the
    /// way — the scale rounding errors are relative to. With a `nudge` every
    /// operation's result is multiplied by 1 + nudge (see below); NaN when
    /// any intermediate is not finite.
    fn eval(&self, x: f64, y: f64, nudge: f64, scale: &mut f64) -> f64 {
        let v = match self {
            E::X => x,
            E::Y => y,
            E::C => 0.75,
            E::Num(v) => *v,
            E::Neg(a) => -a.eval(x, y, nudge, scale),
            E::Bin(op, a, b) => {
                let (u, w) = (a.eval(x, y, nudge, scale), b.eval(x, y, nudge, scale));
                match op {
                    '+' => u + w,
                    '-' => u - w,
                    '*' => u * w,
                    '/' => u / w,
                    // A constant integer exponent is an exact power (negative
                    // bases allowed); anything else is the real power.
                    _ if b.constant() && !a.constant() && w == w.round() && w.abs() <= 1024.0 => {
                        u.powi(w as i32)
                    }
                    _ => u.powf(w),
                }
            }
            E::Call(f, a) => {
                let t = a.eval(x, y, nudge, scale);
                match *f {
                    "sin" => t.sin(),
                    "cos" => t.cos(),
                    "tan" => t.tan(),
                    "asin" => t.asin(),
                    "acos" => t.acos(),
                    "atan" => t.atan(),
                    "sinh" => t.sinh(),
                    "cosh" => t.cosh(),
                    "tanh" => t.tanh(),
                    "exp" => t.exp(),
                    "ln" | "log" => t.ln(),
                    "sqrt" => t.sqrt(),
                    "abs" => t.abs(),
                    "sigmoid" => 1.0 / (1.0 + (-t).exp()),
                    // ln(1 + u) by ln_1p: with 1.0 + u the sum rounds away
                    // u's digits when t is very negative.
                    _ => t.exp().ln_1p(),
                }
            }
        };
        // Every operation's result scaled by 1 + nudge: a nudge of a few ulps
        // shows how much rounding inside the formula can move its value.
        let v = match self {
            E::X | E::Y | E::C | E::Num(_) => v,
            _ => v * (1.0 + nudge),
        };
        // An intermediate that overflowed (or is undefined) poisons the
        // whole value: the literal formula has lost the answer there (e.g.
        // ln(1 + e^t) for t > 709, where the tape's stable form still has
        // one), so the reference no longer vouches for the case.
        if !v.is_finite() {
            return f64::NAN;
        }
        *scale = scale.max(v.abs());
        v
    }
}

#[test]
fn valid_expressions_match_an_independent_evaluator_and_their_derivatives() {
    let cases = 3000;
    let point = (-2.0f64..2.0, -2.0f64..2.0);
    let mut run = runner(cases);
    let (values, derivatives) = (Cell::new(0usize), Cell::new(0usize));
    run.run(&(expr(), point), |(e, (x, y))| {
        let text = e.print();
        let mut scale = 1.0;
        let want = e.eval(x, y, 0.0, &mut scale);
        let tape = match parse_xy(&text) {
            Ok(tape) => tape,
            // A constant part with no finite value (asin(1.5), 10^400) is
            // refused as the literal 1e400 is; the reference, poisoned by
            // that intermediate, has no value there either.
            Err(err) if err.to_string().contains("the constant `") => {
                prop_assert!(
                    !want.is_finite(),
                    "{text}: refused ({err}) but worth {want}"
                );
                return Ok(());
            }
            Err(err) => return Err(TestCaseError::fail(format!("{text}: {err}"))),
        };
        let got: f64 = tape.eval(&[x, y]);
        if !want.is_finite() {
            return Ok(());
        }
        let nudged = |nudge: f64| e.eval(x, y, nudge, &mut 1.0);
        let spread = (nudged(4.0 * f64::EPSILON) - nudged(-4.0 * f64::EPSILON)).abs();
        let spread = if spread.is_nan() {
            f64::INFINITY
        } else {
            spread
        };
        values.set(values.get() + 1);
        prop_assert!(
            (got - want).abs() <= 1e-9 * scale,
            "{text} at ({x}, {y}): tape {got}, reference {want}"
        );
        // ∂/∂x and ∂/∂y by forward mode against central differences of the
        // reference, where three step sizes agree: the function is smooth
        // and well conditioned at that scale. (Where it oscillates faster
        // than the step, e.g. sin(e^(10y)), or rounding dominates, the three
        // quotients are unrelated numbers; a bound scaled by the largest
        // intermediate would let two of them "agree" by being loose.)
        for i in 0..2 {
            let seed = |j: usize, v: f64| Dual64::new(v, if i == j { 1.0 } else { 0.0 });
            let ad = tape.eval(&[seed(0, x), seed(1, y)]).eps;
            let fd = |h: f64| {
                let (mut s1, mut s2) = (1.0, 1.0);
                let (p, m) = if i == 0 {
                    (
                        e.eval(x + h, y, 0.0, &mut s1),
                        e.eval(x - h, y, 0.0, &mut s2),
                    )
                } else {
                    (
                        e.eval(x, y + h, 0.0, &mut s1),
                        e.eval(x, y - h, 0.0, &mut s2),
                    )
                };
                (p - m) / (2.0 * h)
            };
            let (coarse, fine, finer) = (fd(1e-4), fd(5e-5), fd(2.5e-5));
            if ![coarse, fine, finer, ad].iter().all(|v| v.is_finite()) {
                continue;
            }
            // Rounding: the values the quotients subtract are off by as much
            // as a few ulps in any intermediate move the result (`spread`),
            // and the quotient divides that by the step — in x + 1e30 all
            // three agree on 0, and in acos(y / y) ^ x the dual numbers'
            // y · (1/y) = 1 − ulp lands where acos is infinitely steep.
            let agree = 1e-5 * (1.0 + fine.abs());
            if spread / 2.5e-5 > agree
                || (coarse - fine).abs() > agree
                || (fine - finer).abs() > agree
            {
                continue;
            }
            let tol = 1e-4 * (1.0 + fine.abs());
            derivatives.set(derivatives.get() + 1);
            prop_assert!(
                (ad - fine).abs() <= tol,
                "∂{} of {text} at ({x}, {y}): AD {ad}, differences {fine}",
                ["x", "y"][i]
            );
        }
        Ok(())
    })
    .unwrap();
    println!(
        "valid expressions: {cases} cases, {} values compared, {} partial derivatives compared",
        values.get(),
        derivatives.get()
    );
    // The property must not pass by skipping: most cases are compared.
    assert!(values.get() > cases as usize / 2, "{}", values.get());
    assert!(
        derivatives.get() > cases as usize / 2,
        "{}",
        derivatives.get()
    );
}
