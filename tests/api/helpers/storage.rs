//! The storage a test app runs on: the local backend in a fresh temporary directory, or, with
//! `LIGHTBOX_TEST_BACKEND=aws`, a fresh S3 bucket and DynamoDB table of its own on the moto
//! emulator that `scripts/test` starts. The whole suite runs both ways; tests look into the
//! storage only through [`TestStorage`], so their expectations are the same on both.

use std::path::Path;

use lightbox_adapters_aws::{AwsSettings, load_sdk_config};
use lightbox_api::config::{BackendKind, Settings};
use tempfile::TempDir;

use super::files::files_under;

/// The environment variable that picks the backend of every test app.
pub const BACKEND_VARIABLE: &str = "LIGHTBOX_TEST_BACKEND";

/// Where a test app keeps its data: deleted (local) or left to the emulator, which forgets
/// everything when it stops (aws), once the test ends.
#[derive(Debug)]
pub enum TestStorage {
    /// The filesystem + SQLite backend in a temporary data directory.
    Local {
        /// The data directory, deleted on drop.
        data_dir: TempDir,
    },
    /// The S3 + DynamoDB backend, on a bucket and table no other test uses.
    Aws {
        /// The bucket, which is also the table's name.
        bucket: String,
    },
}

/// Whether this run of the suite is on the aws backend.
pub fn aws_requested() -> bool {
    std::env::var(BACKEND_VARIABLE).is_ok_and(|value| value.eq_ignore_ascii_case("aws"))
}

impl TestStorage {
    /// Fresh storage for the backend this run asks for, written into `settings`.
    pub fn fresh(settings: &mut Settings) -> TestStorage {
        if aws_requested() {
            assert!(
                std::env::var("AWS_ENDPOINT_URL").is_ok(),
                "{BACKEND_VARIABLE}=aws needs the moto emulator: run the suite through \
                 scripts/test, or `eval \"$(scripts/moto start)\"` first"
            );
            let name = format!(
                "lightbox-http-{}",
                &uuid::Uuid::now_v7().simple().to_string()[16..]
            );
            settings.backend = BackendKind::Aws;
            settings.s3_bucket.clone_from(&name);
            settings.dynamodb_table.clone_from(&name);
            TestStorage::Aws { bucket: name }
        } else {
            let data_dir = tempfile::tempdir().expect("a temporary data directory");
            settings.backend = BackendKind::Local;
            settings.data_dir = data_dir.path().to_path_buf();
            TestStorage::Local { data_dir }
        }
    }

    /// Creates the bucket and table the (possibly reconfigured) settings name, as an operator
    /// runs `lightbox provision` before the first start.
    pub async fn provision(&self, settings: &Settings) {
        if let TestStorage::Aws { .. } = self {
            lightbox_api::provision::provision(settings)
                .await
                .expect("provisioning the test's bucket and table on moto");
        }
    }

    /// How many objects the blob store holds: files under `<data_dir>/blobs`, or keys in the
    /// bucket. Originals and derived files (thumbnails) count alike.
    pub async fn object_count(&self) -> usize {
        self.object_keys().await.len()
    }

    /// Writes `bytes` at `key` directly into the blob store, behind the app's back: an orphan
    /// when no metadata names the key's image, damage when it replaces a stored original.
    pub async fn write_object(&self, key: &str, bytes: &[u8]) {
        match self {
            TestStorage::Local { data_dir } => {
                let path = data_dir.path().join("blobs").join(key);
                std::fs::create_dir_all(path.parent().expect("a key has a directory"))
                    .expect("creating the object's directory");
                std::fs::write(&path, bytes).expect("writing the object");
            }
            TestStorage::Aws { bucket } => {
                s3_client(bucket)
                    .await
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .body(bytes.to_vec().into())
                    .send()
                    .await
                    .expect("putting the object");
            }
        }
    }

    /// Removes the object at `key` behind the app's back.
    pub async fn remove_object(&self, key: &str) {
        match self {
            TestStorage::Local { data_dir } => {
                std::fs::remove_file(data_dir.path().join("blobs").join(key))
                    .expect("removing the object");
            }
            TestStorage::Aws { bucket } => {
                s3_client(bucket)
                    .await
                    .delete_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .expect("deleting the object");
            }
        }
    }

    /// Whether an object exists at `key`.
    pub async fn has_object(&self, key: &str) -> bool {
        match self {
            TestStorage::Local { data_dir } => data_dir.path().join("blobs").join(key).is_file(),
            TestStorage::Aws { bucket } => s3_client(bucket)
                .await
                .head_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .is_ok(),
        }
    }

    /// Every key in the blob store, sorted: on the filesystem, every file's path under
    /// `<data_dir>/blobs` (staging files included), in the bucket every object's key.
    pub async fn object_keys(&self) -> Vec<String> {
        let mut keys = match self {
            TestStorage::Local { data_dir } => {
                let blobs = data_dir.path().join("blobs");
                files_under(&blobs)
                    .into_iter()
                    .map(|file| {
                        let relative = file.strip_prefix(&blobs).expect("under the blob root");
                        relative
                            .iter()
                            .map(|part| part.to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .collect()
            }
            TestStorage::Aws { bucket } => {
                let s3 = s3_client(bucket).await;
                let mut pages = s3.list_objects_v2().bucket(bucket).into_paginator().send();
                let mut keys = Vec::new();
                while let Some(page) = pages.next().await {
                    let page = page.expect("listing the test bucket");
                    keys.extend(
                        page.contents()
                            .iter()
                            .filter_map(|o| o.key().map(str::to_owned)),
                    );
                }
                keys
            }
        };
        keys.sort();
        keys
    }

    /// The local data directory; `None` on aws.
    pub fn local_data_dir(&self) -> Option<&Path> {
        match self {
            TestStorage::Local { data_dir } => Some(data_dir.path()),
            TestStorage::Aws { .. } => None,
        }
    }

    /// Where the bytes are, for assertion messages.
    pub fn describe(&self) -> String {
        match self {
            TestStorage::Local { data_dir } => format!("{}", data_dir.path().display()),
            TestStorage::Aws { bucket } => format!("s3://{bucket}"),
        }
    }
}

/// An S3 client on the emulator, as the app's.
async fn s3_client(bucket: &str) -> aws_sdk_s3::Client {
    let sdk = load_sdk_config(&AwsSettings {
        bucket: bucket.to_owned(),
        table: bucket.to_owned(),
        endpoint_url: None,
    })
    .await;
    let config = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
