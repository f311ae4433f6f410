//! Criterion benches: one run of one arm, and a batch of every arm (the unit of
//! docs/performance.md: run-months per second).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use detente::batch;
use detente::engine::{self, Discard, Workspace};
use detente::rng;
use detente::scenario;

fn one_run(c: &mut Criterion) {
    let sc = scenario::default_scenario().scenario;
    let mut g = c.benchmark_group("one_run");
    g.throughput(Throughput::Elements(sc.horizon as u64));
    for arm in &sc.experiment.arms {
        let mut ws = Workspace::new();
        let mut run = 0u64;
        g.bench_function(arm.id.as_str(), |b| {
            b.iter(|| {
                run += 1;
                black_box(engine::simulate(
                    &sc,
                    arm,
                    rng::run_seed(1, run),
                    &mut ws,
                    &mut Discard,
                ))
            })
        });
    }
    g.finish();
}

fn batch_of_runs(c: &mut Criterion) {
    // The engine's throughput: the twins without politics (`[output] politics_runs`) are
    // extra runs not counted in the run-months, so they are left out here.
    let mut sc = scenario::default_scenario().scenario;
    sc.output.politics_runs = 0;
    let runs = 2000u64;
    let run_months = runs * sc.experiment.arms.len() as u64 * sc.horizon as u64;
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(run_months));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("{runs}_runs_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(batch::run::<()>(&sc, 1, 0..runs, &|_| {}, &mut |_| Ok(())).unwrap())
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, one_run, batch_of_runs);
criterion_main!(benches);
