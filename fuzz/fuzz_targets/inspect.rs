//! Fuzzes the upload inspector: the format sniffer and the JPEG/PNG/GIF/WebP header walkers.
//!
//! Input: one byte choosing the chunking and the limits, then the upload. Properties: nothing
//! panics; fed whole, a byte at a time or in random pieces, the inspector reaches the verdict of
//! `inspect` on the whole upload, decides the same format, and keeps a refusal once given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lightbox_domain::image_format::{ImageInfo, ImageInspector, InspectError, inspect};
use lightbox_domain::limits::UploadLimits;
use lightbox_fuzz::chunks;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, upload)) = data.split_first() else {
        return;
    };
    let limits = limits(seed);
    let whole = inspect(upload, limits);
    let mut formats = Vec::new();
    for plan in chunks::plans(upload, seed) {
        let (format, verdict) = inspect_in(&plan, limits);
        assert_eq!(verdict, whole, "chunked {:?}", lengths(&plan));
        formats.push(format);
    }
    assert!(
        formats.windows(2).all(|pair| pair[0] == pair[1]),
        "formats {formats:?}"
    );
});

/// The verdict of an inspector fed `plan`, and the format it decided before finishing.
fn inspect_in(
    plan: &[&[u8]],
    limits: UploadLimits,
) -> (
    Option<lightbox_domain::image_format::ImageFormat>,
    Result<ImageInfo, InspectError>,
) {
    let mut inspector = ImageInspector::new(limits);
    let mut refusal: Option<InspectError> = None;
    for piece in plan {
        let fed = inspector.feed(piece);
        match (&refusal, fed) {
            (None, Ok(())) => {}
            (None, Err(error)) => refusal = Some(error),
            (Some(first), again) => assert_eq!(again.as_ref(), Err(first), "errors stick"),
        }
    }
    let format = inspector.format();
    let verdict = inspector.finish();
    if let Some(first) = refusal {
        assert_eq!(verdict.as_ref(), Err(&first), "finish keeps the refusal");
    }
    (format, verdict)
}

/// The contract's limits, or small ones that the seeds' tiny images can exceed.
fn limits(seed: u8) -> UploadLimits {
    if seed & 1 == 0 {
        return UploadLimits::DEFAULT;
    }
    UploadLimits::new(4096, 48, 1024, 3).unwrap_or(UploadLimits::DEFAULT)
}

fn lengths(plan: &[&[u8]]) -> Vec<usize> {
    plan.iter().map(|piece| piece.len()).collect()
}
