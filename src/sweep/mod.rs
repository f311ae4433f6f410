//! Parameter sweeps: the design (a full grid or a Latin hypercube over named settings), the
//! verdict at each point (does the arm beat the baseline?), and the sensitivity ranking
//! (standardized regression coefficients). Pure: no I/O; `cli::sweep` runs the points.

pub mod abc;
pub mod sobol;

use rand::RngExt;

use crate::rng;

/// Stream id of the Latin-hypercube draws (apart from every run's streams).
pub const DESIGN_STREAM: u64 = 16;

/// One varied setting and its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The dotted key as typed.
    pub key: String,
    pub lo: f64,
    pub hi: f64,
    /// Grid points along this axis (grid designs).
    pub steps: usize,
    /// Whether the setting takes whole numbers (values are rounded).
    pub integer: bool,
}

impl Axis {
    fn at(&self, x: f64) -> f64 {
        if self.integer { x.round() } else { x }
    }
}

/// How points are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of each axis's evenly spaced steps (the first axis varies slowest).
    Grid,
    /// A Latin hypercube of `samples` points: each axis cut into `samples` equal strata, each
    /// stratum used once, a uniform draw inside it.
    Lhs { samples: usize },
}

/// The points of a design: one value per axis each. The hypercube is drawn from its own stream
/// of `seed`, so the same command gives the same points.
pub fn points(axes: &[Axis], design: Design, seed: u64) -> Vec<Vec<f64>> {
    match design {
        Design::Grid => {
            let mut out = vec![Vec::new()];
            for a in axes {
                let vals: Vec<f64> = (0..a.steps)
                    .map(|i| {
                        if a.steps == 1 {
                            a.lo
                        } else {
                            a.at(a.lo + (a.hi - a.lo) * i as f64 / (a.steps - 1) as f64)
                        }
                    })
                    .collect();
                out = out
                    .into_iter()
                    .flat_map(|p| {
                        vals.iter().map(move |&v| {
                            let mut q = p.clone();
                            q.push(v);
                            q
                        })
                    })
                    .collect();
            }
            out
        }
        Design::Lhs { samples } => {
            let mut r = rng::stream(rng::splitmix64(seed), DESIGN_STREAM);
            let n = samples;
            let mut cols: Vec<Vec<f64>> = Vec::with_capacity(axes.len());
            for a in axes {
                // A Fisher-Yates permutation of the strata, then a uniform within each.
                let mut perm: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = r.random_range(0..=i);
                    perm.swap(i, j);
                }
                cols.push(
                    perm.iter()
                        .map(|&s| {
                            let u = (s as f64 + r.random::<f64>()) / n as f64;
                            a.at(a.lo + (a.hi - a.lo) * u)
                        })
                        .collect(),
                );
            }
            (0..n)
                .map(|i| cols.iter().map(|c| c[i]).collect())
                .collect()
        }
    }
}

/// Which side a point favours on the chosen metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The arm does better than the baseline (its interval excludes no difference).
    Arm,
    /// The baseline does better.
    Baseline,
    /// The 95% interval of the paired difference contains 0.
    NotSignificant,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Arm => "arm",
            Verdict::Baseline => "baseline",
            Verdict::NotSignificant => "not_significant",
        }
    }

    /// From the 95% interval of (arm - baseline); `lower_is_better` for metrics such as war.
    pub fn of(low: f64, high: f64, lower_is_better: bool) -> Verdict {
        let (better, worse) = if lower_is_better {
            (high < 0.0, low > 0.0)
        } else {
            (low > 0.0, high < 0.0)
        };
        if better {
            Verdict::Arm
        } else if worse {
            Verdict::Baseline
        } else {
            Verdict::NotSignificant
        }
    }
}

/// The sensitivity of a response to the varied settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// Standardized regression coefficient per axis (None: the axis did not vary).
    pub src: Vec<Option<f64>>,
    /// Share of the response's variance the linear model explains.
    pub r_squared: f64,
}

/// Standardized regression coefficients of `y` on the columns of `x` (one row per point):
/// an ordinary least-squares fit on standardized variables (Saltelli et al. 2008, ch. 1). With
/// uncorrelated inputs (a grid or a hypercube) the squared coefficients approximately split
/// the explained variance between the settings. Returns None with fewer points than settings + 2
/// or a response that does not vary.
pub fn sensitivity(x: &[Vec<f64>], y: &[f64]) -> Option<Sensitivity> {
    let n = y.len();
    let k = x.first().map_or(0, Vec::len);
    let (my, sy) = mean_sd(y.iter().copied());
    if n < k + 2 || sy <= 0.0 || !sy.is_finite() {
        return None;
    }
    let stats: Vec<(f64, f64)> = (0..k).map(|j| mean_sd(x.iter().map(|r| r[j]))).collect();
    let live: Vec<usize> = (0..k).filter(|&j| stats[j].1 > 0.0).collect();
    let z = |i: usize, j: usize| (x[i][j] - stats[j].0) / stats[j].1;
    let m = live.len();
    // Normal equations on standardized data: (Z'Z) b = Z'y.
    let mut a = vec![vec![0.0; m + 1]; m];
    for (i, &yv) in y.iter().enumerate() {
        let yi = (yv - my) / sy;
        for (r, &jr) in live.iter().enumerate() {
            let zr = z(i, jr);
            for (c, &jc) in live.iter().enumerate() {
                a[r][c] += zr * z(i, jc);
            }
            a[r][m] += zr * yi;
        }
    }
    let b = solve(a)?;
    let mut src = vec![None; k];
    for (r, &j) in live.iter().enumerate() {
        src[j] = Some(b[r]);
    }
    // R^2 = 1 - SSE/SST on the standardized response.
    let mut sse = 0.0;
    let mut sst = 0.0;
    for (i, &yv) in y.iter().enumerate() {
        let yi = (yv - my) / sy;
        let fit: f64 = live.iter().enumerate().map(|(r, &j)| b[r] * z(i, j)).sum();
        sse += (yi - fit).powi(2);
        sst += yi * yi;
    }
    Some(Sensitivity {
        src,
        r_squared: if sst > 0.0 { 1.0 - sse / sst } else { 0.0 },
    })
}

fn mean_sd(v: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = v.clone().count();
    if n < 2 {
        return (v.sum::<f64>(), 0.0);
    }
    let m = v.clone().sum::<f64>() / n as f64;
    let var = v.map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    (m, var.sqrt())
}

/// Gaussian elimination with partial pivoting on an augmented m x (m+1) matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let m = a.len();
    for c in 0..m {
        let p = (c..m).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, &pv) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * pv;
                }
            }
        }
    }
    Some((0..m).map(|i| a[i][m] / a[i][i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(lo: f64, hi: f64, steps: usize) -> Axis {
        Axis {
            key: "k".into(),
            lo,
            hi,
            steps,
            integer: false,
        }
    }

    #[test]
    fn grid_is_the_full_product_first_axis_slowest() {
        let p = points(&[axis(0.0, 1.0, 3), axis(10.0, 20.0, 2)], Design::Grid, 1);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![0.0, 10.0]);
        assert_eq!(p[1], vec![0.0, 20.0]);
        assert_eq!(p[5], vec![1.0, 20.0]);
    }

    #[test]
    fn hypercube_uses_each_stratum_once_and_is_seeded() {
        let axes = [axis(0.0, 1.0, 0), axis(-5.0, 5.0, 0)];
        let p = points(&axes, Design::Lhs { samples: 20 }, 7);
        assert_eq!(p, points(&axes, Design::Lhs { samples: 20 }, 7));
        assert_ne!(p, points(&axes, Design::Lhs { samples: 20 }, 8));
        for (j, a) in axes.iter().enumerate() {
            let mut strata: Vec<usize> = p
                .iter()
                .map(|q| ((q[j] - a.lo) / (a.hi - a.lo) * 20.0) as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..20).collect::<Vec<_>>());
        }
    }

    #[test]
    fn verdicts_follow_the_interval_and_the_direction() {
        assert_eq!(Verdict::of(0.1, 0.3, false), Verdict::Arm);
        assert_eq!(Verdict::of(-0.3, -0.1, false), Verdict::Baseline);
        assert_eq!(Verdict::of(-0.1, 0.1, false), Verdict::NotSignificant);
        assert_eq!(Verdict::of(-0.3, -0.1, true), Verdict::Arm);
    }

    #[test]
    fn coefficients_recover_a_linear_response() {
        // y = 3 a - 1 b on a 5x5 grid: SRC_a / SRC_b = -3 * sd(a)/sd(b), and R^2 = 1.
        let pts = points(&[axis(0.0, 1.0, 5), axis(0.0, 1.0, 5)], Design::Grid, 1);
        let y: Vec<f64> = pts.iter().map(|p| 3.0 * p[0] - p[1]).collect();
        let s = sensitivity(&pts, &y).unwrap();
        let (a, b) = (s.src[0].unwrap(), s.src[1].unwrap());
        assert!((a / b + 3.0).abs() < 1e-9, "{a} {b}");
        assert!((a * a + b * b - 1.0).abs() < 1e-9);
        assert!((s.r_squared - 1.0).abs() < 1e-9);
        // A constant setting gets no coefficient; a constant response none at all.
        let pts2: Vec<Vec<f64>> = pts.iter().map(|p| vec![p[0], 0.5]).collect();
        let s2 = sensitivity(&pts2, &y).unwrap();
        assert!(s2.src[1].is_none() && s2.src[0].is_some());
        assert!(sensitivity(&pts, &vec![1.0; pts.len()]).is_none());
    }
}
