//! Fuzzes the metadata stripper, which rewrites JPEG, PNG, GIF and WebP containers while they
//! stream in.
//!
//! Input: one byte choosing the chunking, then the upload. Properties: nothing panics; the
//! output and the verdict do not depend on the chunking; the output sniffs as the upload's
//! format and is at most [`GROWTH`] bytes longer than the upload; the report counts the bytes
//! removed; stripping a stripped image changes nothing; and an upload the inspector accepts is
//! stripped into one it accepts with the same facts (format, size, orientation, frames), since
//! what is stored must be what was inspected. The stripper refuses nothing the inspector read:
//! of an upload the inspector accepts, it may refuse only a JPEG's data past the first scan's
//! header, which the inspector leaves to the decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lightbox_domain::image_format::{
    ImageFormat, ImageInspector, MetadataStripper, StripError, StripReport, inspect,
};
use lightbox_domain::limits::UploadLimits;
use lightbox_fuzz::chunks;

/// How much longer than the upload its stripped form may be. Stripping only drops bytes, except
/// that a turned image's EXIF block is replaced by a minimal one (26 bytes of TIFF plus its
/// container's framing) which can be longer than a tiny original, and a simple WebP given that
/// block gains the 18-byte VP8X chunk an EXIF chunk needs.
const GROWTH: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, upload)) = data.split_first() else {
        return;
    };
    let whole = strip(&[upload]);
    for plan in chunks::plans(upload, seed) {
        assert_eq!(strip(&plan), whole, "the chunking changed the result");
    }
    let inspected = inspect(upload, UploadLimits::DEFAULT);
    match &whole {
        Ok((stripped, report)) => {
            assert_eq!(
                sniffed(stripped),
                sniffed(upload),
                "the stripped image is of the upload's format"
            );
            assert!(
                stripped.len() <= upload.len() + GROWTH,
                "stripping grew {} bytes into {}",
                upload.len(),
                stripped.len()
            );
            let fed = upload.len() as u64;
            assert_eq!(
                report.removed_bytes,
                fed.saturating_sub(stripped.len() as u64),
                "the report counts what was removed"
            );
            let (again, second) = strip(&[stripped]).expect("a stripped image strips again");
            assert_eq!(&again, stripped, "stripping is idempotent");
            assert_eq!(second.kept_orientation, report.kept_orientation);
            if let Ok(info) = &inspected {
                assert_eq!(
                    inspect(stripped, UploadLimits::DEFAULT).as_ref(),
                    Ok(info),
                    "the stripped image inspects as the upload did"
                );
            }
        }
        Err(error) => {
            let Ok(info) = &inspected else {
                return;
            };
            // The inspector reads a JPEG only up to its first scan and leaves the entropy-coded
            // data to the decoder; the stripper walks on, to drop the metadata segments that may
            // follow, and refuses a broken marker there. What the inspector read, it must accept.
            assert_eq!(
                info.format,
                ImageFormat::Jpeg,
                "the inspector accepts {info:?} what the stripper refuses: {error}"
            );
            let read = &upload[..scan_start(upload)];
            assert!(
                strip(&[read]).is_ok(),
                "the stripper refuses the {} bytes the inspector read: {error}",
                read.len()
            );
        }
    }
});

/// The length of the shortest prefix of an accepted JPEG that the inspector accepts: where its
/// first scan begins. Inspection of the prefixes is monotone (refused up to there, accepted from
/// there on), so a binary search finds it.
fn scan_start(jpeg: &[u8]) -> usize {
    let (mut refused, mut accepted) = (0, jpeg.len());
    while accepted - refused > 1 {
        let middle = refused + (accepted - refused) / 2;
        if inspect(&jpeg[..middle], UploadLimits::DEFAULT).is_ok() {
            accepted = middle;
        } else {
            refused = middle;
        }
    }
    accepted
}

/// The format the inspector's sniffer decides from the first bytes, whatever the verdict.
fn sniffed(bytes: &[u8]) -> Option<ImageFormat> {
    let mut inspector = ImageInspector::new(UploadLimits::DEFAULT);
    // The verdict is not the point here, only the format decided on the way.
    let _ = inspector.feed(bytes);
    inspector.format()
}

/// Strips `plan`'s pieces in order: the output and the report, or the first refusal.
fn strip(plan: &[&[u8]]) -> Result<(Vec<u8>, StripReport), StripError> {
    let mut stripper = MetadataStripper::new();
    let mut out = Vec::new();
    let mut refusal: Option<StripError> = None;
    for piece in plan {
        let fed = stripper.feed(piece, &mut out);
        match (&refusal, fed) {
            (None, Ok(())) => {}
            (None, Err(error)) => refusal = Some(error),
            (Some(first), again) => assert_eq!(again.as_ref(), Err(first), "errors stick"),
        }
    }
    let finished = stripper.finish(&mut out);
    if let Some(first) = refusal {
        assert_eq!(finished.as_ref(), Err(&first), "finish keeps the refusal");
        return Err(first);
    }
    finished.map(|report| (out, report))
}
