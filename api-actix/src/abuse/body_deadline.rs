//! Deadlines on reading a request body, so that a client trickling its body (slowloris) cannot
//! hold a connection and a handler for ever: a body that sends nothing for the idle timeout, or
//! is not complete within the total timeout, fails as if it were truncated, and the connection
//! closes after the answer (the rest of that body may still be on its way).
//!
//! The head has its own deadline in actix (`client_request_timeout`, see `startup`). The idle
//! clock runs only while a handler waits for the client, so a handler that pauses reading (a
//! slow store pushing back) is not counted against the client; the total clock is wall time.

use std::cell::Cell;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use bytes::Bytes;
use futures::{StreamExt, stream};
use tokio::time::{Instant, timeout_at};

/// How long a body may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyDeadlines {
    /// Longest silence between two chunks.
    pub idle: Duration,
    /// Longest time for the whole body, from the moment its head was read.
    pub total: Duration,
}

/// Middleware: puts the deadlines on the request's body, and closes the connection after the
/// answer to a request whose body was cut off, whichever handler answered it.
///
/// # Errors
/// None of its own; inner errors pass through.
pub async fn limit_body_time<B: MessageBody + 'static>(
    deadlines: BodyDeadlines,
    mut request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let cut_off = Rc::new(Cell::new(false));
    let payload = request.take_payload();
    request.set_payload(with_deadlines(payload, deadlines, Rc::clone(&cut_off)));
    let mut response = next.call(request).await?;
    if cut_off.get() {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}

/// The body, failing with a `TimedOut` I/O error (then ending) once a deadline passes, which it
/// records in `cut_off`.
fn with_deadlines(payload: Payload, deadlines: BodyDeadlines, cut_off: Rc<Cell<bool>>) -> Payload {
    let overall = Instant::now() + deadlines.total;
    let guarded = stream::unfold(Some(payload), move |state| {
        let cut_off = Rc::clone(&cut_off);
        async move {
            let payload = state?;
            match next_in_time(payload, deadlines, overall).await {
                NextChunk::Item(item, payload) => Some((item, Some(payload))),
                NextChunk::End => None,
                NextChunk::TooLate(error) => {
                    cut_off.set(true);
                    Some((Err(error), None))
                }
            }
        }
    });
    // Fused: readers (the multipart parser) may poll again after the end.
    Payload::from(guarded.fuse().boxed_local())
}

/// What waiting for the next chunk of a body gave.
enum NextChunk {
    /// A chunk (or the body's own error), and the rest of the body.
    Item(Result<Bytes, PayloadError>, Payload),
    /// The body's end.
    End,
    /// A deadline passed first.
    TooLate(PayloadError),
}

/// The body's next chunk, unless a deadline passes first.
async fn next_in_time(
    mut payload: Payload,
    deadlines: BodyDeadlines,
    overall: Instant,
) -> NextChunk {
    // Checked before polling: a chunk already buffered would otherwise win the race with an
    // expired timer, and a client keeping the buffer topped up would never be cut.
    if Instant::now() >= overall {
        return NextChunk::TooLate(timed_out(total_passed(deadlines)));
    }
    let idle_until = (Instant::now() + deadlines.idle).min(overall);
    match timeout_at(idle_until, payload.next()).await {
        Ok(Some(item)) => NextChunk::Item(item, payload),
        Ok(None) => NextChunk::End,
        Err(_elapsed) if idle_until == overall => {
            NextChunk::TooLate(timed_out(total_passed(deadlines)))
        }
        Err(_elapsed) => NextChunk::TooLate(timed_out(format!(
            "the request body sent nothing for {} s",
            deadlines.idle.as_secs()
        ))),
    }
}

/// The words for a body that outlived the total deadline.
fn total_passed(deadlines: BodyDeadlines) -> String {
    format!(
        "the request body took longer than {} s",
        deadlines.total.as_secs()
    )
}

/// The error a passed deadline ends the body with; [`deadline_passed`] recognises it.
fn timed_out(why: String) -> PayloadError {
    PayloadError::Io(io::Error::new(io::ErrorKind::TimedOut, why))
}

/// The deadline's message when `error` is a body deadline passing.
pub fn deadline_passed(error: &PayloadError) -> Option<String> {
    match error {
        PayloadError::Io(io) if io.kind() == io::ErrorKind::TimedOut => Some(io.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! These run on the real clock (tokio's paused clock needs its `test-util` feature, which
    //! would build a second copy of everything that depends on tokio); the bounds leave room for
    //! a loaded machine, and the trickle's pauses are far below the idle timeout.

    use bytes::Bytes;
    use futures::channel::mpsc;

    use super::*;

    /// Generous room for a loaded machine past a deadline.
    const SLACK: Duration = Duration::from_secs(3);

    fn deadlines(idle_ms: u64, total_ms: u64) -> BodyDeadlines {
        BodyDeadlines {
            idle: Duration::from_millis(idle_ms),
            total: Duration::from_millis(total_ms),
        }
    }

    type Sender = mpsc::UnboundedSender<Result<Bytes, PayloadError>>;

    /// A body fed by the sender, under `deadlines`, with its cut-off flag.
    fn body(deadlines: BodyDeadlines) -> (Sender, Payload, Rc<Cell<bool>>) {
        let (sender, receiver) = mpsc::unbounded();
        let cut_off = Rc::new(Cell::new(false));
        let payload = with_deadlines(
            Payload::from(receiver.boxed_local()),
            deadlines,
            Rc::clone(&cut_off),
        );
        (sender, payload, cut_off)
    }

    #[tokio::test]
    async fn a_body_arriving_in_time_passes_untouched() {
        let (sender, mut payload, cut_off) = body(deadlines(1000, 5000));
        sender
            .unbounded_send(Ok(Bytes::from_static(b"ab")))
            .unwrap();
        drop(sender);
        assert_eq!(payload.next().await.unwrap().unwrap(), "ab");
        assert!(payload.next().await.is_none());
        assert!(
            payload.next().await.is_none(),
            "polling after the end is harmless"
        );
        assert!(!cut_off.get());
    }

    #[tokio::test]
    async fn a_silent_body_fails_after_the_idle_timeout_and_ends() {
        let (sender, mut payload, cut_off) = body(deadlines(1000, 60_000));
        sender.unbounded_send(Ok(Bytes::from_static(b"a"))).unwrap();
        assert!(payload.next().await.unwrap().is_ok());
        let started = Instant::now();
        let error = payload.next().await.unwrap().unwrap_err();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(1000) && waited <= Duration::from_millis(1000) + SLACK,
            "{waited:?}"
        );
        assert_eq!(
            deadline_passed(&error).unwrap(),
            "the request body sent nothing for 1 s"
        );
        assert!(cut_off.get(), "the connection is to close");
        assert!(
            payload.next().await.is_none(),
            "nothing is read after a deadline"
        );
        drop(sender);
    }

    #[tokio::test]
    async fn a_trickling_body_fails_at_the_total_timeout() {
        let (sender, mut payload, cut_off) = body(deadlines(5000, 2000));
        let started = Instant::now();
        let failure = loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = sender.unbounded_send(Ok(Bytes::from_static(b"x")));
            match payload.next().await {
                Some(Ok(_)) => continue,
                Some(Err(error)) => break error,
                None => panic!("the body ended without an error"),
            }
        };
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(2000) && waited <= Duration::from_millis(2000) + SLACK,
            "{waited:?}"
        );
        assert_eq!(
            deadline_passed(&failure).unwrap(),
            "the request body took longer than 2 s"
        );
        assert!(cut_off.get());
    }

    #[tokio::test]
    async fn the_bodys_own_errors_pass_through_without_a_cut() {
        let (sender, mut payload, cut_off) = body(deadlines(1000, 5000));
        sender
            .unbounded_send(Err(PayloadError::Incomplete(None)))
            .unwrap();
        let error = payload.next().await.unwrap().unwrap_err();
        assert!(matches!(error, PayloadError::Incomplete(_)), "{error:?}");
        assert!(!cut_off.get());
        drop(sender);
    }

    #[test]
    fn other_payload_errors_are_no_deadline() {
        assert_eq!(deadline_passed(&PayloadError::Incomplete(None)), None);
        let reset = PayloadError::Io(io::Error::from(io::ErrorKind::ConnectionReset));
        assert_eq!(deadline_passed(&reset), None);
    }
}
