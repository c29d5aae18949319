//! The `lightbox` binary: `lightbox [--config FILE] [serve]` loads the settings, sets up logs and
//! serves until SIGINT/SIGTERM. A bad setting stops the start with one line on stderr naming the
//! setting, and exit code 2.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use lightbox_api::config::ConfigError;
use lightbox_api::maintenance::{self, GcCommand, MigrateCommand};
use lightbox_api::{Application, Settings, telemetry};

/// Exit code for a bad setting (as for bad command-line usage).
const EXIT_BAD_SETTING: u8 = 2;

/// Exit code of a scrub that found missing, corrupt or unreadable images.
const EXIT_DAMAGE_FOUND: u8 = 3;

/// Exit code of a migration that could not copy some images (the others were copied).
const EXIT_IMAGES_NOT_COPIED: u8 = 4;

/// lightbox: an image storage service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// A TOML file of settings (names without LIGHTBOX_, lower-cased); LIGHTBOX_* variables win.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Create the bucket and table (aws) or the data directory (local) when missing; safe to rerun.
    Provision,
    /// Print the OpenAPI 3.1 document (the one served at /api/v1/openapi.json) to stdout.
    Openapi,
    /// Remove the objects of images that have no metadata (left by crashes and failed writes)
    /// once older than the grace period; prints a summary. Safe while servers run.
    Gc {
        /// Report what would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
        /// Age an object without metadata must reach to be removed (default: the
        /// gc_grace_seconds setting, 3600). Below the body deadline only while no server runs:
        /// an upload in progress has bytes but no metadata yet.
        #[arg(long, value_name = "SECONDS")]
        grace_seconds: Option<u64>,
    },
    /// Read every stored image and check it against its recorded size and SHA-256; report the
    /// missing and corrupt ones (exit code 3), never changing anything.
    Scrub,
    /// Copy every image (bytes, derived files, metadata with ids, versions and timestamps) from
    /// one store to another, verifying each original's SHA-256. Resumable: a rerun skips what is
    /// already there. Each side is a whole configuration file; LIGHTBOX_* variables (but the
    /// log settings) are not read. Exit code 4 when some images could not be copied.
    Migrate {
        /// The configuration (TOML, as for --config) of the store to copy from.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The configuration of the store to copy into (provisioned beforehand).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// Report what would be copied and skipped; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Openapi => print_openapi(),
        Command::Provision => provision(cli.config).await,
        Command::Gc {
            dry_run,
            grace_seconds,
        } => {
            let command = GcCommand {
                dry_run,
                grace: grace_seconds.map(Duration::from_secs),
            };
            collect_garbage(cli.config, command).await
        }
        Command::Scrub => scrub(cli.config).await,
        Command::Migrate { from, to, dry_run } => {
            migrate(MigrateCommand { from, to, dry_run }).await
        }
    }
}

async fn serve(config: Option<PathBuf>) -> ExitCode {
    let settings = match Settings::load(config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => return bad_setting(&error),
    };
    if let Err(error) = telemetry::init(&settings.log, settings.log_format) {
        eprintln!("error: {error:#}");
        return ExitCode::FAILURE;
    }
    let application = match Application::build(settings).await {
        Ok(application) => application,
        Err(error) => {
            if let Some(config_error) = error.downcast_ref::<ConfigError>() {
                return bad_setting(config_error);
            }
            tracing::error!(error = format!("{error:#}"), "lightbox could not start");
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    match application.run_until_stopped().await {
        Ok(()) => {
            tracing::info!("lightbox stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(error = %error, "lightbox stopped on an error");
            ExitCode::FAILURE
        }
    }
}

async fn provision(config: Option<PathBuf>) -> ExitCode {
    let settings = match Settings::load(config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => return bad_setting(&error),
    };
    match lightbox_api::provision::provision(&settings).await {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            if let Some(config_error) = error.downcast_ref::<ConfigError>() {
                return bad_setting(config_error);
            }
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn collect_garbage(config: Option<PathBuf>, command: GcCommand) -> ExitCode {
    let Some(settings) = command_settings(config.as_deref()) else {
        return ExitCode::from(EXIT_BAD_SETTING);
    };
    match maintenance::collect_garbage(&settings, command).await {
        Ok((report, summary)) => {
            println!("{summary}");
            if report.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => command_failed(&error),
    }
}

async fn scrub(config: Option<PathBuf>) -> ExitCode {
    let Some(settings) = command_settings(config.as_deref()) else {
        return ExitCode::from(EXIT_BAD_SETTING);
    };
    match maintenance::scrub(&settings).await {
        Ok(outcome) => {
            print!("{}", outcome.summary);
            if outcome.report.is_clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DAMAGE_FOUND)
            }
        }
        Err(error) => command_failed(&error),
    }
}

async fn migrate(command: MigrateCommand) -> ExitCode {
    // Logs as the source's file says, unless the logging variables say otherwise: they are the
    // only LIGHTBOX_* variables a migration reads.
    let logging = std::env::vars()
        .filter(|(name, _)| maintenance::LOGGING_VARIABLES.contains(&name.as_str()));
    let log_settings = match Settings::from_sources(Some(&command.from), logging) {
        Ok(settings) => settings,
        Err(error) => return bad_setting(&error),
    };
    if let Err(error) = telemetry::init(&log_settings.log, log_settings.log_format) {
        eprintln!("error: {error:#}");
    }
    match maintenance::migrate(&command).await {
        Ok(outcome) => {
            print!("{}", outcome.summary);
            if outcome.report.is_complete() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_IMAGES_NOT_COPIED)
            }
        }
        Err(error) => command_failed(&error),
    }
}

/// The settings of a one-shot command, with its logs set up (warnings and errors on stderr
/// unless `LIGHTBOX_LOG` says otherwise); `None` once the problem is printed.
fn command_settings(config: Option<&std::path::Path>) -> Option<Settings> {
    let settings = match Settings::load(config) {
        Ok(settings) => settings,
        Err(error) => {
            bad_setting(&error);
            return None;
        }
    };
    if let Err(error) = telemetry::init(&settings.log, settings.log_format) {
        eprintln!("error: {error:#}");
    }
    Some(settings)
}

/// The exit of a one-shot command that could not do its work.
fn command_failed(error: &anyhow::Error) -> ExitCode {
    if let Some(config_error) = error.downcast_ref::<ConfigError>() {
        return bad_setting(config_error);
    }
    eprintln!("error: {error:#}");
    ExitCode::FAILURE
}

fn print_openapi() -> ExitCode {
    match lightbox_api::openapi::pretty_document() {
        Ok(document) => {
            print!("{document}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: the OpenAPI document could not be rendered: {error}");
            ExitCode::FAILURE
        }
    }
}

fn bad_setting(error: &ConfigError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(EXIT_BAD_SETTING)
}
