//! The one mapping from use-case and parsing errors to problem responses.
//!
//! Each `From` says, for one error enum, which code every variant is and what the client reads;
//! storage failures keep their cause for the log and tell the client only which backend failed.

use actix_web::http::header::{self, HeaderValue};
use lightbox_domain::ids::InvalidImageId;
use lightbox_domain::listing::{InvalidPageLimit, InvalidSortOrder};
use lightbox_domain::quota::QuotaBreach;
use lightbox_domain::tags::TagError;
use lightbox_domain::text::TextFieldError;
use lightbox_domain::visibility::InvalidVisibility;
use lightbox_ports::Usage;
use lightbox_ports::use_cases::{
    ContentError, DeleteError, ListError, NotReady, ReadError, StorageError, ThumbnailError,
    UpdateError, UploadError,
};

use super::{ApiError, ErrorCode, human_size};

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Full => ApiError::new(
                ErrorCode::InsufficientStorage,
                "the server is out of storage space; nothing was stored",
            )
            .with_cause(error),
            StorageError::Unavailable(ref failure) => ApiError::new(
                ErrorCode::BackendUnavailable,
                format!("the {} is unavailable; try again shortly", failure.backend),
            )
            .with_cause(error),
        }
    }
}

impl From<NotReady> for ApiError {
    fn from(error: NotReady) -> Self {
        ApiError::new(
            ErrorCode::BackendUnavailable,
            format!("the {} does not answer", error.backend()),
        )
        .with_cause(error)
    }
}

impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::EmptyFile => ApiError::new(ErrorCode::EmptyFile, "the file is empty"),
            UploadError::TooLarge { limit } => too_large(limit),
            UploadError::UnsupportedType(_) => {
                ApiError::new(ErrorCode::UnsupportedMediaType, error.to_string())
            }
            UploadError::InvalidImage(inspect) => {
                ApiError::new(ErrorCode::InvalidImage, inspect.to_string())
            }
            UploadError::Undecodable(why) => ApiError::new(
                ErrorCode::InvalidImage,
                format!("the image's pixel data does not decode: {why}"),
            ),
            UploadError::BadBody(message) => ApiError::new(
                ErrorCode::BadRequest,
                format!("the multipart body could not be read: {message}"),
            ),
            UploadError::IdempotencyKeyReused => {
                ApiError::new(ErrorCode::IdempotencyKeyReused, error.to_string())
            }
            UploadError::QuotaExceeded { breach, usage } => quota_exceeded(breach, usage),
            UploadError::Storage(storage) => storage.into(),
        }
    }
}

/// `403 quota_exceeded`, saying which limit and where the caller stands.
pub(crate) fn quota_exceeded(breach: QuotaBreach, usage: Usage) -> ApiError {
    let detail = match breach {
        QuotaBreach::Images { max } => format!(
            "you store {} image{}; the quota is {max}",
            usage.images,
            if usage.images == 1 { "" } else { "s" }
        ),
        QuotaBreach::Bytes { max } => format!(
            "you store {}; this upload would pass the quota of {}",
            human_size(usage.bytes),
            human_size(max)
        ),
    };
    ApiError::new(ErrorCode::QuotaExceeded, detail)
}

/// `413 file_too_large`: the size of the file is not known when the upload stops early, so the
/// detail names the limit.
pub(crate) fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        ErrorCode::FileTooLarge,
        format!("the file is larger than the limit of {}", human_size(limit)),
    )
}

impl From<ListError> for ApiError {
    fn from(error: ListError) -> Self {
        match error {
            ListError::InvalidCursor => ApiError::new(ErrorCode::InvalidCursor, error.to_string()),
            ListError::Storage(storage) => storage.into(),
        }
    }
}

impl From<ReadError> for ApiError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::NotFound => ApiError::not_found(),
            ReadError::RangeNotSatisfiable { size } => {
                let error = ApiError::new(
                    ErrorCode::RangeNotSatisfiable,
                    format!("the range lies outside the image's {size} bytes"),
                );
                match HeaderValue::from_str(&format!("bytes */{size}")) {
                    Ok(value) => error.with_header(header::CONTENT_RANGE, value),
                    Err(_) => error,
                }
            }
            ReadError::Storage(storage) => storage.into(),
        }
    }
}

impl From<UpdateError> for ApiError {
    fn from(error: UpdateError) -> Self {
        match error {
            UpdateError::NotFound => ApiError::not_found(),
            UpdateError::PreconditionFailed => ApiError::new(
                ErrorCode::PreconditionFailed,
                "the image's version does not match If-Match; fetch it again and retry",
            ),
            UpdateError::Storage(storage) => storage.into(),
        }
    }
}

impl From<DeleteError> for ApiError {
    fn from(error: DeleteError) -> Self {
        match error {
            DeleteError::NotFound => ApiError::not_found(),
            DeleteError::Storage(storage) => storage.into(),
        }
    }
}

impl From<ContentError> for ApiError {
    fn from(error: ContentError) -> Self {
        match error {
            ContentError::InvalidSignature => ApiError::new(
                ErrorCode::InvalidSignature,
                "the link's signature is missing or wrong",
            ),
            ContentError::Expired => ApiError::new(
                ErrorCode::UrlExpired,
                "the link has expired; fetch the image again for a fresh one",
            ),
            ContentError::NotFound => ApiError::not_found(),
            ContentError::Storage(storage) => storage.into(),
        }
    }
}

impl From<ThumbnailError> for ApiError {
    fn from(error: ThumbnailError) -> Self {
        match error {
            ThumbnailError::NotFound => ApiError::not_found(),
            ThumbnailError::Undecodable(why) => ApiError::new(
                ErrorCode::InvalidImage,
                format!("the stored image does not decode, so it has no thumbnail: {why}"),
            ),
            ThumbnailError::Storage(storage) => storage.into(),
        }
    }
}

impl From<InvalidImageId> for ApiError {
    fn from(error: InvalidImageId) -> Self {
        ApiError::new(ErrorCode::InvalidId, error.to_string())
    }
}

impl From<TextFieldError> for ApiError {
    fn from(error: TextFieldError) -> Self {
        ApiError::new(ErrorCode::InvalidField, error.to_string())
    }
}

impl From<TagError> for ApiError {
    fn from(error: TagError) -> Self {
        ApiError::new(ErrorCode::InvalidTags, error.to_string())
    }
}

impl From<InvalidVisibility> for ApiError {
    fn from(error: InvalidVisibility) -> Self {
        ApiError::new(ErrorCode::InvalidField, error.to_string())
    }
}

impl From<InvalidSortOrder> for ApiError {
    fn from(error: InvalidSortOrder) -> Self {
        ApiError::new(ErrorCode::InvalidField, error.to_string())
    }
}

impl From<InvalidPageLimit> for ApiError {
    fn from(error: InvalidPageLimit) -> Self {
        ApiError::new(ErrorCode::InvalidLimit, error.to_string())
    }
}
