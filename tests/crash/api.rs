//! The part of the HTTP contract the crash test uses: routes, the caller header, the Image JSON
//! fields it reads, and one request-response exchange read to its end.

use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::Deserialize;

/// Header auth mode: the caller is this header's value.
pub const USER_HEADER: &str = "X-User-ID";
/// Longer than any answer should take on a loaded machine; a hung request is a finding.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The fields of the Image resource that the checks compare.
#[derive(Debug, Clone, Deserialize)]
pub struct ImageJson {
    pub id: String,
    pub sha256: String,
    pub title: Option<String>,
}

/// One page of `GET /api/v1/images`.
#[derive(Debug, Deserialize)]
pub struct ImagePage {
    pub items: Vec<ImageJson>,
    pub next_cursor: Option<String>,
}

/// A client for one server process: its connections die with it.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("an HTTP client")
}

pub fn upload_url(base: &str) -> String {
    format!("{base}/api/v1/images/upload")
}

pub fn list_url(base: &str) -> String {
    format!("{base}/api/v1/images")
}

/// The bytes (GET), the update (PUT) and the delete (DELETE) of an image.
pub fn image_url(base: &str, id: &str) -> String {
    format!("{base}/api/v1/images/{id}")
}

pub fn metadata_url(base: &str, id: &str) -> String {
    format!("{base}/api/v1/images/{id}/metadata")
}

/// Sends the request and reads the whole answer: only a completely received answer counts as
/// an acknowledgement.
pub async fn exchange(
    request: reqwest::RequestBuilder,
) -> Result<(StatusCode, Bytes), reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    Ok((status, body))
}

/// A body for a message: problem+json bodies are short text; anything else is cut.
pub fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]);
    text.into_owned()
}
