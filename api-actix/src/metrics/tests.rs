//! The registry's exposition: every unlabelled metric is there from the start (a labelled family
//! appears with its first series), in Prometheus text by default and OpenMetrics when asked for.

use std::sync::Arc;

use lightbox_ports::{ImageCensus, RepoError, Usage};

use super::*;

#[derive(Debug)]
struct FixedCensus(Usage);

#[async_trait::async_trait]
impl ImageCensus for FixedCensus {
    async fn totals(&self) -> Result<Usage, RepoError> {
        Ok(self.0)
    }
}

#[tokio::test]
async fn the_unlabelled_metrics_are_exposed_in_prometheus_text_by_default() {
    let metrics = Metrics::new(None);
    let (content_type, body) = render(&metrics, None).await.unwrap();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    for line in [
        "# TYPE lightbox_http_requests_in_flight gauge",
        "lightbox_http_requests_in_flight 0",
        "# TYPE lightbox_uploaded_bytes_total counter",
        "lightbox_uploaded_bytes_total 0",
        "lightbox_served_bytes_total{kind=\"original\"} 0",
        "lightbox_served_bytes_total{kind=\"thumbnail\"} 0",
        "# TYPE lightbox_images_created_total counter",
        "lightbox_images_created_total 0",
        "# TYPE lightbox_images_deleted_total counter",
        "lightbox_images_deleted_total 0",
    ] {
        assert!(
            body.lines().any(|l| l == line),
            "{line} missing in:\n{body}"
        );
    }
    assert!(
        !body.contains("lightbox_images_stored"),
        "no census, no store-wide gauge"
    );
    assert!(!body.contains("# EOF"), "OpenMetrics only when asked");
}

#[tokio::test]
async fn openmetrics_is_served_when_asked_for() {
    let metrics = Metrics::new(None);
    let accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    let (content_type, body) = render(&metrics, Some(accept)).await.unwrap();
    assert!(content_type.starts_with("application/openmetrics-text"));
    assert!(body.ends_with("# EOF\n"), "{body}");
}

#[tokio::test]
async fn the_store_wide_gauges_come_from_the_census() {
    let census = Arc::new(FixedCensus(Usage {
        images: 3,
        bytes: 1234,
    }));
    let metrics = Metrics::new(Some(StoreCensus::new(census)));
    let (_, body) = render(&metrics, None).await.unwrap();
    assert!(body.contains("\nlightbox_images_stored 3\n"), "{body}");
    assert!(
        body.contains("\nlightbox_images_stored_bytes 1234\n"),
        "{body}"
    );
}

#[tokio::test]
async fn a_failing_census_leaves_the_gauges_out_rather_than_stale() {
    #[derive(Debug)]
    struct Down;
    #[async_trait::async_trait]
    impl ImageCensus for Down {
        async fn totals(&self) -> Result<Usage, RepoError> {
            Err(RepoError::unavailable("down"))
        }
    }
    let metrics = Metrics::new(Some(StoreCensus::new(Arc::new(Down))));
    let (_, body) = render(&metrics, None).await.unwrap();
    assert!(!body.contains("lightbox_images_stored"), "{body}");
}

/// docs/operations.md names every metric: one of each kind is recorded (so that the labelled
/// families are exposed too), and every family in the scrape must be in the document's table.
#[tokio::test]
async fn every_exposed_metric_is_documented_in_operations_md() {
    use std::time::Duration;

    use backend::CallLabels;

    const OPERATIONS_MD: &str = include_str!("../../../docs/operations.md");
    let census = Arc::new(FixedCensus(Usage::default()));
    let metrics = Metrics::new(Some(StoreCensus::new(census)));
    let labels = CallLabels {
        backend: "sqlite",
        operation: "get",
    };
    metrics
        .backend
        .record(labels, Duration::from_millis(1), Some("unavailable"));
    metrics.http.record_for_tests();
    metrics.thumbnails.record_for_tests();
    let (_, body) = render(&metrics, None).await.unwrap();
    let families: Vec<&str> = body
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    assert_eq!(families.len(), 12, "{body}");
    for family in families {
        assert!(
            OPERATIONS_MD.contains(&format!("| `{family}` |")),
            "{family} is not in docs/operations.md's table"
        );
    }
}
