//! The `lightbox` binary: `lightbox [--config FILE] [serve]` loads the settings, sets up logs and
//! serves until SIGINT/SIGTERM. A bad setting stops the start with one line on stderr naming the
//! setting, and exit code 2.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lightbox_api::config::ConfigError;
use lightbox_api::{Application, Settings, telemetry};

/// Exit code for a bad setting (as for bad command-line usage).
const EXIT_BAD_SETTING: u8 = 2;

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
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Openapi => print_openapi(),
        Command::Provision => provision(cli.config).await,
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
