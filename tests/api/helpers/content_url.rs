//! The `/content` URL of an image as the app signs it, on either backend: the image's `url` on
//! the local backend; on aws, where `url` is S3's own presigned GET, the same route's URL signed
//! with the app's key exactly as the local backend would have made it.

use lightbox_domain::ids::ImageId;
use lightbox_domain::signing::{ContentVariant, SignedContent, SigningKey};
use reqwest::Url;
use serde_json::Value;

use super::app::TestApp;
use super::image_json::parse_timestamp;
use super::storage::aws_requested;

/// The signed `/content` URL of `image` (an Image as the app returned it).
pub fn content_url(app: &TestApp, image: &Value) -> Url {
    if !aws_requested() {
        return Url::parse(image["url"].as_str().unwrap()).expect("`url` is absolute");
    }
    let id = ImageId::parse(image["id"].as_str().unwrap()).unwrap();
    let expires = parse_timestamp(image["url_expires_at"].as_str().unwrap()).timestamp();
    let key = SigningKey::new(app.signing_secret.as_bytes()).unwrap();
    let signature = SignedContent {
        id,
        variant: ContentVariant::Original,
        expires,
    }
    .sign(&key);
    Url::parse(&format!(
        "{}/api/v1/images/{id}/content?expires={expires}&signature={}",
        app.address,
        signature.as_str()
    ))
    .unwrap()
}
