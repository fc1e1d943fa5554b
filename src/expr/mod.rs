//! The expression language for typed-in objectives.
//!
//! Numbers, variable and constant names, `+ - * /`, `^` (right associative),
//! unary minus, parentheses, the functions `sin cos tan asin acos atan sinh
//! cosh tanh exp ln log sqrt abs sigmoid softplus` (`log` is the natural
//! logarithm) and the constants `pi` and `e`. Text is compiled once into a
//! [`Tape`] whose evaluation is generic over num-dual's number types, so one
//! compiled expression yields values and exact derivatives.

mod error;
mod func;
mod lexer;
mod parser;
mod tape;

pub use error::{ExprError, line_column};
pub use func::{FUNCTIONS, Func};
pub use parser::{MAX_DEPTH, MAX_LEN, Scope, builtin_constant, parse};
pub use tape::{Op, Tape};

/// A number type the tape evaluates over: `f64` or one of num-dual's dual
/// numbers with `f64` parts.
pub trait Scalar: num_dual::DualNum<Primitive = f64> + Copy {}
impl<T: num_dual::DualNum<Primitive = f64> + Copy> Scalar for T {}

/// Whether `name` is reserved (a function or a built-in constant) and so
/// cannot name a variable or a constant.
pub fn is_reserved(name: &str) -> bool {
    Func::from_name(name).is_some() || builtin_constant(name).is_some()
}

/// Whether `name` is a valid identifier: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The names `text` uses that are neither in `known` nor a function or
/// built-in constant, in the order they first appear — what an edit would
/// need declared as constants. The text is read up to its first bad token.
pub fn free_names(text: &str, known: &[&str]) -> Vec<String> {
    let mut lexer = lexer::Lexer::new(text);
    let mut found: Vec<String> = Vec::new();
    while let Ok((token, _)) = lexer.next_token() {
        match token {
            lexer::Token::End => break,
            lexer::Token::Ident(name)
                if !is_reserved(name)
                    && !known.contains(&name)
                    && !found.iter().any(|f| f == name) =>
            {
                found.push(name.to_string());
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests;
