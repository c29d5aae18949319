//! Room kept aside on the disk so that a delete still works when uploads have filled it.
//!
//! Deleting an image is how a full disk gets room back, but the delete's own commit needs room:
//! new frames at the end of the write-ahead log, or, to empty the log, pages written into the
//! database file. With nothing free, neither fits. So the repository keeps a file of
//! [`RESERVE_BYTES`] beside the database; a delete that finds the disk full gives that room back,
//! checkpoints and truncates the log (which frees the log's own room too), deletes, and makes
//! the reserve again once there is room for it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Enough for a checkpoint of a log that holds a database's new pages, and for the delete's
/// frames: a few dozen pages in practice.
const RESERVE_BYTES: usize = 512 * 1024;

/// The reserve file of one database, or none (a database in memory).
#[derive(Debug, Clone)]
pub(super) struct Reserve {
    path: Option<PathBuf>,
    /// Whether the file may be missing (not made yet, or given back), so that only then does a
    /// delete pay for making it again.
    wanted: Arc<AtomicBool>,
}

impl Reserve {
    /// The reserve of the database file at `database`: `<database>-reserve`.
    pub(super) fn beside(database: &Path) -> Self {
        let mut name = database.as_os_str().to_owned();
        name.push("-reserve");
        Self {
            path: Some(PathBuf::from(name)),
            wanted: Arc::new(AtomicBool::new(true)),
        }
    }

    /// No reserve: the database lives in memory.
    pub(super) fn none() -> Self {
        Self {
            path: None,
            wanted: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Makes the reserve file if it may be missing; costs nothing when it is known to exist.
    /// Best effort: on a full disk it may not fit, and the next call (after the next delete,
    /// which frees room) tries again.
    pub(super) async fn refill(&self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        if !self.wanted.swap(false, Ordering::AcqRel) {
            return;
        }
        let made = tokio::task::spawn_blocking(move || make(&path)).await;
        if !matches!(made, Ok(Ok(()))) {
            self.wanted.store(true, Ordering::Release);
            if let Ok(Err(error)) = made {
                tracing::debug!(%error, "could not make the disk reserve of the database");
            }
        }
    }

    /// Gives the reserve's room back to the filesystem.
    pub(super) async fn release(&self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        self.wanted.store(true, Ordering::Release);
        let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
        if let Ok(Err(error)) = removed
            && error.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(%error, "could not release the disk reserve of the database");
        }
    }
}

fn make(path: &Path) -> io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    // Written under another name and renamed, so that a crash or a full disk midway never leaves
    // a short file that would pass for a whole reserve.
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = std::fs::File::create(&partial).and_then(|mut file| {
        // Written, not merely sized: a sparse file would hold no room at all.
        file.write_all(&vec![0; RESERVE_BYTES])?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _removed = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}
