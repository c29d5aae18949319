//! Reading images back: one by id, a page of a listing, and an owner's usage.
//!
//! A record is its `images` row plus its `image_tags` rows, read by one statement (the tags are
//! gathered by a subquery, see `image_columns!`): a statement sees one snapshot of the database,
//! so a record is never assembled from before and after an update, and each read is a single
//! round trip to SQLite's connection thread.

use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::listing::ListQuery;
use lightbox_ports::{RepoError, Usage};
use sqlx::{Sqlite, SqlitePool};

use super::errors::from_sqlx;
use super::list_sql::{image_columns, list_statement};
use lightbox_ports::stored_image::Corrupt;

use super::stored::TaggedRow;

/// The record with this id, read through `executor` (the pool, or a transaction that must see it).
pub(super) async fn get<'c>(
    executor: impl sqlx::Executor<'c, Database = Sqlite>,
    id: &ImageId,
) -> Result<Option<ImageRecord>, RepoError> {
    let row: Option<TaggedRow> = sqlx::query_as(concat!(
        "SELECT ",
        image_columns!(),
        " FROM images AS i WHERE i.id = ?"
    ))
    .bind(*id.as_uuid())
    .fetch_optional(executor)
    .await
    .map_err(from_sqlx)?;
    row.map(into_record).transpose()
}

pub(super) async fn list(
    pool: &SqlitePool,
    query: &ListQuery,
) -> Result<Vec<ImageRecord>, RepoError> {
    let mut statement = list_statement("", query);
    let rows: Vec<TaggedRow> = statement
        .build_query_as()
        .fetch_all(pool)
        .await
        .map_err(from_sqlx)?;
    rows.into_iter().map(into_record).collect()
}

/// The domain record of a row read with its tags.
pub(super) fn into_record(row: TaggedRow) -> Result<ImageRecord, RepoError> {
    row.into_record().map_err(RepoError::unavailable)
}

/// An owner's image count and total size, served entirely by the covering index
/// `images_by_owner` (checked by the query-plan tests).
pub(super) const USAGE_SQL: &str =
    "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM images WHERE owner_id = ?";

/// An owner's usage, read through `executor` (the pool, or a transaction that must see it).
pub(super) async fn usage<'c>(
    executor: impl sqlx::Executor<'c, Database = Sqlite>,
    owner: &OwnerId,
) -> Result<Usage, RepoError> {
    let (images, bytes): (i64, i64) = sqlx::query_as(USAGE_SQL)
        .bind(owner.as_str())
        .fetch_one(executor)
        .await
        .map_err(from_sqlx)?;
    let count = |value: i64| {
        u64::try_from(value).map_err(|_| {
            RepoError::unavailable(Corrupt {
                what: format!("the usage of {owner}"),
                problem: "a count or size is negative".to_owned(),
            })
        })
    };
    Ok(Usage {
        images: count(images)?,
        bytes: count(bytes)?,
    })
}
