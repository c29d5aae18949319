//! The table `scripts/bench` prints: one row per scenario and per baseline, Markdown so that a
//! run can be pasted into docs/performance.md as it is.

use std::fmt::Write;
use std::time::Duration;

use crate::load::Measurement;

/// One line of the table.
#[derive(Debug, Default)]
pub struct Row {
    /// What was measured.
    pub scenario: String,
    /// Requests per second, p50 and p99, MB/s and errors, when it was a load.
    pub load: Option<LoadFigures>,
    /// A single time (start to ready).
    pub time: Option<Duration>,
    /// The server's peak private resident memory during the scenario (`RssAnon`).
    pub peak_rss: Option<u64>,
    /// The ratio to the baseline, in words (`74 % of baseline`).
    pub versus: String,
    /// The target from the issue, and whether this run met it.
    pub target: String,
}

/// The figures of a load.
#[derive(Debug, Clone, Copy)]
pub struct LoadFigures {
    /// Requests per second.
    pub rate: f64,
    /// Body megabytes per second.
    pub megabytes: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Failed or wrong answers.
    pub errors: u64,
    /// Requests measured.
    pub requests: u64,
}

impl LoadFigures {
    /// The figures of a measurement.
    pub fn of(measurement: &Measurement) -> Self {
        Self {
            rate: measurement.rate(),
            megabytes: measurement.megabytes_per_second(),
            p50: measurement.quantile(0.5),
            p99: measurement.quantile(0.99),
            errors: measurement.errors,
            requests: measurement.requests,
        }
    }
}

/// Renders the rows as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | req/s | MB/s | p50 | p99 | errors | server peak private RSS | vs baseline | target |\n\
         |---|---:|---:|---:|---:|---:|---:|---|---|\n",
    );
    for row in rows {
        let (rate, megabytes, p50, p99, errors) = match (row.load, row.time) {
            (Some(load), _) => (
                format!("{:.0}", load.rate),
                format!("{:.1}", load.megabytes),
                millis(load.p50),
                millis(load.p99),
                format!("{} of {}", load.errors, load.requests),
            ),
            (None, Some(time)) => (dash(), dash(), millis(time), dash(), dash()),
            (None, None) => (dash(), dash(), dash(), dash(), dash()),
        };
        let rss = row
            .peak_rss
            .map_or_else(dash, |bytes| format!("{:.0} MB", bytes as f64 / 1e6));
        let _infallible = writeln!(
            out,
            "| {} | {rate} | {megabytes} | {p50} | {p99} | {errors} | {rss} | {} | {} |",
            row.scenario, row.versus, row.target
        );
    }
    out
}

fn dash() -> String {
    "—".to_owned()
}

/// A duration in milliseconds, with the precision that matters at its size.
pub fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// `lightbox / baseline` as a percentage of the baseline's rate.
pub fn ratio(lightbox: &LoadFigures, baseline: &LoadFigures) -> f64 {
    100.0 * lightbox.rate / baseline.rate.max(1e-9)
}
