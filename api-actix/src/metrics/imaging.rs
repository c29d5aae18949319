//! Thumbnail rendering time: [`MeteredImageProcessor`] times every render of the image
//! processor, which the thumbnail use case calls only for a thumbnail not yet stored.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use lightbox_domain::image_format::ImageInfo;
use lightbox_domain::thumbnail::ThumbnailPreset;
use lightbox_ports::{Analysis, ImageProcessor, ProcessError, Thumbnail};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use tokio::time::Instant;

/// Seconds: a 64 px thumbnail of a small image takes milliseconds, a 1024 px one of a 50
/// megapixel image can take seconds (waiting for a pixel worker included).
const RENDER_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The preset rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RenderLabels {
    /// The preset's longest side: `64`, `128`, `256`, `512` or `1024`.
    pub size: u32,
}

/// Thumbnail rendering metrics.
#[derive(Debug)]
pub struct ThumbnailMetrics {
    renders: Family<RenderLabels, Histogram, fn() -> Histogram>,
}

fn render_histogram() -> Histogram {
    Histogram::new(RENDER_BUCKETS)
}

impl ThumbnailMetrics {
    /// Registers the rendering histogram in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            renders: Family::new_with_constructor(render_histogram),
        };
        registry.register(
            "lightbox_thumbnail_render_duration_seconds",
            "Time to render a thumbnail (decode, resize, encode; waiting for a pixel worker \
             included), by preset size; renders that fail count too",
            metrics.renders.clone(),
        );
        metrics
    }
}

#[cfg(test)]
impl ThumbnailMetrics {
    /// Records one render, so that the family appears in a scrape.
    pub(super) fn record_for_tests(&self) {
        self.renders
            .get_or_create(&RenderLabels { size: 64 })
            .observe(0.01);
    }
}

/// Wraps an image processor so that every thumbnail it renders is timed.
pub struct MeteredImageProcessor {
    inner: Arc<dyn ImageProcessor>,
    metrics: Arc<ThumbnailMetrics>,
}

impl std::fmt::Debug for MeteredImageProcessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeteredImageProcessor")
            .finish_non_exhaustive()
    }
}

impl MeteredImageProcessor {
    /// Times the thumbnails of `inner`.
    pub fn new(inner: Arc<dyn ImageProcessor>, metrics: Arc<ThumbnailMetrics>) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl ImageProcessor for MeteredImageProcessor {
    async fn analyze(&self, image: Bytes, info: ImageInfo) -> Result<Analysis, ProcessError> {
        self.inner.analyze(image, info).await
    }

    async fn thumbnail(
        &self,
        image: Bytes,
        info: ImageInfo,
        preset: ThumbnailPreset,
    ) -> Result<Thumbnail, ProcessError> {
        let started = Instant::now();
        let rendered = self.inner.thumbnail(image, info, preset).await;
        self.metrics
            .renders
            .get_or_create(&RenderLabels {
                size: preset.longest_side(),
            })
            .observe(started.elapsed().as_secs_f64());
        rendered
    }
}
