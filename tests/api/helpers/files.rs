//! Looking at the local backend's files from outside, to check that nothing is left behind.

use std::path::Path;

/// Counts regular files under `dir`, recursively; a missing folder holds none.
pub fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => count_files(&path),
                Ok(kind) if kind.is_file() => 1,
                _ => 0,
            }
        })
        .sum()
}
