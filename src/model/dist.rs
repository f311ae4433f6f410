//! Judgement as distributions: a scenario value drawn anew for every run (uniform,
//! triangular, truncated normal, beta on an interval, or a discrete choice), sampled with
//! portable arithmetic only (IEEE operations, `sqrt` and `model::math`), so a draw is the same
//! on every platform.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::math;

/// A distribution over one numeric value of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Uniform on [lo, hi].
    Uniform { lo: f64, hi: f64 },
    /// Triangular on [lo, hi] with its peak at `mode`.
    Triangular { lo: f64, mode: f64, hi: f64 },
    /// Normal with mean `mean` and standard deviation `sd`, truncated to [lo, hi].
    Normal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
    /// Beta(a, b) stretched onto [lo, hi].
    Beta { a: f64, b: f64, lo: f64, hi: f64 },
    /// One of the listed values, each equally likely.
    Choice(Vec<f64>),
}

/// The names a scenario uses for the distributions, and what each takes.
pub const KINDS: &[(&str, &str)] = &[
    ("uniform", "uniform = [low, high]"),
    ("triangular", "triangular = [low, mode, high]"),
    (
        "normal",
        "normal = [mean, sd], within = [low, high] (truncated there)",
    ),
    (
        "beta",
        "beta = [a, b], within = [low, high] (default [0, 1])",
    ),
    ("choice", "choice = [value, value, ...]"),
];

/// The most standard deviations a truncated normal's range may be narrower by: its draws are
/// made by rejection, and this keeps the acceptance rate above 2%.
const NORMAL_SD_PER_WIDTH: f64 = 10.0;

impl Dist {
    /// Build a distribution of kind `kind` from its numbers and its `within` range (normal and
    /// beta), checking them; the error says what would be valid.
    pub fn new(kind: &str, args: &[f64], within: Option<(f64, f64)>) -> Result<Dist, String> {
        if let Some(x) = args.iter().find(|x| !x.is_finite()) {
            return Err(format!("{kind}: {x} is not a finite number"));
        }
        let n = |want: usize, form: &str| {
            if args.len() == want {
                Ok(())
            } else {
                Err(format!(
                    "{kind} takes {want} numbers ({form}), not {}",
                    args.len()
                ))
            }
        };
        let range = |lo: f64, hi: f64| {
            if lo < hi {
                Ok(())
            } else {
                Err(format!(
                    "{kind}: the low end {lo} must be below the high end {hi}"
                ))
            }
        };
        if within.is_some() && !matches!(kind, "normal" | "beta") {
            return Err(format!(
                "{kind} takes no 'within' (only normal and beta do)"
            ));
        }
        let d = match kind {
            "uniform" => {
                n(2, "low, high")?;
                range(args[0], args[1])?;
                Dist::Uniform {
                    lo: args[0],
                    hi: args[1],
                }
            }
            "triangular" => {
                n(3, "low, mode, high")?;
                range(args[0], args[2])?;
                if !(args[0] <= args[1] && args[1] <= args[2]) {
                    return Err(format!(
                        "triangular: the mode {} must lie in [{}, {}]",
                        args[1], args[0], args[2]
                    ));
                }
                Dist::Triangular {
                    lo: args[0],
                    mode: args[1],
                    hi: args[2],
                }
            }
            "normal" => {
                n(2, "mean, sd")?;
                let Some((lo, hi)) = within else {
                    return Err(
                        "normal needs within = [low, high]: the valid range of this value, where it is truncated"
                            .into(),
                    );
                };
                range(lo, hi)?;
                let (mean, sd) = (args[0], args[1]);
                if sd.is_nan() || sd <= 0.0 {
                    return Err(format!("normal: the sd {sd} must be above 0"));
                }
                if !(lo <= mean && mean <= hi) {
                    return Err(format!("normal: the mean {mean} must lie in [{lo}, {hi}]"));
                }
                if sd > NORMAL_SD_PER_WIDTH * (hi - lo) {
                    return Err(format!(
                        "normal: the sd {sd} is over {NORMAL_SD_PER_WIDTH} times the width of [{lo}, {hi}]; use uniform for a flat judgement"
                    ));
                }
                Dist::Normal { mean, sd, lo, hi }
            }
            "beta" => {
                n(2, "a, b")?;
                let (lo, hi) = within.unwrap_or((0.0, 1.0));
                range(lo, hi)?;
                let (a, b) = (args[0], args[1]);
                if !(a > 0.0 && b > 0.0) {
                    return Err(format!("beta: a = {a} and b = {b} must both be above 0"));
                }
                Dist::Beta { a, b, lo, hi }
            }
            "choice" => {
                if args.is_empty() {
                    return Err("choice needs at least one value".into());
                }
                Dist::Choice(args.to_vec())
            }
            _ => {
                return Err(format!(
                    "unknown distribution '{kind}'; expected one of: {}",
                    KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
                ));
            }
        };
        Ok(d)
    }

    /// The smallest and largest values a draw can take.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Uniform { lo, hi }
            | Dist::Triangular { lo, hi, .. }
            | Dist::Normal { lo, hi, .. }
            | Dist::Beta { lo, hi, .. } => (*lo, *hi),
            Dist::Choice(v) => v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                }),
        }
    }

    /// The nominal value: what the scenario reports as the setting, and where `validate`
    /// builds it. The midpoint of a uniform, the mode of a triangular, the mean of a normal
    /// (before truncation) and of a beta, the first listed choice.
    pub fn nominal(&self) -> f64 {
        match self {
            Dist::Uniform { lo, hi } => lo + (hi - lo) / 2.0,
            Dist::Triangular { mode, .. } => *mode,
            Dist::Normal { mean, .. } => *mean,
            Dist::Beta { a, b, lo, hi } => lo + (hi - lo) * (a / (a + b)),
            Dist::Choice(v) => v[0],
        }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Dist::Uniform { lo, hi } => lo + (hi - lo) * rng.random::<f64>(),
            Dist::Triangular { lo, mode, hi } => {
                let u = rng.random::<f64>();
                let c = (mode - lo) / (hi - lo);
                if u < c {
                    lo + (u * (hi - lo) * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
                }
            }
            Dist::Normal { mean, sd, lo, hi } => loop {
                // Rejection: exact, and the acceptance rate is above 2% (see `new`).
                let x = mean + sd * standard_normal(rng);
                if *lo <= x && x <= *hi {
                    break x;
                }
            },
            Dist::Beta { a, b, lo, hi } => {
                let x = gamma(*a, rng);
                let y = gamma(*b, rng);
                let s = x + y;
                // Both gammas below the smallest positive double happens only for tiny shapes:
                // the draw is then at either end with the odds of the shapes.
                let f = if s > 0.0 {
                    x / s
                } else if rng.random::<f64>() < a / (a + b) {
                    1.0
                } else {
                    0.0
                };
                (lo + (hi - lo) * f).clamp(*lo, *hi)
            }
            Dist::Choice(v) => {
                let k = (rng.random::<f64>() * v.len() as f64) as usize;
                v[k.min(v.len() - 1)]
            }
        }
    }
}

/// A uniform in (0, 1]: never 0, so its logarithm is finite.
fn open_unit(rng: &mut ChaCha8Rng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// A standard normal draw by Marsaglia's polar method (Marsaglia and Bray 1964): only `ln`
/// and `sqrt`, both portable here.
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    loop {
        let u = 2.0 * rng.random::<f64>() - 1.0;
        let v = 2.0 * rng.random::<f64>() - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * math::ln(s) / s).sqrt();
        }
    }
}

/// A Gamma(shape, 1) draw (Marsaglia and Tsang 2000; for a shape below 1, a draw of shape + 1
/// times U^(1/shape)).
fn gamma(shape: f64, rng: &mut ChaCha8Rng) -> f64 {
    if shape < 1.0 {
        let g = gamma(shape + 1.0, rng);
        return g * math::exp(math::ln(open_unit(rng)) / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = standard_normal(rng);
        let t = 1.0 + c * z;
        if t <= 0.0 {
            continue;
        }
        let v = t * t * t;
        let u = open_unit(rng);
        if math::ln(u) < 0.5 * z * z + d - d * v + d * math::ln(v) {
            return d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn draws(d: &Dist, n: usize) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    fn mean_var(x: &[f64]) -> (f64, f64) {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        (
            m,
            x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0),
        )
    }

    /// Each distribution's draws stay in its support and match its mean and variance to
    /// within five standard errors (40,000 draws).
    #[test]
    fn draws_match_their_distributions() {
        let n = 40_000;
        let cases = [
            (
                Dist::new("uniform", &[2.0, 6.0], None).unwrap(),
                4.0,
                16.0 / 12.0,
            ),
            (
                Dist::new("triangular", &[0.0, 1.0, 4.0], None).unwrap(),
                5.0 / 3.0,
                (16.0 + 1.0 - 4.0) / 18.0,
            ),
            (
                Dist::new("normal", &[0.5, 0.1], Some((0.0, 1.0))).unwrap(),
                0.5,
                0.01,
            ),
            (
                Dist::new("beta", &[2.0, 5.0], None).unwrap(),
                2.0 / 7.0,
                10.0 / (49.0 * 8.0),
            ),
            (
                Dist::new("beta", &[0.5, 0.5], Some((1.0, 3.0))).unwrap(),
                2.0,
                4.0 * 0.25 / 2.0,
            ),
            (
                Dist::new("choice", &[1.0, 2.0, 6.0], None).unwrap(),
                3.0,
                (4.0 + 1.0 + 9.0) / 3.0,
            ),
        ];
        for (d, mean, var) in cases {
            let x = draws(&d, n);
            let (lo, hi) = d.support();
            assert!(x.iter().all(|v| lo <= *v && *v <= hi), "{d:?}");
            let (m, v) = mean_var(&x);
            let se = (var / n as f64).sqrt();
            assert!((m - mean).abs() < 5.0 * se, "{d:?}: mean {m} vs {mean}");
            assert!((v - var).abs() < 0.05 * var, "{d:?}: variance {v} vs {var}");
        }
    }

    /// A normal truncated near its mean loses its tails: its draws all lie in the range and
    /// its variance is below the untruncated one.
    #[test]
    fn a_truncated_normal_stays_in_its_range() {
        let d = Dist::new("normal", &[0.9, 0.3], Some((0.0, 1.0))).unwrap();
        let x = draws(&d, 20_000);
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        let (m, v) = mean_var(&x);
        assert!(m < 0.9 && v < 0.09, "{m} {v}");
    }

    #[test]
    fn bad_distributions_say_what_would_be_valid() {
        for (kind, args, within, want) in [
            ("uniform", vec![1.0, 1.0], None, "below the high end"),
            ("uniform", vec![1.0], None, "takes 2 numbers"),
            ("triangular", vec![0.0, 2.0, 1.0], None, "mode 2 must lie"),
            ("normal", vec![0.5, 0.1], None, "needs within"),
            (
                "normal",
                vec![2.0, 0.1],
                Some((0.0, 1.0)),
                "mean 2 must lie",
            ),
            (
                "normal",
                vec![0.5, 0.0],
                Some((0.0, 1.0)),
                "must be above 0",
            ),
            ("normal", vec![0.5, 20.0], Some((0.0, 1.0)), "use uniform"),
            ("beta", vec![0.0, 1.0], None, "must both be above 0"),
            ("choice", vec![], None, "at least one"),
            (
                "uniform",
                vec![0.0, 1.0],
                Some((0.0, 1.0)),
                "takes no 'within'",
            ),
            ("lognormal", vec![0.0, 1.0], None, "expected one of"),
            ("uniform", vec![0.0, f64::NAN], None, "not a finite number"),
        ] {
            let e = Dist::new(kind, &args, within).unwrap_err();
            assert!(e.contains(want), "{kind}: {e}");
        }
    }

    #[test]
    fn nominal_values() {
        assert_eq!(
            Dist::new("uniform", &[1.0, 3.0], None).unwrap().nominal(),
            2.0
        );
        assert_eq!(
            Dist::new("triangular", &[0.0, 0.2, 1.0], None)
                .unwrap()
                .nominal(),
            0.2
        );
        assert_eq!(
            Dist::new("choice", &[5.0, 1.0], None).unwrap().nominal(),
            5.0
        );
        assert_eq!(
            Dist::new("choice", &[5.0, 1.0], None).unwrap().support(),
            (1.0, 5.0)
        );
    }
}
