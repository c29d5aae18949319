//! Concurrent writes to one image: `If-Match` lets one writer win, unguarded updates are never
//! lost, a delete happens once, a delete racing updates leaves nothing behind, and an
//! `Idempotency-Key` sent many times at once creates one image.
//!
//! Every test fires its requests together with `join_all` and asserts only what holds for any
//! order the server may run them in, so none depends on timing.

use futures::future::join_all;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{
    Form, TestApp, assert_problem_for, list_ids, spawn_app, upload_image, upload_png,
};

/// How many requests each test sends at once.
const CONCURRENT: u32 = 8;

/// PUT and PATCH mean the same; the writers alternate so that both race.
fn method_of(writer: u32) -> Method {
    if writer.is_multiple_of(2) {
        Method::PUT
    } else {
        Method::PATCH
    }
}

/// A body that changes the image differently for each writer, so that no update is a no-op.
fn body_of(writer: u32) -> Value {
    json!({"title": format!("writer {writer}"), "tags": [format!("w{writer}")]})
}

/// Sends one update per writer, all at once; returns the responses in writer order.
async fn race_updates(app: &TestApp, id: &str, if_match: Option<&str>) -> Vec<Response> {
    let updates = (0..CONCURRENT).map(|writer| {
        let body = body_of(writer).to_string().into_bytes();
        app.update_with(method_of(writer), id, body, if_match)
    });
    join_all(updates).await
}

async fn json_of(resp: Response, status: u16, case: &str) -> Value {
    let actual = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(actual, status, "[{case}] {text}");
    serde_json::from_str(&text).unwrap()
}

async fn stored_metadata(app: &TestApp, id: &str) -> Value {
    json_of(app.get_metadata(id).await, 200, "stored metadata").await
}

/// Asserts the image answers 404 everywhere and the caller's account holds nothing.
async fn assert_fully_gone(app: &TestApp, id: &str) {
    assert_problem_for(app.get_image(id).await, 404, "not_found", "bytes").await;
    assert_problem_for(app.get_metadata(id).await, 404, "not_found", "metadata").await;
    let thumbnail = app.get_thumbnail(id, &[("size", "64")]).await;
    assert_problem_for(thumbnail, 404, "not_found", "thumbnail").await;
    assert!(list_ids(app, &[]).await.is_empty(), "nothing is listed");
    let me = json_of(app.get_me().await, 200, "me").await;
    assert_eq!(me["usage"], json!({"images": 0, "bytes": 0}), "usage");
    assert_eq!(app.stored_object_count().await, 0, "no file is left");
}

#[tokio::test]
async fn concurrent_updates_with_the_same_if_match_let_exactly_one_win() {
    let app = spawn_app().await;
    let id = upload_png(&app, 1).await["id"].as_str().unwrap().to_owned();

    let responses = race_updates(&app, &id, Some("\"1\"")).await;

    let mut winners = Vec::new();
    for (writer, resp) in (0..CONCURRENT).zip(responses) {
        let case = format!("writer {writer}");
        if resp.status() == 200 {
            winners.push((writer, json_of(resp, 200, &case).await));
        } else {
            assert_problem_for(resp, 412, "precondition_failed", &case).await;
        }
    }
    let [(writer, winner)] = winners.as_slice() else {
        panic!("exactly one writer wins, not {}", winners.len());
    };
    let expected = body_of(*writer);
    assert_eq!(winner["version"], 2, "one change, one version");
    assert_eq!(winner["title"], expected["title"]);
    assert_eq!(winner["tags"], expected["tags"]);
    let stored = stored_metadata(&app, &id).await;
    for field in ["title", "tags", "version", "updated_at"] {
        assert_eq!(
            stored[field], winner[field],
            "the winner's `{field}` is stored"
        );
    }
}

#[tokio::test]
async fn concurrent_updates_without_if_match_are_all_applied() {
    let app = spawn_app().await;
    let id = upload_png(&app, 1).await["id"].as_str().unwrap().to_owned();

    let responses = race_updates(&app, &id, None).await;

    let mut applied = Vec::new();
    for (writer, resp) in (0..CONCURRENT).zip(responses) {
        applied.push((
            writer,
            json_of(resp, 200, &format!("writer {writer}")).await,
        ));
    }
    // Each update saw the one before it: the versions are 2..=9, one each, none lost.
    let mut versions: Vec<u64> = applied
        .iter()
        .map(|(_, image)| image["version"].as_u64().unwrap())
        .collect();
    versions.sort_unstable();
    let expected: Vec<u64> = (2..=u64::from(CONCURRENT) + 1).collect();
    assert_eq!(versions, expected, "every update made its own version");
    let (last_writer, last) = applied
        .iter()
        .max_by_key(|(_, image)| image["version"].as_u64())
        .unwrap();
    let stored = stored_metadata(&app, &id).await;
    assert_eq!(stored["version"], u64::from(CONCURRENT) + 1);
    assert_eq!(
        stored["title"],
        body_of(*last_writer)["title"],
        "the last write stays"
    );
    assert_eq!(stored["tags"], last["tags"]);
}

#[tokio::test]
async fn concurrent_deletes_delete_once_and_leave_nothing() {
    let app = spawn_app().await;
    let id = upload_png(&app, 1).await["id"].as_str().unwrap().to_owned();
    // A derived file, so that the delete must remove more than the original.
    let thumbnail = app.get_thumbnail(&id, &[("size", "64")]).await;
    assert_eq!(thumbnail.status(), 200);

    let deletes = (0..CONCURRENT).map(|_| app.delete_image(&id));
    let responses = join_all(deletes).await;

    let mut deleted = 0;
    for (attempt, resp) in responses.into_iter().enumerate() {
        if resp.status() == 204 {
            deleted += 1;
        } else {
            let case = format!("delete {attempt}");
            assert_problem_for(resp, 404, "not_found", &case).await;
        }
    }
    assert_eq!(deleted, 1, "exactly one delete finds the image");
    assert_fully_gone(&app, &id).await;
}

#[tokio::test]
async fn a_delete_racing_updates_always_wins_and_nothing_comes_back() {
    let app = spawn_app().await;
    let form = Form::with_file(png_seeded(8, 8, 1))
        .text("title", "doomed")
        .text("tags", "old");
    let id = upload_image(&app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let thumbnail = app.get_thumbnail(&id, &[("size", "64")]).await;
    assert_eq!(thumbnail.status(), 200);

    let (deleted, updates) = tokio::join!(app.delete_image(&id), race_updates(&app, &id, None));

    assert_eq!(deleted.status(), 204, "{}", deleted.text().await.unwrap());
    for (writer, resp) in (0..CONCURRENT).zip(updates) {
        // An update that ran before the delete succeeded; one after it found nothing.
        if resp.status() != 200 {
            let case = format!("writer {writer}");
            assert_problem_for(resp, 404, "not_found", &case).await;
        }
    }
    assert_fully_gone(&app, &id).await;
    // No tag of the image outlives it, whether written by an update or by the upload.
    for writer in 0..CONCURRENT {
        let tag = format!("w{writer}");
        assert!(list_ids(&app, &[("tag", &tag)]).await.is_empty(), "{tag}");
    }
    assert!(list_ids(&app, &[("tag", "old")]).await.is_empty(), "old");
}

#[tokio::test]
async fn the_same_idempotency_key_sent_concurrently_creates_one_image() {
    let app = spawn_app().await;
    let form = Form::with_file(png_seeded(64, 64, 3)).text("title", "race");

    let uploads = (0..CONCURRENT).map(|_| app.upload_with_key(&form, "same-key"));
    let responses = join_all(uploads).await;

    let mut ids = Vec::new();
    for (attempt, resp) in responses.into_iter().enumerate() {
        let image = json_of(resp, 201, &format!("upload {attempt}")).await;
        ids.push(image["id"].as_str().unwrap().to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every upload answers with the same image");
    assert_eq!(list_ids(&app, &[]).await, ids);
    assert_eq!(
        app.stored_object_count().await,
        1,
        "the repeats' bytes are removed"
    );
}

#[tokio::test]
async fn a_key_reused_concurrently_with_other_bytes_keeps_only_the_first_request() {
    let app = spawn_app().await;
    // Two different requests under one key, interleaved: whichever claims the key first is
    // the key's request, its repeats get its answer, and the other request is refused.
    let forms = [
        Form::with_file(png_seeded(32, 32, 1)).text("title", "first"),
        Form::with_file(png_seeded(32, 32, 2)).text("title", "second"),
    ];
    let uploads = (0..CONCURRENT).map(|attempt| {
        let form = &forms[(attempt % 2) as usize];
        app.upload_with_key(form, "contested-key")
    });
    let responses = join_all(uploads).await;

    let mut created: [Vec<Value>; 2] = [Vec::new(), Vec::new()];
    let mut refused = [0; 2];
    for (attempt, resp) in (0..CONCURRENT).zip(responses) {
        let form = (attempt % 2) as usize;
        let case = format!("upload {attempt}");
        if resp.status() == 201 {
            created[form].push(json_of(resp, 201, &case).await);
        } else {
            assert_problem_for(resp, 422, "idempotency_key_reused", &case).await;
            refused[form] += 1;
        }
    }
    let per_form = (CONCURRENT / 2) as usize;
    let winner = if created[0].is_empty() { 1 } else { 0 };
    assert_eq!(
        created[winner].len(),
        per_form,
        "the first request's repeats all get 201"
    );
    assert_eq!(
        refused[1 - winner],
        per_form,
        "the other request is refused every time"
    );
    let id = &created[winner][0]["id"];
    assert!(
        created[winner].iter().all(|image| &image["id"] == id),
        "one image"
    );
    let titles = ["first", "second"];
    assert_eq!(created[winner][0]["title"], titles[winner]);
    assert_eq!(list_ids(&app, &[]).await, vec![id.as_str().unwrap()]);
    assert_eq!(
        app.stored_object_count().await,
        1,
        "refused bytes are removed"
    );
}
