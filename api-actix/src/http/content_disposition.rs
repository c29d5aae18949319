//! `Content-Disposition` for served images (RFC 6266): an ASCII `filename` every client
//! understands, plus an RFC 8187 `filename*` carrying the exact UTF-8 name when they differ.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 8187 `attr-char`s are left as they are; everything else is percent-encoded.
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Whether the browser should show the bytes or save them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Show in place (the default).
    Inline,
    /// Save as a file (`?download=true`).
    Attachment,
}

/// The header value for `name`.
pub fn content_disposition(disposition: Disposition, name: &str) -> String {
    let kind = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let fallback = ascii_fallback(name);
    if fallback == name {
        format!("{kind}; filename=\"{fallback}\"")
    } else {
        let encoded = utf8_percent_encode(name, ATTR_CHAR_ESCAPES);
        format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
    }
}

/// The name with every character that cannot stand inside a quoted ASCII `filename` (non-ASCII,
/// controls, `"` and `\`) replaced by `_`, so old clients still get a usable name.
fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_are_quoted_as_they_are() {
        assert_eq!(
            content_disposition(Disposition::Inline, "IMG_0001.jpg"),
            r#"inline; filename="IMG_0001.jpg""#
        );
        assert_eq!(
            content_disposition(Disposition::Attachment, "my photo (1).png"),
            r#"attachment; filename="my photo (1).png""#
        );
    }

    #[test]
    fn non_ascii_names_get_an_rfc_8187_filename_star() {
        assert_eq!(
            content_disposition(Disposition::Inline, "Été 写真.jpg"),
            "inline; filename=\"_t_ __.jpg\"; filename*=UTF-8''%C3%89t%C3%A9%20%E5%86%99%E7%9C%9F.jpg"
        );
    }

    #[test]
    fn quotes_and_backslashes_never_break_the_quoted_string() {
        assert_eq!(
            content_disposition(Disposition::Attachment, r#"a"b\c.gif"#),
            "attachment; filename=\"a_b_c.gif\"; filename*=UTF-8''a%22b%5Cc.gif"
        );
    }
}
