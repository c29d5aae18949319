//! HTTP vocabulary the handlers share: the Image resource's JSON, absolute URLs, conditional
//! headers, `Content-Disposition`, responses that stream stored bytes, the security headers, and the
//! answer to a handler that panics.

pub mod base_url;
pub mod bytes_response;
pub mod conditional;
pub mod content_disposition;
pub mod image_json;
pub mod panics;
pub mod security_headers;
