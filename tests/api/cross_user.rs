//! The cross-user matrix: another user's private image does not exist for you (404 everywhere,
//! absent from listings); a public one is readable but never writable.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{
    Form, assert_head_problem, assert_problem_for, list_ids, spawn_app, unknown_id, upload_image,
};

#[tokio::test]
async fn another_users_private_image_is_404_everywhere_and_unlisted() {
    let app = spawn_app().await;
    let image = upload_image(&app, &Form::with_file(png_seeded(8, 8, 1))).await;
    let id = image["id"].as_str().unwrap();
    let bob = app.bob();

    assert_problem_for(bob.get_image(id).await, 404, "not_found", "GET bytes").await;
    assert_head_problem(&bob.head_image(id).await, 404, "HEAD bytes");
    assert_problem_for(bob.get_metadata(id).await, 404, "not_found", "metadata").await;
    assert_problem_for(
        bob.get_thumbnail(id, &[]).await,
        404,
        "not_found",
        "thumbnail",
    )
    .await;
    for method in [Method::PUT, Method::PATCH] {
        let body = json!({"title": "mine now"}).to_string().into_bytes();
        let resp = bob.update_with(method.clone(), id, body, None).await;
        assert_problem_for(resp, 404, "not_found", method.as_str()).await;
    }
    assert_problem_for(bob.delete_image(id).await, 404, "not_found", "DELETE").await;
    assert!(
        list_ids(&bob, &[("owner", "alice")]).await.is_empty(),
        "absent from owner=alice"
    );
    assert!(
        list_ids(&bob, &[]).await.is_empty(),
        "absent from bob's own listing"
    );

    let stored: Value = app.get_metadata(id).await.json().await.unwrap();
    assert_eq!(stored["version"], 1, "the image is untouched");
    assert_eq!(app.get_image(id).await.status().as_u16(), 200);
}

#[tokio::test]
async fn a_hidden_image_and_an_unknown_one_answer_alike() {
    let app = spawn_app().await;
    let image = upload_image(&app, &Form::with_file(png_seeded(8, 8, 1))).await;
    let hidden = image["id"].as_str().unwrap();
    let bob = app.bob();

    let hidden_resp = bob.get_metadata(hidden).await;
    let unknown_resp = bob.get_metadata(&unknown_id()).await;
    let hidden_body = assert_problem_for(hidden_resp, 404, "not_found", "hidden").await;
    let unknown_body = assert_problem_for(unknown_resp, 404, "not_found", "unknown").await;

    assert_eq!(hidden_body["title"], unknown_body["title"]);
    let hidden_detail = hidden_body["detail"].as_str().unwrap();
    assert!(
        !hidden_detail.contains("alice"),
        "the detail does not reveal the owner: {hidden_detail}"
    );
}

#[tokio::test]
async fn another_users_public_image_is_readable_but_not_writable() {
    let app = spawn_app().await;
    let bytes = png_seeded(8, 8, 2);
    let form = Form::with_file(bytes.clone()).text("visibility", "public");
    let image = upload_image(&app, &form).await;
    let id = image["id"].as_str().unwrap();
    let bob = app.bob();

    let resp = bob.get_image(id).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
    assert_eq!(bob.head_image(id).await.status().as_u16(), 200);
    let metadata = bob.get_metadata(id).await;
    assert_eq!(
        metadata.status().as_u16(),
        200,
        "a public image's metadata is public"
    );
    assert_eq!(list_ids(&bob, &[("owner", "alice")]).await, vec![id]);

    for method in [Method::PUT, Method::PATCH] {
        let body = json!({"visibility": "private"}).to_string().into_bytes();
        let resp = bob.update_with(method.clone(), id, body, None).await;
        assert_problem_for(resp, 404, "not_found", method.as_str()).await;
    }
    assert_problem_for(bob.delete_image(id).await, 404, "not_found", "DELETE").await;
}

#[tokio::test]
async fn making_an_image_private_hides_it_again() {
    let app = spawn_app().await;
    let form = Form::with_file(png_seeded(8, 8, 3)).text("visibility", "public");
    let id = upload_image(&app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.bob().get_image(&id).await.status().as_u16(), 200);

    let resp = app.put_image(&id, &json!({"visibility": "private"})).await;
    assert_eq!(resp.status().as_u16(), 200);

    assert_problem_for(
        app.bob().get_image(&id).await,
        404,
        "not_found",
        "now private",
    )
    .await;
    assert!(list_ids(&app.bob(), &[("owner", "alice")]).await.is_empty());
}
