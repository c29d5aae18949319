//! The security headers every answer carries, and the four content security policies: one for
//! stored image bytes, one for the `/docs` page, one for the web gallery at `/`, and a default
//! that lets nothing load or run.
//!
//! Browsers are the risk: a user's upload is served from the API's own origin, so a file a
//! browser could be talked into rendering as a page (a polyglot, an HTML or SVG slipped past a
//! sniffer) must never run script there, and API answers must never be framed or sniffed.

use actix_web::middleware::DefaultHeaders;

/// Served image bytes (originals, thumbnails, signed links): nothing may load or run, and
/// `sandbox` gives a document rendered from them an opaque origin, so that even a browser that
/// ignored the type could not reach the API with the user's cookies or storage.
pub const IMAGE_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; sandbox";

/// The `/docs` page: its script, styles, fonts and icons come from lightbox itself (Swagger UI's
/// stylesheet embeds some icons as `data:` URLs, and its components set inline styles), it
/// fetches the OpenAPI document and sends "try it out" requests to the same origin, and nothing
/// else. No inline or evaluated script is allowed.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The web gallery (`/` and `/gallery/...`): its script and styles come from lightbox itself and
/// none of them inline; thumbnails and images are fetched with the caller's identity and shown
/// through `blob:` URLs (an `<img>` cannot send the identity headers), the favicon is an empty
/// `data:` URL, and its only network peer is the API on the same origin.
pub const GALLERY_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Every other answer (JSON, problems, redirects): none of it is a page, so nothing may load,
/// run or frame it.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The headers every answer carries unless it set its own: `X-Content-Type-Options: nosniff`,
/// `Referrer-Policy: no-referrer` (signed links carry their signature in the query), and the
/// default policy.
pub const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("content-security-policy", DEFAULT_CONTENT_SECURITY_POLICY),
];

/// Middleware adding [`SECURITY_HEADERS`] to every answer that has not set them itself (image
/// bytes, `/docs` and the gallery set their own policy).
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS
        .into_iter()
        .fold(DefaultHeaders::new(), DefaultHeaders::add)
}
