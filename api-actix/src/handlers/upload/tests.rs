//! Uploads whose multipart body stops partway, found by the `multipart_upload` fuzz target: each
//! must be answered `400 bad_request`, not left waiting for bytes that can no longer come.

use std::time::Duration;

use actix_web::test::{TestRequest, call_service, init_service, read_body_json};

use crate::{Settings, in_memory_app};

const BOUNDARY: &str = "lightbox";

/// Far longer than the in-memory app needs to answer; a request still waiting by then would
/// wait forever.
const PATIENCE: Duration = Duration::from_secs(10);

/// A form whose `file` part holds the start of a PNG and whose body then ends with `ending`, at
/// most the first bytes of the closing delimiter. The PNG start keeps the inspector reading, so
/// the end of the body is what the upload trips on.
fn cut_form(ending: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(b"\x89PNG\r\n\x1A\n");
    body.extend_from_slice(ending);
    body
}

#[actix_web::test]
async fn a_body_cut_inside_the_closing_delimiter_is_a_bad_request() {
    let app = init_service(in_memory_app(&Settings::default()).await.unwrap()).await;
    // "\r\n" is what the fuzzer found: actix-multipart 0.7 waited for more after it, forever.
    for ending in [
        &b"\r\n"[..],
        b"\r",
        b"\r\n-",
        b"\r\n--",
        b"\r\n--light",
        b"",
    ] {
        let request = TestRequest::post()
            .uri("/api/v1/images/upload")
            .insert_header(("X-User-ID", "alice"))
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ))
            .set_payload(cut_form(ending))
            .to_request();
        let shown = String::from_utf8_lossy(ending);
        let response = tokio::time::timeout(PATIENCE, call_service(&app, request))
            .await
            .unwrap_or_else(|_| panic!("no answer to a body ending {shown:?}"));
        assert_eq!(response.status(), 400, "a body ending {shown:?}");
        let problem: serde_json::Value = read_body_json(response).await;
        assert_eq!(problem["code"], "bad_request", "a body ending {shown:?}");
    }
}
