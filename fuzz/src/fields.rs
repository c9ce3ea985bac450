//! Structured inputs cut out of the fuzzer's bytes.
//!
//! Fields are separated by `0xFF`, and the parts of a field (pairs, a key
//! from its value) by `0xFE` and `0xFD`: bytes that never occur in UTF-8, so
//! a seed written from real strings cuts where it was joined.

/// Separates fields.
pub const FIELD: u8 = 0xFF;
/// Separates the pairs of a list field.
pub const PAIR: u8 = 0xFE;
/// Separates a pair's key from its value.
pub const KEY: u8 = 0xFD;

/// The fields of an input, each decoded as UTF-8 (invalid bytes replaced).
pub struct Fields<'a> {
    rest: std::slice::Split<'a, u8, fn(&u8) -> bool>,
}

impl<'a> Fields<'a> {
    /// Cuts `data` at every [`FIELD`] byte.
    pub fn new(data: &'a [u8]) -> Self {
        Fields {
            rest: data.split((|b| *b == FIELD) as fn(&u8) -> bool),
        }
    }

    /// The next field's raw bytes (empty when the input has no more).
    pub fn bytes(&mut self) -> &'a [u8] {
        self.rest.next().unwrap_or_default()
    }

    /// The next field as text.
    pub fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// The next field as a list of pairs.
    pub fn pairs(&mut self) -> Vec<(String, String)> {
        let field = self.bytes();
        if field.is_empty() {
            return Vec::new();
        }
        field
            .split(|b| *b == PAIR)
            .map(|pair| {
                let mut parts = pair.splitn(2, |b| *b == KEY);
                let key = String::from_utf8_lossy(parts.next().unwrap_or_default());
                let value = String::from_utf8_lossy(parts.next().unwrap_or_default());
                (key.into_owned(), value.into_owned())
            })
            .collect()
    }
}

/// An HTTP status from the first two bytes (`200` when there are fewer), and
/// the rest of the input.
pub fn status_and_body(data: &[u8]) -> (u16, &[u8]) {
    match data {
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]) % 600, rest),
        _ => (200, data),
    }
}
