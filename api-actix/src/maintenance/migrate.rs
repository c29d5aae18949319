//! `lightbox migrate --from FILE --to FILE`: both sides are whole configurations, read from
//! their files alone, opened as `serve` opens a backend (every storage call under that side's
//! storage deadline), and refused when they name the same store.

use std::path::{Path, PathBuf};

use anyhow::Context;
use lightbox_ports::migration::{Migration, MigrationOptions, MigrationReport, Store};

use super::migrate_summary::{migrate_detail, migrate_summary};
use super::progress::Progress;
use crate::config::{BackendKind, ConfigError, ENV_PREFIX, Settings};
use crate::startup::open_bounded_backend;

/// The variables a migration still reads: they say how it logs, not what it opens.
pub const LOGGING_VARIABLES: [&str; 2] = ["LIGHTBOX_LOG", "LIGHTBOX_LOG_FORMAT"];

/// What `lightbox migrate` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateCommand {
    /// The configuration of the store to copy from.
    pub from: PathBuf,
    /// The configuration of the store to copy into.
    pub to: PathBuf,
    /// Report what would be copied, write nothing.
    pub dry_run: bool,
}

/// What a migration did, and the text that says it.
#[derive(Debug)]
pub struct MigrateOutcome {
    /// The counts and the failures.
    pub report: MigrationReport,
    /// The summary and one line per image not copied, for stdout.
    pub summary: String,
}

/// The settings of one side, from its file alone. `LIGHTBOX_*` variables would apply to both
/// sides at once (a `LIGHTBOX_BACKEND` would make both the same backend), so a migration reads
/// none of them: what each file says is what is opened. The AWS SDK's own variables
/// (credentials, region, `AWS_ENDPOINT_URL`) still apply to an aws side, as for every command.
///
/// # Errors
/// [`ConfigError`] naming the file's bad setting, or the unreadable file.
pub fn side_settings(file: &Path) -> Result<Settings, ConfigError> {
    Settings::from_sources(Some(file), std::iter::empty())
}

/// Runs `lightbox migrate` from its two files.
///
/// # Errors
/// A bad setting in either file (a downcastable [`ConfigError`]), two files naming the same
/// store, a side that cannot be opened, or source metadata that cannot be read.
pub async fn migrate(command: &MigrateCommand) -> anyhow::Result<MigrateOutcome> {
    let ignored: Vec<String> = std::env::vars()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with(ENV_PREFIX) && !LOGGING_VARIABLES.contains(&name.as_str()))
        .collect();
    if !ignored.is_empty() {
        eprintln!(
            "note: migrate reads its settings from the --from and --to files only; ignoring {}",
            ignored.join(", ")
        );
    }
    let from = side_settings(&command.from)?;
    let to = side_settings(&command.to)?;
    migrate_between(&from, &to, command.dry_run).await
}

/// Copies every image of the store `from` names into the one `to` names, with progress on
/// stderr.
///
/// # Errors
/// A bad setting, `from` and `to` naming the same store, a side that cannot be opened, or
/// source metadata that cannot be read.
pub async fn migrate_between(
    from: &Settings,
    to: &Settings,
    dry_run: bool,
) -> anyhow::Result<MigrateOutcome> {
    if let Some(shared) = same_store(from, to) {
        anyhow::bail!("--from and --to name the same store ({shared}): nothing to migrate");
    }
    let source = open_side(from).await.context("opening the --from store")?;
    let destination = open_side(to).await.context("opening the --to store")?;
    let migration = Migration::new(source, destination);
    let options = MigrationOptions {
        dry_run,
        ..MigrationOptions::default()
    };
    let progress = Progress::transfer("migrate", "images");
    let report = migration
        .run(options, &|report| {
            progress.transfer_to(
                report.done(),
                report.total,
                &migrate_detail(report, dry_run),
            );
        })
        .await
        .context("migrating")?;
    progress.finish();
    let summary = migrate_summary(&report, dry_run);
    Ok(MigrateOutcome { report, summary })
}

async fn open_side(settings: &Settings) -> anyhow::Result<Store> {
    let validated = settings.validate()?;
    let (blobs, repository) = open_bounded_backend(settings, validated.storage_timeout).await?;
    Ok(Store { blobs, repository })
}

/// What `from` and `to` share that makes them one store, if anything: the data directory, or
/// on one endpoint the bucket or the table (either shared would mix the two stores).
fn same_store(from: &Settings, to: &Settings) -> Option<String> {
    match (from.backend, to.backend) {
        (BackendKind::Local, BackendKind::Local) => {
            let (a, b) = (comparable(&from.data_dir), comparable(&to.data_dir));
            (a == b).then(|| format!("data directory {}", a.display()))
        }
        (BackendKind::Aws, BackendKind::Aws) if endpoint(from) == endpoint(to) => {
            if from.s3_bucket == to.s3_bucket {
                Some(format!("bucket {}", from.s3_bucket))
            } else if from.dynamodb_table == to.dynamodb_table {
                Some(format!("table {}", from.dynamodb_table))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A directory's path with links and `..` resolved when it exists, so that two spellings of one
/// directory compare equal.
fn comparable(directory: &Path) -> PathBuf {
    std::fs::canonicalize(directory)
        .or_else(|_| std::path::absolute(directory))
        .unwrap_or_else(|_| directory.to_path_buf())
}

/// The endpoint an aws side talks to: its own setting, else the SDK's variable.
fn endpoint(settings: &Settings) -> Option<String> {
    settings
        .aws_endpoint_url
        .clone()
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(dir: &Path) -> Settings {
        Settings {
            data_dir: dir.to_path_buf(),
            ..Settings::default()
        }
    }

    fn aws(bucket: &str, table: &str) -> Settings {
        Settings {
            backend: BackendKind::Aws,
            s3_bucket: bucket.to_owned(),
            dynamodb_table: table.to_owned(),
            aws_endpoint_url: Some("http://127.0.0.1:1".to_owned()),
            ..Settings::default()
        }
    }

    #[test]
    fn a_store_is_never_migrated_onto_itself() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        assert!(same_store(&local(&a), &local(&b.join("../a"))).is_some());
        assert!(same_store(&local(&a), &local(&b)).is_none());
        assert!(same_store(&aws("b", "t"), &aws("b", "other")).is_some());
        assert!(same_store(&aws("b", "t"), &aws("other", "t")).is_some());
        assert!(same_store(&aws("b", "t"), &aws("c", "u")).is_none());
        let mut elsewhere = aws("b", "t");
        elsewhere.aws_endpoint_url = Some("http://127.0.0.1:2".to_owned());
        assert!(same_store(&aws("b", "t"), &elsewhere).is_none());
        assert!(same_store(&local(&a), &aws("b", "t")).is_none());
    }

    #[test]
    fn each_side_is_read_from_its_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("from.toml");
        std::fs::write(&file, "backend = \"aws\"\ns3_bucket = \"old\"\n").unwrap();
        let settings = side_settings(&file).unwrap();
        assert_eq!(settings.backend, BackendKind::Aws);
        assert_eq!(settings.s3_bucket, "old");
    }
}
