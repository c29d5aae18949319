//! `PUT`/`PATCH` refusals: bad JSON or types (`invalid_body`), bad values (`invalid_field`,
//! `invalid_tags`), other users and unknown ids (404).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::fixtures::png;
use crate::helpers::{Failures, Form, assert_problem_for, spawn_app, unknown_id, upload_image};

#[tokio::test]
async fn unknown_fields_wrong_types_and_bad_json_are_invalid_body() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let id = upload_image(&app, &Form::with_file(png(4, 4))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases: [(&str, &str); 13] = [
        ("unknown field", r#"{"colour": "blue"}"#),
        (
            "unknown field beside a good one",
            r#"{"title": "x", "owner_id": "bob"}"#,
        ),
        ("read-only field", r#"{"version": 7}"#),
        ("title is a number", r#"{"title": 5}"#),
        ("description is an object", r#"{"description": {"a": 1}}"#),
        ("tags is a string", r#"{"tags": "a,b"}"#),
        ("tags holds a number", r#"{"tags": ["a", 1]}"#),
        ("visibility is a bool", r#"{"visibility": true}"#),
        ("not JSON", "title=x"),
        ("truncated JSON", r#"{"title": "x""#),
        ("an array", r#"["title"]"#),
        ("a string", r#""title""#),
        ("empty body", ""),
    ];

    for (case, body) in cases {
        for method in [Method::PUT, Method::PATCH] {
            let resp = app
                .update_with(method.clone(), &id, body.as_bytes().to_vec(), None)
                .await;
            failures
                .problem(&format!("{method} {case}"), resp, 400, "invalid_body")
                .await;
        }
    }
    let stored: Value = app.get_metadata(&id).await.json().await.unwrap();
    failures.equal("nothing changed", &stored["version"], &Value::from(1));
    failures.assert_none();
}

#[tokio::test]
async fn well_typed_but_invalid_values_are_invalid_field_or_invalid_tags() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let id = upload_image(&app, &Form::with_file(png(4, 4))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let twenty_one: Vec<String> = (1..=21).map(|n| format!("t{n}")).collect();
    let cases: [(&str, Value, &str); 10] = [
        (
            "title of 201 chars",
            json!({"title": "é".repeat(201)}),
            "invalid_field",
        ),
        (
            "title with a newline",
            json!({"title": "a\nb"}),
            "invalid_field",
        ),
        (
            "title with BEL",
            json!({"title": "a\u{7}b"}),
            "invalid_field",
        ),
        (
            "description of 2001 chars",
            json!({"description": "x".repeat(2001)}),
            "invalid_field",
        ),
        (
            "description with ESC",
            json!({"description": "a\u{1b}b"}),
            "invalid_field",
        ),
        (
            "visibility secret",
            json!({"visibility": "secret"}),
            "invalid_field",
        ),
        ("tag with a space", json!({"tags": ["a b"]}), "invalid_tags"),
        (
            "tag of 51 chars",
            json!({"tags": ["x".repeat(51)]}),
            "invalid_tags",
        ),
        ("21 tags", json!({"tags": twenty_one}), "invalid_tags"),
        ("tag with #", json!({"tags": ["ok", "#"]}), "invalid_tags"),
    ];

    for (case, body, code) in cases {
        for method in [Method::PUT, Method::PATCH] {
            let resp = app
                .update_with(method.clone(), &id, body.to_string().into_bytes(), None)
                .await;
            failures
                .problem(&format!("{method} {case}"), resp, 400, code)
                .await;
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn other_users_get_404_even_on_a_public_image() {
    let app = spawn_app().await;
    let form = Form::with_file(png(4, 4))
        .text("visibility", "public")
        .text("title", "mine");
    let id = upload_image(&app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for method in [Method::PUT, Method::PATCH] {
        let body = json!({"title": "stolen"}).to_string().into_bytes();
        let resp = app.bob().update_with(method.clone(), &id, body, None).await;
        assert_problem_for(
            resp,
            404,
            "not_found",
            &format!("bob {method}s alice's public image"),
        )
        .await;
    }
    let stored: Value = app.get_metadata(&id).await.json().await.unwrap();
    assert_eq!(stored["title"], "mine");
    assert_eq!(stored["version"], 1);
}

#[tokio::test]
async fn updating_an_unknown_image_is_404() {
    let app = spawn_app().await;
    for method in [Method::PUT, Method::PATCH] {
        let body = json!({"title": "x"}).to_string().into_bytes();
        let resp = app
            .update_with(method.clone(), &unknown_id(), body, None)
            .await;
        assert_problem_for(resp, 404, "not_found", method.as_str()).await;
    }
}
