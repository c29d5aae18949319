//! Blurhash: the short text a feed turns into a blurred placeholder while the image loads.
//!
//! The format (<https://github.com/woltapp/blurhash>) is base83 text: one character for the
//! number of components, one for the AC scale, four for the average colour and two per further
//! component. Parsing checks all of it, so a stored hash always renders.

use std::fmt;

use thiserror::Error;

/// The 83 characters of the blurhash base83 alphabet, in digit order.
const ALPHABET: &[u8; 83] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

/// The average colour is 24-bit sRGB.
const MAX_DC: u32 = 0xFF_FFFF;

/// Each AC component packs three values quantised to 0..19.
const MAX_AC: u32 = 19 * 19 * 19 - 1;

/// A well-formed blurhash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Blurhash(String);

/// Why a blurhash was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BlurhashError {
    #[error("a blurhash is at least 6 characters long; got {0}")]
    TooShort(usize),
    #[error("character {position} of the blurhash is not base83")]
    NotBase83 { position: usize },
    #[error("a blurhash of {x}x{y} components is {expected} characters long; got {actual}")]
    WrongLength {
        x: u8,
        y: u8,
        expected: usize,
        actual: usize,
    },
    #[error("the average colour of the blurhash is out of range")]
    AverageColourOutOfRange,
    #[error("component {index} of the blurhash is out of range")]
    ComponentOutOfRange { index: usize },
}

impl Blurhash {
    /// Checks a blurhash.
    ///
    /// # Errors
    /// [`BlurhashError`] naming the first thing wrong with it.
    pub fn parse(raw: &str) -> Result<Self, BlurhashError> {
        let bytes = raw.as_bytes();
        if bytes.len() < 6 {
            return Err(BlurhashError::TooShort(raw.chars().count()));
        }
        let digits = bytes
            .iter()
            .enumerate()
            .map(|(position, byte)| digit(*byte).ok_or(BlurhashError::NotBase83 { position }))
            .collect::<Result<Vec<u32>, _>>()?;

        // The first digit is (y - 1) * 9 + (x - 1); 81 and 82 encode nothing.
        let size_flag = digits[0];
        if size_flag > 80 {
            return Err(BlurhashError::NotBase83 { position: 0 });
        }
        let (x, y) = (size_flag % 9 + 1, size_flag / 9 + 1);
        let expected = 4 + 2 * (x * y) as usize;
        if digits.len() != expected {
            return Err(BlurhashError::WrongLength {
                x: x as u8,
                y: y as u8,
                expected,
                actual: digits.len(),
            });
        }
        if number(&digits[2..6]) > MAX_DC {
            return Err(BlurhashError::AverageColourOutOfRange);
        }
        for (index, pair) in digits[6..].chunks_exact(2).enumerate() {
            if number(pair) > MAX_AC {
                return Err(BlurhashError::ComponentOutOfRange { index: index + 1 });
            }
        }
        Ok(Self(raw.to_owned()))
    }

    /// The blurhash as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many components it has across and down, each 1..=9.
    pub fn components(&self) -> (u8, u8) {
        let flag = self
            .0
            .as_bytes()
            .first()
            .and_then(|b| digit(*b))
            .unwrap_or(0);
        ((flag % 9 + 1) as u8, (flag / 9 + 1) as u8)
    }
}

impl fmt::Display for Blurhash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The value of one base83 character.
fn digit(byte: u8) -> Option<u32> {
    ALPHABET.iter().position(|c| *c == byte).map(|p| p as u32)
}

/// The value of base83 digits, most significant first. At most four digits are ever combined,
/// so the value fits in a `u32`.
fn number(digits: &[u32]) -> u32 {
    digits.iter().fold(0, |value, d| value * 83 + d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference implementation's example image, 4x3 components.
    const EXAMPLE: &str = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

    #[test]
    fn the_reference_example_parses() {
        let hash = Blurhash::parse(EXAMPLE).unwrap();
        assert_eq!(hash.as_str(), EXAMPLE);
        assert_eq!(hash.components(), (4, 3));
        assert_eq!(hash.to_string(), EXAMPLE);
    }

    #[test]
    fn a_single_component_hash_is_six_characters() {
        assert_eq!(Blurhash::parse("00TI7j").unwrap().components(), (1, 1));
    }

    #[test]
    fn the_length_must_match_the_components() {
        assert_eq!(
            Blurhash::parse(&EXAMPLE[..27]),
            Err(BlurhashError::WrongLength {
                x: 4,
                y: 3,
                expected: 28,
                actual: 27
            })
        );
        assert!(Blurhash::parse(&format!("{EXAMPLE}00")).is_err());
        assert_eq!(Blurhash::parse("L"), Err(BlurhashError::TooShort(1)));
        assert_eq!(Blurhash::parse(""), Err(BlurhashError::TooShort(0)));
    }

    #[test]
    fn characters_outside_base83_are_refused() {
        let mut bad = EXAMPLE.to_owned();
        bad.replace_range(10..11, "/");
        assert_eq!(
            Blurhash::parse(&bad),
            Err(BlurhashError::NotBase83 { position: 10 })
        );
        assert!(Blurhash::parse("LEHV6nWB2yk8pyo0adR*.7kCMdn é").is_err());
    }

    #[test]
    fn size_flags_past_9x9_are_refused() {
        // '~' is digit 82; 81 and 82 would mean a tenth row of components.
        assert_eq!(
            Blurhash::parse("~0TI7j"),
            Err(BlurhashError::NotBase83 { position: 0 })
        );
    }

    #[test]
    fn values_out_of_range_are_refused() {
        assert_eq!(
            Blurhash::parse("00~~~~"),
            Err(BlurhashError::AverageColourOutOfRange)
        );
        assert_eq!(
            Blurhash::parse("10TI7j~~"),
            Err(BlurhashError::ComponentOutOfRange { index: 1 })
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(raw in "\\PC{0,200}") {
            let _ = Blurhash::parse(&raw);
        }

        #[test]
        fn every_well_formed_hash_parses(
            x in 1u32..=9,
            y in 1u32..=9,
            dc in 0u32..=MAX_DC,
            ac in prop::collection::vec(0u32..=MAX_AC, 80),
            scale in 0u32..83,
        ) {
            let mut text = String::new();
            let mut push = |value: u32, width: u32| {
                for i in (0..width).rev() {
                    text.push(char::from(ALPHABET[(value / 83u32.pow(i) % 83) as usize]));
                }
            };
            push((y - 1) * 9 + (x - 1), 1);
            push(scale, 1);
            push(dc, 4);
            for value in ac.iter().take((x * y - 1) as usize) {
                push(*value, 2);
            }
            let hash = Blurhash::parse(&text).unwrap();
            prop_assert_eq!(hash.components(), (x as u8, y as u8));
        }
    }
}
