//! A presigned URL serves the object to a plain HTTP GET, without any identity.

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream;
use lightbox_domain::ids::ImageId;
use lightbox_ports::BlobKey;

use super::support::fresh_backend;

#[tokio::test]
async fn presigned_urls_serve_the_object() {
    let (_, settings, backend) = fresh_backend("presign").await;
    let key = BlobKey::original(&ImageId::generate());
    let bytes = Bytes::from_static(b"\x89PNG presigned bytes");
    backend
        .blobs
        .put(&key, stream::iter([Ok(bytes.clone())]).boxed())
        .await
        .unwrap();
    let url = backend
        .blobs
        .presigned_get(&key, Duration::from_secs(300))
        .await
        .unwrap()
        .expect("S3 signs its own URLs");
    assert!(url.contains(&settings.bucket), "{url}");
    assert!(url.contains(key.as_str()), "{url}");
    assert!(url.contains("X-Amz-Signature="), "{url}");
    assert!(url.contains("X-Amz-Expires=300"), "{url}");

    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap(), bytes);
}
