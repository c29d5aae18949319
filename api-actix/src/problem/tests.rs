//! The error table and the one mapping: every use-case error variant answers with the contract's
//! status and code, bodies are problem+json, and 5xx bodies never carry their cause.

use std::collections::HashSet;

use actix_web::ResponseError;
use actix_web::body::to_bytes;
use actix_web::http::header;
use lightbox_domain::image_format::{InspectError, UnsupportedFormat};
use lightbox_ports::BackendFailure;
use lightbox_ports::failure::Cause;
use lightbox_ports::use_cases::{
    ContentError, DeleteError, ListError, NotReady, ReadError, StorageError, UpdateError,
    UploadError,
};

use super::*;

fn unavailable() -> StorageError {
    StorageError::Unavailable(BackendFailure::new(
        "metadata database",
        Cause("SELECT * FROM images: database is locked at /var/lib/x.db".to_owned()),
    ))
}

fn status_and_code(error: impl Into<ApiError>) -> (u16, &'static str) {
    let error = error.into();
    (error.status_code().as_u16(), error.code().as_str())
}

#[test]
fn codes_are_unique_and_have_the_contracts_statuses() {
    let names: HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), ErrorCode::ALL.len());
    for (code, status) in [
        ("bad_request", 400),
        ("missing_file", 400),
        ("empty_file", 400),
        ("invalid_field", 400),
        ("invalid_tags", 400),
        ("invalid_limit", 400),
        ("invalid_cursor", 400),
        ("invalid_id", 400),
        ("invalid_body", 400),
        ("unauthenticated", 401),
        ("invalid_signature", 403),
        ("url_expired", 403),
        ("quota_exceeded", 403),
        ("not_found", 404),
        ("method_not_allowed", 405),
        ("precondition_failed", 412),
        ("file_too_large", 413),
        ("unsupported_media_type", 415),
        ("range_not_satisfiable", 416),
        ("invalid_image", 422),
        ("idempotency_key_reused", 422),
        ("rate_limited", 429),
        ("backend_unavailable", 503),
        ("insufficient_storage", 507),
    ] {
        let found = ErrorCode::ALL.iter().find(|c| c.as_str() == code).copied();
        assert_eq!(found.map(|c| c.status().as_u16()), Some(status), "{code}");
    }
}

#[test]
fn every_use_case_error_maps_to_its_status_and_code() {
    let cases: Vec<(ApiError, (u16, &str))> = vec![
        (UploadError::EmptyFile.into(), (400, "empty_file")),
        (
            UploadError::TooLarge { limit: 10 }.into(),
            (413, "file_too_large"),
        ),
        (
            UploadError::UnsupportedType(UnsupportedFormat::Svg).into(),
            (415, "unsupported_media_type"),
        ),
        (
            UploadError::InvalidImage(InspectError::Truncated).into(),
            (422, "invalid_image"),
        ),
        (
            UploadError::BadBody("cut".to_owned()).into(),
            (400, "bad_request"),
        ),
        (
            UploadError::IdempotencyKeyReused.into(),
            (422, "idempotency_key_reused"),
        ),
        (
            UploadError::Storage(StorageError::Full).into(),
            (507, "insufficient_storage"),
        ),
        (
            UploadError::Storage(unavailable()).into(),
            (503, "backend_unavailable"),
        ),
        (ListError::InvalidCursor.into(), (400, "invalid_cursor")),
        (
            ListError::Storage(unavailable()).into(),
            (503, "backend_unavailable"),
        ),
        (ReadError::NotFound.into(), (404, "not_found")),
        (
            ReadError::RangeNotSatisfiable { size: 5 }.into(),
            (416, "range_not_satisfiable"),
        ),
        (
            ReadError::Storage(StorageError::Full).into(),
            (507, "insufficient_storage"),
        ),
        (UpdateError::NotFound.into(), (404, "not_found")),
        (
            UpdateError::PreconditionFailed.into(),
            (412, "precondition_failed"),
        ),
        (
            UpdateError::Storage(unavailable()).into(),
            (503, "backend_unavailable"),
        ),
        (DeleteError::NotFound.into(), (404, "not_found")),
        (
            DeleteError::Storage(unavailable()).into(),
            (503, "backend_unavailable"),
        ),
        (
            ContentError::InvalidSignature.into(),
            (403, "invalid_signature"),
        ),
        (ContentError::Expired.into(), (403, "url_expired")),
        (ContentError::NotFound.into(), (404, "not_found")),
        (
            ContentError::Storage(unavailable()).into(),
            (503, "backend_unavailable"),
        ),
        (
            NotReady(BackendFailure::new("blob store", Cause("disk".to_owned()))).into(),
            (503, "backend_unavailable"),
        ),
    ];
    for (error, expected) in cases {
        assert_eq!(status_and_code(error), expected);
    }
}

#[actix_web::test]
async fn bodies_are_problem_json_and_never_carry_a_5xx_cause() {
    let error = ApiError::from(unavailable());
    let response = error.error_response();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        PROBLEM_JSON
    );
    assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "5");
    let body = to_bytes(response.into_body()).await.unwrap();
    let problem: Problem = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem.problem_type, "about:blank");
    assert_eq!(problem.title, "Service Unavailable");
    assert_eq!(problem.status, 503);
    assert_eq!(problem.code, "backend_unavailable");
    assert_eq!(
        problem.detail,
        "the metadata database is unavailable; try again shortly"
    );
    assert!(!String::from_utf8_lossy(&body).contains("SELECT"));
    // The cause is kept for the log.
    assert!(error_chain(&error).contains("database is locked"));
}

#[test]
fn range_and_method_errors_carry_their_headers() {
    let range = ApiError::from(ReadError::RangeNotSatisfiable { size: 354 }).error_response();
    assert_eq!(
        range.headers().get(header::CONTENT_RANGE).unwrap(),
        "bytes */354"
    );
    let method = ApiError::method_not_allowed(&["GET", "HEAD"]).error_response();
    assert_eq!(method.status().as_u16(), 405);
    assert_eq!(method.headers().get(header::ALLOW).unwrap(), "GET, HEAD");
}

#[test]
fn too_large_names_the_limit_in_mib() {
    assert_eq!(
        ApiError::from(UploadError::TooLarge {
            limit: 10 * 1024 * 1024
        })
        .detail(),
        "the file is larger than the limit of 10 MiB"
    );
}

#[test]
fn sizes_read_naturally() {
    assert_eq!(human_size(0), "0 bytes");
    assert_eq!(human_size(1), "1 byte");
    assert_eq!(human_size(1023), "1023 bytes");
    assert_eq!(human_size(1024), "1 KiB");
    assert_eq!(human_size(10 * 1024 * 1024), "10 MiB");
    assert_eq!(human_size(12_897_484), "12.3 MiB");
    assert_eq!(human_size(3 << 30), "3 GiB");
}

#[test]
fn bare_statuses_get_a_code() {
    use actix_web::http::StatusCode;
    assert_eq!(
        ErrorCode::for_status(StatusCode::NOT_FOUND),
        ErrorCode::NotFound
    );
    assert_eq!(
        ErrorCode::for_status(StatusCode::PAYLOAD_TOO_LARGE),
        ErrorCode::FileTooLarge
    );
    assert_eq!(
        ErrorCode::for_status(StatusCode::REQUEST_TIMEOUT),
        ErrorCode::BadRequest
    );
    assert_eq!(
        ErrorCode::for_status(StatusCode::BAD_GATEWAY),
        ErrorCode::InternalError
    );
}

#[test]
fn rate_limited_says_when_to_retry_in_whole_seconds() {
    use std::time::Duration;
    for (wait, expected) in [
        (Duration::ZERO, "1"),
        (Duration::from_millis(1), "1"),
        (Duration::from_secs(1), "1"),
        (Duration::from_millis(1001), "2"),
        (Duration::from_secs(30), "30"),
    ] {
        let response = ApiError::rate_limited(wait).error_response();
        assert_eq!(response.status().as_u16(), 429);
        let headers = response.headers();
        assert_eq!(headers.get_all(header::RETRY_AFTER).count(), 1, "{wait:?}");
        assert_eq!(
            headers.get(header::RETRY_AFTER).unwrap(),
            expected,
            "{wait:?}"
        );
    }
}
