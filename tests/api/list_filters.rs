//! `GET /api/v1/images` filters: owner, tags, title prefix, type, visibility, time window, order.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;

use crate::helpers::fixtures::{
    gif_animated_seeded, jpeg_seeded, png_seeded, webp_lossless_seeded,
};
use crate::helpers::{Caller, Form, TestApp, list_ids, parse_timestamp, spawn_app, upload_image};

/// What a listed image needs for computing the expected answer.
#[derive(Debug, Clone)]
struct Seeded {
    id: String,
    owner: String,
    title: Option<String>,
    tags: Vec<String>,
    content_type: String,
    public: bool,
    created_at: DateTime<Utc>,
}

impl Seeded {
    fn from_image(image: &Value) -> Self {
        Self {
            id: image["id"].as_str().unwrap().to_owned(),
            owner: image["owner_id"].as_str().unwrap().to_owned(),
            title: image["title"].as_str().map(str::to_owned),
            tags: image["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect(),
            content_type: image["content_type"].as_str().unwrap().to_owned(),
            public: image["visibility"] == "public",
            created_at: parse_timestamp(image["created_at"].as_str().unwrap()),
        }
    }
}

/// Five images of alice's and two of bob's, of every format and visibility.
async fn seed(app: &TestApp) -> Vec<Seeded> {
    let bob = app.bob();
    let uploads: [(&Caller, Vec<u8>, &[(&str, &str)]); 7] = [
        (
            app,
            png_seeded(8, 8, 1),
            &[("title", "Sunset"), ("tags", "beach,sunset")],
        ),
        (
            app,
            jpeg_seeded(8, 8, 2),
            &[
                ("title", "SUNRISE"),
                ("tags", "Beach"),
                ("visibility", "public"),
            ],
        ),
        (
            app,
            gif_animated_seeded(8, 8, 2, 3),
            &[("title", "A sunny day"), ("tags", "sunset")],
        ),
        (
            app,
            webp_lossless_seeded(8, 8, 4),
            &[
                ("title", "Éclair"),
                ("tags", "food"),
                ("visibility", "public"),
            ],
        ),
        (app, png_seeded(8, 8, 5), &[("visibility", "public")]),
        (
            &bob,
            png_seeded(8, 8, 6),
            &[
                ("title", "Sunset at sea"),
                ("tags", "beach,sunset"),
                ("visibility", "public"),
            ],
        ),
        (
            &bob,
            png_seeded(8, 8, 7),
            &[("title", "Sunset, private"), ("tags", "beach")],
        ),
    ];
    let mut seeded = Vec::new();
    for (caller, bytes, fields) in uploads {
        let form = fields
            .iter()
            .fold(Form::with_file(bytes), |form, (name, value)| {
                form.text(name, value)
            });
        seeded.push(Seeded::from_image(&upload_image(caller, &form).await));
    }
    seeded
}

/// The ids matching `keep`, newest first (by `(created_at, id)`), or oldest first.
fn expected(seeded: &[Seeded], oldest_first: bool, keep: impl Fn(&Seeded) -> bool) -> Vec<String> {
    let mut matching: Vec<&Seeded> = seeded.iter().filter(|image| keep(image)).collect();
    matching.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    if !oldest_first {
        matching.reverse();
    }
    matching.into_iter().map(|image| image.id.clone()).collect()
}

fn has_tags(image: &Seeded, tags: &[&str]) -> bool {
    tags.iter().all(|tag| image.tags.iter().any(|t| t == tag))
}

#[tokio::test]
async fn the_default_owner_is_the_caller_with_private_and_public_images() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;

    let ids = list_ids(&app, &[("limit", "100")]).await;

    assert_eq!(ids, expected(&seeded, false, |i| i.owner == "alice"));
    let explicit = list_ids(&app, &[("limit", "100"), ("owner", "alice")]).await;
    assert_eq!(explicit, ids, "owner=<caller> is the default");
}

#[tokio::test]
async fn another_owner_shows_only_their_public_images() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;

    let bobs_seen_by_alice = list_ids(&app, &[("owner", "bob")]).await;
    assert_eq!(
        bobs_seen_by_alice,
        expected(&seeded, false, |i| i.owner == "bob" && i.public)
    );

    let alices_seen_by_bob = list_ids(&app.bob(), &[("owner", "alice")]).await;
    assert_eq!(
        alices_seen_by_bob,
        expected(&seeded, false, |i| i.owner == "alice" && i.public)
    );

    let nobody = list_ids(&app, &[("owner", "carol")]).await;
    assert!(nobody.is_empty());
}

#[tokio::test]
async fn tag_filters_must_all_match_and_are_normalized() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;
    let alices = |tags: &'static [&'static str]| {
        expected(&seeded, false, move |i| {
            i.owner == "alice" && has_tags(i, tags)
        })
    };
    let cases: [(&str, Vec<(&str, &str)>, Vec<String>); 7] = [
        (
            "repeated tag",
            vec![("tag", "beach"), ("tag", "sunset")],
            alices(&["beach", "sunset"]),
        ),
        (
            "tags=a,b",
            vec![("tags", "beach,sunset")],
            alices(&["beach", "sunset"]),
        ),
        (
            "tags=a,b in another order",
            vec![("tags", "sunset,beach")],
            alices(&["beach", "sunset"]),
        ),
        (
            "tag=Beach is normalized",
            vec![("tag", "Beach")],
            alices(&["beach"]),
        ),
        (
            "tag padded and upper-case",
            vec![("tag", " SUNSET ")],
            alices(&["sunset"]),
        ),
        (
            "tag and tags together",
            vec![("tag", "beach"), ("tags", "sunset")],
            alices(&["beach", "sunset"]),
        ),
        ("no image has it", vec![("tag", "nothing")], vec![]),
    ];
    for (case, query, want) in cases {
        assert_eq!(list_ids(&app, &query).await, want, "[{case}]");
    }

    let bobs_public_beach = list_ids(&app, &[("owner", "bob"), ("tag", "beach")]).await;
    assert_eq!(
        bobs_public_beach,
        expected(&seeded, false, |i| i.owner == "bob"
            && i.public
            && has_tags(i, &["beach"]))
    );
}

#[tokio::test]
async fn title_is_a_case_insensitive_prefix() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;
    let alices_titled = |prefix: &'static str| {
        expected(&seeded, false, move |i| {
            i.owner == "alice"
                && i.title
                    .as_deref()
                    .is_some_and(|t| t.to_lowercase().starts_with(prefix))
        })
    };

    for (query, prefix) in [
        ("sun", "sun"),
        ("SUNS", "suns"),
        ("sunr", "sunr"),
        ("a sun", "a sun"),
    ] {
        let ids = list_ids(&app, &[("title", query)]).await;
        assert_eq!(ids, alices_titled(prefix), "title={query}");
    }
    assert_eq!(
        list_ids(&app, &[("title", "unset")]).await,
        Vec::<String>::new(),
        "prefix, not substring"
    );
}

#[tokio::test]
async fn title_prefix_ignores_case_beyond_ascii() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;
    let eclair = expected(&seeded, false, |i| i.title.as_deref() == Some("Éclair"));

    for query in ["éc", "ÉC", "Écl"] {
        assert_eq!(
            list_ids(&app, &[("title", query)]).await,
            eclair,
            "title={query}"
        );
    }
}

#[tokio::test]
async fn content_type_and_visibility_filters() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;

    for content_type in ["image/png", "image/jpeg", "image/gif", "image/webp"] {
        let ids = list_ids(&app, &[("content_type", content_type)]).await;
        let want = expected(&seeded, false, |i| {
            i.owner == "alice" && i.content_type == content_type
        });
        assert_eq!(ids, want, "content_type={content_type}");
    }
    for (visibility, public) in [("public", true), ("private", false)] {
        let ids = list_ids(&app, &[("visibility", visibility)]).await;
        let want = expected(&seeded, false, |i| i.owner == "alice" && i.public == public);
        assert_eq!(ids, want, "visibility={visibility}");
    }
    let combined = list_ids(
        &app,
        &[
            ("tag", "beach"),
            ("visibility", "public"),
            ("content_type", "image/jpeg"),
        ],
    )
    .await;
    let want = expected(&seeded, false, |i| {
        i.owner == "alice" && i.public && i.content_type == "image/jpeg" && has_tags(i, &["beach"])
    });
    assert_eq!(combined, want);
    assert_eq!(combined.len(), 1);
}

#[tokio::test]
async fn created_after_is_inclusive_and_created_before_exclusive() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;
    let alices: Vec<&Seeded> = seeded.iter().filter(|i| i.owner == "alice").collect();
    let pivot = alices[2].created_at;
    let later = alices[3].created_at;
    let as_text = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let in_plus_two = |t: DateTime<Utc>| {
        let offset = FixedOffset::east_opt(2 * 3600).unwrap();
        t.with_timezone(&offset)
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
    };

    let after = list_ids(&app, &[("created_after", &as_text(pivot))]).await;
    assert_eq!(
        after,
        expected(&seeded, false, |i| i.owner == "alice"
            && i.created_at >= pivot)
    );
    assert!(
        after.contains(&alices[2].id),
        "created_after includes its instant"
    );

    let before = list_ids(&app, &[("created_before", &as_text(pivot))]).await;
    assert_eq!(
        before,
        expected(&seeded, false, |i| i.owner == "alice"
            && i.created_at < pivot)
    );
    assert!(
        !before.contains(&alices[2].id),
        "created_before excludes its instant"
    );

    let window = list_ids(
        &app,
        &[
            ("created_after", &as_text(pivot)),
            ("created_before", &as_text(later)),
        ],
    )
    .await;
    let want = expected(&seeded, false, |i| {
        i.owner == "alice" && i.created_at >= pivot && i.created_at < later
    });
    assert_eq!(window, want);

    let offset_form = list_ids(&app, &[("created_after", &in_plus_two(pivot))]).await;
    assert_eq!(
        offset_form, after,
        "any RFC 3339 offset names the same instant"
    );
}

#[tokio::test]
async fn order_oldest_reverses_newest() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;

    let newest = list_ids(&app, &[("order", "newest")]).await;
    let oldest = list_ids(&app, &[("order", "oldest")]).await;
    let default = list_ids(&app, &[]).await;

    assert_eq!(newest, expected(&seeded, false, |i| i.owner == "alice"));
    assert_eq!(oldest, expected(&seeded, true, |i| i.owner == "alice"));
    assert_eq!(default, newest, "newest is the default");
}

#[tokio::test]
async fn listed_items_are_whole_images() {
    let app = spawn_app().await;
    seed(&app).await;

    let page: Value = app.list(&[]).await.json().await.unwrap();

    for item in page["items"].as_array().unwrap() {
        crate::helpers::assert_image_shape(item);
    }
    assert_eq!(
        page["next_cursor"],
        Value::Null,
        "5 images fit in the default limit of 10"
    );
}
