//! Percent-encoding as OAuth 1.0a (RFC 5849 §3.6, RFC 3986 §2.1) and X need it,
//! and strict decoding of `application/x-www-form-urlencoded` strings.

use std::borrow::Cow;

use zeroize::Zeroize;

use crate::error::Error;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `UNRESERVED[b]`: whether byte `b` is left as is by RFC 3986 encoding
/// (`A-Z a-z 0-9 - . _ ~`).
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// `%00%01…%FF`: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`, pushed
/// in one copy.
const ESCAPES: &str = {
    const BYTES: [u8; 768] = {
        let mut table = [0u8; 768];
        let mut b = 0;
        while b < 256 {
            table[3 * b] = b'%';
            table[3 * b + 1] = UPPER_HEX[b >> 4];
            table[3 * b + 2] = UPPER_HEX[b & 0x0F];
            b += 1;
        }
        table
    };
    match std::str::from_utf8(&BYTES) {
        Ok(escapes) => escapes,
        Err(_) => panic!("escapes are ASCII"),
    }
};

/// The escape `%XX` of `b`.
#[inline]
fn escape(b: u8) -> &'static str {
    let i = 3 * usize::from(b);
    &ESCAPES[i..i + 3]
}

/// Writes the RFC 3986 percent-encoding of `input` at `out[w..]` and
/// returns where it ended (room for 3 bytes per input byte).
#[inline]
pub(crate) fn write_percent_encoded(input: &[u8], out: &mut [u8], mut w: usize) -> usize {
    for &b in input {
        if UNRESERVED[usize::from(b)] {
            out[w] = b;
            w += 1;
        } else {
            out[w..w + 3].copy_from_slice(escape(b).as_bytes());
            w += 3;
        }
    }
    w
}

/// Appends the RFC 3986 percent-encoding of `input` to `out`, which must
/// have room for it (3 bytes per input byte): it never grows here, so no
/// copy of what it holds is left behind.
#[inline]
pub(crate) fn extend_percent_encoded(input: &[u8], out: &mut Vec<u8>) {
    debug_assert!(out.capacity() - out.len() >= input.len() * 3);
    let mut start = 0;
    for (i, &b) in input.iter().enumerate() {
        if !UNRESERVED[usize::from(b)] {
            out.extend_from_slice(&input[start..i]);
            out.extend_from_slice(escape(b).as_bytes());
            start = i + 1;
        }
    }
    out.extend_from_slice(&input[start..]);
}

/// Whether `input` needs no percent-encoding at all.
#[inline]
pub(crate) fn is_unreserved_str(input: &str) -> bool {
    input.bytes().all(|b| UNRESERVED[usize::from(b)])
}

/// Makes room for `additional` more bytes in `buf` without leaving a copy
/// of its contents behind: when it must grow, the contents move to a new
/// buffer and the old one is wiped before it is freed (`String`'s own growth
/// would free it as it is). Buffers that may hold secrets grow only this way.
#[inline]
pub(crate) fn reserve_wiping(buf: &mut String, additional: usize) {
    if buf.capacity() - buf.len() >= additional {
        return;
    }
    let wanted = (buf.len() + additional).max(buf.capacity() * 2);
    let mut grown = String::with_capacity(wanted);
    grown.push_str(buf);
    buf.zeroize();
    *buf = grown;
}

/// Appends the RFC 3986 percent-encoding of `input` to `out`: every byte of
/// the UTF-8 form other than `A-Z a-z 0-9 - . _ ~` becomes `%XX` with
/// uppercase hex; a space is `%20`, never `+`. `out` grows without leaving
/// copies of what it held (it may hold secrets).
#[inline]
pub fn percent_encode_into(input: &str, out: &mut String) {
    reserve_wiping(out, input.len() * 3);
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(b)] {
            continue;
        }
        // Unreserved bytes are ASCII, so a non-empty run starts and ends on
        // char boundaries.
        if i > start {
            out.push_str(&input[start..i]);
        }
        out.push_str(escape(b));
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&input[start..]);
    }
}

/// The RFC 3986 percent-encoding of `input`, as X's OAuth 1.0a signatures
/// require it.
///
/// ```
/// use x_api_auth::percent_encode;
/// assert_eq!(percent_encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
/// assert_eq!(percent_encode("Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
/// assert_eq!(percent_encode("☃"), "%E2%98%83");
/// ```
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    percent_encode_into(input, &mut out);
    out
}

/// Encodes a component as `application/x-www-form-urlencoded` (WHATWG URL
/// standard): `A-Z a-z 0-9 * - . _` stay, a space becomes `+`. This is the
/// encoding RFC 6749 §2.3.1 prescribes for the client id and secret before
/// they go into HTTP Basic.
pub fn form_urlencode_component(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(UPPER_HEX[usize::from(b >> 4)] as char);
                out.push(UPPER_HEX[usize::from(b & 0x0F)] as char);
            }
        }
    }
    out
}

/// Serialises pairs as an `application/x-www-form-urlencoded` body, encoding
/// keys and values with [`percent_encode`] (so the body on the wire is the
/// same bytes the OAuth 1.0a signature covered).
///
/// ```
/// use x_api_auth::encode_form;
/// assert_eq!(
///     encode_form([("status", "Hello Ladies + Gentlemen"), ("a", "")]),
///     "status=Hello%20Ladies%20%2B%20Gentlemen&a="
/// );
/// ```
pub fn encode_form<K: AsRef<str>, V: AsRef<str>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        percent_encode_into(k.as_ref(), &mut out);
        out.push('=');
        percent_encode_into(v.as_ref(), &mut out);
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one component of an `application/x-www-form-urlencoded` string:
/// `+` is a space and `%XX` a byte. Invalid percent-encoding and byte
/// sequences that are not UTF-8 are errors, never silently replaced.
///
/// `what` names the input in the error ("form body", "URL query", ...).
pub fn form_decode_component<'a>(
    input: &'a str,
    what: &'static str,
) -> Result<Cow<'a, str>, Error> {
    if !input.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = Vec::with_capacity(input.len());
    form_decode_bytes_into(input, what, &mut out)?;
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|e| not_utf8(what, e.utf8_error()))
}

fn not_utf8(what: &'static str, e: std::str::Utf8Error) -> Error {
    Error::invalid_input(
        what,
        format!(
            "percent-decoded bytes are not UTF-8 (at byte {})",
            e.valid_up_to()
        ),
    )
}

fn bad_escape(what: &'static str, at: usize) -> Error {
    Error::invalid_input(
        what,
        format!("invalid percent-encoding at byte {at}: '%' must be followed by two hex digits"),
    )
}

/// The byte a `%XX` escape at `bytes[i]` stands for.
#[inline]
fn escaped_byte(bytes: &[u8], i: usize, what: &'static str) -> Result<u8, Error> {
    let hi = bytes.get(i + 1).copied().and_then(hex_value);
    let lo = bytes.get(i + 2).copied().and_then(hex_value);
    match (hi, lo) {
        (Some(hi), Some(lo)) => Ok(hi << 4 | lo),
        _ => Err(bad_escape(what, i)),
    }
}

/// Appends the bytes `input` decodes to (`+` a space, `%XX` a byte).
fn form_decode_bytes_into(input: &str, what: &'static str, out: &mut Vec<u8>) -> Result<(), Error> {
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                out.push(escaped_byte(bytes, i, what)?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(())
}

/// Parses an `application/x-www-form-urlencoded` string (a form body or a URL
/// query) into decoded pairs. Empty segments (`a=1&&b=2`) are skipped; a key
/// without `=` has an empty value.
///
/// ```
/// use x_api_auth::parse_form;
/// let pairs = parse_form("oauth_token=abc&denied=&x=a+b%21", "callback").unwrap();
/// assert_eq!(pairs, vec![
///     ("oauth_token".to_string(), "abc".to_string()),
///     ("denied".to_string(), String::new()),
///     ("x".to_string(), "a b!".to_string()),
/// ]);
/// assert!(parse_form("a=%ZZ", "form body").is_err());
/// ```
pub fn parse_form(input: &str, what: &'static str) -> Result<Vec<(String, String)>, Error> {
    let mut pairs = parse_secret_form(input, what)?;
    Ok(std::mem::take(&mut pairs.0))
}

/// Decoded form pairs that may hold secrets (a token secret, a PIN, a
/// code): wiped when dropped.
pub(crate) struct WipedPairs(Vec<(String, String)>);

impl std::ops::Deref for WipedPairs {
    type Target = [(String, String)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for WipedPairs {
    fn drop(&mut self) {
        for (key, value) in &mut self.0 {
            key.zeroize();
            value.zeroize();
        }
    }
}

/// [`parse_form`] into pairs wiped when dropped, also when decoding fails
/// half-way.
pub(crate) fn parse_secret_form(input: &str, what: &'static str) -> Result<WipedPairs, Error> {
    let mut pairs = WipedPairs(Vec::new());
    for segment in input.split('&').filter(|segment| !segment.is_empty()) {
        let (k, v) = segment.split_once('=').unwrap_or((segment, ""));
        let key = form_decode_component(k, what)?.into_owned();
        let value = form_decode_component(v, what)?.into_owned();
        pairs.0.push((key, value));
    }
    Ok(pairs)
}

/// The query of a callback URL, or the input itself when it is only a query.
pub(crate) fn callback_query(callback: &str) -> &str {
    let without_fragment = callback.split_once('#').map_or(callback, |(q, _)| q);
    match without_fragment.split_once('?') {
        Some((_, q)) => q,
        None if without_fragment.contains("://") => "",
        None => without_fragment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_documented_examples() {
        assert_eq!(
            percent_encode("An encoded string!"),
            "An%20encoded%20string%21"
        );
        assert_eq!(percent_encode("-._~azAZ09"), "-._~azAZ09");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn decode_rejects_truncated_escape() {
        assert!(form_decode_component("%4", "form body").is_err());
        assert!(form_decode_component("%", "form body").is_err());
        assert!(form_decode_component("%FF", "form body").is_err());
        assert_eq!(form_decode_component("%e2%98%83", "x").unwrap(), "☃");
    }

    #[test]
    fn form_component_encoding() {
        assert_eq!(form_urlencode_component("a b*~:"), "a+b*%7E%3A");
    }
}
