//! Cutting an input into chunks in ways the input itself chooses, so that libFuzzer can steer
//! the chunk boundaries the streaming parsers see as well as the bytes.

/// The ways every streamed input is fed: whole, one byte at a time, and in pseudo-random pieces
/// drawn from `seed`. A streaming parser must give the same answer for all of them.
pub fn plans(data: &[u8], seed: u8) -> Vec<Vec<&[u8]>> {
    vec![
        vec![data],
        data.chunks(1).collect(),
        random_pieces(data, seed),
    ]
}

/// Pieces of pseudo-random lengths: the two high bits of `seed` choose the longest piece (3, 17,
/// 255 or 4096 bytes), the rest seeds the generator. Empty pieces are included on purpose: a
/// parser fed nothing must not change its mind.
pub fn random_pieces(data: &[u8], seed: u8) -> Vec<&[u8]> {
    let longest = match seed >> 6 {
        0 => 3,
        1 => 17,
        2 => 255,
        _ => 4096,
    };
    let mut state = u32::from(seed).wrapping_mul(0x9E37_79B9) | 1;
    let mut rest = data;
    let mut pieces = Vec::new();
    while !rest.is_empty() {
        // xorshift32: cheap, deterministic, and good enough to vary the cuts.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let length = (state as usize % (longest + 1)).min(rest.len());
        let (piece, later) = rest.split_at(length);
        pieces.push(piece);
        rest = later;
    }
    // The targets are built with debug assertions, so this checks the harness on every run: a
    // plan that lost or repeated bytes would make the comparisons between plans meaningless.
    debug_assert_eq!(pieces.concat(), data, "the pieces are the input, in order");
    pieces
}
