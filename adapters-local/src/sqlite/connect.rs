//! Opening the SQLite database: connection settings, the pool, and the embedded migrations.

use std::path::Path;
use std::time::Duration;

use lightbox_ports::RepoError;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::errors::from_sqlx;

/// The schema, compiled into the binary so a deployment cannot run against the wrong one.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Connections to a database file. WAL lets readers proceed beside the one writer, so a few
/// connections serve concurrent reads; more would only queue on the write lock.
const FILE_POOL_SIZE: u32 = 8;

/// How much of the database file each connection reads through a memory map instead of `pread`
/// into its private page cache: page reads become memory reads shared by every connection, which
/// made a filtered page of 50 several times cheaper (docs/performance.md). SQLite maps at most
/// the file's size, so a small database maps little; this is SQLite's own ceiling (2 GiB less
/// 64 KiB, `SQLITE_MAX_MMAP_SIZE`), and a larger file reads its remainder the usual way.
const MMAP_BYTES: u64 = 0x7FFF_0000;

/// How long a writer waits for another's write transaction before giving up with SQLITE_BUSY.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a free connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool on the database file at `path`, created and migrated as needed.
pub(super) async fn open_file(path: &Path) -> Result<SqlitePool, RepoError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // In WAL mode, NORMAL syncs the log only at checkpoints, so the last commits can vanish
        // on power loss: an upload already acknowledged to its client would lose its record
        // while its bytes (fsynced by the blob store) remain. FULL syncs the log at every
        // commit, so an `Ok` from the repository is as durable as one from the blob store.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .pragma("mmap_size", MMAP_BYTES.to_string());
    let pool = SqlitePoolOptions::new()
        .max_connections(FILE_POOL_SIZE)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // A connection to a local file cannot go stale; pinging it on every checkout is waste.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(from_sqlx)?;
    migrate(&pool).await?;
    Ok(pool)
}

/// A pool on a fresh in-memory database, migrated.
pub(super) async fn open_in_memory() -> Result<SqlitePool, RepoError> {
    // Every connection to an in-memory database gets its own empty one, so the pool holds one
    // connection and never lets it go: operations queue for it, which also serializes writers.
    let options = SqliteConnectOptions::new()
        .in_memory(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(from_sqlx)?;
    migrate(&pool).await?;
    Ok(pool)
}

async fn migrate(pool: &SqlitePool) -> Result<(), RepoError> {
    MIGRATOR.run(pool).await.map_err(|error| match error {
        // A statement of a migration failed: classified like any other (a full disk included).
        MigrateError::Execute(error) => from_sqlx(error),
        other => RepoError::unavailable(other),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// `synchronous`, `foreign_keys` and `busy_timeout` belong to each connection, so they are
    /// read back from one the pool hands out.
    #[tokio::test]
    async fn file_connections_are_durable_and_enforce_foreign_keys() {
        let directory = tempfile::tempdir().unwrap();
        let pool = open_file(&directory.path().join("lightbox.db"))
            .await
            .unwrap();
        let mut connection = pool.acquire().await.unwrap();
        let mut pragma = async |name: &str| -> i64 {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
                .fetch_one(&mut *connection)
                .await
                .unwrap()
        };
        assert_eq!(pragma("synchronous").await, 2, "synchronous must be FULL");
        assert_eq!(pragma("foreign_keys").await, 1);
        assert_eq!(pragma("busy_timeout").await, 5000);
        assert_eq!(pragma("mmap_size").await, 0x7FFF_0000);
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
