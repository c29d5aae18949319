//! The uploaded file's original name: informational only, never refused, never used for storage.

use std::fmt;

/// A sanitized file name: control characters removed, only the part after the last `/` or `\`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OriginalFilename(String);

impl OriginalFilename {
    /// Longest kept name, in code points; longer names are cut, since names are never refused.
    pub const MAX_CHARS: usize = 255;

    /// Sanitizes what the client sent. `None` when nothing is left.
    pub fn sanitize(raw: &str) -> Option<Self> {
        let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = base
            .chars()
            .filter(|c| !c.is_control())
            .take(Self::MAX_CHARS)
            .collect();
        let cleaned = cleaned.trim();
        (!cleaned.is_empty()).then(|| Self(cleaned.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OriginalFilename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clean(raw: &str) -> Option<String> {
        OriginalFilename::sanitize(raw).map(|f| f.as_str().to_owned())
    }

    #[test]
    fn keeps_the_last_path_component_without_controls() {
        assert_eq!(clean("IMG_0001.jpg").as_deref(), Some("IMG_0001.jpg"));
        assert_eq!(clean("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            clean("C:\\Users\\me\\photo.png").as_deref(),
            Some("photo.png")
        );
        assert_eq!(clean("a\u{0}b\r\n.gif").as_deref(), Some("ab.gif"));
        assert_eq!(clean("dir/"), None);
        assert_eq!(clean(""), None);
        assert_eq!(clean("\u{1}\u{2}"), None);
        assert_eq!(
            clean("Ünïcødé 写真.jpg").as_deref(),
            Some("Ünïcødé 写真.jpg")
        );
    }

    proptest! {
        #[test]
        fn sanitized_names_hold_no_separators_or_controls(raw in "\\PC*|.*") {
            if let Some(name) = OriginalFilename::sanitize(&raw) {
                prop_assert!(!name.as_str().contains(['/', '\\']));
                prop_assert!(!name.as_str().chars().any(char::is_control));
                prop_assert!(!name.as_str().is_empty());
            }
        }
    }
}
