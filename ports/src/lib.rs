//! The ports of lightbox: what the core needs from storage and from pixel work, and the use
//! cases written against it.
//!
//! Architecture invariant: this crate knows the domain, the two storage traits and the image
//! processor trait, and nothing of HTTP, SQL, S3, DynamoDB or image codecs. Adapters implement
//! [`BlobStore`], [`ImageRepository`] and [`ImageProcessor`]; the API calls [`ImageService`].

pub mod blob_store;
pub mod clock;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod deadline;
pub mod failure;
pub mod image_census;
pub mod image_processor;
pub mod image_repository;
pub mod maintenance;
pub mod migration;
pub mod record_cache;
pub mod stored_image;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod use_cases;

pub use blob_store::{
    BlobContent, BlobError, BlobKey, BlobStore, ByteStream, ListedObject, ObjectListing,
    UploadStream,
};
pub use clock::{Clock, SystemClock};
pub use deadline::{DeadlineBlobStore, DeadlineImageRepository};
pub use failure::{BLOB_STORE, BackendFailure, BoxError, METADATA_DATABASE};
pub use image_census::ImageCensus;
pub use image_processor::{Analysis, ImageProcessor, ProcessError, Thumbnail};
pub use image_repository::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};
pub use record_cache::{CacheReads, RecordCache};
pub use use_cases::{ImageService, ServiceSettings};
