//! Reading image items by key in batches (`BatchGetItem`): for tag lists (a tag index holds
//! only keys, so a tag item never has to be rewritten when its image's metadata changes), and
//! for telling which of a batch of ids have a record (garbage collection).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_sdk_dynamodb::types::KeysAndAttributes;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::ImageRecord;
use lightbox_ports::RepoError;
use lightbox_ports::failure::Cause;

use super::DynamoImageRepository;
use super::errors::from_sdk;
use super::item::{Item, image_key, record_of, s};
use super::schema::{IMAGE_SK, PK, SK, image_pk};

/// Keys per `BatchGetItem` call: DynamoDB's maximum.
const BATCH: usize = 100;
/// Rounds of retrying the keys DynamoDB left unprocessed (it does under load or throttling).
const UNPROCESSED_ROUNDS: u32 = 8;

/// What a batch read returns of each item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attributes {
    /// Everything, to build records from.
    All,
    /// The partition key alone, to learn which items exist without paying for their bodies.
    PartitionKey,
}

/// The key of the image item a tag item belongs to (they share the partition key).
pub(super) fn image_key_of_tag_item(item: &Item) -> Option<Item> {
    let partition = item.get(PK)?.clone();
    Some(HashMap::from([
        (PK.to_owned(), partition),
        (SK.to_owned(), s(IMAGE_SK)),
    ]))
}

impl DynamoImageRepository {
    /// The records of the image items at `keys`, in the order of `keys`; keys with no item
    /// (images deleted meanwhile) are left out. Read consistently, so a record is never older
    /// than the tag index entry that led to it.
    pub(super) async fn images_by_key(
        &self,
        keys: Vec<Item>,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        let mut by_partition: HashMap<String, ImageRecord> = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(BATCH) {
            for item in self.batch_get(chunk.to_vec(), Attributes::All).await? {
                let partition = partition_of(&item)?;
                by_partition.insert(partition, record_of(&item)?);
            }
        }
        Ok(keys
            .iter()
            .filter_map(|key| {
                let partition = key.get(PK)?.as_s().ok()?;
                by_partition.remove(partition)
            })
            .collect())
    }

    /// Which of `ids` have an image item, read consistently: one `BatchGetItem` for up to
    /// [`BATCH`] ids (the port's batch), plus the retries of keys DynamoDB leaves unprocessed.
    pub(super) async fn existing_image_ids(
        &self,
        ids: &[ImageId],
    ) -> Result<HashSet<ImageId>, RepoError> {
        // BatchGetItem refuses a request that names one key twice.
        let wanted: HashMap<String, ImageId> = ids.iter().map(|id| (image_pk(id), *id)).collect();
        let keys: Vec<Item> = wanted.values().map(image_key).collect();
        let mut found = HashSet::with_capacity(keys.len());
        for chunk in keys.chunks(BATCH) {
            for item in self
                .batch_get(chunk.to_vec(), Attributes::PartitionKey)
                .await?
            {
                if let Some(id) = wanted.get(&partition_of(&item)?) {
                    found.insert(*id);
                }
            }
        }
        Ok(found)
    }

    /// The items at up to [`BATCH`] keys, retrying unprocessed keys with a growing pause.
    async fn batch_get(
        &self,
        mut keys: Vec<Item>,
        attributes: Attributes,
    ) -> Result<Vec<Item>, RepoError> {
        let mut found = Vec::with_capacity(keys.len());
        for round in 0..UNPROCESSED_ROUNDS {
            if keys.is_empty() {
                return Ok(found);
            }
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(20 << round)).await;
            }
            let mut request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(true);
            if attributes == Attributes::PartitionKey {
                request = request
                    .projection_expression("#pk")
                    .expression_attribute_names("#pk", PK);
            }
            let request = request.build().map_err(RepoError::unavailable)?;
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await
                .map_err(|error| from_sdk("BatchGetItem", error))?;
            if let Some(mut responses) = output.responses {
                found.extend(responses.remove(&self.table).unwrap_or_default());
            }
            keys = output
                .unprocessed_keys
                .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                .map(|left| left.keys)
                .unwrap_or_default();
        }
        if keys.is_empty() {
            return Ok(found);
        }
        Err(RepoError::unavailable(Cause(format!(
            "DynamoDB left {} keys unprocessed after {UNPROCESSED_ROUNDS} rounds of BatchGetItem",
            keys.len()
        ))))
    }
}

fn partition_of(item: &Item) -> Result<String, RepoError> {
    item.get(PK)
        .and_then(|value| value.as_s().ok())
        .cloned()
        .ok_or_else(|| RepoError::unavailable(Cause("an image item without its key".to_owned())))
}
