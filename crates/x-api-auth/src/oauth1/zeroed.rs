//! A byte buffer that is all zeros beyond what is in use, and stays so:
//! signing writes a request's bytes into it, then wipes exactly those.
//!
//! A `Vec` cleared and extended with zeros for every signature paid a
//! `memset` for the room it reserved (five bytes per input byte, in case
//! every byte needs `%25XX`) on top of the wipe. Here the room is zeroed
//! once, when the buffer grows, and only the bytes written are wiped.

use zeroize::Zeroize;

/// Zero-filled bytes, the first [`ZeroedBuf::len`] of them in use.
#[derive(Default)]
pub(crate) struct ZeroedBuf {
    /// Every byte from `len` on is zero.
    bytes: Vec<u8>,
    len: usize,
}

impl ZeroedBuf {
    /// Makes sure that `additional` bytes past [`ZeroedBuf::len`] exist (and
    /// are zero), and returns the whole buffer to write into. A buffer that
    /// must grow moves to a new allocation and the old one is wiped before it
    /// is freed.
    #[inline]
    pub(crate) fn room(&mut self, additional: usize) -> &mut [u8] {
        let wanted = self.len + additional;
        if wanted > self.bytes.len() {
            self.grow(wanted);
        }
        &mut self.bytes
    }

    #[cold]
    fn grow(&mut self, wanted: usize) {
        let mut grown = vec![0; wanted.max(2 * self.bytes.len()).max(256)];
        grown[..self.len].copy_from_slice(&self.bytes[..self.len]);
        self.bytes.zeroize();
        self.bytes = grown;
    }

    /// The bytes in use.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Marks the bytes up to `len` as in use (after writing them through
    /// [`ZeroedBuf::room`]).
    #[inline]
    pub(crate) fn set_len(&mut self, len: usize) {
        debug_assert!(len <= self.bytes.len());
        self.len = len;
    }

    /// The bytes in use.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The bytes at `range` (in use or not).
    #[inline]
    pub(crate) fn get(&self, range: std::ops::Range<usize>) -> &[u8] {
        &self.bytes[range]
    }

    /// Zeroes the bytes in use and marks the buffer empty. A plain fill:
    /// `zeroize`'s byte-by-byte volatile writes cost ten times as much on
    /// every signature, and the buffer lives on (it is reused), so the writes
    /// cannot be optimised away; `black_box` makes sure of it.
    #[inline]
    pub(crate) fn wipe(&mut self) {
        self.bytes[..self.len].fill(0);
        std::hint::black_box(self.bytes.as_slice());
        self.len = 0;
    }

    /// Zeroes all of it: after a write that failed part-way, past the bytes
    /// in use.
    #[cold]
    pub(crate) fn wipe_all(&mut self) {
        self.bytes.fill(0);
        std::hint::black_box(self.bytes.as_slice());
        self.len = 0;
    }

    /// Bytes allocated.
    pub(crate) fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl Drop for ZeroedBuf {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_keeping_what_is_in_use_and_wipes_it() {
        let mut buf = ZeroedBuf::default();
        buf.room(3)[..3].copy_from_slice(b"abc");
        buf.set_len(3);
        let room = buf.room(1000);
        assert!(room.len() >= 1003);
        assert_eq!(&room[..3], b"abc");
        assert!(room[3..].iter().all(|&b| b == 0));
        buf.wipe();
        assert_eq!(buf.len(), 0);
        assert!(buf.room(0).iter().all(|&b| b == 0));
    }

    #[test]
    fn wipe_all_clears_bytes_written_past_the_end() {
        let mut buf = ZeroedBuf::default();
        buf.room(10)[5] = 1;
        buf.wipe_all();
        assert!(buf.room(0).iter().all(|&b| b == 0));
    }
}
