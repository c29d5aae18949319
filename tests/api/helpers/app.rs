//! `spawn_app()`: the real application on a random port with fresh storage of its own.

use std::ops::Deref;
use std::sync::Arc;

use lightbox_api::config::{Secret, Settings};
use lightbox_api::{Application, Storage};
use lightbox_ports::testing::faults::{FaultPlan, FaultyBlobStore, FaultyImageRepository};
use lightbox_ports::{BlobStore, ImageRepository};

use super::caller::Caller;
use super::storage::TestStorage;

/// The signing key every test app uses (32+ bytes, as the contract's HMAC needs).
pub const SIGNING_SECRET: &str = "lightbox-tests: fixed signing secret, 32+ bytes long";
/// The default caller of [`TestApp`]'s endpoint methods.
pub const ALICE: &str = "alice";
/// The other user of the cross-user tests.
pub const BOB: &str = "bob";

/// A running application. Dereferences to a [`Caller`] acting as [`ALICE`].
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Where the app keeps its data (the backend this run of the suite is on).
    pub storage: TestStorage,
    /// The app's signing key, to sign `/content` URLs as the app does where `url` is S3's.
    pub signing_secret: String,
    /// The settings it runs with, for the operators' commands (gc, scrub) on the same storage.
    pub settings: Settings,
    alice: Caller,
}

impl Deref for TestApp {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.alice
    }
}

impl TestApp {
    /// The same endpoints, called with `X-User-ID: <user>` (raw bytes, so invalid ids can be sent).
    pub fn as_user(&self, user: &str) -> Caller {
        self.alice.with_user(Some(user.as_bytes()))
    }

    /// The same endpoints, called as [`BOB`].
    pub fn bob(&self) -> Caller {
        self.as_user(BOB)
    }

    /// The same endpoints, called with no `X-User-ID` at all.
    pub fn anonymous(&self) -> Caller {
        self.alice.with_user(None)
    }

    /// How many objects the blob store holds, originals and derived files alike.
    pub async fn stored_object_count(&self) -> usize {
        self.storage.object_count().await
    }
}

/// The app with the contract's defaults, a fixed signing key and fresh storage on the backend
/// this run of the suite is on.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with settings changed by `configure` (small limits, short URL TTL, ...).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_over(configure, |storage| storage).await
}

/// Like [`spawn_app_with`], with both storage ports behind fault-injecting decorators that share
/// the returned plan (nothing armed yet, so every call goes through and is logged). The app's
/// storage deadlines sit over the decorators, as they sit over a real backend.
pub async fn spawn_app_with_faults(
    configure: impl FnOnce(&mut Settings),
) -> (TestApp, Arc<FaultPlan>) {
    let plan = Arc::new(FaultPlan::new());
    let shared = Arc::clone(&plan);
    let app = spawn_app_over(configure, move |(blobs, repository)| {
        let blobs: Arc<dyn BlobStore> = Arc::new(FaultyBlobStore::new(blobs, Arc::clone(&shared)));
        let repository: Arc<dyn ImageRepository> =
            Arc::new(FaultyImageRepository::new(repository, shared));
        (blobs, repository)
    })
    .await;
    (app, plan)
}

async fn spawn_app_over(
    configure: impl FnOnce(&mut Settings),
    wrap_storage: impl FnOnce(Storage) -> Storage,
) -> TestApp {
    let mut settings = Settings {
        bind: "127.0.0.1:0".to_owned(),
        signing_key: Some(Secret::new(SIGNING_SECRET.to_owned())),
        // Off unless a test turns it on: a gc pass would only add calls to a shared emulator.
        gc_interval_seconds: 0,
        ..Settings::default()
    };
    let storage = TestStorage::fresh(&mut settings);
    configure(&mut settings);
    storage.provision(&settings).await;
    let signing_secret = settings
        .signing_key
        .as_ref()
        .map(|key| key.expose().to_owned())
        .unwrap_or_default();
    let application = Application::build_with_storage_wrapper(settings.clone(), wrap_storage)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    let alice = Caller::new(address.clone(), Some(ALICE.as_bytes()));
    TestApp {
        address,
        storage,
        signing_secret,
        settings,
        alice,
    }
}
