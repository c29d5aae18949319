//! The fixed signing key and scope the cursor target decodes under. The seed maker includes
//! this file too, so that the seed corpus holds cursors this scope accepts.

use lightbox_domain::ids::OwnerId;
use lightbox_domain::listing::{ListFilter, SortOrder};
use lightbox_domain::signing::SigningKey;

/// The secret of the fuzzed key (32 bytes, the minimum).
pub const SECRET: &[u8; 32] = b"lightbox fuzz: cursor key 32 byt";

/// The viewer every cursor is bound to.
pub const VIEWER: &str = "fuzzer";

/// The key, viewer and filter of the fuzzed scope.
pub struct Scope {
    pub key: SigningKey,
    pub viewer: OwnerId,
    pub filter: ListFilter,
}

impl Scope {
    /// The fixed scope: the viewer's own images, no other filter.
    ///
    /// # Panics
    /// Never: the constants are valid, which a panic at the first run would show.
    pub fn fixed() -> Scope {
        let key = SigningKey::new(SECRET).expect("a 32-byte secret is a valid key");
        let viewer = OwnerId::parse(VIEWER).expect("a valid owner id");
        let filter = ListFilter::for_owner(viewer.clone());
        Scope {
            key,
            viewer,
            filter,
        }
    }

    /// The cursor scope for `order`.
    pub fn cursor_scope(&self, order: SortOrder) -> lightbox_domain::cursor::CursorScope<'_> {
        lightbox_domain::cursor::CursorScope {
            viewer: &self.viewer,
            filter: &self.filter,
            order,
        }
    }
}
