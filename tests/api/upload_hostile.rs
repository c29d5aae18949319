//! Hostile uploads: polyglots, lying types, traversal and control characters in filenames, huge
//! fields, floods of parts, broken or missing multipart framing. Each gets its contract answer;
//! what is refused stores nothing, and what is accepted is served so that it cannot run.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::Value;

use crate::helpers::fixtures::{png, png_seeded};
use crate::helpers::hostile::{self, contains};
use crate::helpers::{Caller, Failures, Form, TestApp, content_url, spawn_app, upload_image};

/// The policy every served image carries: no script, no plugin, no same-origin access.
const IMAGE_CSP: &str = "default-src 'none'; sandbox";

fn header<'a>(resp: &'a Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("the response has `{name}`"))
        .to_str()
        .unwrap()
}

/// GETs the stored bytes and asserts they are served as `content_type` and defused.
async fn served_bytes(caller: &Caller, id: &str, content_type: &str) -> Vec<u8> {
    let resp = caller.get_image(id).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(header(&resp, "content-type"), content_type);
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(header(&resp, "content-security-policy"), IMAGE_CSP);
    resp.bytes().await.unwrap().to_vec()
}

/// Asserts that no image, no byte and no usage is left for `caller`.
async fn assert_nothing_stored(app: &TestApp, caller: &Caller) {
    let page: Value = caller.list(&[]).await.json().await.unwrap();
    assert_eq!(
        page["items"],
        serde_json::json!([]),
        "no image was recorded"
    );
    let me: Value = caller.get_me().await.json().await.unwrap();
    assert_eq!(me["usage"]["images"], 0, "usage counts no image: {me}");
    assert_eq!(
        app.stored_object_count().await,
        0,
        "no object is left in {}",
        app.storage.describe()
    );
}

#[tokio::test]
async fn a_jpeg_with_a_script_behind_it_is_stored_as_a_jpeg_without_the_script() {
    let app = spawn_app().await;
    let uploaded = hostile::jpeg_then_html();

    let image = upload_image(
        &app,
        &Form::new().file_as(uploaded.clone(), "page.html", "text/html"),
    )
    .await;

    assert_eq!(image["content_type"], "image/jpeg");
    let id = image["id"].as_str().unwrap();
    let stored = served_bytes(&app, id, "image/jpeg").await;
    assert!(
        !contains(&stored, b"<script>"),
        "the trailing page is not stored"
    );
    assert!(
        stored.ends_with(&[0xFF, 0xD9]),
        "the stored JPEG ends at its end marker"
    );
    assert!(stored.len() < uploaded.len());
    assert_eq!(image["size_bytes"], stored.len());

    // The signed link serves the same defused bytes.
    let link = app
        .anonymous()
        .get_url(content_url(&app, &image).as_str())
        .await;
    assert_eq!(link.status().as_u16(), 200);
    assert_eq!(header(&link, "x-content-type-options"), "nosniff");
    assert_eq!(header(&link, "content-security-policy"), IMAGE_CSP);
    assert!(!contains(&link.bytes().await.unwrap(), b"<script>"));
}

#[tokio::test]
async fn a_gif_with_a_zip_behind_it_is_stored_without_the_archive() {
    let app = spawn_app().await;
    let uploaded = hostile::gif_then_zip();

    let image = upload_image(
        &app,
        &Form::new().file_as(uploaded.clone(), "applet.jar", "application/java-archive"),
    )
    .await;

    assert_eq!(image["content_type"], "image/gif");
    let stored = served_bytes(&app, image["id"].as_str().unwrap(), "image/gif").await;
    assert!(!contains(&stored, b"PK\x03\x04"), "no ZIP entry is stored");
    assert!(
        !contains(&stored, b"PK\x05\x06"),
        "no ZIP directory is stored"
    );
    assert_eq!(
        stored.last(),
        Some(&0x3B),
        "the stored GIF ends at its trailer"
    );
}

#[tokio::test]
async fn pages_and_scripts_dressed_as_png_are_415_and_store_nothing() {
    let app = spawn_app().await;
    let cases: [(&str, Vec<u8>); 4] = [
        ("HTML", hostile::html()),
        ("SVG with a script", hostile::svg()),
        ("HTML with a PNG behind it", hostile::html_then_png()),
        (
            "BOM then SVG",
            [b"\xEF\xBB\xBF".as_slice(), &hostile::svg()].concat(),
        ),
    ];
    let mut failures = Failures::new();
    for (case, bytes) in cases {
        let resp = app
            .upload(&Form::new().file_as(bytes, "photo.png", "image/png"))
            .await;
        failures
            .problem(case, resp, 415, "unsupported_media_type")
            .await;
    }
    failures.assert_none();
    assert_nothing_stored(&app, &app).await;
}

#[tokio::test]
async fn hostile_filenames_are_sanitized_and_never_reach_storage_keys() {
    let app = spawn_app().await;
    // (case, the form's file part, the original_filename expected)
    let cases: Vec<(&str, Form, Option<&str>)> = vec![
        (
            "unix traversal",
            Form::new().file_as(png_seeded(4, 4, 1), "../../../etc/passwd", "image/png"),
            Some("passwd"),
        ),
        (
            "windows traversal",
            Form::new().file_as(png_seeded(4, 4, 2), "..\\..\\boot.ini", "image/png"),
            Some("boot.ini"),
        ),
        (
            "only dots",
            Form::new().file_as(png_seeded(4, 4, 3), "../..", "image/png"),
            Some(".."),
        ),
        (
            "encoded NUL",
            Form::new().file_with_encoded_name(png_seeded(4, 4, 4), "a\0b.png"),
            Some("ab.png"),
        ),
        (
            "encoded CR LF header injection",
            Form::new().file_with_encoded_name(png_seeded(4, 4, 5), "x.png\r\nX-Injected: yes"),
            Some("x.pngX-Injected: yes"),
        ),
        (
            "encoded traversal with controls",
            Form::new()
                .file_with_encoded_name(png_seeded(4, 4, 6), "..\u{1}/..\u{7f}/\u{1b}[31mred.png"),
            Some("[31mred.png"),
        ),
        (
            "only controls",
            Form::new().file_with_encoded_name(png_seeded(4, 4, 7), "\u{0}\u{1}\u{2}"),
            None,
        ),
    ];
    let mut failures = Failures::new();
    let mut ids = Vec::new();
    for (case, form, expected) in cases {
        let Some(image) = failures.status(case, app.upload(&form).await, 201).await else {
            continue;
        };
        let expected = expected.map_or(Value::Null, Value::from);
        failures.equal(case, &image["original_filename"], &expected);
        ids.push((case, image["id"].as_str().unwrap().to_owned()));
    }
    for (case, id) in &ids {
        let download = app.get_image_with(id, &[("download", "true")], &[]).await;
        failures.check(
            case,
            download.headers().get("x-injected").is_none(),
            "a filename injected a response header",
        );
        let disposition = header(&download, "content-disposition").to_owned();
        failures.check(
            case,
            !disposition.contains('\r') && !disposition.contains('\n'),
            format!("Content-Disposition carries a line break: {disposition:?}"),
        );
    }
    failures.assert_none();

    if let Some(data_dir) = app.storage.local_data_dir() {
        for path in files_under(&data_dir.join("blobs")) {
            let text = path.to_string_lossy().into_owned();
            for fragment in ["passwd", "boot.ini", "..", "red.png", "x.png"] {
                assert!(
                    !text.contains(fragment),
                    "a storage key derives from a filename: {text}"
                );
            }
        }
    }
}

/// A raw NUL (or any control but tab) cannot travel in a part's header: HTTP field values forbid
/// it, so such a part is malformed multipart, whatever it names. Clients send these names
/// percent-encoded (`filename*`), which the test above covers.
#[tokio::test]
async fn a_raw_nul_in_a_part_header_is_a_malformed_body_and_stores_nothing() {
    let app = spawn_app().await;
    let mut failures = Failures::new();
    for (case, name) in [
        ("NUL", "a\0b.png"),
        ("SOH", "a\u{1}b.png"),
        ("ESC", "\u{1b}[31m.png"),
    ] {
        let form = Form::new().file_as(png(4, 4), name, "image/png");
        failures
            .problem(case, app.upload(&form).await, 400, "bad_request")
            .await;
    }
    failures.assert_none();
    assert_nothing_stored(&app, &app).await;
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn huge_text_parts_are_invalid_field_and_store_nothing() {
    let app = spawn_app().await;
    let ten_megabytes = "x".repeat(10 * 1000 * 1000);
    let mut failures = Failures::new();
    for name in ["title", "description", "tags", "visibility"] {
        let form = Form::with_file(png(4, 4)).text(name, &ten_megabytes);
        let resp = app.upload(&form).await;
        failures
            .problem(&format!("10 MB {name}"), resp, 400, "invalid_field")
            .await;
        // The same part before the file: refused before the file is read.
        let form = Form::new().text(name, &ten_megabytes).file(png(4, 4));
        let resp = app.upload(&form).await;
        failures
            .problem(&format!("10 MB {name} first"), resp, 400, "invalid_field")
            .await;
    }
    failures.assert_none();
    assert_nothing_stored(&app, &app).await;
}

#[tokio::test]
async fn thousands_of_tiny_parts_are_400_and_store_nothing() {
    let app = spawn_app().await;
    let mut tags = Form::with_file(png(4, 4));
    let mut unknown = Form::new();
    let mut titles = Form::new();
    for index in 0..5000 {
        tags = tags.text("tags", "a");
        unknown = unknown.text(&format!("x{index}"), "");
        titles = titles.text("title", "t");
    }
    unknown = unknown.file(png(4, 4));
    titles = titles.file(png(4, 4));
    let mut failures = Failures::new();
    for (case, form) in [
        ("5000 tags parts after the file", tags),
        ("5000 unknown parts before the file", unknown),
        ("5000 repeated titles", titles),
    ] {
        let started = Instant::now();
        let resp = app.upload(&form).await;
        // The form is refused at its 101st part; the bound only catches a server that reads
        // (or stores) all 5000 one by one, and is loose enough for a loaded machine.
        failures.check(
            case,
            started.elapsed() < Duration::from_secs(10),
            format!("answered after {:?}", started.elapsed()),
        );
        failures.problem(case, resp, 400, "bad_request").await;
    }
    failures.assert_none();
    assert_nothing_stored(&app, &app).await;
}

#[tokio::test]
async fn broken_multipart_framing_is_bad_request_and_stores_nothing() {
    let app = spawn_app().await;
    let form = Form::with_file(png(4, 4)).text("title", "framed");
    let body = form.body();
    let body_text = String::from_utf8_lossy(&body).into_owned();
    let boundary = form.content_type().rsplit('=').next().unwrap().to_owned();
    let no_header_end = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"\r\n--{boundary}--\r\n"
    );
    let cases: Vec<(&str, String, Vec<u8>)> = vec![
        (
            "boundary that the body never uses",
            "multipart/form-data; boundary=not-the-one".to_owned(),
            body.clone(),
        ),
        (
            "no boundary parameter",
            "multipart/form-data".to_owned(),
            body.clone(),
        ),
        (
            "empty boundary",
            "multipart/form-data; boundary=".to_owned(),
            body.clone(),
        ),
        (
            "boundary over 70 characters",
            format!("multipart/form-data; boundary={}", "b".repeat(71)),
            body.clone(),
        ),
        (
            "unterminated quoted boundary",
            format!("multipart/form-data; boundary=\"{boundary}"),
            body.clone(),
        ),
        (
            "no closing delimiter",
            form.content_type(),
            form.truncated_body(),
        ),
        (
            "delimiters garbled into dashes",
            form.content_type(),
            body_text
                .replace(&format!("--{boundary}"), "-- -- --")
                .into_bytes(),
        ),
        (
            "part headers that never end",
            form.content_type(),
            no_header_end.into_bytes(),
        ),
        (
            "random bytes",
            form.content_type(),
            hostile::unknown_binary(),
        ),
        ("empty body", form.content_type(), Vec::new()),
    ];
    let mut failures = Failures::new();
    for (case, content_type, body) in cases {
        let resp = app.upload_raw(Some(&content_type), body).await;
        failures.problem(case, resp, 400, "bad_request").await;
    }
    failures.assert_none();
    assert_nothing_stored(&app, &app).await;
}

#[tokio::test]
async fn bodies_that_are_not_multipart_are_bad_request_and_store_nothing() {
    let app = spawn_app().await;
    let cases: [(&str, Option<&str>, Vec<u8>); 6] = [
        ("a bare PNG", Some("image/png"), png(4, 4)),
        ("octet-stream", Some("application/octet-stream"), png(4, 4)),
        (
            "url-encoded form",
            Some("application/x-www-form-urlencoded"),
            b"file=abc&title=x".to_vec(),
        ),
        ("plain text", Some("text/plain"), b"hello".to_vec()),
        ("HTML", Some("text/html"), hostile::html()),
        ("no Content-Type", None, png(4, 4)),
    ];
    let mut failures = Failures::new();
    for (case, content_type, body) in cases {
        let resp = app.upload_raw(content_type, body).await;
        failures.problem(case, resp, 400, "bad_request").await;
    }
    failures.assert_none();
    assert_nothing_stored(&app, &app).await;
}
