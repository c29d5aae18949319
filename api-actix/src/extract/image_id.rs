//! The `{id}` path segment as an [`ImageId`]. Handlers list it after [`Caller`], and actix
//! extracts in argument order, so a caller without identity gets 401 before a bad id gets 400.
//!
//! [`Caller`]: super::Caller

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use lightbox_domain::ids::ImageId;

use crate::problem::{ApiError, ErrorCode};

/// The image id from the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathImageId(pub ImageId);

impl FromRequest for PathImageId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match request.match_info().get("id") {
            Some(text) => ImageId::parse(text)
                .map(PathImageId)
                .map_err(ApiError::from),
            None => Err(ApiError::new(
                ErrorCode::InvalidId,
                "the path has no image id",
            )),
        };
        ready(parsed)
    }
}
