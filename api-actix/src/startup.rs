//! Building and running the server: settings → backend → use cases → listener → actix app.

use std::net::TcpListener;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use lightbox_adapters_aws::AwsSettings;
use lightbox_adapters_imaging::ImagingProcessor;
use lightbox_adapters_local::LocalBackend;
use lightbox_domain::signing::SigningKey;
use lightbox_ports::{
    BLOB_STORE, BlobStore, CacheReads, DeadlineBlobStore, DeadlineImageRepository, ImageCensus,
    ImageProcessor, ImageRepository, ImageService, METADATA_DATABASE, RecordCache, ServiceSettings,
    SystemClock,
};
use rand::RngCore;
use tracing_actix_web::TracingLogger;

use crate::abuse::{BodyDeadlines, RateLimiter, limit_body_time, limit_rate, limit_request_head};
use crate::auth::Authentication;
use crate::config::{BackendKind, Settings, Validated};
use crate::docs::DocsConfig;
use crate::http::panics::answer_panics;
use crate::http::security_headers::security_headers;
use crate::maintenance::spawn_background_gc;
use crate::metrics::{
    BackendMetrics, MeteredBlobStore, MeteredImageProcessor, MeteredImageRepository, Metrics,
    MetricsServer, RecordCacheMetrics, StoreCensus, backend_label, configure_metrics_route,
    record_http,
};
use crate::openapi::OpenApiJson;
use crate::state::AppState;
use crate::telemetry::{RequestSpan, request_id};
use crate::{problem, routes};

/// How long a shutdown waits for in-flight requests before closing them.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to send a request's head (line and headers); actix answers a
/// slower one with a bare 408 and closes the connection. This is actix's default, written out
/// because the slowloris defence depends on it.
const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// How long an idempotency key is remembered (the contract's 24 hours).
const IDEMPOTENCY_WINDOW_HOURS: i64 = 24;

/// The two storage ports the use cases run on.
pub type Storage = (Arc<dyn BlobStore>, Arc<dyn ImageRepository>);

/// A built server, bound to its port and ready to run.
pub struct Application {
    port: u16,
    server: Server,
    /// The listener of `LIGHTBOX_METRICS_BIND`, when set: its port and its server.
    metrics: Option<(u16, Server)>,
    /// The background garbage collection, when on; it ends with the server.
    background_gc: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Validates the settings, opens the backend and binds the listener (`127.0.0.1:0` picks a
    /// free port). The server runs once [`Application::run_until_stopped`] is awaited.
    ///
    /// # Errors
    /// A [`crate::ConfigError`] (downcastable) for a bad setting; otherwise a backend that does not open
    /// or an address that cannot be bound.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_storage_wrapper(settings, |storage| storage).await
    }

    /// Like [`Application::build`], with the opened storage handed to `wrap` before the use
    /// cases get it: tests decorate the real adapters (to inject faults) this way. The storage
    /// deadlines go over what `wrap` returns, so a test's stalled call is cut as a hung backend's
    /// would be: adapter → `wrap`'s decorators → deadlines → use cases.
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with_storage_wrapper(
        settings: Settings,
        wrap: impl FnOnce(Storage) -> Storage,
    ) -> anyhow::Result<Application> {
        let validated = settings.validate()?;
        let (opened, census) = open_backend_with_census(&settings).await?;
        let mut metrics = Metrics::new(census.map(StoreCensus::new));
        // Metered over the deadlines, so a call they cut short is timed and counted as failed.
        let metered = with_metrics(
            with_deadlines(wrap(opened), validated.storage_timeout, settings.backend),
            &metrics.backend,
            settings.backend,
        );
        let (storage, cache_reads) = with_record_cache(
            metered,
            settings.backend,
            Duration::from_secs(settings.record_cache_seconds),
        );
        if let Some(reads) = cache_reads {
            metrics.count_record_cache(RecordCacheMetrics::new(reads));
        }
        let metrics = Arc::new(metrics);
        let gc_schedule = validated.background_gc;
        let gc_storage = (Arc::clone(&storage.0), Arc::clone(&storage.1));
        let shared = Shared::new(&settings, validated, storage, Arc::clone(&metrics))?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding LIGHTBOX_BIND={}", settings.bind))?;
        let address = listener.local_addr()?;
        for warning in shared.authentication.warnings(address) {
            tracing::warn!("{warning}");
        }
        // Validation refuses a metrics address while metrics are off, so one set means serve.
        let metrics_server = match settings.metrics_bind.as_deref() {
            Some(bind) => Some(serve_metrics(bind, &metrics)?),
            None => None,
        };
        let server = serve(listener, shared)?;
        let port = address.port();
        tracing::info!(address = %settings.bind, port, "lightbox listening");
        // Started last, so that a start that fails leaves no task behind.
        let background_gc =
            gc_schedule.map(|schedule| spawn_background_gc(schedule, gc_storage.0, gc_storage.1));
        Ok(Application {
            port,
            server,
            metrics: metrics_server,
            background_gc,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the separate metrics listener (`LIGHTBOX_METRICS_BIND`), when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting and lets in-flight requests finish
    /// (up to 30 seconds).
    ///
    /// # Errors
    /// An I/O error of the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The metrics listener runs beside the API and stops with it (both also stop on the
        // signals by themselves).
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            (handle, tokio::spawn(server))
        });
        let outcome = self.server.await;
        if let Some((handle, task)) = metrics {
            handle.stop(true).await;
            if let Ok(Err(error)) = task.await {
                tracing::warn!(%error, "the metrics listener failed");
            }
        }
        if let Some(task) = self.background_gc {
            task.abort();
        }
        outcome
    }
}

/// The storage the settings choose: the local directory, or S3 + DynamoDB through the AWS SDK's
/// own credential, region and endpoint chain. Unbounded in time: the server and the commands
/// put the storage deadlines over it; tools and tests that look into a store use it as it is.
///
/// # Errors
/// The local directory cannot be opened (or its database migrated).
pub async fn open_backend(settings: &Settings) -> anyhow::Result<Storage> {
    Ok(open_backend_with_census(settings).await?.0)
}

/// [`open_backend`], with the store's census where the backend can count its images cheaply
/// (local: yes; DynamoDB: only with a full-table scan, so no).
async fn open_backend_with_census(
    settings: &Settings,
) -> anyhow::Result<(Storage, Option<Arc<dyn ImageCensus>>)> {
    match settings.backend {
        BackendKind::Local => {
            let local = LocalBackend::open(&settings.data_dir)
                .await
                .with_context(|| {
                    format!(
                        "opening the local backend in {}",
                        settings.data_dir.display()
                    )
                })?;
            Ok(((local.blobs, local.repository), Some(local.census)))
        }
        BackendKind::Aws => {
            let aws = lightbox_adapters_aws::connect(&aws_settings(settings)).await;
            Ok(((aws.blobs, aws.repository), None))
        }
    }
}

/// Times every storage call and counts its failures, labelled by backend and operation.
fn with_metrics(
    (blobs, repository): Storage,
    metrics: &Arc<BackendMetrics>,
    backend: BackendKind,
) -> Storage {
    let (blob_label, repository_label) = backend_label(backend);
    (
        Arc::new(MeteredBlobStore::new(
            blobs,
            Arc::clone(metrics),
            blob_label,
        )),
        Arc::new(MeteredImageRepository::new(
            repository,
            Arc::clone(metrics),
            repository_label,
        )),
    )
}

/// The separate metrics listener on `bind`.
fn serve_metrics(bind: &str, metrics: &Arc<Metrics>) -> anyhow::Result<(u16, Server)> {
    let listener =
        TcpListener::bind(bind).with_context(|| format!("binding LIGHTBOX_METRICS_BIND={bind}"))?;
    let port = listener.local_addr()?.port();
    let server = MetricsServer::serve(listener, web::Data::from(Arc::clone(metrics)))?;
    tracing::info!(address = %bind, port, "metrics listening");
    Ok((port, server))
}

/// The configured storage with every call bounded by `limit`: what the operator's commands (gc,
/// scrub) use, so a stuck store fails them as it fails a request, instead of hanging them.
pub(crate) async fn open_bounded_backend(
    settings: &Settings,
    limit: Duration,
) -> anyhow::Result<Storage> {
    Ok(with_deadlines(
        open_backend(settings).await?,
        limit,
        settings.backend,
    ))
}

/// Bounds every storage call by `limit`, on either backend: the local one has no timeout of its
/// own (a stuck mount or a stalled disk would hold a request forever), and on AWS this is an
/// outer bound over the SDK's own timeouts, so one setting says how long any storage call may
/// hold a request whichever backend runs.
///
/// A call cut short names the backend as its adapter would ("S3 bucket" rather than "blob
/// store" on AWS), so a 503's detail and `/ready` say the same whichever bound fires first.
fn with_deadlines((blobs, repository): Storage, limit: Duration, backend: BackendKind) -> Storage {
    let (blob_name, repository_name) = match backend {
        BackendKind::Local => (BLOB_STORE, METADATA_DATABASE),
        BackendKind::Aws => (
            lightbox_adapters_aws::S3_BACKEND_NAME,
            lightbox_adapters_aws::DYNAMODB_BACKEND_NAME,
        ),
    };
    (
        Arc::new(DeadlineBlobStore::new(blobs, limit, blob_name)),
        Arc::new(DeadlineImageRepository::new(
            repository,
            limit,
            repository_name,
        )),
    )
}

/// Records kept by the record cache: at most a few MB of the hottest images' metadata.
const RECORD_CACHE_CAPACITY: usize = 10_000;

/// Puts the record cache, keeping records for `ttl` (none when zero), in front of the local
/// backend's repository, outermost, so that a hit costs neither a storage call nor its metrics.
/// Writes made through this process are seen at once whatever `ttl` is; it bounds how long one
/// made by another process on the same store (a second server on the same data directory) can
/// go unseen. Only on the local backend: the SQLite file belongs to one machine, where this
/// process makes nearly every write. Behind a load balancer on AWS other nodes write the same
/// table, and a record cached here would hide, for as long as it is kept, an image made private
/// or deleted through another node. Returns the cache's counts of hits and misses with it.
fn with_record_cache(
    (blobs, repository): Storage,
    backend: BackendKind,
    ttl: Duration,
) -> (Storage, Option<Arc<CacheReads>>) {
    match backend {
        BackendKind::Local if !ttl.is_zero() => {
            let cache = RecordCache::new(
                repository,
                NonZeroUsize::new(RECORD_CACHE_CAPACITY).unwrap_or(NonZeroUsize::MIN),
                ttl,
            );
            let reads = cache.reads();
            ((blobs, Arc::new(cache)), Some(reads))
        }
        BackendKind::Local | BackendKind::Aws => ((blobs, repository), None),
    }
}

/// The AWS adapters' settings within lightbox's.
pub(crate) fn aws_settings(settings: &Settings) -> AwsSettings {
    AwsSettings {
        bucket: settings.s3_bucket.clone(),
        table: settings.dynamodb_table.clone(),
        endpoint_url: settings.aws_endpoint_url.clone(),
    }
}

/// What the abuse-resistance middlewares need, shared by every worker.
#[derive(Debug, Clone)]
struct EdgeGuards {
    rate_limiter: Option<Arc<RateLimiter>>,
    body_deadlines: BodyDeadlines,
}

impl EdgeGuards {
    /// The guards the settings ask for; starts the rate limiter's sweeper when there is one.
    fn from_settings(settings: &Settings) -> Self {
        let rate_limiter = RateLimiter::from_settings(settings);
        if let Some(limiter) = &rate_limiter {
            RateLimiter::sweep_periodically(limiter);
        }
        Self {
            rate_limiter,
            body_deadlines: BodyDeadlines {
                idle: Duration::from_secs(settings.body_idle_timeout_seconds),
                total: Duration::from_secs(settings.body_timeout_seconds),
            },
        }
    }
}

/// The whole app (routes, guards, problem+json errors, middleware) over in-memory storage and
/// without a listener, for driving in-process with `actix_web::test::init_service`: the upload
/// fuzzer sends thousands of requests a second through it, where a port and a data directory
/// per run would cost more than the requests. `bind`, `backend` and `data_dir` are not used.
///
/// # Errors
/// A [`crate::ConfigError`] (downcastable) for a bad setting, or SQLite not starting in memory.
pub async fn in_memory_app(
    settings: &Settings,
) -> anyhow::Result<
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody + use<>>,
            Error = actix_web::Error,
            InitError = (),
        > + use<>,
    >,
> {
    let validated = settings.validate()?;
    let local = LocalBackend::in_memory()
        .await
        .context("opening the in-memory backend")?;
    let metrics = Arc::new(Metrics::new(Some(StoreCensus::new(local.census))));
    let storage = with_metrics(
        (local.blobs, local.repository),
        &metrics.backend,
        BackendKind::Local,
    );
    let shared = Shared::new(settings, validated, storage, metrics)?;
    Ok(app(shared))
}

/// What every worker's app shares: the use cases with the settings the HTTP layer applies, the
/// way callers are identified, the documents rendered once, and the edge guards.
#[derive(Clone)]
struct Shared {
    state: web::Data<AppState>,
    // Registered on its own, so that the `Caller` extractor depends on nothing but identity.
    authentication: web::Data<Authentication>,
    openapi: web::Data<OpenApiJson>,
    docs: web::Data<DocsConfig>,
    edge: EdgeGuards,
    metrics: web::Data<Metrics>,
    /// Whether `/metrics` is served on this app's listener (metrics on, no address of their own).
    serves_metrics: bool,
}

impl Shared {
    fn new(
        settings: &Settings,
        validated: Validated,
        storage: Storage,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Shared> {
        let signing_key = match validated.signing_key {
            Some(key) => key,
            None => random_signing_key()?,
        };
        let (blobs, repository) = storage;
        let pixel_jobs = ImagingProcessor::workers_for_this_machine();
        let processor: Arc<dyn ImageProcessor> = Arc::new(MeteredImageProcessor::new(
            Arc::new(ImagingProcessor::new(validated.limits, pixel_jobs)),
            Arc::clone(&metrics.thumbnails),
        ));
        let service = ImageService::new(
            blobs,
            repository,
            processor,
            Arc::new(SystemClock),
            ServiceSettings {
                limits: validated.limits,
                signing_key,
                url_ttl: validated.url_ttl,
                idempotency_window: chrono::TimeDelta::hours(IDEMPOTENCY_WINDOW_HOURS),
                strip_metadata: settings.strip_metadata,
                pixel_jobs,
                quota: validated.quota,
            },
        );
        let state = AppState {
            service,
            public_url: validated.public_url,
            limits: validated.limits,
            quota: validated.quota,
            metrics: Arc::clone(&metrics),
        };
        Ok(Shared {
            state: web::Data::new(state),
            authentication: web::Data::new(validated.authentication),
            openapi: web::Data::new(
                OpenApiJson::render().context("rendering the OpenAPI document")?,
            ),
            docs: web::Data::new(DocsConfig::new()),
            edge: EdgeGuards::from_settings(settings),
            metrics: web::Data::from(metrics),
            serves_metrics: settings.metrics && settings.metrics_bind.is_none(),
        })
    }
}

/// The actix server over `listener`.
fn serve(listener: TcpListener, shared: Shared) -> anyhow::Result<Server> {
    let server = HttpServer::new(move || app(shared.clone()))
        .on_connect(disable_nagle)
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .client_request_timeout(REQUEST_HEAD_TIMEOUT)
        .listen(listener)?
        .run();
    Ok(server)
}

/// Sends each write at once. With Nagle's algorithm on, the last segment of a streamed body
/// waits for the client's delayed ACK of the one before: about 20-40 ms added to every image
/// served on a kept-alive connection (docs/performance.md).
fn disable_nagle(connection: &dyn std::any::Any, _extensions: &mut actix_web::dev::Extensions) {
    if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>()
        && let Err(error) = stream.set_nodelay(true)
    {
        tracing::debug!(%error, "could not set TCP_NODELAY on a connection");
    }
}

/// One worker's app: the same for the server and for in-process use.
fn app(
    shared: Shared,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let rate_limiter = shared.edge.rate_limiter;
    let body_deadlines = shared.edge.body_deadlines;
    let metrics = shared.metrics.clone().into_inner();
    let serves_metrics = shared.serves_metrics;
    App::new()
        .app_data(shared.state)
        .app_data(shared.authentication)
        .app_data(shared.openapi)
        .app_data(shared.docs)
        .app_data(shared.metrics)
        .configure(routes::configure)
        .configure(|config| {
            if serves_metrics {
                configure_metrics_route(config);
            }
        })
        .default_service(web::to(routes::no_route))
        // Innermost first. A handler's panic becomes a 500 right around the handlers. The
        // guards run before routing, rate first, so that every request spends budget; their
        // refusals become problem+json before headers, span and id apply.
        .wrap(from_fn(answer_panics))
        .wrap(from_fn(move |request, next| {
            limit_body_time(body_deadlines, request, next)
        }))
        .wrap(from_fn(limit_request_head))
        .wrap(from_fn(move |request, next| {
            limit_rate(rate_limiter.clone(), request, next)
        }))
        .wrap(problem::error_responses())
        .wrap(security_headers())
        .wrap(TracingLogger::<RequestSpan>::new())
        .wrap(from_fn(request_id))
        // Outermost, so that it records the status every other layer settled on and times the
        // whole of the server's work.
        .wrap(from_fn(move |request, next| {
            record_http(Arc::clone(&metrics), request, next)
        }))
}

/// A fresh key for this process only: links and cursors die with it.
fn random_signing_key() -> anyhow::Result<SigningKey> {
    let mut secret = [0_u8; 32];
    rand::rng().fill_bytes(&mut secret);
    tracing::warn!(
        "LIGHTBOX_SIGNING_KEY is not set: using a random key, so signed URLs and list cursors \
         will not survive a restart or work across nodes"
    );
    SigningKey::new(&secret).context("making a random signing key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// Test harnesses spawn the server on a Tokio runtime, which needs both futures to be Send.
    #[test]
    fn the_server_futures_can_be_spawned() {
        let build = Application::build(Settings::default());
        assert_send(&build);
        drop(build);
    }

    #[actix_web::test]
    async fn the_in_memory_app_serves_in_process() {
        use actix_web::test::{TestRequest, call_service, init_service};

        let app = init_service(in_memory_app(&Settings::default()).await.unwrap()).await;
        let health = call_service(&app, TestRequest::get().uri("/health").to_request()).await;
        assert_eq!(health.status(), 200);
        let upload = TestRequest::post()
            .uri("/api/v1/images")
            .insert_header(("X-User-ID", "alice"))
            .to_request();
        let refused = call_service(&app, upload).await;
        assert_eq!(refused.status(), 400, "a body that is not multipart");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn it_serves_on_a_free_port_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            bind: "127.0.0.1:0".to_owned(),
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let application = Application::build(settings).await.unwrap();
        assert_ne!(application.port(), 0);
        let handle = application.server.handle();
        assert_send(&application.server);
        let running = tokio::spawn(application.run_until_stopped());
        handle.stop(true).await;
        running.await.unwrap().unwrap();
    }
}
