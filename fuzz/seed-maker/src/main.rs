//! Writes the seed corpus of every fuzz target into `fuzz/corpus/<target>/`: tiny real images
//! from the `image` crate's encoders, the same with metadata spliced in, and the edge cases the
//! parsers must refuse cleanly (truncations, bombs, look-alike formats, broken forms).
//!
//! Seeds are small on purpose: libFuzzer mutates them thousands of times a second, and a seed
//! of a few hundred bytes explores faster than a photo.

mod containers;
mod forms;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use lightbox_domain::cursor::encode;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image_format::{MetadataStripper, inspect};
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::listing::{PagePosition, SortOrder};
use uuid::Uuid;

#[path = "../../src/cursor_scope.rs"]
mod cursor_scope;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let images = containers::images();
    let odd = containers::edge_cases();
    check_images(&images);

    // The image targets read one byte of chunking (and, for inspect, limits) before the file.
    for (target, lead) in [
        ("inspect", [0x00_u8, 0x41, 0xC3]),
        ("strip", [0x00, 0x40, 0xC2]),
    ] {
        let dir = fresh(&root, target);
        for (index, (name, bytes)) in images.iter().chain(&odd).enumerate() {
            let mut seed = vec![lead[index % lead.len()]];
            seed.extend_from_slice(bytes);
            write(&dir, name, &seed);
        }
    }

    let dir = fresh(&root, "multipart_upload");
    for (name, seed) in forms::seeds(&images) {
        write(&dir, &name, &seed);
    }

    let dir = fresh(&root, "cursor");
    for (name, seed) in cursor_seeds() {
        write(&dir, name, &seed);
    }

    let dir = fresh(&root, "fields");
    for (index, text) in FIELD_SEEDS.iter().enumerate() {
        write(&dir, &format!("field-{index:02}"), text.as_bytes());
    }
    write(&dir, "title-201-chars", "é".repeat(201).as_bytes());
    write(
        &dir,
        "tags-21",
        &(0..21)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",")
            .into_bytes(),
    );
    write(&dir, "not-utf8", b"caf\xE9\xFF\xFEtag");
}

/// Stops unless every image seed is one the inspector and the stripper accept, and the ones
/// named `metadata.*` lose bytes to stripping: a seed that is refused at its first bytes would
/// leave the walkers' and strippers' deeper paths for libFuzzer to find by chance.
fn check_images(images: &[containers::Seed]) {
    for (name, bytes) in images {
        if let Err(error) = inspect(bytes, UploadLimits::DEFAULT) {
            panic!("the seed {name} does not inspect: {error}");
        }
        let mut stripper = MetadataStripper::new();
        let mut out = Vec::new();
        let report = stripper
            .feed(bytes, &mut out)
            .and_then(|()| stripper.finish(&mut out))
            .unwrap_or_else(|error| panic!("the seed {name} does not strip: {error}"));
        if name.starts_with("metadata.") {
            assert!(report.removed_bytes > 0, "nothing stripped from {name}");
        }
    }
}

/// Texts that sit on the edges of the field rules.
const FIELD_SEEDS: &[&str] = &[
    " Sunset , beach\u{1F}BEACH\u{1F}a,,b",
    "Été_2026,東京,x-1",
    "İstanbul,ǅemal,ΣΊΣΥΦΟΣ",
    "two words,#tag,a.b",
    "  Golden hour \n",
    "line one\n\tline two\r",
    "a\u{0}b\u{7f}c\u{85}",
    "../../etc/passwd",
    "C:\\Users\\me\\photo.png",
    "a\u{0}b\r\n.gif",
    "dir/",
    "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B",
    "{0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}",
    "0190a1b2c3d47e5f8a9b0c1d2e3f4a5b",
    "user-123",
    "a.b_c@d:e-F9",
    "8e03978e-40d5-43e8-bc93-6894a57f9324",
    "public",
    "private",
    "newest",
    "oldest",
    "\u{FEFF}\u{200B} zero width \u{3000}",
];

fn cursor_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let scope = cursor_scope::Scope::fixed();
    let position = |micros: i64, id: [u8; 16]| PagePosition {
        created_at: DateTime::from_timestamp_micros(micros).unwrap_or_default(),
        id: ImageId::from_uuid(Uuid::from_bytes(id)),
    };
    let newest = encode(
        &position(1_764_000_000_000_000, [7; 16]),
        scope.cursor_scope(SortOrder::Newest),
        &scope.key,
    );
    let oldest = encode(
        &position(-62_000_000_000_000_000, [0xA5; 16]),
        scope.cursor_scope(SortOrder::Oldest),
        &scope.key,
    );
    // Raw bytes for the round-trip half: micros (big-endian), id, flags, index, replacement.
    let mut raw = 1_764_000_000_000_000_i64.to_be_bytes().to_vec();
    raw.extend_from_slice(&[3; 16]);
    raw.extend_from_slice(&[1, 17, 40]);
    vec![
        ("valid-newest", newest.into_bytes()),
        ("valid-oldest", oldest.into_bytes()),
        ("round-trip", raw),
        ("all-a", "A".repeat(56).into_bytes()),
        ("padded", "AAAA=".repeat(11).into_bytes()),
        ("empty", Vec::new()),
    ]
}

/// An empty `<root>/<target>/`, so that a seed dropped from this program leaves the corpus too.
fn fresh(root: &Path, target: &str) -> PathBuf {
    let dir = root.join(target);
    if dir.exists() {
        fs::remove_dir_all(&dir)
            .unwrap_or_else(|error| panic!("clearing {}: {error}", dir.display()));
    }
    fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("creating {}: {error}", dir.display()));
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
}
