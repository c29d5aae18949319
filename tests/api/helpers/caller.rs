//! One method per endpoint of the contract, each returning the raw `reqwest::Response`.

use reqwest::header::HeaderValue;
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;

use super::multipart::Form;

/// Someone calling the API: a user (`X-User-ID`, and/or `Authorization` in jwt mode), or nobody.
#[derive(Debug, Clone)]
pub struct Caller {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    user: Option<HeaderValue>,
    authorization: Option<HeaderValue>,
    client: Client,
}

impl Caller {
    pub(super) fn new(address: String, user: Option<&[u8]>) -> Self {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        Self {
            address,
            user: user.map(header_value),
            authorization: None,
            client,
        }
    }

    /// The same user on a connection pool of its own whose connections come from `local`, a
    /// loopback address other than 127.0.0.1, so the server sees another client address.
    pub fn connecting_from(&self, local: std::net::IpAddr) -> Self {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(local)
            .build()
            .expect("a reqwest client");
        Self {
            client,
            ..self.clone()
        }
    }

    /// The same caller's connection pool, acting as another user (or nobody).
    pub fn with_user(&self, user: Option<&[u8]>) -> Self {
        Self {
            user: user.map(header_value),
            ..self.clone()
        }
    }

    /// The same caller's connection pool and `X-User-ID`, sending `Authorization: <value>`
    /// (raw bytes, so malformed values can be sent), or no `Authorization` at all.
    pub fn with_authorization(&self, value: Option<&[u8]>) -> Self {
        Self {
            authorization: value.map(header_value),
            ..self.clone()
        }
    }

    /// The same caller's connection pool, with `Authorization: Bearer <token>` and no `X-User-ID`.
    pub fn with_bearer(&self, token: &str) -> Self {
        self.with_user(None)
            .with_authorization(Some(format!("Bearer {token}").as_bytes()))
    }

    /// A request to `path` with this caller's identity; for what no endpoint method covers.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{path}", self.address));
        self.identify(builder)
    }

    /// Adds this caller's identity headers to a request.
    fn identify(&self, mut builder: RequestBuilder) -> RequestBuilder {
        if let Some(user) = &self.user {
            builder = builder.header("X-User-ID", user.clone());
        }
        if let Some(authorization) = &self.authorization {
            builder = builder.header("Authorization", authorization.clone());
        }
        builder
    }

    /// `method path` with no body.
    pub async fn call(&self, method: Method, path: &str) -> Response {
        send(self.request(method, path)).await
    }

    /// `POST /api/v1/images/upload`.
    pub async fn upload(&self, form: &Form) -> Response {
        send(self.multipart(Method::POST, "/api/v1/images/upload", form)).await
    }

    /// `POST /api/v1/images`, the upload alias.
    pub async fn upload_alias(&self, form: &Form) -> Response {
        send(self.multipart(Method::POST, "/api/v1/images", form)).await
    }

    /// `POST /api/v1/images/upload` with an `Idempotency-Key`.
    pub async fn upload_with_key(&self, form: &Form, key: &str) -> Response {
        let request = self.multipart(Method::POST, "/api/v1/images/upload", form);
        send(request.header("Idempotency-Key", key)).await
    }

    /// `POST /api/v1/images/upload` with any body and `Content-Type` (or none).
    pub async fn upload_raw(&self, content_type: Option<&str>, body: Vec<u8>) -> Response {
        let mut request = self.request(Method::POST, "/api/v1/images/upload");
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        send(request.body(body)).await
    }

    /// `GET /api/v1/images?<query>`.
    pub async fn list(&self, query: &[(&str, &str)]) -> Response {
        send(self.request(Method::GET, "/api/v1/images").query(query)).await
    }

    /// `GET /api/v1/images/{id}`: the bytes.
    pub async fn get_image(&self, id: &str) -> Response {
        self.get_image_with(id, &[], &[]).await
    }

    /// `GET /api/v1/images/{id}?<query>` with extra request headers (`Range`, `If-None-Match`).
    pub async fn get_image_with(
        &self,
        id: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let request = self
            .request(Method::GET, &format!("/api/v1/images/{id}"))
            .query(query);
        send(with_headers(request, headers)).await
    }

    /// `HEAD /api/v1/images/{id}`.
    pub async fn head_image(&self, id: &str) -> Response {
        self.head_image_with(id, &[]).await
    }

    /// `HEAD /api/v1/images/{id}` with extra request headers.
    pub async fn head_image_with(&self, id: &str, headers: &[(&str, &str)]) -> Response {
        let request = self.request(Method::HEAD, &format!("/api/v1/images/{id}"));
        send(with_headers(request, headers)).await
    }

    /// `GET /api/v1/images/{id}/thumbnail?<query>`.
    pub async fn get_thumbnail(&self, id: &str, query: &[(&str, &str)]) -> Response {
        self.get_thumbnail_with(id, query, &[]).await
    }

    /// `GET /api/v1/images/{id}/thumbnail?<query>` with extra request headers.
    pub async fn get_thumbnail_with(
        &self,
        id: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let request = self
            .request(Method::GET, &format!("/api/v1/images/{id}/thumbnail"))
            .query(query);
        send(with_headers(request, headers)).await
    }

    /// `HEAD /api/v1/images/{id}/thumbnail?<query>`.
    pub async fn head_thumbnail(&self, id: &str, query: &[(&str, &str)]) -> Response {
        let request = self
            .request(Method::HEAD, &format!("/api/v1/images/{id}/thumbnail"))
            .query(query);
        send(request).await
    }

    /// `GET /api/v1/images/{id}/metadata`.
    pub async fn get_metadata(&self, id: &str) -> Response {
        send(self.request(Method::GET, &format!("/api/v1/images/{id}/metadata"))).await
    }

    /// `PUT /api/v1/images/{id}` with a JSON body.
    pub async fn put_image(&self, id: &str, body: &Value) -> Response {
        self.update_with(Method::PUT, id, body.to_string().into_bytes(), None)
            .await
    }

    /// `PATCH /api/v1/images/{id}` with a JSON body.
    pub async fn patch_image(&self, id: &str, body: &Value) -> Response {
        self.update_with(Method::PATCH, id, body.to_string().into_bytes(), None)
            .await
    }

    /// `PUT` or `PATCH /api/v1/images/{id}` with any body and an optional `If-Match`.
    pub async fn update_with(
        &self,
        method: Method,
        id: &str,
        body: Vec<u8>,
        if_match: Option<&str>,
    ) -> Response {
        let mut request = self
            .request(method, &format!("/api/v1/images/{id}"))
            .header("Content-Type", "application/json")
            .body(body);
        if let Some(if_match) = if_match {
            request = request.header("If-Match", if_match);
        }
        send(request).await
    }

    /// `DELETE /api/v1/images/{id}`.
    pub async fn delete_image(&self, id: &str) -> Response {
        send(self.request(Method::DELETE, &format!("/api/v1/images/{id}"))).await
    }

    /// `GET /api/v1/images/{id}/content?<query>`.
    pub async fn get_content(&self, id: &str, query: &[(&str, &str)]) -> Response {
        let request = self
            .request(Method::GET, &format!("/api/v1/images/{id}/content"))
            .query(query);
        send(request).await
    }

    /// `GET` of an absolute URL the server handed out (a signed `url`), with this caller's identity.
    pub async fn get_url(&self, url: &str) -> Response {
        send(self.identify(self.client.get(url))).await
    }

    /// `GET /api/v1/me`.
    pub async fn get_me(&self) -> Response {
        self.call(Method::GET, "/api/v1/me").await
    }

    /// `GET /health`.
    pub async fn get_health(&self) -> Response {
        self.call(Method::GET, "/health").await
    }

    /// `GET /ready`.
    pub async fn get_ready(&self) -> Response {
        self.call(Method::GET, "/ready").await
    }

    /// `GET /api/v1/openapi.json`.
    pub async fn get_openapi(&self) -> Response {
        self.call(Method::GET, "/api/v1/openapi.json").await
    }

    /// `GET /metrics`.
    pub async fn get_metrics(&self) -> Response {
        self.call(Method::GET, "/metrics").await
    }

    /// `GET /docs`.
    pub async fn get_docs(&self) -> Response {
        self.call(Method::GET, "/docs").await
    }

    fn multipart(&self, method: Method, path: &str, form: &Form) -> RequestBuilder {
        self.request(method, path)
            .header("Content-Type", form.content_type())
            .body(form.body())
    }
}

fn header_value(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(bytes).expect("a header value reqwest can send")
}

fn with_headers(mut request: RequestBuilder, headers: &[(&str, &str)]) -> RequestBuilder {
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
}

async fn send(request: RequestBuilder) -> Response {
    request.send().await.expect("the request reaches the app")
}
