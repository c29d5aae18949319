//! Collects the failing cases of a table, so that one run reports every failing case rather
//! than stopping at the first.

use std::fmt::{Debug, Display};

use reqwest::Response;
use serde_json::Value;

use super::problem::{check_head_problem, check_problem};

/// The failures of one table of cases.
#[derive(Debug, Default)]
pub struct Failures {
    cases: Vec<String>,
}

impl Failures {
    /// No failure yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `case` unless `resp` is a problem with this status and code.
    pub async fn problem(&mut self, case: &str, resp: Response, status: u16, code: &str) {
        if let Err(failure) = check_problem(resp, status, code).await {
            self.cases.push(format!("[{case}] {failure}"));
        }
    }

    /// Records `case` unless the `HEAD` answer has this status and the problem media type.
    pub fn head_problem(&mut self, case: &str, resp: &Response, status: u16) {
        if let Err(failure) = check_head_problem(resp, status) {
            self.cases.push(format!("[{case}] {failure}"));
        }
    }

    /// Records `case` unless `actual == expected`.
    pub fn equal<T: PartialEq + Debug>(&mut self, case: &str, actual: T, expected: T) {
        if actual != expected {
            self.cases
                .push(format!("[{case}] got {actual:?}, expected {expected:?}"));
        }
    }

    /// Records `case` unless `ok`.
    pub fn check(&mut self, case: &str, ok: bool, detail: impl Display) {
        if !ok {
            self.cases.push(format!("[{case}] {detail}"));
        }
    }

    /// Records `case` unless `resp` has `status`; returns its JSON body when it does.
    pub async fn status(&mut self, case: &str, resp: Response, status: u16) -> Option<Value> {
        let actual = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        if actual != status {
            self.cases.push(format!(
                "[{case}] status {actual}, expected {status}: {text}"
            ));
            return None;
        }
        serde_json::from_str(&text).ok()
    }

    /// Panics listing every recorded failure.
    pub fn assert_none(self) {
        assert!(
            self.cases.is_empty(),
            "{} failing case(s):\n{}",
            self.cases.len(),
            self.cases.join("\n")
        );
    }
}
