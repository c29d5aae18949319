//! A hand-written `multipart/form-data` body, so tests control every byte a client could send:
//! part order, repeated parts, raw UTF-8 or control characters in filenames, truncation.

/// The boundary of every test body; it never occurs in the fixtures.
const BOUNDARY: &str = "lightbox-test-boundary-Xq7MA4YWxkTrZu0gW";

/// A multipart form under construction.
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    headers: String,
    body: Vec<u8>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// A form holding just `file`, sent as `upload.bin` with `application/octet-stream`.
    pub fn with_file(bytes: Vec<u8>) -> Self {
        Self::new().file(bytes)
    }

    /// Adds a `file` part named `upload.bin`, `application/octet-stream`.
    pub fn file(self, bytes: Vec<u8>) -> Self {
        self.file_as(bytes, "upload.bin", "application/octet-stream")
    }

    /// Adds a `file` part with this filename and part `Content-Type`.
    pub fn file_as(self, bytes: Vec<u8>, filename: &str, content_type: &str) -> Self {
        let disposition = format!("form-data; name=\"file\"; filename=\"{}\"", quote(filename));
        self.part(&disposition, Some(content_type), bytes)
    }

    /// Adds a `file` part whose name travels as RFC 5987 `filename*=UTF-8''<percent-encoded>`.
    pub fn file_with_encoded_name(self, bytes: Vec<u8>, filename: &str) -> Self {
        let disposition = format!(
            "form-data; name=\"file\"; filename*=UTF-8''{}",
            percent_encode(filename)
        );
        self.part(&disposition, Some("application/octet-stream"), bytes)
    }

    /// Adds an image part under another name than `file` (an unknown field).
    pub fn file_as_named(self, name: &str, bytes: Vec<u8>) -> Self {
        let disposition = format!("form-data; name=\"{}\"; filename=\"x.png\"", quote(name));
        self.part(&disposition, Some("image/png"), bytes)
    }

    /// Adds a `file` part without any `filename` parameter.
    pub fn file_without_name(self, bytes: Vec<u8>) -> Self {
        self.part("form-data; name=\"file\"", Some("image/png"), bytes)
    }

    /// Adds a text field.
    pub fn text(self, name: &str, value: &str) -> Self {
        let disposition = format!("form-data; name=\"{}\"", quote(name));
        self.part(&disposition, None, value.as_bytes().to_vec())
    }

    /// The request's `Content-Type`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }

    /// The whole body, closing delimiter included.
    pub fn body(&self) -> Vec<u8> {
        let mut body = self.parts_bytes();
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        body
    }

    /// The body with its closing delimiter (and the CRLF before it) missing: a truncated upload.
    pub fn truncated_body(&self) -> Vec<u8> {
        let mut body = self.parts_bytes();
        body.truncate(body.len() - 2);
        body
    }

    fn part(mut self, disposition: &str, content_type: Option<&str>, body: Vec<u8>) -> Self {
        let mut headers = format!("Content-Disposition: {disposition}\r\n");
        if let Some(content_type) = content_type {
            headers.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        self.parts.push(Part { headers, body });
        self
    }

    fn parts_bytes(&self) -> Vec<u8> {
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n{}\r\n", part.headers).as_bytes());
            body.extend_from_slice(&part.body);
            body.extend_from_slice(b"\r\n");
        }
        body
    }
}

/// A quoted-string's content: `"` and `\` become quoted-pairs (RFC 9110 §5.6.4).
fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
