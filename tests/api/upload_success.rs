//! `POST /api/v1/images/upload` (and its alias) on good input: 201, `Location`, every Image field.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::fixtures::{gif_animated, jpeg, png, png_seeded, sha256_hex, webp_lossless};
use crate::helpers::{ALICE, Form, assert_image_shape, parse_timestamp, spawn_app, upload_image};

#[tokio::test]
async fn upload_answers_201_with_location_and_every_image_field() {
    let app = spawn_app().await;
    let bytes = png_seeded(48, 32, 1);
    let form = Form::new()
        .file_as(bytes.clone(), "photo.gif", "image/jpeg")
        .text("title", "  Sunset  ")
        .text("description", "  A day at the beach  ")
        .text("tags", " Sunset , beach,SUNSET")
        .text("tags", "zeta");

    let before = Utc::now();
    let resp = app.upload(&form).await;
    let after = Utc::now();

    assert_eq!(resp.status().as_u16(), 201);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let image: Value = resp.json().await.unwrap();
    assert_image_shape(&image);
    let id = image["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/images/{id}"));
    assert_eq!(image["owner_id"], ALICE);
    assert_eq!(image["title"], "Sunset");
    assert_eq!(image["description"], "A day at the beach");
    assert_eq!(image["tags"], json!(["beach", "sunset", "zeta"]));
    assert_eq!(image["visibility"], "private");
    assert_eq!(
        image["content_type"], "image/png",
        "sniffed, not the part's type"
    );
    assert_eq!(image["width"], 48);
    assert_eq!(image["height"], 32);
    assert_eq!(image["size_bytes"], bytes.len());
    assert_eq!(image["sha256"], sha256_hex(&bytes));
    assert_eq!(image["original_filename"], "photo.gif");
    assert_eq!(image["version"], 1);
    assert_eq!(image["created_at"], image["updated_at"]);

    let created_at = parse_timestamp(image["created_at"].as_str().unwrap());
    let slack = Duration::seconds(2);
    assert!(
        created_at >= before - slack && created_at <= after + slack,
        "created_at is now"
    );
    let expires = parse_timestamp(image["url_expires_at"].as_str().unwrap());
    let ttl = Duration::seconds(3600);
    assert!(
        expires >= before + ttl - slack && expires <= after + ttl + slack,
        "url_expires_at is about now + 3600 s, got {expires}"
    );

    let download = app.get_image(id).await;
    assert_eq!(download.status().as_u16(), 200);
    let stored = download.bytes().await.unwrap();
    assert_eq!(
        image["sha256"],
        sha256_hex(&stored),
        "sha256 describes the stored bytes"
    );
    assert_eq!(
        image["size_bytes"],
        stored.len(),
        "size_bytes describes the stored bytes"
    );
    assert_eq!(
        stored.as_ref(),
        bytes.as_slice(),
        "the bytes come back as sent"
    );

    let url = image["url"].as_str().unwrap();
    let anonymous = app.anonymous().get_url(url).await;
    assert_eq!(
        anonymous.status().as_u16(),
        200,
        "`url` works without identity"
    );
    assert_eq!(anonymous.bytes().await.unwrap().as_ref(), bytes.as_slice());
}

#[tokio::test]
async fn post_to_the_collection_is_an_alias_of_upload() {
    let app = spawn_app().await;
    let bytes = png(10, 7);

    let resp = app
        .upload_alias(&Form::with_file(bytes.clone()).text("title", "alias"))
        .await;

    assert_eq!(resp.status().as_u16(), 201);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let image: Value = resp.json().await.unwrap();
    assert_image_shape(&image);
    assert_eq!(
        location,
        format!("/api/v1/images/{}", image["id"].as_str().unwrap())
    );
    assert_eq!(image["title"], "alias");
    assert_eq!(image["sha256"], sha256_hex(&bytes));
}

#[tokio::test]
async fn every_accepted_format_is_sniffed_from_its_bytes_whatever_the_client_claims() {
    let app = spawn_app().await;
    let cases: [(&str, Vec<u8>, &str, &str, (u32, u32)); 4] = [
        (
            "png sent as jpeg",
            png(21, 13),
            "a.jpg",
            "image/jpeg",
            (21, 13),
        ),
        (
            "jpeg sent as png",
            jpeg(33, 17),
            "b.png",
            "image/png",
            (33, 17),
        ),
        (
            "gif sent as text",
            gif_animated(12, 9, 3),
            "c.txt",
            "text/plain",
            (12, 9),
        ),
        (
            "webp sent as gif",
            webp_lossless(19, 23),
            "d.gif",
            "image/gif",
            (19, 23),
        ),
    ];
    let expected_types = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    for ((case, bytes, filename, claimed, (width, height)), expected) in
        cases.into_iter().zip(expected_types)
    {
        let image =
            upload_image(&app, &Form::new().file_as(bytes.clone(), filename, claimed)).await;
        assert_image_shape(&image);
        assert_eq!(image["content_type"], expected, "[{case}]");
        assert_eq!(image["width"], width, "[{case}]");
        assert_eq!(image["height"], height, "[{case}]");
        assert_eq!(image["sha256"], sha256_hex(&bytes), "[{case}]");

        let download = app.get_image(image["id"].as_str().unwrap()).await;
        assert_eq!(download.headers()["content-type"], expected, "[{case}]");
        assert_eq!(
            download.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "[{case}]"
        );
    }
}

#[tokio::test]
async fn an_upload_with_only_a_file_gets_the_defaults() {
    let app = spawn_app().await;

    let image = upload_image(&app, &Form::with_file(png(5, 5))).await;

    assert_image_shape(&image);
    assert_eq!(image["title"], Value::Null);
    assert_eq!(image["description"], Value::Null);
    assert_eq!(image["tags"], json!([]));
    assert_eq!(image["visibility"], "private");
    assert_eq!(image["version"], 1);
}

#[tokio::test]
async fn fields_may_come_before_or_after_the_file() {
    let app = spawn_app().await;
    let file_first = Form::with_file(png_seeded(6, 6, 1))
        .text("title", "Order")
        .text("tags", "b,a")
        .text("visibility", "public");
    let file_last = Form::new()
        .text("title", "Order")
        .text("tags", "b,a")
        .text("visibility", "public")
        .file(png_seeded(6, 6, 2));

    for (case, form) in [("file first", file_first), ("file last", file_last)] {
        let image = upload_image(&app, &form).await;
        assert_eq!(image["title"], "Order", "[{case}]");
        assert_eq!(image["tags"], json!(["a", "b"]), "[{case}]");
        assert_eq!(image["visibility"], "public", "[{case}]");
    }
}

#[tokio::test]
async fn unknown_multipart_fields_are_ignored() {
    let app = spawn_app().await;
    let form = Form::new()
        .text("colour", "blue")
        .file(png(4, 4))
        .text("owner_id", "mallory")
        .text("title", "kept")
        .text("version", "99");

    let image = upload_image(&app, &form).await;

    assert_eq!(image["title"], "kept");
    assert_eq!(
        image["owner_id"], ALICE,
        "the owner is the caller, never a form field"
    );
    assert_eq!(image["version"], 1);
}

#[tokio::test]
async fn visibility_public_and_private_are_accepted() {
    let app = spawn_app().await;
    for (seed, visibility) in [(1, "public"), (2, "private")] {
        let form = Form::with_file(png_seeded(4, 4, seed)).text("visibility", visibility);
        let image = upload_image(&app, &form).await;
        assert_eq!(image["visibility"], visibility);
    }
}
