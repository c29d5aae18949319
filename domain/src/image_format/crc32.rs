//! CRC-32 (ISO-HDLC, the one PNG uses), computed incrementally as chunk bytes stream past.
//!
//! crc32fast does the arithmetic: it folds with carry-less multiplication where the CPU has it
//! and slices by 16 elsewhere, many times the speed of a byte-at-a-time table, and every PNG
//! upload passes all of its bytes through here.

/// A running CRC-32; feed it bytes in any pieces, read the value at the end.
#[derive(Debug, Clone)]
pub(super) struct Crc32(crc32fast::Hasher);

impl PartialEq for Crc32 {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl Eq for Crc32 {}

impl Crc32 {
    pub(super) fn new() -> Crc32 {
        Crc32(crc32fast::Hasher::new())
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub(super) fn value(&self) -> u32 {
        self.0.clone().finalize()
    }
}

/// CRC-32 of one whole buffer.
#[cfg(test)]
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn pieces_give_the_same_value() {
        let mut crc = Crc32::new();
        crc.update(b"1234");
        crc.update(b"");
        crc.update(b"56789");
        assert_eq!(crc.value(), 0xCBF4_3926);
    }

    #[test]
    fn png_iend_checksum() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }
}
