//! Builders shared by the use-case tests: a fixed clock, mocks wired into a service, records.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use futures::StreamExt;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::signing::SigningKey;
use lightbox_domain::visibility::Visibility;

use crate::blob_store::{BlobContent, MockBlobStore, UploadStream};
use crate::clock::Clock;
use crate::image_processor::{Analysis, MockImageProcessor};
use crate::image_repository::MockImageRepository;
use crate::use_cases::upload::{UploadBody, UploadBodyError};
use crate::use_cases::{ImageService, ServiceSettings};

pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0).unwrap()
}

pub fn key() -> SigningKey {
    SigningKey::new(&[42; 32]).unwrap()
}

pub fn service(blobs: MockBlobStore, repository: MockImageRepository) -> ImageService {
    service_with(blobs, repository, ServiceSettings::with_key(key()))
}

pub fn service_with(
    blobs: MockBlobStore,
    repository: MockImageRepository,
    settings: ServiceSettings,
) -> ImageService {
    service_with_processor(blobs, repository, decoding_processor(), settings)
}

pub fn service_with_processor(
    blobs: MockBlobStore,
    repository: MockImageRepository,
    processor: MockImageProcessor,
    settings: ServiceSettings,
) -> ImageService {
    ImageService::new(
        Arc::new(blobs),
        Arc::new(repository),
        Arc::new(processor),
        Arc::new(FixedClock(now())),
        settings,
    )
}

/// The blurhash [`decoding_processor`] gives every image.
pub const BLURHASH: &str = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

/// A processor for which every image decodes, with [`BLURHASH`].
pub fn decoding_processor() -> MockImageProcessor {
    let mut processor = MockImageProcessor::new();
    processor.expect_analyze().returning(|_, _| {
        Ok(Analysis {
            blurhash: Blurhash::parse(BLURHASH).unwrap(),
        })
    });
    processor
}

pub fn alice() -> OwnerId {
    OwnerId::parse("alice").unwrap()
}

pub fn bob() -> OwnerId {
    OwnerId::parse("bob").unwrap()
}

/// A record owned by `owner` with the given visibility (and a blurhash, as every upload has).
pub fn record(owner: &OwnerId, visibility: Visibility) -> ImageRecord {
    let mut record = ImageRecord::new(
        ImageId::generate(),
        owner.clone(),
        EditableMetadata {
            visibility,
            ..EditableMetadata::default()
        },
        StoredContent {
            format: ImageFormat::Gif,
            size_bytes: 100,
            width: 3,
            height: 2,
            sha256: Sha256Digest::from_bytes([1; 32]),
        },
        None,
        now(),
    );
    record.blurhash = Some(Blurhash::parse(BLURHASH).unwrap());
    record
}

/// A tiny, structurally valid GIF of `width`×`height` with one frame.
pub fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend_from_slice(&width.to_le_bytes());
    bytes.extend_from_slice(&height.to_le_bytes());
    bytes.extend_from_slice(&[0, 0, 0]); // no global colour table
    bytes.push(0x2c); // image descriptor
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes.extend_from_slice(&width.to_le_bytes());
    bytes.extend_from_slice(&height.to_le_bytes());
    bytes.push(0); // no local colour table
    bytes.push(2); // LZW minimum code size
    bytes.extend_from_slice(&[2, 0x4c, 0x01, 0]); // one data sub-block, then the terminator
    bytes.push(0x3b); // trailer
    bytes
}

/// An upload body yielding `bytes` in chunks of `chunk` bytes.
pub fn body(bytes: Vec<u8>, chunk: usize) -> UploadBody {
    let chunks: Vec<Result<Bytes, UploadBodyError>> = bytes
        .chunks(chunk.max(1))
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks).boxed()
}

/// A body that yields `bytes` then breaks off.
pub fn broken_body(bytes: Vec<u8>) -> UploadBody {
    let items = vec![
        Ok(Bytes::from(bytes)),
        Err(UploadBodyError("the connection was lost".to_owned())),
    ];
    futures::stream::iter(items).boxed()
}

/// Drains an upload stream as a blob store would: `Ok(bytes)` for a whole stream, or the
/// first error.
pub fn drain(stream: UploadStream) -> Result<Vec<u8>, std::io::Error> {
    futures::executor::block_on(async move {
        let mut stream = stream;
        let mut all = Vec::new();
        while let Some(item) = stream.next().await {
            all.extend_from_slice(&item?);
        }
        Ok(all)
    })
}

/// A stored object holding `bytes`, as a blob store's `get` returns it. Reading it yields to the
/// executor once, as real I/O does, so that concurrent callers interleave.
pub fn content_of(bytes: Vec<u8>) -> BlobContent {
    let length = bytes.len() as u64;
    let read = async move {
        tokio::task::yield_now().await;
        Ok(Bytes::from(bytes))
    };
    BlobContent {
        stream: futures::stream::once(read).boxed(),
        length,
    }
}
