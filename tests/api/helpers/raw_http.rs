//! A raw TCP client for what HTTP libraries will not send: a body that stalls half-way, a head
//! that never ends, headers past every limit. It writes bytes and watches what comes back and
//! whether the server hangs up.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// One connection to the app.
#[derive(Debug)]
pub struct RawConnection {
    stream: TcpStream,
    opened: Instant,
}

/// What the server did within the time watched.
#[derive(Debug)]
pub struct RawOutcome {
    /// Every byte it sent.
    pub answer: Vec<u8>,
    /// Whether it closed (or reset) the connection.
    pub closed: bool,
    /// When it closed, or stopped being watched, counted from the connection's opening.
    pub after: Duration,
}

impl RawOutcome {
    /// The status of the first response, if one began.
    pub fn status(&self) -> Option<u16> {
        let text = String::from_utf8_lossy(&self.answer);
        let line = text.strip_prefix("HTTP/1.1 ")?;
        line.get(..3)?.parse().ok()
    }

    /// The answer as text, for messages and body checks.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.answer).into_owned()
    }
}

impl RawConnection {
    /// Connects to the app at `address` (`http://127.0.0.1:<port>`).
    pub async fn open(address: &str) -> Self {
        let host = address.trim_start_matches("http://");
        let stream = TcpStream::connect(host)
            .await
            .expect("the app accepts a connection");
        Self {
            stream,
            opened: Instant::now(),
        }
    }

    /// Writes `bytes`; an error means the server has already hung up.
    pub async fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await
    }

    /// Reads until the server closes the connection or `within` passes.
    pub async fn read_until_closed(&mut self, within: Duration) -> RawOutcome {
        let deadline = Instant::now() + within;
        let mut answer = Vec::new();
        let mut buffer = [0_u8; 8192];
        let closed = loop {
            match tokio::time::timeout_at(deadline, self.stream.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break true,
                Ok(Ok(read)) => answer.extend_from_slice(&buffer[..read]),
                Err(_) => break false,
            }
        };
        RawOutcome {
            answer,
            closed,
            after: self.opened.elapsed(),
        }
    }
}

/// A request head for `POST path` from `user` with a body of `length` bytes.
pub fn post_head(path: &str, content_type: &str, length: usize, user: &str) -> Vec<u8> {
    request_head("POST", path, content_type, length, user)
}

/// A request head for `method path` from `user` with a body of `length` bytes.
pub fn request_head(
    method: &str,
    path: &str,
    content_type: &str,
    length: usize,
    user: &str,
) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-ID: {user}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}
