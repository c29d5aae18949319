//! Upload limits from the settings: size (413, inclusive, file only) and dimensions and frames (422).

use crate::helpers::fixtures::{gif_animated, jpeg, padded_png, png, webp_lossless};
use crate::helpers::{Failures, Form, assert_problem_for, spawn_app_with, upload_image};

const LIMIT: u64 = 4096;

#[tokio::test]
async fn a_file_of_exactly_the_size_limit_is_accepted() {
    let app = spawn_app_with(|s| s.max_upload_bytes = LIMIT).await;
    // The other fields make the body larger than the limit: only the file counts.
    let form = Form::with_file(padded_png(LIMIT as usize))
        .text("title", &"t".repeat(200))
        .text("description", &"d".repeat(2000));

    let image = upload_image(&app, &form).await;

    assert_eq!(image["content_type"], "image/png");
}

#[tokio::test]
async fn a_file_one_byte_over_the_size_limit_is_413() {
    let app = spawn_app_with(|s| s.max_upload_bytes = LIMIT).await;

    let resp = app
        .upload(&Form::with_file(padded_png(LIMIT as usize + 1)))
        .await;

    assert_problem_for(resp, 413, "file_too_large", "limit + 1 byte").await;
    assert_eq!(app.stored_object_count().await, 0, "nothing is stored");
}

#[tokio::test]
async fn a_file_far_over_the_size_limit_is_413() {
    let app = spawn_app_with(|s| s.max_upload_bytes = LIMIT).await;

    let resp = app
        .upload(&Form::with_file(padded_png(3 * 1024 * 1024)))
        .await;

    assert_problem_for(resp, 413, "file_too_large", "3 MiB over a 4 KiB limit").await;
}

#[tokio::test]
async fn images_over_max_side_are_422_and_at_max_side_accepted() {
    let mut failures = Failures::new();
    let app = spawn_app_with(|s| s.max_side = 64).await;
    let accepted: [(&str, Vec<u8>); 3] = [
        ("PNG 64x40", png(64, 40)),
        ("PNG 40x64", png(40, 64)),
        ("JPEG 64x64", jpeg(64, 64)),
    ];
    for (case, bytes) in accepted {
        let resp = app.upload(&Form::with_file(bytes)).await;
        assert_eq!(resp.status().as_u16(), 201, "[{case}] is within max_side");
    }
    let refused: [(&str, Vec<u8>); 5] = [
        ("PNG 65 wide", png(65, 10)),
        ("PNG 65 high", png(10, 65)),
        ("JPEG 65 wide", jpeg(65, 8)),
        ("GIF 65 wide", gif_animated(65, 4, 2)),
        ("WebP 65 high", webp_lossless(4, 65)),
    ];
    for (case, bytes) in refused {
        let resp = app.upload(&Form::with_file(bytes)).await;
        failures.problem(case, resp, 422, "invalid_image").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn images_over_max_pixels_are_422() {
    let app = spawn_app_with(|s| s.max_pixels = 1000).await;

    let at_limit = app.upload(&Form::with_file(png(40, 25))).await;
    assert_eq!(
        at_limit.status().as_u16(),
        201,
        "40x25 = 1000 pixels is accepted"
    );

    let over = app.upload(&Form::with_file(png(40, 26))).await;
    assert_problem_for(over, 422, "invalid_image", "40x26 = 1040 pixels").await;
}

#[tokio::test]
async fn animations_over_max_frames_are_422() {
    let app = spawn_app_with(|s| s.max_frames = 3).await;

    let at_limit = app.upload(&Form::with_file(gif_animated(8, 8, 3))).await;
    assert_eq!(at_limit.status().as_u16(), 201, "3 frames is accepted");

    let over = app.upload(&Form::with_file(gif_animated(8, 8, 4))).await;
    assert_problem_for(over, 422, "invalid_image", "4 frames").await;
}
