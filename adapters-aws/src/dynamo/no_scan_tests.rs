//! Architecture invariant check: no source file of this crate calls DynamoDB's `Scan`, so every
//! list is a `Query` by construction (the "no Scan" rule, checked on the code itself).

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `directory`.
fn rust_files(directory: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_source_file_calls_scan() {
    // Spelled in two pieces so that this file does not match itself.
    let needles = [
        concat!(".sc", "an("),
        concat!("Sc", "anInput"),
        concat!("Sc", "anOutput"),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for directory in ["src", "tests", "examples", "benches"] {
        rust_files(&root.join(directory), &mut files);
    }
    assert!(files.len() > 10, "found only {files:?}");
    let offenders: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let text = fs::read_to_string(path).ok()?;
            needles
                .iter()
                .any(|needle| text.contains(needle))
                .then(|| path.display().to_string())
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "a DynamoDB Scan is called in {offenders:?}"
    );
}
