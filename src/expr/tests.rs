use super::*;
use num_dual::{Dual64, DualStruct};

fn vars() -> Vec<String> {
    vec!["x".into(), "y".into()]
}

fn eval_at(text: &str, x: f64, y: f64) -> f64 {
    let names = vars();
    let consts = vec![("a".to_string(), 2.0)];
    let scope = Scope {
        variables: &names,
        constants: &consts,
    };
    match parse(text, &scope) {
        Ok(tape) => tape.eval(&[x, y]),
        Err(e) => panic!("{text}: {e}"),
    }
}

fn error_of(text: &str) -> ExprError {
    let names = vars();
    let scope = Scope {
        variables: &names,
        constants: &[],
    };
    match parse(text, &scope) {
        Ok(_) => panic!("{text:?} should not parse"),
        Err(e) => e,
    }
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(eval_at("1 + 2 * 3", 0.0, 0.0), 7.0);
    assert_eq!(eval_at("(1 + 2) * 3", 0.0, 0.0), 9.0);
    assert_eq!(eval_at("2 ^ 3 ^ 2", 0.0, 0.0), 512.0);
    assert_eq!(eval_at("-x^2", 3.0, 0.0), -9.0);
    assert_eq!(eval_at("(-x)^2", 3.0, 0.0), 9.0);
    assert_eq!(eval_at("2^-1", 0.0, 0.0), 0.5);
    assert_eq!(eval_at("8 / 4 / 2", 0.0, 0.0), 1.0);
    assert_eq!(eval_at("8 - 4 - 2", 0.0, 0.0), 2.0);
    assert_eq!(eval_at("-2 * -3", 0.0, 0.0), 6.0);
    assert_eq!(eval_at("--x", 5.0, 0.0), 5.0);
    assert_eq!(eval_at("+x - -y", 1.0, 2.0), 3.0);
    assert_eq!(eval_at("x*y^2", 2.0, 3.0), 18.0);
    assert_eq!(eval_at("a*x", 4.0, 0.0), 8.0);
}

#[test]
fn numbers_functions_and_constants() {
    assert_eq!(eval_at("1e-3 * 1000", 0.0, 0.0), 1.0);
    assert_eq!(eval_at(".5 + 2.", 0.0, 0.0), 2.5);
    assert_eq!(eval_at("2.5E+1", 0.0, 0.0), 25.0);
    assert!((eval_at("sin(pi/2) + ln(e)", 0.0, 0.0) - 2.0).abs() < 1e-15);
    assert!((eval_at("log(e^2)", 0.0, 0.0) - 2.0).abs() < 1e-15);
    assert_eq!(eval_at("abs(x) + sqrt(y)", -3.0, 16.0), 7.0);
    assert!((eval_at("sigmoid(0) + softplus(0)", 0.0, 0.0) - (0.5 + 2f64.ln())).abs() < 1e-15);
    assert!((eval_at("atan(1)*4", 0.0, 0.0) - std::f64::consts::PI).abs() < 1e-15);
    assert!((eval_at("cosh(x)^2 - sinh(x)^2", 0.7, 0.0) - 1.0).abs() < 1e-14);
    // A negative base with an integer power is exact, not exp(p ln a).
    assert_eq!(eval_at("x^3", -2.0, 0.0), -8.0);
    assert!(eval_at("x^0.5", -1.0, 0.0).is_nan());
}

#[test]
fn multi_line_text_is_one_expression() {
    assert_eq!(eval_at("x\n  + y\n", 1.0, 2.0), 3.0);
}

#[test]
fn constants_fold_and_powers_specialise() {
    let names = vars();
    let scope = Scope {
        variables: &names,
        constants: &[],
    };
    let tape = parse("2*3 + x^2 + y^0.5 + x^y", &scope).expect("valid");
    let ops = tape.ops();
    assert_eq!(ops.first(), Some(&Op::Const(6.0)));
    assert!(ops.contains(&Op::PowI(2)));
    assert!(ops.contains(&Op::PowF(0.5)));
    assert!(ops.contains(&Op::Pow));
}

#[test]
fn errors_say_what_and_where() {
    let e = error_of("x + * y");
    assert_eq!((e.line, e.column), (1, 5));
    assert!(e.message.contains("expected a number"), "{}", e.message);

    let e = error_of("sin(x");
    assert_eq!(e.column, 6);
    assert!(
        e.message.contains("close the 'sin(' at column 4"),
        "{}",
        e.message
    );

    let e = error_of("x + z");
    assert_eq!(e.column, 5);
    assert!(e.message.contains("unknown name 'z'"), "{}", e.message);

    let e = error_of("X + 1");
    assert!(e.message.contains("did you mean 'x'"), "{}", e.message);

    let e = error_of("x\n+ 2 $");
    assert_eq!((e.line, e.column), (2, 5));

    let e = error_of("x ** 2");
    assert!(e.message.contains("'^'"), "{}", e.message);

    let e = error_of("(x + y))");
    assert_eq!(e.column, 8);
    assert!(e.message.contains("no matching '('"), "{}", e.message);

    let e = error_of("2x");
    assert_eq!(e.column, 2);

    let e = error_of("1e");
    assert!(e.message.contains("exponent"), "{}", e.message);

    let e = error_of("sin x");
    assert!(e.message.contains("expected '('"), "{}", e.message);

    let e = error_of("   ");
    assert!(e.message.contains("empty"), "{}", e.message);

    let e = error_of("x +");
    assert_eq!(e.column, 4);
    assert!(e.message.contains("ends too early"), "{}", e.message);

    let e = error_of("1e999");
    assert!(e.message.contains("too large"), "{}", e.message);

    // A constant part is held to what a literal is: `10^400` is `1e400`.
    let e = error_of("x + 10^400");
    assert_eq!(e.column, 5);
    assert!(
        e.message.contains("`10^400` has no finite value (inf)"),
        "{}",
        e.message
    );
    let e = error_of("x * ln(-1)");
    assert!(e.message.contains("`ln(-1)` is undefined"), "{}", e.message);
    let e = error_of("0*(1/0) + y");
    assert!(e.message.contains("`1/0`"), "{}", e.message);

    let e = error_of("x\u{0}");
    assert!(e.message.contains("control character"), "{}", e.message);
}

#[test]
fn deep_and_long_input_is_refused_quickly() {
    let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(error_of(&deep).message.contains("limit"));
    let deep = format!("{}x{}", "(".repeat(5_000), ")".repeat(5_000));
    assert!(error_of(&deep).message.contains("nests more than"));
    let minus = "-".repeat(5_000) + "x";
    assert!(error_of(&minus).message.contains("nests more than"));
    let tower = vec!["x"; 2_000].join("^");
    assert!(error_of(&tower).message.contains("nests more than"));
    // A long flat chain is fine: it is read in a loop.
    let chain = vec!["x"; 5_000].join("+");
    assert_eq!(eval_at(&chain, 1.0, 0.0), 5000.0);
}

#[test]
fn forward_mode_derivatives_are_exact() {
    let names = vars();
    let scope = Scope {
        variables: &names,
        constants: &[],
    };
    let text = "sin(x*y) + exp(-x^2) * sqrt(1 + y^2) - atan(y/x) + sigmoid(x - y)^3 \
                + softplus(2*y) * tanh(x) + abs(x - 3) + x^y";
    let tape = parse(text, &scope).expect("valid");
    let (x, y) = (0.7, 1.3);
    let dx = tape.eval(&[Dual64::new(x, 1.0), Dual64::new(y, 0.0)]).eps;
    let dy = tape.eval(&[Dual64::new(x, 0.0), Dual64::new(y, 1.0)]).eps;
    let h = 1e-6;
    let fd = |ex: f64, ey: f64| {
        (tape.eval(&[x + h * ex, y + h * ey]) - tape.eval(&[x - h * ex, y - h * ey])) / (2.0 * h)
    };
    assert!((dx - fd(1.0, 0.0)).abs() < 1e-7, "{dx} vs {}", fd(1.0, 0.0));
    assert!((dy - fd(0.0, 1.0)).abs() < 1e-7, "{dy} vs {}", fd(0.0, 1.0));
    // The real part is the value (up to rounding in num-dual's power rule).
    let re = tape.eval(&[Dual64::new(x, 1.0), Dual64::new(y, 0.0)]).re();
    assert!((re - tape.eval(&[x, y])).abs() < 1e-14);
}

#[test]
fn identifiers_and_reserved_names() {
    assert!(is_identifier("y_2"));
    assert!(is_identifier("_a"));
    assert!(!is_identifier("2y"));
    assert!(!is_identifier(""));
    assert!(!is_identifier("a-b"));
    assert!(is_reserved("sin"));
    assert!(is_reserved("e"));
    assert!(!is_reserved("x"));
}

#[test]
fn free_names_are_the_undeclared_ones_in_order() {
    let names = super::free_names("a*x^2 + sin(b*y) + a + pi + c_2", &["x", "y"]);
    assert_eq!(names, ["a", "b", "c_2"]);
    assert!(super::free_names("x + y", &["x", "y"]).is_empty());
}
