//! The comparative statics of Jervis (1976) and Kydd (2005) hold in the flagship: all or nothing
//! gains on action for action as the share of greedy types and the effectiveness of pressure
//! rise; action for action gains as the share of security seekers and the quality of
//! verification rise. Each lever is swept from the low to the high end of its documented range
//! with `detente sweep` (the code that draws the flip maps), on months with an agreement in
//! force, and the paired difference `incremental` − `all_or_nothing` must move the way the
//! theory says, by more than both ends' 95% intervals.

mod common;

use common::detente;

/// (low end, high end) of `incremental − all_or_nothing` as (mean, ci low, ci high).
fn ends(vary: &str) -> [(f64, f64, f64); 2] {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    detente()
        .args(["sweep", "--vary", vary, "--metric", "agreement_months"])
        .args(["--runs", "1000", "--seed", "11", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let flip = std::fs::read_to_string(out.join("flip.csv")).unwrap();
    let rows: Vec<(f64, f64, f64)> = flip
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<f64> = l
                .split(',')
                .skip(2)
                .take(3)
                .map(|x| x.parse().unwrap())
                .collect();
            (c[0], c[1], c[2])
        })
        .collect();
    assert_eq!(rows.len(), 2, "{flip}");
    eprintln!("{vary}: {rows:?}");
    [rows[0], rows[1]]
}

/// The difference at the high end is above (`rises`) or below the low end's, beyond both
/// intervals.
fn moves(vary: &str, rises: bool) {
    let [lo, hi] = ends(vary);
    if rises {
        assert!(hi.1 > lo.2, "{vary}: {lo:?} -> {hi:?} should rise");
    } else {
        assert!(hi.2 < lo.1, "{vary}: {lo:?} -> {hi:?} should fall");
    }
}

#[test]
fn action_for_action_gains_with_the_share_of_security_seekers() {
    // The same lever read the other way: all or nothing gains as the greedy share rises.
    moves("actors.DPRK.prior_sincere=0.2:0.8:2", true);
}

#[test]
fn all_or_nothing_gains_as_pressure_works_better() {
    moves("pressure_effect=0:2:2", false);
}

#[test]
fn action_for_action_gains_with_better_verification() {
    moves("verification=0.6:1.4:2", true);
}
