//! The web gallery at `/`: a static page, its script modules and its stylesheet, compiled into
//! the binary from `api-actix/gallery/` so that it runs with no build step and loads nothing
//! from the internet.
//!
//! The files hold no data and are served to anyone; every call the page makes to the API
//! carries the identity the user signed in with, and is checked there like any other client's.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use crate::http::security_headers::GALLERY_CONTENT_SECURITY_POLICY;
use crate::problem::{ApiError, ErrorCode};

/// One embedded file: its name under `/gallery/`, its media type and its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The page served at `/`.
const PAGE: Asset = Asset {
    name: "index.html",
    content_type: HTML,
    body: include_str!("../gallery/index.html"),
};

/// Everything the page loads, by the name it uses under `/gallery/`.
const ASSETS: [Asset; 9] = [
    Asset {
        name: "style.css",
        content_type: CSS,
        body: include_str!("../gallery/style.css"),
    },
    Asset {
        name: "app.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/app.js"),
    },
    Asset {
        name: "api.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/api.js"),
    },
    Asset {
        name: "session.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/session.js"),
    },
    Asset {
        name: "problems.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/problems.js"),
    },
    Asset {
        name: "blurhash.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/blurhash.js"),
    },
    Asset {
        name: "upload.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/upload.js"),
    },
    Asset {
        name: "grid.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/grid.js"),
    },
    Asset {
        name: "detail.js",
        content_type: JAVASCRIPT,
        body: include_str!("../gallery/detail.js"),
    },
];

/// `GET /`: the gallery page.
pub async fn gallery_page() -> HttpResponse {
    respond(&PAGE)
}

/// `GET /gallery/{name}`: one of the page's files; any other name is 404.
pub async fn gallery_asset(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let name = request.match_info().get("name").unwrap_or_default();
    ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map(respond)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no gallery file at this path"))
}

fn respond(asset: &Asset) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(GALLERY_CONTENT_SECURITY_POLICY),
        ))
        // The files change with the binary; revalidating each load keeps an upgraded server
        // from running a page against stale script modules.
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .body(asset.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_or_a_module_imports_is_served() {
        let served: Vec<&str> = ASSETS.iter().map(|asset| asset.name).collect();
        for asset in ASSETS.iter().chain([&PAGE]) {
            for reference in references(asset.body) {
                assert!(
                    served.contains(&reference.as_str()),
                    "{} refers to {reference}, which is not embedded",
                    asset.name
                );
            }
        }
    }

    #[test]
    fn no_file_loads_anything_from_another_origin() {
        for asset in ASSETS.iter().chain([&PAGE]) {
            for scheme in ["http://", "https://", "//fonts", "//cdn"] {
                assert!(
                    !asset.body.contains(scheme),
                    "{} mentions {scheme}",
                    asset.name
                );
            }
        }
    }

    #[test]
    fn the_page_has_no_inline_script_or_style() {
        let page = PAGE.body;
        assert!(!page.contains("<style"), "an inline <style>");
        assert!(!page.contains("style=\""), "an inline style attribute");
        for (at, _) in page.match_indices(" on") {
            let name: String = page[at + 1..]
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            let after = &page[at + 1 + name.len()..];
            assert!(
                !after.starts_with('='),
                "an inline event handler attribute {name}"
            );
        }
        for script in page.split("<script").skip(1) {
            assert!(script.contains("src=\"/gallery/"), "an inline <script>");
        }
    }

    /// The file names a file refers to: `/gallery/<name>` in the page, `./<name>` in imports.
    fn references(body: &str) -> Vec<String> {
        let mut found = Vec::new();
        for marker in ["\"/gallery/", "\"./"] {
            for (at, matched) in body.match_indices(marker) {
                let rest = &body[at + matched.len()..];
                if let Some(end) = rest.find('"') {
                    found.push(rest[..end].to_owned());
                }
            }
        }
        found
    }
}
