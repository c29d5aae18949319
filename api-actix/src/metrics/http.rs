//! Request metrics: a counter and a latency histogram per route pattern, method and status
//! class, and a gauge of requests in flight, recorded by the [`record_http`] middleware.
//!
//! Labels are bounded so that no client can grow the series without limit: the route is the
//! matched pattern (`/api/v1/images/{id}`, never the path itself), unmatched paths share one
//! value, methods outside the standard ones share `other`, and statuses are classes (`2xx`).

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use tokio::time::Instant;

use super::Metrics;

/// The route label of a request that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Seconds: Prometheus's usual buckets, from a cached answer to a large upload's.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// What a request was.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route's pattern, or [`UNMATCHED_ROUTE`].
    pub route: String,
    /// The method, or `other`.
    pub method: &'static str,
    /// `1xx` to `5xx`.
    pub status: &'static str,
}

/// The request metrics of one application.
#[derive(Debug)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    durations: Family<RequestLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl HttpMetrics {
    /// Registers the request families in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            requests: Family::default(),
            durations: Family::new_with_constructor(latency_histogram),
            in_flight: Gauge::default(),
        };
        registry.register(
            "lightbox_http_requests",
            "Requests answered, by route pattern, method and status class",
            metrics.requests.clone(),
        );
        registry.register(
            "lightbox_http_request_duration_seconds",
            "Time from a request's arrival until its response's head was ready (a streamed \
             body's sending is not included), by route pattern, method and status class",
            metrics.durations.clone(),
        );
        registry.register(
            "lightbox_http_requests_in_flight",
            "Requests being handled now (until their response's head is ready)",
            metrics.in_flight.clone(),
        );
        metrics
    }

    /// Records one request, so that the families appear in a scrape.
    #[cfg(test)]
    pub(super) fn record_for_tests(&self) {
        let labels = RequestLabels {
            route: UNMATCHED_ROUTE.to_owned(),
            method: "GET",
            status: "4xx",
        };
        self.record(&labels, Instant::now());
    }

    fn record(&self, labels: &RequestLabels, started: Instant) {
        self.requests.get_or_create(labels).inc();
        self.durations
            .get_or_create(labels)
            .observe(started.elapsed().as_secs_f64());
    }
}

/// Counts a request in flight until dropped, so that a request whose client goes away (its
/// future dropped mid-way) leaves the gauge too.
struct InFlight(Gauge);

impl InFlight {
    fn enter(gauge: &Gauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware: records every request. It wraps the whole app, so the status recorded is the one
/// sent, after every inner layer (guards, problem+json) had its say.
///
/// # Errors
/// None of its own; inner errors pass through.
pub async fn record_http<B: MessageBody>(
    metrics: Arc<Metrics>,
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let _in_flight = InFlight::enter(&metrics.http.in_flight);
    let started = Instant::now();
    let method = method_label(request.method());
    let outcome = next.call(request).await;
    let (route, status) = match &outcome {
        Ok(response) => (
            response
                .request()
                .match_pattern()
                .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned()),
            response.status(),
        ),
        // Inner layers answer errors as responses; one that still gets here failed before
        // routing could name a route.
        Err(error) => (
            UNMATCHED_ROUTE.to_owned(),
            error.as_response_error().status_code(),
        ),
    };
    let labels = RequestLabels {
        route,
        method,
        status: status_class(status),
    };
    metrics.http.record(&labels, started);
    outcome
}

/// The method, from the standard set (an invented one would be a new series per request).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(status_class(StatusCode::CREATED), "2xx");
        assert_eq!(status_class(StatusCode::NOT_MODIFIED), "3xx");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }
}
