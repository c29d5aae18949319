//! The operator's settings: one flat struct holding every setting of the contract's table, with
//! the contract's defaults, loaded from defaults, then an optional TOML file, then `LIGHTBOX_*`
//! environment variables (the environment wins).
//!
//! Field names are the TOML names; the environment names are the same upper-cased behind
//! `LIGHTBOX_`. Loading parses and validates everything, so a server that starts has settings
//! that make sense, and a bad one stops the start with one line naming the setting.

mod load;
mod validate;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::PathBuf;

pub use validate::{BackgroundGc, Validated};

/// Prefix of every environment variable lightbox reads.
pub const ENV_PREFIX: &str = "LIGHTBOX_";

/// Every setting of the contract's operator table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Listen address, `host:port`; port 0 picks a free port.
    pub bind: String,
    /// Which storage backend serves the data.
    pub backend: BackendKind,
    /// Local backend: where blobs and the SQLite file live.
    pub data_dir: PathBuf,
    /// AWS backend: the S3 bucket.
    pub s3_bucket: String,
    /// AWS backend: the DynamoDB table.
    pub dynamodb_table: String,
    /// AWS backend: an endpoint for S3 and DynamoDB that overrides the SDK's `AWS_ENDPOINT_URL`
    /// (an emulator, or a proxy), so a config file can carry it.
    pub aws_endpoint_url: Option<String>,
    /// How callers are identified.
    pub auth: AuthMode,
    /// JWT mode: HS256 secret.
    pub jwt_secret: Option<Secret>,
    /// JWT mode: RS256/ES256 public key (PEM file).
    pub jwt_public_key_file: Option<PathBuf>,
    /// JWT mode: required `iss`, if any.
    pub jwt_issuer: Option<String>,
    /// JWT mode: required `aud`, if any.
    pub jwt_audience: Option<String>,
    /// JWT mode: clock skew allowed on `exp`/`nbf`.
    pub jwt_leeway_seconds: u64,
    /// Largest accepted file, inclusive, in bytes.
    pub max_upload_bytes: u64,
    /// HMAC key for signed content URLs and cursors; random at start when unset.
    pub signing_key: Option<Secret>,
    /// Log filter (tracing-subscriber `EnvFilter` syntax).
    pub log: String,
    /// Log line format.
    pub log_format: LogFormat,
    /// Absolute base of the signed `url`s; from the request's `Host` when unset.
    pub public_url: Option<String>,
    /// Lifetime of every signed `url`.
    pub url_ttl_seconds: u64,
    /// Largest accepted width or height, in pixels.
    pub max_side: u32,
    /// Largest accepted width × height.
    pub max_pixels: u64,
    /// Largest accepted number of animation frames.
    pub max_frames: u32,
    /// Whether uploads are stored without EXIF/XMP/IPTC/comments (orientation and ICC kept).
    pub strip_metadata: bool,
    /// Requests per second per caller (or per client address for requests without one); 0 turns
    /// rate limiting off.
    pub rate_limit_rps: u32,
    /// Requests a caller may make at once before the rate applies; `2 × rps` when unset.
    pub rate_limit_burst: Option<u32>,
    /// Per-user image count quota; none when unset.
    pub quota_max_images: Option<u64>,
    /// Per-user byte quota; none when unset.
    pub quota_max_bytes: Option<u64>,
    /// Longest silence while a request body is read before the request is cut off.
    pub body_idle_timeout_seconds: u64,
    /// Longest time a whole request body may take to arrive.
    pub body_timeout_seconds: u64,
    /// Seconds between two background garbage collections; 0 turns the background task off.
    pub gc_interval_seconds: u64,
    /// Age an object without metadata must reach before garbage collection removes it.
    pub gc_grace_seconds: u64,
    /// Longest time one storage call may take before the request answers 503 (for an upload's
    /// bytes: the longest the store may hold them up, time spent waiting for the client aside).
    pub storage_timeout_seconds: u64,
    /// Local backend: how long a record read by id is kept in memory (docs/architecture.md,
    /// "Record cache"); 0 turns the cache off. The aws backend never caches records.
    pub record_cache_seconds: u64,
    /// Whether Prometheus metrics are served at `/metrics`.
    pub metrics: bool,
    /// Where `/metrics` is served instead of on `bind`, when set: a second listener, so that
    /// metrics can stay on a private address while the API is public.
    pub metrics_bind: Option<String>,
}

impl Default for Settings {
    /// The contract's defaults.
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            backend: BackendKind::Local,
            data_dir: PathBuf::from("./data"),
            s3_bucket: "lightbox-images".to_owned(),
            dynamodb_table: "lightbox-images".to_owned(),
            aws_endpoint_url: None,
            auth: AuthMode::Header,
            jwt_secret: None,
            jwt_public_key_file: None,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_leeway_seconds: 30,
            max_upload_bytes: 10 * 1024 * 1024,
            signing_key: None,
            log: "info".to_owned(),
            log_format: LogFormat::Text,
            public_url: None,
            url_ttl_seconds: 3600,
            max_side: 16_384,
            max_pixels: 50_000_000,
            max_frames: 1_000,
            strip_metadata: true,
            rate_limit_rps: 0,
            rate_limit_burst: None,
            quota_max_images: None,
            quota_max_bytes: None,
            body_idle_timeout_seconds: 30,
            body_timeout_seconds: 600,
            gc_interval_seconds: 3600,
            record_cache_seconds: 2,
            gc_grace_seconds: 3600,
            storage_timeout_seconds: 15,
            metrics: true,
            metrics_bind: None,
        }
    }
}

/// The storage backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// Filesystem blobs and SQLite metadata.
    Local,
    /// S3 blobs and DynamoDB metadata.
    Aws,
}

/// How callers are identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// The `X-User-ID` header, set by a trusted gateway.
    Header,
    /// The `sub` of a bearer JWT, verified with an HS256 secret or an RS256/ES256 public key.
    Jwt,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A secret setting: its `Debug` and `Display` never show the value, so it cannot leak into logs
/// or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A bad setting: which one, and what is wrong with it. Displays as one line,
/// `LIGHTBOX_MAX_UPLOAD_BYTES: invalid digit found in string`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    setting: String,
    message: String,
}

impl ConfigError {
    /// A problem with a setting, named as the operator wrote it.
    pub fn new(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            message: single_line(&message.into()),
        }
    }

    /// The setting, as the operator wrote it (`LIGHTBOX_X`, or `x in FILE`).
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Folds a multi-line message (TOML parse errors have several) into one line, as the contract
/// promises one clear line per bad setting.
fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The environment name of a setting: `max_upload_bytes` → `LIGHTBOX_MAX_UPLOAD_BYTES`.
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}
