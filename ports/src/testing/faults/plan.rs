//! The shared plan of the fault-injecting decorators: which call fails, how, and the log of
//! every call made since the plan was armed.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// One method of one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// [`BlobStore::put`](crate::BlobStore::put).
    BlobPut,
    /// [`BlobStore::get`](crate::BlobStore::get).
    BlobGet,
    /// [`BlobStore::delete_prefix`](crate::BlobStore::delete_prefix).
    BlobDeletePrefix,
    /// [`BlobStore::list`](crate::BlobStore::list).
    BlobList,
    /// [`BlobStore::presigned_get`](crate::BlobStore::presigned_get).
    BlobPresignedGet,
    /// [`BlobStore::check_ready`](crate::BlobStore::check_ready).
    BlobCheckReady,
    /// [`ImageRepository::create`](crate::ImageRepository::create).
    RepoCreate,
    /// [`ImageRepository::import`](crate::ImageRepository::import).
    RepoImport,
    /// [`ImageRepository::get`](crate::ImageRepository::get).
    RepoGet,
    /// [`ImageRepository::existing_ids`](crate::ImageRepository::existing_ids).
    RepoExistingIds,
    /// [`ImageRepository::sweep`](crate::ImageRepository::sweep).
    RepoSweep,
    /// [`ImageRepository::list`](crate::ImageRepository::list).
    RepoList,
    /// [`ImageRepository::update`](crate::ImageRepository::update).
    RepoUpdate,
    /// [`ImageRepository::set_blurhash`](crate::ImageRepository::set_blurhash).
    RepoSetBlurhash,
    /// [`ImageRepository::delete`](crate::ImageRepository::delete).
    RepoDelete,
    /// [`ImageRepository::usage`](crate::ImageRepository::usage).
    RepoUsage,
    /// [`ImageRepository::check_ready`](crate::ImageRepository::check_ready).
    RepoCheckReady,
}

/// How the chosen call fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The port returns its `Unavailable` error without calling the real adapter.
    Unavailable,
    /// The call panics before reaching the real adapter.
    Panic,
    /// The call waits this long, then goes through: a backend that hangs. Under the deadline
    /// decorators ([`crate::deadline`]) a stall longer than their limit is cut there and the
    /// call fails as `Unavailable` (the stalled call is dropped and never reaches the adapter);
    /// without them a stall only delays the request.
    Stall(Duration),
}

/// The Nth call (counting from 1, over the calls made since [`FaultPlan::arm`]) of `operation`
/// fails with `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// Which method.
    pub operation: Operation,
    /// Which of its calls, from 1.
    pub nth: usize,
    /// How it fails.
    pub kind: FaultKind,
}

impl Fault {
    /// The fault that hits call `step` (from 0) of a recorded sequence of calls: the same
    /// operation, at the same count of its own calls.
    ///
    /// # Panics
    /// When `step` is outside `calls`; this is test code, and that is a mistake in the test.
    pub fn at_step(calls: &[Operation], step: usize, kind: FaultKind) -> Self {
        let operation = calls[step];
        let nth = calls[..=step]
            .iter()
            .filter(|&&call| call == operation)
            .count();
        Self {
            operation,
            nth,
            kind,
        }
    }
}

#[derive(Debug, Default)]
struct PlanState {
    calls: Vec<Operation>,
    counts: HashMap<Operation, usize>,
    armed: Option<Fault>,
    fired: bool,
}

/// What the decorators share: the armed fault and the call log.
#[derive(Debug, Default)]
pub struct FaultPlan {
    state: Mutex<PlanState>,
}

impl FaultPlan {
    /// A plan with no fault, recording calls.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the calls made so far and arms `fault` (or none), counting from here.
    pub fn arm(&self, fault: Option<Fault>) {
        let mut state = self.lock();
        *state = PlanState {
            armed: fault,
            ..PlanState::default()
        };
    }

    /// Every call made since the plan was last armed, in order.
    pub fn calls(&self) -> Vec<Operation> {
        self.lock().calls.clone()
    }

    /// Whether the armed fault has been injected.
    pub fn fired(&self) -> bool {
        self.lock().fired
    }

    /// Records a call of `operation` and says how it must fail, if it is the armed one. The
    /// fault fires once: later calls go through, as they would after a transient outage.
    pub(super) fn enter(&self, operation: Operation) -> Option<FaultKind> {
        let mut state = self.lock();
        state.calls.push(operation);
        let count = state.counts.entry(operation).or_insert(0);
        *count += 1;
        let count = *count;
        let fault = state.armed?;
        if state.fired || fault.operation != operation || fault.nth != count {
            return None;
        }
        state.fired = true;
        Some(fault.kind)
    }

    // A panic injected by the decorators happens outside this lock, but a test thread may still
    // panic while holding it; the state stays meaningful either way, so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, PlanState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The cause carried by an injected `Unavailable` error.
#[derive(Debug, thiserror::Error)]
#[error("injected fault on {0:?}")]
pub struct InjectedFault(pub Operation);

/// Applies a fault that does not produce a value: panics, or waits. Returns whether the call
/// must instead fail with the port's `Unavailable` error.
pub(super) async fn strike(operation: Operation, kind: Option<FaultKind>) -> bool {
    match kind {
        None => false,
        Some(FaultKind::Unavailable) => true,
        Some(FaultKind::Panic) => panic!("injected panic on {operation:?}"),
        Some(FaultKind::Stall(duration)) => {
            tokio::time::sleep(duration).await;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_nth_call_of_the_armed_operation_fails_and_only_once() {
        let plan = FaultPlan::new();
        plan.arm(Some(Fault {
            operation: Operation::BlobGet,
            nth: 2,
            kind: FaultKind::Unavailable,
        }));
        assert_eq!(plan.enter(Operation::BlobGet), None);
        assert_eq!(plan.enter(Operation::RepoGet), None);
        assert!(!plan.fired());
        assert_eq!(plan.enter(Operation::BlobGet), Some(FaultKind::Unavailable));
        assert!(plan.fired());
        assert_eq!(plan.enter(Operation::BlobGet), None);
        assert_eq!(
            plan.calls(),
            vec![
                Operation::BlobGet,
                Operation::RepoGet,
                Operation::BlobGet,
                Operation::BlobGet
            ]
        );
    }

    #[test]
    fn a_step_of_a_recorded_sequence_names_its_operation_and_count() {
        let calls = [Operation::RepoGet, Operation::BlobPut, Operation::RepoGet];
        let fault = Fault::at_step(&calls, 2, FaultKind::Panic);
        assert_eq!(fault.operation, Operation::RepoGet);
        assert_eq!(fault.nth, 2);
    }

    #[test]
    fn arming_again_forgets_earlier_calls() {
        let plan = FaultPlan::new();
        plan.enter(Operation::RepoCreate);
        plan.arm(Some(Fault {
            operation: Operation::RepoCreate,
            nth: 1,
            kind: FaultKind::Unavailable,
        }));
        assert!(plan.calls().is_empty());
        assert_eq!(
            plan.enter(Operation::RepoCreate),
            Some(FaultKind::Unavailable)
        );
    }
}
