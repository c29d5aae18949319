//! `DELETE /api/v1/images/{id}`: 204, then gone everywhere (bytes, metadata, URL, files).

use serde_json::json;

use crate::helpers::fixtures::png;
use crate::helpers::{
    Form, assert_head_problem, assert_problem_for, aws_requested, list_ids, spawn_app, upload_image,
};

#[tokio::test]
async fn a_deleted_image_is_gone_everywhere() {
    let app = spawn_app().await;
    let image = upload_image(&app, &Form::with_file(png(300, 200))).await;
    let id = image["id"].as_str().unwrap();
    let url = image["url"].as_str().unwrap();
    // Makes a derived file where thumbnails exist, so that the delete must remove it too.
    app.get_thumbnail(id, &[("size", "64")]).await;
    assert!(
        app.stored_object_count().await > 0,
        "the upload is in {}",
        app.storage.describe()
    );

    let resp = app.delete_image(id).await;

    assert_eq!(resp.status().as_u16(), 204);
    assert!(resp.bytes().await.unwrap().is_empty(), "204 has no body");
    assert_problem_for(app.get_image(id).await, 404, "not_found", "bytes").await;
    assert_head_problem(&app.head_image(id).await, 404, "HEAD");
    assert_problem_for(app.get_metadata(id).await, 404, "not_found", "metadata").await;
    assert_problem_for(
        app.get_thumbnail(id, &[]).await,
        404,
        "not_found",
        "thumbnail",
    )
    .await;
    let by_url = app.anonymous().get_url(url).await;
    if aws_requested() {
        // S3's own presigned GET: S3 answers, not the service.
        assert_eq!(by_url.status(), 404, "the presigned url finds no object");
    } else {
        assert_problem_for(by_url, 404, "not_found", "signed url").await;
    }
    let put = app.put_image(id, &json!({"title": "x"})).await;
    assert_problem_for(put, 404, "not_found", "PUT").await;
    assert!(list_ids(&app, &[]).await.is_empty(), "not listed");
    assert_eq!(
        app.stored_object_count().await,
        0,
        "bytes and derived files are removed"
    );

    let again = app.delete_image(id).await;
    assert_problem_for(again, 404, "not_found", "second delete").await;
}

#[tokio::test]
async fn another_user_cannot_delete_and_the_image_stays() {
    let app = spawn_app().await;
    let form = Form::with_file(png(4, 4)).text("visibility", "public");
    let id = upload_image(&app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let resp = app.bob().delete_image(&id).await;

    assert_problem_for(resp, 404, "not_found", "bob deletes alice's public image").await;
    assert_eq!(app.get_image(&id).await.status().as_u16(), 200);
}

#[tokio::test]
async fn deleting_one_image_keeps_the_others() {
    let app = spawn_app().await;
    let keep = upload_image(&app, &Form::with_file(png(5, 4))).await;
    let remove = upload_image(&app, &Form::with_file(png(4, 5))).await;

    let resp = app.delete_image(remove["id"].as_str().unwrap()).await;

    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(
        list_ids(&app, &[]).await,
        vec![keep["id"].as_str().unwrap()]
    );
    let me: serde_json::Value = app.get_me().await.json().await.unwrap();
    assert_eq!(me["usage"]["images"], 1);
    assert_eq!(me["usage"]["bytes"], keep["size_bytes"]);
}
