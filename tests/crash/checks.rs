//! The checks on the data directory itself once the last process is dead: the SQLite file passes
//! `PRAGMA integrity_check` and holds exactly the ledger's images, every row has its `original`
//! file, and after `lightbox gc --grace-seconds 0` no image directory lacks a row and no staging
//! file is left.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::findings::Findings;
use crate::ledger::Ledger;
use crate::server::Deployment;

/// The local backend's layout (adapters-local: `backend.rs`, and `BlobKey` in ports).
const DATABASE_FILE: &str = "lightbox.db";
const BLOBS_DIRECTORY: &str = "blobs";
const IMAGES_DIRECTORY: &str = "images";
const ORIGINAL_FILE: &str = "original";

/// Runs every file-level check on the stopped deployment, gc included.
pub async fn after_workload(deployment: &Deployment, ledger: &Ledger, findings: &Findings) {
    let data_dir = deployment.data_dir();
    let Some(rows) = database_rows(&data_dir, findings).await else {
        return;
    };
    let expected: BTreeSet<String> = ledger
        .users
        .iter()
        .flat_map(|user| user.images.keys().cloned())
        .collect();
    for id in rows.difference(&expected) {
        findings.record(format!(
            "the database holds {id}, which the ledger does not keep"
        ));
    }
    for id in expected.difference(&rows) {
        findings.record(format!("the database lacks {id}, which the ledger keeps"));
    }

    // Orphans may exist before gc (a kill between storing bytes and committing the row, or
    // between deleting the row and the bytes); a row without its bytes may not, ever.
    let before = BlobTree::scan(&data_dir.join(BLOBS_DIRECTORY));
    before.report_rows_without_originals(&rows, "before gc", findings);
    println!(
        "before gc: {} rows, {} image directories, of which {} without a row; {} staging files; {} other files",
        rows.len(),
        before.images.len(),
        before.orphans(&rows).len(),
        before.staging.len(),
        before.others.len()
    );

    let gc = deployment.gc();
    println!(
        "lightbox gc --grace-seconds 0: {}\n--- stdout:\n{}--- stderr:\n{}",
        gc.status,
        String::from_utf8_lossy(&gc.stdout),
        String::from_utf8_lossy(&gc.stderr)
    );
    if !gc.status.success() {
        // The first line says why; the whole output was printed above.
        let stderr = String::from_utf8_lossy(&gc.stderr);
        findings.record(format!(
            "lightbox gc --grace-seconds 0 failed ({}): {}",
            gc.status,
            stderr.lines().next().unwrap_or_default()
        ));
        println!("the orphan check after gc is skipped: gc did not run");
        return;
    }

    let Some(rows_after) = database_rows(&data_dir, findings).await else {
        return;
    };
    if rows_after != rows {
        findings.record(format!(
            "gc changed the images table: {} rows before, {} after",
            rows.len(),
            rows_after.len()
        ));
    }
    let after = BlobTree::scan(&data_dir.join(BLOBS_DIRECTORY));
    after.report_rows_without_originals(&rows_after, "after gc", findings);
    for id in after.orphans(&rows_after) {
        findings.record(format!(
            "after gc, {} has no row in the images table",
            after.images[&id].directory.display()
        ));
    }
    for path in &after.staging {
        findings.record(format!(
            "after gc, the staging file {} remains",
            path.display()
        ));
    }
    for path in &after.others {
        println!(
            "note: after gc, a file outside any image: {}",
            path.display()
        );
    }
    println!(
        "after gc: {} rows, {} image directories, {} staging files",
        rows_after.len(),
        after.images.len(),
        after.staging.len()
    );
}

/// `PRAGMA integrity_check` (a finding unless exactly "ok") and the ids of the images table.
/// `None` when the file cannot be read at all, which is a finding too.
async fn database_rows(data_dir: &Path, findings: &Findings) -> Option<BTreeSet<String>> {
    let path = data_dir.join(DATABASE_FILE);
    // Read-write, as the server opens it: a hot WAL left by the kill is recovered on opening.
    // No journal mode is set, so the file stays in the WAL mode the server chose.
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(false);
    let mut connection = match options.connect().await {
        Ok(connection) => connection,
        Err(error) => {
            findings.record(format!("{} does not open: {error}", path.display()));
            return None;
        }
    };
    match sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
        .fetch_all(&mut connection)
        .await
    {
        Ok(lines) if lines == ["ok"] => {}
        Ok(lines) => findings.record(format!(
            "PRAGMA integrity_check on {} says: {}",
            path.display(),
            lines.join("; ")
        )),
        Err(error) => findings.record(format!("PRAGMA integrity_check failed: {error}")),
    }
    let ids = sqlx::query_scalar::<_, Vec<u8>>("SELECT id FROM images")
        .fetch_all(&mut connection)
        .await;
    let _ = connection.close().await;
    match ids {
        Ok(ids) => Some(
            ids.iter()
                .map(|id| match uuid::Uuid::from_slice(id) {
                    Ok(uuid) => uuid.hyphenated().to_string(),
                    Err(_) => format!("(not a UUID: {})", hex::encode(id)),
                })
                .collect(),
        ),
        Err(error) => {
            findings.record(format!("SELECT id FROM images failed: {error}"));
            None
        }
    }
}

/// What the blob directory holds.
#[derive(Debug, Default)]
struct BlobTree {
    /// `images/<xx>/<id>/` directories by id.
    images: BTreeMap<String, ImageDirectory>,
    /// object_store staging files (`<name>#<digits>`), anywhere.
    staging: Vec<PathBuf>,
    /// Files that are neither inside an image directory nor staging files.
    others: Vec<PathBuf>,
}

#[derive(Debug)]
struct ImageDirectory {
    directory: PathBuf,
    has_original: bool,
}

impl BlobTree {
    fn scan(root: &Path) -> Self {
        let mut tree = Self::default();
        tree.walk(root, &[]);
        tree
    }

    /// Records what is under `directory`, whose path below the root is `parts`.
    fn walk(&mut self, directory: &Path, parts: &[String]) {
        let entries = fs::read_dir(directory)
            .unwrap_or_else(|error| panic!("{} cannot be read: {error}", directory.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry");
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type().expect("an entry's type");
            let mut below = parts.to_vec();
            below.push(name.clone());
            if kind.is_dir() {
                // images/<xx>/<id>/: the level where an image lives.
                if below.len() == 3 && below[0] == IMAGES_DIRECTORY {
                    self.images.insert(
                        name,
                        ImageDirectory {
                            directory: path.clone(),
                            has_original: path.join(ORIGINAL_FILE).is_file(),
                        },
                    );
                }
                self.walk(&path, &below);
            } else if is_staging_name(&name) {
                self.staging.push(path);
            } else if below.len() < 4 || below[0] != IMAGES_DIRECTORY {
                self.others.push(path);
            }
        }
    }

    /// Image directories whose id has no row.
    fn orphans(&self, rows: &BTreeSet<String>) -> Vec<String> {
        self.images
            .keys()
            .filter(|id| !rows.contains(*id))
            .cloned()
            .collect()
    }

    fn report_rows_without_originals(
        &self,
        rows: &BTreeSet<String>,
        when: &str,
        findings: &Findings,
    ) {
        for id in rows {
            if !self.images.get(id).is_some_and(|image| image.has_original) {
                findings.record(format!("{when}, the row of {id} has no original file"));
            }
        }
    }
}

/// object_store writes an upload to `<key>#<n>` and renames it into place when complete.
fn is_staging_name(name: &str) -> bool {
    name.rsplit_once('#').is_some_and(|(stem, counter)| {
        !stem.is_empty() && !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_digit())
    })
}
