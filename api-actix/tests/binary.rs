//! The real `lightbox` binary: a bad setting stops it with one line naming the setting, jwt mode
//! serves bearer callers, header mode off loopback is warned about, a 64 MiB upload is refused
//! early and never buffered, SIGTERM stops it cleanly, and `migrate` copies a store with
//! progress (`binary/migrate.rs`).
//!
//! Only the standard library is used (raw `TcpStream`s and threads), plus the crate's own
//! jsonwebtoken to sign a token, so that this file needs no dev-dependency of its crate beyond
//! what it already has.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

#[path = "binary/migrate.rs"]
mod migrate;

const BINARY: &str = env!("CARGO_BIN_EXE_lightbox");
const SIGNING_KEY: &str = "binary-tests: a fixed signing key of 32+ bytes";
const BOUNDARY: &str = "lightbox-binary-test-boundary";
const MIB: u64 = 1024 * 1024;

/// A `lightbox` process listening on a free port with a temporary data directory.
struct Server {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Server {
    fn start() -> Self {
        Self::start_with(|_, _| {})
    }

    /// Starts the binary with extra settings (environment variables) set by `configure`, which
    /// is given the free port chosen (`LIGHTBOX_BIND` is `127.0.0.1:<port>` unless it changes it).
    fn start_with(configure: impl FnOnce(&mut Command, u16)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let stderr = File::create(dir.path().join("stderr.log")).unwrap();
        let mut command = base_command(dir.path());
        command
            .env("LIGHTBOX_BIND", format!("127.0.0.1:{port}"))
            .stderr(Stdio::from(stderr));
        configure(&mut command, port);
        let child = command.spawn().expect("the lightbox binary starts");
        let mut server = Self { child, port, dir };
        server.wait_until_healthy();
        server
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    fn wait_until_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "lightbox exited with {status} before serving:\n{}",
                    self.stderr()
                );
            }
            if let Ok(response) = request(self.port, "GET", "/health", &[], b"")
                && response.status == 200
            {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!("/health did not answer 200 within 30 s:\n{}", self.stderr());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only our own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with an environment of our own: no inherited `LIGHTBOX_*`, a data directory
/// inside `dir`, and `dir` as the working directory.
fn base_command(dir: &Path) -> Command {
    let data_dir = dir.join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let mut command = Command::new(BINARY);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LIGHTBOX_") {
            command.env_remove(name);
        }
    }
    command
        .current_dir(dir)
        .env("LIGHTBOX_DATA_DIR", &data_dir)
        .env("LIGHTBOX_SIGNING_KEY", SIGNING_KEY)
        .env("LIGHTBOX_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    command
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn wait_with_deadline(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(50));
    }
    None
}

/// A parsed HTTP/1.1 response.
struct Response {
    status: u16,
    body: String,
}

/// One request on a fresh connection (`Connection: close`).
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| std::io::Error::new(ErrorKind::InvalidData, "not HTTP"))
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Response {
        status,
        body: body.to_owned(),
    })
}

/// A valid 1×1 RGB PNG, built by hand (this crate has no image encoder).
fn tiny_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    let scanline = [0u8, 200, 100, 50];
    let mut zlib = vec![0x78, 0x01, 0x01, 4, 0, 0xFB, 0xFF];
    zlib.extend_from_slice(&scanline);
    zlib.extend_from_slice(&adler32(&scanline).to_be_bytes());
    png.extend(chunk(b"IDAT", &zlib));
    png.extend(chunk(b"IEND", &[]));
    png
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn multipart(file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tiny.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Peak resident memory (`VmHWM`) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

fn run_with_bad_setting(configure: impl FnOnce(&mut Command, &Path)) -> (ExitStatus, String) {
    let dir = tempfile::tempdir().unwrap();
    let stderr_path = dir.path().join("stderr.log");
    let mut command = base_command(dir.path());
    command
        .env("LIGHTBOX_BIND", format!("127.0.0.1:{}", free_port()))
        .stderr(Stdio::from(File::create(&stderr_path).unwrap()));
    configure(&mut command, dir.path());
    let mut child = command.spawn().expect("the lightbox binary starts");
    let status = wait_with_deadline(&mut child, Duration::from_secs(20));
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("lightbox kept running despite a bad setting; stderr:\n{stderr}");
    };
    (status, stderr)
}

#[test]
fn a_bad_setting_stops_the_start_with_one_line_naming_it() {
    let cases: [(&str, &str, &str); 7] = [
        ("LIGHTBOX_MAX_UPLOAD_BYTES", "abc", "max_upload_bytes"),
        ("LIGHTBOX_BACKEND", "nope", "backend"),
        ("LIGHTBOX_URL_TTL_SECONDS", "soon", "url_ttl_seconds"),
        ("LIGHTBOX_AUTH", "magic", "auth"),
        ("LIGHTBOX_BIND", "not an address", "bind"),
        (
            "LIGHTBOX_JWT_PUBLIC_KEY_FILE",
            "/nonexistent/jwt.pem",
            "jwt_public_key_file",
        ),
        ("LIGHTBOX_JWT_SECRET", "too short", "jwt_secret"),
    ];
    for (name, value, setting) in cases {
        let (status, stderr) = run_with_bad_setting(|command, _| {
            command.env(name, value);
            if name.starts_with("LIGHTBOX_JWT_") {
                command.env("LIGHTBOX_AUTH", "jwt");
            }
        });
        let case = format!("{name}={value}");
        assert!(!status.success(), "[{case}] exits non-zero, got {status}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "[{case}] one stderr line, got:\n{stderr}");
        let line = lines[0].to_ascii_lowercase();
        assert!(
            line.contains(setting),
            "[{case}] the line names `{setting}`: {}",
            lines[0]
        );
    }
}

#[test]
fn a_bad_setting_in_the_config_file_is_named_too() {
    let (status, stderr) = run_with_bad_setting(|command, dir| {
        let file = dir.join("lightbox.toml");
        std::fs::write(&file, "max_upload_bytes = \"lots\"\n").unwrap();
        command.arg("--config").arg(&file);
    });
    assert!(!status.success(), "exits non-zero, got {status}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one stderr line, got:\n{stderr}");
    assert!(lines[0].contains("max_upload_bytes"), "{}", lines[0]);
}

#[test]
fn the_binary_serves_an_upload() {
    let server = Server::start();

    let body = multipart(&tiny_png());
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let headers = [
        ("X-User-ID", "alice"),
        ("Content-Type", content_type.as_str()),
    ];
    let response = request(
        server.port,
        "POST",
        "/api/v1/images/upload",
        &headers,
        &body,
    )
    .unwrap();

    assert_eq!(response.status, 201, "{}", response.body);
    assert!(response.body.contains("\"image/png\""), "{}", response.body);
}

#[test]
fn metrics_served_on_their_own_address_are_not_on_the_api_listener() {
    let metrics_port = free_port();
    let server = Server::start_with(|command, _| {
        command.env("LIGHTBOX_METRICS_BIND", format!("127.0.0.1:{metrics_port}"));
    });
    let on_api = request(server.port, "GET", "/metrics", &[], b"").unwrap();
    assert_eq!(on_api.status, 404, "{}", on_api.body);

    let scraped = request(metrics_port, "GET", "/metrics", &[], b"").unwrap();
    assert_eq!(scraped.status, 200, "{}", scraped.body);
    assert!(
        scraped
            .body
            .contains("# TYPE lightbox_http_requests_total counter"),
        "{}",
        scraped.body
    );
    assert!(
        scraped.body.contains("route=\"unmatched\""),
        "the API's 404 for /metrics is counted, as an unmatched route: {}",
        scraped.body
    );
    let elsewhere = request(metrics_port, "GET", "/health", &[], b"").unwrap();
    assert_eq!(elsewhere.status, 404, "only /metrics lives there");
    let posted = request(metrics_port, "POST", "/metrics", &[], b"").unwrap();
    assert_eq!(posted.status, 405, "{}", posted.body);
}

/// Runs a one-shot subcommand on `dir`'s data directory; returns its exit code and stdout.
fn run_command(dir: &Path, arguments: &[&str]) -> (Option<i32>, String) {
    let output = base_command(dir)
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code(), stdout)
}

#[test]
fn gc_and_scrub_run_from_the_command_line_and_say_what_they_found() {
    let server = Server::start();
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let headers = [
        ("X-User-ID", "alice"),
        ("Content-Type", content_type.as_str()),
    ];
    let body = multipart(&tiny_png());
    let response = request(server.port, "POST", "/api/v1/images", &headers, &body).unwrap();
    assert_eq!(response.status, 201, "{}", response.body);
    let id = response
        .body
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let dir = server.dir.path().to_owned();
    let images = dir.join("data/blobs/images");
    // An upload that died between its bytes and its metadata: a staging file and a whole file.
    let orphan = images.join("ff/0193c0a4-0000-7000-8000-0000000000ff");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::write(orphan.join("original"), b"orphan bytes").unwrap();
    std::fs::write(orphan.join("original#1"), b"half").unwrap();

    let (code, stdout) = run_command(&dir, &["gc", "--dry-run", "--grace-seconds", "0"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("1 orphans (2 objects"), "{stdout}");
    assert!(stdout.contains("dry run"), "{stdout}");
    assert!(orphan.join("original").exists());

    let (code, stdout) = run_command(&dir, &["gc", "--grace-seconds", "0"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("1 removed, 0 failed"), "{stdout}");
    assert!(!orphan.exists(), "the orphan's directory is gone");

    let (code, stdout) = run_command(&dir, &["scrub"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("1 images checked"), "{stdout}");

    let original = images.join(&id[34..]).join(&id).join("original");
    std::fs::write(&original, b"flipped").unwrap();
    let (code, stdout) = run_command(&dir, &["scrub"]);
    assert_eq!(code, Some(3), "damage found is exit code 3: {stdout}");
    assert!(
        stdout.contains(&format!("corrupt    {id} owner=alice")),
        "{stdout}"
    );
}

#[test]
fn the_binary_in_jwt_mode_takes_the_caller_from_a_bearer_token() {
    const SECRET: &str = "binary-tests: the HS256 secret of jwt mode";
    let server = Server::start_with(|command, _| {
        command
            .env("LIGHTBOX_AUTH", "jwt")
            .env("LIGHTBOX_JWT_SECRET", SECRET)
            .env("LIGHTBOX_JWT_AUDIENCE", "lightbox");
    });
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let claims = serde_json::json!({"sub": "carol", "exp": exp, "aud": "lightbox"});
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let bearer = format!("Bearer {token}");

    let me = request(
        server.port,
        "GET",
        "/api/v1/me",
        &[("Authorization", &bearer)],
        b"",
    )
    .unwrap();
    assert_eq!(me.status, 200, "{}", me.body);
    assert!(me.body.contains("\"user_id\":\"carol\""), "{}", me.body);

    let refused = request(
        server.port,
        "GET",
        "/api/v1/me",
        &[("X-User-ID", "carol")],
        b"",
    )
    .unwrap();
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("unauthenticated"), "{}", refused.body);
}

#[test]
fn header_mode_warns_at_start_when_it_listens_off_loopback() {
    const WARNING: &str = "X-User-ID is trusted from anyone who can reach";
    let exposed = Server::start_with(|command, port| {
        command.env("LIGHTBOX_BIND", format!("0.0.0.0:{port}"));
    });
    let stderr = exposed.stderr();
    assert!(
        stderr.contains(&format!("{WARNING} 0.0.0.0:{}", exposed.port)),
        "{stderr}"
    );
    assert!(stderr.contains("WARN"), "logged as a warning: {stderr}");

    let loopback = Server::start();
    let stderr = loopback.stderr();
    assert!(
        !stderr.contains(WARNING),
        "no warning on loopback: {stderr}"
    );
}

/// How the 64 MiB body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// `Content-Length: 67108864`: a server may refuse from the header alone.
    ContentLength,
    /// `Transfer-Encoding: chunked`: the server must count what it streams.
    Chunked,
}

/// Sends a 64 MiB upload (a PNG header, then zeros) in 64 KiB writes while reading the answer
/// concurrently; asserts a 413 that arrives before everything is sent and a small peak-RSS growth.
fn assert_huge_upload_refused_early(framing: Framing) {
    let server = Server::start();
    // Warm up: the first upload allocates what any upload needs.
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let headers = [
        ("X-User-ID", "alice"),
        ("Content-Type", content_type.as_str()),
    ];
    let warm_up = request(
        server.port,
        "POST",
        "/api/v1/images/upload",
        &headers,
        &multipart(&tiny_png()),
    )
    .unwrap();
    assert_eq!(warm_up.status, 201, "warm-up upload: {}", warm_up.body);
    let peak_before = peak_rss_kib(server.pid());

    let total: u64 = 64 * MIB;
    let preamble = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n"
    );
    let epilogue = format!("\r\n--{BOUNDARY}--\r\n");
    let file_len = total - preamble.len() as u64 - epilogue.len() as u64;
    let length_header = match framing {
        Framing::ContentLength => format!("Content-Length: {total}"),
        Framing::Chunked => "Transfer-Encoding: chunked".to_owned(),
    };
    let head = format!(
        "POST /api/v1/images/upload HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-User-ID: alice\r\nContent-Type: {content_type}\r\n{length_header}\r\n\r\n",
        server.port
    );

    let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let written = Arc::new(AtomicU64::new(0));
    let written_by_writer = Arc::clone(&written);
    let writer_thread = thread::spawn(move || {
        if writer.write_all(head.as_bytes()).is_err() {
            return;
        }
        // Counts body bytes only, whatever the framing adds around them.
        let mut send = |bytes: &[u8]| -> bool {
            let sent = match framing {
                Framing::ContentLength => writer.write_all(bytes),
                Framing::Chunked => writer
                    .write_all(format!("{:x}\r\n", bytes.len()).as_bytes())
                    .and_then(|()| writer.write_all(bytes))
                    .and_then(|()| writer.write_all(b"\r\n")),
            };
            if sent.is_err() {
                return false;
            }
            written_by_writer.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            true
        };
        if !send(preamble.as_bytes()) {
            return;
        }
        // The file: a real PNG signature and IHDR (so the type is known), then the header of a
        // private ancillary chunk declaring the rest of the file, then zeros. A decoder must skip
        // such a chunk, so nothing but the size limit can refuse the upload early.
        let mut header = tiny_png()[..33].to_vec();
        let declared = u32::try_from(file_len - 33 - 8).unwrap();
        header.extend_from_slice(&declared.to_be_bytes());
        header.extend_from_slice(b"lbXz");
        let mut chunk = vec![0u8; 64 * 1024];
        chunk[..header.len()].copy_from_slice(&header);
        let mut left = file_len;
        while left > 0 {
            let size = usize::try_from(left.min(chunk.len() as u64)).unwrap();
            if !send(&chunk[..size]) {
                return;
            }
            chunk[..header.len()].fill(0);
            left -= size as u64;
        }
        if send(epilogue.as_bytes()) && framing == Framing::Chunked {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
    });

    let mut reader = stream.try_clone().unwrap();
    let mut raw = Vec::new();
    let mut buffer = [0u8; 8192];
    let mut written_when_answered = None;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if written_when_answered.is_none() {
                    written_when_answered = Some(written.load(Ordering::SeqCst));
                }
                raw.extend_from_slice(&buffer[..n]);
                if let Some(response) = parse_response(&raw)
                    && response.body.contains('}')
                {
                    break;
                }
            }
            Err(error) if !raw.is_empty() => {
                eprintln!("read ended with {error} after the response began");
                break;
            }
            Err(error) => panic!("no response to the 64 MiB upload: {error}"),
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
    writer_thread.join().unwrap();

    let sent_when_answered = written_when_answered.expect("a response arrived");
    let response = parse_response(&raw).expect("an HTTP response");
    assert_eq!(response.status, 413, "{}", response.body);
    assert!(
        response.body.contains("file_too_large"),
        "{}",
        response.body
    );
    assert!(
        sent_when_answered < total,
        "the 413 arrives before the client has sent everything ({sent_when_answered} of {total} bytes)"
    );
    let peak_after = peak_rss_kib(server.pid());
    eprintln!(
        "{framing:?}: 413 after {sent_when_answered} of {total} body bytes; peak RSS {peak_before} -> {peak_after} KiB"
    );
    let growth_mib = peak_after.saturating_sub(peak_before) as f64 / 1024.0;
    assert!(
        growth_mib < 20.0,
        "the body is streamed, not buffered: peak RSS grew by {growth_mib:.1} MiB"
    );
}

#[test]
fn a_64_mib_upload_with_content_length_is_refused_early_and_never_buffered() {
    assert_huge_upload_refused_early(Framing::ContentLength);
}

#[test]
fn a_64_mib_chunked_upload_is_refused_early_and_never_buffered() {
    assert_huge_upload_refused_early(Framing::Chunked);
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = Server::start();

    let kill = Command::new("kill")
        .arg("-TERM")
        .arg(server.pid().to_string())
        .status()
        .unwrap();
    assert!(kill.success(), "kill -TERM was delivered");

    let status = wait_with_deadline(&mut server.child, Duration::from_secs(10));
    let status = status.unwrap_or_else(|| panic!("lightbox still runs 10 s after SIGTERM"));
    assert_eq!(
        status.code(),
        Some(0),
        "exit status after SIGTERM; stderr:\n{}",
        server.stderr()
    );
}
