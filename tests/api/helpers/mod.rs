//! Shared test machinery: the spawned app, one method per endpoint, fixtures and assertions.

mod app;
mod caller;
mod content_url;
mod exif;
mod exposition;
mod failures;
mod files;
pub mod fixtures;
mod flows;
pub mod hostile;
mod image_json;
pub mod jwt;
mod multipart;
mod problem;
pub mod raw_http;
mod routes;
mod storage;

/// Whether this build serves `GET /api/v1/images/{id}/thumbnail`. The image pipeline brings the
/// route; until then the route tables of the identity, id, routing and OpenAPI tests leave it out,
/// and the thumbnail tests themselves are ignored with that reason. Flip it with the route.
pub const THUMBNAIL_ROUTE_SERVED: bool = true;

/// Leaves the thumbnail route out of a route table while this build does not serve it.
pub fn served(path: &str) -> bool {
    THUMBNAIL_ROUTE_SERVED || !path.contains("/thumbnail")
}

pub use app::{ALICE, BOB, TestApp, spawn_app, spawn_app_with, spawn_app_with_faults};
pub use caller::Caller;
pub use content_url::content_url;
pub use exif::{
    SECRET_TEXT, exif_fields, jpeg_orientation, jpeg_with_metadata, jpeg_with_orientation,
    png_with_text_chunk,
};
pub use exposition::Scrape;
pub use failures::Failures;
pub use files::files_under;
pub use flows::{
    ids_of, list_ids, unknown_id, upload_image, upload_png, walk_pages, walk_pages_raw,
};
pub use image_json::{assert_image_shape, parse_timestamp};
pub use multipart::Form;
pub use problem::{assert_head_problem, assert_problem, assert_problem_for, check_problem};
pub use routes::protected_routes;
pub use storage::{TestStorage, aws_requested};
