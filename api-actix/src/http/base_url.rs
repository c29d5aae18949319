//! The absolute base that signed `url`s start with: the configured public URL, else the scheme
//! and `Host` the request came in with.

use actix_web::HttpRequest;

/// The base URL for links in answers to `request`, without a trailing `/`.
pub fn base_url(request: &HttpRequest, public_url: Option<&str>) -> String {
    match public_url {
        Some(configured) => configured.to_owned(),
        None => {
            let info = request.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}
