//! The texts `lightbox migrate` prints: the progress detail and the final summary.

use std::fmt::Write;

use indicatif::HumanBytes;
use lightbox_ports::migration::MigrationReport;

/// What became of the images so far, for the progress line.
pub(super) fn migrate_detail(report: &MigrationReport, dry_run: bool) -> String {
    let copied = if dry_run { "to copy" } else { "copied" };
    format!(
        "{} {copied} ({}), {} already there, {} failed",
        report.copied,
        HumanBytes(report.bytes_copied),
        report.skipped,
        report.failed.len()
    )
}

/// The summary line, then one line per image not copied.
pub(super) fn migrate_summary(report: &MigrationReport, dry_run: bool) -> String {
    let copied = if dry_run {
        "would be copied (dry run: nothing was written)"
    } else {
        "copied"
    };
    let mut text = format!(
        "migrate: {} images in the source: {} {copied} ({} objects, {}), {} skipped (already \
         there, identical), {} failed\n",
        report.total,
        report.copied,
        report.objects_copied,
        HumanBytes(report.bytes_copied),
        report.skipped,
        report.failed.len(),
    );
    for failed in &report.failed {
        let _ = writeln!(
            text,
            "failed {} owner={}: {}",
            failed.id, failed.owner, failed.reason
        );
    }
    text
}
