//! A Pratt parser that writes the postfix tape directly.
//!
//! There is no syntax tree: operands are emitted as they are read and each
//! operator after its operands. Chains such as `a + b + c + …` are read in a
//! loop, so only real nesting (parentheses, function calls, unary minus,
//! right-associative `^`) recurses, and that is bounded by [`MAX_DEPTH`].

use super::error::ExprError;
use super::func::{FUNCTIONS, Func};
use super::lexer::{Lexer, Token};
use super::tape::{Op, Tape};

/// The longest expression text accepted, in bytes.
pub const MAX_LEN: usize = 20_000;
/// The deepest nesting accepted (parentheses, calls, unary minus, powers).
pub const MAX_DEPTH: usize = 100;

/// The names an expression may use besides the built-in functions.
#[derive(Debug, Clone, Default)]
pub struct Scope<'s> {
    /// Variable names, in the order the tape indexes them.
    pub variables: &'s [String],
    /// Named constants and their values.
    pub constants: &'s [(String, f64)],
}

/// The value of a built-in constant name.
pub fn builtin_constant(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(std::f64::consts::PI),
        "e" => Some(std::f64::consts::E),
        _ => None,
    }
}

/// Binding powers: (left, right). Higher binds tighter.
fn infix_power(tok: &Token<'_>) -> Option<((u8, u8), Op)> {
    match tok {
        Token::Plus => Some(((1, 2), Op::Add)),
        Token::Minus => Some(((1, 2), Op::Sub)),
        Token::Star => Some(((3, 4), Op::Mul)),
        Token::Slash => Some(((3, 4), Op::Div)),
        // Right associative: the right side binds looser than the left.
        Token::Caret => Some(((7, 6), Op::Pow)),
        _ => None,
    }
}

/// Unary minus binds tighter than `*` but looser than `^`: `-x^2 = -(x^2)`.
const PREFIX_POWER: u8 = 5;

/// Parses `text` into a tape over the variables of `scope`.
pub fn parse(text: &str, scope: &Scope<'_>) -> Result<Tape, ExprError> {
    if text.len() > MAX_LEN {
        return Err(ExprError::at(
            text,
            MAX_LEN,
            format!(
                "the expression is {} bytes long; the limit is {MAX_LEN}",
                text.len()
            ),
        ));
    }
    let mut parser = Parser {
        text,
        lexer: Lexer::new(text),
        peeked: None,
        scope,
        ops: Vec::new(),
        depth: 0,
        max_depth_stack: 0,
        stack: 0,
    };
    let (first, at) = parser.peek()?;
    if first == Token::End {
        return Err(ExprError::at(text, at, "the expression is empty"));
    }
    parser.expr(0)?;
    let (tok, at) = parser.next()?;
    if tok != Token::End {
        let hint = if tok == Token::RParen {
            "this ')' has no matching '('".to_string()
        } else {
            format!(
                "expected an operator (+ - * / ^) or the end, found {}",
                tok.describe()
            )
        };
        return Err(ExprError::at(text, at, hint));
    }
    Ok(Tape::new(
        parser.ops,
        parser.max_depth_stack.max(1),
        scope.variables.len(),
    ))
}

struct Parser<'t, 's> {
    text: &'t str,
    lexer: Lexer<'t>,
    peeked: Option<(Token<'t>, usize)>,
    scope: &'s Scope<'s>,
    ops: Vec<Op>,
    depth: usize,
    /// Values on the evaluation stack after the ops so far, and its maximum.
    stack: usize,
    max_depth_stack: usize,
}

impl<'t> Parser<'t, '_> {
    fn peek(&mut self) -> Result<(Token<'t>, usize), ExprError> {
        if let Some(tok) = self.peeked {
            return Ok(tok);
        }
        let tok = self.lexer.next_token()?;
        self.peeked = Some(tok);
        Ok(tok)
    }

    fn next(&mut self) -> Result<(Token<'t>, usize), ExprError> {
        let tok = self.peek()?;
        self.peeked = None;
        Ok(tok)
    }

    fn err(&self, at: usize, msg: impl Into<String>) -> ExprError {
        ExprError::at(self.text, at, msg)
    }

    fn expr(&mut self, min_power: u8) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let (_, at) = self.peek()?;
            return Err(self.err(
                at,
                format!("the expression nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        let (_, start) = self.peek()?;
        self.operand()?;
        loop {
            let (tok, _) = self.peek()?;
            let Some(((left, right), op)) = infix_power(&tok) else {
                break;
            };
            if left < min_power {
                break;
            }
            self.next()?;
            self.expr(right)?;
            self.emit_binary(op, start)?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn operand(&mut self) -> Result<(), ExprError> {
        let (tok, at) = self.next()?;
        match tok {
            Token::Number(v) => self.emit_const(v),
            Token::Ident(name) => self.name(name, at)?,
            Token::LParen => {
                self.expr(0)?;
                self.close_paren(at, "(")?;
            }
            Token::Minus => {
                self.expr(PREFIX_POWER)?;
                self.emit_unary(Op::Neg, at)?;
            }
            Token::Plus => self.expr(PREFIX_POWER)?,
            Token::End => {
                return Err(self.err(
                    at,
                    "the expression ends too early: expected a number, a name or '('",
                ));
            }
            other => {
                return Err(self.err(
                    at,
                    format!(
                        "expected a number, a name, '(' or '-', found {}",
                        other.describe()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn close_paren(&mut self, open_at: usize, opener: &str) -> Result<(), ExprError> {
        let (tok, at) = self.next()?;
        if tok == Token::RParen {
            return Ok(());
        }
        let (line, col) = super::error::line_column(self.text, open_at);
        let place = if line > 1 {
            format!("line {line}, column {col}")
        } else {
            format!("column {col}")
        };
        Err(self.err(
            at,
            format!(
                "expected ')' to close the '{opener}' at {place}, found {}",
                tok.describe()
            ),
        ))
    }

    fn name(&mut self, name: &str, at: usize) -> Result<(), ExprError> {
        if let Some(func) = Func::from_name(name) {
            let (tok, paren_at) = self.next()?;
            if tok != Token::LParen {
                return Err(self.err(
                    paren_at,
                    format!(
                        "expected '(' after the function name '{name}', found {}",
                        tok.describe()
                    ),
                ));
            }
            self.expr(0)?;
            self.close_paren(paren_at, &format!("{name}("))?;
            self.emit_unary(Op::Call(func), at)?;
            return Ok(());
        }
        if let Some(i) = self.scope.variables.iter().position(|v| v == name) {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            self.push(Op::Var(index));
            return Ok(());
        }
        if let Some((_, v)) = self.scope.constants.iter().find(|(c, _)| c == name) {
            self.emit_const(*v);
            return Ok(());
        }
        if let Some(v) = builtin_constant(name) {
            self.emit_const(v);
            return Ok(());
        }
        Err(self.err(at, unknown_name_message(name, self.scope)))
    }

    fn push(&mut self, op: Op) {
        self.ops.push(op);
        self.stack += 1;
        self.max_depth_stack = self.max_depth_stack.max(self.stack);
    }

    fn emit_const(&mut self, v: f64) {
        self.push(Op::Const(v));
    }

    /// Emits a unary op, folding it into a constant operand.
    fn emit_unary(&mut self, op: Op, start: usize) -> Result<(), ExprError> {
        if let Some(Op::Const(c)) = self.ops.last().copied() {
            let folded = Tape::new(vec![Op::Const(c), op], 1, 0).eval::<f64>(&[]);
            self.check_folded(folded, start)?;
            self.ops.pop();
            self.ops.push(Op::Const(folded));
            return Ok(());
        }
        self.ops.push(op);
        Ok(())
    }

    /// A constant part with no finite value is refused as the literal
    /// `1e400` is: it would make f or g undefined at every point, and the
    /// run would only fail later with a less helpful message.
    fn check_folded(&mut self, folded: f64, start: usize) -> Result<(), ExprError> {
        if folded.is_finite() {
            return Ok(());
        }
        let (_, end) = self.peek()?;
        let part = self.text.get(start..end).unwrap_or("").trim();
        let what = if folded.is_nan() {
            "is undefined (NaN)".to_string()
        } else {
            format!("has no finite value ({folded})")
        };
        Err(self.err(start, format!("the constant `{part}` {what}")))
    }

    /// Emits a binary op: folds two constant operands, and turns a constant
    /// exponent into an integer or real power.
    fn emit_binary(&mut self, op: Op, start: usize) -> Result<(), ExprError> {
        let n = self.ops.len();
        // Each `Const` is a whole operand, so two trailing constants are
        // exactly the two operands of this op.
        if let (Some(Op::Const(a)), Some(Op::Const(b))) = (
            n.checked_sub(2).and_then(|i| self.ops.get(i)).copied(),
            self.ops.last().copied(),
        ) {
            let folded = Tape::new(vec![Op::Const(a), Op::Const(b), op], 2, 0).eval::<f64>(&[]);
            self.check_folded(folded, start)?;
            self.ops.truncate(n - 2);
            self.ops.push(Op::Const(folded));
            self.stack -= 1;
            return Ok(());
        }
        if let (Op::Pow, Some(Op::Const(p))) = (op, self.ops.last().copied()) {
            self.ops.pop();
            let int = p.round();
            if p == int && int.abs() <= 1024.0 {
                // Exact for negative bases, unlike exp(p ln a).
                self.ops.push(Op::PowI(int as i32));
            } else {
                self.ops.push(Op::PowF(p));
            }
            self.stack -= 1;
            return Ok(());
        }
        self.ops.push(op);
        self.stack -= 1;
        Ok(())
    }
}

fn unknown_name_message(name: &str, scope: &Scope<'_>) -> String {
    let mut known: Vec<&str> = scope.variables.iter().map(String::as_str).collect();
    known.extend(scope.constants.iter().map(|(c, _)| c.as_str()));
    known.extend(["pi", "e"]);
    let mut msg = format!("unknown name '{name}'");
    let close = known
        .iter()
        .chain(FUNCTIONS.iter().map(|(f, _)| f))
        .find(|k| k.eq_ignore_ascii_case(name));
    if let Some(k) = close {
        msg.push_str(&format!(" (did you mean '{k}'?)"));
    }
    msg.push_str(&format!("; the names here are {}", known.join(", ")));
    msg
}
