//! Beliefs are calibrated posteriors: over 10,000 runs of every arm of the default scenario,
//! the final posterior of each side about the other matches the share of sincere types at the
//! end (expected calibration error at most 0.02, 10 bins), and separates the types where they
//! behave differently (AUC at least 0.65 in the incremental arm). Felt trust, which carries the
//! biases, is measured beside it and is not calibrated.

use detente::engine::RunRecord;
use detente::model::Scenario;

/// Every run's records (one per arm).
fn records(sc: &Scenario, runs: u64) -> Vec<Vec<RunRecord>> {
    let mut out = Vec::new();
    detente::batch::run::<()>(sc, 2019, 0..runs, &|_| {}, &mut |rows| {
        out.extend(rows.iter().map(|r| r.records.clone()));
        Ok(())
    })
    .unwrap();
    out
}

/// Expected calibration error of probabilities against outcomes, in 10 equal bins.
fn ece(pts: &[(f64, bool)]) -> f64 {
    let mut bins = [(0.0, 0.0, 0usize); 10];
    for &(p, s) in pts {
        let b = &mut bins[((p * 10.0) as usize).min(9)];
        b.0 += p;
        b.1 += f64::from(u8::from(s));
        b.2 += 1;
    }
    bins.iter()
        .filter(|b| b.2 > 0)
        .map(|b| (b.0 - b.1).abs())
        .sum::<f64>()
        / pts.len() as f64
}

/// Area under the ROC curve: the probability that a sincere type's belief exceeds a greedy
/// type's (ties count half).
fn auc(pts: &[(f64, bool)]) -> f64 {
    let mut v: Vec<(f64, bool)> = pts.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < v.len() {
        let j = i + v[i..].iter().take_while(|x| x.0 == v[i].0).count();
        let mid = (i + 1 + j) as f64 / 2.0;
        rank_sum += mid * v[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let pos = v.iter().filter(|x| x.1).count() as f64;
    let neg = v.len() as f64 - pos;
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

#[test]
fn final_posteriors_are_calibrated_and_informative() {
    let sc = detente::scenario::default_scenario().scenario;
    let runs = records(&sc, 10_000);
    let mut lines = Vec::new();
    for (a, arm) in sc.experiment.arms.iter().enumerate() {
        for holder in 0..2 {
            let about = 1 - holder;
            let pick = |f: &dyn Fn(&RunRecord) -> f64| -> Vec<(f64, bool)> {
                runs.iter()
                    .map(|r| (f(&r[a]), r[a].final_sincere[about]))
                    .collect()
            };
            let belief = pick(&|r| r.final_belief[holder]);
            let trust = pick(&|r| r.final_trust[holder]);
            let (e, d) = (ece(&belief), auc(&belief));
            lines.push(format!(
                "{} {holder}->{about}: posterior ECE {e:.4} AUC {d:.3}; felt trust ECE {:.4} AUC {:.3}",
                arm.id,
                ece(&trust),
                auc(&trust)
            ));
            assert!(e <= 0.02, "{}", lines.join("\n"));
            if arm.id == "incremental" {
                assert!(d >= 0.65, "{}", lines.join("\n"));
            }
        }
    }
    // Felt trust starts from a hostile history and carries the biases: it is not calibrated.
    println!("{}", lines.join("\n"));
}

#[test]
fn the_measures_are_right_on_known_cases() {
    let perfect = [(0.0, false), (1.0, true), (0.05, false), (0.95, true)];
    assert!(ece(&perfect) < 0.06);
    assert_eq!(auc(&perfect), 1.0);
    let wrong = [(0.9, false), (0.9, false), (0.1, true), (0.1, true)];
    assert!((ece(&wrong) - 0.9).abs() < 1e-12);
    assert_eq!(auc(&wrong), 0.0);
    let ties = [(0.5, false), (0.5, true)];
    assert_eq!(auc(&ties), 0.5);
}
