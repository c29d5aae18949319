//! Property tests: no input panics, the output never depends on how the input is split,
//! stripping is idempotent, and the inspector sees the stripped file as it saw the original.

use proptest::prelude::*;

use super::super::super::inspect;
use super::fixtures::{encode_gif, encode_jpeg, encode_png, encode_webp};
use super::{assert_faithful, gif, jpeg, png, strip, strip_in_pieces, webp};
use crate::limits::UploadLimits;

/// A valid file of any format, with or without metadata and orientation.
fn valid_file() -> impl Strategy<Value = Vec<u8>> {
    let side = 1u32..24;
    let orientation = proptest::option::of(0u16..10);
    prop_oneof![
        (side.clone(), side.clone(), orientation.clone())
            .prop_map(|(w, h, o)| jpeg::camera_jpeg(w, h, o)),
        (side.clone(), side.clone(), orientation.clone())
            .prop_map(|(w, h, o)| png::camera_png(w, h, o)),
        (side.clone(), side.clone(), 1u8..4).prop_map(|(w, h, n)| gif::commented_gif(w, h, n)),
        (side.clone(), side.clone(), orientation).prop_map(|(w, h, o)| webp::camera_webp(w, h, o)),
        (side.clone(), side.clone(), 1u8..4, 1u16..9)
            .prop_map(|(w, h, n, o)| webp::animated_webp(w, h, n, o)),
        (side.clone(), side.clone(), 0u8..4).prop_map(|(w, h, kind)| match kind {
            0 => encode_jpeg(w, h),
            1 => encode_png(w, h),
            2 => encode_gif(w, h, 1),
            _ => encode_webp(w, h, 0),
        }),
    ]
}

/// Random bytes, sometimes behind an accepted signature so the walkers see garbage too.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    let prefixes: [&[u8]; 8] = [
        b"",
        b"\xFF\xD8\xFF",
        b"\xFF\xD8\xFF\xE1\0\x40Exif\0\0",
        b"\xFF\xD8\xFF\xDA\0\x02",
        b"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR",
        b"GIF89a",
        b"RIFF\xFF\0\0\0WEBP",
        b"RIFF\x20\0\0\0WEBPVP8X",
    ];
    (
        proptest::sample::select(prefixes.to_vec()),
        prop::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(prefix, tail)| [prefix, &tail].concat())
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Cut(usize),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        1 => any::<usize>().prop_map(Mutation::Cut),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        match mutation {
            Mutation::Flip(at, mask) => {
                let len = bytes.len().max(1);
                if let Some(byte) = bytes.get_mut(at % len) {
                    *byte ^= (*mask).max(1);
                }
            }
            Mutation::Cut(at) => bytes.truncate(at % (bytes.len() + 1)),
            Mutation::Insert(at, extra) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, extra.iter().copied());
            }
        }
    }
    bytes
}

/// Piece sizes, small ones often, so that every request straddles pieces somewhere.
fn pieces() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![3 => 1usize..4, 1 => 1usize..300], 1..8)
}

/// The promises that hold for any input at all, valid or not.
fn check_any(bytes: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let whole = strip(bytes);
    prop_assert_eq!(&strip_in_pieces(bytes, sizes), &whole, "split {:?}", sizes);
    if let Ok((output, _)) = &whole {
        let again = strip(output).map(|(twice, _)| twice);
        prop_assert_eq!(again.as_ref(), Ok(output), "stripping must be idempotent");
        if let Ok(info) = inspect(bytes, UploadLimits::DEFAULT) {
            prop_assert_eq!(inspect(output, UploadLimits::DEFAULT), Ok(info));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn never_panics_on_noise(bytes in noise(), sizes in pieces()) {
        check_any(&bytes, &sizes)?;
    }

    #[test]
    fn valid_files_are_stripped_faithfully(bytes in valid_file(), sizes in pieces()) {
        let whole = strip(&bytes);
        prop_assert!(whole.is_ok(), "{:?}", whole.err());
        check_any(&bytes, &sizes)?;
        if let Ok((output, _)) = whole {
            assert_faithful(&bytes, &output);
        }
    }

    #[test]
    fn mutated_files_never_panic_and_stay_consistent(
        bytes in valid_file(),
        mutations in prop::collection::vec(mutation(), 1..4),
        sizes in pieces(),
    ) {
        check_any(&mutate(bytes, &mutations), &sizes)?;
    }
}

#[test]
fn every_split_point_gives_the_same_output() {
    let files = [
        jpeg::camera_jpeg(9, 7, Some(6)),
        png::camera_png(9, 7, Some(8)),
        gif::commented_gif(5, 4, 2),
        webp::camera_webp(9, 7, Some(3)),
    ];
    for file in files {
        let whole = strip(&file);
        assert!(whole.is_ok());
        for at in 0..=file.len() {
            // Two pieces split at `at` (a first piece of 0 counts as 1, so `at` 0 and 1 agree).
            let split = strip_in_pieces(&file, &[at, file.len()]);
            assert_eq!(split, whole, "split at {at}");
        }
        let byte_by_byte = strip_in_pieces(&file, &[1]);
        assert_eq!(byte_by_byte, whole);
    }
}
