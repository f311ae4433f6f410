//! A snapshot of a small seeded run of the flagship scenario: any drift in the model, the
//! random streams or a dependency (rand's algorithms have changed values between releases)
//! fails this test. Update deliberately with `INSTA_UPDATE=always cargo test --test snapshot`.

mod common;

#[test]
fn small_seeded_run() {
    let sc = detente::scenario::default_scenario().scenario;
    let (trajectories, summary, runs) = common::batch_bytes(&sc, 0..200, 7, 2);
    let summary = String::from_utf8(summary).unwrap();
    insta::assert_snapshot!("summary", summary);
    let runs = String::from_utf8(runs).unwrap();
    let head: String = runs.lines().take(41).map(|l| format!("{l}\n")).collect();
    insta::assert_snapshot!("runs_head", head);
    let trajectories = String::from_utf8(trajectories).unwrap();
    let month_60: String = trajectories
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("60"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("trajectories_month_60", month_60);
}
