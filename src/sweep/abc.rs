//! Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont et
//! al. 2009): populations of weighted particles under a tolerance that shrinks adaptively, so
//! that the last population's particles within it keep a set share of its effective sample
//! size (Del Moral, Doucet and Jasra 2012), each particle perturbed from the last by a
//! Gaussian kernel of twice the population's weighted variance. Pure: the caller simulates the
//! summary statistics of a batch of parameter vectors, and may resume from the populations of
//! an interrupted run.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::dist::Dist;
use crate::model::math;

/// A particle: a parameter vector, its normalized weight, its distance to the observed
/// statistics and its simulated statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub theta: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
    pub stats: Vec<f64>,
}

/// One population.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The tolerance its particles met (infinite for the first, drawn from the prior).
    pub epsilon: f64,
    /// Proposals simulated to accept the population.
    pub proposals: usize,
    /// Effective sample size of its weights, 1 / sum of squared weights.
    pub ess: f64,
    pub particles: Vec<Particle>,
}

/// The settings of a run of the sampler.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub particles: usize,
    pub generations: usize,
    /// The share of the last population's effective sample size the next tolerance keeps
    /// (with equal weights, the tolerance is this quantile of its distances).
    pub quantile: f64,
    /// The most proposals a population may take; a population that does not fill in them
    /// ends the run (the last full population is the result).
    pub max_proposals: usize,
    pub seed: u64,
}

/// The density of a prior at x, up to its normalizing constant (0 outside its support). A
/// choice has none: the caller refuses it as a prior.
pub fn density(d: &Dist, x: f64) -> f64 {
    let (lo, hi) = d.support();
    if !(lo <= x && x <= hi) {
        return 0.0;
    }
    match d {
        Dist::Uniform { .. } => 1.0,
        Dist::Triangular { lo, mode, hi } => {
            if x < *mode {
                (x - lo) / (mode - lo)
            } else if x > *mode {
                (hi - x) / (hi - mode)
            } else {
                1.0
            }
        }
        Dist::Normal { mean, sd, .. } => math::exp(-0.5 * ((x - mean) / sd).powi(2)),
        Dist::Beta { a, b, lo, hi } => {
            let u = (x - lo) / (hi - lo);
            if u <= 0.0 || u >= 1.0 {
                return if (u <= 0.0 && *a == 1.0) || (u >= 1.0 && *b == 1.0) {
                    1.0
                } else {
                    0.0
                };
            }
            math::exp((a - 1.0) * math::ln(u) + (b - 1.0) * math::ln(1.0 - u))
        }
        Dist::Choice(_) => 0.0,
    }
}

fn prior_density(priors: &[Dist], theta: &[f64]) -> f64 {
    priors
        .iter()
        .zip(theta)
        .map(|(d, &x)| density(d, x))
        .product()
}

use crate::model::dist::standard_normal as normal;

/// What the sampler asks of the model: the summary statistics of each parameter vector of a
/// batch.
pub type Simulate<'a> = dyn FnMut(&[Vec<f64>]) -> Vec<Vec<f64>> + 'a;

/// Run the sampler. `simulate` returns the summary statistics of each parameter vector of a
/// batch (the same result for the same vectors, whatever the batch); `observed` are the
/// record's. Distances are Euclidean on statistics scaled by their standard deviation over
/// the first population (1 where it is 0).
pub fn smc(
    priors: &[Dist],
    observed: &[f64],
    s: Settings,
    simulate: &mut Simulate,
) -> Vec<Generation> {
    resume(priors, observed, s, simulate, Vec::new(), &mut |_| {})
}

/// [`smc`] from the populations of an earlier run with the same settings (none: from the
/// start), calling `done` with all populations after each new one. Every population draws
/// from a stream of its own, so a resumed run gives the populations an uninterrupted one
/// gives.
pub fn resume(
    priors: &[Dist],
    observed: &[f64],
    s: Settings,
    simulate: &mut Simulate,
    earlier: Vec<Generation>,
    done: &mut dyn FnMut(&[Generation]),
) -> Vec<Generation> {
    let mut out = earlier;
    if out.is_empty() {
        out.push(first(priors, observed, s, simulate));
        done(&out);
    }
    let scale = scale(&out[0].particles);
    let distance = |x: &[f64]| distance(x, observed, &scale);
    for g in out.len()..s.generations {
        let last = &out[g - 1];
        let epsilon = tolerance(&last.particles, s.quantile);
        let Some(accepted) =
            population(priors, s, g, &last.particles, epsilon, simulate, &distance)
        else {
            break;
        };
        let (particles, proposals) = accepted;
        let ess = 1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>();
        out.push(Generation {
            epsilon,
            proposals,
            ess,
            particles,
        });
        done(&out);
    }
    out
}

/// The first population, drawn from the priors; distances use the scale it sets.
fn first(priors: &[Dist], observed: &[f64], s: Settings, simulate: &mut Simulate) -> Generation {
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let thetas: Vec<Vec<f64>> = (0..s.particles)
        .map(|_| priors.iter().map(|d| d.sample(&mut rng)).collect())
        .collect();
    let stats = simulate(&thetas);
    let w0 = 1.0 / s.particles as f64;
    let mut particles: Vec<Particle> = thetas
        .into_iter()
        .zip(stats)
        .map(|(theta, st)| Particle {
            weight: w0,
            distance: 0.0,
            theta,
            stats: st,
        })
        .collect();
    let scale = scale(&particles);
    for p in particles.iter_mut() {
        p.distance = distance(&p.stats, observed, &scale);
    }
    Generation {
        epsilon: f64::INFINITY,
        proposals: s.particles,
        ess: s.particles as f64,
        particles,
    }
}

/// Each statistic's standard deviation over a population (1 where it is 0).
fn scale(particles: &[Particle]) -> Vec<f64> {
    let n = particles.first().map_or(0, |p| p.stats.len());
    (0..n)
        .map(|j| {
            let v: Vec<f64> = particles.iter().map(|p| p.stats[j]).collect();
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
            if sd > 0.0 && sd.is_finite() { sd } else { 1.0 }
        })
        .collect()
}

fn distance(x: &[f64], observed: &[f64], scale: &[f64]) -> f64 {
    x.iter()
        .zip(observed)
        .zip(scale)
        .map(|((a, b), c)| ((a - b) / c).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The next tolerance (Del Moral, Doucet and Jasra 2012): the smallest distance of the last
/// population such that its particles within it keep the share `keep` of its effective
/// sample size, (Σw)²/Σw² over those particles. With equal weights it is the `keep`-quantile
/// of the distances.
pub fn tolerance(last: &[Particle], keep: f64) -> f64 {
    let mut by: Vec<(f64, f64)> = last.iter().map(|p| (p.distance, p.weight)).collect();
    by.sort_by(|a, b| a.0.total_cmp(&b.0));
    let ess = |s: f64, s2: f64| if s2 > 0.0 { s * s / s2 } else { 0.0 };
    let (s, s2) = by
        .iter()
        .fold((0.0, 0.0), |(a, b), (_, w)| (a + w, b + w * w));
    let target = keep * ess(s, s2);
    let (mut a, mut b) = (0.0, 0.0);
    for (d, w) in &by {
        a += w;
        b += w * w;
        if ess(a, b) >= target {
            return *d;
        }
    }
    by.last().map_or(f64::INFINITY, |x| x.0)
}

/// Population `g`: particles drawn from `last` by weight, perturbed, and accepted within
/// `epsilon`, with their importance weights; None if it did not fill within the proposals
/// allowed. Also the number of proposals made.
fn population(
    priors: &[Dist],
    s: Settings,
    g: usize,
    last: &[Particle],
    epsilon: f64,
    simulate: &mut Simulate,
    distance: &dyn Fn(&[f64]) -> f64,
) -> Option<(Vec<Particle>, usize)> {
    let k = priors.len();
    let sigma: Vec<f64> = (0..k)
        .map(|i| {
            let m: f64 = last.iter().map(|p| p.weight * p.theta[i]).sum();
            let v: f64 = last
                .iter()
                .map(|p| p.weight * (p.theta[i] - m).powi(2))
                .sum();
            (2.0 * v).sqrt().max(1e-12)
        })
        .collect();
    let cum: Vec<f64> = last
        .iter()
        .scan(0.0, |c, p| {
            *c += p.weight;
            Some(*c)
        })
        .collect();
    let mut accepted: Vec<Particle> = Vec::new();
    let mut proposals = 0;
    let mut rng = ChaCha8Rng::seed_from_u64(crate::rng::run_seed(s.seed, g as u64));
    while accepted.len() < s.particles && proposals < s.max_proposals {
        let batch = (s.particles - accepted.len())
            .max(16)
            .min(s.max_proposals - proposals);
        let mut thetas = Vec::with_capacity(batch);
        for _ in 0..batch {
            let u = rng.random::<f64>() * cum[cum.len() - 1];
            let a = cum.partition_point(|&c| c <= u).min(last.len() - 1);
            thetas.push(
                (0..k)
                    .map(|i| last[a].theta[i] + sigma[i] * normal(&mut rng))
                    .collect::<Vec<f64>>(),
            );
        }
        // Proposals outside the prior are rejected without simulating.
        let inside: Vec<Vec<f64>> = thetas
            .iter()
            .filter(|t| prior_density(priors, t) > 0.0)
            .cloned()
            .collect();
        let mut sims = simulate(&inside).into_iter();
        for t in thetas {
            proposals += 1;
            if prior_density(priors, &t) <= 0.0 {
                continue;
            }
            let st = sims.next().unwrap_or_default();
            let dist = distance(&st);
            if dist <= epsilon && accepted.len() < s.particles {
                accepted.push(Particle {
                    theta: t,
                    weight: 0.0,
                    distance: dist,
                    stats: st,
                });
            }
        }
    }
    if accepted.len() < s.particles {
        return None;
    }
    for p in accepted.iter_mut() {
        let kernel: f64 = last
            .iter()
            .map(|q| {
                q.weight
                    * (0..k)
                        .map(|i| math::exp(-0.5 * ((p.theta[i] - q.theta[i]) / sigma[i]).powi(2)))
                        .product::<f64>()
            })
            .sum();
        p.weight = prior_density(priors, &p.theta) / kernel.max(f64::MIN_POSITIVE);
    }
    let total: f64 = accepted.iter().map(|p| p.weight).sum();
    for p in accepted.iter_mut() {
        p.weight /= total;
    }
    Some((accepted, proposals))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A normal model with known variance: the statistic is the mean of 20 draws of N(theta,
    /// 1); under a flat prior the posterior is close to N(observed, 1/20).
    #[test]
    fn the_sampler_finds_a_normal_mean() {
        let priors = vec![Dist::new("uniform", &[-5.0, 5.0], None).unwrap()];
        let mut calls = 0u64;
        let mut sim = |batch: &[Vec<f64>]| -> Vec<Vec<f64>> {
            batch
                .iter()
                .map(|t| {
                    calls += 1;
                    let mut r = ChaCha8Rng::seed_from_u64(calls);
                    let m = (0..20).map(|_| t[0] + normal(&mut r)).sum::<f64>() / 20.0;
                    vec![m]
                })
                .collect()
        };
        let s = Settings {
            particles: 500,
            generations: 6,
            quantile: 0.5,
            max_proposals: 200_000,
            seed: 9,
        };
        let gens = smc(&priors, &[1.3], s, &mut sim);
        assert_eq!(gens.len(), 6);
        let last = &gens[5];
        let mean: f64 = last.particles.iter().map(|p| p.weight * p.theta[0]).sum();
        let var: f64 = last
            .particles
            .iter()
            .map(|p| p.weight * (p.theta[0] - mean).powi(2))
            .sum();
        assert!((mean - 1.3).abs() < 0.1, "{mean}");
        // Narrower than the prior's variance (100/12), near the true 0.05.
        assert!(var < 0.2 && var > 0.01, "{var}");
        assert!(gens.windows(2).all(|w| w[1].epsilon <= w[0].epsilon));
        assert!((last.particles.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-9);
    }

    fn particle(distance: f64, weight: f64) -> Particle {
        Particle {
            theta: vec![],
            weight,
            distance,
            stats: vec![],
        }
    }

    /// With equal weights the tolerance keeps the share of the particles asked for; with
    /// unequal ones it keeps the share of the effective sample size, (Σw)²/Σw² over the
    /// particles within it.
    #[test]
    fn the_tolerance_keeps_a_share_of_the_effective_sample_size() {
        let equal: Vec<Particle> = (0..10).map(|i| particle(f64::from(10 - i), 0.1)).collect();
        assert_eq!(tolerance(&equal, 0.5), 5.0);
        assert_eq!(tolerance(&equal, 1.0), 10.0);
        // A heavy particle closest: the population's ESS is about 1.2, and that particle
        // alone keeps half of it.
        let heavy: Vec<Particle> = (1..=10)
            .map(|d| particle(f64::from(d), if d == 1 { 0.91 } else { 0.01 }))
            .collect();
        assert_eq!(tolerance(&heavy, 0.5), 1.0);
        // The heavy particle farthest: the nine light ones have an ESS of 9, above half the
        // population's, so the tolerance stops at the first of them that reaches it.
        let far: Vec<Particle> = (1..=10)
            .map(|d| particle(f64::from(d), if d == 10 { 0.91 } else { 0.01 }))
            .collect();
        assert_eq!(tolerance(&far, 0.5), 1.0);
        assert_eq!(tolerance(&far, 1.0), 2.0);
    }

    #[test]
    fn prior_densities_vanish_outside_their_support() {
        let t = Dist::new("triangular", &[0.0, 1.0, 3.0], None).unwrap();
        assert_eq!(density(&t, -0.1), 0.0);
        assert_eq!(density(&t, 1.0), 1.0);
        assert!((density(&t, 2.0) - 0.5).abs() < 1e-12);
        let b = Dist::new("beta", &[2.0, 2.0], None).unwrap();
        assert!((density(&b, 0.5) - 0.25).abs() < 1e-12);
        assert_eq!(density(&b, 1.2), 0.0);
    }
}
