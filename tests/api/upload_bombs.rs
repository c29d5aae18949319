//! Decompression bombs: files that are small on the wire but declare enormous pixel counts or
//! frame counts. Each is refused with 422 `invalid_image` from its header, quickly, before any
//! decoder allocates what it declares; and the server keeps serving.

use std::time::{Duration, Instant};

use crate::helpers::fixtures::png;
use crate::helpers::{Form, assert_problem_for, hostile, spawn_app, upload_image};

/// Each refusal must come well before a decode of the declared size could even start.
const WITHIN: Duration = Duration::from_secs(1);

#[tokio::test]
async fn bombs_are_422_within_a_second_and_store_nothing() {
    let app = spawn_app().await;
    let bombs: [(&str, Vec<u8>); 3] = [
        (
            "PNG declaring 100000×100000 with a tiny IDAT",
            hostile::png_bomb(),
        ),
        ("JPEG declaring 60000×60000", hostile::jpeg_bomb()),
        ("GIF with 5000 frames", hostile::gif_frame_flood(5_000)),
    ];

    for (case, bytes) in bombs {
        assert!(bytes.len() < 200_000, "[{case}] small on the wire");
        let started = Instant::now();
        let resp = app.upload(&Form::with_file(bytes)).await;
        let took = started.elapsed();

        assert_problem_for(resp, 422, "invalid_image", case).await;
        assert!(took < WITHIN, "[{case}] answered after {took:?}");
    }
    assert_eq!(app.stored_object_count().await, 0, "no bomb left bytes");
    upload_image(&app, &Form::with_file(png(8, 8))).await;
}
