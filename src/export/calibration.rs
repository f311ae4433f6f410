//! The outputs of `detente calibrate`: the last population's weighted particles
//! (`posterior.csv`), the generations (`generations.csv`), the posterior predictive checks
//! (`predictive.csv`) and the terminal table.

use super::{csv_bytes, num};
use crate::record::Record;
use crate::sweep::abc::{Generation, Particle};

/// `posterior.csv`: `particle`, `weight`, `distance`, one `param:<key>` per fitted setting, one
/// `stat:<metric>` per fitted statistic.
pub fn posterior_csv(keys: &[String], stats: &[String], g: &Generation) -> Vec<u8> {
    let mut header = vec!["particle".to_string(), "weight".into(), "distance".into()];
    header.extend(keys.iter().map(|k| format!("param:{k}")));
    header.extend(stats.iter().map(|s| format!("stat:{s}")));
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_bytes(
        &h,
        g.particles.iter().enumerate().map(|(i, p)| {
            let mut row = vec![i.to_string(), num(p.weight), num(p.distance)];
            row.extend(p.theta.iter().chain(&p.stats).map(|x| num(*x)));
            row
        }),
    )
}

/// `generations.csv`: per population its tolerance, proposals, acceptance rate and effective
/// sample size.
pub fn generations_csv(gens: &[Generation], particles: usize) -> Vec<u8> {
    csv_bytes(
        &[
            "generation",
            "epsilon",
            "proposals",
            "accepted",
            "acceptance_rate",
            "ess",
        ],
        gens.iter().enumerate().map(|(g, x)| {
            vec![
                g.to_string(),
                if x.epsilon.is_finite() {
                    num(x.epsilon)
                } else {
                    "inf".into()
                },
                x.proposals.to_string(),
                particles.to_string(),
                num(particles as f64 / x.proposals.max(1) as f64),
                num(x.ess),
            ]
        }),
    )
}

/// The weighted p-quantile of values with weights.
pub fn weighted_quantile(mut v: Vec<(f64, f64)>, p: f64) -> f64 {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|x| x.1).sum();
    let mut c = 0.0;
    for (x, w) in &v {
        c += w;
        if c >= p * total {
            return *x;
        }
    }
    v.last().map_or(f64::NAN, |x| x.0)
}

/// The weighted mean, 5% and 95% quantiles of column `j` of the particles (a parameter when
/// `param`, else a statistic).
pub fn spread(ps: &[Particle], j: usize, param: bool) -> (f64, f64, f64) {
    // A replicate without a value of the statistic (an agreement's lifetime in a history
    // with none) is left out: the prediction is over the histories that have one.
    let v: Vec<(f64, f64)> = ps
        .iter()
        .map(|p| (if param { p.theta[j] } else { p.stats[j] }, p.weight))
        .filter(|(x, _)| x.is_finite())
        .collect();
    let mean = v.iter().map(|(x, w)| x * w).sum::<f64>() / v.iter().map(|x| x.1).sum::<f64>();
    (
        mean,
        weighted_quantile(v.clone(), 0.05),
        weighted_quantile(v, 0.95),
    )
}

/// `predictive.csv`: each statistic of the record against its posterior predictive 90%
/// interval (single replicate histories of the last population's particles, weighted), and
/// whether it falls in.
pub fn predictive_csv(record: &Record, reps: &[Particle]) -> Vec<u8> {
    csv_bytes(
        &[
            "metric",
            "observed",
            "predicted_mean",
            "predicted_p05",
            "predicted_p95",
            "inside",
            "fitted",
        ],
        record.statistics.iter().enumerate().map(|(j, s)| {
            let (m, lo, hi) = spread(reps, j, false);
            vec![
                s.metric.clone(),
                num(s.value),
                num(m),
                num(lo),
                num(hi),
                (lo <= s.value && s.value <= hi).to_string(),
                s.fitted.to_string(),
            ]
        }),
    )
}

/// The terminal table: the generations, each fitted setting's posterior against its prior
/// range, and the predictive checks.
pub fn table(
    keys: &[String],
    priors: &[(f64, f64)],
    gens: &[Generation],
    reps: &[Particle],
    record: &Record,
    asked: usize,
) -> String {
    let mut s = String::from("generation  epsilon     proposals  acceptance  ess\n");
    for (g, x) in gens.iter().enumerate() {
        s += &format!(
            "{g:>10}  {:>10}  {:>9}  {:>10.3}  {:>6.1}\n",
            if x.epsilon.is_finite() {
                format!("{:.4}", x.epsilon)
            } else {
                "inf".into()
            },
            x.proposals,
            x.particles.len() as f64 / x.proposals.max(1) as f64,
            x.ess
        );
    }
    if gens.len() < asked {
        s += &format!(
            "stopped after {} of {asked} generations: a population did not fill within --max-proposals-per-particle\n",
            gens.len()
        );
    }
    let Some(last) = gens.last() else { return s };
    s += "\nposterior (weighted mean, 90% interval) against the prior's range:\n";
    for (j, k) in keys.iter().enumerate() {
        let (m, lo, hi) = spread(&last.particles, j, true);
        let (a, b) = priors[j];
        let share = (hi - lo) / (b - a);
        s += &format!(
            "  {k}: {m:.4} [{lo:.4}, {hi:.4}]  prior [{a}, {b}]; 90% interval {:.0}% of the range{}\n",
            100.0 * share,
            if share > 0.8 {
                " (not identified by these statistics)"
            } else {
                ""
            }
        );
    }
    s += "\nposterior predictive checks (observed against the 90% interval of replicate histories):\n";
    for (j, st) in record.statistics.iter().enumerate() {
        let (m, lo, hi) = spread(reps, j, false);
        let inside = lo <= st.value && st.value <= hi;
        s += &format!(
            "  {}: observed {} predicted {m:.3} [{lo:.3}, {hi:.3}]{}{}\n",
            st.metric,
            num(st.value),
            if inside { "" } else { "  OUTSIDE" },
            if st.fitted { "" } else { "  (held out)" }
        );
    }
    s
}
