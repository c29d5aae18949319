//! HTTP byte ranges (RFC 9110 §14): parsing one `bytes=` range and resolving it against a size.
//!
//! Only a single range is honoured; a multi-range or malformed header is ignored, as the
//! contract says, so parsing yields `None` for it and the whole body is served.

/// One requested range, as written by the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// `bytes=first-last`
    Bounded { first: u64, last: u64 },
    /// `bytes=first-`
    From { first: u64 },
    /// `bytes=-length`: the last `length` bytes.
    Suffix { length: u64 },
}

/// The bytes to send: `start..=end`, both within the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte's offset.
    pub start: u64,
    /// Last byte's offset (inclusive).
    pub end: u64,
}

impl ByteRange {
    /// How many bytes the range holds.
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Never true: a range holds at least one byte. Present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// What a range request means for an object of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOutcome {
    /// Serve these bytes with 206.
    Partial(ByteRange),
    /// Nothing of the object is in the range: 416.
    Unsatisfiable,
}

impl RangeRequest {
    /// Parses a `Range` header value. `None` for anything that is not exactly one well-formed
    /// byte range (including inverted ranges and other units), which means "serve it all".
    pub fn parse(header: &str) -> Option<Self> {
        let spec = header.trim().strip_prefix("bytes=")?.trim();
        if spec.contains(',') {
            return None;
        }
        let (first, last) = spec.split_once('-')?;
        let (first, last) = (first.trim(), last.trim());
        let number = |text: &str| -> Option<u64> {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            text.parse().ok()
        };
        match (first.is_empty(), last.is_empty()) {
            (true, true) => None,
            (true, false) => Some(Self::Suffix {
                length: number(last)?,
            }),
            (false, true) => Some(Self::From {
                first: number(first)?,
            }),
            (false, false) => {
                let (first, last) = (number(first)?, number(last)?);
                (first <= last).then_some(Self::Bounded { first, last })
            }
        }
    }

    /// Resolves the request against an object of `size` bytes.
    pub fn resolve(self, size: u64) -> RangeOutcome {
        if size == 0 {
            return RangeOutcome::Unsatisfiable;
        }
        let last_byte = size - 1;
        match self {
            Self::Bounded { first, last } if first <= last_byte => {
                RangeOutcome::Partial(ByteRange {
                    start: first,
                    end: last.min(last_byte),
                })
            }
            Self::From { first } if first <= last_byte => RangeOutcome::Partial(ByteRange {
                start: first,
                end: last_byte,
            }),
            Self::Suffix { length } if length > 0 => RangeOutcome::Partial(ByteRange {
                start: size.saturating_sub(length),
                end: last_byte,
            }),
            _ => RangeOutcome::Unsatisfiable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn partial(start: u64, end: u64) -> RangeOutcome {
        RangeOutcome::Partial(ByteRange { start, end })
    }

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(
            RangeRequest::parse("bytes=0-499"),
            Some(RangeRequest::Bounded {
                first: 0,
                last: 499
            })
        );
        assert_eq!(
            RangeRequest::parse("bytes=500-"),
            Some(RangeRequest::From { first: 500 })
        );
        assert_eq!(
            RangeRequest::parse("bytes=-500"),
            Some(RangeRequest::Suffix { length: 500 })
        );
    }

    #[test]
    fn malformed_inverted_and_multi_ranges_are_ignored() {
        for header in [
            "bytes=5-1",
            "bytes=0-1,3-4",
            "items=0-1",
            "bytes=",
            "bytes=-",
            "bytes=a-b",
            "bytes=1-2-3",
            "bytes=+1-2",
            "0-1",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(RangeRequest::parse(header), None, "{header}");
        }
    }

    #[test]
    fn resolves_against_the_size() {
        let size = 1000;
        assert_eq!(
            RangeRequest::Bounded {
                first: 0,
                last: 499
            }
            .resolve(size),
            partial(0, 499)
        );
        assert_eq!(
            RangeRequest::Bounded {
                first: 900,
                last: 5000
            }
            .resolve(size),
            partial(900, 999)
        );
        assert_eq!(
            RangeRequest::From { first: 999 }.resolve(size),
            partial(999, 999)
        );
        assert_eq!(
            RangeRequest::From { first: 1000 }.resolve(size),
            RangeOutcome::Unsatisfiable
        );
        assert_eq!(
            RangeRequest::Suffix { length: 10 }.resolve(size),
            partial(990, 999)
        );
        assert_eq!(
            RangeRequest::Suffix { length: 5000 }.resolve(size),
            partial(0, 999)
        );
        assert_eq!(
            RangeRequest::Suffix { length: 0 }.resolve(size),
            RangeOutcome::Unsatisfiable
        );
    }

    proptest! {
        #[test]
        fn resolved_ranges_lie_inside_the_object(header in "bytes=[0-9]{0,6}-[0-9]{0,6}", size in 1u64..2_000_000) {
            if let Some(request) = RangeRequest::parse(&header)
                && let RangeOutcome::Partial(range) = request.resolve(size)
            {
                prop_assert!(range.start <= range.end);
                prop_assert!(range.end < size);
                prop_assert!(range.len() <= size);
            }
        }

        #[test]
        fn parsing_never_panics(header in "\\PC{0,40}") {
            let _ = RangeRequest::parse(&header);
        }
    }
}
