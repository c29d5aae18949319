//! A full disk at the HTTP level: the app's data directory on a small filesystem, filled by
//! uploads. The upload that does not fit gets `507 insufficient_storage` and leaves nothing
//! half-written; deleting an image gives the space back and uploads work again, without a
//! restart; `/health` answers 200 throughout.
//!
//! The filesystem is the directory named by `LIGHTBOX_SMALL_FS` (scripts/test mounts a tmpfs of a
//! few MiB there). Without it the test fails, as the AWS tests fail without the emulator: a suite
//! that skips silently reports success for what it never checked. The full-disk tests take turns
//! on the one filesystem (the `small-filesystem` group of .config/nextest.toml), each in a
//! directory of its own removed when it ends.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use serde_json::Value;

use crate::helpers::fixtures::{png, sha256_hex};
use crate::helpers::{Form, TestApp, assert_problem, files_under, spawn_app_with};

/// The variable naming a directory on a small filesystem.
const SMALL_FS_VARIABLE: &str = "LIGHTBOX_SMALL_FS";

/// Side of the uploaded images: a noise PNG this size is about 190 KiB, so a few MiB fill in
/// a few dozen uploads.
const SIDE: u32 = 256;

/// A directory of this test's own on the small filesystem, removed on drop (a failed test too
/// gives its space back, so the next full-disk test does not start on a full disk).
struct SmallDirectory(PathBuf);

impl SmallDirectory {
    fn create() -> Self {
        let root = std::env::var(SMALL_FS_VARIABLE).unwrap_or_else(|_| {
            panic!(
                "{SMALL_FS_VARIABLE} must name a directory on a filesystem of a few MiB: run the \
                 suite through scripts/test (which mounts a tmpfs when run as root), or e.g. \
                 `mount -t tmpfs -o size=4m tmpfs /mnt/small && {SMALL_FS_VARIABLE}=/mnt/small`"
            )
        });
        let directory = Path::new(&root).join(format!("http-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&directory).expect("a directory on the small filesystem");
        Self(directory)
    }
}

impl Drop for SmallDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An opaque PNG of pseudo-random pixels (incompressible, so its size is about 3 bytes a pixel);
/// distinct seeds give distinct bytes.
fn noise_png(side: u32, seed: u32) -> Vec<u8> {
    let mut state = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let pixels: Vec<u8> = (0..side * side * 3)
        .map(|_| {
            // xorshift64: fast, and plenty random for defeating deflate.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    let mut out = Cursor::new(Vec::new());
    PngEncoder::new(&mut out)
        .write_image(&pixels, side, side, ExtendedColorType::Rgb8)
        .expect("PNG encodes");
    out.into_inner()
}

async fn assert_healthy(app: &TestApp, when: &str) {
    let status = app.anonymous().get_health().await.status().as_u16();
    assert_eq!(status, 200, "/health {when}");
}

#[tokio::test]
async fn a_full_disk_answers_507_leaves_nothing_half_written_and_recovers_after_a_delete() {
    let directory = SmallDirectory::create();
    let data_dir = directory.0.clone();
    let app = spawn_app_with(move |settings| settings.data_dir = data_dir).await;
    assert_healthy(&app, "before the disk fills").await;

    let mut stored = Vec::new();
    let refused = loop {
        let seed = u32::try_from(stored.len()).expect("a few dozen uploads");
        let response = app.upload(&Form::with_file(noise_png(SIDE, seed))).await;
        if response.status().as_u16() != 201 {
            break response;
        }
        let image: Value = response.json().await.expect("an Image as JSON");
        stored.push(image["id"].as_str().expect("an id").to_owned());
        assert!(stored.len() < 1_000, "the small filesystem never filled up");
    };
    assert!(
        !stored.is_empty(),
        "some uploads fit before the disk filled"
    );
    let problem = assert_problem(refused, 507, "insufficient_storage").await;
    let text = problem.to_string().to_ascii_lowercase();
    assert!(
        !text.contains(&directory.0.to_string_lossy().to_ascii_lowercase()),
        "a 507 shows no paths: {problem}"
    );
    assert_healthy(&app, "on a full disk").await;

    assert_nothing_half_written(&app, &directory.0, &stored).await;

    let victim = &stored[0];
    let deleted = app.delete_image(victim).await.status().as_u16();
    assert_eq!(deleted, 204, "deleting an image on a full disk");
    let fits = app.upload(&Form::with_file(png(8, 8))).await;
    let status = fits.status().as_u16();
    assert_eq!(
        status,
        201,
        "a small upload fits once an image is deleted: {}",
        fits.text().await.unwrap_or_default()
    );
    assert_healthy(&app, "after the recovery").await;
}

/// No staging files in the blob store, every listed image downloads whole, and there are as many
/// originals as images: exactly those the uploads that got 201 stored.
async fn assert_nothing_half_written(app: &TestApp, data_dir: &Path, stored: &[String]) {
    let blobs = data_dir.join("blobs");
    let files = files_under(&blobs);
    let staging: Vec<_> = files.iter().filter(|file| is_staging(file)).collect();
    assert!(staging.is_empty(), "staging files left: {staging:?}");
    let originals = files
        .iter()
        .filter(|file| file.file_name().is_some_and(|name| name == "original"))
        .count();

    let page = app.list(&[("limit", "100")]).await;
    assert_eq!(page.status().as_u16(), 200, "listing on a full disk");
    let page: Value = page.json().await.expect("a page as JSON");
    let mut listed = BTreeSet::new();
    for item in page["items"].as_array().expect("`items`") {
        let id = item["id"].as_str().expect("an id").to_owned();
        let bytes = app.get_image(&id).await;
        assert_eq!(bytes.status().as_u16(), 200, "the bytes of {id} download");
        let bytes = bytes.bytes().await.expect("the bytes");
        assert_eq!(
            item["sha256"].as_str(),
            Some(sha256_hex(&bytes).as_str()),
            "the bytes of {id} are whole"
        );
        listed.insert(id);
    }
    let expected: BTreeSet<_> = stored.iter().cloned().collect();
    assert_eq!(listed, expected, "the images are those the 201s named");
    assert_eq!(originals, listed.len(), "one original per image, no orphan");
}

/// object_store stages a write in `<name>#<digits>` beside its final name.
fn is_staging(file: &Path) -> bool {
    file.file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.rsplit_once('#'))
        .is_some_and(|(_, suffix)| {
            !suffix.is_empty() && suffix.bytes().all(|byte| byte.is_ascii_digit())
        })
}
