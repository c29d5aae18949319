//! What every handler shares: the use cases and the settings the HTTP layer itself applies.

use std::sync::Arc;

use lightbox_domain::limits::UploadLimits;
use lightbox_domain::quota::Quota;
use lightbox_ports::ImageService;

use crate::metrics::Metrics;

/// The application's shared state, cloned into every worker.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Every use case.
    pub service: ImageService,
    /// The configured public base URL (no trailing `/`), if any.
    pub public_url: Option<String>,
    /// Upload limits, as reported by `/me` and applied to request bodies.
    pub limits: UploadLimits,
    /// Per-user quota, as `/me` reports it; the use cases enforce it.
    pub quota: Quota,
    /// The application's metrics, for what handlers record themselves (bytes moved).
    pub metrics: Arc<Metrics>,
}
