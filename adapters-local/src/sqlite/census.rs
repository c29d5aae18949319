//! The store's totals for the `lightbox_images_stored` gauges: one count over the covering index
//! `images_by_owner` (it holds `size_bytes`), so the table itself is not read.

use async_trait::async_trait;
use lightbox_ports::stored_image::Corrupt;
use lightbox_ports::{ImageCensus, RepoError, Usage};

use super::SqliteImageRepository;
use super::errors::from_sqlx;

/// Every image and the sum of their sizes, over every owner.
pub(super) const TOTALS_SQL: &str = "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM images";

#[async_trait]
impl ImageCensus for SqliteImageRepository {
    async fn totals(&self) -> Result<Usage, RepoError> {
        let (images, bytes): (i64, i64) = sqlx::query_as(TOTALS_SQL)
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)?;
        let count = |value: i64| {
            u64::try_from(value).map_err(|_| {
                RepoError::unavailable(Corrupt {
                    what: "the store's totals".to_owned(),
                    problem: "a count or size is negative".to_owned(),
                })
            })
        };
        Ok(Usage {
            images: count(images)?,
            bytes: count(bytes)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use lightbox_ports::ImageCensus;

    use super::*;

    #[tokio::test]
    async fn an_empty_store_counts_nothing() {
        let repository = SqliteImageRepository::in_memory().await.unwrap();
        assert_eq!(repository.totals().await.unwrap(), Usage::default());
    }

    #[tokio::test]
    async fn the_count_reads_the_index_not_the_table() {
        use sqlx::Row;
        let repository = SqliteImageRepository::in_memory().await.unwrap();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {TOTALS_SQL}"
        )))
        .fetch_all(&repository.pool)
        .await
        .unwrap();
        let plan: Vec<String> = rows.iter().map(|row| row.get("detail")).collect();
        assert!(
            plan.iter().any(|step| step.contains("COVERING INDEX")),
            "{plan:?}"
        );
    }
}
