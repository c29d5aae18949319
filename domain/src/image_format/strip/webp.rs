//! Rewrites a WebP's RIFF chunks: keeps the image, animation and ICC chunks, drops EXIF, XMP and
//! unknown chunks, writes a minimal EXIF chunk for a turned orientation, and fixes the VP8X
//! flags and the RIFF size to match.
//!
//! Unlike the other formats this one is not streamed: the RIFF size at the start of the file
//! has to change when chunks are dropped, so the whole file is buffered and rewritten at the
//! end. The caller bounds the upload's size, which bounds this buffer too; bytes past the
//! declared RIFF size are not even buffered.

use super::super::driver::MAX_EXIF;
use super::super::exif;
use super::super::info::Orientation;
use super::error::StripError;
use super::minimal_exif;

const RIFF_HEADER_LEN: usize = 12;
/// The RIFF size counts the "WEBP" tag as well as the chunks.
const FORM_TYPE_LEN: usize = 4;
const CHUNK_HEADER_LEN: usize = 8;
/// An ANMF chunk's frame header (position, size, duration, flags) before its sub-chunks.
const FRAME_HEADER_LEN: usize = 16;
const VP8X_LEN: usize = 10;

const ALPHA_FLAG: u8 = 0x10;
const EXIF_FLAG: u8 = 0x08;
const XMP_FLAG: u8 = 0x04;

/// Chunks of an extended file that decoding, colour or animation need.
const KEPT: &[&[u8; 4]] = &[b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"];
/// Sub-chunks of an animation frame that decoding needs.
const KEPT_IN_FRAME: &[&[u8; 4]] = &[b"ALPH", b"VP8 ", b"VP8L"];

/// Buffers a WebP upload until [`WebPStrip::finish`] can rewrite it.
#[derive(Debug, Default)]
pub(super) struct WebPStrip {
    input: Vec<u8>,
}

/// One RIFF chunk: its four-letter kind and payload, without padding.
#[derive(Debug, Clone, Copy)]
struct Chunk<'a> {
    kind: &'a [u8],
    data: &'a [u8],
}

impl WebPStrip {
    pub(super) fn feed(&mut self, input: &[u8]) {
        let wanted = declared_len(&self.input, input).saturating_sub(self.input.len());
        let take = wanted.min(input.len());
        self.input
            .extend_from_slice(input.get(..take).unwrap_or_default());
    }

    /// Appends the rewritten file to `out`, and returns the orientation written, if any.
    pub(super) fn finish(&self, out: &mut Vec<u8>) -> Result<Option<Orientation>, StripError> {
        let (header, rest) = self.input.split_at(self.input.len().min(RIFF_HEADER_LEN));
        if header.get(..4) != Some(b"RIFF") || header.get(8..12) != Some(b"WEBP") {
            return Err(if header.len() < RIFF_HEADER_LEN {
                StripError::Truncated
            } else {
                StripError::Malformed("the WebP header is damaged")
            });
        }
        let Some(body_len) = usize::try_from(le32(header, 4))
            .ok()
            .and_then(|size| size.checked_sub(FORM_TYPE_LEN))
        else {
            return Err(StripError::Malformed("the WebP's RIFF size is too small"));
        };
        let body = rest.get(..body_len).ok_or(StripError::Truncated)?;
        let chunks = chunks(body)?;
        let Some((first, later)) = chunks.split_first() else {
            return Err(StripError::Malformed("the WebP holds no image"));
        };
        let found = orientation(later);
        let kept = minimal_exif::worth_keeping(found);
        let mut body = Vec::with_capacity(body_len);
        match first.kind {
            b"VP8X" => rewrite_extended(first, later, kept, &mut body)?,
            b"VP8 " | b"VP8L" => rewrite_simple(first, kept, &mut body)?,
            _ => {
                return Err(StripError::Malformed(
                    "a WebP must begin with a VP8, VP8L or VP8X chunk",
                ));
            }
        }
        if let Some(orientation) = kept {
            write_chunk(&mut body, b"EXIF", &minimal_exif::tiff(orientation))?;
        }
        let riff_size = body
            .len()
            .checked_add(FORM_TYPE_LEN)
            .and_then(|size| u32::try_from(size).ok())
            .ok_or(StripError::Malformed("the WebP is too large for RIFF"))?;
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&riff_size.to_le_bytes());
        out.extend_from_slice(b"WEBP");
        out.extend_from_slice(&body);
        Ok(kept)
    }
}

/// How many bytes of the upload are worth buffering: the RIFF header and the size it declares,
/// once its first 8 bytes are known; everything until then.
fn declared_len(buffered: &[u8], input: &[u8]) -> usize {
    let mut head = [0u8; 8];
    for (slot, byte) in head.iter_mut().zip(buffered.iter().chain(input)) {
        *slot = *byte;
    }
    if buffered.len().saturating_add(input.len()) < head.len() {
        return usize::MAX;
    }
    usize::try_from(le32(&head, 4)).map_or(usize::MAX, |size| size.saturating_add(8))
}

/// Splits a RIFF payload into chunks, with the inspector's rules: every chunk must fit, and an
/// odd-sized chunk is followed by a pad byte unless it is the very last.
fn chunks(mut body: &[u8]) -> Result<Vec<Chunk<'_>>, StripError> {
    let mut found = Vec::new();
    while !body.is_empty() {
        if body.len() < CHUNK_HEADER_LEN {
            return Err(StripError::Malformed(
                "a WebP chunk header is cut off by the RIFF size",
            ));
        }
        let (header, after) = body.split_at(CHUNK_HEADER_LEN);
        let size = usize::try_from(le32(header, 4)).unwrap_or(usize::MAX);
        if size > after.len() {
            return Err(StripError::Malformed(
                "a WebP chunk runs past the end of the RIFF data",
            ));
        }
        let (data, after) = after.split_at(size);
        let pad = (size % 2).min(after.len());
        found.push(Chunk {
            kind: header.get(..4).unwrap_or_default(),
            data,
        });
        body = after.get(pad..).unwrap_or_default();
    }
    Ok(found)
}

/// The orientation the inspector reports: from the first EXIF chunk after the image header,
/// small enough to buffer, that yields one.
fn orientation(chunks: &[Chunk<'_>]) -> Option<Orientation> {
    chunks
        .iter()
        .filter(|chunk| chunk.kind == b"EXIF" && chunk.data.len() <= MAX_EXIF)
        .find_map(|chunk| exif::orientation(chunk.data))
}

/// VP8X files: the kept chunks in order, the flags corrected. The minimal EXIF chunk, if any,
/// goes last, where the container specification places EXIF.
fn rewrite_extended(
    vp8x: &Chunk<'_>,
    later: &[Chunk<'_>],
    kept: Option<Orientation>,
    body: &mut Vec<u8>,
) -> Result<(), StripError> {
    let Some((flags, rest)) = vp8x
        .data
        .split_first()
        .filter(|_| vp8x.data.len() >= VP8X_LEN)
    else {
        return Err(StripError::Malformed("a WebP image chunk is too short"));
    };
    let mut flags = flags & !(XMP_FLAG | EXIF_FLAG);
    if kept.is_some() {
        flags |= EXIF_FLAG;
    }
    let mut data = vec![flags];
    data.extend_from_slice(rest);
    write_chunk(body, b"VP8X", &data)?;
    for chunk in later.iter().filter(|chunk| is_one_of(chunk, KEPT)) {
        if chunk.kind == b"ANMF" {
            write_chunk(body, b"ANMF", &rewrite_frame(chunk.data)?)?;
        } else {
            write_chunk(body, chunk.kind, chunk.data)?;
        }
    }
    Ok(())
}

/// An animation frame without the unknown chunks its frame data may carry.
fn rewrite_frame(data: &[u8]) -> Result<Vec<u8>, StripError> {
    let Some(header) = data.get(..FRAME_HEADER_LEN) else {
        return Err(StripError::Malformed("a WebP animation frame is too short"));
    };
    let mut frame = header.to_vec();
    // The inspector does not look inside frames, so this is the one WebP structure it may
    // accept while the stripper refuses it; a decoder would fail on such a frame anyway.
    let inner = chunks(data.get(FRAME_HEADER_LEN..).unwrap_or_default())
        .map_err(|_| StripError::Malformed("a WebP animation frame is damaged"))?;
    for chunk in inner {
        if is_one_of(&chunk, KEPT_IN_FRAME) {
            write_chunk(&mut frame, chunk.kind, chunk.data)?;
        }
    }
    Ok(frame)
}

/// Simple (VP8 or VP8L) files carry no metadata that decoders read, so only the image chunk is
/// kept. An orientation the inspector found in a stray EXIF chunk after it is kept by turning
/// the file into an extended one, since only VP8X files can carry EXIF.
fn rewrite_simple(
    image: &Chunk<'_>,
    kept: Option<Orientation>,
    body: &mut Vec<u8>,
) -> Result<(), StripError> {
    if kept.is_some() {
        let (width, height, alpha) = simple_canvas(image)?;
        let mut vp8x = vec![EXIF_FLAG | if alpha { ALPHA_FLAG } else { 0 }, 0, 0, 0];
        vp8x.extend_from_slice(width.get(..3).unwrap_or_default());
        vp8x.extend_from_slice(height.get(..3).unwrap_or_default());
        write_chunk(body, b"VP8X", &vp8x)?;
    }
    write_chunk(body, image.kind, image.data)
}

/// The canvas width and height minus one, as little-endian bytes, and whether there is alpha.
fn simple_canvas(image: &Chunk<'_>) -> Result<([u8; 4], [u8; 4], bool), StripError> {
    let data = image.data;
    let (width, height, alpha) = if image.kind == b"VP8L" {
        // Signature byte, then 14 bits each of width and height minus one, then the alpha bit.
        let bits = le32(data, 1);
        (bits & 0x3FFF, (bits >> 14) & 0x3FFF, bits & (1 << 28) != 0)
    } else {
        // The top two bits of each 16-bit field are an upscaling hint, not part of the size.
        let width = u32::from(le16(data, 6) & 0x3FFF);
        let height = u32::from(le16(data, 8) & 0x3FFF);
        match (width.checked_sub(1), height.checked_sub(1)) {
            (Some(width), Some(height)) => (width, height, false),
            _ => {
                return Err(StripError::Malformed(
                    "the WebP declares a zero width or height",
                ));
            }
        }
    };
    Ok((width.to_le_bytes(), height.to_le_bytes(), alpha))
}

fn is_one_of(chunk: &Chunk<'_>, kinds: &[&[u8; 4]]) -> bool {
    kinds.iter().any(|kind| kind.as_slice() == chunk.kind)
}

/// Appends one chunk with its header, padded to even length as RIFF requires.
fn write_chunk(body: &mut Vec<u8>, kind: &[u8], data: &[u8]) -> Result<(), StripError> {
    let size = u32::try_from(data.len())
        .map_err(|_| StripError::Malformed("a WebP chunk is too large for RIFF"))?;
    body.extend_from_slice(kind);
    body.extend_from_slice(&size.to_le_bytes());
    body.extend_from_slice(data);
    if data.len() % 2 == 1 {
        body.push(0);
    }
    Ok(())
}

fn le16(got: &[u8], at: usize) -> u16 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u16::from_le_bytes([byte(at), byte(at.saturating_add(1))])
}

fn le32(got: &[u8], at: usize) -> u32 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u32::from_le_bytes([
        byte(at),
        byte(at.saturating_add(1)),
        byte(at.saturating_add(2)),
        byte(at.saturating_add(3)),
    ])
}
