//! `sweep`: the operators' passes over the whole store (scrub, migration), by `Scan`.
//!
//! Architecture invariant: this is the only file of the crate that calls `Scan` (checked by
//! `no_scan_tests`). A sweep reads every record by definition, which no index can serve, and it
//! is never on a request path; everything a request does stays a `Query` or a read by key.
//!
//! The scan reads the base table consistently and keeps image items only (the table also holds
//! tag items, usage counters and idempotency claims; see `schema`). DynamoDB applies `Limit`
//! before the filter, so a page holds at most `limit` records and possibly none before the end.
//! The position is the scan's `LastEvaluatedKey` (the base table's `PK` and `SK`, both strings)
//! written as a JSON pair.

use std::collections::HashMap;

use lightbox_ports::failure::Cause;
use lightbox_ports::{RepoError, SweepPage, SweepPosition};

use super::DynamoImageRepository;
use super::errors::from_sdk;
use super::item::{Item, record_of, s};
use super::schema::{IMAGE_SK, PK, SK};

impl DynamoImageRepository {
    pub(super) async fn sweep_images(
        &self,
        from: Option<SweepPosition>,
        limit: u32,
    ) -> Result<SweepPage, RepoError> {
        let start = from.as_ref().map(start_key).transpose()?;
        // A page of nothing could never move the sweep forward; DynamoDB takes an i32.
        let limit = i32::try_from(limit.max(1)).unwrap_or(i32::MAX);
        let output = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression("#sk = :image")
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":image", s(IMAGE_SK))
            .consistent_read(true)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|error| from_sdk("Scan", error))?;
        let records = output
            .items
            .unwrap_or_default()
            .iter()
            .map(record_of)
            .collect::<Result<Vec<_>, _>>()?;
        let next = output
            .last_evaluated_key
            .as_ref()
            .map(position_of)
            .transpose()?;
        Ok(SweepPage { records, next })
    }
}

/// The position after the item whose key is `key`.
fn position_of(key: &Item) -> Result<SweepPosition, RepoError> {
    let text = |attribute: &str| {
        key.get(attribute)
            .and_then(|value| value.as_s().ok())
            .cloned()
            .ok_or_else(|| {
                RepoError::unavailable(Cause(format!(
                    "DynamoDB ended a scan page at a key without a string {attribute}"
                )))
            })
    };
    let pair = (text(PK)?, text(SK)?);
    serde_json::to_string(&pair)
        .map(SweepPosition)
        .map_err(RepoError::unavailable)
}

/// The scan's `ExclusiveStartKey` for `position`.
///
/// # Errors
/// [`RepoError::Unavailable`] for a position this repository did not make.
fn start_key(position: &SweepPosition) -> Result<Item, RepoError> {
    let (partition, sort): (String, String) = serde_json::from_str(&position.0).map_err(|_| {
        RepoError::unavailable(Cause(
            "the sweep position is not one the DynamoDB repository made".to_owned(),
        ))
    })?;
    Ok(HashMap::from([
        (PK.to_owned(), s(partition)),
        (SK.to_owned(), s(sort)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_through_their_text() {
        let key = HashMap::from([
            (PK.to_owned(), s("IDEM#owner#key \"quoted\"")),
            (SK.to_owned(), s("IDEM")),
        ]);
        let position = position_of(&key).unwrap();
        assert_eq!(start_key(&position).unwrap(), key);
    }

    #[test]
    fn a_foreign_position_is_refused() {
        for text in ["", "IMG#1", "[\"only one\"]", "{\"PK\":\"x\"}"] {
            assert!(
                matches!(
                    start_key(&SweepPosition(text.to_owned())),
                    Err(RepoError::Unavailable(_))
                ),
                "{text}"
            );
        }
    }
}
