//! The command line as typed (clap). `cli::config` turns it into validated settings.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// detente: simulate reciprocal-steps negotiation and compare strategies across seeded runs.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's experiment and write CSV results and a manifest.
    Run(RunArgs),
    /// Combine shards written by `run --shard K/M` into the results of one run.
    Merge(MergeArgs),
    /// Check scenario files; prints nothing but errors.
    Validate {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run the experiment at every point of a grid or Latin hypercube of scenario settings.
    Sweep(SweepArgs),
    /// Which of a scenario's judgements (settings given as distributions) its answer depends
    /// on: Sobol indices with bootstrap intervals, and Morris elementary effects.
    Sensitivity(SensitivityArgs),
    /// The statistics of the real record a spec names, each with the events of the dated
    /// events file it counts (default: data/record-1991-2023.toml).
    Record {
        /// A record spec (TOML): the events file, the period, and each statistic's events.
        spec: Option<PathBuf>,
        /// CSV on standard output (metric,value,what,events,fitted) instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// Fit settings of a scenario to the record (approximate Bayesian computation with
    /// sequential Monte Carlo): weighted particles, generations and predictive checks.
    Calibrate(CalibrateArgs),
    /// Re-run one run from its seed and tell it month by month.
    Replay(ReplayArgs),
    /// Serve the live classroom: a local web page with the scenario's levers, its runs to step
    /// through, and its results to download.
    Serve(ServeArgs),
    /// Rebuild the charts and report.html of a results folder from its CSV files.
    Report {
        /// A results folder written by `detente run`.
        dir: PathBuf,
    },
    /// List what the model knows, with one-line docs.
    List {
        /// What to list.
        what: ListWhat,
        /// Scenario whose moves to list (default: the embedded korea-2019).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
}

/// The settings every batch command shares (`run` and `sweep`).
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Number of runs per arm (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=u32::MAX as u64))]
    pub runs: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The settings of every command that simulates and writes a results folder.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// Master seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default: results/<scenario name>; results/comparison for several
    /// scenarios; results/<scenario name>-sweep for a sweep, where rerunning the same sweep
    /// resumes it; results/<scenario name>-sensitivity for a sensitivity analysis).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: RAYON_NUM_THREADS, else all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Replace an existing output folder that detente wrote.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary table.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario files (default: the embedded scenarios/korea-2019.toml). With several, each
    /// result goes into a folder of its own under --out, beside one comparison.csv and one
    /// report.html across them.
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Run only shard K of M (0 <= K < M): a deterministic slice of the run indices. The folder
    /// then holds a partial result (aggregate.bin, its slice of runs.csv, a manifest) for
    /// `detente merge`; merged shards are byte-identical to one run. One scenario only.
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard folders written by `detente run --shard K/M`, in any order.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder for the merged results.
    #[arg(long)]
    pub out: PathBuf,
    /// Merge an incomplete set of shards; the result says which shards it covers.
    #[arg(long)]
    pub partial: bool,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// No summary table.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario file (default: the embedded scenarios/korea-2019.toml).
    pub scenario: Option<PathBuf>,
    /// A setting to vary: KEY=LO:HI:STEPS (a grid) or KEY=LO:HI (a hypercube). KEY is a dotted
    /// key into the scenario file (params.inclusion, actors.DPRK.prior_sincere,
    /// moves.freeze_yongbyon.cost, experiment.arms.ID.params.verification) or a bare model
    /// parameter name. Repeat for more settings.
    #[arg(long, required = true, value_name = "KEY=LO:HI:STEPS")]
    pub vary: Vec<String>,
    /// How points are placed: every combination of the steps, or a Latin hypercube.
    #[arg(long, value_enum, default_value = "grid")]
    pub design: DesignArg,
    /// Points of the Latin hypercube (with --design lhs).
    #[arg(long)]
    pub samples: Option<u64>,
    /// Run metric of the flip map and the sensitivity ranking (see `detente list metrics`;
    /// default: the scenario's headline metric, else outcome:agreement).
    #[arg(long)]
    pub metric: Option<String>,
    /// Arm compared with the baseline (default: the scenario's headline arm, else the first arm
    /// that is not the baseline).
    #[arg(long)]
    pub arm: Option<String>,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// Scenario file whose settings given as distributions are the factors (docs/model.md
    /// 7.20; default: the embedded scenarios/korea-2019.toml, which has none).
    pub scenario: Option<PathBuf>,
    /// Rows of each of Saltelli's matrices A and B: the design has SAMPLES x (factors + 2)
    /// points.
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    pub samples: u64,
    /// Morris trajectories (factors + 1 points each).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub trajectories: u64,
    /// Runs at each design point, on the same run seeds at every point (common random
    /// numbers).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub runs: u64,
    /// Bootstrap resamples for the indices' 95% intervals.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    pub bootstrap: u64,
    /// Run metric whose paired difference is analysed (see `detente list metrics`; default:
    /// the scenario's headline metric, else outcome:agreement).
    #[arg(long)]
    pub metric: Option<String>,
    /// Arm compared with the baseline (default: the headline arm, else the first other arm).
    #[arg(long)]
    pub arm: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// Scenario file to fit (for the record of 1991-2023, scenarios/history-1991-2023.toml).
    pub scenario: PathBuf,
    /// A setting to fit and its prior: KEY=uniform:LO:HI, KEY=triangular:LO:MODE:HI,
    /// KEY=normal:MEAN:SD:LO:HI or KEY=beta:A:B[:LO:HI] (KEY as --vary takes it). Repeat.
    #[arg(long, required = true, value_name = "KEY=PRIOR")]
    pub fit: Vec<String>,
    /// The record to fit: a spec of `detente record` (data/record-1991-2023.toml).
    #[arg(long)]
    pub target: PathBuf,
    /// Arm whose runs are compared with the record (default: the baseline).
    #[arg(long)]
    pub arm: Option<String>,
    /// Particles per population.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    pub particles: u64,
    /// Populations, the first drawn from the priors.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub generations: u64,
    /// The next tolerance is this quantile of the last population's distances.
    #[arg(long, default_value_t = 0.5)]
    pub quantile: f64,
    /// Runs whose means are a particle's statistics. 1, the default, compares the record (one
    /// history) with one simulated history, as ABC assumes; more compare it with the mean
    /// history, which leaves out the chance in a single history.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub runs: u64,
    /// The most proposals a population may take, per particle; a population that does not
    /// fill in them ends the calibration (the table says so).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_proposals_per_particle: u64,
    /// Continue an interrupted calibration of the same command from its last complete
    /// population (its checkpoint, beside the output folder); the files are those an
    /// uninterrupted run writes.
    #[arg(long)]
    pub resume: bool,
    /// Compute only shard K of M of the next population (K from 0), for a cluster: each
    /// population's M shards write their parts beside the output folder, the last to finish
    /// puts the population together, and the command with --resume and without --shard then
    /// writes the files one run would (docs/output.md).
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DesignArg {
    /// Every combination of each setting's evenly spaced STEPS.
    Grid,
    /// A Latin hypercube of --samples points (Stein 1987).
    Lhs,
}

#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Scenario file (default: the embedded scenarios/korea-2019.toml).
    pub scenario: Option<PathBuf>,
    /// Arm to replay (an arm id of the scenario's experiment).
    #[arg(long)]
    pub arm: String,
    /// Run index, as in runs.csv (default 0).
    #[arg(long, conflicts_with = "pick")]
    pub run: Option<u64>,
    /// Find a run of this kind in the arm, deterministically (the first such run; `median`: the
    /// run with the median final trust among the first 501).
    #[arg(long, value_enum)]
    pub pick: Option<Pick>,
    /// Master seed of the batch (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Plain English, or a tidy CSV event log.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReplayFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Pick {
    /// A run ending in an agreement.
    Agreement,
    /// A run in which a freeze or agreement formed and collapsed.
    Breakdown,
    /// A run ending in war.
    War,
    /// A typical run: the median final trust of the first actor.
    Median,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplayFormat {
    /// Month by month in plain English.
    Text,
    /// One row per event: month, actor, event, move, perceived_as, trust before and after, tension.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    /// Strategy kinds a scenario can declare.
    Strategies,
    /// The moves of a scenario.
    Moves,
    /// Output metrics (trajectories.csv and summary.csv).
    Metrics,
    /// Global model parameters with defaults and ranges.
    Params,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Scenario file (default: the embedded scenarios/korea-2019.toml).
    pub scenario: Option<PathBuf>,
    /// Address to listen on. The default answers this computer only; another (0.0.0.0 for a
    /// classroom network) opens the page to every machine that can reach this one.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (0: a free port, printed with the URL).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Runs per arm of each rerun (at most 20,000; the page may ask for fewer).
    #[arg(long, default_value_t = 2000)]
    pub runs: u64,
    /// Worker threads for the runs (default: all cores).
    #[arg(long)]
    pub threads: Option<u64>,
}
