//! The caller's identity (header mode): taking it as an extractor means a handler that needs a
//! caller cannot forget to check for one.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use lightbox_domain::ids::OwnerId;

use crate::problem::{ApiError, ErrorCode};

/// The header a trusted gateway sets to the authenticated user's id.
pub const USER_ID_HEADER: &str = "X-User-ID";

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller(pub OwnerId);

impl Caller {
    /// Reads the caller from the request's headers.
    ///
    /// # Errors
    /// `401 unauthenticated` when the header is missing, repeated, or not a valid user id.
    pub fn from_headers(request: &HttpRequest) -> Result<Self, ApiError> {
        let mut values = request.headers().get_all(USER_ID_HEADER);
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(unauthenticated(format!(
                "send your user id in the {USER_ID_HEADER} header, once"
            )));
        };
        let text = value
            .to_str()
            .map_err(|_| unauthenticated(format!("{USER_ID_HEADER} must be visible ASCII")))?;
        OwnerId::parse(text)
            .map(Caller)
            .map_err(|error| unauthenticated(format!("{USER_ID_HEADER} is invalid: {error}")))
    }

    /// The caller's id.
    pub fn id(&self) -> &OwnerId {
        &self.0
    }
}

fn unauthenticated(detail: String) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, detail)
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_headers(request))
    }
}
