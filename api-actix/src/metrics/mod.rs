//! Prometheus metrics: one registry per application (so that many apps can run in one process,
//! as the test suite does), the families every part of the service records into, and their
//! exposition at `/metrics`.
//!
//! Recording is lock-free on the hot path: counters, gauges and histogram buckets are atomics,
//! and a labelled family only takes a read lock to find its series (a write lock once per new
//! label set, which the bounded labels make rare). Every metric is named in
//! `docs/operations.md`; a name or label changed here must change there too.

mod backend;
mod blob_store;
mod census;
mod exposition;
mod http;
mod imaging;
mod record_cache;
mod repository;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

pub use backend::{BackendMetrics, backend_label};
pub use blob_store::MeteredBlobStore;
pub use census::StoreCensus;
pub use exposition::{MetricsServer, configure_metrics_route, metrics_endpoint, render};
pub use http::{HttpMetrics, record_http};
pub use imaging::{MeteredImageProcessor, ThumbnailMetrics};
pub use record_cache::RecordCacheMetrics;
pub use repository::MeteredImageRepository;

/// Every metric of one application, and the registry that exposes them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    census: Option<StoreCensus>,
    /// Requests: counts, latencies, in flight.
    pub http: HttpMetrics,
    /// Storage calls: latencies and errors per backend and operation, images created/deleted.
    pub backend: Arc<BackendMetrics>,
    /// Thumbnail rendering times.
    pub thumbnails: Arc<ThumbnailMetrics>,
    /// Image bytes as served to clients.
    pub bytes: ByteCounters,
}

/// Bytes moved for clients.
#[derive(Debug, Clone)]
pub struct ByteCounters {
    /// Bytes of originals stored by uploads (their `size_bytes`; replays store nothing).
    pub uploaded: Counter,
    /// Image bytes sent in response bodies: originals (both routes that serve them).
    pub served_original: Counter,
    /// Thumbnail bytes sent in response bodies.
    pub served_thumbnail: Counter,
}

impl Metrics {
    /// A fresh registry with every family registered. `census`, when the backend can count its
    /// images cheaply, adds the store-wide `lightbox_images_stored` gauges.
    pub fn new(census: Option<StoreCensus>) -> Self {
        let mut registry = Registry::default();
        let http = HttpMetrics::register(&mut registry);
        let backend = Arc::new(BackendMetrics::register(&mut registry));
        let thumbnails = Arc::new(ThumbnailMetrics::register(&mut registry));
        let uploaded = Counter::default();
        registry.register(
            "lightbox_uploaded_bytes",
            "Bytes of original images stored by uploads on this node (idempotent replays excluded)",
            uploaded.clone(),
        );
        // Both kinds share one family, so `sum()` over `kind` is every image byte served.
        let served = Family::<[(&str, &str); 1], Counter>::default();
        registry.register(
            "lightbox_served_bytes",
            "Image bytes sent in response bodies by this node, by kind (original or thumbnail)",
            served.clone(),
        );
        let bytes = ByteCounters {
            uploaded,
            served_original: served.get_or_create_owned(&[("kind", "original")]),
            served_thumbnail: served.get_or_create_owned(&[("kind", "thumbnail")]),
        };
        if let Some(census) = &census {
            registry.register_collector(Box::new(census.clone()));
        }
        Self {
            registry,
            census,
            http,
            backend,
            thumbnails,
            bytes,
        }
    }

    /// Adds `lightbox_record_cache_reads_total`, the counts of the record cache in front of the
    /// repository (the local backend's, when it is on).
    pub fn count_record_cache(&mut self, cache: RecordCacheMetrics) {
        self.registry.register_collector(Box::new(cache));
    }

    /// Brings the store-wide gauges up to date (at most once per their cache period).
    async fn refresh(&self) {
        if let Some(census) = &self.census {
            census.refresh().await;
        }
    }
}
