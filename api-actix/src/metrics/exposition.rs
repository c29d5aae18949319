//! `GET /metrics`: the registry in Prometheus's text format (0.0.4), or in OpenMetrics text when
//! the scraper asks for it, served on the API's listener or on a listener of its own
//! ([`MetricsServer`], `LIGHTBOX_METRICS_BIND`). No identity is needed: the metrics carry no
//! user data, only counts per route pattern and backend operation.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpServer, web};
use prometheus_client::encoding::{prometheus_text, text};

use super::Metrics;
use crate::problem::{self, ApiError, ErrorCode};
use crate::routes;

/// The content type of the OpenMetrics text format, which a scraper asks for in `Accept`.
const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// How long the metrics listener's shutdown waits for a scrape in progress.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The registry as text in the format `accept` asks for: OpenMetrics when it names
/// `application/openmetrics-text`, Prometheus's text format otherwise. Returns the content type
/// and the body.
///
/// # Errors
/// A metric that cannot be written (a bug: the encoders only fail on a failing writer).
pub async fn render(
    metrics: &Metrics,
    accept: Option<&str>,
) -> Result<(&'static str, String), std::fmt::Error> {
    metrics.refresh().await;
    let mut body = String::new();
    if accept.is_some_and(|accept| accept.contains("application/openmetrics-text")) {
        text::encode(&mut body, &metrics.registry)?;
        Ok((OPENMETRICS_CONTENT_TYPE, body))
    } else {
        prometheus_text::encode(&mut body, &metrics.registry)?;
        Ok((prometheus_text::CONTENT_TYPE, body))
    }
}

/// The `/metrics` handler.
pub async fn metrics_endpoint(
    request: HttpRequest,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok());
    let (content_type, body) = render(&metrics, accept).await.map_err(|error| {
        ApiError::new(ErrorCode::InternalError, "the metrics could not be written")
            .with_cause(error)
    })?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Registers `/metrics` (GET; other methods 405 with `Allow`).
pub fn configure_metrics_route(config: &mut web::ServiceConfig) {
    config.service(routes::resource("/metrics", &["GET"]).route(web::get().to(metrics_endpoint)));
}

/// The listener of `LIGHTBOX_METRICS_BIND`: `/metrics` and nothing else (other paths 404 as
/// problem+json), on one worker, since a scrape every few seconds is all it serves.
#[derive(Debug)]
pub struct MetricsServer;

impl MetricsServer {
    /// The server over `listener`, sharing `metrics` with the API.
    ///
    /// # Errors
    /// The listener cannot be handed to actix.
    pub fn serve(listener: TcpListener, metrics: web::Data<Metrics>) -> std::io::Result<Server> {
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .app_data(metrics.clone())
                .configure(configure_metrics_route)
                .default_service(web::to(routes::no_route))
                .wrap(problem::error_responses())
        })
        .workers(1)
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .listen(listener)?
        .run();
        Ok(server)
    }
}
