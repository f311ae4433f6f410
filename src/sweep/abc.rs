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

/// What the sampler asks of the model: the summary statistics of each proposal of a batch,
/// given as (id, parameter vector). The id is the proposal's own (from its population, slot
/// and place among the slot's proposals, [`proposal_id`]): seeding a proposal's chance from it
/// makes the statistics independent of how proposals are batched or split.
pub type Simulate<'a> = dyn FnMut(&[(u64, Vec<f64>)]) -> Vec<Vec<f64>> + 'a;

/// The population number of the replicates a caller simulates after the last population
/// (predictive checks): their ids are [`proposal_id`]`(REPLICATES, particle, replicate)`.
pub const REPLICATES: usize = usize::MAX;

/// The id of proposal `j` of slot `slot` of population `g`.
pub fn proposal_id(g: usize, slot: usize, j: usize) -> u64 {
    use crate::rng::run_seed;
    run_seed(
        run_seed(run_seed(0xAB_C5_3C, g as u64), slot as u64),
        j as u64,
    )
}

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
    resume(
        priors,
        observed,
        s,
        simulate,
        Vec::new(),
        &mut |_| None,
        &mut |_| {},
    )
}

/// [`smc`] from the populations of an earlier run with the same settings (none: from the
/// start), calling `done` with all populations after each new one. A population whose slots
/// `ready` has (computed by shards, [`part`]) is assembled from them instead of computed.
/// Every particle draws from a stream of its own, so a resumed or sharded run gives the
/// populations an uninterrupted one gives.
pub fn resume(
    priors: &[Dist],
    observed: &[f64],
    s: Settings,
    simulate: &mut Simulate,
    earlier: Vec<Generation>,
    ready: &mut dyn FnMut(usize) -> Option<Vec<Part>>,
    done: &mut dyn FnMut(&[Generation]),
) -> Vec<Generation> {
    let mut out = earlier;
    while out.len() < s.generations.max(1) {
        let parts = ready(out.len())
            .unwrap_or_else(|| vec![part(priors, observed, s, &out, 0..s.particles, simulate)]);
        match assemble(priors, observed, s, &out, parts) {
            Ok(Some(g)) => out.push(g),
            _ => break,
        }
        done(&out);
    }
    out
}

/// Some slots of the next population after `earlier`, as one shard computes them: each
/// accepted particle (unweighted) with the proposals it took, in slot order from `first`.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub generation: usize,
    pub first: usize,
    pub particles: Vec<(Particle, usize)>,
    /// The slots took more proposals than the whole population may.
    pub failed: bool,
}

/// The slots `slots` of the population after `earlier` (the first population when there is
/// none): drawn from the priors, or from the last population within the tolerance it sets.
pub fn part(
    priors: &[Dist],
    observed: &[f64],
    s: Settings,
    earlier: &[Generation],
    slots: std::ops::Range<usize>,
    simulate: &mut Simulate,
) -> Part {
    let g = earlier.len();
    let first = slots.start;
    let Some(last) = earlier.last() else {
        let proposals: Vec<(u64, Vec<f64>)> = slots
            .map(|i| {
                let mut rng = slot_rng(s.seed, 0, i);
                let theta = priors.iter().map(|d| d.sample(&mut rng)).collect();
                (proposal_id(0, i, 0), theta)
            })
            .collect();
        let stats = simulate(&proposals);
        let particles = proposals
            .into_iter()
            .zip(stats)
            .map(|((_, theta), stats)| {
                let p = Particle {
                    theta,
                    weight: 0.0,
                    // Set when the population is whole: its spread scales the distances.
                    distance: f64::NAN,
                    stats,
                };
                (p, 1)
            })
            .collect();
        return Part {
            generation: 0,
            first,
            particles,
            failed: false,
        };
    };
    let scale = scale(&earlier[0].particles);
    let distance = |x: &[f64]| distance(x, observed, &scale);
    let epsilon = tolerance(&last.particles, s.quantile);
    let kernel = Kernel::new(&last.particles);
    let filled = fill(priors, s, g, &kernel, epsilon, slots, simulate, &distance);
    Part {
        generation: g,
        first,
        failed: filled.is_none(),
        particles: filled.unwrap_or_default(),
    }
}

/// The population after `earlier` from parts covering its slots once: Ok(None) if it took
/// more proposals than allowed, an error if the parts are not of it or do not cover it.
pub fn assemble(
    priors: &[Dist],
    observed: &[f64],
    s: Settings,
    earlier: &[Generation],
    mut parts: Vec<Part>,
) -> Result<Option<Generation>, String> {
    let g = earlier.len();
    parts.sort_by_key(|p| p.first);
    if parts.iter().any(|p| p.generation != g) {
        return Err(format!("a part is not of population {g}"));
    }
    if parts.iter().any(|p| p.failed) {
        return Ok(None);
    }
    let mut at = 0;
    for p in &parts {
        if p.first != at {
            return Err(format!("the parts leave out or repeat slots from {at}"));
        }
        at += p.particles.len();
    }
    if at != s.particles {
        return Err(format!("the parts hold {at} of {} slots", s.particles));
    }
    let proposals: usize = parts.iter().flat_map(|p| &p.particles).map(|a| a.1).sum();
    if proposals > s.max_proposals {
        return Ok(None);
    }
    let mut particles: Vec<Particle> = parts
        .into_iter()
        .flat_map(|p| p.particles)
        .map(|a| a.0)
        .collect();
    let Some(last) = earlier.last() else {
        let scale = scale(&particles);
        let w0 = 1.0 / s.particles as f64;
        for p in particles.iter_mut() {
            p.weight = w0;
            p.distance = distance(&p.stats, observed, &scale);
        }
        return Ok(Some(Generation {
            epsilon: f64::INFINITY,
            proposals,
            ess: s.particles as f64,
            particles,
        }));
    };
    Kernel::new(&last.particles).weigh(priors, &mut particles);
    let ess = 1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>();
    Ok(Some(Generation {
        epsilon: tolerance(&last.particles, s.quantile),
        proposals,
        ess,
        particles,
    }))
}

/// The stream of slot `i` of population `g`: each particle is drawn from a stream of its
/// own, so a population does not depend on how its slots are batched or split.
fn slot_rng(seed: u64, g: usize, i: usize) -> ChaCha8Rng {
    let population = crate::rng::run_seed(seed, g as u64);
    ChaCha8Rng::seed_from_u64(crate::rng::run_seed(population, i as u64))
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

/// Proposals simulated together at least, when few slots are left to fill.
const BATCH: usize = 256;

/// The perturbation kernel around a population: ancestors drawn by weight, moved by a
/// Gaussian of twice the population's weighted variance in each setting.
struct Kernel<'a> {
    last: &'a [Particle],
    sigma: Vec<f64>,
    cum: Vec<f64>,
}

impl<'a> Kernel<'a> {
    fn new(last: &'a [Particle]) -> Self {
        let k = last.first().map_or(0, |p| p.theta.len());
        let sigma = (0..k)
            .map(|i| {
                let m: f64 = last.iter().map(|p| p.weight * p.theta[i]).sum();
                let v: f64 = last
                    .iter()
                    .map(|p| p.weight * (p.theta[i] - m).powi(2))
                    .sum();
                (2.0 * v).sqrt().max(1e-12)
            })
            .collect();
        let cum = last
            .iter()
            .scan(0.0, |c, p| {
                *c += p.weight;
                Some(*c)
            })
            .collect();
        Kernel { last, sigma, cum }
    }

    /// A proposal: an ancestor drawn by weight, perturbed.
    fn propose(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
        let u = rng.random::<f64>() * self.cum[self.cum.len() - 1];
        let a = self
            .cum
            .partition_point(|&c| c <= u)
            .min(self.last.len() - 1);
        let theta = &self.last[a].theta;
        (0..theta.len())
            .map(|i| theta[i] + self.sigma[i] * normal(rng))
            .collect()
    }

    /// Set the importance weights of accepted particles (prior over the kernel's mixture
    /// density), normalized.
    fn weigh(&self, priors: &[Dist], accepted: &mut [Particle]) {
        for p in accepted.iter_mut() {
            let mixture: f64 = self
                .last
                .iter()
                .map(|q| {
                    q.weight
                        * (0..self.sigma.len())
                            .map(|i| {
                                math::exp(
                                    -0.5 * ((p.theta[i] - q.theta[i]) / self.sigma[i]).powi(2),
                                )
                            })
                            .product::<f64>()
                })
                .sum();
            p.weight = prior_density(priors, &p.theta) / mixture.max(f64::MIN_POSITIVE);
        }
        let total: f64 = accepted.iter().map(|p| p.weight).sum();
        for p in accepted.iter_mut() {
            p.weight /= total;
        }
    }
}

/// The slots `slots` of population `g`, each with the proposals it took: slot i proposes from
/// its own stream until a proposal falls within `epsilon` (a proposal outside the prior counts
/// and is not simulated). None once the slots' proposals exceed the population's allowance.
/// Slots are filled in rounds, each active slot proposing enough ahead for the round to
/// simulate about [`BATCH`] at once; a slot's proposals after its accepted one are left out,
/// so the result does not depend on the rounds.
#[allow(clippy::too_many_arguments)]
fn fill(
    priors: &[Dist],
    s: Settings,
    g: usize,
    kernel: &Kernel,
    epsilon: f64,
    slots: std::ops::Range<usize>,
    simulate: &mut Simulate,
    distance: &dyn Fn(&[f64]) -> f64,
) -> Option<Vec<(Particle, usize)>> {
    struct Slot {
        index: usize,
        rng: ChaCha8Rng,
        /// Proposals drawn from the stream, and those up to the accepted one.
        drawn: usize,
        tried: usize,
        done: Option<Particle>,
    }
    let mut all: Vec<Slot> = slots
        .map(|i| Slot {
            index: i,
            rng: slot_rng(s.seed, g, i),
            drawn: 0,
            tried: 0,
            done: None,
        })
        .collect();
    loop {
        let active: Vec<usize> = (0..all.len()).filter(|&i| all[i].done.is_none()).collect();
        if active.is_empty() {
            break;
        }
        let ahead = BATCH.div_ceil(active.len());
        // Each active slot's next proposals, and which fall inside the prior.
        let mut proposed: Vec<(usize, Vec<f64>, bool)> = Vec::with_capacity(active.len() * ahead);
        let mut inside: Vec<(u64, Vec<f64>)> = Vec::new();
        for &i in &active {
            let slot = &mut all[i];
            for _ in 0..ahead {
                let theta = kernel.propose(&mut slot.rng);
                let within = prior_density(priors, &theta) > 0.0;
                if within {
                    inside.push((proposal_id(g, slot.index, slot.drawn), theta.clone()));
                }
                slot.drawn += 1;
                proposed.push((i, theta, within));
            }
        }
        let mut sims = simulate(&inside).into_iter();
        for (i, theta, within) in proposed {
            let slot = &mut all[i];
            let st = within.then(|| sims.next().unwrap_or_default());
            if slot.done.is_some() {
                continue;
            }
            slot.tried += 1;
            if let Some(st) = st {
                let d = distance(&st);
                if d <= epsilon {
                    slot.done = Some(Particle {
                        theta,
                        weight: 0.0,
                        distance: d,
                        stats: st,
                    });
                }
            }
        }
        // Every proposal counted is one the slots needed: over the allowance, they cannot
        // fill within it.
        if all.iter().map(|x| x.tried).sum::<usize>() > s.max_proposals {
            return None;
        }
    }
    Some(
        all.into_iter()
            .filter_map(|x| x.done.map(|p| (p, x.tried)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A normal model with known variance: the statistic is the mean of 20 draws of N(theta,
    /// 1); under a flat prior the posterior is close to N(observed, 1/20).
    /// The mean of 20 draws of N(theta, 1), from the proposal's own stream.
    fn normal_mean(batch: &[(u64, Vec<f64>)]) -> Vec<Vec<f64>> {
        batch
            .iter()
            .map(|(id, t)| {
                let mut r = ChaCha8Rng::seed_from_u64(*id);
                vec![(0..20).map(|_| t[0] + normal(&mut r)).sum::<f64>() / 20.0]
            })
            .collect()
    }

    #[test]
    fn populations_put_together_from_parts_are_the_populations_of_one_run() {
        let priors = vec![Dist::new("uniform", &[-5.0, 5.0], None).unwrap()];
        let s = Settings {
            particles: 60,
            generations: 4,
            quantile: 0.5,
            max_proposals: 100_000,
            seed: 3,
        };
        let whole = smc(&priors, &[0.7], s, &mut normal_mean);
        let mut split: Vec<Generation> = Vec::new();
        for _ in 0..s.generations {
            // Slots in three uneven parts, given in any order.
            let parts: Vec<Part> = [(40, 60), (0, 7), (7, 40)]
                .into_iter()
                .map(|(a, b)| part(&priors, &[0.7], s, &split, a..b, &mut normal_mean))
                .collect();
            let g = assemble(&priors, &[0.7], s, &split, parts)
                .unwrap()
                .unwrap();
            split.push(g);
        }
        assert_eq!(split, whole);
        // Parts that leave a slot out are refused.
        let gap = vec![part(&priors, &[0.7], s, &[], 1..60, &mut normal_mean)];
        assert!(assemble(&priors, &[0.7], s, &[], gap).is_err());
        // Over the allowance, the population fails, whole or in parts.
        let tight = Settings {
            max_proposals: 70,
            ..s
        };
        let parts: Vec<Part> = [(0, 30), (30, 60)]
            .into_iter()
            .map(|(a, b)| part(&priors, &[0.7], tight, &whole[..1], a..b, &mut normal_mean))
            .collect();
        assert_eq!(
            assemble(&priors, &[0.7], tight, &whole[..1], parts),
            Ok(None)
        );
        assert_eq!(smc(&priors, &[0.7], tight, &mut normal_mean).len(), 1);
    }

    #[test]
    fn the_sampler_finds_a_normal_mean() {
        let priors = vec![Dist::new("uniform", &[-5.0, 5.0], None).unwrap()];
        let s = Settings {
            particles: 500,
            generations: 6,
            quantile: 0.5,
            max_proposals: 200_000,
            seed: 9,
        };
        let gens = smc(&priors, &[1.3], s, &mut normal_mean);
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
