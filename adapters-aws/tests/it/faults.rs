//! A backend that does not answer is `Unavailable`, within the configured timeouts.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use lightbox_adapters_aws::{AwsSettings, connect_with};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_ports::{BlobError, BlobKey, RepoError};

use super::support::sdk_config_for;

/// Everything must give up well within this, retries included.
const BOUND: Duration = Duration::from_secs(20);

/// An endpoint on a port nothing listens on.
fn closed_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_dead_backend_is_unavailable_within_the_timeout() {
    let sdk = sdk_config_for(&closed_endpoint()).await;
    let backend = connect_with(
        &sdk,
        &AwsSettings {
            bucket: "nowhere".to_owned(),
            table: "nowhere".to_owned(),
            endpoint_url: None,
        },
    );
    let started = Instant::now();
    let key = BlobKey::original(&ImageId::generate());

    assert!(matches!(
        backend.blobs.check_ready().await,
        Err(BlobError::Unavailable(_))
    ));
    assert!(matches!(
        backend.blobs.get(&key, None).await,
        Err(BlobError::Unavailable(_))
    ));
    let body = stream::iter([Ok(bytes::Bytes::from_static(b"x"))]).boxed();
    assert!(matches!(
        backend.blobs.put(&key, body).await,
        Err(BlobError::Unavailable(_))
    ));
    assert!(matches!(
        backend.repository.check_ready().await,
        Err(RepoError::Unavailable(_))
    ));
    assert!(matches!(
        backend.repository.get(&ImageId::generate()).await,
        Err(RepoError::Unavailable(_))
    ));
    let owner = OwnerId::parse("nobody").unwrap();
    match backend.repository.usage(&owner).await {
        Err(RepoError::Unavailable(failure)) => {
            assert_eq!(failure.backend, "DynamoDB table");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
}
