//! The download baseline: nginx from the distribution, `sendfile` on, serving the very files
//! lightbox stored, from the same directory.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::process::{Server, free_address};

/// Starts `nginx` serving `root` on a free port of 127.0.0.1, with its files under `work_dir`.
/// Returns it, its address, and how long it took to answer.
pub fn start(nginx: &Path, root: &Path, work_dir: &Path) -> Result<(Server, SocketAddr)> {
    std::fs::create_dir_all(work_dir.join("logs"))?;
    let address = free_address()?;
    let config = work_dir.join("nginx.conf");
    // As root, nginx's workers would drop to `nobody`, who may not read the store's files.
    let user = if running_as_root() { "user root;" } else { "" };
    std::fs::write(
        &config,
        format!(
            "{user}
worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    default_type application/octet-stream;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen {address};
        root {root};
        location = /ready {{ return 200; }}
    }}
}}
",
            work = work_dir.display(),
            root = root.display(),
        ),
    )?;
    let mut command = Command::new(nginx);
    command.arg("-p").arg(work_dir).arg("-c").arg(&config);
    let (server, _took) = Server::start(
        command,
        address,
        "/ready",
        &work_dir.join("logs/stderr.log"),
    )
    .context("starting nginx")?;
    // Let the worker processes come up before the first measured request.
    std::thread::sleep(Duration::from_millis(200));
    Ok((server, address))
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}
