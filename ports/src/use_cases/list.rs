//! Listing: one page of the images matching a filter, with a cursor to the next page.

use lightbox_domain::cursor::{self, CursorScope};
use lightbox_domain::ids::OwnerId;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::listing::{ListFilter, ListQuery, PageLimit, PagePosition, SortOrder};

use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// A page request as the client made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    /// The caller.
    pub viewer: OwnerId,
    /// The filter as asked (the owner defaults to the caller before this point).
    pub filter: ListFilter,
    /// The order.
    pub order: SortOrder,
    /// The page size.
    pub limit: PageLimit,
    /// The cursor from the previous page, if any.
    pub cursor: Option<String>,
}

/// One page of images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The images, in order.
    pub items: Vec<ImageRecord>,
    /// The cursor to the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Why a listing was refused.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The cursor is malformed, altered, or was made for other filters.
    #[error("the cursor is malformed, altered, or was made for other filters")]
    InvalidCursor,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ImageService {
    /// One page of the images `request.viewer` may see that match the filter.
    ///
    /// A caller listing another owner sees only that owner's public images. The page holds
    /// exactly `limit` images unless it is the last; `next_cursor` is set only when more exist.
    ///
    /// # Errors
    /// [`ListError::InvalidCursor`]; [`ListError::Storage`].
    pub async fn list(&self, request: ListRequest) -> Result<Page, ListError> {
        let scope = CursorScope {
            viewer: &request.viewer,
            filter: &request.filter,
            order: request.order,
        };
        let key = &self.settings.signing_key;
        let after = match &request.cursor {
            Some(text) => {
                Some(cursor::decode(text, scope, key).map_err(|_| ListError::InvalidCursor)?)
            }
            None => None,
        };
        let Some(filter) = request.filter.clone().restricted_to(&request.viewer) else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let query = ListQuery {
            filter,
            order: request.order,
            limit: request.limit,
            after,
        };
        let mut items = self
            .repository
            .list(&query)
            .await
            .map_err(StorageError::from)?;
        let more = items.len() > request.limit.get();
        items.truncate(request.limit.get());
        self.fill_missing_blurhashes(&items);
        let next_cursor = match items.last() {
            Some(last) if more => {
                let position = PagePosition {
                    created_at: last.created_at,
                    id: last.id,
                };
                Some(cursor::encode(&position, scope, key))
            }
            _ => None,
        };
        Ok(Page { items, next_cursor })
    }
}
