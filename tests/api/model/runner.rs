//! Runs one scenario against a fresh app, checking every answer against the model.

use std::collections::BTreeSet;

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use super::ops::{FORMATS, Op, TITLES, USERS, Update, Upload, tags_of};
use super::state::{Model, ModelImage};
use crate::helpers::fixtures::{
    gif_animated_seeded, jpeg_seeded, png_seeded, webp_lossless_seeded,
};
use crate::helpers::{Form, TestApp, parse_timestamp, spawn_app, walk_pages};

/// Runs `ops` in order; the first disagreement with the model fails the case.
pub async fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let app = spawn_app().await;
    let mut model = Model::default();
    for (step, op) in ops.into_iter().enumerate() {
        let seed = u32::try_from(step).unwrap_or(u32::MAX);
        match op {
            Op::Upload(upload_op) => upload(&app, &mut model, seed, &upload_op).await?,
            Op::Update(update_op) => {
                if model.images.is_empty() {
                    continue;
                }
                let index = update_op.target % model.images.len();
                update(&app, &mut model, index, &update_op).await?;
            }
            Op::Delete { target, by_owner } => {
                if model.images.is_empty() {
                    continue;
                }
                let index = target % model.images.len();
                delete(&app, &mut model, index, by_owner).await?;
            }
            Op::List(query) => {
                let params = Model::params(&query);
                let borrowed: Vec<(&str, &str)> = params
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .collect();
                let caller = app.as_user(USERS[query.viewer]);
                let walked: Vec<String> =
                    walk_pages(&caller, &borrowed, query.limit).await.concat();
                prop_assert_eq!(walked, model.expected(&query), "step {}: {:?}", step, query);
            }
        }
    }
    Ok(())
}

async fn upload(
    app: &TestApp,
    model: &mut Model,
    seed: u32,
    op: &Upload,
) -> Result<(), TestCaseError> {
    let Upload {
        user,
        title,
        tags,
        public,
        format,
    } = *op;
    let bytes = match FORMATS[format] {
        "image/png" => png_seeded(6, 6, seed),
        "image/jpeg" => jpeg_seeded(6, 6, seed),
        "image/gif" => gif_animated_seeded(6, 6, 2, seed),
        _ => webp_lossless_seeded(6, 6, seed),
    };
    let mut form = Form::with_file(bytes)
        .text("tags", &tags_of(tags).join(","))
        .text("visibility", if public { "public" } else { "private" });
    if let Some(title) = title {
        form = form.text("title", TITLES[title]);
    }
    let resp = app.as_user(USERS[user]).upload(&form).await;
    prop_assert_eq!(resp.status().as_u16(), 201, "upload");
    let image: Value = resp.json().await.expect("an Image");
    let expected_tags: Vec<&str> = tags_of(tags)
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    prop_assert_eq!(&image["tags"], &json!(expected_tags));
    prop_assert_eq!(&image["content_type"], FORMATS[format]);
    model.images.push(ModelImage {
        id: image["id"].as_str().expect("an id").to_owned(),
        owner: user,
        title: title.map(|t| TITLES[t].to_owned()),
        tags: tags_of(tags).into_iter().map(str::to_owned).collect(),
        public,
        content_type: FORMATS[format],
        created_at: parse_timestamp(image["created_at"].as_str().expect("created_at")),
        version: 1,
        deleted: false,
    });
    Ok(())
}

async fn update(
    app: &TestApp,
    model: &mut Model,
    index: usize,
    op: &Update,
) -> Result<(), TestCaseError> {
    let Update {
        by_owner,
        title,
        tags,
        public,
        ..
    } = *op;
    let target = &model.images[index];
    let actor = if by_owner {
        target.owner
    } else {
        1 - target.owner
    };
    let mut body = serde_json::Map::new();
    if let Some(title) = title {
        body.insert(
            "title".to_owned(),
            title.map_or(Value::Null, |t| json!(TITLES[t])),
        );
    }
    if let Some(tags) = tags {
        body.insert("tags".to_owned(), json!(tags_of(tags)));
    }
    if let Some(public) = public {
        body.insert(
            "visibility".to_owned(),
            json!(if public { "public" } else { "private" }),
        );
    }
    let method = if index.is_multiple_of(2) {
        Method::PUT
    } else {
        Method::PATCH
    };
    let resp = app
        .as_user(USERS[actor])
        .update_with(
            method,
            &target.id,
            Value::Object(body).to_string().into_bytes(),
            None,
        )
        .await;

    if target.deleted || !by_owner {
        prop_assert_eq!(
            resp.status().as_u16(),
            404,
            "update of a hidden or deleted image"
        );
        return Ok(());
    }
    prop_assert_eq!(resp.status().as_u16(), 200, "owner's update");
    let image: Value = resp.json().await.expect("an Image");
    let mut next = target.clone();
    if let Some(title) = title {
        next.title = title.map(|t| TITLES[t].to_owned());
    }
    if let Some(tags) = tags {
        next.tags = tags_of(tags).into_iter().map(str::to_owned).collect();
    }
    if let Some(public) = public {
        next.public = public;
    }
    let changed =
        next.title != target.title || next.tags != target.tags || next.public != target.public;
    next.version = target.version + u64::from(changed);
    prop_assert_eq!(
        image["version"].as_u64(),
        Some(next.version),
        "version after update"
    );
    prop_assert_eq!(image["title"].as_str(), next.title.as_deref());
    prop_assert_eq!(
        &image["created_at"],
        &json!(
            target
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        )
    );
    model.images[index] = next;
    Ok(())
}

async fn delete(
    app: &TestApp,
    model: &mut Model,
    index: usize,
    by_owner: bool,
) -> Result<(), TestCaseError> {
    let target = &model.images[index];
    let actor = if by_owner {
        target.owner
    } else {
        1 - target.owner
    };
    let resp = app.as_user(USERS[actor]).delete_image(&target.id).await;
    if target.deleted || !by_owner {
        prop_assert_eq!(
            resp.status().as_u16(),
            404,
            "delete of a hidden or deleted image"
        );
    } else {
        prop_assert_eq!(resp.status().as_u16(), 204, "owner's delete");
        model.images[index].deleted = true;
    }
    Ok(())
}
