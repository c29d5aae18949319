//! The ledger: what the server acknowledged to each client, and what was in flight at a kill and
//! so may or may not have happened. The checks after a restart hold the server to it and resolve
//! every doubt, so that each round starts from a ledger without any.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Every client's ledger, one client per user.
#[derive(Debug)]
pub struct Ledger {
    pub users: Vec<UserLedger>,
}

/// One user's images as acknowledged.
#[derive(Debug, Default)]
pub struct UserLedger {
    /// The `X-User-ID` of the client.
    pub user: String,
    /// Images that exist: uploads answered 201, and uploads in doubt found after a restart.
    pub images: BTreeMap<String, KeptImage>,
    /// Images that must stay gone: deletes answered 204, and deletes in doubt found done.
    pub deleted: BTreeSet<String>,
    /// Uploads in flight at a kill, by the sha256 of the bytes sent: the id was never learnt.
    pub uploads_in_doubt: Vec<String>,
}

/// An image the server must keep, as last acknowledged.
#[derive(Debug, Clone)]
pub struct KeptImage {
    /// The `sha256` of the 201 response: the stored bytes.
    pub sha256: String,
    /// The title last acknowledged (by the upload or by an update answered 200).
    pub title: Option<String>,
    /// A title update in flight at the kill: the title is either `title` or this.
    pub title_in_doubt: Option<Option<String>>,
    /// A delete in flight at the kill: the image may be gone.
    pub delete_in_doubt: bool,
}

impl KeptImage {
    pub fn uploaded(sha256: String, title: Option<String>) -> Self {
        Self {
            sha256,
            title,
            title_in_doubt: None,
            delete_in_doubt: false,
        }
    }

    /// Whether the server may show `title` for this image.
    pub fn allows_title(&self, title: Option<&str>) -> bool {
        self.title.as_deref() == title
            || self
                .title_in_doubt
                .as_ref()
                .is_some_and(|candidate| candidate.as_deref() == title)
    }
}

impl Ledger {
    pub fn new(clients: usize) -> Self {
        Self {
            users: (0..clients)
                .map(|client| UserLedger {
                    user: format!("crash-client-{client}"),
                    ..UserLedger::default()
                })
                .collect(),
        }
    }

    /// The whole run's state, for the last line.
    pub fn totals(&self) -> LedgerTotals {
        LedgerTotals {
            images: self.users.iter().map(|user| user.images.len()).sum(),
            deleted: self.users.iter().map(|user| user.deleted.len()).sum(),
        }
    }
}

/// How many images live and how many were deleted, over every user.
#[derive(Debug, Clone, Copy)]
pub struct LedgerTotals {
    pub images: usize,
    pub deleted: usize,
}

impl fmt::Display for LedgerTotals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} images kept and {} deleted in the ledger",
            self.images, self.deleted
        )
    }
}
