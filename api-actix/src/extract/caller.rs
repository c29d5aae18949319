//! The caller's identity, decided here and nowhere else: the `X-User-ID` header in header mode,
//! the `sub` of a verified bearer JWT in jwt mode (where `X-User-ID` is ignored). Taking it as an
//! extractor means a handler that needs a caller cannot forget to check for one.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use lightbox_domain::ids::OwnerId;

use crate::auth::{Authentication, JwtVerifier, TokenRejection};
use crate::problem::{ApiError, ErrorCode};

/// The header a trusted gateway sets to the authenticated user's id (header mode).
pub const USER_ID_HEADER: &str = "X-User-ID";

/// The challenge of a request that sent no bearer token (no `Authorization`, or another scheme).
///
/// RFC 6750 §3.1: a request lacking any authentication information gets no error code, so a
/// careful client can tell "you sent nothing, obtain a token" from "your token is bad, refresh
/// it" (`error="invalid_token"`, [`invalid_token_challenge`]).
const MISSING_TOKEN_CHALLENGE: &str = "Bearer";

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller(pub OwnerId);

impl Caller {
    /// Decides who sent `request`, in the auth mode registered as app data.
    ///
    /// # Errors
    /// `401 unauthenticated` when the request does not identify a caller (in jwt mode with a
    /// `WWW-Authenticate: Bearer` challenge); `500 internal_error` when the app was built without
    /// an [`Authentication`], which must never let a request through.
    pub fn identify(request: &HttpRequest) -> Result<Self, ApiError> {
        let Some(authentication) = request.app_data::<web::Data<Authentication>>() else {
            return Err(ApiError::new(
                ErrorCode::InternalError,
                "the server cannot authenticate callers",
            )
            .with_cause("no Authentication is registered as app data"));
        };
        match authentication.get_ref() {
            Authentication::Header => Self::from_user_id_header(request),
            Authentication::Jwt(verifier) => Self::from_bearer_token(request, verifier),
        }
    }

    /// The caller's id.
    pub fn id(&self) -> &OwnerId {
        &self.0
    }

    /// Header mode: `X-User-ID`, exactly once, valid.
    fn from_user_id_header(request: &HttpRequest) -> Result<Self, ApiError> {
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

    /// Jwt mode: `Authorization: Bearer <JWT>`, exactly once, verified.
    fn from_bearer_token(request: &HttpRequest, verifier: &JwtVerifier) -> Result<Self, ApiError> {
        let mut values = request.headers().get_all(header::AUTHORIZATION);
        let (first, second) = (values.next(), values.next());
        let Some(value) = first else {
            return Err(missing_token(
                "send a bearer token: Authorization: Bearer <JWT>",
            ));
        };
        if second.is_some() {
            return Err(invalid_token("send one Authorization header, not several"));
        }
        let text = value
            .to_str()
            .map_err(|_| invalid_token("the Authorization header must be visible ASCII"))?;
        let (scheme, token) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
        // Auth schemes are case-insensitive (RFC 9110 §11.1).
        if !scheme.eq_ignore_ascii_case("Bearer") {
            return Err(missing_token(
                "only bearer tokens are accepted: Authorization: Bearer <JWT>",
            ));
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(invalid_token("the Authorization header carries no token"));
        }
        match verifier.verify(token) {
            Ok(owner) => Ok(Caller(owner)),
            Err(rejection @ TokenRejection::KeyUnusable(_)) => Err(ApiError::new(
                ErrorCode::InternalError,
                "the server could not verify the token",
            )
            .with_cause(rejection)),
            Err(rejection) => Err(invalid_token(&rejection.to_string())),
        }
    }
}

fn unauthenticated(detail: String) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, detail)
}

/// 401 for a request with no bearer token: a plain `Bearer` challenge.
fn missing_token(detail: &str) -> ApiError {
    unauthenticated(detail.to_owned()).with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(MISSING_TOKEN_CHALLENGE),
    )
}

/// 401 for a bearer token that is malformed, forged, expired or otherwise refused.
fn invalid_token(detail: &str) -> ApiError {
    unauthenticated(detail.to_owned())
        .with_header(header::WWW_AUTHENTICATE, invalid_token_challenge(detail))
}

/// `Bearer error="invalid_token", error_description="…"` (RFC 6750 §3). The description may hold
/// only printable ASCII without `"` and `\`; anything else is dropped from it.
fn invalid_token_challenge(description: &str) -> HeaderValue {
    let description: String = description
        .chars()
        .filter(|c| matches!(c, ' '..='~') && !matches!(c, '"' | '\\'))
        .collect();
    HeaderValue::from_str(&format!(
        "Bearer error=\"invalid_token\", error_description=\"{description}\""
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The rate limiter, when on, has identified the caller already.
        if let Some(caller) = request.extensions().get::<Caller>() {
            return ready(Ok(caller.clone()));
        }
        ready(Self::identify(request))
    }
}
