//! The requests of each scenario and of the baselines, and what counts as a correct answer.

use std::sync::Mutex;

use anyhow::{Context, Result, ensure};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};

use crate::load::Exchange;
use crate::payloads::{BOUNDARY, Corpus, upload_body};

/// The header-mode caller every request is made as.
pub const USER: &str = "bench-user";

fn request(method: Method, host: &str, path: &str, body: Bytes) -> Result<Request<Full<Bytes>>> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, host)
        .header("x-user-id", USER)
        .body(Full::new(body))
        .with_context(|| format!("building a request for {path}"))
}

/// Spreads request numbers over `len` items in a scattered order, so that consecutive requests
/// do not read neighbouring records (`len` must not be 0).
fn scattered(n: u64, len: usize) -> usize {
    // Multiplying by an odd constant (Knuth's) permutes the numbers modulo 2^64.
    (n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16) as usize % len
}

/// `POST /api/v1/images/upload`: each request a different file; keeps the created ids.
#[derive(Debug)]
pub struct Upload {
    host: String,
    corpus: Corpus,
    created: Mutex<Vec<String>>,
}

impl Upload {
    /// Uploads of `corpus`'s files to `host`.
    pub fn new(host: String, corpus: Corpus) -> Self {
        Self {
            host,
            corpus,
            created: Mutex::new(Vec::new()),
        }
    }

    /// The ids of the images created so far.
    pub fn created(&self) -> Vec<String> {
        self.created
            .lock()
            .map(|ids| ids.clone())
            .unwrap_or_default()
    }
}

impl Exchange for Upload {
    fn request(&self, n: u64) -> Result<Request<Full<Bytes>>> {
        let mut request = request(
            Method::POST,
            &self.host,
            "/api/v1/images/upload",
            upload_body(&self.corpus.file(n), n),
        )?;
        request.headers_mut().insert(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}").parse()?,
        );
        Ok(request)
    }

    fn accept(&self, status: StatusCode, body: &Bytes) -> bool {
        if status != StatusCode::CREATED {
            return false;
        }
        let id = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|image| image["id"].as_str().map(str::to_owned));
        match (id, self.created.lock()) {
            (Some(id), Ok(mut created)) => {
                created.push(id);
                true
            }
            _ => false,
        }
    }
}

/// An `Authorization` header an S3 emulator accepts without checking the signature (moto's
/// default): without one it treats the request as anonymous and refuses it.
const EMULATOR_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=test/20260101/us-east-1/s3/aws4_request, \
    SignedHeaders=host;x-amz-content-sha256, Signature=0";

fn as_s3_client(mut request: Request<Full<Bytes>>) -> Result<Request<Full<Bytes>>> {
    let headers = request.headers_mut();
    headers.insert("authorization", EMULATOR_AUTHORIZATION.parse()?);
    headers.insert("x-amz-content-sha256", "UNSIGNED-PAYLOAD".parse()?);
    Ok(request)
}

/// `GET` of given paths, in scattered order; correct when `200` with a body of at least
/// `min_body` bytes.
#[derive(Debug)]
pub struct Get {
    host: String,
    paths: Vec<String>,
    min_body: usize,
    s3: bool,
}

impl Get {
    /// Gets of `paths` on `host`.
    pub fn new(host: String, paths: Vec<String>, min_body: usize) -> Result<Self> {
        ensure!(!paths.is_empty(), "a GET scenario needs paths");
        Ok(Self {
            host,
            paths,
            min_body,
            s3: false,
        })
    }

    /// The same gets, sent to an S3 emulator as an authenticated client.
    pub fn sent_to_s3(self) -> Self {
        Self { s3: true, ..self }
    }
}

impl Exchange for Get {
    fn request(&self, n: u64) -> Result<Request<Full<Bytes>>> {
        let path = &self.paths[scattered(n, self.paths.len())];
        let request = request(Method::GET, &self.host, path, Bytes::new())?;
        if self.s3 {
            as_s3_client(request)
        } else {
            Ok(request)
        }
    }

    fn accept(&self, status: StatusCode, body: &Bytes) -> bool {
        status == StatusCode::OK && body.len() >= self.min_body
    }
}

/// `PUT` of each upload's file straight to an S3 endpoint (the aws mode's upload baseline).
#[derive(Debug)]
pub struct RawPut {
    host: String,
    prefix: String,
    corpus: Corpus,
}

impl RawPut {
    /// Puts under `prefix` (`/bucket/some/prefix/`) on `host`.
    pub fn new(host: String, prefix: String, corpus: Corpus) -> Self {
        Self {
            host,
            prefix,
            corpus,
        }
    }

    /// The path of the `n`th object.
    pub fn path(prefix: &str, n: u64) -> String {
        format!("{prefix}{n:010}")
    }
}

impl Exchange for RawPut {
    fn request(&self, n: u64) -> Result<Request<Full<Bytes>>> {
        as_s3_client(request(
            Method::PUT,
            &self.host,
            &Self::path(&self.prefix, n),
            self.corpus.file(n),
        )?)
    }

    fn accept(&self, status: StatusCode, _body: &Bytes) -> bool {
        status == StatusCode::OK
    }
}
