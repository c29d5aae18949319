//! The load generator: a fixed number of connections to 127.0.0.1, each sending its requests
//! back to back (the next one leaves when the last answer is read), for a warm-up and then a
//! measured duration, stopping early at a bound on the measured requests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Body;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A request that has taken this long counts as failed, so that no run can hang.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// One kind of request and how to judge its answer.
pub trait Exchange: Send + Sync + 'static {
    /// The `n`th request of the run (numbered from 0 across all connections).
    ///
    /// # Errors
    /// When the request cannot be built: a bug of the bench, which stops the run.
    fn request(&self, n: u64) -> Result<Request<Full<Bytes>>>;
    /// Whether this is the answer a correct server gives. May keep what it needs from it.
    fn accept(&self, status: StatusCode, body: &Bytes) -> bool;
}

/// A shared exchange, so that the caller can read what it kept after the run.
impl<T: Exchange> Exchange for Arc<T> {
    fn request(&self, n: u64) -> Result<Request<Full<Bytes>>> {
        T::request(self, n)
    }

    fn accept(&self, status: StatusCode, body: &Bytes) -> bool {
        T::accept(self, status, body)
    }
}

/// How hard and how long.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Connections, each with one request in flight at a time.
    pub connections: usize,
    /// Requests sent before this has passed are not measured.
    pub warm_up: Duration,
    /// How long the measurement lasts at most.
    pub duration: Duration,
    /// The measurement stops after this many requests even if time is left.
    pub max_requests: u64,
}

/// What a run measured (warm-up excluded).
#[derive(Debug)]
pub struct Measurement {
    /// Requests answered or failed.
    pub requests: u64,
    /// Requests failed, or answered with something a correct server would not send.
    pub errors: u64,
    /// Request and response body bytes moved.
    pub bytes: u64,
    /// From the end of the warm-up to the last measured answer.
    pub elapsed: Duration,
    /// Latency of each measured request, in microseconds.
    pub latency: Histogram<u64>,
}

impl Measurement {
    /// An empty measurement, to merge others into.
    pub fn empty() -> Result<Self> {
        Ok(Self {
            requests: 0,
            errors: 0,
            bytes: 0,
            elapsed: Duration::ZERO,
            latency: latency_histogram()?,
        })
    }

    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Body megabytes (10^6) per second.
    pub fn megabytes_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// A latency quantile.
    pub fn quantile(&self, quantile: f64) -> Duration {
        Duration::from_micros(self.latency.value_at_quantile(quantile))
    }

    /// Adds one request's result.
    pub fn record(&mut self, took: Duration, bytes: u64, ok: bool) {
        self.requests += 1;
        self.bytes += bytes;
        self.errors += u64::from(!ok);
        // Saturates at the histogram's top (an hour) rather than failing.
        self.latency
            .saturating_record(took.as_micros().try_into().unwrap_or(u64::MAX));
    }

    /// Folds another worker's results in.
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        self.requests += other.requests;
        self.errors += other.errors;
        self.bytes += other.bytes;
        self.latency
            .add(&other.latency)
            .context("merging latency histograms")
    }
}

/// Microseconds from 1 µs to an hour, 3 significant digits.
pub fn latency_histogram() -> Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).context("creating a latency histogram")
}

struct Shared {
    exchange: Arc<dyn Exchange>,
    target: SocketAddr,
    next: AtomicU64,
    measured: AtomicU64,
    max_requests: u64,
    measure_from: Instant,
    end: Instant,
}

/// Runs `exchange` against `target` under `load` and returns what it measured.
///
/// # Errors
/// When no connection could be made at all, or the histograms cannot be created.
pub async fn run(
    target: SocketAddr,
    exchange: Arc<dyn Exchange>,
    load: Load,
) -> Result<Measurement> {
    let started = Instant::now();
    let shared = Arc::new(Shared {
        exchange,
        target,
        next: AtomicU64::new(0),
        measured: AtomicU64::new(0),
        max_requests: load.max_requests,
        measure_from: started + load.warm_up,
        end: started + load.warm_up + load.duration,
    });
    // Fail fast on a target that is not there, instead of counting every request as an error.
    connect(target)
        .await
        .with_context(|| format!("connecting to {target}"))?;
    let workers: Vec<_> = (0..load.connections)
        .map(|_| tokio::spawn(worker(Arc::clone(&shared))))
        .collect();
    let mut total = Measurement::empty()?;
    let mut last_answer = shared.measure_from;
    for worker in workers {
        let (measurement, finished) = worker.await.context("a load worker panicked")??;
        total.merge(&measurement)?;
        last_answer = last_answer.max(finished);
    }
    total.elapsed = last_answer.saturating_duration_since(shared.measure_from);
    Ok(total)
}

async fn worker(shared: Arc<Shared>) -> Result<(Measurement, Instant)> {
    let mut measurement = Measurement::empty()?;
    let mut last_answer = shared.measure_from;
    let mut connection: Option<SendRequest<Full<Bytes>>> = None;
    loop {
        let now = Instant::now();
        if now >= shared.end {
            break;
        }
        let measured = now >= shared.measure_from;
        if measured && shared.measured.fetch_add(1, Ordering::Relaxed) >= shared.max_requests {
            break;
        }
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        let request = shared.exchange.request(n)?;
        let sent = request.body().size_hint().exact().unwrap_or(0);
        let began = Instant::now();
        let answer =
            tokio::time::timeout(REQUEST_TIMEOUT, exchange(&mut connection, &shared, request))
                .await;
        let took = began.elapsed();
        let (ok, received) = match answer {
            Ok(Ok((status, body))) => (shared.exchange.accept(status, &body), body.len() as u64),
            Ok(Err(_)) | Err(_) => {
                // The connection may be broken or mid-response: start the next on a fresh one.
                connection = None;
                (false, 0)
            }
        };
        if measured {
            measurement.record(took, sent + received, ok);
            last_answer = Instant::now();
        }
    }
    Ok((measurement, last_answer))
}

async fn exchange(
    connection: &mut Option<SendRequest<Full<Bytes>>>,
    shared: &Shared,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes)> {
    // A server may close a kept-alive connection between requests (moto answers
    // `Connection: close`): the request was not sent yet, so it goes on a new connection.
    let reusable = match connection.as_mut() {
        Some(sender) => sender.ready().await.is_ok(),
        None => false,
    };
    if !reusable {
        let mut sender = connect(shared.target).await?;
        sender.ready().await?;
        *connection = Some(sender);
    }
    let sender = connection.as_mut().context("a connection was just made")?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

async fn connect(target: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(target).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // The connection ends when its sender is dropped or the server closes it; either way
        // the worker notices on its next request.
        let _closed = connection.await;
    });
    Ok(sender)
}
