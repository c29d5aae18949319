//! Reading images back: one by id, a page of a listing, and an owner's usage.
//!
//! A record is its `images` row plus its `image_tags` rows, read by two statements; both run in
//! one read transaction so they see the same snapshot of the database (WAL gives each read
//! transaction a fixed view), and a record is never assembled from before and after an update.

use std::collections::HashMap;

use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::listing::ListQuery;
use lightbox_ports::{RepoError, Usage};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use uuid::Uuid;

use super::errors::from_sqlx;
use super::list_sql::{image_columns, list_statement};
use lightbox_ports::stored_image::Corrupt;

use super::stored::ImageRow;

pub(super) async fn get(pool: &SqlitePool, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
    let mut transaction = pool.begin().await.map_err(from_sqlx)?;
    let row: Option<ImageRow> = sqlx::query_as(concat!(
        "SELECT ",
        image_columns!(),
        " FROM images AS i WHERE i.id = ?"
    ))
    .bind(*id.as_uuid())
    .fetch_optional(&mut *transaction)
    .await
    .map_err(from_sqlx)?;
    let records = with_tags(&mut transaction, row.into_iter().collect()).await?;
    transaction.commit().await.map_err(from_sqlx)?;
    Ok(records.into_iter().next())
}

pub(super) async fn list(
    pool: &SqlitePool,
    query: &ListQuery,
) -> Result<Vec<ImageRecord>, RepoError> {
    let mut transaction = pool.begin().await.map_err(from_sqlx)?;
    let mut statement = list_statement("", query);
    let rows: Vec<ImageRow> = statement
        .build_query_as()
        .fetch_all(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
    let records = with_tags(&mut transaction, rows).await?;
    transaction.commit().await.map_err(from_sqlx)?;
    Ok(records)
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

/// Completes `rows` with their tags, read in one statement for all of them, and turns them into
/// domain records in their order.
pub(super) async fn with_tags(
    connection: &mut SqliteConnection,
    rows: Vec<ImageRow>,
) -> Result<Vec<ImageRecord>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut tags = tags_of(connection, &ids).await?;
    rows.into_iter()
        .map(|mut row| {
            row.tags = tags.remove(&row.id).unwrap_or_default();
            row.into_record().map_err(RepoError::unavailable)
        })
        .collect()
}

async fn tags_of(
    connection: &mut SqliteConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, RepoError> {
    let mut tags: HashMap<Uuid, Vec<String>> = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(tags);
    }
    let mut statement: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT image_id, tag FROM image_tags WHERE image_id IN (");
    let mut list = statement.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    statement.push(")");
    let rows: Vec<(Uuid, String)> = statement
        .build_query_as()
        .fetch_all(connection)
        .await
        .map_err(from_sqlx)?;
    for (id, tag) in rows {
        tags.entry(id).or_default().push(tag);
    }
    Ok(tags)
}
