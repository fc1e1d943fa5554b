//! A compiled expression: a postfix tape evaluated on a small stack, generic
//! over `f64` and num-dual's dual numbers so one tape gives values and exact
//! derivatives.

use super::Scalar;
use super::func::Func;

/// One instruction of the tape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Push a constant.
    Const(f64),
    /// Push variable number `i`.
    Var(u32),
    /// Negate the top of the stack.
    Neg,
    /// Pop b, pop a, push a + b.
    Add,
    /// Pop b, pop a, push a − b.
    Sub,
    /// Pop b, pop a, push a · b.
    Mul,
    /// Pop b, pop a, push a / b.
    Div,
    /// Pop b, pop a, push a ^ b (general exponent, via exp(b ln a)).
    Pow,
    /// Raise the top of the stack to a constant integer power.
    PowI(i32),
    /// Raise the top of the stack to a constant real power.
    PowF(f64),
    /// Apply a function to the top of the stack.
    Call(Func),
}

/// Stack depth evaluated without touching the heap.
const INLINE_STACK: usize = 32;

/// A compiled expression over a fixed list of variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Tape {
    ops: Vec<Op>,
    max_stack: usize,
    n_vars: usize,
}

impl Tape {
    /// A tape from postfix ops that leave exactly one value on the stack.
    pub(super) fn new(ops: Vec<Op>, max_stack: usize, n_vars: usize) -> Self {
        Self {
            ops,
            max_stack,
            n_vars,
        }
    }

    /// The instructions, in evaluation order.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// How many variables the tape reads (`vars` must be at least this long).
    pub fn n_vars(&self) -> usize {
        self.n_vars
    }

    /// Evaluates the expression at `vars` (indexed in declaration order).
    ///
    /// Works for `f64` and every num-dual scalar type; never allocates unless
    /// the expression nests deeper than 32 levels. A variable index past the
    /// end of `vars` reads as zero (the parser never produces one).
    #[inline]
    pub fn eval<D: Scalar>(&self, vars: &[D]) -> D {
        // The stack is zeroed before use (safe code cannot leave it
        // uninitialised), so it is only as large as the expression needs:
        // zeroing 32 hyper-dual numbers on every call cost more than a
        // small expression's arithmetic.
        match self.max_stack {
            0..=4 => self.run(vars, &mut [D::zero(); 4]),
            5..=8 => self.run(vars, &mut [D::zero(); 8]),
            9..=INLINE_STACK => self.run(vars, &mut [D::zero(); INLINE_STACK]),
            _ => self.run(vars, &mut vec![D::zero(); self.max_stack]),
        }
    }

    #[inline]
    fn run<D: Scalar>(&self, vars: &[D], stack: &mut [D]) -> D {
        // `sp` is the number of live values; the parser guarantees every op
        // finds its operands, so the `get`s below only guard against misuse.
        let mut sp = 0usize;
        for op in &self.ops {
            match *op {
                Op::Const(c) => {
                    if let Some(slot) = stack.get_mut(sp) {
                        *slot = D::from(c);
                    }
                    sp += 1;
                }
                Op::Var(i) => {
                    let v = vars.get(i as usize).copied().unwrap_or_else(D::zero);
                    if let Some(slot) = stack.get_mut(sp) {
                        *slot = v;
                    }
                    sp += 1;
                }
                Op::Neg => unary(stack, sp, |a| -a),
                Op::PowI(n) => unary(stack, sp, |a| a.powi(n)),
                Op::PowF(p) => unary(stack, sp, |a| a.powf(p)),
                Op::Call(func) => unary(stack, sp, |a| func.apply(a)),
                Op::Add => sp = binary(stack, sp, |a, b| a + b),
                Op::Sub => sp = binary(stack, sp, |a, b| a - b),
                Op::Mul => sp = binary(stack, sp, |a, b| a * b),
                Op::Div => sp = binary(stack, sp, |a, b| a / b),
                Op::Pow => sp = binary(stack, sp, |a, b| a.powd(b)),
            }
        }
        stack.first().copied().unwrap_or_else(D::zero)
    }
}

#[inline]
fn unary<D: Copy>(stack: &mut [D], sp: usize, f: impl Fn(D) -> D) {
    if let Some(top) = sp.checked_sub(1).and_then(|i| stack.get_mut(i)) {
        *top = f(*top);
    }
}

#[inline]
fn binary<D: Copy>(stack: &mut [D], sp: usize, f: impl Fn(D, D) -> D) -> usize {
    let (Some(ia), Some(ib)) = (sp.checked_sub(2), sp.checked_sub(1)) else {
        return sp;
    };
    if let (Some(&a), Some(&b)) = (stack.get(ia), stack.get(ib))
        && let Some(slot) = stack.get_mut(ia)
    {
        *slot = f(a, b);
    }
    ib
}
