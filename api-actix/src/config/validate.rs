//! Validating settings and deriving the typed values the server runs with (limits, signing key,
//! public base URL, authentication with its parsed key), so that everything a setting can get
//! wrong is found before the start.

use std::sync::Arc;
use std::time::Duration;

use lightbox_domain::limits::{UploadLimits, UploadLimitsError};
use lightbox_domain::quota::{Quota, QuotaError};
use lightbox_domain::signing::SigningKey;
use tracing_subscriber::EnvFilter;

use super::{AuthMode, BackendKind, ConfigError, Settings, env_name};
use crate::auth::{Authentication, JwtOptions, JwtVerifier, VerificationKey};

/// The longest signed-URL lifetime: S3 presigned URLs cannot live longer than 7 days, and one
/// lifetime setting covers both kinds of URL.
const MAX_URL_TTL_SECONDS: u64 = 7 * 24 * 3600;

/// The longest request-body deadline: a day is already far beyond any upload's needs.
const MAX_BODY_TIMEOUT_SECONDS: u64 = 24 * 3600;

/// The longest storage-call deadline: an hour. A backend silent for longer is down, and a request
/// held that long has been given up by every client and proxy anyway.
const MAX_STORAGE_TIMEOUT_SECONDS: u64 = 3600;

/// The shortest HS256 secret accepted: shorter ones can be brute-forced offline from one token.
const MIN_JWT_SECRET_BYTES: usize = 32;

/// The most clock skew allowed on `exp`/`nbf` (5 minutes, Kerberos's default): more would keep
/// expired tokens alive for long, and is a clock to fix rather than a setting to raise.
const MAX_JWT_LEEWAY_SECONDS: u64 = 300;

/// What the settings mean once checked.
#[derive(Debug, Clone)]
pub struct Validated {
    /// Upload size, dimension and frame limits.
    pub limits: UploadLimits,
    /// The configured signing key; `None` means "make a random one at start".
    pub signing_key: Option<SigningKey>,
    /// The public base URL without a trailing `/`, when configured.
    pub public_url: Option<String>,
    /// Lifetime of signed URLs.
    pub url_ttl: Duration,
    /// Per-user quota.
    pub quota: Quota,
    /// How callers are identified, a jwt mode's decoding key included.
    pub authentication: Authentication,
    /// The background garbage collection, unless turned off.
    pub background_gc: Option<BackgroundGc>,
    /// The deadline of each storage call.
    pub storage_timeout: Duration,
}

/// When the server collects garbage by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackgroundGc {
    /// Time between two runs.
    pub interval: Duration,
    /// Age an object without metadata must reach to be removed.
    pub grace: Duration,
}

impl Settings {
    /// Checks every setting, naming bad ones by their environment names.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad setting.
    pub fn validate(&self) -> Result<Validated, ConfigError> {
        self.validate_with(&env_name)
    }

    /// Checks every setting; `name` says how to name a setting in an error.
    pub(super) fn validate_with(
        &self,
        name: &dyn Fn(&str) -> String,
    ) -> Result<Validated, ConfigError> {
        let bad = |key: &str, message: String| ConfigError::new(name(key), message);
        if self.backend == BackendKind::Aws {
            check_bucket(&self.s3_bucket).map_err(|m| bad("s3_bucket", m))?;
            check_table(&self.dynamodb_table).map_err(|m| bad("dynamodb_table", m))?;
        }
        if let Some(endpoint) = &self.aws_endpoint_url {
            check_endpoint(endpoint).map_err(|m| bad("aws_endpoint_url", m))?;
        }
        check_bind(&self.bind).map_err(|m| bad("bind", m))?;
        self.check_metrics_bind(&bad)?;
        EnvFilter::try_new(&self.log).map_err(|e| bad("log", e.to_string()))?;
        let limits = UploadLimits::new(
            self.max_upload_bytes,
            self.max_side,
            self.max_pixels,
            self.max_frames,
        )
        .map_err(|UploadLimitsError::Zero(key)| bad(key, "must be greater than zero".to_owned()))?;
        let signing_key = match &self.signing_key {
            Some(secret) => Some(
                SigningKey::new(secret.expose().as_bytes())
                    .map_err(|e| bad("signing_key", e.to_string()))?,
            ),
            None => None,
        };
        let public_url = match &self.public_url {
            Some(text) => Some(check_public_url(text).map_err(|m| bad("public_url", m))?),
            None => None,
        };
        if !(1..=MAX_URL_TTL_SECONDS).contains(&self.url_ttl_seconds) {
            return Err(bad(
                "url_ttl_seconds",
                format!("must be from 1 to {MAX_URL_TTL_SECONDS} (7 days)"),
            ));
        }
        if self.rate_limit_burst == Some(0) {
            return Err(bad(
                "rate_limit_burst",
                "must be at least 1; leave it unset for 2 × rps".to_owned(),
            ));
        }
        for (key, seconds) in [
            ("body_idle_timeout_seconds", self.body_idle_timeout_seconds),
            ("body_timeout_seconds", self.body_timeout_seconds),
        ] {
            if !(1..=MAX_BODY_TIMEOUT_SECONDS).contains(&seconds) {
                return Err(bad(
                    key,
                    format!("must be from 1 to {MAX_BODY_TIMEOUT_SECONDS} (a day)"),
                ));
            }
        }
        if !(1..=MAX_STORAGE_TIMEOUT_SECONDS).contains(&self.storage_timeout_seconds) {
            return Err(bad(
                "storage_timeout_seconds",
                format!("must be from 1 to {MAX_STORAGE_TIMEOUT_SECONDS} (an hour)"),
            ));
        }
        let quota = Quota::new(self.quota_max_images, self.quota_max_bytes).map_err(
            |error @ QuotaError::Zero(limit)| bad(&format!("quota_{limit}"), error.to_string()),
        )?;
        let authentication = self.authentication(&bad)?;
        let background_gc = self.background_gc(&bad)?;
        Ok(Validated {
            limits,
            signing_key,
            public_url,
            url_ttl: Duration::from_secs(self.url_ttl_seconds),
            quota,
            authentication,
            background_gc,
            storage_timeout: Duration::from_secs(self.storage_timeout_seconds),
        })
    }

    /// The background gc, when on. Its grace must outlast the body deadline: an upload stores
    /// its bytes before the rest of its body (fields after the file) has arrived, and only then
    /// its metadata, so a shorter grace could take an upload in progress for an orphan.
    fn background_gc(
        &self,
        bad: &dyn Fn(&str, String) -> ConfigError,
    ) -> Result<Option<BackgroundGc>, ConfigError> {
        // Off, it binds nothing: `lightbox gc` warns about a short grace itself.
        if self.gc_interval_seconds == 0 {
            return Ok(None);
        }
        if self.gc_grace_seconds <= self.body_timeout_seconds {
            return Err(bad(
                "gc_grace_seconds",
                format!(
                    "must be longer than the body deadline ({} s): younger objects may belong \
                     to uploads still in progress",
                    self.body_timeout_seconds
                ),
            ));
        }
        Ok(Some(BackgroundGc {
            interval: Duration::from_secs(self.gc_interval_seconds),
            grace: Duration::from_secs(self.gc_grace_seconds),
        }))
    }

    /// The auth mode with what it needs; in jwt mode the key file is read and parsed here, so
    /// that a bad one stops the start naming `LIGHTBOX_JWT_PUBLIC_KEY_FILE`.
    fn authentication(
        &self,
        bad: &dyn Fn(&str, String) -> ConfigError,
    ) -> Result<Authentication, ConfigError> {
        self.check_jwt(bad)?;
        if self.auth == AuthMode::Header {
            return Ok(Authentication::Header);
        }
        let key = match (&self.jwt_secret, &self.jwt_public_key_file) {
            (Some(secret), None) => VerificationKey::hs256(secret.expose().as_bytes()),
            (None, Some(path)) => VerificationKey::from_pem_file(path)
                .map_err(|error| bad("jwt_public_key_file", error.to_string()))?,
            // check_jwt refused both and neither.
            _ => return Err(bad("auth", "jwt mode needs exactly one key".to_owned())),
        };
        let options = JwtOptions {
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            leeway_seconds: self.jwt_leeway_seconds,
        };
        Ok(Authentication::Jwt(Arc::new(JwtVerifier::new(
            key, &options,
        ))))
    }

    /// A separate metrics address is a valid `host:port`, other than the API's, and only set
    /// when metrics are on: a set address with metrics off is a contradiction worth stopping for.
    fn check_metrics_bind(
        &self,
        bad: &dyn Fn(&str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let Some(address) = &self.metrics_bind else {
            return Ok(());
        };
        if !self.metrics {
            return Err(bad(
                "metrics_bind",
                "is set, but metrics are off (LIGHTBOX_METRICS=false)".to_owned(),
            ));
        }
        check_bind(address).map_err(|m| bad("metrics_bind", m))?;
        if address.trim() == self.bind.trim() && !address.trim().ends_with(":0") {
            return Err(bad(
                "metrics_bind",
                format!("must differ from LIGHTBOX_BIND ({})", self.bind),
            ));
        }
        Ok(())
    }

    fn check_jwt(&self, bad: &dyn Fn(&str, String) -> ConfigError) -> Result<(), ConfigError> {
        if self.jwt_leeway_seconds > MAX_JWT_LEEWAY_SECONDS {
            return Err(bad(
                "jwt_leeway_seconds",
                format!("must be at most {MAX_JWT_LEEWAY_SECONDS} (5 minutes)"),
            ));
        }
        if let Some(secret) = &self.jwt_secret
            && secret.expose().len() < MIN_JWT_SECRET_BYTES
        {
            return Err(bad(
                "jwt_secret",
                format!("must be at least {MIN_JWT_SECRET_BYTES} bytes long"),
            ));
        }
        if self.auth == AuthMode::Jwt {
            match (&self.jwt_secret, &self.jwt_public_key_file) {
                (None, None) => {
                    return Err(bad(
                        "auth",
                        "jwt mode needs LIGHTBOX_JWT_SECRET or LIGHTBOX_JWT_PUBLIC_KEY_FILE"
                            .to_owned(),
                    ));
                }
                (Some(_), Some(_)) => {
                    return Err(bad(
                        "jwt_public_key_file",
                        "set either LIGHTBOX_JWT_SECRET or LIGHTBOX_JWT_PUBLIC_KEY_FILE, not both"
                            .to_owned(),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// `host:port` with a numeric port; the host is resolved when the listener binds.
fn check_bind(bind: &str) -> Result<(), String> {
    let (host, port) = bind
        .rsplit_once(':')
        .ok_or_else(|| format!("'{bind}' is not host:port"))?;
    if host.is_empty() {
        return Err(format!("'{bind}' has no host; use e.g. 127.0.0.1:{port}"));
    }
    port.parse::<u16>()
        .map_err(|_| format!("'{port}' is not a port number (0-65535)"))?;
    Ok(())
}

/// An absolute `http(s)` URL without credentials, query or fragment, returned without its
/// trailing `/` so that paths can be appended to it.
fn check_public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text.trim())
        .map_err(|e| format!("'{text}' is not an absolute URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("'{text}' must be an http or https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{text}' has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("'{text}' must not have a query or a fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// An absolute `http(s)` URL: the SDK would otherwise fail on the first call, not at the start.
fn check_endpoint(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text.trim())
        .map_err(|e| format!("'{text}' is not an absolute URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{text}' must be an http or https URL with a host"));
    }
    Ok(())
}

/// S3's bucket naming rules, in short: 3-63 characters of lower-case letters, digits, `.` and
/// `-`, starting and ending with a letter or digit.
fn check_bucket(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if (3..=63).contains(&name.len())
        && name.chars().all(allowed)
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
    {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not an S3 bucket name (3-63 characters of a-z, 0-9, '.' and '-')"
        ))
    }
}

/// DynamoDB's table naming rules: 3-255 characters of letters, digits, `_`, `-` and `.`.
fn check_table(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if (3..=255).contains(&name.len()) && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a DynamoDB table name (3-255 characters of A-Z, a-z, 0-9, '_', '-' and '.')"
        ))
    }
}
