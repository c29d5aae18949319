//! The contract's routes that need a caller, as one table the identity and authorization tests
//! share: a route added to the contract is added here once and every identity case covers it.

use reqwest::{Method, Response};

use super::caller::Caller;
use super::fixtures::png;
use super::multipart::Form;
use super::served;

/// One request of the table.
#[derive(Debug, Clone)]
pub struct RouteCall {
    /// The method.
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// The body (empty for none).
    pub body: Vec<u8>,
    /// The body's `Content-Type`, if any.
    pub content_type: Option<String>,
}

impl RouteCall {
    fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            body: Vec::new(),
            content_type: None,
        }
    }

    fn with_body(mut self, body: Vec<u8>, content_type: String) -> Self {
        self.body = body;
        self.content_type = Some(content_type);
        self
    }

    /// Whether the route changes anything when it succeeds.
    pub fn writes(&self) -> bool {
        matches!(
            self.method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        )
    }

    /// `METHOD path`, for failure messages.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Sends the request as `caller`.
    pub async fn send(&self, caller: &Caller) -> Response {
        let mut request = caller
            .request(self.method.clone(), &self.path)
            .body(self.body.clone());
        if let Some(content_type) = &self.content_type {
            request = request.header("Content-Type", content_type);
        }
        request.send().await.expect("the request reaches the app")
    }
}

/// Every route that needs a caller, on image `id` where the route takes one; `owner` is whose
/// listing the `owner=` filter asks for.
pub fn protected_routes(id: &str, owner: &str) -> Vec<RouteCall> {
    let form = Form::with_file(png(4, 4));
    let multipart = form.content_type();
    let json = br#"{"title":"changed by someone"}"#.to_vec();
    let json_type = "application/json".to_owned();
    let image = format!("/api/v1/images/{id}");
    let routes = vec![
        RouteCall::new(Method::POST, "/api/v1/images/upload".to_owned())
            .with_body(form.body(), multipart.clone()),
        RouteCall::new(Method::POST, "/api/v1/images".to_owned()).with_body(form.body(), multipart),
        RouteCall::new(Method::GET, "/api/v1/images".to_owned()),
        RouteCall::new(Method::GET, format!("/api/v1/images?owner={owner}")),
        RouteCall::new(Method::GET, image.clone()),
        RouteCall::new(Method::HEAD, image.clone()),
        RouteCall::new(Method::PUT, image.clone()).with_body(json.clone(), json_type.clone()),
        RouteCall::new(Method::PATCH, image.clone()).with_body(json, json_type),
        RouteCall::new(Method::DELETE, image.clone()),
        RouteCall::new(Method::GET, format!("{image}/metadata")),
        RouteCall::new(Method::GET, format!("{image}/thumbnail")),
        RouteCall::new(Method::HEAD, format!("{image}/thumbnail?size=64")),
        RouteCall::new(Method::GET, "/api/v1/me".to_owned()),
    ];
    routes
        .into_iter()
        .filter(|route| served(&route.path))
        .collect()
}
