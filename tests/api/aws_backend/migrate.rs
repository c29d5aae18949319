//! `lightbox migrate` local → aws → local on a few hundred images, the first leg interrupted
//! half-way (its future dropped mid-copy, as a killed process stops): the rerun copies only what
//! is missing, and the last store holds exactly the first one's metadata (every field) and
//! bytes (every object, derived files included, by SHA-256).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};
use lightbox_api::config::{BackendKind, Settings};
use lightbox_api::maintenance::migrate_between;
use lightbox_api::open_backend;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_ports::{BlobKey, SweepPosition, Usage};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::assert_aws_run;
use crate::helpers::fixtures::{jpeg_seeded, png_seeded};
use crate::helpers::{Form, TestApp, spawn_app_with, upload_image};

/// Enough images for several sweep pages and a real interruption, few enough for moto.
const IMAGES: usize = 220;

const OWNERS: [&str; 3] = ["migrating-ana", "migrating-bo", "migrating-cy"];

/// Everything a store holds: every record, every object's digest, every owner's usage.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    records: BTreeMap<ImageId, ImageRecord>,
    objects: BTreeMap<String, String>,
    usage: BTreeMap<&'static str, Usage>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migration_local_to_aws_to_local_interrupted_once_keeps_everything() {
    assert_aws_run();
    let first_dir = tempfile::tempdir().unwrap();
    let last_dir = tempfile::tempdir().unwrap();
    let first = local_settings(first_dir.path());
    let last = local_settings(last_dir.path());
    let aws = aws_settings().await;
    fill(first_dir.path()).await;
    let original = snapshot(&first).await;
    assert_eq!(original.records.len(), IMAGES);
    assert!(
        original.objects.len() > IMAGES,
        "some images have derived files"
    );

    // Interrupted once the destination holds about half of the records.
    let (_, destination) = open_backend(&aws).await.unwrap();
    tokio::select! {
        outcome = migrate_between(&first, &aws, false) => {
            panic!("the migration ended before the interruption: {:?}", outcome.map(|o| o.summary));
        }
        () = until_at_least(destination.as_ref(), IMAGES / 2) => {}
    }
    // Writes sent just before the interruption may still land: let them, then count.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let committed = record_count(destination.as_ref()).await;
    assert!(
        (IMAGES / 2..IMAGES).contains(&committed),
        "interrupted half-way: {committed}"
    );

    let dry = migrate_between(&first, &aws, true).await.unwrap();
    assert_eq!(
        (dry.report.copied, dry.report.skipped),
        ((IMAGES - committed) as u64, committed as u64),
        "{}",
        dry.summary
    );
    assert_eq!(
        record_count(destination.as_ref()).await,
        committed,
        "a dry run writes nothing"
    );

    let rerun = migrate_between(&first, &aws, false).await.unwrap();
    assert!(rerun.report.is_complete(), "{}", rerun.summary);
    assert_eq!(
        (rerun.report.copied, rerun.report.skipped),
        ((IMAGES - committed) as u64, committed as u64),
        "the rerun copies only what is missing: {}",
        rerun.summary
    );
    assert_eq!(
        snapshot(&aws).await,
        original,
        "the aws store holds exactly the local one, no orphan left by the interruption"
    );

    let back = migrate_between(&aws, &last, false).await.unwrap();
    assert!(back.report.is_complete(), "{}", back.summary);
    assert_eq!(back.report.copied, IMAGES as u64, "{}", back.summary);
    assert_eq!(snapshot(&last).await, original);

    let again = migrate_between(&aws, &last, false).await.unwrap();
    assert_eq!(
        (again.report.copied, again.report.skipped),
        (0, IMAGES as u64),
        "{}",
        again.summary
    );
    let onto_itself = migrate_between(&aws, &aws, true).await.unwrap_err();
    assert!(
        onto_itself.to_string().contains("same store"),
        "{onto_itself:#}"
    );
}

fn local_settings(dir: &Path) -> Settings {
    Settings {
        backend: BackendKind::Local,
        data_dir: dir.to_path_buf(),
        ..Settings::default()
    }
}

async fn aws_settings() -> Settings {
    let name = format!(
        "lightbox-migrate-{}",
        &uuid::Uuid::now_v7().simple().to_string()[16..]
    );
    let settings = Settings {
        backend: BackendKind::Aws,
        s3_bucket: name.clone(),
        dynamodb_table: name,
        ..Settings::default()
    };
    lightbox_api::provision::provision(&settings)
        .await
        .expect("provisioning the destination on moto");
    settings
}

/// Fills the local store at `dir` through the service: PNGs and JPEGs of three owners, with
/// tags, titles and both visibilities; a thumbnail rendered for every fourth, and every fifth
/// edited once or twice (versions 2 and 3).
async fn fill(dir: &Path) {
    let app = spawn_app_with(|settings| {
        settings.backend = BackendKind::Local;
        settings.data_dir = dir.to_path_buf();
    })
    .await;
    stream::iter(0..IMAGES)
        .for_each_concurrent(8, |i| fill_one(&app, i))
        .await;
}

async fn fill_one(app: &TestApp, i: usize) {
    let caller = app.as_user(OWNERS[i % OWNERS.len()]);
    let seed = u32::try_from(i).unwrap();
    let (bytes, name) = if i.is_multiple_of(2) {
        (png_seeded(16 + seed % 9, 12, seed), "shot.png")
    } else {
        (jpeg_seeded(20, 10 + seed % 7, seed), "photo.jpg")
    };
    let mut form = Form::new()
        .file_as(bytes, name, "application/octet-stream")
        .text("tags", &format!("batch{},all", i % 4))
        .text(
            "visibility",
            if i.is_multiple_of(3) {
                "public"
            } else {
                "private"
            },
        );
    if i % 2 == 1 {
        form = form.text("title", &format!("Image {i}"));
    }
    let image = upload_image(&caller, &form).await;
    let id = image["id"].as_str().unwrap();
    if i.is_multiple_of(4) {
        let thumbnail = caller.get_thumbnail(id, &[("size", "64")]).await;
        assert_eq!(thumbnail.status(), 200);
    }
    let edits = match i % 10 {
        0 => 2,
        5 => 1,
        _ => 0,
    };
    for edit in 0..edits {
        let body =
            json!({"description": format!("edit {edit}"), "tags": ["edited", format!("e{edit}")]});
        assert_eq!(caller.put_image(id, &body).await.status(), 200);
    }
}

/// Every record, every object's digest and every owner's usage in the store `settings` name.
async fn snapshot(settings: &Settings) -> Snapshot {
    let (blobs, repository) = open_backend(settings).await.unwrap();
    let mut records = BTreeMap::new();
    let mut position: Option<SweepPosition> = None;
    loop {
        let page = repository.sweep(position, 100).await.unwrap();
        records.extend(page.records.into_iter().map(|record| (record.id, record)));
        match page.next {
            Some(next) => position = Some(next),
            None => break,
        }
    }
    let mut objects = BTreeMap::new();
    for prefix in BlobKey::fan_out_prefixes() {
        let listed: Vec<_> = blobs
            .list(&prefix)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        for object in listed {
            let id = BlobKey::image_of(&object.key).expect("an image's object");
            let name = object.key.rsplit('/').next().unwrap();
            let content = blobs.get(&BlobKey::derived(&id, name), None).await.unwrap();
            let bytes: Vec<bytes::Bytes> = content.stream.try_collect().await.unwrap();
            objects.insert(object.key, hex::encode(Sha256::digest(bytes.concat())));
        }
    }
    let mut usage = BTreeMap::new();
    for owner in OWNERS {
        let counted = repository
            .usage(&OwnerId::parse(owner).unwrap())
            .await
            .unwrap();
        usage.insert(owner, counted);
    }
    Snapshot {
        records,
        objects,
        usage,
    }
}

async fn record_count(repository: &dyn lightbox_ports::ImageRepository) -> usize {
    let mut count = 0;
    let mut position: Option<SweepPosition> = None;
    loop {
        let page = repository.sweep(position, 100).await.unwrap();
        count += page.records.len();
        match page.next {
            Some(next) => position = Some(next),
            None => return count,
        }
    }
}

async fn until_at_least(repository: &dyn lightbox_ports::ImageRepository, records: usize) {
    while record_count(repository).await < records {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
