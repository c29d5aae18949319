//! The store-wide image gauges, `lightbox_images_stored` and `lightbox_images_stored_bytes`,
//! for backends that can count cheaply (see `lightbox_ports::ImageCensus`).
//!
//! They are read from the store at scrape time, not kept by the node: every node of a store
//! reports the same truthful number, whatever other nodes or tools did. The count is cached for
//! a few seconds so that several scrapers (or a fast one) cost one count. When the count fails
//! or is stale, the gauges are left out of the scrape rather than showing an old number.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lightbox_ports::{ImageCensus, Usage};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::gauge::ConstGauge;
use tokio::time::Instant;

/// How long a count is reused: shorter than any usual scrape interval (15 s or more).
const CACHE_FOR: Duration = Duration::from_secs(5);

/// How long a count may take before the scrape goes on without it; the scrape must answer well
/// within a scraper's timeout (10 s by default).
const COUNT_TIMEOUT: Duration = Duration::from_secs(2);

/// How old a count may be and still be shown (a failed refresh leaves the last one in place).
const SHOWN_FOR: Duration = Duration::from_secs(30);

/// The census of a store and its last answer.
#[derive(Clone)]
pub struct StoreCensus {
    census: Arc<dyn ImageCensus>,
    last: Arc<Mutex<Option<(Instant, Usage)>>>,
}

impl std::fmt::Debug for StoreCensus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCensus").finish_non_exhaustive()
    }
}

impl StoreCensus {
    /// Counts through `census`.
    pub fn new(census: Arc<dyn ImageCensus>) -> Self {
        Self {
            census,
            last: Arc::new(Mutex::new(None)),
        }
    }

    fn last(&self) -> Option<(Instant, Usage)> {
        // A plain value, valid whatever a panicking holder did.
        *self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts again unless the last count is recent.
    pub async fn refresh(&self) {
        if self.last().is_some_and(|(at, _)| at.elapsed() < CACHE_FOR) {
            return;
        }
        match tokio::time::timeout(COUNT_TIMEOUT, self.census.totals()).await {
            Ok(Ok(totals)) => {
                *self.last.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some((Instant::now(), totals));
            }
            Ok(Err(error)) => tracing::warn!(%error, "counting the stored images failed"),
            Err(_) => tracing::warn!(
                "counting the stored images took longer than {} s",
                COUNT_TIMEOUT.as_secs()
            ),
        }
    }
}

impl Collector for StoreCensus {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some((_, totals)) = self.last().filter(|(at, _)| at.elapsed() < SHOWN_FOR) else {
            return Ok(());
        };
        for (name, help, value) in [
            (
                "lightbox_images_stored",
                "Images in the whole store, counted from the store (cached up to 5 s)",
                totals.images,
            ),
            (
                "lightbox_images_stored_bytes",
                "Sum of the sizes of the images in the whole store, from the store (cached up to 5 s)",
                totals.bytes,
            ),
        ] {
            let gauge = ConstGauge::new(value);
            let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
            gauge.encode(metric)?;
        }
        Ok(())
    }
}
