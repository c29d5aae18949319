//! Micro-benchmarks of the domain's hot pure paths, each against a baseline measured in the same
//! run: format sniffing and header parsing, tag normalization, list cursors, signed content URLs,
//! and metadata stripping of a 5 MB JPEG.
//!
//! Benchmarks report numbers, never pass/fail: the machines are shared and noisy, so what compares
//! across runs is the ratio to the baseline, not the absolute time. Pin it to one core and run
//! with `taskset -c 0 cargo bench -p lightbox-domain --bench hot_paths -- --warm-up-time 1
//! --measurement-time 3`. Uploads are fed in 64 KiB chunks, as the HTTP layer delivers them and
//! as the upload stream (ports `inspecting_stream.rs`) hands them to the inspector and stripper.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;

use std::hint::black_box;
use std::io::Cursor;

use chrono::{DateTime, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use image::ImageReader;
use lightbox_domain::cursor::{self, CursorScope};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::image_format::{ImageInfo, ImageInspector, MetadataStripper, StripReport};
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::listing::{ListFilter, PagePosition, SortOrder, TitlePrefix};
use lightbox_domain::signing::{ContentVariant, SignedContent, SigningKey};
use lightbox_domain::tags::{TagFilter, Tags};
use sha2::Sha256;
use uuid::Uuid;

/// The chunk size the HTTP layer delivers an upload body in.
const CHUNK: usize = 64 * 1024;

/// The same 32-byte secret for every MAC, lightbox's and the baselines': HMAC's cost does not
/// depend on the key's value.
const SECRET: [u8; 32] = [0x5A; 32];

/// One HMAC-SHA256 from scratch (key schedule, message, finalization): the floor under every
/// signature lightbox makes or checks.
fn raw_hmac(message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(&SECRET).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

// ---------------------------------------------------------------------------------------------
// sniff_header

/// What the upload stream does: every chunk to the inspector, then its verdict.
fn inspect_streaming(upload: &[u8]) -> ImageInfo {
    let mut inspector = ImageInspector::new(UploadLimits::default());
    for chunk in upload.chunks(CHUNK) {
        inspector.feed(chunk).unwrap();
    }
    inspector.finish().unwrap()
}

/// The `image` crate's cheapest way to the size: guess the format, read the header, stop.
fn image_crate_dimensions(upload: &[u8]) -> (u32, u32) {
    ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .unwrap()
        .into_dimensions()
        .unwrap()
}

/// The inspector only gives dimensions at `finish()`, once it has followed the structure as far
/// as it checks it: to the first scan of a JPEG, to the end of a PNG (every chunk's CRC), GIF
/// (every frame counted) or WebP (every chunk within the RIFF size). So it is timed over the
/// whole file, as the upload stream runs it, against a baseline that reads only the header.
fn sniff_header(c: &mut Criterion) {
    let uploads = fixtures::every_format(&fixtures::photo(640, 480));
    let mut group = c.benchmark_group("sniff_header");
    for (format, upload) in &uploads {
        eprintln!("sniff_header: 640x480 {format}, {} bytes", upload.len());
        let info = inspect_streaming(upload);
        assert_eq!((info.stored_width, info.stored_height), (640, 480));
        assert_eq!(image_crate_dimensions(upload), (640, 480));
        group.bench_with_input(BenchmarkId::new("lightbox", format), upload, |b, upload| {
            b.iter(|| inspect_streaming(black_box(upload)))
        });
        group.bench_with_input(
            BenchmarkId::new("image_crate_baseline", format),
            upload,
            |b, upload| b.iter(|| image_crate_dimensions(black_box(upload))),
        );
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// tags

/// What a hand-written parser would do: split, trim, lower-case, sort, de-duplicate; no
/// character or length checks and no limit on the count.
fn naive_tags(field: &str) -> Vec<String> {
    let mut tags: Vec<String> = field
        .split(',')
        .map(|tag| tag.trim().to_lowercase())
        .filter(|tag| !tag.is_empty())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

fn tags(c: &mut Criterion) {
    let mut group = c.benchmark_group("tags");
    for (name, field) in [
        ("5_tags", fixtures::SHORT_TAG_FIELD),
        ("20_tags", fixtures::TWENTY_TAG_FIELD),
    ] {
        let parsed = Tags::parse([field]).unwrap();
        assert_eq!(parsed.len(), naive_tags(field).len());
        group.bench_with_input(BenchmarkId::new("lightbox", name), field, |b, field| {
            b.iter(|| Tags::parse([black_box(field)]).unwrap())
        });
        group.bench_with_input(
            BenchmarkId::new("naive_baseline", name),
            field,
            |b, field| b.iter(|| naive_tags(black_box(field))),
        );
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// cursor

/// A listing as a client pages through it: a few filters set, so the cursor's binding to the
/// filter has something to cover.
fn filtered_listing(viewer: &OwnerId) -> ListFilter {
    let mut filter = ListFilter::for_owner(viewer.clone());
    filter.tags = TagFilter::parse(["beach", "summer-2026"]).unwrap();
    filter.title_prefix = TitlePrefix::parse("Holiday").unwrap();
    filter.content_type = Some(ImageFormat::Jpeg);
    filter.created_after = DateTime::<Utc>::from_timestamp(1_767_225_600, 0);
    filter
}

/// The bytes a cursor's MAC covers, laid out as `cursor::encode` lays them out (version, order,
/// position; then the viewer and the canonical filter), so the baseline MACs the same input.
fn cursor_mac_input(position: &PagePosition, scope: CursorScope<'_>) -> Vec<u8> {
    let mut bytes = vec![1, 0];
    bytes.extend_from_slice(&position.created_at.timestamp_micros().to_be_bytes());
    bytes.extend_from_slice(position.id.as_bytes());
    let viewer = scope.viewer.as_str().as_bytes();
    bytes.extend_from_slice(&(viewer.len() as u64).to_be_bytes());
    bytes.extend_from_slice(viewer);
    bytes.extend_from_slice(&scope.filter.canonical_bytes());
    bytes
}

fn cursors(c: &mut Criterion) {
    let key = SigningKey::new(&SECRET).unwrap();
    let viewer = OwnerId::parse("alice@example.com").unwrap();
    let filter = filtered_listing(&viewer);
    let scope = CursorScope {
        viewer: &viewer,
        filter: &filter,
        order: SortOrder::Newest,
    };
    let position = PagePosition {
        created_at: DateTime::<Utc>::from_timestamp_micros(1_784_061_667_123_456).unwrap(),
        id: ImageId::from_uuid(Uuid::from_u128(0x0193_5e2a_7c41_7d3b_9f0e_4a6c_2b8d_1e57)),
    };
    let text = cursor::encode(&position, scope, &key);
    assert_eq!(cursor::decode(&text, scope, &key), Ok(position));
    let mac_input = cursor_mac_input(&position, scope);

    let mut group = c.benchmark_group("cursor");
    group.bench_function("encode/lightbox", |b| {
        b.iter(|| cursor::encode(black_box(&position), scope, &key))
    });
    group.bench_function("decode/lightbox", |b| {
        b.iter(|| cursor::decode(black_box(&text), scope, &key).unwrap())
    });
    group.bench_function("hmac_baseline", |b| {
        b.iter(|| raw_hmac(black_box(&mac_input)))
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// signed_url

fn signed_urls(c: &mut Criterion) {
    let key = SigningKey::new(&SECRET).unwrap();
    // A thumbnail URL, the kind every listed image carries.
    let grant = SignedContent {
        id: ImageId::from_uuid(Uuid::from_u128(0x0193_5e2a_7c41_7d3b_9f0e_4a6c_2b8d_1e57)),
        variant: ContentVariant::Thumbnail(512),
        expires: 1_784_065_267,
    };
    let now = DateTime::<Utc>::from_timestamp(1_784_061_667, 0).unwrap();
    let signature = grant.sign(&key);
    assert_eq!(grant.verify(signature.as_str(), &key, now), Ok(()));
    // The message `SignedContent` MACs: id, expiry, variant label.
    let message = [
        grant.id.as_bytes().as_slice(),
        &grant.expires.to_be_bytes(),
        b"thumbnail-512",
    ]
    .concat();

    let mut group = c.benchmark_group("signed_url");
    group.bench_function("sign/lightbox", |b| b.iter(|| black_box(&grant).sign(&key)));
    group.bench_function("verify/lightbox", |b| {
        b.iter(|| {
            grant
                .verify(black_box(signature.as_str()), &key, now)
                .unwrap()
        })
    });
    group.bench_function("hmac_baseline", |b| {
        b.iter(|| raw_hmac(black_box(&message)))
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// strip_5mb_jpeg

/// What the upload stream does when stripping: each chunk through the stripper into a fresh
/// buffer of the chunk's size (passed on as one `Bytes`), then the stripper's tail.
fn strip_streaming(upload: &[u8]) -> (u64, StripReport) {
    let mut stripper = MetadataStripper::new();
    let mut passed = 0;
    for chunk in upload.chunks(CHUNK) {
        let mut out = Vec::with_capacity(chunk.len());
        stripper.feed(chunk, &mut out).unwrap();
        passed += black_box(out).len() as u64;
    }
    let mut tail = Vec::new();
    let report = stripper.finish(&mut tail).unwrap();
    (passed + black_box(tail).len() as u64, report)
}

/// The memory-bandwidth floor: the same chunks copied into the same fresh buffers.
fn copy_streaming(upload: &[u8]) -> u64 {
    let mut passed = 0;
    for chunk in upload.chunks(CHUNK) {
        let mut out = Vec::with_capacity(chunk.len());
        out.extend_from_slice(chunk);
        passed += black_box(out).len() as u64;
    }
    passed
}

fn strip_5mb_jpeg(c: &mut Criterion) {
    let upload = fixtures::camera_jpeg();
    let (stored, report) = strip_streaming(&upload);
    // Every 0xFF in the entropy-coded data is a marker candidate the stripper must look at.
    let marker_candidates = upload.iter().filter(|&&byte| byte == 0xFF).count();
    eprintln!(
        "strip_5mb_jpeg: {} bytes in, {stored} out, {marker_candidates} 0xFF bytes, \
         orientation kept: {:?}",
        upload.len(),
        report.kept_orientation.map(|o| o.get())
    );
    // The fixture must really carry metadata, or this would only measure a copy.
    assert_eq!(report.kept_orientation.map(|o| o.get()), Some(6));
    assert!(report.removed_bytes > 16 * 1024);

    let mut group = c.benchmark_group("strip_5mb_jpeg");
    group.throughput(Throughput::Bytes(upload.len() as u64));
    group.sample_size(30);
    group.bench_function("lightbox", |b| {
        b.iter(|| strip_streaming(black_box(&upload)))
    });
    group.bench_function("copy_baseline", |b| {
        b.iter(|| copy_streaming(black_box(&upload)))
    });
    group.finish();
}

criterion_group!(
    hot_paths,
    sniff_header,
    tags,
    cursors,
    signed_urls,
    strip_5mb_jpeg
);
criterion_main!(hot_paths);
