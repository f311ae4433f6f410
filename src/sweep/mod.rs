//! Parameter sweeps: the design (a full grid or a Latin hypercube over named settings), the
//! verdict at each point (does the arm beat the baseline?); the sensitivity ranking is in
//! `given`, calibration in `abc`, Sobol designs in `sobol`. Pure: no I/O; `cli::sweep` runs
//! the points.

pub mod abc;
pub mod given;
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
}
