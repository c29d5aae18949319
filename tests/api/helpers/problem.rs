//! Assertions on RFC 9457 problem responses: status, media type, and the contract's body shape.

use reqwest::Response;
use serde_json::Value;

/// Asserts `resp` is a problem with this status and `code`; returns its body.
pub async fn assert_problem(resp: Response, status: u16, code: &str) -> Value {
    assert_problem_for(resp, status, code, "").await
}

/// [`assert_problem`] for one case of a table: `case` names it in the failure message.
pub async fn assert_problem_for(resp: Response, status: u16, code: &str, case: &str) -> Value {
    check_problem(resp, status, code)
        .await
        .unwrap_or_else(|failure| panic!("[{case}] {failure}"))
}

/// For `HEAD` answers, which carry no body: the status and the problem media type.
pub fn assert_head_problem(resp: &Response, status: u16, case: &str) {
    if let Err(failure) = check_head_problem(resp, status) {
        panic!("[{case}] {failure}");
    }
}

/// Checks that `resp` is a problem with this status and `code`: `Content-Type:
/// application/problem+json` and a body of `type`, `title`, `status`, `detail`, `code`.
pub async fn check_problem(resp: Response, status: u16, code: &str) -> Result<Value, String> {
    let actual_status = resp.status().as_u16();
    let content_type = media_type(&resp);
    let text = resp
        .text()
        .await
        .map_err(|e| format!("unreadable body: {e}"))?;
    if actual_status != status {
        return Err(format!(
            "status {actual_status}, expected {status} {code}; body: {text}"
        ));
    }
    if content_type.as_deref() != Some("application/problem+json") {
        return Err(format!(
            "Content-Type {content_type:?} on a {status}; body: {text}"
        ));
    }
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| format!("the problem body is not JSON ({e}): {text}"))?;
    let non_empty = |field: &str| body[field].as_str().is_some_and(|s| !s.is_empty());
    if !non_empty("type") || !non_empty("title") || !body["detail"].is_string() {
        return Err(format!("`type`/`title`/`detail` must be strings: {body}"));
    }
    if body["status"] != status {
        return Err(format!("problem `status` is not {status}: {body}"));
    }
    if body["code"] != code {
        return Err(format!("problem `code` is not {code}: {body}"));
    }
    Ok(body)
}

/// Checks a `HEAD` answer's status and problem media type.
pub fn check_head_problem(resp: &Response, status: u16) -> Result<(), String> {
    let actual = resp.status().as_u16();
    if actual != status {
        return Err(format!("HEAD status {actual}, expected {status}"));
    }
    match media_type(resp).as_deref() {
        Some("application/problem+json") => Ok(()),
        other => Err(format!("HEAD Content-Type {other:?} on a {status}")),
    }
}

/// The response's media type, lower-cased and without parameters.
fn media_type(resp: &Response) -> Option<String> {
    let value = resp.headers().get("content-type")?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default();
    Some(essence.trim().to_ascii_lowercase())
}
