//! `spawn_app()`: the real application on a random port with a fresh data directory.

use std::ops::Deref;
use std::path::PathBuf;

use lightbox_api::Application;
use lightbox_api::config::{Secret, Settings};
use tempfile::TempDir;

use super::caller::Caller;
use super::files::count_files;

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
    /// The local backend's data directory; deleted when the test ends.
    pub data_dir: TempDir,
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

    /// `<data_dir>/blobs`, where the local backend keeps the bytes.
    pub fn blobs_dir(&self) -> PathBuf {
        self.data_dir.path().join("blobs")
    }

    /// How many regular files the blob store holds (0 when the folder does not exist yet).
    pub fn blob_file_count(&self) -> usize {
        count_files(&self.blobs_dir())
    }
}

/// The app with the contract's defaults, a fixed signing key and a fresh data directory.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with settings changed by `configure` (small limits, short URL TTL, ...).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let mut settings = Settings {
        bind: "127.0.0.1:0".to_owned(),
        data_dir: data_dir.path().to_path_buf(),
        signing_key: Some(Secret::new(SIGNING_SECRET.to_owned())),
        ..Settings::default()
    };
    configure(&mut settings);
    let application = Application::build(settings)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    let alice = Caller::new(address.clone(), Some(ALICE.as_bytes()));
    TestApp {
        address,
        data_dir,
        alice,
    }
}
