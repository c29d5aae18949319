//! Architecture invariant check: no source file of this crate calls DynamoDB's `Scan`, so every
//! list is a `Query` by construction (the "no Scan" rule, checked on the code itself).
//!
//! One file is exempt: `src/dynamo/sweep.rs`, the operators' whole-store sweeps (scrub,
//! migration). Reading every record is what a sweep is for, no index can serve it, and no request
//! path calls it. The exemption names that file exactly, so a `Scan` anywhere else still fails.

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

/// The one file allowed to scan, relative to the crate's root.
const SWEEP_FILE: &str = "src/dynamo/sweep.rs";

#[test]
fn no_source_file_but_the_sweep_calls_scan() {
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
    let scans = |path: &Path| {
        let text = fs::read_to_string(path).unwrap();
        needles.iter().any(|needle| text.contains(needle))
    };
    let sweep = root.join(SWEEP_FILE);
    // If the sweep stopped scanning (or moved), the exemption would only hide a future offender.
    assert!(
        scans(&sweep),
        "{SWEEP_FILE} no longer scans: drop its exemption"
    );
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| **path != sweep && scans(path))
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "a DynamoDB Scan is called in {offenders:?}"
    );
}
