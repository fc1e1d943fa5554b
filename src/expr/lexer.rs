//! Tokens of the expression language, each with the byte offset where it starts.

use super::error::ExprError;

/// One token of an expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    /// A numeric literal such as `1`, `0.5` or `1e-3`.
    Number(f64),
    /// A variable, constant or function name.
    Ident(&'a str),
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `^`
    Caret,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// The end of the text.
    End,
}

impl Token<'_> {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Token::Number(v) => format!("the number {v}"),
            Token::Ident(name) => format!("the name '{name}'"),
            Token::Plus => "'+'".into(),
            Token::Minus => "'-'".into(),
            Token::Star => "'*'".into(),
            Token::Slash => "'/'".into(),
            Token::Caret => "'^'".into(),
            Token::LParen => "'('".into(),
            Token::RParen => "')'".into(),
            Token::End => "the end of the expression".into(),
        }
    }
}

/// Splits the text into tokens on demand.
pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    /// The next token and the byte offset where it starts.
    pub fn next_token(&mut self) -> Result<(Token<'a>, usize), ExprError> {
        let bytes = self.text.as_bytes();
        while let Some(b) = bytes.get(self.pos) {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(&b) = bytes.get(start) else {
            return Ok((Token::End, start));
        };
        let single = match b {
            b'+' => Some(Token::Plus),
            b'-' => Some(Token::Minus),
            b'/' => Some(Token::Slash),
            b'^' => Some(Token::Caret),
            b'(' => Some(Token::LParen),
            b')' => Some(Token::RParen),
            b'*' => {
                if bytes.get(start + 1) == Some(&b'*') {
                    return Err(ExprError::at(
                        self.text,
                        start,
                        "'**' is not an operator here: write powers with '^', e.g. x^2",
                    ));
                }
                Some(Token::Star)
            }
            _ => None,
        };
        if let Some(tok) = single {
            self.pos += 1;
            return Ok((tok, start));
        }
        if b.is_ascii_digit() || b == b'.' {
            return self.number(start).map(|v| (Token::Number(v), start));
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let mut end = start;
            while bytes
                .get(end)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                end += 1;
            }
            self.pos = end;
            // The slice lies on ASCII boundaries, so it is valid UTF-8.
            let name = self.text.get(start..end).unwrap_or_default();
            return Ok((Token::Ident(name), start));
        }
        let ch = self.text.get(start..).and_then(|s| s.chars().next());
        let what = match ch {
            Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
            Some(c) => format!("'{c}'"),
            None => "a byte that is not text".to_string(),
        };
        Err(ExprError::at(
            self.text,
            start,
            format!("unexpected {what}: expected a number, a name, an operator or a parenthesis"),
        ))
    }

    /// Reads `digits [. digits] [e [+-] digits]`.
    fn number(&mut self, start: usize) -> Result<f64, ExprError> {
        let bytes = self.text.as_bytes();
        let mut end = start;
        let digits = |mut i: usize| {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        end = digits(end);
        let int_digits = end > start;
        let mut frac_digits = false;
        if bytes.get(end) == Some(&b'.') {
            let after = digits(end + 1);
            frac_digits = after > end + 1;
            end = after;
        }
        if !int_digits && !frac_digits {
            return Err(ExprError::at(
                self.text,
                start,
                "malformed number: a '.' must have digits next to it",
            ));
        }
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let mut exp = end + 1;
            if matches!(bytes.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            let after = digits(exp);
            if after == exp {
                return Err(ExprError::at(
                    self.text,
                    end,
                    "malformed number: the exponent after 'e' needs digits, e.g. 1e-3",
                ));
            }
            end = after;
        }
        self.pos = end;
        let literal = self.text.get(start..end).unwrap_or_default();
        match literal.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(ExprError::at(
                self.text,
                start,
                format!("the number {literal} is too large to represent"),
            )),
        }
    }
}
