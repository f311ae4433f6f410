//! Portable elementary functions: exp, ln and the logistic from IEEE arithmetic alone, so that
//! every probability that decides a draw is the same on every platform (no system libm).

/// The natural logarithm of a positive normal `x`, without libm: x = m 2^e with m in
/// [sqrt(1/2), sqrt(2)), ln x = e ln 2 + 2 atanh((m - 1)/(m + 1)), the series to the 17th power
/// (|s| <= 0.172, so the first term left out is below 2e-16 of the result), evaluated by
/// Estrin's scheme (independent pairs of terms, so the chain of dependent operations is short).
#[inline]
pub fn ln(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let (z2, z4) = (z * z, z * z * (z * z));
    let a0 = 1.0 + z * (1.0 / 3.0);
    let a1 = 1.0 / 5.0 + z * (1.0 / 7.0);
    let a2 = 1.0 / 9.0 + z * (1.0 / 11.0);
    let a3 = 1.0 / 13.0 + z * (1.0 / 15.0);
    let b0 = a0 + z2 * a1;
    let b1 = a2 + z2 * a3;
    let p = b0 + z4 * (b1 + z4 * (1.0 / 17.0));
    e as f64 * LN2 + 2.0 * s * p
}

/// e^x without libm: x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to the 13th
/// power (the first term left out is below 1e-17), evaluated by Estrin's scheme, then scaled by
/// 2^k through the exponent bits. Arguments are clamped to [-700, 700], where the result is
/// still a normal number. k is x log2(e) rounded half away from zero, exactly, by integer
/// truncation (no call to a rounding routine).
#[inline]
pub fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const C: [f64; 14] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let x = x.clamp(-700.0, 700.0);
    let y = x * std::f64::consts::LOG2_E;
    // |y| < 1011: the truncation is exact and the remainder y - t is exact.
    let t = y as i64;
    let d = y - t as f64;
    let k = t + i64::from(d >= 0.5) - i64::from(d <= -0.5);
    let kf = k as f64;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let (r2, r4) = (r * r, r * r * (r * r));
    let q = |i: usize| C[i] + C[i + 1] * r;
    let s0 = q(0) + q(2) * r2;
    let s1 = q(4) + q(6) * r2;
    let s2 = q(8) + q(10) * r2;
    let u0 = s0 + s1 * r4;
    let u1 = s2 + q(12) * r4;
    let p = u0 + u1 * (r4 * r4);
    p * f64::from_bits(((k + 1023) as u64) << 52)
}

/// The logistic function 1 / (1 + e^-x), without libm.
#[inline]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

/// Log-odds of a probability in (0, 1), without libm.
pub fn logit(p: f64) -> f64 {
    ln(p) - ln(1.0 - p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_library() {
        let mut worst = 0.0f64;
        let mut x = -700.0;
        while x <= 700.0 {
            let (a, b) = (exp(x), x.exp());
            worst = worst.max(((a - b) / b).abs());
            x += 0.013_7;
        }
        assert!(worst < 1e-14, "{worst}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1e9) > 0.0 && exp(1e9).is_finite());
    }

    #[test]
    fn ln_matches_the_library_on_the_unit_interval() {
        let mut worst = 0.0f64;
        let mut x = 1.0f64;
        // Geometric sweep down to 2^-53, plus values near 1.
        while x > 1e-16 {
            for y in [x, x * 0.999_999_7, 1.0 - x * 1e-3] {
                if y > 0.0 && y <= 1.0 {
                    let (a, b) = (ln(y), y.ln());
                    let err = if b == 0.0 {
                        a.abs()
                    } else {
                        ((a - b) / b).abs()
                    };
                    worst = worst.max(err);
                }
            }
            x *= 0.937;
        }
        assert!(worst < 1e-14, "{worst}");
    }

    #[test]
    fn logistic_and_logit_invert() {
        for p in [0.01, 0.2, 0.5, 0.7, 0.99] {
            assert!((logistic(logit(p)) - p).abs() < 1e-14);
        }
    }
}
