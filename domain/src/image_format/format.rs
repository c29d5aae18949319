//! The image formats lightbox accepts, and the kinds it recognises only to refuse by name.
//!
//! Naming a refused kind ("SVG", "PDF") lets the API tell a client what it sent, which is far
//! more useful than a bare "unsupported".

/// An accepted image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl ImageFormat {
    /// Every accepted format, in a stable order.
    pub const ALL: [ImageFormat; 4] = [
        ImageFormat::Jpeg,
        ImageFormat::Png,
        ImageFormat::Gif,
        ImageFormat::WebP,
    ];

    /// The canonical MIME type, as served in `Content-Type`.
    pub fn mime_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Gif => "image/gif",
            ImageFormat::WebP => "image/webp",
        }
    }

    /// The format whose canonical MIME type is exactly `s`.
    ///
    /// Deliberately strict (no aliases such as `image/jpg`, no case folding): the value is one
    /// lightbox itself stored, so anything else is a bug or tampering, not a variant.
    pub fn from_mime_type(s: &str) -> Option<ImageFormat> {
        ImageFormat::ALL
            .into_iter()
            .find(|format| format.mime_type() == s)
    }

    /// The file extension used when naming stored objects, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::Gif => "gif",
            ImageFormat::WebP => "webp",
        }
    }
}

/// A kind of file recognised from its first bytes only so it can be refused by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsupportedFormat {
    Svg,
    Bmp,
    Tiff,
    Pdf,
    Html,
    Avif,
    Heif,
    Ico,
    Xml,
    Unknown,
}

impl UnsupportedFormat {
    /// A short name fit to follow "the file is" in a message to the client.
    pub fn describe(self) -> &'static str {
        match self {
            UnsupportedFormat::Svg => "SVG",
            UnsupportedFormat::Bmp => "BMP",
            UnsupportedFormat::Tiff => "TIFF",
            UnsupportedFormat::Pdf => "PDF",
            UnsupportedFormat::Html => "HTML",
            UnsupportedFormat::Avif => "AVIF",
            UnsupportedFormat::Heif => "HEIF",
            UnsupportedFormat::Ico => "ICO",
            UnsupportedFormat::Xml => "XML",
            UnsupportedFormat::Unknown => "an unrecognised format",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_round_trip() {
        for format in ImageFormat::ALL {
            assert_eq!(
                ImageFormat::from_mime_type(format.mime_type()),
                Some(format)
            );
        }
    }

    #[test]
    fn mime_lookup_is_exact() {
        assert_eq!(ImageFormat::from_mime_type("image/jpg"), None);
        assert_eq!(ImageFormat::from_mime_type("IMAGE/PNG"), None);
        assert_eq!(ImageFormat::from_mime_type(""), None);
    }

    #[test]
    fn extensions() {
        let all: Vec<_> = ImageFormat::ALL.iter().map(|f| f.extension()).collect();
        assert_eq!(all, ["jpg", "png", "gif", "webp"]);
    }
}
