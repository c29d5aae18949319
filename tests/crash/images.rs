//! Upload bodies: small PNGs of noise, each with distinct bytes, and the sha256 helper.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// Sides range over this, so that files weigh from about 1 KB (20×20) to about 195 KB (255×255).
const SIDES: std::ops::RangeInclusive<u32> = 20..=255;

/// A PNG without metadata chunks whose first pixels spell `number`: distinct numbers give
/// distinct files. The rest is noise from `seed`, stored uncompressed so that the size is what
/// the dimensions say and encoding stays cheap in a debug build.
pub fn distinct_png(number: u64, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let width = rng.random_range(SIDES);
    let height = rng.random_range(SIDES);
    let mut pixels = vec![0_u8; (width * height * 3) as usize];
    rng.fill_bytes(&mut pixels);
    pixels[..8].copy_from_slice(&number.to_be_bytes());
    let mut png = Vec::with_capacity(pixels.len() + 1024);
    PngEncoder::new_with_quality(
        &mut png,
        CompressionType::Uncompressed,
        FilterType::NoFilter,
    )
    .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
    .expect("the PNG encodes");
    png
}

/// Lower-case hex sha256, as the API spells it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
