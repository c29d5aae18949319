//! Property tests: no input panics, and the verdict never depends on how the upload is split.

use proptest::prelude::*;

use super::{build, check_in_pieces};
use crate::image_format::inspect;
use crate::limits::UploadLimits;

/// Small limits, so that random dimensions and frame counts hit them often.
fn tight() -> UploadLimits {
    super::limits(300, 20_000, 4)
}

/// A valid file of any format, with dimensions and frames that may or may not pass `tight()`.
fn valid_file() -> impl Strategy<Value = Vec<u8>> {
    let side = 1u16..400;
    prop_oneof![
        (side.clone(), side.clone(), proptest::option::of(0u16..10))
            .prop_map(|(w, h, o)| build::jpeg(w, h, o)),
        (side.clone(), side.clone(), 0u32..6, 0u16..10).prop_map(|(w, h, frames, o)| {
            let mut extra = vec![build::png_chunk(b"eXIf", &build::exif(o))];
            if frames > 0 {
                extra.push(build::png_animation(frames));
            }
            build::png(u32::from(w), u32::from(h), &extra)
        }),
        (side.clone(), side.clone(), 1usize..6).prop_map(|(w, h, n)| build::gif(w, h, n)),
        (side.clone(), side.clone()).prop_map(|(w, h)| build::webp(&[build::vp8(w, h)])),
        (side.clone(), side.clone())
            .prop_map(|(w, h)| build::webp(&[build::vp8l(u32::from(w), u32::from(h))])),
        (
            side.clone(),
            side,
            0usize..6,
            proptest::option::of(0u16..10)
        )
            .prop_map(|(w, h, n, o)| build::webp_animation(
                u32::from(w),
                u32::from(h),
                n,
                o
            )),
    ]
}

/// Random bytes, sometimes behind an accepted signature so the walkers see garbage too.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    let prefixes: [&[u8]; 7] = [
        b"",
        b"\xFF\xD8\xFF",
        b"\x89PNG\r\n\x1A\n",
        b"GIF89a",
        b"RIFF\xFF\0\0\0WEBP",
        b"RIFF\x20\0\0\0WEBPVP8X",
        b"\xFF\xD8\xFF\xE1\0\x40Exif\0\0",
    ];
    (
        proptest::sample::select(prefixes.to_vec()),
        prop::collection::vec(any::<u8>(), 0..4096),
    )
        .prop_map(|(prefix, tail)| [prefix, &tail].concat())
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Cut(usize),
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        match *mutation {
            Mutation::Flip(at, mask) if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] ^= mask.max(1);
            }
            Mutation::Cut(at) => bytes.truncate(at % (bytes.len() + 1)),
            Mutation::Flip(..) => {}
        }
    }
    bytes
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        1 => any::<usize>().prop_map(Mutation::Cut),
    ]
}

fn pieces() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![1usize..4, 1usize..64, 1usize..2000], 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_in_random_pieces_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        sizes in pieces(),
    ) {
        let _ = check_in_pieces(&bytes, &sizes, UploadLimits::DEFAULT);
    }

    #[test]
    fn noise_gives_the_same_verdict_however_split(bytes in noise(), sizes in pieces()) {
        for limits in [UploadLimits::DEFAULT, tight()] {
            prop_assert_eq!(check_in_pieces(&bytes, &sizes, limits), inspect(&bytes, limits));
        }
    }

    #[test]
    fn valid_files_give_the_same_verdict_however_split(bytes in valid_file(), sizes in pieces()) {
        for limits in [UploadLimits::DEFAULT, tight()] {
            prop_assert_eq!(check_in_pieces(&bytes, &sizes, limits), inspect(&bytes, limits));
        }
    }

    #[test]
    fn valid_files_are_accepted_under_default_limits(bytes in valid_file()) {
        let info = inspect(&bytes, UploadLimits::DEFAULT);
        prop_assert!(info.is_ok(), "{:?}", info);
    }

    #[test]
    fn mutated_files_never_panic_and_do_not_depend_on_splitting(
        bytes in valid_file(),
        mutations in prop::collection::vec(mutation(), 1..4),
        sizes in pieces(),
    ) {
        let bytes = mutate(bytes, &mutations);
        let whole = inspect(&bytes, UploadLimits::DEFAULT);
        prop_assert_eq!(check_in_pieces(&bytes, &sizes, UploadLimits::DEFAULT), whole);
    }
}
