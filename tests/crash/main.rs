//! The crash test: the release `lightbox` binary on the local backend takes concurrent uploads,
//! title updates and deletes, is SIGKILLed at a random moment, and is restarted on the same data
//! directory, round after round. After every restart each acknowledged operation must still hold;
//! at the end the SQLite file must pass `PRAGMA integrity_check` and, after `lightbox gc` with no
//! grace period, no file may be left without its row (nor a row without its file).
//!
//! Settings (environment):
//! - `LIGHTBOX_CRASH_BINARY` (required): the `lightbox` binary to crash; `scripts/test` builds the
//!   release one and sets it.
//! - `LIGHTBOX_CRASH_ROUNDS` (default 20): kill/restart rounds.
//! - `LIGHTBOX_CRASH_SEED` (default: from the clock, printed): repeats the random choices. Timing
//!   still differs between runs, so a seed narrows a failure down rather than replaying it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod checks;
mod findings;
mod images;
mod ledger;
mod server;
mod verify;
mod workload;

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::findings::Findings;
use crate::ledger::Ledger;
use crate::server::Deployment;

/// Concurrent clients, each a user of its own.
const CLIENTS: usize = 6;
/// Kill moments are drawn from this range after the workload starts, in milliseconds.
const KILL_AFTER_MS: std::ops::RangeInclusive<u64> = 200..=2000;

/// What the environment asks for.
#[derive(Debug)]
struct CrashSettings {
    binary: PathBuf,
    rounds: u32,
    seed: u64,
}

impl CrashSettings {
    fn from_env() -> Self {
        let binary = std::env::var_os("LIGHTBOX_CRASH_BINARY")
            .map(PathBuf::from)
            .expect(
                "LIGHTBOX_CRASH_BINARY is not set: run the crash test through scripts/test, or \
             build the release binary (cargo build --release -p lightbox-api --bin lightbox) and \
             set LIGHTBOX_CRASH_BINARY to its path",
            );
        assert!(
            binary.is_file(),
            "LIGHTBOX_CRASH_BINARY={} is not a file (give an absolute path: the test runs in \
             tests/, its crate's directory)",
            binary.display()
        );
        let rounds = number_from_env("LIGHTBOX_CRASH_ROUNDS").map_or(20, |rounds| {
            u32::try_from(rounds).expect("LIGHTBOX_CRASH_ROUNDS fits in 32 bits")
        });
        assert!(rounds >= 1, "LIGHTBOX_CRASH_ROUNDS must be at least 1");
        let seed = number_from_env("LIGHTBOX_CRASH_SEED").unwrap_or_else(|| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("the clock is after 1970");
            // Nanoseconds, so that two runs started in the same second still differ.
            now.as_secs() ^ u64::from(now.subsec_nanos()).rotate_left(32)
        });
        Self {
            binary,
            rounds,
            seed,
        }
    }
}

fn number_from_env(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crash_kill_restart_rounds() {
    let settings = CrashSettings::from_env();
    println!(
        "crash test: {} rounds, {CLIENTS} clients, seed {} (LIGHTBOX_CRASH_SEED={} repeats the choices), binary {}",
        settings.rounds,
        settings.seed,
        settings.seed,
        settings.binary.display()
    );
    let deployment = Deployment::new(settings.binary.clone());
    let findings = Findings::new(settings.seed);
    let mut ledger = Ledger::new(CLIENTS);
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let whole_run = Instant::now();

    for round in 1..=settings.rounds {
        let round_started = Instant::now();
        let mut server = deployment.start(&format!("round {round}")).await;
        let started_in = round_started.elapsed();
        let checking = if round == 1 {
            "on the empty data directory".to_owned()
        } else {
            format!("after the kill of round {}", round - 1)
        };
        let verified = verify::after_restart(&server, &mut ledger, &checking, &findings).await;
        let verified_in = round_started.elapsed() - started_in;
        let kill_after = Duration::from_millis(rng.random_range(KILL_AFTER_MS));
        let workload = workload::run_until_killed(
            &mut server,
            &mut ledger,
            workload::RoundPlan {
                round,
                kill_after,
                seed: rng.random(),
            },
            &findings,
        )
        .await;
        println!(
            "round {round}/{}: ready in {:.2} s; {verified}; verified in {:.2} s; {workload}; round {:.2} s",
            settings.rounds,
            started_in.as_secs_f64(),
            verified_in.as_secs_f64(),
            round_started.elapsed().as_secs_f64(),
        );
    }

    // The last round's kill is checked like the others, then the files are looked at directly.
    let mut server = deployment.start("final check").await;
    let checking = format!("after the kill of round {}", settings.rounds);
    let verified = verify::after_restart(&server, &mut ledger, &checking, &findings).await;
    println!("after the last kill: {verified}");
    server.kill();
    drop(server);
    checks::after_workload(&deployment, &ledger, &findings).await;

    // gc with no grace must have removed only what no row points to: every image still reads.
    let server = deployment.start("after gc").await;
    let verified = verify::after_restart(&server, &mut ledger, "after gc", &findings).await;
    println!("after gc: {verified}");
    drop(server);

    println!(
        "crash test: {} rounds in {:.1} s ({:.2} s a round on average); {}",
        settings.rounds,
        whole_run.elapsed().as_secs_f64(),
        whole_run.elapsed().as_secs_f64() / f64::from(settings.rounds),
        ledger.totals()
    );
    findings.fail_if_any(&deployment);
}
