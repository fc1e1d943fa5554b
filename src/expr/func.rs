//! The built-in functions of one argument, evaluated over any dual number type.

use super::Scalar;

/// A built-in function of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// sine
    Sin,
    /// cosine
    Cos,
    /// tangent
    Tan,
    /// arc sine
    Asin,
    /// arc cosine
    Acos,
    /// arc tangent
    Atan,
    /// hyperbolic sine
    Sinh,
    /// hyperbolic cosine
    Cosh,
    /// hyperbolic tangent
    Tanh,
    /// exponential
    Exp,
    /// natural logarithm (`ln` and `log` both name it)
    Ln,
    /// square root
    Sqrt,
    /// absolute value
    Abs,
    /// logistic function 1 / (1 + e^(−t))
    Sigmoid,
    /// ln(1 + e^t)
    Softplus,
}

/// Every function name the language knows, with the function it names.
pub const FUNCTIONS: [(&str, Func); 16] = [
    ("sin", Func::Sin),
    ("cos", Func::Cos),
    ("tan", Func::Tan),
    ("asin", Func::Asin),
    ("acos", Func::Acos),
    ("atan", Func::Atan),
    ("sinh", Func::Sinh),
    ("cosh", Func::Cosh),
    ("tanh", Func::Tanh),
    ("exp", Func::Exp),
    ("ln", Func::Ln),
    ("log", Func::Ln),
    ("sqrt", Func::Sqrt),
    ("abs", Func::Abs),
    ("sigmoid", Func::Sigmoid),
    ("softplus", Func::Softplus),
];

impl Func {
    /// The function a name refers to, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        FUNCTIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, func)| *func)
    }

    /// Applies the function; exact for every dual number type.
    #[inline]
    pub fn apply<D: Scalar>(self, t: D) -> D {
        match self {
            Func::Sin => t.sin(),
            Func::Cos => t.cos(),
            Func::Tan => t.tan(),
            Func::Asin => t.asin(),
            Func::Acos => t.acos(),
            Func::Atan => t.atan(),
            Func::Sinh => t.sinh(),
            Func::Cosh => t.cosh(),
            Func::Tanh => t.tanh(),
            Func::Exp => t.exp(),
            Func::Ln => t.ln(),
            Func::Sqrt => t.sqrt(),
            Func::Abs => t.abs(),
            // Both branches are the same function; each avoids overflowing exp.
            Func::Sigmoid => {
                if t.re() >= 0.0 {
                    ((-t).exp() + 1.0).recip()
                } else {
                    let et = t.exp();
                    et / (et + 1.0)
                }
            }
            Func::Softplus => {
                if t.re() > 0.0 {
                    t + (-t).exp().ln_1p()
                } else {
                    t.exp().ln_1p()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_forms_match_the_definitions() {
        for t in [-30.0, -2.0, -0.1, 0.0, 0.3, 4.0, 30.0] {
            let s: f64 = Func::Sigmoid.apply(t);
            assert!((s - 1.0 / (1.0 + (-t).exp())).abs() < 1e-15);
            let sp: f64 = Func::Softplus.apply(t);
            assert!((sp - (1.0 + t.exp()).ln()).abs() < 1e-13);
        }
        let big: f64 = Func::Softplus.apply(800.0);
        assert_eq!(big, 800.0);
    }
}
