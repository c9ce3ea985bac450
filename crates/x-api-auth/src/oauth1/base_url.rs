//! The base string URI of RFC 5849 §3.4.1.2: scheme and host lowercased,
//! default port dropped, query and fragment removed.

use crate::error::{Error, Result};

fn bad_url(reason: impl Into<String>) -> Error {
    Error::invalid_input("url", reason)
}

/// Bytes the `url` crate (and so reqwest) percent-encodes in a path: encoding
/// them here keeps the signed URI equal to the one sent.
fn path_needs_encoding(b: u8) -> bool {
    b >= 0x80 || matches!(b, b' ' | b'"' | b'<' | b'>' | b'`' | b'{' | b'}')
}

/// Whether any byte of `bytes` is an ASCII control character (CR, LF, tab,
/// DEL, ...). Checked 16 bytes at a time without an early exit, which the
/// compiler turns into vector instructions.
fn has_control(bytes: &[u8]) -> bool {
    bytes.chunks(16).any(|chunk| {
        chunk
            .iter()
            .fold(false, |any, &b| any | (b < 0x20) | (b == 0x7F))
    })
}

/// The scheme of `url` (`https` or `http`, any case) and the rest after
/// `://`.
fn split_scheme(url: &str) -> Option<(&'static str, &'static str, &str)> {
    let bytes = url.as_bytes();
    if bytes.len() >= 8 && bytes[..8].eq_ignore_ascii_case(b"https://") {
        Some(("https", "443", &url[8..]))
    } else if bytes.len() >= 7 && bytes[..7].eq_ignore_ascii_case(b"http://") {
        Some(("http", "80", &url[7..]))
    } else {
        None
    }
}

/// Splits an absolute http(s) URL: writes the normalised base URI
/// (`scheme://host[:port]/path`) to `base` and returns the raw query (without
/// `?`, empty when there is none).
pub(crate) fn split_url<'a>(url: &'a str, base: &mut String) -> Result<&'a str> {
    if has_control(url.as_bytes()) {
        let i = url
            .bytes()
            .position(|b| b.is_ascii_control())
            .unwrap_or_default();
        return Err(bad_url(format!(
            "contains a control character (CR, LF, tab or similar) at byte {i}"
        )));
    }
    let (scheme, default_port, rest) =
        split_scheme(url).ok_or_else(|| bad_url("must be an absolute http:// or https:// URL"))?;
    // One scan: the authority ends at the first '/', '?' or '#', the path at
    // the first '?' or '#', the query at the first '#'.
    let bytes = rest.as_bytes();
    let authority_end = bytes
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(bytes.len());
    let path_end = bytes[authority_end..]
        .iter()
        .position(|&b| matches!(b, b'?' | b'#'))
        .map_or(bytes.len(), |i| authority_end + i);
    let query = if bytes.get(path_end) == Some(&b'?') {
        let query = &rest[path_end + 1..];
        query.split_once('#').map_or(query, |(before, _)| before)
    } else {
        ""
    };
    let (authority, path) = (&rest[..authority_end], &rest[authority_end..path_end]);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = split_port(host_port)?;
    if host.is_empty() {
        return Err(bad_url("has no host"));
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'[' | b']' | b':'))
    {
        return Err(bad_url(
            "host has characters that are not allowed (use the ASCII/punycode form)",
        ));
    }
    if path.contains('\\') {
        return Err(bad_url("path contains a backslash"));
    }

    base.clear();
    base.reserve(url.len() + 8);
    base.push_str(scheme);
    base.push_str("://");
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        base.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        base.push_str(host);
    }
    if let Some(port) = port.filter(|p| *p != default_port) {
        base.push(':');
        base.push_str(port);
    }
    if path.is_empty() {
        base.push('/');
    } else if path.bytes().any(path_needs_encoding) {
        for &b in path.as_bytes() {
            if path_needs_encoding(b) {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                base.push('%');
                base.push(char::from(HEX[usize::from(b >> 4)]));
                base.push(char::from(HEX[usize::from(b & 0x0F)]));
            } else {
                base.push(b as char);
            }
        }
    } else {
        base.push_str(path);
    }
    Ok(query)
}

/// The last base URI signed on this thread: the URL up to its query, and
/// its normalised, percent-encoded form as the base string holds it. Bots
/// sign the same endpoints over and over; a URL that starts the same way
/// skips parsing and encoding its base URI. Neither part is secret (the
/// query, which may be, is not kept).
#[derive(Default)]
pub(crate) struct BaseUriCache {
    raw: String,
    encoded: Vec<u8>,
    base: String,
}

impl BaseUriCache {
    /// Splits `url` as [`split_url`] does, and returns its query; the
    /// encoded base URI is then [`BaseUriCache::encoded`].
    pub(crate) fn split<'a>(&mut self, url: &'a str) -> Result<&'a str> {
        // The same base URI as last time: `url` starts with it and goes on
        // with nothing, a query or a fragment.
        let known = self.raw.len();
        if known > 0 && url.as_bytes().get(..known) == Some(self.raw.as_bytes()) {
            match url.as_bytes().get(known) {
                None => return Ok(""),
                Some(b'?' | b'#') if !has_control(&url.as_bytes()[known..]) => {
                    let rest = &url[known..];
                    return Ok(match rest.strip_prefix('?') {
                        Some(query) => query.split_once('#').map_or(query, |(before, _)| before),
                        None => "",
                    });
                }
                _ => {}
            }
        }
        let end = url.find(['?', '#']).unwrap_or(url.len());
        let prefix = &url[..end];
        self.raw.clear();
        let query = split_url(url, &mut self.base)?;
        self.encoded.clear();
        self.encoded.resize(self.base.len() * 3, 0);
        let n = crate::encode::write_percent_encoded(self.base.as_bytes(), &mut self.encoded, 0);
        self.encoded.truncate(n);
        self.raw.push_str(prefix);
        Ok(query)
    }

    /// The base URI of the last [`BaseUriCache::split`], percent-encoded.
    pub(crate) fn encoded(&self) -> &[u8] {
        &self.encoded
    }

    /// Lets go of buffers grown by an unusually long URL.
    pub(crate) fn shrink(&mut self, keep: usize) {
        if self.raw.capacity() > keep || self.encoded.capacity() > keep * 3 {
            *self = BaseUriCache::default();
        }
    }
}

fn split_port(host_port: &str) -> Result<(&str, Option<&str>)> {
    // An IPv6 literal keeps its colons inside brackets.
    let colon = match host_port.rfind(']') {
        Some(close) => host_port[close..].find(':').map(|i| close + i),
        None => host_port.rfind(':'),
    };
    let Some(colon) = colon else {
        return Ok((host_port, None));
    };
    let (host, port) = (&host_port[..colon], &host_port[colon + 1..]);
    if port.is_empty() {
        return Ok((host, None));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 && port.bytes().all(|b| b.is_ascii_digit()) => {
            Ok((host, Some(port.trim_start_matches('0'))))
        }
        _ => Err(bad_url("port must be a number from 1 to 65535")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> String {
        let mut base = String::new();
        split_url(url, &mut base).unwrap();
        base
    }

    #[test]
    fn normalises_like_rfc_5849() {
        assert_eq!(
            base("HTTPS://API.X.com:443/1.1/statuses/update.json?a=b#frag"),
            "https://api.x.com/1.1/statuses/update.json"
        );
        assert_eq!(
            base("http://example.com:80/r%20v/X?id=123"),
            "http://example.com/r%20v/X"
        );
        assert_eq!(
            base("https://www.example.net:8080/?q=1"),
            "https://www.example.net:8080/"
        );
        assert_eq!(base("http://example.com"), "http://example.com/");
        assert_eq!(base("http://user:pw@example.com/p"), "http://example.com/p");
        assert_eq!(base("http://[::1]:8080/p"), "http://[::1]:8080/p");
        assert_eq!(base("http://127.0.0.1:080/p"), "http://127.0.0.1/p");
        assert_eq!(
            base("https://api.x.com/2/users/by/username/ünï"),
            "https://api.x.com/2/users/by/username/%C3%BCn%C3%AF"
        );
        assert_eq!(
            split_url("https://a.b/c?x=1&y#z", &mut String::new()).unwrap(),
            "x=1&y"
        );
    }

    #[test]
    fn the_cache_gives_what_splitting_gives() {
        let mut cache = BaseUriCache::default();
        for url in [
            "https://api.x.com/2/users/me",
            "https://api.x.com/2/users/me?a=1",
            "https://api.x.com/2/users/me?b=2#f",
            "https://api.x.com/2/users/me#f?x",
            "HTTPS://API.X.com:443/2/users/me?c=3",
            "https://api.x.com/2/users/me?c=\n",
            "https://api.x.com/2/tweets?ids=1,2",
        ] {
            let mut base = String::new();
            let expected = split_url(url, &mut base).map(|q| (q, percent_encode_text(&base)));
            let cached = cache.split(url).map(|q| {
                (
                    q,
                    String::from_utf8(cache.encoded().to_vec()).expect("ASCII"),
                )
            });
            match (expected, cached) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{url}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{url}: {a:?} vs {b:?}"),
            }
        }
    }

    fn percent_encode_text(s: &str) -> String {
        crate::encode::percent_encode(s)
    }

    #[test]
    fn rejects_what_cannot_be_signed() {
        for bad in [
            "api.x.com/2/tweets",
            "ftp://api.x.com/",
            "https:///path",
            "https://api.x.com:99999/",
            "https://api.x.com:12a/",
            "https://api.x.com/\r\nHost: evil",
            "https://exämple.com/",
            "",
        ] {
            assert!(split_url(bad, &mut String::new()).is_err(), "{bad}");
        }
    }
}
