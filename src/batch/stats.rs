//! Mergeable statistics: exact fixed-point moments, fixed-bin histograms, Wilson intervals.
//!
//! Sums are kept as integers (values in units of 2^-24), so adding runs in any order, on any
//! number of threads or shards, gives bit-identical totals; that is what makes results
//! byte-identical for any thread count and lets shards merge exactly.

/// Fixed-point scale: values are stored as round(x * 2^24).
pub const SCALE: f64 = 16_777_216.0;
/// The 0.975 quantile of the standard normal.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Count, sum and sum of squares of fixed-point values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moments {
    pub n: u64,
    pub sum: i128,
    pub sumsq: i128,
}

/// A value in fixed point: round(x * SCALE), half away from zero (as f64::round, without a
/// libm call); NaN gives 0 and the cast saturates.
#[inline]
pub fn fixed(x: f64) -> i64 {
    let y = x * SCALE;
    if y >= 0.0 {
        (y + 0.5) as i64
    } else {
        (y - 0.5) as i64
    }
}

impl Moments {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_fixed(fixed(x));
    }

    /// Add a value already in fixed point (see [`fixed`]).
    #[inline]
    pub fn add_fixed(&mut self, q: i64) {
        let q = q as i128;
        self.n += 1;
        self.sum += q;
        self.sumsq += q * q;
    }

    pub fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum += o.sum;
        self.sumsq += o.sumsq;
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sum as f64 / SCALE / self.n as f64
    }

    /// Sample standard deviation (n - 1 denominator); 0 for fewer than two values.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as i128;
        // n*sumsq - sum^2, exactly when it fits.
        let num = n.checked_mul(self.sumsq).and_then(|a| {
            self.sum
                .checked_mul(self.sum)
                .and_then(|b| a.checked_sub(b))
        });
        let var = match num {
            Some(v) => v.max(0) as f64 / (self.n as f64 * (self.n - 1) as f64),
            None => {
                let m = self.sum as f64 / self.n as f64;
                ((self.sumsq as f64 - m * self.sum as f64) / (self.n - 1) as f64).max(0.0)
            }
        };
        var.sqrt() / SCALE
    }

    /// Normal-approximation 95% interval of the mean.
    pub fn ci95(&self) -> (f64, f64) {
        let m = self.mean();
        if self.n < 2 {
            return (m, m);
        }
        let h = Z95 * self.sd() / (self.n as f64).sqrt();
        (m - h, m + h)
    }
}

/// Wilson score interval (95%) for k successes in n trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The q-quantile of a histogram over [lo, hi], interpolating linearly inside the bin.
pub fn quantile(counts: &[u32], lo: f64, hi: f64, q: f64) -> f64 {
    let n: u64 = counts.iter().map(|&c| c as u64).sum();
    if n == 0 {
        return f64::NAN;
    }
    let width = (hi - lo) / counts.len() as f64;
    let target = q * n as f64;
    let mut cum = 0u64;
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let next = cum + c as u64;
        if next as f64 >= target {
            let frac = ((target - cum as f64) / c as f64).clamp(0.0, 1.0);
            return lo + (i as f64 + frac) * width;
        }
        cum = next;
    }
    hi
}
