//! Cursor paging: every matching image exactly once, exact page sizes, cursors bound to filters.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::helpers::{
    Caller, Failures, assert_problem_for, ids_of, list_ids, parse_timestamp, spawn_app,
    spawn_app_with, upload_png, walk_pages, walk_pages_raw,
};

/// Uploads `count` PNGs from `seed` on; returns (created_at, id) of each.
async fn upload_many(caller: &Caller, seed: u32, count: u32) -> Vec<(DateTime<Utc>, String)> {
    let mut images = Vec::new();
    for n in seed..seed + count {
        let image = upload_png(caller, n).await;
        images.push((
            parse_timestamp(image["created_at"].as_str().unwrap()),
            image["id"].as_str().unwrap().to_owned(),
        ));
    }
    images
}

fn ordered(images: &[(DateTime<Utc>, String)], oldest_first: bool) -> Vec<String> {
    let mut sorted = images.to_vec();
    sorted.sort();
    if !oldest_first {
        sorted.reverse();
    }
    sorted.into_iter().map(|(_, id)| id).collect()
}

async fn first_cursor(caller: &Caller, query: &[(&str, &str)]) -> String {
    let page: Value = caller.list(query).await.json().await.unwrap();
    page["next_cursor"]
        .as_str()
        .expect("a next_cursor")
        .to_owned()
}

#[tokio::test]
async fn walking_the_cursors_visits_every_image_once_in_order() {
    let app = spawn_app().await;
    let images = upload_many(&app, 1, 7).await;

    for order in ["newest", "oldest"] {
        let want = ordered(&images, order == "oldest");
        for limit in [1, 2, 3, 6, 7, 8, 100] {
            let pages = walk_pages(&app, &[("order", order)], limit).await;
            let walked: Vec<String> = pages.concat();
            assert_eq!(walked, want, "order={order} limit={limit}");
        }
    }
}

#[tokio::test]
async fn the_default_limit_is_10() {
    let app = spawn_app().await;
    upload_many(&app, 1, 11).await;

    let page: Value = app.list(&[]).await.json().await.unwrap();

    assert_eq!(ids_of(&page).len(), 10);
    assert!(page["next_cursor"].is_string(), "an 11th image remains");
}

#[tokio::test]
async fn a_cursor_is_not_bound_to_the_limit() {
    let app = spawn_app().await;
    let images = upload_many(&app, 1, 6).await;
    let want = ordered(&images, false);

    let cursor = first_cursor(&app, &[("limit", "2")]).await;
    let rest = list_ids(&app, &[("limit", "4"), ("cursor", &cursor)]).await;

    assert_eq!(rest, want[2..].to_vec());
}

#[tokio::test]
async fn a_cursor_reused_with_other_filters_or_order_is_invalid_cursor() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    upload_many(&app, 1, 4).await;
    let filtered = first_cursor(&app, &[("limit", "1"), ("visibility", "private")]).await;
    let plain = first_cursor(&app, &[("limit", "1")]).await;

    let cases: [(&str, Vec<(&str, &str)>); 7] = [
        ("other order", vec![("order", "oldest"), ("cursor", &plain)]),
        ("added title", vec![("title", "a"), ("cursor", &plain)]),
        ("added tag", vec![("tag", "beach"), ("cursor", &plain)]),
        (
            "added visibility",
            vec![("visibility", "public"), ("cursor", &plain)],
        ),
        (
            "added content_type",
            vec![("content_type", "image/png"), ("cursor", &plain)],
        ),
        ("other owner", vec![("owner", "bob"), ("cursor", &plain)]),
        ("dropped visibility", vec![("cursor", &filtered)]),
    ];
    for (case, query) in cases {
        let resp = app.list(&query).await;
        failures.problem(case, resp, 400, "invalid_cursor").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn forged_and_altered_cursors_are_invalid_cursor() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    upload_many(&app, 1, 3).await;
    let cursor = first_cursor(&app, &[("limit", "1")]).await;
    let flip = |index: usize| {
        let mut chars: Vec<char> = cursor.chars().collect();
        chars[index] = if chars[index] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    let (first, middle, last) = (flip(0), flip(cursor.len() / 2), flip(cursor.len() - 1));
    let doubled = format!("{cursor}{cursor}");
    let long_a = "A".repeat(cursor.len());

    let cases: [(&str, &str); 8] = [
        ("short garbage", "abc"),
        ("not base64", "!!!!"),
        ("all A of the right length", &long_a),
        ("first character altered", &first),
        ("middle character altered", &middle),
        ("last character altered", &last),
        ("doubled", &doubled),
        ("truncated", &cursor[..cursor.len() - 4]),
    ];
    for (case, forged) in cases {
        let resp = app.list(&[("limit", "1"), ("cursor", forged)]).await;
        failures.problem(case, resp, 400, "invalid_cursor").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn a_cursor_from_a_server_with_another_key_is_invalid_cursor() {
    let app = spawn_app().await;
    let other = spawn_app_with(|s| {
        s.signing_key = Some(lightbox_api::config::Secret::new(
            "another server's signing key, 32+ bytes".to_owned(),
        ));
    })
    .await;
    upload_many(&app, 1, 2).await;
    upload_many(&other, 1, 2).await;
    let foreign = first_cursor(&other, &[("limit", "1")]).await;

    let resp = app.list(&[("limit", "1"), ("cursor", &foreign)]).await;

    assert_problem_for(resp, 400, "invalid_cursor", "foreign cursor").await;
}

#[tokio::test]
async fn images_uploaded_during_a_newest_first_walk_cause_no_duplicate_or_skip() {
    let app = spawn_app().await;
    let before = upload_many(&app, 1, 5).await;
    let want = ordered(&before, false);

    let first: Value = app.list(&[("limit", "2")]).await.json().await.unwrap();
    upload_many(&app, 100, 3).await;
    let mut walked = ids_of(&first);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let mut next = Some(cursor);
    while let Some(cursor) = next {
        let page: Value = app
            .list(&[("limit", "2"), ("cursor", &cursor)])
            .await
            .json()
            .await
            .unwrap();
        walked.extend(ids_of(&page));
        next = page["next_cursor"].as_str().map(str::to_owned);
    }

    assert_eq!(
        walked, want,
        "the older images, each once; newer ones sort before the cursor"
    );
}

#[tokio::test]
async fn images_uploaded_during_an_oldest_first_walk_come_at_the_end() {
    let app = spawn_app().await;
    let before = upload_many(&app, 1, 5).await;

    let first: Value = app
        .list(&[("limit", "2"), ("order", "oldest")])
        .await
        .json()
        .await
        .unwrap();
    let added = upload_many(&app, 100, 3).await;
    let mut walked = ids_of(&first);
    let mut next = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(cursor) = next {
        let query = [
            ("limit", "2"),
            ("order", "oldest"),
            ("cursor", cursor.as_str()),
        ];
        let page: Value = app.list(&query).await.json().await.unwrap();
        walked.extend(ids_of(&page));
        next = page["next_cursor"].as_str().map(str::to_owned);
    }

    let all: Vec<_> = before.iter().chain(&added).cloned().collect();
    assert_eq!(
        walked,
        ordered(&all, true),
        "every image once, the new ones last"
    );
}

#[tokio::test]
async fn the_last_page_may_be_empty_but_earlier_pages_are_full() {
    let app = spawn_app().await;
    upload_many(&app, 1, 4).await;

    let pages = walk_pages_raw(&app, &[], 2).await;

    let sizes: Vec<usize> = pages.iter().map(|p| ids_of(p).len()).collect();
    assert!(
        sizes == [2, 2] || sizes == [2, 2, 0],
        "pages of 4 images by 2: {sizes:?}"
    );
}
