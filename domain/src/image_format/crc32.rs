//! CRC-32 (ISO-HDLC, the one PNG uses), computed incrementally as chunk bytes stream past.
//!
//! Written here rather than pulled in as a crate: it is a few lines, and the domain crate keeps
//! its dependency list short.

const POLYNOMIAL: u32 = 0xEDB8_8320;

const TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut index = 0;
    while index < 256 {
        let mut crc = index as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                POLYNOMIAL ^ (crc >> 1)
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[index] = crc;
        index += 1;
    }
    table
}

/// A running CRC-32; feed it bytes in any pieces, read the value at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Crc32(u32);

impl Crc32 {
    pub(super) const fn new() -> Crc32 {
        Crc32(0xFFFF_FFFF)
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            let slot = usize::from((self.0 as u8) ^ byte);
            self.0 = TABLE[slot] ^ (self.0 >> 8);
        }
    }

    pub(super) const fn value(self) -> u32 {
        !self.0
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
