//! Blobs as files in a local directory, through object_store's `LocalFileSystem`.
//!
//! Durability comes from `LocalFileSystem::with_fsync`: an upload's file is synced *before* the
//! rename that publishes it, then its directory (and every directory the upload created) after,
//! so a `put` that returned `Ok` survives power loss and a crash never exposes a half-written
//! object. Syncing only after the rename, as an outside hook would, leaves a window in which the
//! name is durable but the bytes are not.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lightbox_ports::{BlobError, BlobKey, ListedObject};
use object_store::local::LocalFileSystem;

use super::errors::{from_io, from_write};
use super::object_blob_store::{Medium, ObjectBlobStore};

/// Directory levels kept when tidying: `images/` and the 256 `images/<xx>/` fan-out directories
/// are shared by every image and few, and keeping them means tidying never races an upload of
/// another image that is creating them. Only per-image directories (millions) are removed.
const SHARED_DEPTH: usize = 2;

/// A local directory as a medium.
#[derive(Debug, Clone)]
pub struct Directory {
    /// The store's root, canonical, as object_store resolves keys against it.
    root: Arc<PathBuf>,
    /// The store itself, which alone knows how a key maps to a file.
    files: Arc<LocalFileSystem>,
}

/// A blob store in a local directory.
pub type FsBlobStore = ObjectBlobStore<Directory>;

impl ObjectBlobStore<Directory> {
    /// Opens (creating it if needed) the store rooted at `root`. Blocks briefly on the
    /// filesystem, so call it at start-up.
    ///
    /// # Errors
    /// [`BlobError::InsufficientStorage`] or [`BlobError::Unavailable`] when the directory cannot
    /// be created or resolved.
    pub fn open(root: &Path) -> Result<Self, BlobError> {
        fs::create_dir_all(root).map_err(from_io)?;
        // The root itself must survive a crash too: object_store syncs only what it creates.
        sync_directory(root).map_err(from_io)?;
        if let Some(parent) = root
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            sync_directory(parent).map_err(from_io)?;
        }
        let root = fs::canonicalize(root).map_err(from_io)?;
        let files = Arc::new(
            LocalFileSystem::new_with_prefix(&root)
                .map_err(from_write)?
                .with_fsync(true),
        );
        let medium = Directory {
            root: Arc::new(root),
            files: Arc::clone(&files),
        };
        Ok(Self::on_medium(files, medium))
    }
}

impl Directory {
    /// The directory the objects are in.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

#[async_trait]
impl Medium for Directory {
    async fn check_ready(&self) -> Result<(), BlobError> {
        let root = Arc::clone(&self.root);
        tokio::task::spawn_blocking(move || probe_writable(&root))
            .await
            .map_err(BlobError::unavailable)?
            .map_err(BlobError::unavailable)
    }

    async fn tidy(&self, prefix: &str) {
        let root = Arc::clone(&self.root);
        let prefix = prefix.to_owned();
        if let Err(error) = tokio::task::spawn_blocking(move || tidy(&root, &prefix)).await {
            tracing::warn!(error = %error, "tidying the blob directory failed");
        }
    }

    async fn leftovers(&self, prefix: &str) -> Result<Vec<ListedObject>, BlobError> {
        let root = Arc::clone(&self.root);
        let prefix = prefix.to_owned();
        tokio::task::spawn_blocking(move || staging_files(&root, &prefix))
            .await
            .map_err(BlobError::unavailable)?
            .map_err(from_io)
    }

    fn file_path(&self, location: &object_store::path::Path) -> Option<PathBuf> {
        // A key object_store cannot map is left to object_store, which reports it.
        self.files.path_to_filesystem(location).ok()
    }
}

/// Why the directory cannot take writes. Only logged, so it may name the path.
#[derive(Debug, thiserror::Error)]
#[error("the blob directory {path} {problem}")]
struct NotWritable {
    path: PathBuf,
    problem: &'static str,
    #[source]
    source: Option<io::Error>,
}

/// Checks the root still exists as a directory and takes a file. Writing through object_store
/// would not do: it recreates a missing root, hiding, say, an unmounted volume.
fn probe_writable(root: &Path) -> Result<(), NotWritable> {
    let fail = |problem, source| NotWritable {
        path: root.to_owned(),
        problem,
        source,
    };
    match fs::metadata(root) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => return Err(fail("is not a directory", None)),
        Err(error) => return Err(fail("cannot be found or read", Some(error))),
    }
    // A unique name, so that concurrent probes never remove each other's file.
    let probe = root.join(format!(".ready-probe-{}", uuid::Uuid::now_v7()));
    fs::write(&probe, b"ready").map_err(|error| fail("does not accept writes", Some(error)))?;
    fs::remove_file(&probe).map_err(|error| fail("does not allow removing files", Some(error)))
}

/// Removes what deleting the objects under `prefix` (or a failed upload to the key `prefix`)
/// left: for a directory prefix, its tree's empty directories and any staging files of uploads
/// that died with a crash; for any other prefix, the staging files beside it that start with it
/// (so that garbage collection can remove a leftover it listed by that leftover's key); then
/// each empty ancestor above the shared levels.
fn tidy(root: &Path, prefix: &str) {
    let (directory, name) = match prefix.strip_suffix('/') {
        Some(directory) => (directory, None),
        None => match prefix.rsplit_once('/') {
            Some((parent, name)) => (parent, Some(name)),
            None => ("", Some(prefix)),
        },
    };
    let Some((mut current, mut depth)) = inside_root(root, directory) else {
        return;
    };
    match name {
        None if depth > SHARED_DEPTH => clear_tree(&current),
        Some(name) if !name.is_empty() => remove_staging_files(&current, name),
        _ => {}
    }
    while depth > SHARED_DEPTH {
        match fs::remove_dir(&current) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            // Not empty (another object, or an upload in progress) or not ours to remove.
            Err(_) => return,
        }
        match current.parent() {
            Some(parent) => current = parent.to_owned(),
            None => return,
        }
        depth -= 1;
    }
}

/// The path of `directory` (a key's directory part) under `root`, and how many levels deep it
/// is; `None` for a spelling that could point outside the root. Joined part by part for that
/// reason.
fn inside_root(root: &Path, directory: &str) -> Option<(PathBuf, usize)> {
    let mut path = root.to_owned();
    let mut depth = 0;
    for part in directory.split('/').filter(|part| !part.is_empty()) {
        if part == "." || part == ".." {
            return None;
        }
        path.push(part);
        depth += 1;
    }
    Some((path, depth))
}

/// The staging files whose key-like path under `root` starts with `prefix`, with their sizes and
/// modification times. A directory or file that vanishes while it is walked (a delete or a
/// completing upload racing the walk) is simply not reported.
fn staging_files(root: &Path, prefix: &str) -> io::Result<Vec<ListedObject>> {
    let directory = prefix
        .rsplit_once('/')
        .map_or("", |(directory, _)| directory);
    let mut found = Vec::new();
    if let Some((path, _)) = inside_root(root, directory) {
        collect_staging_files(&path, directory, prefix, &mut found)?;
        // The prefix may be an image's directory itself.
        report_if_empty(&path, directory, prefix, &mut found)?;
    }
    Ok(found)
}

/// Walks `path` (whose key-like spelling is `key`) depth first, adding to `found` each staging
/// file whose key starts with `prefix`. Symbolic links are not followed: the store never makes
/// them, and following one could leave the root.
fn collect_staging_files(
    path: &Path,
    key: &str,
    prefix: &str,
    found: &mut Vec<ListedObject>,
) -> io::Result<()> {
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let entry = entry?;
        // Names that are not UTF-8 cannot have been written through object_store.
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let child = if key.is_empty() {
            name.clone()
        } else {
            format!("{key}/{name}")
        };
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        // A directory can hold matches only if its path and the prefix agree as far as both go.
        if kind.is_dir() && (child.starts_with(prefix) || prefix.starts_with(&format!("{child}/")))
        {
            collect_staging_files(&entry.path(), &child, prefix, found)?;
            report_if_empty(&entry.path(), &child, prefix, found)?;
        } else if kind.is_file()
            && child.starts_with(prefix)
            && is_staging_file(std::ffi::OsStr::new(&name))
        {
            let metadata = match entry.metadata() {
                Ok(metadata) => metadata,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            };
            found.push(ListedObject {
                key: child,
                size: metadata.len(),
                last_modified: DateTime::<Utc>::from(metadata.modified()?),
            });
        }
    }
    Ok(())
}

/// Reports the directory at `path` (key-like `key`) as a leftover `<key>/` when it holds
/// nothing: a crash between creating an image's directory and writing into it, or between
/// removing its files and itself, leaves one, and gc can only remove what listing shows.
fn report_if_empty(
    path: &Path,
    key: &str,
    prefix: &str,
    found: &mut Vec<ListedObject>,
) -> io::Result<()> {
    let directory_key = format!("{key}/");
    // Only an image's own directory: the shared levels above (`images/`, `images/<xx>/`) are
    // kept even when empty, and belong to no image.
    if !directory_key.starts_with(prefix) || BlobKey::image_of(&directory_key).is_none() {
        return Ok(());
    }
    let is_empty = match fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_none(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    if !is_empty {
        return Ok(());
    }
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    found.push(ListedObject {
        key: directory_key,
        size: 0,
        last_modified: DateTime::<Utc>::from(metadata.modified()?),
    });
    Ok(())
}

/// Empties `directory` of subdirectories left empty and of staging files, bottom up, leaving
/// anything else (which would be an object) in place.
fn clear_tree(directory: &Path) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => {
                clear_tree(&path);
                // Fails, as it should, when something is left inside.
                let _ = fs::remove_dir(&path);
            }
            Ok(kind) if kind.is_file() && is_staging_file(&entry.file_name()) => {
                let _ = fs::remove_file(&path);
            }
            _ => {}
        }
    }
}

/// Removes the staging files directly in `directory` whose names start with `name`.
fn remove_staging_files(directory: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
        if is_file && file_name.to_string_lossy().starts_with(name) && is_staging_file(&file_name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// object_store writes an upload to `<key>#<n>` and renames it into place on completion; it
/// refuses keys of that shape, so such a file is never an object.
fn is_staging_file(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.rsplit_once('#').is_some_and(|(stem, counter)| {
        !stem.is_empty() && !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_digit())
    })
}

/// fsync on a directory makes the entries in it durable.
fn sync_directory(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(path)?.sync_all()
    }
    // Directories cannot be opened for syncing elsewhere; their entries are journaled instead.
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_object_store_staging_names_count_as_staging_files() {
        for staging in ["original#1", "thumb.jpg#12"] {
            assert!(is_staging_file(std::ffi::OsStr::new(staging)), "{staging}");
        }
        for object in [
            "original",
            "#1",
            "original#",
            "original#x1",
            ".ready-probe-1",
        ] {
            assert!(!is_staging_file(std::ffi::OsStr::new(object)), "{object}");
        }
    }
}
