//! The authorization matrix: every route that needs a caller × every way of failing to be one
//! (none, malformed, and in jwt mode an expired, an `alg: none` and a forged token) is 401
//! `unauthenticated`; another user is 404 on a private image on every image route, never reads
//! or writes it, and lists only public images; and the signed `/content` route, which needs no
//! caller, opens the private image to no identity and to no other image's signature (403
//! `invalid_signature`). Each test ends by checking that the images are exactly as uploaded and
//! nothing was stored. Both auth modes run on whichever backend the suite runs on.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::fixtures::png_seeded;
use crate::helpers::jwt::{
    Challenge, check_challenge, claims_for, forged_hs256_token, hs256_mode, hs256_token, now,
    unsigned_token,
};
use crate::helpers::{
    ALICE, BOB, Caller, Failures, Form, TestApp, content_url, ids_of, protected_routes, spawn_app,
    spawn_app_with, upload_image,
};

/// How the app identifies callers, and so which challenge its 401s carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Header,
    Jwt,
}

/// The callers of one app: alice (the owner), bob (another user) and the failed identities.
struct Callers {
    mode: Mode,
    alice: Caller,
    bob: Caller,
    /// (case, caller, the challenge a jwt-mode 401 carries for it).
    unidentified: Vec<(&'static str, Caller, Challenge)>,
}

async fn header_mode() -> (TestApp, Callers) {
    let app = spawn_app().await;
    let too_long = "u".repeat(129);
    let callers = Callers {
        mode: Mode::Header,
        alice: app.as_user(ALICE),
        bob: app.as_user(BOB),
        unidentified: vec![
            ("no X-User-ID", app.anonymous(), Challenge::NoToken),
            (
                "X-User-ID with a space",
                app.as_user("alice smith"),
                Challenge::NoToken,
            ),
            (
                "X-User-ID with a slash",
                app.as_user("../alice"),
                Challenge::NoToken,
            ),
            (
                "X-User-ID too long",
                app.as_user(&too_long),
                Challenge::NoToken,
            ),
            (
                "a bearer token instead of X-User-ID",
                app.with_bearer(&hs256_token(&claims_for(ALICE))),
                Challenge::NoToken,
            ),
        ],
    };
    (app, callers)
}

async fn jwt_mode() -> (TestApp, Callers) {
    let app = spawn_app_with(hs256_mode).await;
    let alice = claims_for(ALICE);
    let callers = Callers {
        mode: Mode::Jwt,
        alice: app.with_bearer(&hs256_token(&alice)),
        bob: app.with_bearer(&hs256_token(&claims_for(BOB))),
        unidentified: vec![
            ("no token", app.anonymous(), Challenge::NoToken),
            ("X-User-ID only", app.as_user(ALICE), Challenge::NoToken),
            (
                "Basic credentials",
                app.with_authorization(Some(b"Basic YWxpY2U6c2VjcmV0")),
                Challenge::NoToken,
            ),
            (
                "malformed token",
                app.with_bearer("not.a.jwt"),
                Challenge::InvalidToken,
            ),
            (
                "expired token",
                app.with_bearer(&hs256_token(&json!({"sub": ALICE, "exp": now() - 3600}))),
                Challenge::InvalidToken,
            ),
            (
                "alg none token",
                app.with_bearer(&unsigned_token(&alice)),
                Challenge::InvalidToken,
            ),
            (
                "wrong-signature token",
                app.with_bearer(&forged_hs256_token(&alice)),
                Challenge::InvalidToken,
            ),
            (
                "token whose sub is not a user id",
                app.with_bearer(&hs256_token(&claims_for("alice smith"))),
                Challenge::InvalidToken,
            ),
        ],
    };
    (app, callers)
}

/// Alice's images: one private, one public, with what they were at upload.
struct Images {
    private: Value,
    private_bytes: Vec<u8>,
    public: Value,
    public_bytes: Vec<u8>,
}

async fn upload_alices_images(callers: &Callers) -> Images {
    let private_bytes = png_seeded(16, 12, 1);
    let public_bytes = png_seeded(16, 12, 2);
    let private = upload_image(
        &callers.alice,
        &Form::with_file(private_bytes.clone()).text("title", "private"),
    )
    .await;
    let public = upload_image(
        &callers.alice,
        &Form::with_file(public_bytes.clone())
            .text("title", "public")
            .text("visibility", "public"),
    )
    .await;
    // The thumbnails the route table asks for are rendered now, so that any object stored or
    // removed later is the attempts' doing.
    for image in [&private, &public] {
        for query in [vec![], vec![("size", "64")]] {
            let resp = callers.alice.get_thumbnail(id(image), &query).await;
            assert_eq!(resp.status().as_u16(), 200, "alice's thumbnail {query:?}");
        }
    }
    Images {
        private,
        private_bytes,
        public,
        public_bytes,
    }
}

fn id(image: &Value) -> &str {
    image["id"].as_str().unwrap()
}

/// An Image without its fresh-per-response signed `url`.
fn stable(image: &Value) -> Value {
    let mut image = image.clone();
    let fields = image.as_object_mut().unwrap();
    fields.remove("url");
    fields.remove("url_expires_at");
    image
}

/// After the attempts: both images exactly as uploaded (metadata, version and bytes) for their
/// owner, and exactly the `objects` stored before them.
async fn assert_untouched(app: &TestApp, callers: &Callers, images: &Images, objects: usize) {
    let mut failures = Failures::new();
    for (image, bytes) in [
        (&images.private, &images.private_bytes),
        (&images.public, &images.public_bytes),
    ] {
        let case = format!("{} afterwards", image["title"]);
        let resp = callers.alice.get_metadata(id(image)).await;
        if let Some(now) = failures.status(&case, resp, 200).await {
            failures.equal(&case, stable(&now), stable(image));
        }
        let resp = callers.alice.get_image(id(image)).await;
        failures.equal(&case, resp.status().as_u16(), 200);
        let served = resp.bytes().await.unwrap_or_default();
        failures.check(
            &case,
            served.as_ref() == bytes.as_slice(),
            "the bytes changed",
        );
    }
    let listed = ids_of(&callers.alice.list(&[]).await.json().await.unwrap());
    failures.equal(
        "alice's listing afterwards",
        listed,
        vec![
            id(&images.public).to_owned(),
            id(&images.private).to_owned(),
        ],
    );
    failures.equal(
        "objects stored afterwards",
        app.stored_object_count().await,
        objects,
    );
    failures.assert_none();
}

/// Every protected route, on the private and on the public image, for every failed identity:
/// 401 `unauthenticated` (in jwt mode with its challenge), and nothing changes.
async fn assert_unidentified_callers_get_401(app: &TestApp, callers: &Callers) {
    let images = upload_alices_images(callers).await;
    let objects = app.stored_object_count().await;
    let mut failures = Failures::new();
    for (who, caller, challenge) in &callers.unidentified {
        for image in [&images.private, &images.public] {
            for route in protected_routes(id(image), ALICE) {
                let case = format!("{who}: {} ({})", route.name(), image["title"]);
                let resp = route.send(caller).await;
                match callers.mode {
                    Mode::Jwt => check_challenge(&mut failures, &case, &resp, *challenge),
                    Mode::Header => failures.check(
                        &case,
                        resp.headers().get("www-authenticate").is_none(),
                        "header mode sends no bearer challenge",
                    ),
                }
                if route.method == Method::HEAD {
                    failures.head_problem(&case, &resp, 401);
                } else {
                    failures.problem(&case, resp, 401, "unauthenticated").await;
                }
            }
        }
        check_content_needs_its_own_signature(&mut failures, app, caller, who, &images).await;
    }
    failures.assert_none();
    assert_untouched(app, callers, &images, objects).await;
}

/// Bob, a valid caller, against alice's images: 404 on every route of the private one, reads
/// but no writes of the public one, only the public one listed, and no signature reuse.
async fn assert_another_user_never_reaches_a_private_image(app: &TestApp, callers: &Callers) {
    let images = upload_alices_images(callers).await;
    let objects = app.stored_object_count().await;
    let bob = &callers.bob;
    let mut failures = Failures::new();

    for route in protected_routes(id(&images.private), ALICE) {
        if !route.path.contains(id(&images.private)) {
            continue;
        }
        let case = format!("bob: {} (private)", route.name());
        let resp = route.send(bob).await;
        if route.method == Method::HEAD {
            failures.head_problem(&case, &resp, 404);
        } else {
            failures.problem(&case, resp, 404, "not_found").await;
        }
    }
    for route in protected_routes(id(&images.public), ALICE) {
        if !route.path.contains(id(&images.public)) {
            continue;
        }
        let case = format!("bob: {} (public)", route.name());
        let resp = route.send(bob).await;
        if route.writes() {
            failures.problem(&case, resp, 404, "not_found").await;
        } else {
            failures.equal(&case, resp.status().as_u16(), 200);
        }
    }

    // Listings: alice's public image only, whatever the filters ask for.
    for query in [
        vec![("owner", ALICE)],
        vec![("owner", ALICE), ("visibility", "private")],
        vec![("owner", ALICE), ("title", "priv")],
        vec![("owner", ALICE), ("order", "oldest"), ("limit", "100")],
    ] {
        let case = format!("bob lists {query:?}");
        let resp = bob.list(&query).await;
        if let Some(page) = failures.status(&case, resp, 200).await {
            let expected = if query
                .iter()
                .any(|(k, _)| *k == "visibility" || *k == "title")
            {
                Vec::new()
            } else {
                vec![id(&images.public).to_owned()]
            };
            failures.equal(&case, ids_of(&page), expected);
        }
    }
    let resp = bob.list(&[]).await;
    if let Some(page) = failures.status("bob's own listing", resp, 200).await {
        failures.equal("bob's own listing", ids_of(&page), Vec::new());
    }

    check_content_needs_its_own_signature(&mut failures, app, bob, "bob", &images).await;
    failures.assert_none();
    assert_untouched(app, callers, &images, objects).await;
}

/// `/content` answers by signature alone, never by identity: for `caller`, the private image
/// without a signature, or with the public image's (which anyone may hold), is 403
/// `invalid_signature` (GET and HEAD).
async fn check_content_needs_its_own_signature(
    failures: &mut Failures,
    app: &TestApp,
    caller: &Caller,
    who: &str,
    images: &Images,
) {
    let public_url = content_url(app, &images.public);
    let public_signature = public_url.query().unwrap_or_default();
    let private_content = format!("/api/v1/images/{}/content", id(&images.private));
    for (case, path) in [
        ("no signature", private_content.clone()),
        (
            "the public image's signature",
            format!("{private_content}?{public_signature}"),
        ),
    ] {
        let case = format!("{who}: private image's content with {case}");
        let resp = caller.call(Method::HEAD, &path).await;
        failures.head_problem(&format!("{case} (HEAD)"), &resp, 403);
        let resp = caller.call(Method::GET, &path).await;
        failures
            .problem(&case, resp, 403, "invalid_signature")
            .await;
    }
}

#[tokio::test]
async fn jwt_mode_every_protected_route_is_401_for_every_failed_identity() {
    let (app, callers) = jwt_mode().await;
    assert_unidentified_callers_get_401(&app, &callers).await;
}

#[tokio::test]
async fn jwt_mode_another_user_never_reads_or_writes_a_private_image() {
    let (app, callers) = jwt_mode().await;
    assert_another_user_never_reaches_a_private_image(&app, &callers).await;
}

#[tokio::test]
async fn header_mode_every_protected_route_is_401_for_every_failed_identity() {
    let (app, callers) = header_mode().await;
    assert_unidentified_callers_get_401(&app, &callers).await;
}

#[tokio::test]
async fn header_mode_another_user_never_reads_or_writes_a_private_image() {
    let (app, callers) = header_mode().await;
    assert_another_user_never_reaches_a_private_image(&app, &callers).await;
}
