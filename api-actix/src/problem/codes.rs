//! The contract's stable error codes and their HTTP statuses: the one table clients rely on.

use actix_web::http::StatusCode;

/// A machine-readable error code, as sent in the `code` member of every problem response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadRequest,
    MissingFile,
    EmptyFile,
    InvalidField,
    InvalidTags,
    InvalidLimit,
    InvalidCursor,
    InvalidId,
    InvalidBody,
    Unauthenticated,
    InvalidSignature,
    UrlExpired,
    QuotaExceeded,
    NotFound,
    MethodNotAllowed,
    PreconditionFailed,
    FileTooLarge,
    UnsupportedMediaType,
    RangeNotSatisfiable,
    InvalidImage,
    IdempotencyKeyReused,
    RateLimited,
    InternalError,
    BackendUnavailable,
    InsufficientStorage,
}

impl ErrorCode {
    /// Every code, in table order (for tests and the OpenAPI description).
    pub const ALL: [ErrorCode; 25] = [
        Self::BadRequest,
        Self::MissingFile,
        Self::EmptyFile,
        Self::InvalidField,
        Self::InvalidTags,
        Self::InvalidLimit,
        Self::InvalidCursor,
        Self::InvalidId,
        Self::InvalidBody,
        Self::Unauthenticated,
        Self::InvalidSignature,
        Self::UrlExpired,
        Self::QuotaExceeded,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::PreconditionFailed,
        Self::FileTooLarge,
        Self::UnsupportedMediaType,
        Self::RangeNotSatisfiable,
        Self::InvalidImage,
        Self::IdempotencyKeyReused,
        Self::RateLimited,
        Self::InternalError,
        Self::BackendUnavailable,
        Self::InsufficientStorage,
    ];

    /// The table: status and wire spelling of each code. `internal_error` is the one code the
    /// contract does not list; it answers failures no other code describes, and says nothing more.
    const fn spec(self) -> (u16, &'static str) {
        match self {
            Self::BadRequest => (400, "bad_request"),
            Self::MissingFile => (400, "missing_file"),
            Self::EmptyFile => (400, "empty_file"),
            Self::InvalidField => (400, "invalid_field"),
            Self::InvalidTags => (400, "invalid_tags"),
            Self::InvalidLimit => (400, "invalid_limit"),
            Self::InvalidCursor => (400, "invalid_cursor"),
            Self::InvalidId => (400, "invalid_id"),
            Self::InvalidBody => (400, "invalid_body"),
            Self::Unauthenticated => (401, "unauthenticated"),
            Self::InvalidSignature => (403, "invalid_signature"),
            Self::UrlExpired => (403, "url_expired"),
            Self::QuotaExceeded => (403, "quota_exceeded"),
            Self::NotFound => (404, "not_found"),
            Self::MethodNotAllowed => (405, "method_not_allowed"),
            Self::PreconditionFailed => (412, "precondition_failed"),
            Self::FileTooLarge => (413, "file_too_large"),
            Self::UnsupportedMediaType => (415, "unsupported_media_type"),
            Self::RangeNotSatisfiable => (416, "range_not_satisfiable"),
            Self::InvalidImage => (422, "invalid_image"),
            Self::IdempotencyKeyReused => (422, "idempotency_key_reused"),
            Self::RateLimited => (429, "rate_limited"),
            Self::InternalError => (500, "internal_error"),
            Self::BackendUnavailable => (503, "backend_unavailable"),
            Self::InsufficientStorage => (507, "insufficient_storage"),
        }
    }

    /// The wire spelling, e.g. `file_too_large`.
    pub fn as_str(self) -> &'static str {
        self.spec().1
    }

    /// The HTTP status the code is sent with.
    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.spec().0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The code that best describes a bare status produced outside the handlers (by actix or a
    /// library), so that even those responses carry a contract code.
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::Unauthenticated,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            412 => Self::PreconditionFailed,
            413 => Self::FileTooLarge,
            415 => Self::UnsupportedMediaType,
            416 => Self::RangeNotSatisfiable,
            429 => Self::RateLimited,
            503 => Self::BackendUnavailable,
            507 => Self::InsufficientStorage,
            400..=499 => Self::BadRequest,
            _ => Self::InternalError,
        }
    }
}
