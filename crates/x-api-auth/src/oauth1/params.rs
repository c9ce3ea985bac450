//! The parameters of a signature base string (RFC 5849 §3.4.1.3): each
//! written once, encoded twice as the base string holds it, into one
//! buffer; the request's own sorted, then merged with the `oauth_*` ones,
//! which come already in order.

use std::cmp::Ordering;

use super::twice::{room_for, write_form_component_twice, write_percent_encoded_twice};
use super::zeroed::ZeroedBuf;
use crate::error::Result;

/// Parameters in one buffer, each `key%3Dvalue` as it appears in the base
/// string.
#[derive(Default)]
pub(super) struct Params {
    buf: ZeroedBuf,
    spans: Vec<Span>,
    /// How many of `spans` are the request's own (the rest are `oauth_*`).
    own: usize,
}

/// A parameter in [`Params::buf`], `key%3Dvalue`: the key is
/// `start..key_end`, the value `key_end + 3..end`; `prefix` is the key's
/// first 8 bytes, big-endian and zero-padded, so that most comparisons are
/// one integer comparison (an encoded key never holds a zero byte).
#[derive(Clone, Copy)]
struct Span {
    prefix: u64,
    start: usize,
    key_end: usize,
    end: usize,
}

impl Params {
    /// Drops every parameter and wipes their bytes.
    pub(super) fn wipe(&mut self) {
        self.buf.wipe();
        self.spans.clear();
        self.own = 0;
    }

    /// Bytes allocated.
    pub(super) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Bytes of the parameters, and how many there are.
    pub(super) fn size(&self) -> (usize, usize) {
        (self.buf.len(), self.spans.len())
    }

    fn span(&mut self, start: usize, key_end: usize, end: usize) {
        let key = self.buf.get(start..key_end);
        let mut prefix = [0u8; 8];
        let n = key.len().min(8);
        prefix[..n].copy_from_slice(&key[..n]);
        self.spans.push(Span {
            prefix: u64::from_be_bytes(prefix),
            start,
            key_end,
            end,
        });
        self.buf.set_len(end);
    }

    /// Adds a decoded parameter.
    pub(super) fn push(&mut self, key: &str, value: &str) {
        let start = self.buf.len();
        // The key may write 3 bytes past its end, where "%3D" goes.
        let out = self.buf.room(room_for(key.len() + value.len()) + 3);
        let key_end = write_percent_encoded_twice(key.as_bytes(), out, start);
        out[key_end..key_end + 3].copy_from_slice(b"%3D");
        let end = write_percent_encoded_twice(value.as_bytes(), out, key_end + 3);
        self.span(start, key_end, end);
    }

    /// Adds a parameter whose key and value need no encoding (RFC 3986
    /// unreserved bytes only).
    pub(super) fn push_unreserved(&mut self, key: &str, value: &[u8]) {
        let start = self.buf.len();
        let out = self.buf.room(key.len() + 3 + value.len());
        let key_end = start + key.len();
        out[start..key_end].copy_from_slice(key.as_bytes());
        out[key_end..key_end + 3].copy_from_slice(b"%3D");
        let end = key_end + 3 + value.len();
        out[key_end + 3..end].copy_from_slice(value);
        self.span(start, key_end, end);
    }

    /// Adds a parameter already in its base string form (`key%3Dvalue`,
    /// the key `key_len` bytes long).
    pub(super) fn push_pair(&mut self, pair: &[u8], key_len: usize) {
        let start = self.buf.len();
        let out = self.buf.room(pair.len());
        out[start..start + pair.len()].copy_from_slice(pair);
        self.span(start, start + key_len, start + pair.len());
    }

    /// Adds what `write` writes at `out[start..]` (it returns where it
    /// ended, within `room` bytes) as one parameter, or as several in
    /// order read as one: the first key is `key_len` bytes long.
    pub(super) fn push_with(
        &mut self,
        room: usize,
        key_len: usize,
        write: impl FnOnce(&mut [u8], usize) -> usize,
    ) {
        let start = self.buf.len();
        let end = write(self.buf.room(room), start);
        self.span(start, start + key_len, end);
    }

    /// Whether a key of the request's own parameters starts with `oauth_`
    /// (then the protocol parameters cannot go in as one block: one of its
    /// keys may sort among theirs).
    pub(super) fn own_has_oauth_key(&self) -> bool {
        const OAUTH_: u64 = u64::from_be_bytes(*b"oauth_\0\0") >> 16;
        self.spans[..self.own]
            .iter()
            .any(|s| s.prefix >> 16 == OAUTH_)
    }

    /// Adds every parameter of a query or form body
    /// (`application/x-www-form-urlencoded`, `k=v&…`; empty segments are
    /// skipped, a key without `=` has an empty value), in one pass.
    pub(super) fn push_form(&mut self, source: &str, what: &'static str) -> Result<()> {
        // At most 5 bytes per input byte ('+' becomes "%2520") and "%3D" per
        // pair; a pair takes at least one byte and a '&' (counting them would
        // cost more than the room, which is zero until it is written).
        let bytes = source.as_bytes();
        let mut w = self.buf.len();
        self.buf
            .room(room_for(source.len()) + 3 * (source.len() / 2 + 1));
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'&' {
                i += 1; // an empty segment
                continue;
            }
            let start = w;
            let out = self.buf.room(0);
            let written = write_form_component_twice(source, i, true, what, out, w).and_then(
                |(i, key_end)| {
                    out[key_end..key_end + 3].copy_from_slice(b"%3D");
                    match bytes.get(i) == Some(&b'=') {
                        true => {
                            write_form_component_twice(source, i + 1, false, what, out, key_end + 3)
                                .map(|(i, w)| (i, key_end, w))
                        }
                        false => Ok((i, key_end, key_end + 3)),
                    }
                },
            );
            let key_end;
            (i, key_end, w) = match written {
                Ok(written) => written,
                Err(e) => {
                    // Bytes of this pair were written past the end in use.
                    self.wipe_after_error();
                    return Err(e);
                }
            };
            self.span(start, key_end, w);
        }
        Ok(())
    }

    #[cold]
    fn wipe_after_error(&mut self) {
        self.buf.wipe_all();
        self.spans.clear();
        self.own = 0;
    }

    /// Marks every parameter so far as the request's own and sorts them by
    /// encoded key, then by encoded value (RFC 5849 §3.4.1.3.2; the
    /// twice-encoded forms sort alike). The `oauth_*` parameters pushed
    /// after this must come in order.
    pub(super) fn sort_own(&mut self) {
        self.own = self.spans.len();
        let buf = &self.buf;
        self.spans.sort_unstable_by(|a, b| compare(buf, a, b));
    }

    /// Writes the parameters, `&`-joined and in order, at `out[w..]` (room
    /// for their bytes and 3 per `%26`), and returns where they ended: the
    /// request's own, sorted, merged with the `oauth_*` ones.
    pub(super) fn write_sorted(&self, out: &mut [u8], mut w: usize) -> usize {
        let (own, oauth) = self.spans.split_at(self.own);
        let (mut a, mut b) = (0, 0);
        while a < own.len() || b < oauth.len() {
            let take_own = b == oauth.len()
                || (a < own.len() && compare(&self.buf, &own[a], &oauth[b]) != Ordering::Greater);
            let span = if take_own {
                a += 1;
                own[a - 1]
            } else {
                b += 1;
                oauth[b - 1]
            };
            if a + b > 1 {
                out[w..w + 3].copy_from_slice(b"%26");
                w += 3;
            }
            let pair = self.buf.get(span.start..span.end);
            out[w..w + pair.len()].copy_from_slice(pair);
            w += pair.len();
        }
        w
    }
}

/// The base string order of two parameters: by key, then by value.
#[inline]
fn compare(buf: &ZeroedBuf, a: &Span, b: &Span) -> Ordering {
    a.prefix
        .cmp(&b.prefix)
        .then_with(|| buf.get(a.start..a.key_end).cmp(buf.get(b.start..b.key_end)))
        .then_with(|| {
            buf.get(a.key_end + 3..a.end)
                .cmp(buf.get(b.key_end + 3..b.end))
        })
}

/// `key%3Dvalue` of a parameter whose key needs no encoding and whose value
/// is already encoded once, as the base string holds it (only `%` changes).
pub(super) fn pair_reencoded(key: &str, encoded_value: &str) -> Vec<u8> {
    let mut pair = Vec::with_capacity(key.len() + 3 + encoded_value.len() * 3);
    pair.extend_from_slice(key.as_bytes());
    pair.extend_from_slice(b"%3D");
    for &b in encoded_value.as_bytes() {
        match b {
            b'%' => pair.extend_from_slice(b"%25"),
            _ => pair.push(b),
        }
    }
    pair
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(params: &Params) -> String {
        let mut out = vec![0; 4096];
        let w = params.write_sorted(&mut out, 0);
        String::from_utf8(out[..w].to_vec()).unwrap()
    }

    #[test]
    fn reencode() {
        assert_eq!(pair_reencoded("k", "a%20b%2C"), b"k%3Da%2520b%252C");
    }

    #[test]
    fn own_parameters_are_sorted_and_merged_with_the_oauth_ones() {
        let mut params = Params::default();
        params.push("z", "1");
        params.push("oauth_zz", "2");
        params.push_form("a=b&oauth_nonce=0&&c", "query").unwrap();
        params.sort_own();
        params.push_pair(&pair_reencoded("oauth_consumer_key", "k"), 18);
        params.push_unreserved("oauth_nonce", b"n");
        params.push("oauth_token", "t t");
        assert_eq!(
            written(&params),
            "a%3Db%26c%3D%26oauth_consumer_key%3Dk%26oauth_nonce%3D0%26oauth_nonce%3Dn\
             %26oauth_token%3Dt%2520t%26oauth_zz%3D2%26z%3D1"
        );
        params.wipe();
        assert_eq!(params.size(), (0, 0));
        assert_eq!(written(&params), "");
    }

    #[test]
    fn a_bad_form_is_refused_and_wiped() {
        let mut params = Params::default();
        params.push("a", "secret");
        assert!(params.push_form("b=ok&c=%zz", "form body").is_err());
        assert_eq!(params.size(), (0, 0));
        assert!(params.buf.room(0).iter().all(|&b| b == 0));
    }
}
