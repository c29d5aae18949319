//! Loading and validating settings: defaults, the TOML file, the environment winning, and one
//! line naming the setting for every bad value. The environment is passed explicitly, so these
//! tests never race on the process's variables.

use std::io::Write;
use std::path::PathBuf;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn toml(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn error(file: Option<&std::path::Path>, pairs: &[(&str, &str)]) -> String {
    Settings::from_sources(file, env(pairs))
        .unwrap_err()
        .to_string()
}

#[test]
fn defaults_are_the_contracts() {
    let settings = Settings::from_sources(None, env(&[])).unwrap();
    assert_eq!(settings, Settings::default());
    assert_eq!(settings.bind, "127.0.0.1:8080");
    assert_eq!(settings.backend, BackendKind::Local);
    assert_eq!(settings.data_dir, PathBuf::from("./data"));
    assert_eq!(settings.s3_bucket, "lightbox-images");
    assert_eq!(settings.dynamodb_table, "lightbox-images");
    assert_eq!(settings.auth, AuthMode::Header);
    assert_eq!(settings.max_upload_bytes, 10_485_760);
    assert_eq!(settings.signing_key, None);
    assert_eq!(settings.log, "info");
    assert_eq!(settings.log_format, LogFormat::Text);
    assert_eq!(settings.url_ttl_seconds, 3600);
    assert!(settings.strip_metadata, "metadata is stripped by default");
    assert_eq!(
        (settings.max_side, settings.max_pixels, settings.max_frames),
        (16_384, 50_000_000, 1_000)
    );
    assert_eq!(
        (settings.rate_limit_rps, settings.rate_limit_burst),
        (0, None)
    );
    assert_eq!(
        (settings.quota_max_images, settings.quota_max_bytes),
        (None, None)
    );
    assert_eq!(settings.jwt_leeway_seconds, 30);
    assert_eq!(
        (
            settings.body_idle_timeout_seconds,
            settings.body_timeout_seconds
        ),
        (30, 600)
    );
    assert_eq!(
        (settings.gc_interval_seconds, settings.gc_grace_seconds),
        (3600, 3600)
    );
    assert_eq!(settings.storage_timeout_seconds, 15);
    assert_eq!(settings.record_cache_seconds, 2);
    assert!(settings.metrics, "metrics are on by default");
    assert_eq!(
        settings.metrics_bind, None,
        "and served on the API's listener"
    );
}

#[test]
fn background_gc_runs_hourly_unless_turned_off() {
    let validated = Settings::default().validate().unwrap();
    assert_eq!(
        validated.background_gc,
        Some(BackgroundGc {
            interval: std::time::Duration::from_secs(3600),
            grace: std::time::Duration::from_secs(3600),
        })
    );
    let off = Settings::from_sources(None, env(&[("LIGHTBOX_GC_INTERVAL_SECONDS", "0")]))
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(off.background_gc, None);
    // Off, the grace binds nothing at start (the gc command warns about a short one).
    let off_short = Settings::from_sources(
        None,
        env(&[
            ("LIGHTBOX_GC_INTERVAL_SECONDS", "0"),
            ("LIGHTBOX_GC_GRACE_SECONDS", "60"),
        ]),
    )
    .unwrap()
    .validate()
    .unwrap();
    assert_eq!(off_short.background_gc, None);
}

#[test]
fn the_file_overrides_defaults_and_the_environment_overrides_the_file() {
    let file = toml(
        "bind = \"0.0.0.0:9000\"\nmax_upload_bytes = 2048\nmax_side = \"100\"\nlog_format = \"json\"\n\
         public_url = \"https://img.example.com/\"\nquota_max_images = 5\n\
         aws_endpoint_url = \"http://127.0.0.1:4566\"\nstrip_metadata = false\n\
         storage_timeout_seconds = 40\n",
    );
    let settings = Settings::from_sources(
        Some(file.path()),
        env(&[
            ("LIGHTBOX_MAX_UPLOAD_BYTES", "4096"),
            ("OTHER_VAR", "x"),
            ("LIGHTBOX_UNKNOWN", "y"),
            ("LIGHTBOX_STORAGE_TIMEOUT_SECONDS", "7"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.bind, "0.0.0.0:9000");
    assert_eq!(settings.max_upload_bytes, 4096);
    assert_eq!(settings.max_side, 100);
    assert_eq!(settings.log_format, LogFormat::Json);
    assert_eq!(
        settings.public_url.as_deref(),
        Some("https://img.example.com/")
    );
    assert_eq!(settings.quota_max_images, Some(5));
    assert!(!settings.strip_metadata);
    assert_eq!(
        settings.aws_endpoint_url.as_deref(),
        Some("http://127.0.0.1:4566")
    );
    let validated = settings.validate().unwrap();
    assert_eq!(
        validated.public_url.as_deref(),
        Some("https://img.example.com")
    );
    assert_eq!(validated.limits.max_upload_bytes(), 4096);
    assert_eq!(settings.storage_timeout_seconds, 7);
    assert_eq!(validated.storage_timeout, std::time::Duration::from_secs(7));
}

#[test]
fn environment_values_are_taken_verbatim() {
    // figment would read these as a number and a list; a key must stay exactly as written.
    let key = "0123456789012345678901234567890123";
    let settings = Settings::from_sources(
        None,
        env(&[
            ("LIGHTBOX_SIGNING_KEY", key),
            ("LIGHTBOX_DATA_DIR", "[data]"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.signing_key.as_ref().map(Secret::expose), Some(key));
    assert_eq!(settings.data_dir, PathBuf::from("[data]"));
}

#[test]
fn an_empty_optional_value_means_unset() {
    let settings = Settings::from_sources(
        None,
        env(&[
            ("LIGHTBOX_PUBLIC_URL", ""),
            ("LIGHTBOX_QUOTA_MAX_BYTES", " "),
        ]),
    )
    .unwrap();
    assert_eq!(settings.public_url, None);
    assert_eq!(settings.quota_max_bytes, None);
}

#[test]
fn a_bad_value_is_one_line_naming_the_setting_where_it_was_written() {
    assert_eq!(
        error(None, &[("LIGHTBOX_MAX_UPLOAD_BYTES", "ten")]),
        "LIGHTBOX_MAX_UPLOAD_BYTES: invalid digit found in string"
    );
    assert_eq!(
        error(None, &[("LIGHTBOX_MAX_UPLOAD_BYTES", "0")]),
        "LIGHTBOX_MAX_UPLOAD_BYTES: must be greater than zero"
    );
    let file = toml("max_frames = -3\n");
    let message = error(Some(file.path()), &[]);
    assert!(message.starts_with("max_frames (in "), "{message}");
    assert!(
        message.ends_with("): invalid digit found in string"),
        "{message}"
    );
    let broken = toml("max_side = \n[x\n");
    let message = error(Some(broken.path()), &[]);
    assert!(message.starts_with("--config "), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn every_kind_of_bad_setting_is_refused() {
    for (pairs, expected) in [
        (vec![("LIGHTBOX_BIND", "localhost")], "LIGHTBOX_BIND: "),
        (
            vec![("LIGHTBOX_BIND", "127.0.0.1:99999")],
            "LIGHTBOX_BIND: ",
        ),
        (
            vec![("LIGHTBOX_BACKEND", "s3")],
            "LIGHTBOX_BACKEND: 's3' is not a backend",
        ),
        (
            vec![
                ("LIGHTBOX_BACKEND", "aws"),
                ("LIGHTBOX_S3_BUCKET", "Not_A_Bucket"),
            ],
            "LIGHTBOX_S3_BUCKET: 'Not_A_Bucket' is not an S3 bucket name",
        ),
        (
            vec![
                ("LIGHTBOX_BACKEND", "aws"),
                ("LIGHTBOX_DYNAMODB_TABLE", "t"),
            ],
            "LIGHTBOX_DYNAMODB_TABLE: 't' is not a DynamoDB table name",
        ),
        (
            vec![("LIGHTBOX_GC_GRACE_SECONDS", "600")],
            "LIGHTBOX_GC_GRACE_SECONDS: must be longer than the body deadline (600 s)",
        ),
        (
            vec![
                ("LIGHTBOX_BODY_TIMEOUT_SECONDS", "60"),
                ("LIGHTBOX_GC_GRACE_SECONDS", "30"),
            ],
            "LIGHTBOX_GC_GRACE_SECONDS: must be longer than the body deadline (60 s)",
        ),
        (
            vec![("LIGHTBOX_STRIP_METADATA", "maybe")],
            "LIGHTBOX_STRIP_METADATA: 'maybe' is not a boolean",
        ),
        (
            vec![("LIGHTBOX_AWS_ENDPOINT_URL", "127.0.0.1:5599")],
            "LIGHTBOX_AWS_ENDPOINT_URL: ",
        ),
        (
            vec![("LIGHTBOX_AUTH", "jwt")],
            "LIGHTBOX_AUTH: jwt mode needs LIGHTBOX_JWT_SECRET or LIGHTBOX_JWT_PUBLIC_KEY_FILE",
        ),
        (
            vec![("LIGHTBOX_AUTH", "sso")],
            "LIGHTBOX_AUTH: 'sso' is not an auth mode",
        ),
        (
            vec![("LIGHTBOX_JWT_LEEWAY_SECONDS", "3600")],
            "LIGHTBOX_JWT_LEEWAY_SECONDS: must be at most 300",
        ),
        (
            vec![("LIGHTBOX_SIGNING_KEY", "short")],
            "LIGHTBOX_SIGNING_KEY: the signing key must be at least 32 bytes",
        ),
        (
            vec![("LIGHTBOX_PUBLIC_URL", "example.com")],
            "LIGHTBOX_PUBLIC_URL: ",
        ),
        (
            vec![("LIGHTBOX_PUBLIC_URL", "ftp://example.com")],
            "LIGHTBOX_PUBLIC_URL: ",
        ),
        (vec![("LIGHTBOX_LOG", "a=b=c")], "LIGHTBOX_LOG: "),
        (
            vec![("LIGHTBOX_LOG_FORMAT", "xml")],
            "LIGHTBOX_LOG_FORMAT: ",
        ),
        (
            vec![("LIGHTBOX_URL_TTL_SECONDS", "0")],
            "LIGHTBOX_URL_TTL_SECONDS: ",
        ),
        (
            vec![("LIGHTBOX_MAX_SIDE", "0")],
            "LIGHTBOX_MAX_SIDE: must be greater than zero",
        ),
        (
            vec![("LIGHTBOX_RATE_LIMIT_BURST", "0")],
            "LIGHTBOX_RATE_LIMIT_BURST: ",
        ),
        (
            vec![("LIGHTBOX_BODY_IDLE_TIMEOUT_SECONDS", "0")],
            "LIGHTBOX_BODY_IDLE_TIMEOUT_SECONDS: must be from 1",
        ),
        (
            vec![("LIGHTBOX_BODY_TIMEOUT_SECONDS", "86401")],
            "LIGHTBOX_BODY_TIMEOUT_SECONDS: must be from 1",
        ),
        (
            vec![("LIGHTBOX_STORAGE_TIMEOUT_SECONDS", "0")],
            "LIGHTBOX_STORAGE_TIMEOUT_SECONDS: must be from 1 to 3600",
        ),
        (
            vec![("LIGHTBOX_STORAGE_TIMEOUT_SECONDS", "3601")],
            "LIGHTBOX_STORAGE_TIMEOUT_SECONDS: must be from 1 to 3600",
        ),
        (
            vec![("LIGHTBOX_QUOTA_MAX_BYTES", "0")],
            "LIGHTBOX_QUOTA_MAX_BYTES: ",
        ),
        (
            vec![("LIGHTBOX_JWT_SECRET", "short")],
            "LIGHTBOX_JWT_SECRET: ",
        ),
        (
            vec![("LIGHTBOX_DATA_DIR", "")],
            "LIGHTBOX_DATA_DIR: must not be empty",
        ),
        (
            vec![("LIGHTBOX_METRICS", "sometimes")],
            "LIGHTBOX_METRICS: 'sometimes' is not a boolean",
        ),
        (
            vec![("LIGHTBOX_METRICS_BIND", "9090")],
            "LIGHTBOX_METRICS_BIND: '9090' is not host:port",
        ),
        (
            vec![("LIGHTBOX_METRICS_BIND", "0.0.0.0:70000")],
            "LIGHTBOX_METRICS_BIND: '70000' is not a port number",
        ),
        (
            vec![
                ("LIGHTBOX_BIND", "0.0.0.0:8080"),
                ("LIGHTBOX_METRICS_BIND", "0.0.0.0:8080"),
            ],
            "LIGHTBOX_METRICS_BIND: must differ from LIGHTBOX_BIND",
        ),
        (
            vec![
                ("LIGHTBOX_METRICS", "false"),
                ("LIGHTBOX_METRICS_BIND", "127.0.0.1:9090"),
            ],
            "LIGHTBOX_METRICS_BIND: is set, but metrics are off",
        ),
    ] {
        let message = error(None, &pairs);
        assert!(message.starts_with(expected), "{pairs:?}: {message}");
    }
}

/// The fixed test keys of the HTTP suite (made once with openssl).
fn jwt_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/jwt")
        .join(name)
}

#[test]
fn jwt_mode_starts_with_one_usable_key() {
    let secret = "a jwt secret of thirty-two bytes or more";
    for (pairs, algorithm) in [
        (vec![("LIGHTBOX_JWT_SECRET", secret)], "HS256"),
        (
            vec![(
                "LIGHTBOX_JWT_PUBLIC_KEY_FILE",
                jwt_fixture("rsa_public.pem").to_str().unwrap(),
            )],
            "RS256",
        ),
        (
            vec![(
                "LIGHTBOX_JWT_PUBLIC_KEY_FILE",
                jwt_fixture("ec_public.pem").to_str().unwrap(),
            )],
            "ES256",
        ),
    ] {
        let mut pairs = pairs;
        pairs.push(("LIGHTBOX_AUTH", "jwt"));
        let settings = Settings::from_sources(None, env(&pairs)).unwrap();
        assert_eq!(settings.auth, AuthMode::Jwt);
        let validated = settings.validate().unwrap();
        let crate::auth::Authentication::Jwt(verifier) = validated.authentication else {
            panic!("{pairs:?}: jwt mode builds a verifier");
        };
        assert_eq!(
            format!("{:?}", verifier.algorithm()),
            algorithm,
            "{pairs:?}"
        );
    }
}

#[test]
fn jwt_mode_refuses_a_missing_doubled_short_or_unusable_key() {
    let key_file = jwt_fixture("ec_public.pem");
    let key_file = key_file.to_str().unwrap();
    let secret = "a jwt secret of thirty-two bytes or more";
    let private = jwt_fixture("rsa_private.pem");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![],
            "LIGHTBOX_AUTH: jwt mode needs LIGHTBOX_JWT_SECRET or LIGHTBOX_JWT_PUBLIC_KEY_FILE",
        ),
        (
            vec![
                ("LIGHTBOX_JWT_SECRET", secret),
                ("LIGHTBOX_JWT_PUBLIC_KEY_FILE", key_file),
            ],
            "LIGHTBOX_JWT_PUBLIC_KEY_FILE: set either LIGHTBOX_JWT_SECRET or LIGHTBOX_JWT_PUBLIC_KEY_FILE, not both",
        ),
        (
            vec![("LIGHTBOX_JWT_SECRET", "only 31 bytes, one too few....")],
            "LIGHTBOX_JWT_SECRET: must be at least 32 bytes long",
        ),
        (
            vec![("LIGHTBOX_JWT_PUBLIC_KEY_FILE", "/nonexistent/jwt.pem")],
            "LIGHTBOX_JWT_PUBLIC_KEY_FILE: cannot read /nonexistent/jwt.pem: ",
        ),
        (
            vec![("LIGHTBOX_JWT_PUBLIC_KEY_FILE", env!("CARGO_MANIFEST_DIR"))],
            "LIGHTBOX_JWT_PUBLIC_KEY_FILE: cannot read ",
        ),
        (
            vec![("LIGHTBOX_JWT_PUBLIC_KEY_FILE", private.to_str().unwrap())],
            "LIGHTBOX_JWT_PUBLIC_KEY_FILE: holds a private key",
        ),
    ];
    for (pairs, expected) in cases {
        let mut pairs = pairs;
        pairs.push(("LIGHTBOX_AUTH", "jwt"));
        let message = error(None, &pairs);
        assert!(message.starts_with(expected), "{pairs:?}: {message}");
        assert!(!message.contains('\n'), "one line: {message}");
    }
    // Named where it was written, like every other setting.
    let file = toml("auth = \"jwt\"\njwt_public_key_file = \"/nonexistent/jwt.pem\"\n");
    let message = error(Some(file.path()), &[]);
    assert!(message.starts_with("jwt_public_key_file (in "), "{message}");
}

#[test]
fn metrics_can_be_turned_off_or_moved_to_their_own_address() {
    let off = Settings::from_sources(None, env(&[("LIGHTBOX_METRICS", "off")])).unwrap();
    assert!(!off.metrics);
    let moved =
        Settings::from_sources(None, env(&[("LIGHTBOX_METRICS_BIND", "10.0.0.5:9090")])).unwrap();
    assert_eq!(moved.metrics_bind.as_deref(), Some("10.0.0.5:9090"));
    let file = toml("metrics = true\nmetrics_bind = \"127.0.0.1:9100\"\n");
    let from_file = Settings::from_sources(Some(file.path()), env(&[])).unwrap();
    assert_eq!(from_file.metrics_bind.as_deref(), Some("127.0.0.1:9100"));
    let unset =
        Settings::from_sources(Some(file.path()), env(&[("LIGHTBOX_METRICS_BIND", "")])).unwrap();
    assert_eq!(unset.metrics_bind, None, "an empty value unsets the file's");
    let named_in_file = toml("metrics_bind = \"nowhere\"\n");
    let message = error(Some(named_in_file.path()), &[]);
    assert!(message.starts_with("metrics_bind (in "), "{message}");
}

#[test]
fn unknown_keys_in_the_file_are_refused() {
    let file = toml("max_uplod_bytes = 5\n");
    let message = error(Some(file.path()), &[]);
    assert!(message.starts_with("max_uplod_bytes (in "), "{message}");
    assert!(message.contains("unknown setting"), "{message}");
}

#[test]
fn a_missing_config_file_is_an_error() {
    let message = error(
        Some(std::path::Path::new("/nonexistent/lightbox.toml")),
        &[],
    );
    assert!(
        message.starts_with("--config /nonexistent/lightbox.toml: "),
        "{message}"
    );
}

#[test]
fn secrets_never_print() {
    let secret = Secret::new("hunter2hunter2hunter2hunter2hunter2".to_owned());
    assert_eq!(format!("{secret:?}"), "<redacted>");
    assert_eq!(format!("{secret}"), "<redacted>");
    let settings = Settings {
        signing_key: Some(secret.clone()),
        jwt_secret: Some(secret),
        ..Settings::default()
    };
    assert!(!format!("{settings:?}").contains("hunter2"));
}

#[test]
fn the_record_cache_age_is_read_from_the_environment_and_zero_turns_it_off() {
    let settings =
        Settings::from_sources(None, env(&[("LIGHTBOX_RECORD_CACHE_SECONDS", "0")])).unwrap();
    assert_eq!(settings.record_cache_seconds, 0);
    let error = Settings::from_sources(None, env(&[("LIGHTBOX_RECORD_CACHE_SECONDS", "soon")]))
        .unwrap_err()
        .to_string();
    assert!(error.contains("LIGHTBOX_RECORD_CACHE_SECONDS"), "{error}");
}
