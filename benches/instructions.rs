//! The engine alone, for instruction counts under callgrind (docs/performance.md): a batch of
//! the default scenario without the twins (`[output] politics_runs`), or of one of its arms,
//! with no criterion around it and no output.
//!
//! `instructions RUNS [ARM]`: RUNS runs (default 501) of every arm, or of arm number ARM only.

use detente::{batch, scenario};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let runs: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(501);
    let arm: Option<usize> = args.next().and_then(|s| s.parse().ok());
    let mut sc = scenario::default_scenario().scenario;
    sc.output.politics_runs = 0;
    if let Some(a) = arm {
        let Some(keep) = sc.experiment.arms.get(a).cloned() else {
            eprintln!(
                "arm {a} is not an arm of the default scenario (0 to {})",
                sc.experiment.arms.len() - 1
            );
            std::process::exit(2);
        };
        sc.experiment.arms = vec![keep];
        sc.experiment.baseline = 0;
    }
    let agg = batch::run::<()>(&sc, 1, 0..runs, &|_| {}, &mut |_| Ok(()));
    std::hint::black_box(agg.ok());
}
