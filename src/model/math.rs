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

/// 2^(j/64) for j in 0..64, each the f64 nearest the exact value.
const EXP2_64THS: [f64; 64] = [
    f64::from_bits(0x3ff0000000000000),
    f64::from_bits(0x3ff02c9a3e778061),
    f64::from_bits(0x3ff059b0d3158574),
    f64::from_bits(0x3ff0874518759bc8),
    f64::from_bits(0x3ff0b5586cf9890f),
    f64::from_bits(0x3ff0e3ec32d3d1a2),
    f64::from_bits(0x3ff11301d0125b51),
    f64::from_bits(0x3ff1429aaea92de0),
    f64::from_bits(0x3ff172b83c7d517b),
    f64::from_bits(0x3ff1a35beb6fcb75),
    f64::from_bits(0x3ff1d4873168b9aa),
    f64::from_bits(0x3ff2063b88628cd6),
    f64::from_bits(0x3ff2387a6e756238),
    f64::from_bits(0x3ff26b4565e27cdd),
    f64::from_bits(0x3ff29e9df51fdee1),
    f64::from_bits(0x3ff2d285a6e4030b),
    f64::from_bits(0x3ff306fe0a31b715),
    f64::from_bits(0x3ff33c08b26416ff),
    f64::from_bits(0x3ff371a7373aa9cb),
    f64::from_bits(0x3ff3a7db34e59ff7),
    f64::from_bits(0x3ff3dea64c123422),
    f64::from_bits(0x3ff4160a21f72e2a),
    f64::from_bits(0x3ff44e086061892d),
    f64::from_bits(0x3ff486a2b5c13cd0),
    f64::from_bits(0x3ff4bfdad5362a27),
    f64::from_bits(0x3ff4f9b2769d2ca7),
    f64::from_bits(0x3ff5342b569d4f82),
    f64::from_bits(0x3ff56f4736b527da),
    f64::from_bits(0x3ff5ab07dd485429),
    f64::from_bits(0x3ff5e76f15ad2148),
    f64::from_bits(0x3ff6247eb03a5585),
    f64::from_bits(0x3ff6623882552225),
    f64::from_bits(0x3ff6a09e667f3bcd),
    f64::from_bits(0x3ff6dfb23c651a2f),
    f64::from_bits(0x3ff71f75e8ec5f74),
    f64::from_bits(0x3ff75feb564267c9),
    f64::from_bits(0x3ff7a11473eb0187),
    f64::from_bits(0x3ff7e2f336cf4e62),
    f64::from_bits(0x3ff82589994cce13),
    f64::from_bits(0x3ff868d99b4492ed),
    f64::from_bits(0x3ff8ace5422aa0db),
    f64::from_bits(0x3ff8f1ae99157736),
    f64::from_bits(0x3ff93737b0cdc5e5),
    f64::from_bits(0x3ff97d829fde4e50),
    f64::from_bits(0x3ff9c49182a3f090),
    f64::from_bits(0x3ffa0c667b5de565),
    f64::from_bits(0x3ffa5503b23e255d),
    f64::from_bits(0x3ffa9e6b5579fdbf),
    f64::from_bits(0x3ffae89f995ad3ad),
    f64::from_bits(0x3ffb33a2b84f15fb),
    f64::from_bits(0x3ffb7f76f2fb5e47),
    f64::from_bits(0x3ffbcc1e904bc1d2),
    f64::from_bits(0x3ffc199bdd85529c),
    f64::from_bits(0x3ffc67f12e57d14b),
    f64::from_bits(0x3ffcb720dcef9069),
    f64::from_bits(0x3ffd072d4a07897c),
    f64::from_bits(0x3ffd5818dcfba487),
    f64::from_bits(0x3ffda9e603db3285),
    f64::from_bits(0x3ffdfc97337b9b5f),
    f64::from_bits(0x3ffe502ee78b3ff6),
    f64::from_bits(0x3ffea4afa2a490da),
    f64::from_bits(0x3ffefa1bee615a27),
    f64::from_bits(0x3fff50765b6e4540),
    f64::from_bits(0x3fffa7c1819e90d8),
];

/// e^x without libm: x = (64 e + j) ln 2 / 64 + r with |r| <= ln 2 / 128, so e^x = 2^e 2^(j/64)
/// e^r, with 2^(j/64) from a table of correctly rounded values and e^r by its Taylor series
/// to the 5th power (the first term left out is below 4e-17), then scaled by 2^e through the
/// exponent bits. Arguments are clamped to [-700, 700], where the result is still a normal
/// number. The multiple of ln 2 / 64 is x 64 log2(e) rounded half away from zero, exactly, by
/// integer truncation (no call to a rounding routine).
#[inline]
pub fn exp(x: f64) -> f64 {
    // ln 2 / 64 in two parts; the first has 32 significant bits, so k times it is exact.
    const LN2_HI: f64 = 0.693_147_180_369_123_8 / 64.0;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10 / 64.0;
    let x = x.clamp(-700.0, 700.0);
    let y = x * (64.0 * std::f64::consts::LOG2_E);
    // |y| < 64,640: the truncation is exact and the remainder y - t is exact.
    let t = y as i64;
    let d = y - t as f64;
    let k = t + i64::from(d >= 0.5) - i64::from(d <= -0.5);
    let kf = k as f64;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let r2 = r * r;
    let p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * (1.0 / 24.0 + r * (1.0 / 120.0)));
    let scale = f64::from_bits((((k >> 6) + 1023) as u64) << 52);
    EXP2_64THS[(k & 63) as usize] * p * scale
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
