//! Global sensitivity: variance-based first-order and total Sobol indices by the estimators of
//! Saltelli et al. (2010) with bootstrap intervals, and Morris elementary effects (Morris
//! 1991; mu* of Campolongo et al. 2007) for screening. Pure: the caller evaluates the model at
//! the points of a design and hands the values back.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::dist::Dist;

/// The points at which Saltelli's estimators need the model: matrices A and B of `n` rows, then
/// for each factor i the matrix AB_i (A with column i taken from B), row by row; `n * (k + 2)`
/// points of `k` factors, each drawn from its distribution.
pub fn saltelli_design(factors: &[Dist], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let k = factors.len();
    let mut draw = || -> Vec<f64> { factors.iter().map(|d| d.sample(&mut rng)).collect() };
    let a: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
    let mut points = Vec::with_capacity(n * (k + 2));
    points.extend(a.iter().cloned());
    points.extend(b.iter().cloned());
    for i in 0..k {
        for (ra, rb) in a.iter().zip(&b) {
            let mut p = ra.clone();
            p[i] = rb[i];
            points.push(p);
        }
    }
    points
}

/// One factor's indices with their bootstrap 95% intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    pub first: f64,
    pub first_ci: (f64, f64),
    pub total: f64,
    pub total_ci: (f64, f64),
}

/// First-order (Saltelli 2010) and total (Jansen 1999) indices from the values `y` of the
/// model at [`saltelli_design`]'s points (`n` rows, `k` factors), with percentile intervals
/// from `resamples` bootstrap resamples of the rows. None if the output does not vary.
pub fn sobol(y: &[f64], n: usize, k: usize, resamples: usize, seed: u64) -> Option<Vec<Indices>> {
    assert_eq!(y.len(), n * (k + 2), "one value per design point");
    let rows: Vec<usize> = (0..n).collect();
    let point = estimate(y, n, k, &rows)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut boot: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(resamples); k];
    for _ in 0..resamples {
        let pick: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        if let Some(e) = estimate(y, n, k, &pick) {
            for (i, x) in e.into_iter().enumerate() {
                boot[i].push(x);
            }
        }
    }
    Some(
        point
            .into_iter()
            .zip(boot)
            .map(|((first, total), b)| {
                let f: Vec<f64> = b.iter().map(|x| x.0).collect();
                let t: Vec<f64> = b.iter().map(|x| x.1).collect();
                Indices {
                    first,
                    first_ci: interval(f),
                    total,
                    total_ci: interval(t),
                }
            })
            .collect(),
    )
}

/// (first, total) for every factor from the design rows `rows` (with repeats, for the
/// bootstrap).
fn estimate(y: &[f64], n: usize, k: usize, rows: &[usize]) -> Option<Vec<(f64, f64)>> {
    let fa = |j: usize| y[j];
    let fb = |j: usize| y[n + j];
    let fab = |i: usize, j: usize| y[(2 + i) * n + j];
    let m = rows.len() as f64;
    let mean = rows.iter().map(|&j| fa(j) + fb(j)).sum::<f64>() / (2.0 * m);
    let var = rows
        .iter()
        .map(|&j| (fa(j) - mean).powi(2) + (fb(j) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * m - 1.0);
    if var.is_nan() || var <= 0.0 {
        return None;
    }
    Some(
        (0..k)
            .map(|i| {
                let first = rows
                    .iter()
                    .map(|&j| fb(j) * (fab(i, j) - fa(j)))
                    .sum::<f64>()
                    / m
                    / var;
                let total = rows
                    .iter()
                    .map(|&j| (fa(j) - fab(i, j)).powi(2))
                    .sum::<f64>()
                    / (2.0 * m)
                    / var;
                (first, total)
            })
            .collect(),
    )
}

/// The 2.5% and 97.5% quantiles of bootstrap estimates.
pub(crate) fn interval(v: Vec<f64>) -> (f64, f64) {
    let [lo, hi] = quantiles_of(&v, [0.025, 0.975]);
    (lo, hi)
}

/// The p-quantiles of values in any order ([`quantile`] of them sorted; NaN if empty).
pub fn quantiles_of<const N: usize>(values: &[f64], ps: [f64; N]) -> [f64; N] {
    if values.is_empty() {
        return [f64::NAN; N];
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    ps.map(|p| quantile(&v, p))
}

/// The p-quantile of sorted values, linear between order statistics (Hyndman and Fan's type
/// 7); the values must not be empty.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let i = h as usize;
    let j = (i + 1).min(sorted.len() - 1);
    sorted[i] + (h - i as f64) * (sorted[j] - sorted[i])
}

/// Levels of the Morris grid on each factor's quantile scale (Morris 1991).
pub const MORRIS_LEVELS: usize = 4;

/// Quantile functions of the factors, from a large sorted sample of each (so any distribution
/// has one): u in [0, 1] to a value.
pub struct Quantiles(Vec<Vec<f64>>);

impl Quantiles {
    pub fn new(factors: &[Dist], seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Quantiles(
            factors
                .iter()
                .map(|d| {
                    let mut v: Vec<f64> = (0..4097).map(|_| d.sample(&mut rng)).collect();
                    v.sort_by(f64::total_cmp);
                    v
                })
                .collect(),
        )
    }

    pub fn at(&self, i: usize, u: f64) -> f64 {
        let v = &self.0[i];
        v[((u.clamp(0.0, 1.0) * (v.len() - 1) as f64) + 0.5) as usize]
    }
}

/// A Morris design: `r` trajectories of k + 1 points each on the quantile scale. Each starts
/// from random levels in the lower half of the grid and moves every factor up by the step
/// once, in random order (Morris 1991). Returns the points (as values) and, for each step of
/// each trajectory, the factor moved.
pub fn morris_design(q: &Quantiles, k: usize, r: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<usize>) {
    let p = MORRIS_LEVELS as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut moved = Vec::with_capacity(r * k);
    for _ in 0..r {
        let mut u: Vec<f64> = (0..k)
            .map(|_| rng.random_range(0..MORRIS_LEVELS / 2) as f64 / (p - 1.0))
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(&mut rng);
        let to_values = |u: &[f64]| (0..k).map(|i| q.at(i, u[i])).collect::<Vec<f64>>();
        points.push(to_values(&u));
        for &i in &order {
            u[i] += MORRIS_STEP;
            points.push(to_values(&u));
            moved.push(i);
        }
    }
    (points, moved)
}

/// The step of an elementary effect on the quantile scale: p / (2 (p - 1)).
pub const MORRIS_STEP: f64 = MORRIS_LEVELS as f64 / (2.0 * (MORRIS_LEVELS as f64 - 1.0));

/// One factor's Morris statistics: mu* (the mean absolute elementary effect), mu and sigma
/// (their mean and standard deviation), in output units per step of the quantile scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effects {
    pub mu_star: f64,
    pub mu: f64,
    pub sigma: f64,
}

/// Morris statistics from the values `y` at [`morris_design`]'s points.
pub fn morris(y: &[f64], moved: &[usize], k: usize) -> Vec<Effects> {
    let mut ee: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (t, chunk) in moved.chunks(k).enumerate() {
        for (s, &i) in chunk.iter().enumerate() {
            let at = t * (k + 1) + s;
            ee[i].push((y[at + 1] - y[at]) / MORRIS_STEP);
        }
    }
    ee.iter()
        .map(|e| {
            let n = e.len() as f64;
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n;
            let sigma = if e.len() > 1 {
                (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            Effects { mu_star, mu, sigma }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// The Ishigami function's indices are known in closed form (Ishigami and Homma 1990;
    /// Saltelli et al. 2010): S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
    #[test]
    fn ishigami_indices_are_recovered() {
        let pi = std::f64::consts::PI;
        let f: Vec<Dist> = (0..3)
            .map(|_| Dist::new("uniform", &[-pi, pi], None).unwrap())
            .collect();
        let n = 1 << 14;
        let pts = saltelli_design(&f, n, 3);
        let y: Vec<f64> = pts.iter().map(|x| ishigami(x)).collect();
        let s = sobol(&y, n, 3, 100, 5).unwrap();
        let want = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
        for (i, (got, (s1, st))) in s.iter().zip(want).enumerate() {
            assert!((got.first - s1).abs() < 0.03, "S{i}: {} vs {s1}", got.first);
            assert!(
                (got.total - st).abs() < 0.03,
                "ST{i}: {} vs {st}",
                got.total
            );
            assert!(got.first_ci.0 <= got.first && got.first <= got.first_ci.1);
            assert!(got.total_ci.0 <= got.total && got.total <= got.total_ci.1);
            assert!(
                got.first_ci.0 < s1 + 0.02 && s1 - 0.02 < got.first_ci.1,
                "S{i} interval {:?} misses {s1}",
                got.first_ci
            );
        }
    }

    #[test]
    fn a_constant_output_has_no_indices() {
        let f = vec![Dist::new("uniform", &[0.0, 1.0], None).unwrap(); 2];
        let pts = saltelli_design(&f, 64, 1);
        assert!(sobol(&vec![1.0; pts.len()], 64, 2, 10, 1).is_none());
    }

    /// On a linear function of uniform factors the elementary effects are its slopes (times
    /// the width of the range per unit of the quantile scale).
    #[test]
    fn morris_effects_of_a_linear_function_are_its_slopes() {
        let f = vec![Dist::new("uniform", &[0.0, 1.0], None).unwrap(); 3];
        let q = Quantiles::new(&f, 2);
        let (pts, moved) = morris_design(&q, 3, 20, 4);
        let y: Vec<f64> = pts.iter().map(|x| 3.0 * x[0] - x[1]).collect();
        let e = morris(&y, &moved, 3);
        assert!((e[0].mu_star - 3.0).abs() < 0.05, "{:?}", e[0]);
        assert!((e[0].mu - 3.0).abs() < 0.05);
        assert!((e[1].mu_star - 1.0).abs() < 0.05 && (e[1].mu + 1.0).abs() < 0.05);
        assert_eq!(e[2].mu_star, 0.0);
        assert!(e[0].sigma < 0.1);
    }
}
