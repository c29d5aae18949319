//! `list`: one `Query` path per query shape, filled across DynamoDB's result pages and the
//! in-memory filters until it holds `limit + 1` matches or the index range is exhausted.
//!
//! The access path is the most selective index the filter allows:
//! - a tag filter: [`BY_OWNER_TAG`] on the first tag, then the image items by key;
//! - else a title prefix: [`BY_OWNER_TITLE`] with `begins_with` (see [`DynamoImageRepository::list_by_title`]);
//! - else a content type: [`BY_OWNER_CONTENT_TYPE`]; else a visibility: [`BY_OWNER_VISIBILITY`];
//! - else [`BY_OWNER`].
//!
//! On every path but the title one, the key condition holds the `created_after`/`created_before`
//! bounds and the page position as one inclusive `BETWEEN` range of `created_key`s, and
//! `ScanIndexForward` gives the order, so a page is read in order and strictly after its
//! position. Exactly-once paging follows from that strict keyset bound alone: each call starts
//! from the `(created_at, id)` of the previous page's last record, never from DynamoDB's
//! `LastEvaluatedKey`, which is only used within one call. Every record is checked against the
//! whole filter (and the position) before it is returned, whichever parts the key already did.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::listing::{ListQuery, SortOrder, TitlePrefix};
use lightbox_domain::tags::Tag;
use lightbox_ports::RepoError;

use super::DynamoImageRepository;
use super::errors::from_sdk;
use super::item::{Item, record_of, s};
use super::schema::{
    BY_OWNER, BY_OWNER_CONTENT_TYPE, BY_OWNER_TAG, BY_OWNER_TITLE, BY_OWNER_VISIBILITY,
    CREATED_KEY, OWNER_CONTENT_TYPE_KEY, OWNER_KEY, OWNER_TAG_KEY, OWNER_VISIBILITY_KEY, TITLE_KEY,
    created_key, owner_content_type_key, owner_key, owner_tag_key, owner_visibility_key,
};
use super::window::{Window, matches};

/// Items asked of one `Query` call when the filter has parts the key does not apply: enough to
/// fill a page in one call usually, and the most one `BatchGetItem` takes for the tag path.
const FILTERED_BATCH: i32 = 100;

/// Which index serves a list, and with what partition key.
#[derive(Debug)]
struct Path {
    index: &'static str,
    partition_attribute: &'static str,
    partition: String,
    /// Whether the index holds tag items, whose images must be read by key.
    tags: bool,
    /// Whether the key condition applies the whole filter, so every item read is a match.
    exact: bool,
}

impl DynamoImageRepository {
    pub(super) async fn list_images(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        let filter = &query.filter;
        let path = if let Some(tag) = filter.tags.iter().next() {
            tag_path(query, tag)
        } else if let Some(prefix) = &filter.title_prefix {
            return self.list_by_title(query, prefix).await;
        } else if let Some(format) = filter.content_type {
            Path {
                index: BY_OWNER_CONTENT_TYPE,
                partition_attribute: OWNER_CONTENT_TYPE_KEY,
                partition: owner_content_type_key(&filter.owner, format),
                tags: false,
                exact: filter.visibility.is_none(),
            }
        } else if let Some(visibility) = filter.visibility {
            Path {
                index: BY_OWNER_VISIBILITY,
                partition_attribute: OWNER_VISIBILITY_KEY,
                partition: owner_visibility_key(&filter.owner, visibility),
                tags: false,
                exact: true,
            }
        } else {
            Path {
                index: BY_OWNER,
                partition_attribute: OWNER_KEY,
                partition: owner_key(&filter.owner),
                tags: false,
                exact: true,
            }
        };
        self.list_in_created_order(query, &path).await
    }

    /// Reads `path`'s index in the query's order within its window, until the page is full.
    async fn list_in_created_order(
        &self,
        query: &ListQuery,
        path: &Path,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        let wanted = query.limit.get() + 1;
        let Some(window) = Window::of(query) else {
            return Ok(Vec::new());
        };
        let mut page = Vec::with_capacity(wanted);
        let mut start = None;
        loop {
            let batch = if path.exact {
                i32::try_from(wanted - page.len()).unwrap_or(FILTERED_BATCH)
            } else {
                FILTERED_BATCH
            };
            let output = self
                .query_of(path.index)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", path.partition_attribute)
                .expression_attribute_names("#sk", CREATED_KEY)
                .expression_attribute_values(":pk", s(path.partition.clone()))
                .expression_attribute_values(":low", s(created_key(window.low)))
                .expression_attribute_values(":high", s(created_key(window.high)))
                .scan_index_forward(query.order == SortOrder::Oldest)
                .limit(batch)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|error| from_sdk("Query", error))?;
            let items = output.items.unwrap_or_default();
            let records = if path.tags {
                self.images_of_tag_items(&items).await?
            } else {
                items.iter().map(record_of).collect::<Result<_, _>>()?
            };
            for record in records {
                if matches(&record, query) {
                    page.push(record);
                    if page.len() == wanted {
                        return Ok(page);
                    }
                }
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(page);
            }
        }
    }

    /// A title-prefix list. DynamoDB cannot order a `begins_with` range by anything but the
    /// title, so this reads every image of the owner whose title starts with the prefix,
    /// filters, sorts by `(created_at, id)` in memory and keeps the page after the position: the
    /// cost is proportional to the prefix's matches (a short prefix of a large collection is the
    /// expensive case), never to all of the owner's images.
    async fn list_by_title(
        &self,
        query: &ListQuery,
        prefix: &TitlePrefix,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .query_of(BY_OWNER_TITLE)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", OWNER_KEY)
                .expression_attribute_names("#sk", TITLE_KEY)
                .expression_attribute_values(":pk", s(owner_key(&query.filter.owner)))
                .expression_attribute_values(":prefix", s(prefix.key()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|error| from_sdk("Query", error))?;
            for item in output.items.unwrap_or_default() {
                let record = record_of(&item)?;
                if matches(&record, query) {
                    found.push(record);
                }
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        found.sort_by_key(|record| (record.created_at, record.id));
        if query.order == SortOrder::Newest {
            found.reverse();
        }
        found.truncate(query.limit.get() + 1);
        Ok(found)
    }

    fn query_of(&self, index: &str) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(index)
    }

    /// The image records of tag items, in the items' order; images deleted meanwhile are left
    /// out.
    async fn images_of_tag_items(&self, items: &[Item]) -> Result<Vec<ImageRecord>, RepoError> {
        let keys: Vec<Item> = items
            .iter()
            .filter_map(super::batch::image_key_of_tag_item)
            .collect();
        self.images_by_key(keys).await
    }
}

fn tag_path(query: &ListQuery, tag: &Tag) -> Path {
    let filter = &query.filter;
    Path {
        index: BY_OWNER_TAG,
        partition_attribute: OWNER_TAG_KEY,
        partition: owner_tag_key(&filter.owner, tag),
        tags: true,
        exact: filter.tags.iter().len() == 1
            && filter.title_prefix.is_none()
            && filter.content_type.is_none()
            && filter.visibility.is_none(),
    }
}
