//! The framework's floor under the download scenario: actix-web set up as lightbox's server is
//! (its default worker count, `TCP_NODELAY`), serving the same files with one blocking read
//! each, and nothing else: no lookup, no access check, no validators. A download from lightbox
//! costs what this costs plus lightbox's own work, so the two rows split the gap to nginx into
//! the framework's share and lightbox's.
//!
//! It runs inside the driver, on a thread of its own with its own actix system: its workers are
//! threads competing for the same two cores as a separate process's would.

use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::{Context, Result, anyhow};

/// The running floor server.
pub struct Floor {
    handle: ServerHandle,
    thread: JoinHandle<std::io::Result<()>>,
}

impl Floor {
    /// Stops the server and waits for its thread.
    pub fn stop(self) -> Result<()> {
        actix_web::rt::System::new().block_on(self.handle.stop(true));
        self.thread
            .join()
            .map_err(|_| anyhow!("the floor server's thread panicked"))?
            .context("running the floor server")
    }
}

/// Starts the floor server on a free port of 127.0.0.1, serving the files under `root` at their
/// relative paths.
pub fn start(root: &Path) -> Result<(Floor, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding the floor server")?;
    let address = listener.local_addr()?;
    let root = web::Data::new(root.to_path_buf());
    let (handles, handle) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(root.clone())
                    .route("/{path:.*}", web::get().to(serve_file))
            })
            .on_connect(|connection, _| {
                if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                    // As lightbox does; without it each response waits on a delayed ACK.
                    let _ignored = stream.set_nodelay(true);
                }
            })
            .listen(listener)?
            .run();
            // The receiver only goes away if the driver failed already.
            let _ignored = handles.send(server.handle());
            server.await
        })
    });
    let handle = handle
        .recv()
        .context("the floor server stopped before it served")?;
    Ok((Floor { handle, thread }, address))
}

/// One file, read whole on the blocking pool, as one body.
async fn serve_file(root: web::Data<PathBuf>, path: web::Path<String>) -> HttpResponse {
    let relative = PathBuf::from(path.into_inner());
    if !relative
        .components()
        .all(|part| matches!(part, Component::Normal(_)))
    {
        return HttpResponse::NotFound().finish();
    }
    let file = root.join(relative);
    match web::block(move || std::fs::read(file)).await {
        Ok(Ok(bytes)) => HttpResponse::Ok().content_type("image/jpeg").body(bytes),
        _ => HttpResponse::NotFound().finish(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::io::{Read, Write};
    use std::net::TcpStream;

    use super::*;

    /// The whole answer to one `GET path` on a connection of its own.
    fn get(address: SocketAddr, path: &str) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn serves_the_files_under_its_root_and_nothing_outside() {
        let work = std::env::temp_dir().join(format!("floor-test-{}", std::process::id()));
        let root = work.join("root");
        std::fs::create_dir_all(root.join("images/ab")).unwrap();
        std::fs::write(root.join("images/ab/original"), b"the bytes").unwrap();
        std::fs::write(work.join("secret"), b"outside").unwrap();
        let (floor, address) = start(&root).unwrap();

        let served = get(address, "/images/ab/original");
        let missing = get(address, "/images/ab/other");
        let outside = get(address, "/../secret");
        floor.stop().unwrap();
        std::fs::remove_dir_all(&work).unwrap();

        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
        assert!(served.ends_with("\r\n\r\nthe bytes"), "{served}");
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
        assert!(!outside.contains("outside"), "{outside}");
    }
}
