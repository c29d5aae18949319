//! Translating object_store and filesystem errors into the port's [`BlobError`].
//!
//! A full disk must come out as `InsufficientStorage` (507) wherever it surfaces: object_store
//! wraps the `io::Error` one or two levels deep (its local store boxes a private error type whose
//! source is the `io::Error`), so the whole source chain is searched.

use std::error::Error;
use std::io;

use lightbox_ports::BlobError;

/// For lookups (`get`): a missing object is `NotFound`.
pub(super) fn from_read(error: object_store::Error) -> BlobError {
    match error {
        object_store::Error::NotFound { .. } => BlobError::NotFound,
        other => from_write(other),
    }
}

/// For every other operation, where "not found" means the store itself is broken.
pub(super) fn from_write(error: object_store::Error) -> BlobError {
    if is_out_of_space(&error) {
        BlobError::InsufficientStorage
    } else {
        BlobError::unavailable(error)
    }
}

/// For the filesystem calls made directly rather than through object_store.
pub(super) fn from_io(error: io::Error) -> BlobError {
    if is_out_of_space(&error) {
        BlobError::InsufficientStorage
    } else {
        BlobError::unavailable(error)
    }
}

/// Whether `error`, or any error it wraps, says the disk or the user's quota is full.
pub(super) fn is_out_of_space(error: &(dyn Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(io_error) = error.downcast_ref::<io::Error>() {
            if io_error_is_out_of_space(io_error) {
                return true;
            }
            // `io::Error::source` skips the error an `io::Error::other` wraps, so look inside.
            if io_error
                .get_ref()
                .is_some_and(|inner| is_out_of_space(inner))
            {
                return true;
            }
        }
        current = error.source();
    }
    false
}

fn io_error_is_out_of_space(error: &io::Error) -> bool {
    /// ENOSPC on Linux and the BSDs, checked by number too in case an error was built from a
    /// raw code that std does not classify.
    #[cfg(unix)]
    const ENOSPC: i32 = 28;
    #[cfg(unix)]
    let raw_full = error.raw_os_error() == Some(ENOSPC);
    #[cfg(not(unix))]
    let raw_full = false;
    raw_full
        || matches!(
            error.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for object_store's private local error, which holds the `io::Error` as source.
    #[derive(Debug, thiserror::Error)]
    #[error("unable to copy data to file")]
    struct Wrapper(#[source] io::Error);

    fn generic(source: impl Error + Send + Sync + 'static) -> object_store::Error {
        object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(source),
        }
    }

    #[test]
    fn a_full_disk_is_found_however_deeply_it_is_wrapped() {
        let enospc = || io::Error::from_raw_os_error(28);
        assert!(matches!(from_io(enospc()), BlobError::InsufficientStorage));
        assert!(matches!(
            from_write(generic(Wrapper(enospc()))),
            BlobError::InsufficientStorage
        ));
        assert!(matches!(
            from_read(generic(io::Error::other(Wrapper(enospc())))),
            BlobError::InsufficientStorage
        ));
        let quota = io::Error::from(io::ErrorKind::QuotaExceeded);
        assert!(matches!(from_io(quota), BlobError::InsufficientStorage));
    }

    #[test]
    fn other_errors_are_unavailable_and_missing_objects_not_found_on_reads_only() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(matches!(
            from_write(generic(Wrapper(denied))),
            BlobError::Unavailable(_)
        ));
        let missing = || object_store::Error::NotFound {
            path: "images/aa/x/original".to_owned(),
            source: Box::new(io::Error::from(io::ErrorKind::NotFound)),
        };
        assert!(matches!(from_read(missing()), BlobError::NotFound));
        assert!(matches!(from_write(missing()), BlobError::Unavailable(_)));
    }
}
