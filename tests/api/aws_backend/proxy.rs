//! A TCP proxy in front of the emulator that a test can cut and restore, to play an AWS outage
//! and its end without stopping the emulator every other test shares.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How the proxy treats connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Bytes flow both ways.
    Up,
    /// Connections are closed at once, like a host that refuses them.
    Refused,
    /// Connections are accepted and never answered, like a network that drops packets.
    Silent,
}

/// The proxy; it stops when dropped.
#[derive(Debug)]
pub struct OutageProxy {
    /// `http://127.0.0.1:<port>`, to give the app as its AWS endpoint.
    pub endpoint: String,
    link: watch::Sender<Link>,
    accepting: tokio::task::JoinHandle<()>,
}

impl OutageProxy {
    /// A proxy to `upstream` (`http://host:port`), with the link up.
    pub async fn to(upstream: &str) -> OutageProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("the emulator's endpoint is http://<ip>:<port>");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let (link, watcher) = watch::channel(Link::Up);
        let accepting = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(relay(client, upstream, watcher.clone()));
            }
        });
        OutageProxy {
            endpoint,
            link,
            accepting,
        }
    }

    /// Changes the link; open connections follow at once (cut ones are closed or go silent).
    pub fn set(&self, link: Link) {
        self.link.send_replace(link);
    }
}

impl Drop for OutageProxy {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// Serves one client connection for as long as the link stays as it was when it came.
async fn relay(mut client: TcpStream, upstream: SocketAddr, mut link: watch::Receiver<Link>) {
    let state = *link.borrow_and_update();
    match state {
        Link::Refused => drop(client),
        Link::Silent => {
            // Hold the connection open without a byte of answer until the link changes.
            let _ = link.changed().await;
        }
        Link::Up => {
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                // Any change cuts the connection: a pooled keep-alive connection must not
                // outlive the outage that starts now.
                _ = link.changed() => {}
            }
        }
    }
}
