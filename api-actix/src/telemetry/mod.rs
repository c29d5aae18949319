//! Logs and request tracing: the subscriber (stderr, text or JSON lines), the request id every
//! response carries, and the per-request span every log line of a request is written in.

mod request_id;
mod root_span;

use std::io::IsTerminal;

use anyhow::Context;
use tracing_subscriber::EnvFilter;

pub use request_id::{REQUEST_ID_HEADER, RequestIdentifier, request_id};
pub use root_span::RequestSpan;

use crate::config::LogFormat;

/// Installs the global subscriber: logs go to stderr, filtered by `filter` (EnvFilter syntax),
/// as text or as JSON lines. `log` records (from actix) are forwarded too.
///
/// # Errors
/// A bad filter, or a subscriber already installed.
pub fn init(filter: &str, format: LogFormat) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter).context("LIGHTBOX_LOG")?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    installed
        .map_err(|error| anyhow::anyhow!(error))
        .context("installing the log subscriber")
}
