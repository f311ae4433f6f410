//! First-order Sobol indices from given data: the share of the variance of an answer over a
//! set of points (a sweep's grid or hypercube, or any sample of settings) that each setting
//! explains alone, by the class-conditional variance of the answer (Plischke, Borgonovo and
//! Smith 2013), corrected for what chance adds, with bootstrap intervals. It needs no special
//! design, so every sweep gets the variance-based ranking `detente sensitivity` computes on
//! its own design. Pure: the caller hands over the points and the answers.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sobol::interval;

/// How the points were placed, which decides what chance adds to a setting's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A full grid: every setting's levels meet every combination of the others equally
    /// often, so the others add nothing to its classes' means, and the index is the exact
    /// share of its main effect in the variance of the answers at the points (analysis of
    /// variance). The answers' Monte Carlo error is all that makes it uncertain, and common
    /// random numbers make that error nearly the same at every point, so no interval is given.
    Grid,
    /// Points drawn at random or by a Latin hypercube: everything a setting does not explain
    /// (the other settings and the noise) adds to its classes' means as if at random, which
    /// is subtracted; the interval comes from resampling the points.
    Random,
}

/// One setting's first-order index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Given {
    /// The share of the answer's variance the setting explains alone (0 for none; chance
    /// can make an estimate slightly negative).
    pub first: f64,
    /// Bootstrap 95% interval.
    pub ci: (f64, f64),
    /// Pearson correlation of the setting with the answer: the sign says which way it moves
    /// the answer (over the whole range; a non-monotone effect can have a small correlation).
    pub correlation: f64,
    /// The classes its values were cut into.
    pub classes: usize,
}

/// The most classes a setting is cut into.
pub const MAX_CLASSES: usize = 50;

/// Each point's class along one setting, and the number of classes: the setting's distinct
/// values when there are at most about sqrt(n) of them (a grid's levels), else classes of
/// equal counts of its sorted values, equal values never split.
pub fn classes(x: &[f64]) -> (Vec<usize>, usize) {
    let n = x.len();
    let target = ((n as f64).sqrt().round() as usize).clamp(2, MAX_CLASSES);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let distinct = 1 + order.windows(2).filter(|w| x[w[0]] != x[w[1]]).count();
    let mut label = vec![0; n];
    let mut class = 0;
    for (rank, &i) in order.iter().enumerate() {
        if rank > 0 && x[i] != x[order[rank - 1]] {
            let next = if distinct <= target {
                class + 1
            } else {
                rank * target / n
            };
            class = class.max(next);
        }
        label[i] = class;
    }
    (label, if n == 0 { 0 } else { class + 1 })
}

/// The index of one setting from the points `pick` (with repeats, for a bootstrap) of the
/// answers `y`, or None when the answers do not vary.
fn index(
    y: &[f64],
    labels: &[usize],
    m: usize,
    pick: &[usize],
    placement: Placement,
) -> Option<f64> {
    let n = pick.len();
    if n < 3 {
        return None;
    }
    let mean = pick.iter().map(|&i| y[i]).sum::<f64>() / n as f64;
    let mut sums = vec![(0.0, 0usize); m];
    let mut total = 0.0;
    for &i in pick {
        total += (y[i] - mean).powi(2);
        sums[labels[i]].0 += y[i];
        sums[labels[i]].1 += 1;
    }
    let between: f64 = sums
        .iter()
        .filter(|s| s.1 > 0)
        .map(|&(s, c)| c as f64 * (s / c as f64 - mean).powi(2))
        .sum();
    let used = sums.iter().filter(|s| s.1 > 0).count() as f64;
    // A setting with no effect has between/total = (used - 1)/(n - 1) on average over
    // random placements.
    let chance = match placement {
        Placement::Grid => 0.0,
        Placement::Random => (used - 1.0) / (n as f64 - 1.0),
    };
    (total > 0.0 && chance < 1.0).then(|| (between / total - chance) / (1.0 - chance))
}

/// Pearson correlation (0 when either does not vary).
fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

/// First-order indices of the settings (columns of `x`, one row per point) for the answers
/// `y`; for random points with bootstrap intervals from `resamples` resamples of the points
/// seeded by `seed` (a grid's are NaN). None when the answers do not vary; a setting that does
/// not vary gets None.
pub fn first_order(
    x: &[Vec<f64>],
    y: &[f64],
    placement: Placement,
    resamples: usize,
    seed: u64,
) -> Option<Vec<Option<Given>>> {
    let n = y.len();
    let k = x.first().map_or(0, Vec::len);
    let all: Vec<usize> = (0..n).collect();
    let column = |j: usize| -> Vec<f64> { x.iter().map(|r| r[j]).collect() };
    let cuts: Vec<(Vec<usize>, usize)> = (0..k).map(|j| classes(&column(j))).collect();
    // The answers must vary for any setting to explain them.
    index(y, &vec![0; n], 1, &all, Placement::Grid)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut boot = vec![Vec::new(); k];
    if placement == Placement::Random {
        for _ in 0..resamples {
            let pick: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            for (j, (labels, m)) in cuts.iter().enumerate() {
                if let Some(s) = index(y, labels, *m, &pick, placement) {
                    boot[j].push(s);
                }
            }
        }
    }
    Some(
        cuts.iter()
            .zip(boot)
            .enumerate()
            .map(|(j, ((labels, m), b))| {
                if *m < 2 {
                    return None;
                }
                let first = index(y, labels, *m, &all, placement)?;
                // Resampled points repeat, which adds to the classes' spread beyond chance:
                // the replicates are centred on the estimate (the bootstrap's bias removed).
                let shift = b.iter().sum::<f64>() / b.len().max(1) as f64 - first;
                Some(Given {
                    first,
                    ci: interval(b.into_iter().map(|s| s - shift).collect()),
                    correlation: correlation(&column(j), y),
                    classes: *m,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ishigami(p: &[f64]) -> f64 {
        p[0].sin() + 7.0 * p[1].sin().powi(2) + 0.1 * p[2].powi(4) * p[0].sin()
    }

    #[test]
    fn ishigami_from_random_points() {
        // Known first-order indices: 0.3139, 0.4424, 0 (Ishigami and Homma 1990).
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let pi = std::f64::consts::PI;
        let x: Vec<Vec<f64>> = (0..4000)
            .map(|_| (0..3).map(|_| rng.random_range(-pi..pi)).collect())
            .collect();
        let y: Vec<f64> = x.iter().map(|p| ishigami(p)).collect();
        let s = first_order(&x, &y, Placement::Random, 200, 1).unwrap();
        let want = [0.3139, 0.4424, 0.0];
        for (g, w) in s.iter().zip(want) {
            let g = g.unwrap();
            assert!((g.first - w).abs() < 0.03, "{} vs {w}", g.first);
            assert!(g.ci.0 <= g.first && g.first <= g.ci.1, "{g:?}");
            assert!(g.ci.0 - 0.02 < w && w < g.ci.1 + 0.02, "{g:?} vs {w}");
        }
        assert!(s[0].unwrap().correlation > 0.3);
    }

    #[test]
    fn a_grid_gives_the_exact_main_effects() {
        // y = 2a + b^2 + ab on a 6 x 6 grid: each setting's main-effect share of the variance.
        let levels: Vec<f64> = (0..6).map(|i| f64::from(i) / 5.0).collect();
        let x: Vec<Vec<f64>> = levels
            .iter()
            .flat_map(|&a| levels.iter().map(move |&b| vec![a, b]))
            .collect();
        let y: Vec<f64> = x
            .iter()
            .map(|p| 2.0 * p[0] + p[1] * p[1] + p[0] * p[1])
            .collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let var = |v: &[f64]| {
            let m = mean(v);
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64
        };
        // A main effect: the variance of y's mean at each level.
        let main = |j: usize| {
            let at: Vec<f64> = levels
                .iter()
                .map(|&l| {
                    let v: Vec<f64> = (0..36).filter(|&i| x[i][j] == l).map(|i| y[i]).collect();
                    mean(&v)
                })
                .collect();
            var(&at) / var(&y)
        };
        let s = first_order(&x, &y, Placement::Grid, 50, 1).unwrap();
        for (j, g) in s.iter().enumerate() {
            let g = g.unwrap();
            assert!(
                (g.first - main(j)).abs() < 1e-12,
                "{} vs {}",
                g.first,
                main(j)
            );
            assert_eq!(g.classes, 6);
            assert!(g.ci.0.is_nan());
        }
        assert!(s[0].unwrap().first + s[1].unwrap().first < 1.0);
        assert!(first_order(&x, &vec![2.0; 36], Placement::Grid, 0, 1).is_none());
    }

    #[test]
    fn classes_keep_equal_values_together() {
        let (l, m) = classes(&[3.0, 1.0, 2.0, 1.0, 3.0, 2.0, 1.0, 2.0, 3.0]);
        assert_eq!(m, 3);
        assert_eq!(l, vec![2, 0, 1, 0, 2, 1, 0, 1, 2]);
        let x: Vec<f64> = (0..100).map(|i| f64::from(i % 37)).collect();
        let (l, m) = classes(&x);
        assert!(m <= 10);
        for i in 0..100 {
            for j in 0..100 {
                if x[i] == x[j] {
                    assert_eq!(l[i], l[j]);
                }
                if x[i] < x[j] {
                    assert!(l[i] <= l[j]);
                }
            }
        }
        // A constant setting has one class and no index.
        let (_, m) = classes(&[1.0; 5]);
        assert_eq!(m, 1);
    }
}
