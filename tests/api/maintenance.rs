//! The operators' passes on the app's own storage, on both backends: gc removes the objects no
//! metadata names (by command and in the background) and never an image's; scrub reports
//! originals that are missing or differ from their recorded digest, changing nothing.

use std::time::{Duration, Instant};

use lightbox_api::maintenance::{self, GcCommand};
use lightbox_domain::ids::ImageId;
use lightbox_ports::BlobKey;

use crate::helpers::{TestApp, spawn_app, spawn_app_with, unknown_id, upload_png};

/// The key of an image's original, as the app stores it.
fn original_key(id: &str) -> String {
    let id = ImageId::parse(id).expect("an image id");
    BlobKey::original(&id).as_str().to_owned()
}

/// An orphan: an object in the directory of an image that has no metadata.
async fn plant_orphan(app: &TestApp) -> String {
    let key = original_key(&unknown_id());
    app.storage
        .write_object(&key, b"bytes of an upload that never committed")
        .await;
    key
}

async fn assert_downloads(app: &TestApp, id: &str) {
    let resp = app.get_image(id).await;
    assert_eq!(resp.status(), 200, "image {id} is still served");
}

#[tokio::test]
async fn gc_removes_orphans_and_a_dry_run_only_counts_them() {
    let app = spawn_app().await;
    let kept = upload_png(&app, 1).await["id"].as_str().unwrap().to_owned();
    let orphan = plant_orphan(&app).await;

    let dry_run = GcCommand {
        dry_run: true,
        grace: Some(Duration::ZERO),
    };
    let (report, summary) = maintenance::collect_garbage(&app.settings, dry_run)
        .await
        .unwrap();
    assert_eq!((report.orphans, report.removed), (1, 0), "{summary}");
    assert_eq!(report.with_metadata, 1, "{summary}");
    assert!(summary.contains("dry run"), "{summary}");
    assert!(
        app.storage.has_object(&orphan).await,
        "a dry run removes nothing"
    );

    let run = GcCommand {
        dry_run: false,
        grace: Some(Duration::ZERO),
    };
    let (report, summary) = maintenance::collect_garbage(&app.settings, run)
        .await
        .unwrap();
    assert_eq!(
        (report.orphans, report.removed, report.failed),
        (1, 1, 0),
        "{summary}"
    );
    assert!(!app.storage.has_object(&orphan).await, "the orphan is gone");
    assert!(app.storage.has_object(&original_key(&kept)).await);
    assert_downloads(&app, &kept).await;

    let (again, _) = maintenance::collect_garbage(&app.settings, run)
        .await
        .unwrap();
    assert_eq!(
        (again.images_seen, again.orphans),
        (1, 0),
        "nothing is left to collect"
    );
}

#[tokio::test]
async fn gc_leaves_orphans_younger_than_the_grace_period() {
    let app = spawn_app().await;
    let orphan = plant_orphan(&app).await;
    let command = GcCommand {
        dry_run: false,
        grace: None,
    };
    let (report, summary) = maintenance::collect_garbage(&app.settings, command)
        .await
        .unwrap();
    assert_eq!((report.too_recent, report.orphans), (1, 0), "{summary}");
    assert!(app.storage.has_object(&orphan).await);
}

#[tokio::test]
async fn the_background_gc_collects_old_orphans_by_itself() {
    let app = spawn_app_with(|s| {
        s.body_timeout_seconds = 1;
        s.gc_grace_seconds = 2;
        s.gc_interval_seconds = 1;
    })
    .await;
    let kept = upload_png(&app, 2).await["id"].as_str().unwrap().to_owned();
    let orphan = plant_orphan(&app).await;
    let started = Instant::now();
    while app.storage.has_object(&orphan).await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the orphan is still there after 20 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Not before its grace period (2 s) was over, less the second S3 rounds modification times
    // down by.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_downloads(&app, &kept).await;
}

#[tokio::test]
async fn scrub_reports_missing_and_corrupt_originals_and_changes_nothing() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for seed in 10..14 {
        ids.push(
            upload_png(&app, seed).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let clean = maintenance::scrub(&app.settings).await.unwrap();
    assert!(clean.report.is_clean(), "{}", clean.summary);
    assert_eq!(clean.report.checked, 4);

    let (corrupt, missing) = (&ids[0], &ids[1]);
    app.storage
        .write_object(&original_key(corrupt), b"not the uploaded bytes")
        .await;
    app.storage.remove_object(&original_key(missing)).await;

    let outcome = maintenance::scrub(&app.settings).await.unwrap();
    let report = &outcome.report;
    assert_eq!(report.checked, 4, "{}", outcome.summary);
    let missing_ids: Vec<String> = report
        .missing
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(missing_ids, vec![missing.clone()], "{}", outcome.summary);
    assert_eq!(report.corrupt.len(), 1, "{}", outcome.summary);
    assert_eq!(report.corrupt[0].id.to_string(), *corrupt);
    assert_eq!(report.corrupt[0].found.0, 22);
    assert!(report.unreadable.is_empty(), "{}", outcome.summary);
    assert!(
        outcome.summary.contains(&format!("missing    {missing}")),
        "{}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains(&format!("corrupt    {corrupt}")),
        "{}",
        outcome.summary
    );

    // Reported, not repaired or removed: the metadata is still there for the operator.
    assert_eq!(app.get_metadata(missing).await.status(), 200);
    assert!(app.storage.has_object(&original_key(corrupt)).await);
    assert_downloads(&app, &ids[2]).await;
}
