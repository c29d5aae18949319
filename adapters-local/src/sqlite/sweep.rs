//! Reads for the operators' passes over the whole store: which of a batch of ids have a record
//! (garbage collection), and every record once, page by page in id order (scrub, migration).
//!
//! A sweep's position is the last visited id as hyphenated text, and the next page is the rows
//! with a greater id, served by the primary key's index: a page costs the same wherever it is,
//! and records created or deleted meanwhile never shift the others.

use std::collections::HashSet;

use lightbox_domain::ids::ImageId;
use lightbox_ports::failure::Cause;
use lightbox_ports::{RepoError, SweepPage, SweepPosition};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use uuid::Uuid;

use super::errors::from_sqlx;
use super::list_sql::image_columns;
use super::read::into_record;
use super::stored::TaggedRow;

/// The ids among `ids` that have a record, in one statement.
pub(super) async fn existing_ids(
    pool: &SqlitePool,
    ids: &[ImageId],
) -> Result<HashSet<ImageId>, RepoError> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let mut statement: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT id FROM images WHERE id IN (");
    let mut list = statement.separated(", ");
    for id in ids {
        list.push_bind(*id.as_uuid());
    }
    statement.push(")");
    let found: Vec<(Uuid,)> = statement
        .build_query_as()
        .fetch_all(pool)
        .await
        .map_err(from_sqlx)?;
    Ok(found
        .into_iter()
        .map(|(id,)| ImageId::from_uuid(id))
        .collect())
}

/// Up to `limit` records with ids after `from`'s, in id order, with their tags.
pub(super) async fn sweep(
    pool: &SqlitePool,
    from: Option<SweepPosition>,
    limit: u32,
) -> Result<SweepPage, RepoError> {
    let after = from.as_ref().map(position_id).transpose()?;
    // A page of nothing could never move the sweep forward.
    let limit = limit.max(1);
    let mut statement = sweep_statement("", after, limit);
    let mut rows: Vec<TaggedRow> = statement
        .build_query_as()
        .fetch_all(pool)
        .await
        .map_err(from_sqlx)?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more
        .then(|| {
            rows.last()
                .map(|row| SweepPosition(row.id().hyphenated().to_string()))
        })
        .flatten();
    let records = rows
        .into_iter()
        .map(into_record)
        .collect::<Result<_, _>>()?;
    Ok(SweepPage { records, next })
}

/// The statement for one page of a sweep: up to `limit + 1` rows of `images` with ids after
/// `after`, in id order. `lead` is put before it (empty to run it, `EXPLAIN QUERY PLAN ` to
/// examine it).
pub(crate) fn sweep_statement(lead: &str, after: Option<Uuid>, limit: u32) -> QueryBuilder<Sqlite> {
    let mut statement: QueryBuilder<Sqlite> = QueryBuilder::new(lead);
    statement.push(concat!("SELECT ", image_columns!(), " FROM images AS i"));
    if let Some(after) = after {
        statement.push(" WHERE i.id > ").push_bind(after);
    }
    // One row beyond the page tells whether another page exists, sparing the caller a last
    // round trip that finds nothing. Written, not bound, as in `list_sql`.
    statement
        .push(" ORDER BY i.id LIMIT ")
        .push(u64::from(limit) + 1);
    statement
}

/// The id a position names.
///
/// # Errors
/// [`RepoError::Unavailable`] for a position this repository did not make.
fn position_id(position: &SweepPosition) -> Result<Uuid, RepoError> {
    Uuid::try_parse(&position.0).map_err(|_| {
        RepoError::unavailable(Cause(
            "the sweep position is not one the SQLite repository made".to_owned(),
        ))
    })
}
