//! Per-user storage quotas: how many images and how many bytes one owner may store, and the
//! one rule that decides whether another upload fits.

use thiserror::Error;

/// A user's quota; `None` in a field means no limit on it. A value that exists is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quota {
    max_images: Option<u64>,
    max_bytes: Option<u64>,
}

/// Why a quota was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuotaError {
    #[error("{0} must be greater than zero; leave it unset for no quota")]
    Zero(&'static str),
}

/// Which part of a quota an upload would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaBreach {
    /// The owner already stores the most images allowed.
    Images { max: u64 },
    /// The upload's bytes would take the owner past the byte quota.
    Bytes { max: u64 },
}

impl Quota {
    /// No limit at all.
    pub const NONE: Quota = Quota {
        max_images: None,
        max_bytes: None,
    };

    /// A quota; each limit must be positive when set.
    ///
    /// # Errors
    /// [`QuotaError::Zero`] naming the limit that is zero.
    pub fn new(max_images: Option<u64>, max_bytes: Option<u64>) -> Result<Self, QuotaError> {
        if max_images == Some(0) {
            return Err(QuotaError::Zero("max_images"));
        }
        if max_bytes == Some(0) {
            return Err(QuotaError::Zero("max_bytes"));
        }
        Ok(Self {
            max_images,
            max_bytes,
        })
    }

    /// Most images, if limited.
    pub fn max_images(&self) -> Option<u64> {
        self.max_images
    }

    /// Most bytes, if limited.
    pub fn max_bytes(&self) -> Option<u64> {
        self.max_bytes
    }

    /// Whether nothing is limited, so usage need not even be read.
    pub fn is_unlimited(&self) -> bool {
        self.max_images.is_none() && self.max_bytes.is_none()
    }

    /// Whether an owner who stores `images` images of `bytes` bytes may add one of
    /// `adding_bytes`; the quota it would pass otherwise. The limits are inclusive: an owner may
    /// reach them, not pass them.
    ///
    /// # Errors
    /// The [`QuotaBreach`] the upload would cause (images first).
    pub fn admits(&self, images: u64, bytes: u64, adding_bytes: u64) -> Result<(), QuotaBreach> {
        if let Some(max) = self.max_images
            && images.saturating_add(1) > max
        {
            return Err(QuotaBreach::Images { max });
        }
        if let Some(max) = self.max_bytes
            && bytes.saturating_add(adding_bytes) > max
        {
            return Err(QuotaBreach::Bytes { max });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_inclusive_and_images_are_checked_first() {
        let quota = Quota::new(Some(2), Some(100)).unwrap();
        assert_eq!(quota.admits(1, 60, 40), Ok(()));
        assert_eq!(
            quota.admits(1, 60, 41),
            Err(QuotaBreach::Bytes { max: 100 })
        );
        assert_eq!(quota.admits(2, 200, 1), Err(QuotaBreach::Images { max: 2 }));
        assert_eq!(Quota::NONE.admits(u64::MAX, u64::MAX, u64::MAX), Ok(()));
        assert!(Quota::NONE.is_unlimited());
        assert!(!quota.is_unlimited());
    }

    #[test]
    fn zero_limits_are_refused() {
        assert_eq!(
            Quota::new(Some(0), None),
            Err(QuotaError::Zero("max_images"))
        );
        assert_eq!(
            Quota::new(None, Some(0)),
            Err(QuotaError::Zero("max_bytes"))
        );
    }
}
