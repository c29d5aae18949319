//! HTTP vocabulary the handlers share: the Image resource's JSON, absolute URLs, conditional
//! headers, `Content-Disposition`, responses that stream stored bytes, and the security headers.

pub mod base_url;
pub mod bytes_response;
pub mod conditional;
pub mod content_disposition;
pub mod image_json;
pub mod security_headers;
