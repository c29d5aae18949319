//! A bounded pool of blocking workers: at most N decodes at once, panics caught.
//!
//! Decoding is CPU-bound and can take hundreds of megabytes, so it must neither block the async
//! executor nor run unboundedly in parallel: tokio's blocking thread pool alone would start up to
//! 512 decodes at once under a burst. A semaphore sized from the CPU count makes the burst queue
//! instead, which bounds both CPU contention and peak memory (workers x the per-decode peak).

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lightbox_ports::ProcessError;
use tokio::sync::Semaphore;

/// How busy the pool is and has been, for metrics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// How many jobs are running right now.
    pub running: usize,
    /// The most jobs that ever ran at once.
    pub most_running: usize,
}

#[derive(Debug, Default)]
struct Counters {
    running: AtomicUsize,
    most_running: AtomicUsize,
}

/// Counts a job as running for as long as it lives, including when the job panics.
struct RunningGuard(Arc<Counters>);

impl RunningGuard {
    fn start(counters: Arc<Counters>) -> Self {
        let now = counters.running.fetch_add(1, Ordering::SeqCst) + 1;
        counters.most_running.fetch_max(now, Ordering::SeqCst);
        Self(counters)
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The pool. Cheap to share behind the processor's `Arc`.
#[derive(Debug)]
pub(crate) struct WorkerPool {
    permits: Arc<Semaphore>,
    workers: usize,
    counters: Arc<Counters>,
}

impl WorkerPool {
    /// A pool running at most `workers` jobs at once (at least one).
    pub(crate) fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        Self {
            permits: Arc::new(Semaphore::new(workers)),
            workers,
            counters: Arc::default(),
        }
    }

    pub(crate) fn workers(&self) -> usize {
        self.workers
    }

    pub(crate) fn stats(&self) -> PoolStats {
        PoolStats {
            running: self.counters.running.load(Ordering::SeqCst),
            most_running: self.counters.most_running.load(Ordering::SeqCst),
        }
    }

    /// Runs `job` on a blocking thread once a worker is free.
    ///
    /// The permit moves into the job, so a caller that gives up waiting does not free the worker
    /// early: the decode it started still holds its memory until it ends.
    ///
    /// # Errors
    /// The job's own error; [`ProcessError::Undecodable`] when the job panicked (decoders panic
    /// only on malformed input); [`ProcessError::Internal`] when the runtime is shutting down.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, ProcessError>
    where
        F: FnOnce() -> Result<T, ProcessError> + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(ProcessError::internal)?;
        let counters = Arc::clone(&self.counters);
        let handle = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = RunningGuard::start(counters);
            job()
        });
        match handle.await {
            Ok(result) => result,
            Err(error) if error.is_panic() => {
                let message = panic_message(error.into_panic());
                tracing::warn!(panic = %message, "an image decoder panicked; the image is reported as undecodable");
                Err(ProcessError::Undecodable(
                    "the image data is corrupt".to_owned(),
                ))
            }
            Err(error) => Err(ProcessError::internal(error)),
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-text panic".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_job_is_an_undecodable_image() {
        let pool = WorkerPool::new(1);
        let result: Result<(), _> = pool.run(|| panic!("index out of bounds")).await;
        assert!(matches!(result, Err(ProcessError::Undecodable(_))));
        // The worker is free again and the count went back down.
        assert_eq!(pool.run(|| Ok(7)).await.unwrap(), 7);
        assert_eq!(pool.stats().running, 0);
    }

    #[test]
    fn zero_workers_means_one() {
        assert_eq!(WorkerPool::new(0).workers(), 1);
    }
}
