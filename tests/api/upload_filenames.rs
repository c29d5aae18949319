//! Filenames are never refused: directories and control characters go, an empty result is null.

use serde_json::Value;

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{Failures, Form, spawn_app, upload_image};

#[tokio::test]
async fn filenames_are_sanitized_never_refused() {
    let app = spawn_app().await;
    let cases: [(&str, &str, Option<&str>); 10] = [
        ("plain", "IMG_0001.jpg", Some("IMG_0001.jpg")),
        ("unix traversal", "../../x.jpg", Some("x.jpg")),
        ("absolute unix path", "/etc/passwd", Some("passwd")),
        (
            "windows path",
            "C:\\Users\\me\\photo.png",
            Some("photo.png"),
        ),
        ("mixed separators", "dir/sub\\name.png", Some("name.png")),
        ("tab removed", "a\tb.png", Some("ab.png")),
        (
            "C1 controls removed",
            "a\u{85}b\u{9f}c.png",
            Some("abc.png"),
        ),
        (
            "raw UTF-8, as browsers send it",
            "café 🌅.png",
            Some("café 🌅.png"),
        ),
        ("empty", "", None),
        ("only a directory", "photos/", None),
    ];

    let mut failures = Failures::new();
    for (seed, (case, sent, expected)) in (1..).zip(cases) {
        let form = Form::new().file_as(png_seeded(4, 4, seed), sent, "image/png");
        let resp = app.upload(&form).await;
        if let Some(image) = failures.status(case, resp, 201).await {
            let expected = expected.map_or(Value::Null, Value::from);
            failures.equal(case, &image["original_filename"], &expected);
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn an_rfc_5987_encoded_filename_is_decoded() {
    let app = spawn_app().await;
    let form = Form::new().file_with_encoded_name(png_seeded(4, 4, 1), "été.png");

    let image = upload_image(&app, &form).await;

    assert_eq!(image["original_filename"], "été.png");
}

#[tokio::test]
async fn a_file_part_without_filename_is_accepted_with_a_null_filename() {
    let app = spawn_app().await;

    let image = upload_image(&app, &Form::new().file_without_name(png_seeded(4, 4, 1))).await;

    assert_eq!(image["original_filename"], Value::Null);
}
