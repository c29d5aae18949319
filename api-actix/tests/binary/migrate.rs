//! `lightbox migrate` as an operator runs it: two configuration files, progress lines on a
//! stderr that is not a terminal, the summary on stdout, a rerun that copies nothing, and the
//! refusals (one store onto itself; the environment never deciding a side).

use std::path::Path;
use std::process::{Output, Stdio};

use super::{BOUNDARY, Server, base_command, multipart, request, tiny_png};

const IMAGES: usize = 12;

fn migrate(dir: &Path, from: &Path, to: &Path, extra_env: &[(&str, &str)]) -> Output {
    let mut command = base_command(dir);
    command
        .args(["migrate", "--from"])
        .arg(from)
        .arg("--to")
        .arg(to)
        .envs(extra_env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn migrate_copies_a_store_with_progress_and_a_summary_and_resumes_to_nothing() {
    let server = Server::start();
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let headers = [
        ("X-User-ID", "alice"),
        ("Content-Type", content_type.as_str()),
    ];
    for _ in 0..IMAGES {
        let body = multipart(&tiny_png());
        let response = request(server.port, "POST", "/api/v1/images", &headers, &body).unwrap();
        assert_eq!(response.status, 201, "{}", response.body);
    }
    let dir = server.dir.path();
    let from = dir.join("from.toml");
    let to = dir.join("to.toml");
    let copy = dir.join("copy");
    std::fs::write(&from, format!("data_dir = {:?}\n", dir.join("data"))).unwrap();
    std::fs::write(&to, format!("data_dir = {copy:?}\n")).unwrap();

    // LIGHTBOX_DATA_DIR (set by base_command) and LIGHTBOX_BACKEND would name one store for
    // both sides: a migration ignores them and says so.
    let first = migrate(dir, &from, &to, &[("LIGHTBOX_BACKEND", "aws")]);
    let (stdout, stderr) = (text(&first.stdout), text(&first.stderr));
    assert_eq!(first.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("{IMAGES} images in the source: {IMAGES} copied")),
        "{stdout}"
    );
    assert!(
        stderr.contains("ignoring") && stderr.contains("LIGHTBOX_BACKEND"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("migrate: 0/{IMAGES} images")),
        "a first progress line: {stderr}"
    );
    assert!(
        stderr.contains(&format!("migrate: {IMAGES}/{IMAGES} images (100 %)")),
        "a last progress line, with the rate: {stderr}"
    );
    assert!(stderr.contains("images/s"), "{stderr}");
    assert!(copy.join("lightbox.db").is_file());

    let again = migrate(dir, &from, &to, &[]);
    let stdout = text(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("0 copied (0 objects, 0 B), {IMAGES} skipped")),
        "{stdout}"
    );

    let onto_itself = migrate(dir, &from, &from, &[]);
    assert_eq!(onto_itself.status.code(), Some(1));
    assert!(text(&onto_itself.stderr).contains("same store"));

    let missing = migrate(dir, &from, &dir.join("absent.toml"), &[]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing.stderr));
}
