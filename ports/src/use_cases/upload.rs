//! Upload: stream the bytes into the blob store while checking them, then record the metadata.
//!
//! Two phases, because a multipart body may carry the file before or after its fields:
//! [`ImageService::stage_upload`] stores and checks the bytes as they arrive (and then decodes
//! the stored file once, proving it is an image and computing its blurhash), then
//! [`ImageService::commit_upload`] writes the metadata (or [`ImageService::discard_upload`]
//! removes the bytes when the request turns out bad). Blob first, metadata second: a crash in
//! between leaves an orphan object for garbage collection, never metadata without bytes.

use bytes::Bytes;
use futures::stream::BoxStream;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::filename::OriginalFilename;
use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::{ImageInfo, InspectError, UnsupportedFormat};
use lightbox_domain::quota::QuotaBreach;
use sha2::{Digest, Sha256};

use crate::blob_store::{BlobError, BlobKey};
use crate::image_repository::{CreateOutcome, IdempotencyClaim, RepoError, Usage};
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;
use crate::use_cases::inspecting_stream::{self, Inspection, Rejection};
use crate::use_cases::pixels::processor_failure;

/// The bytes of the uploaded file as the HTTP layer reads them. An `Err` item means the client's
/// body broke off or was malformed.
pub type UploadBody = BoxStream<'static, Result<Bytes, UploadBodyError>>;

/// The client's body could not be read (truncated, malformed multipart, connection lost).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UploadBodyError(pub String);

/// Bytes that are stored and checked but not yet recorded. Hand it to `commit_upload` or
/// `discard_upload`; dropping it leaves an orphan object for garbage collection.
#[derive(Debug)]
#[must_use = "a staged upload must be committed or discarded"]
pub struct StagedUpload {
    id: ImageId,
    info: ImageInfo,
    size_bytes: u64,
    sha256: [u8; 32],
    blurhash: Blurhash,
}

impl StagedUpload {
    /// How many bytes were stored.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }
}

/// Everything about an upload besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    /// The caller, who becomes the owner.
    pub owner: OwnerId,
    /// Title, description, tags, visibility.
    pub metadata: EditableMetadata,
    /// The client's file name, sanitized.
    pub original_filename: Option<OriginalFilename>,
    /// The client's idempotency key, if any.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// The stored image, and whether it was stored by an earlier request with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOutcome {
    /// The image as created.
    pub image: ImageRecord,
    /// True when an earlier request with the same idempotency key created it.
    pub replayed: bool,
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file has no bytes.
    #[error("the file is empty")]
    EmptyFile,
    /// The file is larger than the limit.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The bytes are not an accepted image type.
    #[error("{} is not an accepted image type; send JPEG, PNG, GIF or WebP", .0.describe())]
    UnsupportedType(UnsupportedFormat),
    /// The bytes claim an accepted type but are broken or beyond the dimension limits.
    #[error("{0}")]
    InvalidImage(InspectError),
    /// The structure is sound but the pixel data does not decode.
    #[error("the image does not decode: {0}")]
    Undecodable(String),
    /// The client's body could not be read.
    #[error("{0}")]
    BadBody(String),
    /// The idempotency key was used before with another request.
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    /// The upload would take its owner past the quota.
    #[error("the upload would pass the owner's quota")]
    QuotaExceeded {
        /// Which limit.
        breach: QuotaBreach,
        /// What the owner stored when it was refused.
        usage: Usage,
    },
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl UploadError {
    fn from_rejection(rejection: Rejection, limit: u64) -> Self {
        match rejection {
            Rejection::TooLarge => Self::TooLarge { limit },
            Rejection::Image(InspectError::Empty) => Self::EmptyFile,
            Rejection::Image(InspectError::Unsupported(kind)) => Self::UnsupportedType(kind),
            Rejection::Image(other) => Self::InvalidImage(other),
            Rejection::Body(message) => Self::BadBody(message),
        }
    }
}

impl ImageService {
    /// Streams the file into the blob store under a fresh id, checking size, type and header
    /// and stripping metadata on the way. On any error nothing stays stored.
    ///
    /// # Errors
    /// Every [`UploadError`] but `IdempotencyKeyReused` and `QuotaExceeded`.
    pub async fn stage_upload(&self, body: UploadBody) -> Result<StagedUpload, UploadError> {
        let limits = self.settings.limits;
        let (stream, verdict) =
            inspecting_stream::inspect(body, limits, self.settings.strip_metadata);
        let id = ImageId::generate();
        let key = BlobKey::original(&id);
        let stored = self.blobs.put(&key, stream).await;
        // The stream's own verdict explains a failed put better than the store's error does.
        if let Some(rejection) = verdict.rejection() {
            if stored.is_ok() {
                // A store that kept an object despite the error item breaks its contract;
                // removing it here keeps the promise that a refused upload stores nothing.
                self.remove_quietly(&id).await;
            }
            return Err(UploadError::from_rejection(
                rejection,
                limits.max_upload_bytes(),
            ));
        }
        match stored {
            Ok(()) => {}
            Err(BlobError::Body(cause)) => return Err(UploadError::BadBody(cause.to_string())),
            Err(other) => return Err(StorageError::from(other).into()),
        }
        let Some(inspection) = verdict.inspection() else {
            self.remove_quietly(&id).await;
            return Err(StorageError::unexpected(
                "blob store",
                "the store reported success before reading the whole upload",
            )
            .into());
        };
        let blurhash = match self.analyze_staged(&key, &inspection).await {
            Ok(blurhash) => blurhash,
            Err(error) => {
                self.remove_quietly(&id).await;
                return Err(error);
            }
        };
        Ok(StagedUpload {
            id,
            info: inspection.info,
            size_bytes: inspection.size_bytes,
            sha256: inspection.sha256,
            blurhash,
        })
    }

    /// Decodes the stored file once: an image whose pixel data is broken is refused here, and
    /// one that decodes gets its blurhash.
    async fn analyze_staged(
        &self,
        key: &BlobKey,
        inspection: &Inspection,
    ) -> Result<Blurhash, UploadError> {
        let _permit = self.pixel_permit().await?;
        let bytes = self
            .read_whole(key, inspection.size_bytes)
            .await
            .map_err(StorageError::from)?;
        match self.processor.analyze(bytes, inspection.info.clone()).await {
            Ok(analysis) => Ok(analysis.blurhash),
            Err(error) => Err(match processor_failure(error) {
                Ok(why) => UploadError::Undecodable(why),
                Err(storage) => UploadError::Storage(storage),
            }),
        }
    }

    /// Records the metadata of staged bytes, within the owner's quota. With an idempotency key,
    /// a repeat of an earlier request returns that request's image (even at the quota) and the
    /// staged bytes are removed.
    ///
    /// # Errors
    /// [`UploadError::IdempotencyKeyReused`], [`UploadError::QuotaExceeded`] or
    /// [`UploadError::Storage`]; the staged bytes are removed in each case but an unavailable
    /// repository, where the record may have been written after all (see below).
    pub async fn commit_upload(
        &self,
        staged: StagedUpload,
        request: UploadRequest,
    ) -> Result<UploadOutcome, UploadError> {
        let now = self.clock.now();
        let content = StoredContent {
            format: staged.info.format,
            size_bytes: staged.size_bytes,
            width: staged.info.display_width(),
            height: staged.info.display_height(),
            sha256: Sha256Digest::from_bytes(staged.sha256),
        };
        let claim = request
            .idempotency_key
            .as_ref()
            .map(|key| IdempotencyClaim {
                owner: request.owner.clone(),
                key: key.clone(),
                fingerprint: fingerprint(&request, &staged.sha256),
                not_before: now - self.settings.idempotency_window,
            });
        let mut image = ImageRecord::new(
            staged.id,
            request.owner,
            request.metadata,
            content,
            request.original_filename,
            now,
        );
        image.blurhash = Some(staged.blurhash);
        let created = self
            .repository
            .create(&image, claim, self.settings.quota)
            .await;
        match created {
            Ok(CreateOutcome::Created) => Ok(UploadOutcome {
                image,
                replayed: false,
            }),
            Ok(CreateOutcome::Replayed(first)) => {
                self.remove_quietly(&staged.id).await;
                Ok(UploadOutcome {
                    image: first,
                    replayed: true,
                })
            }
            Ok(CreateOutcome::KeyReused) => {
                self.remove_quietly(&staged.id).await;
                Err(UploadError::IdempotencyKeyReused)
            }
            Ok(CreateOutcome::QuotaExceeded { breach, usage }) => {
                self.remove_quietly(&staged.id).await;
                Err(UploadError::QuotaExceeded { breach, usage })
            }
            // An unavailable repository cannot say whether the record was written: a create that
            // ran out of time (the deadline decorator, or the SDK's own timeout) or lost its
            // connection after sending may still commit. Removing the bytes then could leave a
            // record without bytes, the one state that must never exist; keeping them leaves at
            // worst an orphan, which garbage collection removes because no record names it. A
            // client retry with the same Idempotency-Key is answered from the record if it was
            // written.
            Err(RepoError::Unavailable(failure)) => {
                tracing::warn!(
                    id = %staged.id,
                    error = %failure,
                    "recording an upload failed; its bytes stay until garbage collection"
                );
                Err(StorageError::Unavailable(failure).into())
            }
            // Every other error is a refusal: nothing was written.
            Err(error) => {
                self.remove_quietly(&staged.id).await;
                Err(StorageError::from(error).into())
            }
        }
    }

    /// Removes staged bytes whose request was refused after staging.
    pub async fn discard_upload(&self, staged: StagedUpload) {
        self.remove_quietly(&staged.id).await;
    }
}

/// A digest of everything an upload request carried, so a retry can be told from a new request.
fn fingerprint(request: &UploadRequest, file_sha256: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    field(file_sha256);
    let metadata = &request.metadata;
    field(
        metadata
            .title
            .as_ref()
            .map_or(b"\0" as &[u8], |t| t.as_str().as_bytes()),
    );
    field(
        metadata
            .description
            .as_ref()
            .map_or(b"\0" as &[u8], |d| d.as_str().as_bytes()),
    );
    let tags: Vec<&str> = metadata.tags.iter().map(|tag| tag.as_str()).collect();
    field(tags.join(",").as_bytes());
    field(metadata.visibility.as_str().as_bytes());
    field(
        request
            .original_filename
            .as_ref()
            .map_or(b"\0" as &[u8], |f| f.as_str().as_bytes()),
    );
    hasher.finalize().into()
}
