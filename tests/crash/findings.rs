//! What went wrong, collected instead of panicking at the first problem: a crash test is slow to
//! reach its state, so one run should show every broken promise, each naming round, id and seed.

use std::sync::{Arc, Mutex};

use crate::server::Deployment;

/// The findings of a run, shared by the clients and the checks.
#[derive(Debug, Clone)]
pub struct Findings {
    seed: u64,
    found: Arc<Mutex<Vec<String>>>,
}

/// At most this many findings are repeated in the final panic message; all were printed as found.
const SHOWN_AT_THE_END: usize = 40;

impl Findings {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            found: Arc::default(),
        }
    }

    /// Records a broken promise, printing it at once so that it lines up with the round's output.
    pub fn record(&self, finding: String) {
        let finding = format!("{finding} (seed {})", self.seed);
        eprintln!("FINDING: {finding}");
        self.found
            .lock()
            .expect("no client panicked holding the findings")
            .push(finding);
    }

    /// Panics with every finding and the tail of the server log (the deployment then keeps its
    /// directory); passes quietly when there is none.
    pub fn fail_if_any(self, deployment: &Deployment) {
        let found = self
            .found
            .lock()
            .expect("no client panicked holding the findings")
            .clone();
        if found.is_empty() {
            return;
        }
        let log_tail = deployment.log_tail(60);
        let shown = found
            .iter()
            .take(SHOWN_AT_THE_END)
            .map(|finding| format!("  - {finding}"))
            .collect::<Vec<_>>()
            .join("\n");
        panic!(
            "{} finding(s) with seed {} (data directory and server log in {}):\n{shown}\n\
             --- the server log's tail:\n{log_tail}",
            found.len(),
            self.seed,
            deployment.scratch().display()
        );
    }
}
