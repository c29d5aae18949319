//! The texts the commands print when done.

use std::fmt::Write;

use indicatif::HumanBytes;
use lightbox_ports::maintenance::{GcOptions, GcReport, ScrubReport};

/// One line saying what gc found and did.
pub(super) fn gc_summary(report: &GcReport, options: GcOptions) -> String {
    let fate = if options.dry_run {
        "would be removed (dry run: nothing was)".to_owned()
    } else {
        format!("{} removed, {} failed", report.removed, report.failed)
    };
    let mut line = format!(
        "gc: {} images in the blob store: {} with metadata, {} without but younger than the \
         grace period of {} s (kept); {} orphans ({} objects, {}) {fate}",
        report.images_seen,
        report.with_metadata,
        report.too_recent,
        options.grace.num_seconds(),
        report.orphans,
        report.orphan_objects,
        HumanBytes(report.orphan_bytes),
    );
    if report.unrecognized_objects > 0 {
        let _ = write!(
            line,
            "; {} objects outside any image directory were left alone",
            report.unrecognized_objects
        );
    }
    line
}

/// The summary line, then one line per image found damaged.
pub(super) fn scrub_summary(report: &ScrubReport) -> String {
    let damaged = report.missing.len() + report.corrupt.len() + report.unreadable.len();
    let mut text = format!(
        "scrub: {} images checked, {} read: {} intact, {} missing, {} corrupt, {} unreadable\n",
        report.checked,
        HumanBytes(report.bytes_read),
        report.checked - damaged as u64,
        report.missing.len(),
        report.corrupt.len(),
        report.unreadable.len(),
    );
    for (id, owner) in &report.missing {
        let _ = writeln!(
            text,
            "missing    {id} owner={owner}: metadata without its bytes"
        );
    }
    for corrupt in &report.corrupt {
        let _ = writeln!(
            text,
            "corrupt    {} owner={}: recorded {} bytes sha256 {}, found {} bytes sha256 {}",
            corrupt.id,
            corrupt.owner,
            corrupt.expected.0,
            corrupt.expected.1.to_hex(),
            corrupt.found.0,
            corrupt.found.1.to_hex(),
        );
    }
    for unreadable in &report.unreadable {
        let _ = writeln!(text, "unreadable {}: {}", unreadable.id, unreadable.reason);
    }
    text
}
