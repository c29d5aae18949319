//! Building and running the server: settings → backend → use cases → listener → actix app.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use lightbox_adapters_aws::AwsSettings;
use lightbox_adapters_imaging::ImagingProcessor;
use lightbox_adapters_local::LocalBackend;
use lightbox_domain::signing::SigningKey;
use lightbox_ports::{BlobStore, ImageRepository, ImageService, ServiceSettings, SystemClock};
use rand::RngCore;
use tracing_actix_web::TracingLogger;

use crate::config::{BackendKind, Settings, Validated};
use crate::docs::DocsConfig;
use crate::openapi::OpenApiJson;
use crate::state::{AppState, Quota};
use crate::telemetry::{RequestSpan, request_id};
use crate::{problem, routes};

/// How long a shutdown waits for in-flight requests before closing them.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an idempotency key is remembered (the contract's 24 hours).
const IDEMPOTENCY_WINDOW_HOURS: i64 = 24;

/// A built server, bound to its port and ready to run.
pub struct Application {
    port: u16,
    server: Server,
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
        let validated = settings.validate()?;
        let (blobs, repository) = open_backend(&settings).await?;
        let state = app_state(&settings, validated, blobs, repository)?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding LIGHTBOX_BIND={}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state)?;
        tracing::info!(address = %settings.bind, port, "lightbox listening");
        Ok(Application { port, server })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting and lets in-flight requests finish
    /// (up to 30 seconds).
    ///
    /// # Errors
    /// An I/O error of the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The storage the settings choose: the local directory, or S3 + DynamoDB through the AWS SDK's
/// own credential, region and endpoint chain.
async fn open_backend(
    settings: &Settings,
) -> anyhow::Result<(Arc<dyn BlobStore>, Arc<dyn ImageRepository>)> {
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
            Ok((local.blobs, local.repository))
        }
        BackendKind::Aws => {
            let aws = lightbox_adapters_aws::connect(&aws_settings(settings)).await;
            Ok((aws.blobs, aws.repository))
        }
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

/// The whole app (routes, problem+json errors, middleware) over in-memory storage and without a
/// listener, for driving in-process with `actix_web::test::init_service`: the upload fuzzer
/// sends thousands of requests a second through it, where a port and a data directory per run
/// would cost more than the requests. `bind`, `backend` and `data_dir` are not used.
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
    let state = app_state(settings, validated, local.blobs, local.repository)?;
    let documents = Documents::render()?;
    Ok(app(web::Data::new(state), documents))
}

/// The use cases over `blobs` and `repository`, with the settings the HTTP layer applies.
fn app_state(
    settings: &Settings,
    validated: Validated,
    blobs: Arc<dyn BlobStore>,
    repository: Arc<dyn ImageRepository>,
) -> anyhow::Result<AppState> {
    let signing_key = match validated.signing_key {
        Some(key) => key,
        None => random_signing_key()?,
    };
    let pixel_jobs = ImagingProcessor::workers_for_this_machine();
    let processor = Arc::new(ImagingProcessor::new(validated.limits, pixel_jobs));
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
        },
    );
    Ok(AppState {
        service,
        public_url: validated.public_url,
        limits: validated.limits,
        quota: Quota {
            max_images: settings.quota_max_images,
            max_bytes: settings.quota_max_bytes,
        },
    })
}

/// The documents every worker serves, rendered once.
#[derive(Clone)]
struct Documents {
    openapi: web::Data<OpenApiJson>,
    docs: web::Data<DocsConfig>,
}

impl Documents {
    fn render() -> anyhow::Result<Documents> {
        Ok(Documents {
            openapi: web::Data::new(
                OpenApiJson::render().context("rendering the OpenAPI document")?,
            ),
            docs: web::Data::new(DocsConfig::new()),
        })
    }
}

/// The actix server over `listener`.
fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let state = web::Data::new(state);
    let documents = Documents::render()?;
    let server = HttpServer::new(move || app(state.clone(), documents.clone()))
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .listen(listener)?
        .run();
    Ok(server)
}

/// One worker's app: the same for the server and for in-process use.
fn app(
    state: web::Data<AppState>,
    documents: Documents,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(documents.openapi)
        .app_data(documents.docs)
        .configure(routes::configure)
        .default_service(web::to(routes::no_route))
        // Innermost first: errors become problem+json before headers, span and id apply.
        .wrap(problem::error_responses())
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("Referrer-Policy", "no-referrer")),
        )
        .wrap(TracingLogger::<RequestSpan>::new())
        .wrap(from_fn(request_id))
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
