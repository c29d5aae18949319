//! The ports' conformance suite against S3 and DynamoDB (moto).

use lightbox_ports::conformance;

use super::support::fresh_backend;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn s3_blob_store_conforms() {
    let (_, _, backend) = fresh_backend("blobs").await;
    conformance::blob_store_conformance(backend.blobs.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_repository_conforms() {
    let (_, _, backend) = fresh_backend("repository").await;
    conformance::image_repository_conformance(backend.repository.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn aws_backend_conforms_on_one_shared_store() {
    // Both suites at once on one bucket and table, as one deployment shares them.
    let (_, _, backend) = fresh_backend("shared").await;
    conformance::all(backend.blobs.as_ref(), backend.repository.as_ref()).await;
}
