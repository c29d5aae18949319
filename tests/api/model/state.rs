//! The in-memory model: what the service should hold, and what each listing should answer.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::ops::{FORMATS, ListQuery, PREFIXES, USERS, tags_of};

/// One image as the model knows it.
#[derive(Debug, Clone)]
pub struct ModelImage {
    pub id: String,
    pub owner: usize,
    pub title: Option<String>,
    pub tags: BTreeSet<String>,
    pub public: bool,
    pub content_type: &'static str,
    /// As the server returned it: ties within a microsecond are broken by id.
    pub created_at: DateTime<Utc>,
    pub version: u64,
    pub deleted: bool,
}

/// Every image uploaded during a case, deleted ones kept (and marked) so that later operations
/// can target them and expect 404.
#[derive(Debug, Default)]
pub struct Model {
    pub images: Vec<ModelImage>,
}

impl Model {
    /// The ids a full cursor walk of `query` must visit, in order.
    pub fn expected(&self, query: &ListQuery) -> Vec<String> {
        let owner = query.owner.unwrap_or(query.viewer);
        let wanted_tags = tags_of(query.tags);
        let prefix = query.title.map(|i| PREFIXES[i].to_lowercase());
        let mut matching: Vec<&ModelImage> = self
            .images
            .iter()
            .filter(|image| !image.deleted && image.owner == owner)
            .filter(|image| owner == query.viewer || image.public)
            .filter(|image| wanted_tags.iter().all(|tag| image.tags.contains(*tag)))
            .filter(|image| match &prefix {
                None => true,
                Some(prefix) => image
                    .title
                    .as_deref()
                    .is_some_and(|title| title.to_lowercase().starts_with(prefix)),
            })
            .filter(|image| query.public.is_none_or(|public| image.public == public))
            .filter(|image| {
                query
                    .format
                    .is_none_or(|format| image.content_type == FORMATS[format])
            })
            .collect();
        matching.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        if !query.oldest {
            matching.reverse();
        }
        matching.into_iter().map(|image| image.id.clone()).collect()
    }

    /// The query string of `query` (without `limit` and `cursor`).
    pub fn params(query: &ListQuery) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(owner) = query.owner {
            params.push(("owner", USERS[owner].to_owned()));
        }
        let tags: Vec<String> = tags_of(query.tags)
            .into_iter()
            .map(|tag| {
                if query.shout {
                    tag.to_uppercase()
                } else {
                    tag.to_owned()
                }
            })
            .collect();
        if query.joined && !tags.is_empty() {
            params.push(("tags", tags.join(",")));
        } else {
            params.extend(tags.into_iter().map(|tag| ("tag", tag)));
        }
        if let Some(title) = query.title {
            params.push(("title", PREFIXES[title].to_owned()));
        }
        if let Some(public) = query.public {
            params.push((
                "visibility",
                if public { "public" } else { "private" }.to_owned(),
            ));
        }
        if let Some(format) = query.format {
            params.push(("content_type", FORMATS[format].to_owned()));
        }
        params.push((
            "order",
            if query.oldest { "oldest" } else { "newest" }.to_owned(),
        ));
        params
    }
}
