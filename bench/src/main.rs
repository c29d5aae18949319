//! `lightbox-bench`: the driver behind `scripts/bench`. It starts the release binary on a fresh
//! store, loads it from 127.0.0.1 scenario by scenario, measures each scenario's baseline in the
//! same run (a plain durable writer, nginx, or the S3 endpoint itself) and prints one table.
//! docs/performance.md explains the method and records the results.

mod exchanges;
mod fill;
mod framework_floor;
mod fsync_writer;
mod interleave;
mod load;
mod nginx;
mod payloads;
mod process;
mod report;
mod scenarios;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

/// Benchmarks a lightbox release binary against the machine's own limits.
#[derive(Debug, Parser)]
#[command(name = "lightbox-bench")]
pub struct Args {
    /// The lightbox binary to measure (a release build).
    #[arg(long)]
    pub lightbox: PathBuf,
    /// Which storage backend the server runs on. `aws` needs AWS_ENDPOINT_URL pointing at an
    /// S3 + DynamoDB endpoint on 127.0.0.1 (scripts/bench starts moto).
    #[arg(long, value_enum, default_value_t = Backend::Local)]
    pub backend: Backend,
    /// Where the stores, baselines and logs go; must not exist yet. Default: a fresh directory
    /// under the system's temporary directory, removed at the end unless --keep.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Seconds each load is measured.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Seconds of load before the measurement starts.
    #[arg(long, default_value_t = 2)]
    pub warm_up: u64,
    /// Image records the bulk loader stores for the list and metadata scenarios (local backend).
    #[arg(long, default_value_t = 1_000_000)]
    pub images: u64,
    /// The nginx binary of the download baseline (local backend).
    #[arg(long, default_value = "/usr/sbin/nginx")]
    pub nginx: PathBuf,
    /// Keep the work directory.
    #[arg(long)]
    pub keep: bool,
}

/// The server's storage backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// Filesystem + SQLite.
    Local,
    /// S3 + DynamoDB (an emulator on 127.0.0.1).
    Aws,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match scenarios::run(&args) {
        Ok(table) => {
            println!("{table}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("lightbox-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
