//! Looking at the local backend's files from outside, to check that nothing is left behind.

use std::path::{Path, PathBuf};

/// The regular files under `dir`, recursively; a missing folder holds none.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .flat_map(|entry| {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => files_under(&path),
                Ok(kind) if kind.is_file() => vec![path],
                _ => Vec::new(),
            }
        })
        .collect()
}
