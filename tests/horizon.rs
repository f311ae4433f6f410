//! A headline must not hinge on the month the runs stop: the flagship's headline keeps its sign
//! and at least half its size when the horizon moves by 12 months either way.

mod common;

use detente::export::headline::Answer;
use detente::export::summary;

const RUNS: u64 = 2000;

fn headline(horizon: u32) -> Answer {
    let text = common::edited("horizon = 120", &format!("horizon = {horizon}"));
    let sc = detente::scenario::parse(&text, "korea.toml").unwrap();
    let seed = sc.experiment.seed;
    let agg = detente::batch::run::<()>(&sc, seed, 0..RUNS, &|_| {}, &mut |_| Ok(())).unwrap();
    let rows = summary::rows(&sc, &agg);
    Answer::from_rows(&sc, &rows).expect("the flagship has a headline")
}

#[test]
fn the_flagship_headline_survives_a_year_either_way() {
    let at = [108, 120, 132].map(headline);
    for (h, a) in [108, 120, 132].iter().zip(&at) {
        eprintln!("horizon {h}: {} {} {}", a.arm, a.metric, a.difference());
    }
    let centre = &at[1];
    assert!(
        centre.better().is_some(),
        "the headline itself is not significant"
    );
    for a in [&at[0], &at[2]] {
        assert_eq!(a.mean.signum(), centre.mean.signum(), "sign changed: {a:?}");
        assert_eq!(a.better(), centre.better(), "verdict changed: {a:?}");
        assert!(
            a.mean.abs() >= 0.5 * centre.mean.abs(),
            "halved: {} against {}",
            a.mean,
            centre.mean
        );
    }
}
