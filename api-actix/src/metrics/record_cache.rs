//! `lightbox_record_cache_reads_total`: how the local backend's record cache answered reads by
//! id. Read from the cache's own counts at scrape time, so the hot path pays one atomic add.

use std::sync::Arc;

use lightbox_ports::CacheReads;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;

/// The record cache's counts, as a metric family with a `result` label (`hit` or `miss`).
#[derive(Debug, Clone)]
pub struct RecordCacheMetrics {
    reads: Arc<CacheReads>,
}

impl RecordCacheMetrics {
    /// Reports `reads`.
    pub fn new(reads: Arc<CacheReads>) -> Self {
        Self { reads }
    }
}

impl Collector for RecordCacheMetrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut family = encoder.encode_descriptor(
            "lightbox_record_cache_reads",
            "Reads of a record by id on this node, answered from the record cache (hit) or from \
             the store (miss)",
            None,
            MetricType::Counter,
        )?;
        for (result, count) in [("hit", self.reads.hits()), ("miss", self.reads.misses())] {
            let labels = [("result", result)];
            ConstCounter::new(count).encode(family.encode_family(&labels)?)?;
        }
        Ok(())
    }
}
