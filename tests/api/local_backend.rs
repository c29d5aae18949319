//! What only the local backend has: a data directory that can break under the app, and `url`s
//! that are the service's own `/content` links (on aws they are S3's). The aws run of the suite
//! leaves this module out (see scripts/test); `aws_backend` is its counterpart.

mod full_disk;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use crate::helpers::fixtures::{png, png_seeded};
use crate::helpers::{Form, TestApp, assert_problem, spawn_app, spawn_app_with, upload_image};

/// The app's data directory; this module only runs on the local backend.
fn data_dir(app: &TestApp) -> &Path {
    app.storage
        .local_data_dir()
        .expect("local_backend tests run on the local backend only (scripts/test)")
}

/// Makes `<data_dir>/blobs` unwritable. As root, permissions do not stop writes, so the folder is
/// replaced by a regular file instead. Returns how to undo it.
fn break_blob_store(app: &TestApp) -> Box<dyn FnOnce()> {
    let blobs = data_dir(app).join("blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::set_permissions(&blobs, std::fs::Permissions::from_mode(0o500)).unwrap();
    let probe = blobs.join(".write-probe");
    let permissions_hold = std::fs::write(&probe, b"x").is_err();
    if permissions_hold {
        return Box::new(move || {
            std::fs::set_permissions(&blobs, std::fs::Permissions::from_mode(0o755)).unwrap();
        });
    }
    // Running as root: chmod does not stop writes.
    std::fs::set_permissions(&blobs, std::fs::Permissions::from_mode(0o755)).unwrap();
    let parked = blobs.with_extension("parked");
    std::fs::rename(&blobs, &parked).unwrap();
    std::fs::write(&blobs, b"not a directory").unwrap();
    Box::new(move || {
        std::fs::remove_file(&blobs).unwrap();
        std::fs::rename(&parked, &blobs).unwrap();
        let _ = std::fs::remove_file(blobs.join(".write-probe"));
    })
}

#[tokio::test]
async fn an_unwritable_data_dir_gives_503s_names_itself_in_ready_and_recovers_without_a_restart() {
    let app = spawn_app().await;
    let kept = upload_image(&app, &Form::with_file(png(4, 4))).await;
    let kept = kept["id"].as_str().unwrap().to_owned();
    let restore = break_blob_store(&app);

    // Requests get the contract's answer, and the refused upload leaves nothing behind.
    let refused = app.upload(&Form::with_file(png_seeded(5, 5, 7))).await;
    assert!(
        refused.headers().contains_key("retry-after"),
        "503 carries Retry-After"
    );
    assert_problem(refused, 503, "backend_unavailable").await;
    assert_eq!(
        app.anonymous().get_health().await.status(),
        200,
        "/health stays 200"
    );
    let listed = app.list(&[]).await;
    assert_eq!(listed.status(), 200, "metadata is still served");
    let listed: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");

    let resp = app.anonymous().get_ready().await;

    assert!(
        resp.headers().contains_key("retry-after"),
        "503 carries Retry-After"
    );
    let problem = assert_problem(resp, 503, "backend_unavailable").await;
    let detail = problem["detail"].as_str().unwrap().to_ascii_lowercase();
    assert!(
        [
            "blob",
            "data dir",
            "data_dir",
            "directory",
            "storage",
            "filesystem",
            "local"
        ]
        .iter()
        .any(|word| detail.contains(word)),
        "the detail names the failing backend: {detail}"
    );
    let data_dir = data_dir(&app).to_string_lossy().to_ascii_lowercase();
    assert!(
        !detail.contains(&data_dir),
        "a 5xx carries no internals such as paths: {detail}"
    );

    restore();
    let resp = app.anonymous().get_ready().await;
    assert_eq!(
        resp.status().as_u16(),
        200,
        "ready again once the directory is back"
    );
    // Recovered without a restart: the kept image is whole, a new upload is stored.
    assert_eq!(app.get_image(&kept).await.status(), 200);
    upload_image(&app, &Form::with_file(png_seeded(5, 5, 7))).await;
    assert_eq!(
        app.stored_object_count().await,
        2,
        "no leftover of the refused upload"
    );
}

#[tokio::test]
async fn public_url_sets_the_base_of_signed_urls() {
    let app =
        spawn_app_with(|s| s.public_url = Some("https://images.example.test".to_owned())).await;

    let image = upload_image(&app, &Form::with_file(png(4, 4))).await;

    let url = image["url"].as_str().unwrap();
    let id = image["id"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "https://images.example.test/api/v1/images/{id}/content?"
        )),
        "the configured public base: {url}"
    );
    let local = url.replacen("https://images.example.test", &app.address, 1);
    let resp = app.anonymous().get_url(&local).await;
    assert_eq!(
        resp.status().as_u16(),
        200,
        "the same path and query work on the server"
    );
}

/// A stored file cut short behind the server's back is not served as the image its record
/// describes (whose ETag clients would cache it under): the download is a 503, and a range that
/// lies within what is left is still served.
#[tokio::test]
async fn a_stored_file_cut_short_is_a_503_not_a_short_image() {
    let app = spawn_app().await;
    let stored = upload_image(&app, &Form::with_file(png_seeded(64, 64, 3))).await;
    let id = stored["id"].as_str().unwrap().to_owned();
    let size = stored["size_bytes"].as_u64().unwrap();
    let file = data_dir(&app)
        .join("blobs/images")
        .join(&id[id.len() - 2..])
        .join(&id)
        .join("original");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(size / 2)
        .unwrap();

    assert_problem(app.get_image(&id).await, 503, "backend_unavailable").await;
    let start = app
        .get_image_with(&id, &[], &[("range", "bytes=0-9")])
        .await;
    assert_eq!(start.status().as_u16(), 206);
    assert_eq!(start.bytes().await.unwrap().len(), 10);
}

/// Two servers on one data directory (operations.md advises one): the record cache keeps what
/// the second read for `LIGHTBOX_RECORD_CACHE_SECONDS`, so the first's delete shows there within
/// that age, and at once with the cache off.
#[tokio::test]
async fn a_second_server_sees_a_delete_within_its_record_cache_age_and_at_once_without() {
    let first = spawn_app().await;
    let shared = data_dir(&first).to_owned();
    for (cache_seconds, within) in [(0, Duration::ZERO), (1, Duration::from_secs(1))] {
        let second = spawn_app_with(|settings| {
            settings.data_dir = shared.clone();
            settings.record_cache_seconds = cache_seconds;
        })
        .await;
        let stored = upload_image(
            &first,
            &Form::with_file(png_seeded(6, 6, u32::try_from(cache_seconds).unwrap())),
        )
        .await;
        let id = stored["id"].as_str().unwrap().to_owned();
        assert_eq!(second.get_metadata(&id).await.status(), 200);
        assert_eq!(first.delete_image(&id).await.status(), 204);
        let deleted = std::time::Instant::now();
        loop {
            let status = second.get_metadata(&id).await.status().as_u16();
            if status == 404 {
                break;
            }
            assert_eq!(status, 200);
            assert!(
                deleted.elapsed() <= within,
                "the delete was still unseen after {:?} with a cache of {cache_seconds} s",
                deleted.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
