//! Loading settings: defaults, then the TOML file, then `LIGHTBOX_*` variables, layered with
//! figment, every value parsed here so that a bad one is reported naming where it came from.
//!
//! Environment values are taken as raw strings rather than through figment's value guessing,
//! which would turn a signing key such as `0123…` into the number `123…` or `[a]` into a list.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::Value;

use super::{
    AuthMode, BackendKind, ConfigError, ENV_PREFIX, LogFormat, Secret, Settings, env_name,
};

/// Every setting's TOML name; the environment names derive from them.
pub(super) const KEYS: [&str; 34] = [
    "bind",
    "backend",
    "data_dir",
    "s3_bucket",
    "dynamodb_table",
    "aws_endpoint_url",
    "auth",
    "jwt_secret",
    "jwt_public_key_file",
    "jwt_issuer",
    "jwt_audience",
    "jwt_leeway_seconds",
    "max_upload_bytes",
    "signing_key",
    "log",
    "log_format",
    "public_url",
    "url_ttl_seconds",
    "max_side",
    "max_pixels",
    "max_frames",
    "strip_metadata",
    "rate_limit_rps",
    "rate_limit_burst",
    "quota_max_images",
    "quota_max_bytes",
    "body_idle_timeout_seconds",
    "body_timeout_seconds",
    "gc_interval_seconds",
    "gc_grace_seconds",
    "storage_timeout_seconds",
    "record_cache_seconds",
    "metrics",
    "metrics_bind",
];

impl Settings {
    /// Loads the settings: the contract's defaults, then `config_file` (TOML, names without
    /// `LIGHTBOX_`, lower-cased), then the `LIGHTBOX_*` environment variables, which win.
    /// Everything is validated.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad setting (or the unreadable file).
    pub fn load(config_file: Option<&Path>) -> Result<Settings, ConfigError> {
        let variables = Env::prefixed(ENV_PREFIX);
        let env = variables
            .iter()
            .map(|(key, value)| (env_name(key.as_str()), value));
        Self::from_sources(config_file, env)
    }

    /// Like [`Settings::load`], with the environment given as `(NAME, value)` pairs instead of
    /// read from the process, so that tests need not touch the shared environment. Names
    /// without the `LIGHTBOX_` prefix, and unknown `LIGHTBOX_*` names, are ignored.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad setting (or the unreadable file).
    pub fn from_sources(
        config_file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let env: BTreeMap<String, String> = env
            .into_iter()
            .filter_map(|(name, value)| {
                let key = strip_prefix_ignoring_case(&name, ENV_PREFIX)?.to_ascii_lowercase();
                KEYS.contains(&key.as_str()).then_some((key, value))
            })
            .collect();
        let sources = Sources {
            env_keys: env.keys().cloned().collect(),
            file: config_file.map(Path::to_path_buf),
        };
        let mut figment = Figment::new();
        if let Some(path) = config_file {
            figment = figment.merge(Toml::file_exact(path));
        }
        let merged: BTreeMap<String, Value> = figment
            .merge(Serialized::defaults(&env))
            .extract()
            .map_err(|error| sources.file_error(&error))?;
        if let Some(unknown) = merged.keys().find(|key| !KEYS.contains(&key.as_str())) {
            return Err(ConfigError::new(
                sources.name(unknown),
                "unknown setting (see the settings table in docs)",
            ));
        }
        let values = Values { merged, sources };
        let settings = values.settings()?;
        settings.validate_with(&|key| values.sources.name(key))?;
        Ok(settings)
    }
}

/// Where each value came from, so that an error can name the setting as the operator wrote it.
struct Sources {
    env_keys: BTreeSet<String>,
    file: Option<PathBuf>,
}

impl Sources {
    fn name(&self, key: &str) -> String {
        match &self.file {
            Some(file) if !self.env_keys.contains(key) => {
                format!("{key} (in {})", file.display())
            }
            _ => env_name(key),
        }
    }

    fn file_error(&self, error: &figment::Error) -> ConfigError {
        let file = self
            .file
            .as_ref()
            .map_or_else(|| "configuration".to_owned(), |f| f.display().to_string());
        ConfigError::new(format!("--config {file}"), error.kind.to_string())
    }
}

/// The merged values, parsed one setting at a time onto the defaults.
struct Values {
    merged: BTreeMap<String, Value>,
    sources: Sources,
}

impl Values {
    fn settings(&self) -> Result<Settings, ConfigError> {
        let mut s = Settings::default();
        self.set("bind", &mut s.bind, parse_text)?;
        self.set("backend", &mut s.backend, parse_backend)?;
        self.set("data_dir", &mut s.data_dir, |t| {
            parse_text(t).map(PathBuf::from)
        })?;
        self.set("s3_bucket", &mut s.s3_bucket, parse_text)?;
        self.set("dynamodb_table", &mut s.dynamodb_table, parse_text)?;
        self.set_optional("aws_endpoint_url", &mut s.aws_endpoint_url, parse_text)?;
        self.set("auth", &mut s.auth, parse_auth)?;
        self.set_optional("jwt_secret", &mut s.jwt_secret, |t| {
            Ok(Secret::new(t.to_owned()))
        })?;
        self.set_optional("jwt_public_key_file", &mut s.jwt_public_key_file, |t| {
            Ok(PathBuf::from(t))
        })?;
        self.set_optional("jwt_issuer", &mut s.jwt_issuer, parse_text)?;
        self.set_optional("jwt_audience", &mut s.jwt_audience, parse_text)?;
        self.set(
            "jwt_leeway_seconds",
            &mut s.jwt_leeway_seconds,
            parse_number,
        )?;
        self.set("max_upload_bytes", &mut s.max_upload_bytes, parse_number)?;
        self.set_optional("signing_key", &mut s.signing_key, |t| {
            Ok(Secret::new(t.to_owned()))
        })?;
        self.set("log", &mut s.log, parse_text)?;
        self.set("log_format", &mut s.log_format, parse_log_format)?;
        self.set_optional("public_url", &mut s.public_url, parse_text)?;
        self.set("url_ttl_seconds", &mut s.url_ttl_seconds, parse_number)?;
        self.set("max_side", &mut s.max_side, parse_number)?;
        self.set("max_pixels", &mut s.max_pixels, parse_number)?;
        self.set("max_frames", &mut s.max_frames, parse_number)?;
        self.set("strip_metadata", &mut s.strip_metadata, parse_bool)?;
        self.set("rate_limit_rps", &mut s.rate_limit_rps, parse_number)?;
        self.set_optional("rate_limit_burst", &mut s.rate_limit_burst, parse_number)?;
        self.set_optional("quota_max_images", &mut s.quota_max_images, parse_number)?;
        self.set_optional("quota_max_bytes", &mut s.quota_max_bytes, parse_number)?;
        self.set(
            "body_idle_timeout_seconds",
            &mut s.body_idle_timeout_seconds,
            parse_number,
        )?;
        self.set(
            "body_timeout_seconds",
            &mut s.body_timeout_seconds,
            parse_number,
        )?;
        self.set(
            "gc_interval_seconds",
            &mut s.gc_interval_seconds,
            parse_number,
        )?;
        self.set("gc_grace_seconds", &mut s.gc_grace_seconds, parse_number)?;
        self.set(
            "record_cache_seconds",
            &mut s.record_cache_seconds,
            parse_number,
        )?;
        self.set(
            "storage_timeout_seconds",
            &mut s.storage_timeout_seconds,
            parse_number,
        )?;
        self.set("metrics", &mut s.metrics, parse_bool)?;
        self.set_optional("metrics_bind", &mut s.metrics_bind, parse_text)?;
        Ok(s)
    }

    /// Overrides a setting when it was given.
    fn set<T>(
        &self,
        key: &str,
        target: &mut T,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<(), ConfigError> {
        if let Some(text) = self.text(key)? {
            *target = parse(&text)
                .map_err(|message| ConfigError::new(self.sources.name(key), message))?;
        }
        Ok(())
    }

    /// Overrides an optional setting when it was given; an empty value means "unset", as with
    /// `LIGHTBOX_PUBLIC_URL=` in a compose file.
    fn set_optional<T>(
        &self,
        key: &str,
        target: &mut Option<T>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<(), ConfigError> {
        if let Some(text) = self.text(key)? {
            *target = if text.trim().is_empty() {
                None
            } else {
                Some(
                    parse(&text)
                        .map_err(|message| ConfigError::new(self.sources.name(key), message))?,
                )
            };
        }
        Ok(())
    }

    /// The value as text, whatever TOML type it was written as (`max_side = 100` and
    /// `max_side = "100"` mean the same).
    fn text(&self, key: &str) -> Result<Option<String>, ConfigError> {
        let Some(value) = self.merged.get(key) else {
            return Ok(None);
        };
        let text = match value {
            Value::String(_, text) => text.clone(),
            Value::Char(_, c) => c.to_string(),
            Value::Bool(_, b) => b.to_string(),
            Value::Num(..) => match (value.to_u128(), value.to_i128(), value.to_f64()) {
                (Some(n), _, _) => n.to_string(),
                (None, Some(n), _) => n.to_string(),
                (None, None, Some(n)) => n.to_string(),
                (None, None, None) => String::new(),
            },
            Value::Empty(..) => String::new(),
            Value::Dict(..) | Value::Array(..) => {
                return Err(ConfigError::new(
                    self.sources.name(key),
                    "expected a single value, not a table or a list",
                ));
            }
        };
        Ok(Some(text))
    }
}

fn strip_prefix_ignoring_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &name[prefix.len()..])
}

fn parse_text(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(text.to_owned())
}

fn parse_number<T>(text: &str) -> Result<T, String>
where
    T: FromStr,
    T::Err: Display,
{
    text.trim()
        .parse()
        .map_err(|error: T::Err| error.to_string())
}

fn parse_backend(text: &str) -> Result<BackendKind, String> {
    match text.trim() {
        "local" => Ok(BackendKind::Local),
        "aws" => Ok(BackendKind::Aws),
        other => Err(format!("'{other}' is not a backend; use 'local' or 'aws'")),
    }
}

fn parse_auth(text: &str) -> Result<AuthMode, String> {
    match text.trim() {
        "header" => Ok(AuthMode::Header),
        "jwt" => Ok(AuthMode::Jwt),
        other => Err(format!(
            "'{other}' is not an auth mode; use 'header' or 'jwt'"
        )),
    }
}

fn parse_log_format(text: &str) -> Result<LogFormat, String> {
    match text.trim() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(format!(
            "'{other}' is not a log format; use 'text' or 'json'"
        )),
    }
}

/// `true`/`false` as TOML writes them; `1`/`0`, `yes`/`no` and `on`/`off` as operators often
/// write them in environment files.
fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(format!("'{other}' is not a boolean; use 'true' or 'false'")),
    }
}
