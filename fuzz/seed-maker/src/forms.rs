//! Seed bodies for the upload target: a flags byte (see `fuzz_targets/multipart_upload.rs`),
//! then a `multipart/form-data` body with the boundary `lightboxfuzz`.

use crate::containers::Seed;

const BOUNDARY: &str = "lightboxfuzz";

/// Flag bits of the upload target.
const ALIAS: u8 = 0x01;
const TIGHT: u8 = 0x02;
const BYTEWISE: u8 = 0x04;
const RANDOM_PIECES: u8 = 0x08;
const IDEMPOTENT: u8 = 0x10;
const QUOTED: u8 = 0x40;
const BAD_USER: u8 = 0x80;

/// One part: its name, file name (if a file), and bytes.
struct Part<'a> {
    name: &'a str,
    filename: Option<&'a str>,
    body: &'a [u8],
}

fn text<'a>(name: &'a str, body: &'a str) -> Part<'a> {
    Part {
        name,
        filename: None,
        body: body.as_bytes(),
    }
}

fn file<'a>(filename: &'a str, body: &'a [u8]) -> Part<'a> {
    Part {
        name: "file",
        filename: Some(filename),
        body,
    }
}

fn form(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match part.filename {
            Some(filename) => format!("form-data; name=\"{}\"; filename=\"{filename}\"", part.name),
            None => format!("form-data; name=\"{}\"", part.name),
        };
        out.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if part.filename.is_some() {
            out.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn seed(flags: u8, body: Vec<u8>) -> Vec<u8> {
    [vec![flags], body].concat()
}

pub fn seeds(images: &[Seed]) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (index, (name, bytes)) in images.iter().enumerate() {
        // Every image alone, on both apps and paths, cut in different ways.
        let flags = [
            0,
            ALIAS | BYTEWISE,
            TIGHT | RANDOM_PIECES,
            IDEMPOTENT | QUOTED,
        ][index % 4];
        seeds.push((
            format!("file-{name}"),
            seed(flags, form(&[file(name, bytes)])),
        ));
    }
    let (_, jpeg) = &images[0];
    let (_, png) = &images[2];
    let full = form(&[
        text("title", " Sunset "),
        text("description", "At the beach\n\twith friends"),
        text("tags", "Beach, sun"),
        text("tags", "été"),
        text("visibility", "public"),
        file("photo.jpg", jpeg),
    ]);
    seeds.push(("full-form".into(), seed(0, full.clone())));
    seeds.push((
        "full-form-idempotent".into(),
        seed(IDEMPOTENT | RANDOM_PIECES, full.clone()),
    ));
    seeds.push(("full-form-bad-user".into(), seed(BAD_USER, full)));
    let extended_name = {
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E5%86%99%E7%9C%9F.png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(png);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        body
    };
    seeds.push(("filename-extended".into(), seed(0, extended_name)));
    let cases: Vec<(&str, u8, Vec<u8>)> = vec![
        ("missing-file", 0, form(&[text("title", "no file")])),
        ("empty-file", 0, form(&[file("empty.png", b"")])),
        (
            "svg-file",
            0,
            form(&[file("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")]),
        ),
        (
            "two-files",
            0,
            form(&[file("a.png", png), file("b.png", png)]),
        ),
        (
            "bad-tags",
            0,
            form(&[text("tags", "two words"), file("a.png", png)]),
        ),
        (
            "bad-visibility",
            0,
            form(&[text("visibility", "hidden"), file("a.png", png)]),
        ),
        (
            "control-title",
            0,
            form(&[text("title", "a\u{7}b"), file("a.png", png)]),
        ),
        (
            "unknown-part",
            ALIAS,
            form(&[text("extra", "ignored"), file("a.png", png)]),
        ),
        (
            "too-large-for-tight",
            TIGHT,
            form(&[file("big.png", &vec![0x89; 3000])]),
        ),
        ("truncated", 0, form(&[file("a.png", png)])[..200].to_vec()),
        ("no-closing-boundary", 0, {
            let mut body = form(&[file("a.png", png)]);
            body.truncate(body.len() - (BOUNDARY.len() + 6));
            body
        }),
        ("not-multipart", 0, png.clone()),
    ];
    for (name, flags, body) in cases {
        seeds.push((name.into(), seed(flags, body)));
    }
    seeds
}
