//! `PUT`/`PATCH /api/v1/images/{id}`: partial updates, null clears, versions and `If-Match`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{Form, TestApp, assert_problem_for, parse_timestamp, spawn_app, upload_image};

async fn seeded_image(app: &TestApp, seed: u32) -> Value {
    let form = Form::with_file(png_seeded(6, 6, seed))
        .text("title", "Original")
        .text("description", "first words")
        .text("tags", "a,b");
    upload_image(app, &form).await
}

async fn update(app: &TestApp, method: &Method, id: &str, body: Value) -> Value {
    let resp = app
        .update_with(method.clone(), id, body.to_string().into_bytes(), None)
        .await;
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 200, "{method} {body}: {text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn put_and_patch_change_only_the_fields_given() {
    let app = spawn_app().await;
    for (seed, method) in [(1, Method::PUT), (2, Method::PATCH)] {
        let original = seeded_image(&app, seed).await;
        let id = original["id"].as_str().unwrap();

        let updated = update(&app, &method, id, json!({"title": "  New title  "})).await;

        crate::helpers::assert_image_shape(&updated);
        assert_eq!(updated["title"], "New title", "{method}: trimmed");
        assert_eq!(
            updated["description"], "first words",
            "{method}: absent fields stay"
        );
        assert_eq!(updated["tags"], json!(["a", "b"]), "{method}");
        assert_eq!(updated["visibility"], "private", "{method}");
        assert_eq!(updated["version"], 2, "{method}");
        assert_eq!(updated["created_at"], original["created_at"], "{method}");
        let created = parse_timestamp(original["created_at"].as_str().unwrap());
        let changed = parse_timestamp(updated["updated_at"].as_str().unwrap());
        assert!(changed >= created, "{method}: updated_at moves forward");
        for field in [
            "id",
            "owner_id",
            "sha256",
            "size_bytes",
            "width",
            "height",
            "content_type",
        ] {
            assert_eq!(
                updated[field], original[field],
                "{method}: `{field}` is not editable"
            );
        }

        let stored: Value = app.get_metadata(id).await.json().await.unwrap();
        assert_eq!(
            stored["title"], "New title",
            "{method}: the change is stored"
        );
        assert_eq!(stored["version"], 2);
    }
}

#[tokio::test]
async fn every_editable_field_can_be_set_and_null_clears_text() {
    let app = spawn_app().await;
    let original = seeded_image(&app, 1).await;
    let id = original["id"].as_str().unwrap();

    let all = update(
        &app,
        &Method::PUT,
        id,
        json!({"title": "T", "description": " line\n\tindented ", "tags": ["Zed", " alpha ", "zed"], "visibility": "public"}),
    )
    .await;
    assert_eq!(all["title"], "T");
    assert_eq!(all["description"], "line\n\tindented");
    assert_eq!(
        all["tags"],
        json!(["alpha", "zed"]),
        "normalized, merged, sorted"
    );
    assert_eq!(all["visibility"], "public");
    assert_eq!(all["version"], 2);

    let cleared = update(
        &app,
        &Method::PATCH,
        id,
        json!({"title": null, "description": null}),
    )
    .await;
    assert_eq!(cleared["title"], Value::Null);
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["tags"], json!(["alpha", "zed"]));
    assert_eq!(cleared["version"], 3);

    let emptied = update(&app, &Method::PUT, id, json!({"title": "x", "tags": []})).await;
    assert_eq!(emptied["tags"], json!([]));
    let blanked = update(&app, &Method::PUT, id, json!({"title": "   "})).await;
    assert_eq!(blanked["title"], Value::Null, "an empty title is null");
    assert_eq!(blanked["version"], 5);
}

#[tokio::test]
async fn a_no_op_update_keeps_the_version() {
    let app = spawn_app().await;
    let original = seeded_image(&app, 1).await;
    let id = original["id"].as_str().unwrap();

    let cases = [
        json!({}),
        json!({"title": "Original"}),
        json!({"title": " Original "}),
        json!({"tags": ["B", "a"]}),
        json!({"visibility": "private", "description": "first words"}),
    ];
    for body in cases {
        for method in [Method::PUT, Method::PATCH] {
            let same = update(&app, &method, id, body.clone()).await;
            assert_eq!(same["version"], 1, "{method} {body} changes nothing");
            assert_eq!(
                same["updated_at"], original["updated_at"],
                "{method} {body}"
            );
        }
    }
}

#[tokio::test]
async fn if_match_with_the_current_version_is_applied() {
    let app = spawn_app().await;
    let id = seeded_image(&app, 1).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = |title: &str| json!({"title": title}).to_string().into_bytes();

    let resp = app
        .update_with(Method::PUT, &id, body("v2"), Some("\"1\""))
        .await;
    assert_eq!(resp.status().as_u16(), 200);
    let resp = app
        .update_with(Method::PATCH, &id, body("v3"), Some("\"7\", \"2\""))
        .await;
    assert_eq!(
        resp.status().as_u16(),
        200,
        "a list containing the version matches"
    );
    let image: Value = resp.json().await.unwrap();
    assert_eq!(image["version"], 3);
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let id = seeded_image(&app, 1).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    update(&app, &Method::PUT, &id, json!({"title": "v2"})).await;
    let body = json!({"title": "lost update"}).to_string().into_bytes();

    for (case, if_match) in [
        ("stale", "\"1\""),
        ("future", "\"3\""),
        ("list of stale", "\"0\", \"1\""),
    ] {
        for method in [Method::PUT, Method::PATCH] {
            let resp = app
                .update_with(method.clone(), &id, body.clone(), Some(if_match))
                .await;
            assert_problem_for(
                resp,
                412,
                "precondition_failed",
                &format!("{method} {case}"),
            )
            .await;
        }
    }
    let stored: Value = app.get_metadata(&id).await.json().await.unwrap();
    assert_eq!(stored["title"], "v2");
    assert_eq!(stored["version"], 2);
}
