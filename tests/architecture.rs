//! Architecture invariants that the dependency graph can show, checked with `cargo metadata`:
//! the domain stays pure, the ports stay technology-free, and adapters never lean on each other
//! or on the HTTP layer (see docs/architecture.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// Each workspace crate's normal (non-dev, non-build) dependencies, by package name.
fn dependencies(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let found = packages
        .iter()
        .find(|p| p["name"] == package)
        .unwrap_or_else(|| panic!("{package} is a workspace member"));
    found["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"].is_null())
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_none_of(package: &str, forbidden: &[&str]) {
    let deps = dependencies(package);
    let broken: Vec<&String> = deps
        .iter()
        .filter(|dep| {
            forbidden.iter().any(|f| {
                dep.as_str() == *f || (f.ends_with('*') && dep.starts_with(&f[..f.len() - 1]))
            })
        })
        .collect();
    assert!(broken.is_empty(), "{package} must not depend on {broken:?}");
}

#[test]
fn the_domain_depends_on_no_io_async_http_or_storage_crate() {
    // An allow-list: anything new in the domain is a decision, made here in the open.
    let allowed: BTreeSet<&str> = [
        "base64",
        "chrono",
        // PNG chunk checksums on every upload's bytes: pure arithmetic, no I/O.
        "crc32fast",
        "hex",
        "hmac",
        "sha2",
        "thiserror",
        "uuid",
    ]
    .into();
    let deps = dependencies("lightbox-domain");
    let extra: Vec<&String> = deps
        .iter()
        .filter(|d| !allowed.contains(d.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "lightbox-domain gained dependencies {extra:?}"
    );
}

#[test]
fn the_ports_know_no_http_sql_cloud_sdk_or_image_codec() {
    assert_none_of(
        "lightbox-ports",
        &[
            "actix*",
            "sqlx",
            "object_store",
            "aws-*",
            "reqwest",
            "serde_json",
            "lightbox-adapters-*",
            "lightbox-api",
            "image",
            "fast_image_resize",
            "jpeg-decoder",
            "blurhash",
        ],
    );
}

#[test]
fn adapters_depend_on_the_ports_never_on_each_other_or_on_http() {
    // Every adapter crate belongs in this list.
    let adapters: &[&str] = &[
        "lightbox-adapters-local",
        "lightbox-adapters-aws",
        "lightbox-adapters-imaging",
    ];
    for adapter in adapters.iter().copied() {
        let deps = dependencies(adapter);
        assert!(
            deps.contains("lightbox-ports"),
            "{adapter} implements the ports"
        );
        assert_none_of(
            adapter,
            &["actix*", "lightbox-api", "lightbox-adapters-*", "reqwest"],
        );
    }
}
