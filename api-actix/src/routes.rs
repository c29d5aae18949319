//! The route table: the web gallery and every path of the contract, its methods, and a `405`
//! with `Allow` for the others. Unknown paths fall to the app's default service (`404`).

use actix_web::{HttpResponse, Resource, web};

use crate::docs::{docs_asset, docs_redirect};
use crate::gallery::{gallery_asset, gallery_page};
use crate::handlers::{delete, health, image_bytes, list, me, metadata, thumbnail, update, upload};
use crate::openapi::openapi_json;
use crate::problem::{ApiError, ErrorCode};

/// Registers every route.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            resource("/", &["GET", "HEAD"])
                .route(web::get().to(gallery_page))
                .route(web::head().to(gallery_page)),
        )
        .service(
            resource("/gallery/{name}", &["GET", "HEAD"])
                .route(web::get().to(gallery_asset))
                .route(web::head().to(gallery_asset)),
        )
        .service(resource("/health", &["GET"]).route(web::get().to(health::health)))
        .service(resource("/ready", &["GET"]).route(web::get().to(health::ready)))
        .service(resource("/api/v1/openapi.json", &["GET"]).route(web::get().to(openapi_json)))
        .service(resource("/docs", &["GET"]).route(web::get().to(docs_redirect)))
        .service(resource("/docs/{tail:.*}", &["GET"]).route(web::get().to(docs_asset)))
        .service(resource("/api/v1/me", &["GET"]).route(web::get().to(me::me)))
        // Registered before `/api/v1/images/{id}`, which would otherwise take "upload" as an id.
        .service(
            resource("/api/v1/images/upload", &["POST"])
                .route(web::post().to(upload::upload_image)),
        )
        .service(
            resource("/api/v1/images", &["GET", "POST"])
                .route(web::get().to(list::list_images))
                .route(web::post().to(upload::upload_image_alias)),
        )
        .service(
            resource(
                "/api/v1/images/{id}",
                &["GET", "HEAD", "PUT", "PATCH", "DELETE"],
            )
            .route(web::get().to(image_bytes::image_bytes))
            .route(web::head().to(image_bytes::image_bytes))
            .route(web::put().to(update::update_image))
            .route(web::patch().to(update::update_image))
            .route(web::delete().to(delete::delete_image)),
        )
        .service(
            resource("/api/v1/images/{id}/metadata", &["GET"])
                .route(web::get().to(metadata::image_metadata)),
        )
        .service(
            resource("/api/v1/images/{id}/thumbnail", &["GET", "HEAD"])
                .route(web::get().to(thumbnail::thumbnail))
                .route(web::head().to(thumbnail::thumbnail)),
        )
        .service(
            resource("/api/v1/images/{id}/content", &["GET", "HEAD"])
                .route(web::get().to(image_bytes::signed_content))
                .route(web::head().to(image_bytes::signed_content)),
        );
}

/// A resource whose unrouted methods answer `405` listing `allowed`, whether or not the caller
/// sent an identity.
pub(crate) fn resource(path: &str, allowed: &'static [&'static str]) -> Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<HttpResponse, _>(ApiError::method_not_allowed(allowed))
    }))
}

/// The app's default service: no route has this path.
pub async fn no_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        "no resource lives at this path",
    ))
}
