//! Parameters as a signature base string holds them: percent-encoded
//! twice (RFC 5849 §3.4.1.3.2 encodes each name and value, §3.4.1 encodes
//! the joined parameters again), so a byte that needs encoding becomes
//! `%25XX`. Sorting the twice-encoded forms gives the order of the
//! once-encoded ones.
//!
//! Both writers are table-driven and branch-free per byte: each byte
//! copies the 8-byte table entry of what it becomes and advances by its
//! length. They may write up to 3 bytes beyond what they return (zeros,
//! which the next write overwrites or leaves as they were), hence the room
//! they ask for: 5 bytes per input byte and 3 more.

use crate::encode::form_decode_component;
use crate::error::Error;

/// Room a writer needs at `out[w..]` for `input_len` input bytes.
pub(crate) const fn room_for(input_len: usize) -> usize {
    5 * input_len + 3
}

/// `TWICE[b]`: byte `b` encoded twice (itself if unreserved, else
/// `%25XX`), zero-padded to 8 bytes; `TWICE_LEN[b]` is its length.
static TWICE: [[u8; 8]; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut table = [[0u8; 8]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if unreserved(b as u8) {
            [b as u8, 0, 0, 0, 0, 0, 0, 0]
        } else {
            [b'%', b'2', b'5', HEX[b >> 4], HEX[b & 0x0F], 0, 0, 0]
        };
        b += 1;
    }
    table
};

static TWICE_LEN: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if unreserved(b as u8) { 1 } else { 5 };
        b += 1;
    }
    table
};

/// RFC 3986's unreserved bytes, `A-Z a-z 0-9 - . _ ~`: never encoded.
const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Writes byte `b` encoded twice at `out[w..]`; returns where it ended.
#[inline(always)]
fn put(b: u8, out: &mut [u8], w: usize) -> usize {
    out[w..w + 8].copy_from_slice(&TWICE[usize::from(b)]);
    w + usize::from(TWICE_LEN[usize::from(b)])
}

/// Writes `input` percent-encoded twice at `out[w..]` (room:
/// [`room_for`]`(input.len())`) and returns where it ended.
#[inline]
pub(crate) fn write_percent_encoded_twice(input: &[u8], out: &mut [u8], mut w: usize) -> usize {
    for &b in input {
        w = put(b, out, w);
    }
    w
}

/// `HEX_VALUE[b]`: the value of hex digit `b`, or 16 and more for any
/// other byte.
static HEX_VALUE: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0xFF,
        };
        b += 1;
    }
    table
};

/// `SPECIAL[b]`: whether byte `b` means something in a form (`%`, `+`, `&`,
/// `=`) rather than itself.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'%' as usize] = true;
    table[b'+' as usize] = true;
    table[b'&' as usize] = true;
    table[b'=' as usize] = true;
    table
};

/// Writes what [`write_percent_encoded_twice`] writes for the decoding of
/// the form component that starts at `input[start..]`, at `out[w..]`, in
/// one pass and without allocating: the query and form parameters of a
/// request go from the wire form to the base-string form directly. The
/// component ends at the next `&` (or `=` as well, for a key). Returns where
/// it ended in `input` and in `out` (room: [`room_for`] the input bytes it
/// may read). Fails as [`form_decode_component`] does on the component: bad
/// percent-encoding, or decoded bytes that are not UTF-8.
pub(crate) fn write_form_component_twice(
    input: &str,
    start: usize,
    key: bool,
    what: &'static str,
    out: &mut [u8],
    mut w: usize,
) -> Result<(usize, usize), Error> {
    let bytes = input.as_bytes();
    let mut utf8 = utf8::ACCEPT;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        let decoded = if !SPECIAL[usize::from(b)] {
            i += 1;
            b
        } else {
            match b {
                b'%' => {
                    let (Some(&hi), Some(&lo)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
                        return Err(component_error(input, start, key, what));
                    };
                    let (hi, lo) = (HEX_VALUE[usize::from(hi)], HEX_VALUE[usize::from(lo)]);
                    if (hi | lo) > 0x0F {
                        return Err(component_error(input, start, key, what));
                    }
                    i += 3;
                    hi << 4 | lo
                }
                b'+' => {
                    i += 1;
                    b' '
                }
                b'=' if !key => {
                    i += 1;
                    b'='
                }
                _ => break,
            }
        };
        utf8 = utf8::step(utf8, decoded);
        w = put(decoded, out, w);
    }
    if utf8 != utf8::ACCEPT {
        return Err(component_error(input, start, key, what));
    }
    Ok((i, w))
}

/// The error [`form_decode_component`] gives for the component at
/// `input[start..]` (the slow path, for the message).
#[cold]
fn component_error(input: &str, start: usize, key: bool, what: &'static str) -> Error {
    let rest = &input[start..];
    let end = rest
        .bytes()
        .position(|b| b == b'&' || (key && b == b'='))
        .unwrap_or(rest.len());
    match form_decode_component(&rest[..end], what) {
        Err(e) => e,
        Ok(_) => Error::invalid_input(what, "invalid form encoding"),
    }
}

/// A UTF-8 validator as a table-driven automaton fed one byte at a time,
/// without branches: it accepts exactly what `std::str::from_utf8` accepts
/// (no overlong forms, surrogates or code points above U+10FFFF).
mod utf8 {
    /// The state between code points; every other state but [`REJECT`]
    /// waits for continuation bytes. States are multiples of [`CLASSES`], so
    /// that a state plus a byte's class indexes [`NEXT`].
    pub(super) const ACCEPT: u8 = 0;
    const REJECT: u8 = 12;
    /// One continuation byte due, any of 80..BF.
    const NEED1: u8 = 24;
    /// Two due, the first any of 80..BF, A0..BF (after E0), 80..9F (after ED).
    const NEED2: u8 = 36;
    const NEED2_E0: u8 = 48;
    const NEED2_ED: u8 = 60;
    /// Three due, the first any of 80..BF, 90..BF (after F0), 80..8F (after F4).
    const NEED3: u8 = 72;
    const NEED3_F0: u8 = 84;
    const NEED3_F4: u8 = 96;
    const STATES: usize = 9;

    /// Byte classes: ASCII, the three ranges of continuation bytes
    /// (80..8F, 90..9F, A0..BF), the lead bytes that constrain what follows
    /// them, and bytes never in UTF-8.
    const CLASSES: usize = 12;
    const fn class(b: u8) -> u8 {
        match b {
            0x00..=0x7F => 0,
            0x80..=0x8F => 1,
            0x90..=0x9F => 2,
            0xA0..=0xBF => 3,
            0xC2..=0xDF => 4,
            0xE0 => 5,
            0xE1..=0xEC | 0xEE..=0xEF => 6,
            0xED => 7,
            0xF0 => 8,
            0xF1..=0xF3 => 9,
            0xF4 => 10,
            _ => 11,
        }
    }

    const fn next(state: u8, class: u8) -> u8 {
        let continuation = matches!(class, 1..=3);
        match state {
            ACCEPT => match class {
                0 => ACCEPT,
                4 => NEED1,
                5 => NEED2_E0,
                6 => NEED2,
                7 => NEED2_ED,
                8 => NEED3_F0,
                9 => NEED3,
                10 => NEED3_F4,
                _ => REJECT,
            },
            NEED1 if continuation => ACCEPT,
            NEED2 if continuation => NEED1,
            NEED2_E0 if class == 3 => NEED1,
            NEED2_ED if matches!(class, 1 | 2) => NEED1,
            NEED3 if continuation => NEED2,
            NEED3_F0 if matches!(class, 2 | 3) => NEED2,
            NEED3_F4 if class == 1 => NEED2,
            _ => REJECT,
        }
    }

    static CLASS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = class(b as u8);
            b += 1;
        }
        table
    };

    /// `NEXT[state + class]`: the state after a byte of that class. 256
    /// entries (the rest unused) so that a `u8` index needs no bounds check.
    static NEXT: [u8; 256] = {
        let mut table = [REJECT; 256];
        let mut i = 0;
        while i < STATES * CLASSES {
            table[i] = next((i - i % CLASSES) as u8, (i % CLASSES) as u8);
            i += 1;
        }
        table
    };

    /// The state after byte `b`.
    #[inline(always)]
    pub(super) fn step(state: u8, b: u8) -> u8 {
        NEXT[usize::from(state.wrapping_add(CLASS[usize::from(b)]))]
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn accepts(bytes: &[u8]) -> bool {
            bytes.iter().fold(ACCEPT, |s, &b| step(s, b)) == ACCEPT
        }

        #[test]
        fn agrees_with_std_on_every_sequence_of_up_to_two_bytes() {
            for a in 0..=255u8 {
                assert_eq!(accepts(&[a]), std::str::from_utf8(&[a]).is_ok(), "{a:02X}");
                for b in 0..=255u8 {
                    let s = [a, b];
                    assert_eq!(accepts(&s), std::str::from_utf8(&s).is_ok(), "{s:02X?}");
                }
            }
        }

        #[test]
        fn agrees_with_std_on_longer_sequences_at_every_boundary() {
            let edges = [
                0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
                0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
            ];
            for a in 0xC0..=0xFFu8 {
                for &b in &edges {
                    for &c in &edges {
                        let s = [a, b, c];
                        assert_eq!(accepts(&s), std::str::from_utf8(&s).is_ok(), "{s:02X?}");
                        for &d in &edges {
                            let s = [a, b, c, d];
                            assert_eq!(accepts(&s), std::str::from_utf8(&s).is_ok(), "{s:02X?}");
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_encoded_twice() {
        let mut out = vec![0; room_for(12)];
        let w = write_percent_encoded_twice("a b+~é☕".as_bytes(), &mut out, 0);
        assert_eq!(
            std::str::from_utf8(&out[..w]).unwrap(),
            "a%2520b%252B~%25C3%25A9%25E2%2598%2595"
        );
        assert!(out[w..].iter().all(|&b| b == 0), "zeros past the end");
    }

    #[test]
    fn form_components_go_to_the_base_string_form_in_one_pass() {
        for input in [
            "",
            "abc",
            "a+b",
            "%41%7e",
            "caf%C3%A9+%E2%98%95",
            "caf\u{e9}",
            "50%25+off%21",
            "a/b?c:d@f",
            "%2B%2b",
            "~-._",
            "%F0%9F%90%A6",
            "%zz",
            "%4",
            "%",
            "%C3",
            "%C3%28",
            "%ED%A0%80",
            "\u{1F426}%20",
            "%C3\u{e9}",
            "%C3a",
            "%E2%98",
            "%F4%90%80%80",
            "%C0%80",
            "%EF%BF%BF",
            "%80",
            "x%FF",
            "%g0",
            "%0g",
        ] {
            for key in [false, true] {
                let mut fused = vec![0; room_for(input.len())];
                let fused = write_form_component_twice(input, 0, key, "URL query", &mut fused, 0)
                    .map(|(end, w)| {
                        assert_eq!(end, input.len());
                        assert!(fused[w..].iter().all(|&b| b == 0), "zeros past the end");
                        String::from_utf8(fused[..w].to_vec()).expect("ASCII")
                    });
                let two_steps = form_decode_component(input, "URL query").map(|decoded| {
                    let mut out = vec![0; room_for(decoded.len())];
                    let w = write_percent_encoded_twice(decoded.as_bytes(), &mut out, 0);
                    String::from_utf8(out[..w].to_vec()).expect("ASCII")
                });
                match (fused, two_steps) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{input:?}"),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{input:?}"),
                    (a, b) => panic!("{input:?}: one pass {a:?}, two steps {b:?}"),
                }
            }
        }
        let mut out = [0; 64];
        assert_eq!(
            write_form_component_twice("k%41=v&x", 0, true, "q", &mut out, 0).unwrap(),
            (4, 2)
        );
        assert_eq!(
            write_form_component_twice("k%41=v=w&x", 5, false, "q", &mut out, 2).unwrap(),
            (8, 9)
        );
        assert_eq!(&out[..9], b"kAv%253Dw");
    }
}
