//! Seeded generation of the synthetic family's data, so the 20-D presets
//! can be regenerated and checked against the numbers stored in them.
//!
//! c, d and the start point are standard normal; `H = Q diag(λ) Qᵀ` is
//! symmetric with eigenvalues λ uniform in [0.1, 1] and Q the orthogonal
//! factor of a standard normal matrix — the construction of the papers'
//! toy problems.

use nalgebra::{DMatrix, DVector};

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same numbers on every machine.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        // 53 random bits, shifted off zero.
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller, one value per call).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// The data of one synthetic problem and its start point.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticData {
    /// Coefficient of x inside the sine.
    pub c: DVector<f64>,
    /// Coefficient of y inside the sine.
    pub d: DVector<f64>,
    /// The lower-level matrix, symmetric positive definite.
    pub h: DMatrix<f64>,
    /// Start x.
    pub x0: DVector<f64>,
    /// Start y.
    pub y0: DVector<f64>,
}

/// Generates the data of an n-dimensional member from `seed`.
pub fn generate(n: usize, seed: u64) -> SyntheticData {
    let mut rng = SplitMix64::new(seed);
    let normal_vec = |rng: &mut SplitMix64| DVector::from_fn(n, |_, _| rng.normal());
    let c = normal_vec(&mut rng);
    let d = normal_vec(&mut rng);
    let gauss = DMatrix::from_fn(n, n, |_, _| rng.normal());
    let q = gauss.qr().q();
    let eig = DVector::from_fn(n, |_, _| 0.1 + 0.9 * rng.uniform());
    let h = &q * DMatrix::from_diagonal(&eig) * q.transpose();
    // Symmetrise exactly: the product is symmetric only up to rounding.
    let h = (&h + h.transpose()) * 0.5;
    let x0 = normal_vec(&mut rng);
    let y0 = normal_vec(&mut rng);
    SyntheticData { c, d, h, x0, y0 }
}
