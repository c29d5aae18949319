//! [`ImagingProcessor`]: the [`ImageProcessor`] port on the pure-Rust pipeline and a worker pool.

use std::num::NonZeroUsize;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use lightbox_domain::image_format::ImageInfo;
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::thumbnail::ThumbnailPreset;
use lightbox_ports::{Analysis, ImageProcessor, ProcessError, Thumbnail};

use crate::pool::{PoolStats, WorkerPool};
use crate::render::{analyze_image, render_thumbnail};

/// Decodes and renders images on a bounded pool of blocking workers, within upload limits.
#[derive(Debug, Clone)]
pub struct ImagingProcessor {
    limits: UploadLimits,
    pool: Arc<WorkerPool>,
}

impl ImagingProcessor {
    /// A processor decoding within `limits`, at most `workers` images at once (0 counts as 1).
    pub fn new(limits: UploadLimits, workers: usize) -> Self {
        Self {
            limits,
            pool: Arc::new(WorkerPool::new(workers)),
        }
    }

    /// The default pool size: one worker per CPU the process may use. Decoding is CPU-bound, so
    /// more workers would only add memory, not throughput.
    pub fn workers_for_this_machine() -> usize {
        std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
    }

    /// How many images it decodes at once at most.
    pub fn workers(&self) -> usize {
        self.pool.workers()
    }

    /// How busy its workers are and have been.
    pub fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }
}

#[async_trait]
impl ImageProcessor for ImagingProcessor {
    async fn analyze(&self, image: Bytes, info: ImageInfo) -> Result<Analysis, ProcessError> {
        let limits = self.limits;
        self.pool
            .run(move || analyze_image(&image, &info, &limits))
            .await
    }

    async fn thumbnail(
        &self,
        image: Bytes,
        info: ImageInfo,
        preset: ThumbnailPreset,
    ) -> Result<Thumbnail, ProcessError> {
        let limits = self.limits;
        self.pool
            .run(move || render_thumbnail(&image, &info, preset, &limits))
            .await
    }
}
