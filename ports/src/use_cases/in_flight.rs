//! Single flight: concurrent requests for the same derived file (or value) wait for the first
//! one to make it instead of each making it again.
//!
//! Only within one process; across API nodes the derived file in the blob store is the meeting
//! point, and two nodes rendering the same thumbnail at once both write the same bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// The keys being made right now, each with the lock its makers queue on.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

impl InFlight {
    /// The lock for `key`, shared with every other caller holding it now. Entries go away with
    /// their last holder, so the map stays as small as the work in progress.
    pub(crate) fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = locks.get(key).and_then(Weak::upgrade) {
            return existing;
        }
        locks.retain(|_, lock| lock.strong_count() > 0);
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        locks.insert(key.to_owned(), Arc::downgrade(&lock));
        lock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_of_one_key_share_a_lock_and_finished_keys_are_forgotten() {
        let in_flight = InFlight::default();
        let key = "images/a1/one/thumbnail-64";
        let first = in_flight.lock_for(key);
        let second = in_flight.lock_for(key);
        assert!(Arc::ptr_eq(&first, &second));
        drop((first, second));

        let other = "images/b2/two/thumbnail-64";
        let _held = in_flight.lock_for(other);
        let locks = in_flight.locks.lock().unwrap();
        assert_eq!(locks.len(), 1, "the finished key was dropped");
        assert!(locks.contains_key(other));
    }
}
