//! Upload: every way staging and committing can fail, and what is left behind in each.

use std::sync::{Arc, Mutex};

use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::image::EditableMetadata;
use lightbox_domain::image_format::{ImageFormat, InspectError, UnsupportedFormat};
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::quota::{Quota, QuotaBreach};
use lightbox_domain::visibility::Visibility;
use mockall::predicate::always;
use sha2::{Digest, Sha256};

use super::support::*;
use crate::blob_store::{BlobError, MockBlobStore};
use crate::failure::BackendFailure;
use crate::image_processor::{MockImageProcessor, ProcessError};
use crate::image_repository::{CreateOutcome, MockImageRepository, RepoError};
use crate::use_cases::errors::StorageError;
use crate::use_cases::{ServiceSettings, UploadError, UploadRequest};

/// A blob store that drains what it is given like a real one, records the result, and reads
/// back the last object it stored.
fn recording_store(stored: Arc<Mutex<Vec<Vec<u8>>>>) -> MockBlobStore {
    let mut blobs = MockBlobStore::new();
    let written = stored.clone();
    blobs.expect_put().returning(move |key, stream| {
        assert!(key.as_str().ends_with("/original"));
        match drain(stream) {
            Ok(bytes) => {
                written.lock().unwrap().push(bytes);
                Ok(())
            }
            Err(error) => Err(BlobError::Body(error)),
        }
    });
    blobs.expect_get().returning(move |key, range| {
        assert!(key.as_str().ends_with("/original"));
        assert!(range.is_none(), "the processor reads whole files");
        let last = stored.lock().unwrap().last().cloned();
        last.map(content_of).ok_or(BlobError::NotFound)
    });
    blobs
}

fn request(key: Option<&str>) -> UploadRequest {
    UploadRequest {
        owner: alice(),
        metadata: EditableMetadata {
            visibility: Visibility::Public,
            ..EditableMetadata::default()
        },
        original_filename: None,
        idempotency_key: key.map(|k| IdempotencyKey::parse(k).unwrap()),
    }
}

fn expect_cleanup(blobs: &mut MockBlobStore, times: usize) {
    blobs
        .expect_delete_prefix()
        .times(times)
        .returning(|_| Ok(()));
}

#[tokio::test]
async fn a_valid_upload_is_stored_checked_and_recorded() {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut blobs = recording_store(stored.clone());
    expect_cleanup(&mut blobs, 0);
    let mut repository = MockImageRepository::new();
    repository
        .expect_create()
        .withf(|image, claim, quota| {
            image.version.get() == 1 && claim.is_none() && *quota == Quota::NONE
        })
        .times(1)
        .returning(|_, _, _| Ok(CreateOutcome::Created));
    let service = service(blobs, repository);

    let bytes = gif(30, 20);
    let staged = service.stage_upload(body(bytes.clone(), 7)).await.unwrap();
    assert_eq!(staged.size_bytes(), bytes.len() as u64);
    let outcome = service.commit_upload(staged, request(None)).await.unwrap();

    assert!(!outcome.replayed);
    let image = outcome.image;
    assert_eq!(image.owner, alice());
    assert_eq!(image.content.format, ImageFormat::Gif);
    assert_eq!((image.content.width, image.content.height), (30, 20));
    assert_eq!(image.content.size_bytes, bytes.len() as u64);
    let digest: [u8; 32] = Sha256::digest(&bytes).into();
    assert_eq!(image.content.sha256.as_bytes(), &digest);
    assert_eq!(image.created_at, now());
    assert_eq!(stored.lock().unwrap().as_slice(), &[bytes]);
}

async fn stage_error(bytes: Vec<u8>, settings: Option<ServiceSettings>) -> UploadError {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut blobs = recording_store(stored.clone());
    expect_cleanup(&mut blobs, 0);
    let repository = MockImageRepository::new();
    let service = match settings {
        Some(settings) => service_with(blobs, repository, settings),
        None => service(blobs, repository),
    };
    let error = service.stage_upload(body(bytes, 5)).await.unwrap_err();
    assert!(
        stored.lock().unwrap().is_empty(),
        "a refused upload stored bytes"
    );
    error
}

#[tokio::test]
async fn an_empty_file_is_refused() {
    assert!(matches!(
        stage_error(Vec::new(), None).await,
        UploadError::EmptyFile
    ));
}

#[tokio::test]
async fn an_unsupported_type_is_refused() {
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'></svg>".to_vec();
    assert!(matches!(
        stage_error(svg, None).await,
        UploadError::UnsupportedType(UnsupportedFormat::Svg)
    ));
}

#[tokio::test]
async fn a_truncated_image_is_invalid() {
    let mut bytes = gif(4, 4);
    bytes.truncate(12);
    assert!(matches!(
        stage_error(bytes, None).await,
        UploadError::InvalidImage(_)
    ));
}

#[tokio::test]
async fn dimensions_over_the_limits_are_invalid() {
    let mut settings = ServiceSettings::with_key(key());
    settings.limits = UploadLimits::new(1 << 20, 16, 1000, 10).unwrap();
    let error = stage_error(gif(17, 2), Some(settings)).await;
    assert!(matches!(
        error,
        UploadError::InvalidImage(InspectError::TooLarge { .. })
    ));
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_too_large_and_one_at_it_is_accepted() {
    let bytes = gif(2, 2);
    let exact = bytes.len() as u64;
    let mut settings = ServiceSettings::with_key(key());
    settings.limits = UploadLimits::new(exact - 1, 100, 10_000, 10).unwrap();
    let error = stage_error(bytes.clone(), Some(settings.clone())).await;
    assert!(matches!(error, UploadError::TooLarge { limit } if limit == exact - 1));

    settings.limits = UploadLimits::new(exact, 100, 10_000, 10).unwrap();
    let stored = Arc::new(Mutex::new(Vec::new()));
    let service = service_with(
        recording_store(stored),
        MockImageRepository::new(),
        settings,
    );
    assert!(service.stage_upload(body(bytes, 3)).await.is_ok());
}

#[tokio::test]
async fn a_broken_body_is_a_bad_body() {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let service = service(recording_store(stored.clone()), MockImageRepository::new());
    let error = service
        .stage_upload(broken_body(gif(2, 2)[..10].to_vec()))
        .await
        .unwrap_err();
    assert!(matches!(error, UploadError::BadBody(message) if message.contains("connection")));
    assert!(stored.lock().unwrap().is_empty());
}

#[tokio::test]
async fn blob_store_failures_are_storage_errors() {
    for (failure, full) in [
        (BlobError::InsufficientStorage, true),
        (
            BlobError::unavailable(std::io::Error::other("disk gone")),
            false,
        ),
    ] {
        let mut blobs = MockBlobStore::new();
        let failure = Mutex::new(Some(failure));
        blobs
            .expect_put()
            .returning(move |_, _| Err(failure.lock().unwrap().take().unwrap()));
        let service = service(blobs, MockImageRepository::new());
        let error = service.stage_upload(body(gif(2, 2), 4)).await.unwrap_err();
        match error {
            UploadError::Storage(StorageError::Full) => assert!(full),
            UploadError::Storage(StorageError::Unavailable(BackendFailure { backend, .. })) => {
                assert!(!full);
                assert_eq!(backend, "blob store");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn commit_with(
    outcome: Result<CreateOutcome, RepoError>,
    key: Option<&str>,
    cleanups: usize,
) -> Result<crate::use_cases::UploadOutcome, UploadError> {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut blobs = recording_store(stored);
    expect_cleanup(&mut blobs, cleanups);
    let mut repository = MockImageRepository::new();
    let outcome = Mutex::new(Some(outcome));
    repository
        .expect_create()
        .with(always(), always(), always())
        .times(1)
        .returning(move |_, _, _| outcome.lock().unwrap().take().unwrap());
    let service = service(blobs, repository);
    let staged = service.stage_upload(body(gif(5, 5), 64)).await.unwrap();
    service.commit_upload(staged, request(key)).await
}

#[tokio::test]
async fn an_unavailable_metadata_store_keeps_the_bytes_as_the_record_may_exist() {
    // Zero clean-ups: a create that timed out may still commit, and its record needs the bytes.
    let error = commit_with(
        Err(RepoError::unavailable(std::io::Error::other("timed out"))),
        None,
        0,
    )
    .await
    .unwrap_err();
    assert!(matches!(
        error,
        UploadError::Storage(StorageError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_metadata_refusal_removes_the_stored_bytes() {
    let full = commit_with(Err(RepoError::InsufficientStorage), None, 1)
        .await
        .unwrap_err();
    assert!(matches!(full, UploadError::Storage(StorageError::Full)));
}

#[tokio::test]
async fn a_replay_returns_the_first_image_and_removes_the_duplicate_bytes() {
    let first = record(&alice(), Visibility::Public);
    let outcome = commit_with(Ok(CreateOutcome::Replayed(first.clone())), Some("k-1"), 1)
        .await
        .unwrap();
    assert!(outcome.replayed);
    assert_eq!(outcome.image, first);
}

#[tokio::test]
async fn a_reused_key_is_refused_and_the_bytes_removed() {
    let error = commit_with(Ok(CreateOutcome::KeyReused), Some("k-1"), 1)
        .await
        .unwrap_err();
    assert!(matches!(error, UploadError::IdempotencyKeyReused));
}

#[tokio::test]
async fn the_claim_carries_the_key_the_window_and_a_fingerprint_of_the_request() {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let claims = Arc::new(Mutex::new(Vec::new()));
    let mut repository = MockImageRepository::new();
    let seen = claims.clone();
    repository
        .expect_create()
        .times(2)
        .returning(move |_, claim, _| {
            seen.lock().unwrap().push(claim.unwrap());
            Ok(CreateOutcome::Created)
        });
    let service = service(recording_store(stored), repository);
    for title in ["one", "two"] {
        let staged = service.stage_upload(body(gif(5, 5), 64)).await.unwrap();
        let mut request = request(Some("key"));
        request.metadata.title = lightbox_domain::text::Title::parse(title).unwrap();
        service.commit_upload(staged, request).await.unwrap();
    }
    let claims = claims.lock().unwrap();
    assert_eq!(claims[0].key.as_str(), "key");
    assert_eq!(claims[0].owner, alice());
    assert_eq!(claims[0].not_before, now() - chrono::TimeDelta::hours(24));
    assert_ne!(
        claims[0].fingerprint, claims[1].fingerprint,
        "fields must change the fingerprint"
    );
}

#[tokio::test]
async fn discarding_removes_the_staged_bytes() {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut blobs = recording_store(stored);
    expect_cleanup(&mut blobs, 1);
    let service = service(blobs, MockImageRepository::new());
    let staged = service.stage_upload(body(gif(5, 5), 64)).await.unwrap();
    service.discard_upload(staged).await;
}

/// A GIF whose comment extension carries `secret`, right after the screen descriptor.
fn gif_with_comment(secret: &[u8]) -> Vec<u8> {
    let plain = gif(8, 6);
    let mut bytes = plain[..13].to_vec();
    bytes.extend_from_slice(&[0x21, 0xfe, u8::try_from(secret.len()).unwrap()]);
    bytes.extend_from_slice(secret);
    bytes.push(0);
    bytes.extend_from_slice(&plain[13..]);
    bytes
}

#[tokio::test]
async fn metadata_is_stripped_and_size_and_digest_describe_the_stored_bytes() {
    for strip_metadata in [true, false] {
        let stored = Arc::new(Mutex::new(Vec::new()));
        let blobs = recording_store(stored.clone());
        let recorded = Arc::new(Mutex::new(None));
        let mut repository = MockImageRepository::new();
        let sink = recorded.clone();
        repository.expect_create().returning(move |image, _, _| {
            *sink.lock().unwrap() = Some(image.content.clone());
            Ok(CreateOutcome::Created)
        });
        let service = service_with(
            blobs,
            repository,
            ServiceSettings {
                strip_metadata,
                ..ServiceSettings::with_key(key())
            },
        );
        let sent = gif_with_comment(b"taken at 48.85N 2.35E");

        let staged = service.stage_upload(body(sent.clone(), 5)).await.unwrap();
        service.commit_upload(staged, request(None)).await.unwrap();

        let kept = stored.lock().unwrap().pop().unwrap();
        let expected = if strip_metadata { gif(8, 6) } else { sent };
        assert_eq!(kept, expected, "strip_metadata = {strip_metadata}");
        let content = recorded.lock().unwrap().clone().unwrap();
        assert_eq!(content.size_bytes, kept.len() as u64);
        let digest: [u8; 32] = Sha256::digest(&kept).into();
        assert_eq!(content.sha256.as_bytes(), &digest);
    }
}

#[tokio::test]
async fn the_record_carries_the_blurhash_of_the_decoded_image() {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut repository = MockImageRepository::new();
    repository
        .expect_create()
        .withf(|image, _, _| image.blurhash.as_ref().map(|b| b.as_str()) == Some(BLURHASH))
        .times(1)
        .returning(|_, _, _| Ok(CreateOutcome::Created));
    let service = service(recording_store(stored), repository);

    let staged = service.stage_upload(body(gif(4, 4), 3)).await.unwrap();
    let outcome = service.commit_upload(staged, request(None)).await.unwrap();

    assert_eq!(outcome.image.blurhash.unwrap().as_str(), BLURHASH);
}

#[tokio::test]
async fn an_image_that_does_not_decode_is_refused_and_its_bytes_removed() {
    for (failure, unavailable) in [
        (ProcessError::Undecodable("corrupt IDAT".to_owned()), false),
        (
            ProcessError::internal(std::io::Error::other("worker died")),
            true,
        ),
    ] {
        let stored = Arc::new(Mutex::new(Vec::new()));
        let mut blobs = recording_store(stored);
        expect_cleanup(&mut blobs, 1);
        let mut processor = MockImageProcessor::new();
        let failure = Mutex::new(Some(failure));
        processor
            .expect_analyze()
            .times(1)
            .returning(move |_, _| Err(failure.lock().unwrap().take().unwrap()));
        let service = service_with_processor(
            blobs,
            MockImageRepository::new(),
            processor,
            ServiceSettings::with_key(key()),
        );

        let error = service.stage_upload(body(gif(4, 4), 3)).await.unwrap_err();

        match (error, unavailable) {
            (UploadError::Undecodable(why), false) => assert!(why.contains("IDAT")),
            (UploadError::Storage(StorageError::Unavailable(failure)), true) => {
                assert_eq!(failure.backend, "image processor");
            }
            (other, _) => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_upload_past_the_quota_is_refused_by_the_repository_and_its_bytes_removed() {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut blobs = recording_store(stored);
    expect_cleanup(&mut blobs, 1);
    let quota = Quota::new(Some(3), None).unwrap();
    let mut repository = MockImageRepository::new();
    repository
        .expect_create()
        .withf(move |_, _, asked| *asked == quota)
        .times(1)
        .returning(|_, _, _| {
            Ok(CreateOutcome::QuotaExceeded {
                breach: QuotaBreach::Images { max: 3 },
                usage: crate::image_repository::Usage {
                    images: 3,
                    bytes: 90,
                },
            })
        });
    let service = service_with(
        blobs,
        repository,
        ServiceSettings {
            quota,
            ..ServiceSettings::with_key(key())
        },
    );

    let staged = service.stage_upload(body(gif(4, 4), 3)).await.unwrap();
    let error = service
        .commit_upload(staged, request(None))
        .await
        .unwrap_err();

    assert!(matches!(
        error,
        UploadError::QuotaExceeded {
            breach: QuotaBreach::Images { max: 3 },
            usage: crate::image_repository::Usage { images: 3, .. }
        }
    ));
}
