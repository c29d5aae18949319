//! Image and tag items: writing a record's attributes (with its index keys) and reading them
//! back. Numbers are DynamoDB numbers, timestamps microseconds since the epoch.

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::tags::Tag;
use lightbox_domain::text::title_search_key;
use lightbox_ports::RepoError;

use super::schema::{
    CREATED_KEY, IMAGE_SK, OWNER_CONTENT_TYPE_KEY, OWNER_KEY, OWNER_TAG_KEY, OWNER_VISIBILITY_KEY,
    PK, SK, TITLE_KEY, created_key, image_pk, owner_content_type_key, owner_key, owner_tag_key,
    owner_visibility_key, position_of, tag_sk,
};
use lightbox_ports::stored_image::{Corrupt, StoredImage};

/// An item as the SDK carries it.
pub(super) type Item = HashMap<String, AttributeValue>;

const ID: &str = "id";
const OWNER: &str = "owner";
const TITLE: &str = "title";
const DESCRIPTION: &str = "description";
const VISIBILITY: &str = "visibility";
const CONTENT_TYPE: &str = "content_type";
const SIZE_BYTES: &str = "size_bytes";
const WIDTH: &str = "width";
const HEIGHT: &str = "height";
const SHA256: &str = "sha256";
const ORIGINAL_FILENAME: &str = "original_filename";
pub(super) const CREATED_AT: &str = "created_at";
const UPDATED_AT: &str = "updated_at";
pub(super) const VERSION: &str = "version";
pub(super) const BLURHASH: &str = "blurhash";
const TAGS: &str = "tags";

pub(super) fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

pub(super) fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

/// The key of the image item of `id`.
pub(super) fn image_key(id: &ImageId) -> Item {
    HashMap::from([
        (PK.to_owned(), s(image_pk(id))),
        (SK.to_owned(), s(IMAGE_SK)),
    ])
}

/// The key of the tag item of `tag` on image `id`.
pub(super) fn tag_key(id: &ImageId, tag: &Tag) -> Item {
    HashMap::from([
        (PK.to_owned(), s(image_pk(id))),
        (SK.to_owned(), s(tag_sk(tag))),
    ])
}

/// The full image item of `record`, with the keys of every index it belongs in.
pub(super) fn image_item(record: &ImageRecord) -> Item {
    let stored = StoredImage::from_record(record);
    let mut item = image_key(&record.id);
    item.extend(index_keys(record));
    let mut put = |name: &str, value: AttributeValue| {
        item.insert(name.to_owned(), value);
    };
    put(ID, s(stored.id.hyphenated().to_string()));
    put(OWNER, s(stored.owner_id));
    put(VISIBILITY, s(stored.visibility));
    put(CONTENT_TYPE, s(stored.content_type));
    put(SIZE_BYTES, n(stored.size_bytes));
    put(WIDTH, n(stored.width));
    put(HEIGHT, n(stored.height));
    put(SHA256, s(stored.sha256));
    put(CREATED_AT, n(stored.created_at));
    put(UPDATED_AT, n(stored.updated_at));
    put(VERSION, n(stored.version));
    put(
        TAGS,
        AttributeValue::L(stored.tags.into_iter().map(s).collect()),
    );
    for (name, value) in [
        (TITLE, stored.title),
        (DESCRIPTION, stored.description),
        (ORIGINAL_FILENAME, stored.original_filename),
        (BLURHASH, stored.blurhash),
    ] {
        if let Some(value) = value {
            put(name, s(value));
        }
    }
    item
}

/// The index keys of an image item. The title key is absent for an untitled image, which keeps
/// it out of the title index.
fn index_keys(record: &ImageRecord) -> Item {
    let owner = &record.owner;
    let mut keys = HashMap::from([
        (OWNER_KEY.to_owned(), s(owner_key(owner))),
        (
            CREATED_KEY.to_owned(),
            s(created_key(position_of(record.created_at, &record.id))),
        ),
        (
            OWNER_VISIBILITY_KEY.to_owned(),
            s(owner_visibility_key(owner, record.metadata.visibility)),
        ),
        (
            OWNER_CONTENT_TYPE_KEY.to_owned(),
            s(owner_content_type_key(owner, record.content.format)),
        ),
    ]);
    if let Some(title) = &record.metadata.title {
        keys.insert(TITLE_KEY.to_owned(), s(title_search_key(title.as_str())));
    }
    keys
}

/// The tag item of `tag` on `record`. Its owner and creation time never change, so neither does
/// the item: updates only add and remove tag items.
pub(super) fn tag_item(record: &ImageRecord, tag: &Tag) -> Item {
    let mut item = tag_key(&record.id, tag);
    item.insert(
        OWNER_TAG_KEY.to_owned(),
        s(owner_tag_key(&record.owner, tag)),
    );
    item.insert(
        CREATED_KEY.to_owned(),
        s(created_key(position_of(record.created_at, &record.id))),
    );
    item
}

/// The record an image item holds.
///
/// # Errors
/// [`RepoError::Unavailable`] with a [`Corrupt`] cause when the item is not one this adapter
/// wrote.
pub(super) fn record_of(item: &Item) -> Result<ImageRecord, RepoError> {
    stored_of(item)
        .and_then(StoredImage::into_record)
        .map_err(RepoError::unavailable)
}

fn stored_of(item: &Item) -> Result<StoredImage, Corrupt> {
    let what = || {
        let key = item
            .get(PK)
            .and_then(|v| v.as_s().ok())
            .map_or("?", String::as_str);
        format!("image item {key}")
    };
    let corrupt = |field: &str, problem: &str| Corrupt {
        what: what(),
        problem: format!("{field}: {problem}"),
    };
    let text = |field: &str| -> Result<String, Corrupt> {
        optional_text(item, field)?.ok_or_else(|| corrupt(field, "missing"))
    };
    let id_text = text(ID)?;
    let id = uuid::Uuid::try_parse(&id_text).map_err(|e| corrupt(ID, &e.to_string()))?;
    let tags = match item.get(TAGS) {
        Some(AttributeValue::L(values)) => values
            .iter()
            .map(|value| {
                value
                    .as_s()
                    .cloned()
                    .map_err(|_| corrupt(TAGS, "not a string"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(corrupt(TAGS, "not a list")),
        None => Vec::new(),
    };
    Ok(StoredImage {
        id,
        owner_id: text(OWNER)?,
        title: optional_text(item, TITLE)?,
        description: optional_text(item, DESCRIPTION)?,
        visibility: text(VISIBILITY)?,
        content_type: text(CONTENT_TYPE)?,
        size_bytes: number(item, SIZE_BYTES)?,
        width: number(item, WIDTH)?,
        height: number(item, HEIGHT)?,
        sha256: text(SHA256)?,
        original_filename: optional_text(item, ORIGINAL_FILENAME)?,
        created_at: number(item, CREATED_AT)?,
        updated_at: number(item, UPDATED_AT)?,
        version: number(item, VERSION)?,
        blurhash: optional_text(item, BLURHASH)?,
        tags,
    })
}

/// A string attribute, if present.
pub(super) fn optional_text(item: &Item, field: &str) -> Result<Option<String>, Corrupt> {
    match item.get(field) {
        None => Ok(None),
        Some(AttributeValue::S(text)) => Ok(Some(text.clone())),
        Some(_) => Err(Corrupt {
            what: format!("item attribute {field}"),
            problem: "not a string".to_owned(),
        }),
    }
}

/// A number attribute that must be present and fit `T`.
pub(super) fn number<T: FromStr>(item: &Item, field: &str) -> Result<T, Corrupt> {
    let corrupt = |problem: &str| Corrupt {
        what: format!("item attribute {field}"),
        problem: problem.to_owned(),
    };
    match item.get(field) {
        Some(AttributeValue::N(text)) => text.parse().map_err(|_| corrupt("out of range")),
        Some(_) => Err(corrupt("not a number")),
        None => Err(corrupt("missing")),
    }
}
