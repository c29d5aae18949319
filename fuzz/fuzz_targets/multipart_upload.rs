//! Fuzzes the upload endpoint end to end, in-process: the whole actix app (routes, multipart
//! reading, staging, inspection, stripping, decoding, commit, problem+json) over in-memory
//! storage, with the input as the multipart body.
//!
//! Input: one flags byte, then the body, sent with the boundary `lightboxfuzz`. The flags choose
//! the path (`/upload` or its alias), the app (contract defaults, or small limits with a byte
//! quota and stripping off), how the body is cut into chunks, an `Idempotency-Key` (the request
//! is then sent twice and must be answered the same), the spelling of the `Content-Type`, and a
//! refused user id. Properties: nothing panics; no `5xx`; every answer is `201` or a problem
//! whose status and code the upload contract lists; a stored image can be deleted again.
#![no_main]

use std::cell::Cell;
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::rt::System;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use bytes::Bytes;
use futures::future::LocalBoxFuture;
use libfuzzer_sys::fuzz_target;
use lightbox_api::Settings;
use lightbox_api::config::Secret;
use lightbox_fuzz::chunks;
use lightbox_fuzz::upload_contract::allowed_problem;

const BOUNDARY: &str = "lightboxfuzz";

/// A status and a body: all the target looks at in an answer.
type Answer = (u16, Option<String>, Bytes);

/// One app, called with a request.
type Call = Rc<dyn Fn(actix_http::Request) -> LocalBoxFuture<'static, Answer>>;

struct Harness {
    system: actix_web::rt::SystemRunner,
    default_app: Call,
    tight_app: Call,
    requests: Cell<u64>,
}

thread_local! {
    // One runtime and two apps for the whole run: building them costs far more than a request.
    // Leaked, never dropped: thread-local destructors run at exit in no set order, and dropping
    // the apps then would reach for actix's own thread-locals after they are gone.
    static HARNESS: &'static Harness = Box::leak(Box::new(Harness::build()));
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let harness = HARNESS.with(|harness| *harness);
    harness.system.block_on(exercise(harness, flags, body));
});

async fn exercise(harness: &Harness, flags: u8, body: &[u8]) {
    let app = if flags & 0b10 == 0 {
        &harness.default_app
    } else {
        &harness.tight_app
    };
    let path = if flags & 1 == 0 {
        "/api/v1/images/upload"
    } else {
        "/api/v1/images"
    };
    let user = if flags & 0x80 == 0 { "alice" } else { "al ice" };
    let content_type = if flags & 0x40 == 0 {
        format!("multipart/form-data; boundary={BOUNDARY}")
    } else {
        format!("Multipart/Form-Data; charset=utf-8; boundary=\"{BOUNDARY}\"")
    };
    let key = (flags & 0x10 != 0).then(|| {
        let count = harness.requests.get() + 1;
        harness.requests.set(count);
        format!("fuzz-{count}")
    });
    let send = || {
        let mut request = TestRequest::post()
            .uri(path)
            .insert_header(("X-User-ID", user))
            .insert_header(("Content-Type", content_type.as_str()))
            .insert_header(("Content-Length", body.len().to_string()));
        if let Some(key) = &key {
            request = request.insert_header(("Idempotency-Key", key.as_str()));
        }
        let mut request = request.to_request();
        *request.payload() = chunked(body, flags);
        app(request)
    };
    let first = send().await;
    check_upload_answer(&first);
    if key.is_some() {
        let replay = send().await;
        check_upload_answer(&replay);
        assert_eq!(
            (replay.0, id_of(&replay)),
            (first.0, id_of(&first)),
            "a retry with the same Idempotency-Key is answered as the first request"
        );
    }
    if let Some(id) = id_of(&first) {
        // Removing what was stored keeps memory flat over millions of runs.
        let request = TestRequest::delete()
            .uri(&format!("/api/v1/images/{id}"))
            .insert_header(("X-User-ID", user))
            .to_request();
        let (status, ..) = app(request).await;
        assert_eq!(status, 204, "a stored image is deleted");
    }
}

/// The body as a stream cut the way `flags` chooses (bits 2-3: whole, one byte at a time, or
/// random pieces), so that the multipart parser meets its boundaries at every offset.
fn chunked(body: &[u8], flags: u8) -> Payload {
    let pieces: Vec<Bytes> = match (flags >> 2) & 0b11 {
        0 => vec![Bytes::copy_from_slice(body)],
        1 => body.chunks(1).map(Bytes::copy_from_slice).collect(),
        _ => chunks::random_pieces(body, flags.rotate_left(3))
            .into_iter()
            .map(Bytes::copy_from_slice)
            .collect(),
    };
    let stream = futures::stream::iter(pieces.into_iter().map(Ok::<Bytes, PayloadError>));
    Payload::Stream {
        payload: Box::pin(stream),
    }
}

/// Fails unless `answer` is `201` with an image, or a problem the contract lists for uploads.
fn check_upload_answer((status, content_type, body): &Answer) {
    let json: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|error| panic!("{status}: the body is not JSON ({error}): {body:?}"));
    if *status == 201 {
        assert!(json["id"].is_string(), "201 without an id: {json}");
        return;
    }
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "{status}: {json}"
    );
    let code = json["code"].as_str().unwrap_or_default();
    assert!(
        allowed_problem(*status, code),
        "the upload answered {status} {code}, which its contract does not list: {json}"
    );
}

fn id_of((status, _, body): &Answer) -> Option<String> {
    if *status != 201 {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    json["id"].as_str().map(str::to_owned)
}

impl Harness {
    fn build() -> Harness {
        let system = System::new();
        let default_app = system.block_on(app(Settings::default()));
        let tight_app = system.block_on(app(Settings {
            max_upload_bytes: 2048,
            max_side: 64,
            max_pixels: 4096,
            max_frames: 4,
            quota_max_bytes: Some(1536),
            strip_metadata: false,
            ..Settings::default()
        }));
        Harness {
            system,
            default_app,
            tight_app,
            requests: Cell::new(0),
        }
    }
}

/// The in-memory app for `settings` (with a fixed signing key), as a callable.
async fn app(settings: Settings) -> Call {
    let settings = Settings {
        signing_key: Some(Secret::new(
            "lightbox fuzz: signing key, 32+ bytes".to_owned(),
        )),
        ..settings
    };
    let app = lightbox_api::in_memory_app(&settings)
        .await
        .expect("the in-memory app builds");
    let service = Rc::new(init_service(app).await);
    Rc::new(move |request| {
        let service = Rc::clone(&service);
        Box::pin(async move { answer(call_service(&*service, request).await).await })
    })
}

async fn answer<B: MessageBody>(response: ServiceResponse<B>) -> Answer {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("Content-Type")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (status, content_type, read_body(response).await)
}
