//! Writing images: create (with its idempotency claim), conditional update, delete.
//!
//! Write transactions start with `BEGIN IMMEDIATE`, taking SQLite's write lock before their
//! first read: a concurrent writer then waits (up to the busy timeout) instead of both reading
//! the same state and one failing on upgrade, so "check the claim, then insert" and "check the
//! version, then rewrite tags" are each one serialized step.

use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::quota::Quota;
use lightbox_ports::failure::Cause;
use lightbox_ports::{CreateOutcome, IdempotencyClaim, ImportOutcome, RepoError};
use sqlx::{SqliteConnection, SqlitePool};

use super::errors::{from_sqlx, is_unique_violation};
use super::reserve::Reserve;
use super::{claims, read};
use lightbox_ports::stored_image::StoredImage;

use super::stored::ImageRow;

pub(super) async fn create(
    pool: &SqlitePool,
    image: &ImageRecord,
    claim: Option<&IdempotencyClaim>,
    quota: Quota,
) -> Result<CreateOutcome, RepoError> {
    let snapshot = StoredImage::from_record(image);
    let stored = ImageRow::from_stored(&snapshot)?;
    let mut transaction = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(from_sqlx)?;
    if let Some(claim) = claim {
        claims::purge_expired(&mut transaction, claim).await?;
        if let Some(outcome) = claims::outcome_of_live_claim(&mut transaction, claim).await? {
            // Committed rather than dropped, so that the purge above is kept.
            transaction.commit().await.map_err(from_sqlx)?;
            return Ok(outcome);
        }
    }
    // `BEGIN IMMEDIATE` holds the write lock from the start, so no other create can change the
    // usage between this read and the insert: the quota holds under any concurrency.
    if !quota.is_unlimited() {
        let usage = read::usage(&mut *transaction, &image.owner).await?;
        if let Err(breach) = quota.admits(usage.images, usage.bytes, image.content.size_bytes) {
            transaction.commit().await.map_err(from_sqlx)?;
            return Ok(CreateOutcome::QuotaExceeded { breach, usage });
        }
    }
    insert_image(&mut transaction, &stored).await?;
    insert_tags(&mut transaction, &stored).await?;
    if let Some(claim) = claim {
        claims::record(&mut transaction, claim, &snapshot).await?;
    }
    transaction.commit().await.map_err(from_sqlx)?;
    Ok(CreateOutcome::Created)
}

/// Stores records exactly as they are (ids, versions, timestamps) with their tags, all in one
/// transaction: either every record is stored or none is. No claims, no quota: this is the bulk
/// path for loading a store (benchmarks, moving a store), not for uploads.
pub(super) async fn import(pool: &SqlitePool, images: &[ImageRecord]) -> Result<(), RepoError> {
    let mut transaction = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(from_sqlx)?;
    for image in images {
        let stored = ImageRow::from_record(image)?;
        insert_image(&mut transaction, &stored).await?;
        insert_tags(&mut transaction, &stored).await?;
    }
    transaction.commit().await.map_err(from_sqlx)?;
    Ok(())
}

/// Stores one record as given, unless its id is taken: then says whether the stored record is
/// the same one (a rerun of a migration) or another. Usage needs nothing more: it is counted
/// from the `images` rows themselves.
pub(super) async fn import_one(
    pool: &SqlitePool,
    image: &ImageRecord,
) -> Result<ImportOutcome, RepoError> {
    let stored = ImageRow::from_record(image)?;
    let mut transaction = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(from_sqlx)?;
    match insert_image(&mut transaction, &stored).await {
        Ok(()) => {}
        Err(RepoError::AlreadyExists) => {
            // Read under the same write lock, so the record compared is the one that collided.
            let existing = read::get(&mut *transaction, &image.id).await?;
            transaction.commit().await.map_err(from_sqlx)?;
            return Ok(match existing {
                Some(existing) if existing == *image => ImportOutcome::AlreadyPresent,
                Some(existing) => ImportOutcome::Conflict(Box::new(existing)),
                // The write lock is held: a row that collided cannot have gone since.
                None => {
                    return Err(RepoError::unavailable(Cause(format!(
                        "importing image {}: the id collided but no record reads back",
                        image.id
                    ))));
                }
            });
        }
        Err(other) => return Err(other),
    }
    insert_tags(&mut transaction, &stored).await?;
    transaction.commit().await.map_err(from_sqlx)?;
    Ok(ImportOutcome::Inserted)
}

pub(super) async fn update(
    pool: &SqlitePool,
    image: &ImageRecord,
    expected: Version,
) -> Result<(), RepoError> {
    let stored = ImageRow::from_record(image)?;
    // A version beyond SQLite's integers cannot be stored, so it matches no row either way.
    let expected = i64::try_from(expected.get()).unwrap_or(i64::MAX);
    let mut transaction = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(from_sqlx)?;
    let updated = sqlx::query(
        "UPDATE images SET title = ?, title_key = ?, description = ?, visibility = ?, \
         updated_at = ?, version = ? WHERE id = ? AND version = ?",
    )
    .bind(&stored.title)
    .bind(stored.title_key())
    .bind(&stored.description)
    .bind(&stored.visibility)
    .bind(stored.updated_at)
    .bind(stored.version)
    .bind(stored.id)
    .bind(expected)
    .execute(&mut *transaction)
    .await
    .map_err(from_sqlx)?;
    if updated.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM images WHERE id = ?")
            .bind(stored.id)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        return Err(match exists {
            Some(_) => RepoError::VersionConflict,
            None => RepoError::NotFound,
        });
    }
    sqlx::query("DELETE FROM image_tags WHERE image_id = ?")
        .bind(stored.id)
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
    insert_tags(&mut transaction, &stored).await?;
    transaction.commit().await.map_err(from_sqlx)
}

pub(super) async fn delete(
    pool: &SqlitePool,
    reserve: &Reserve,
    id: &ImageId,
) -> Result<(), RepoError> {
    let deleted = delete_row(pool, id).await;
    match deleted {
        // Right after a full disk's delete there was no room to make the reserve again; a later
        // delete, once the earlier one's bytes are gone, makes it (and costs nothing otherwise).
        Ok(()) => {
            reserve.refill().await;
            Ok(())
        }
        // A delete is how a full disk gets room back, so it must not fail for want of room
        // itself: with the reserve's room given back, the log is emptied into the database file
        // and truncated, and the delete fits where the log was (see `reserve.rs`).
        Err(RepoError::InsufficientStorage) => {
            reserve.release().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
            {
                tracing::warn!(%error, "checkpointing the log on a full disk failed");
            }
            let deleted = delete_row(pool, id).await;
            reserve.refill().await;
            deleted
        }
        Err(other) => Err(other),
    }
}

async fn delete_row(pool: &SqlitePool, id: &ImageId) -> Result<(), RepoError> {
    // One statement, so no transaction is needed: the tags go with it through ON DELETE CASCADE.
    let deleted = sqlx::query("DELETE FROM images WHERE id = ?")
        .bind(*id.as_uuid())
        .execute(pool)
        .await
        .map_err(from_sqlx)?;
    if deleted.rows_affected() == 0 {
        return Err(RepoError::NotFound);
    }
    Ok(())
}

async fn insert_image(
    connection: &mut SqliteConnection,
    image: &ImageRow,
) -> Result<(), RepoError> {
    let inserted = sqlx::query(
        "INSERT INTO images (id, owner_id, title, title_key, description, visibility, \
         content_type, size_bytes, width, height, sha256, original_filename, created_at, \
         updated_at, version, blurhash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(image.id)
    .bind(&image.owner_id)
    .bind(&image.title)
    .bind(image.title_key())
    .bind(&image.description)
    .bind(&image.visibility)
    .bind(&image.content_type)
    .bind(image.size_bytes)
    .bind(image.width)
    .bind(image.height)
    .bind(&image.sha256)
    .bind(&image.original_filename)
    .bind(image.created_at)
    .bind(image.updated_at)
    .bind(image.version)
    .bind(&image.blurhash)
    .execute(connection)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Err(RepoError::AlreadyExists),
        Err(error) => Err(from_sqlx(error)),
    }
}

/// Inserts the tag rows of `image`, whose `images` row must exist. `owner_id`, `created_at`,
/// `visibility` and `title_key` are copied from that row in SQL, so the denormalized copies can
/// never disagree with it (an update rewrites the tag rows after the image row), and the tags
/// arrive as one JSON array so that any number of them is a single statement.
async fn insert_tags(connection: &mut SqliteConnection, image: &ImageRow) -> Result<(), RepoError> {
    if image.tags.is_empty() {
        return Ok(());
    }
    let tags = serde_json::to_string(&image.tags).map_err(RepoError::unavailable)?;
    sqlx::query(
        "INSERT INTO image_tags (image_id, tag, owner_id, created_at, visibility, title_key) \
         SELECT i.id, j.value, i.owner_id, i.created_at, i.visibility, i.title_key \
         FROM images AS i, json_each(?) AS j WHERE i.id = ?",
    )
    .bind(tags)
    .bind(image.id)
    .execute(connection)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

/// Fills in a missing blurhash; the version and `updated_at` stay as they are.
pub(super) async fn set_blurhash(
    pool: &SqlitePool,
    id: &ImageId,
    blurhash: &Blurhash,
) -> Result<(), RepoError> {
    sqlx::query("UPDATE images SET blurhash = ? WHERE id = ? AND blurhash IS NULL")
        .bind(blurhash.as_str())
        .bind(*id.as_uuid())
        .execute(pool)
        .await
        .map_err(from_sqlx)?;
    Ok(())
}
