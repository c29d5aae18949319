//! Multi-step helpers most tests need: upload and expect 201, list and collect ids, walk cursors.

use serde_json::Value;
use uuid::Uuid;

use super::caller::Caller;
use super::fixtures::png_seeded;
use super::multipart::Form;

/// Uploads `form` and expects 201; returns the Image.
pub async fn upload_image(caller: &Caller, form: &Form) -> Value {
    let resp = caller.upload(form).await;
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("a readable body");
    assert_eq!(status, 201, "upload should succeed: {text}");
    serde_json::from_str(&text).expect("an Image as JSON")
}

/// Uploads a small distinct PNG (by `seed`) with no metadata; returns the Image.
pub async fn upload_png(caller: &Caller, seed: u32) -> Value {
    upload_image(caller, &Form::with_file(png_seeded(8, 8, seed))).await
}

/// A well-formed id that names no image.
pub fn unknown_id() -> String {
    Uuid::now_v7().to_string()
}

/// The ids of a list response's `items`.
pub fn ids_of(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list response has `items`: {page}"))
        .iter()
        .map(|item| item["id"].as_str().expect("an item id").to_owned())
        .collect()
}

/// Lists with `query` and expects 200; returns the ids of the first page.
pub async fn list_ids(caller: &Caller, query: &[(&str, &str)]) -> Vec<String> {
    let page = list_page(caller, query).await;
    ids_of(&page)
}

/// Walks every page of a listing; returns the pages (as JSON) in order.
///
/// Asserts the contract's paging rule: every page but the last has exactly `limit` items.
pub async fn walk_pages_raw(caller: &Caller, query: &[(&str, &str)], limit: usize) -> Vec<Value> {
    let limit_text = limit.to_string();
    let mut pages: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut params: Vec<(&str, &str)> = query.to_vec();
        params.push(("limit", &limit_text));
        if let Some(cursor) = &cursor {
            params.push(("cursor", cursor));
        }
        let page = list_page(caller, &params).await;
        let next = match &page["next_cursor"] {
            Value::Null => None,
            Value::String(next) => Some(next.clone()),
            other => panic!("`next_cursor` is a string or null, got {other}"),
        };
        pages.push(page);
        assert!(
            pages.len() <= 500,
            "the cursor walk does not end: {query:?}"
        );
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let (last, full) = pages.split_last().expect("at least one page");
    for (index, page) in full.iter().enumerate() {
        assert_eq!(
            ids_of(page).len(),
            limit,
            "page {index} of {query:?} is not the last, so it has exactly limit={limit} items"
        );
    }
    assert!(
        ids_of(last).len() <= limit,
        "the last page holds at most `limit` items"
    );
    pages
}

/// Like [`walk_pages_raw`], returning the ids of each page.
pub async fn walk_pages(caller: &Caller, query: &[(&str, &str)], limit: usize) -> Vec<Vec<String>> {
    walk_pages_raw(caller, query, limit)
        .await
        .iter()
        .map(ids_of)
        .collect()
}

async fn list_page(caller: &Caller, query: &[(&str, &str)]) -> Value {
    let resp = caller.list(query).await;
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("a readable body");
    assert_eq!(status, 200, "listing {query:?} should succeed: {text}");
    let page: Value = serde_json::from_str(&text).expect("a list response as JSON");
    assert!(
        page.get("next_cursor").is_some(),
        "a list response has `next_cursor`: {page}"
    );
    page
}
