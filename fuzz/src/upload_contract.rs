//! What the contract lets an upload answer: `201`, or one of these problem codes with its status.
//! `503 backend_unavailable` and `507 insufficient_storage` are in the contract too, but an
//! in-memory backend can be neither, so here they count as failures like any `5xx`; and
//! `429 rate_limited` is left out because the fuzzed apps run without rate limits.

/// The problem codes an upload may answer with, and their statuses.
pub const UPLOAD_PROBLEMS: &[(u16, &str)] = &[
    (400, "bad_request"),
    (400, "missing_file"),
    (400, "empty_file"),
    (400, "invalid_field"),
    (400, "invalid_tags"),
    (401, "unauthenticated"),
    (403, "quota_exceeded"),
    (413, "file_too_large"),
    (415, "unsupported_media_type"),
    (422, "invalid_image"),
    (422, "idempotency_key_reused"),
];

/// Whether `status` with problem `code` is an answer the upload contract allows.
pub fn allowed_problem(status: u16, code: &str) -> bool {
    UPLOAD_PROBLEMS.contains(&(status, code))
}
