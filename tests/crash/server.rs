//! The `lightbox` process under test: started on one data directory that outlives it, killed
//! with SIGKILL, restarted; and its `gc` subcommand run on the same settings.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// At least 32 bytes, as the configuration requires; fixed so that a restart keeps signed URLs.
const SIGNING_KEY: &str = "crash-test: a fixed signing key, longer than 32 bytes";
/// How long a (re)start may take to answer `/ready` with 200.
const READY_WITHIN: Duration = Duration::from_secs(20);

/// The binary and the directory every process of the run shares: `data/` (the data directory)
/// and `server.log` (every process's stderr, one after the other). A failing run keeps it.
#[derive(Debug)]
pub struct Deployment {
    binary: PathBuf,
    scratch: TempDir,
}

/// One running `lightbox serve`; killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct Server {
    child: Option<Child>,
    base_url: String,
}

impl Deployment {
    pub fn new(binary: PathBuf) -> Self {
        let scratch = tempfile::Builder::new()
            .prefix("lightbox-crash-")
            .tempdir()
            .expect("a temporary directory");
        std::fs::create_dir_all(scratch.path().join("data")).expect("the data directory");
        Self { binary, scratch }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.scratch.path().join("data")
    }

    fn log_path(&self) -> PathBuf {
        self.scratch.path().join("server.log")
    }

    /// The binary with the run's settings: no inherited `LIGHTBOX_*` variable, so the caller's
    /// environment cannot change what is tested.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("LIGHTBOX_") {
                command.env_remove(name);
            }
        }
        command
            .current_dir(self.scratch.path())
            .env("LIGHTBOX_DATA_DIR", self.data_dir())
            .env("LIGHTBOX_BACKEND", "local")
            .env("LIGHTBOX_AUTH", "header")
            .env("LIGHTBOX_SIGNING_KEY", SIGNING_KEY)
            .env("LIGHTBOX_LOG", "warn")
            .stdin(Stdio::null());
        command
    }

    /// The log file, opened for appending after a line that says which process follows.
    fn log_for(&self, label: &str) -> File {
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("the server log opens");
        writeln!(log, "=== lightbox {label}").expect("the server log takes a line");
        log
    }

    /// Starts `lightbox serve` on a free port and waits for `/ready` to answer 200.
    pub async fn start(&self, label: &str) -> Server {
        // A new port each time: the killed process's connections may still hold the old one.
        let port = free_port();
        let mut child = self
            .command()
            .arg("serve")
            .env("LIGHTBOX_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(self.log_for(label)))
            .spawn()
            .unwrap_or_else(|error| panic!("{} does not start: {error}", self.binary.display()));
        let base_url = format!("http://127.0.0.1:{port}");
        let probe = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client");
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Some(status) = child.try_wait().expect("the child's status") {
                panic!(
                    "lightbox ({label}) exited with {status} before it was ready:\n{}",
                    self.log_tail(40)
                );
            }
            if let Ok(response) = probe.get(format!("{base_url}/ready")).send().await
                && response.status() == reqwest::StatusCode::OK
            {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "lightbox ({label}) did not answer GET /ready with 200 within {} s:\n{}",
                    READY_WITHIN.as_secs(),
                    self.log_tail(40)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server {
            child: Some(child),
            base_url,
        }
    }

    /// Runs `lightbox gc --grace-seconds 0` on the same settings and returns what it did.
    pub fn gc(&self) -> Output {
        self.command()
            .args(["gc", "--grace-seconds", "0"])
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .output()
            .unwrap_or_else(|error| panic!("{} does not start: {error}", self.binary.display()))
    }

    /// The last `lines` lines of the server log.
    pub fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    pub fn scratch(&self) -> &std::path::Path {
        self.scratch.path()
    }
}

impl Drop for Deployment {
    /// A failed run keeps its directory (data and log) for a look; a passing one removes it.
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.scratch.disable_cleanup(true);
            eprintln!(
                "the data directory and the server log are kept in {}",
                self.scratch.path().display()
            );
        }
    }
}

impl Server {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// SIGKILL, then reaping: the process gets no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Only our own child, by its handle; an error means it already exited.
            let _ = child.kill();
            child.wait().expect("the killed child is reaped");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A port nothing listens on right now: bound, read, and released for the server to take.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("the bound address").port()
}
