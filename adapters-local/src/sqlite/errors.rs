//! Translating sqlx and SQLite errors into the port's [`RepoError`].
//!
//! Only a full disk gets its own variant (507); busy or locked databases, I/O errors, pool
//! timeouts and everything else are `Unavailable` (503), with the cause kept for the logs.

use std::io;

use lightbox_ports::RepoError;
use sqlx::error::{DatabaseError, ErrorKind};

/// SQLITE_FULL: the disk (or the database's size limit) is full.
const SQLITE_FULL: i32 = 13;

/// The port error for any failed database call.
pub(super) fn from_sqlx(error: sqlx::Error) -> RepoError {
    if is_full(&error) {
        RepoError::InsufficientStorage
    } else {
        RepoError::unavailable(error)
    }
}

/// Whether a write was refused because a key it inserts exists already.
pub(super) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(database) if database.kind() == ErrorKind::UniqueViolation)
}

fn is_full(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => primary_code(database.as_ref()) == Some(SQLITE_FULL),
        sqlx::Error::Io(io_error) => io_error.kind() == io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// SQLite reports extended codes (e.g. 2067 for a unique violation); the primary code is the
/// low byte.
fn primary_code(error: &dyn DatabaseError) -> Option<i32> {
    let code: i32 = error.code()?.parse().ok()?;
    Some(code & 0xff)
}
