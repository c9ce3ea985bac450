//! Fresh nonces: 128 random bits as 32 lowercase hex digits, from the system
//! CSPRNG, drawn 4 KiB at a time into a per-thread pool.
//!
//! A `getrandom` system call per signature cost more than the rest of
//! signing; a shared pool behind a lock cost a lock per nonce. Each thread
//! keeps its own pool, and checks the process id before each nonce: a forked
//! child (which inherits a copy of the pool) refills before its first nonce,
//! so a parent and its children never send the same nonce. The check is
//! one `getpid` call (about 50 ns here, a twentieth of a signature); nothing
//! cheaper detects a fork without unsafe code.
//!
//! X asks for "a unique token your application should generate for each
//! unique request" and accepts any alphanumeric string: 32 hex digits keep
//! the base string of X's reference request one SHA-1 block shorter than 42
//! base64 letters did.

use std::cell::RefCell;

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{Error, Result};

/// Random bytes per nonce.
const NONCE_BYTES: usize = 16;
/// Random bytes drawn per refill: 256 nonces.
const POOL_BYTES: usize = 4096;

/// A nonce, on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Nonce([u8; 2 * NONCE_BYTES]);

impl Nonce {
    /// The nonce's 32 hex digits.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_else(|_| unreachable!("hex digits are ASCII"))
    }
}

struct Pool {
    bytes: Box<[u8; POOL_BYTES]>,
    used: usize,
    pid: u32,
}

/// A fresh nonce from this thread's pool.
pub(crate) fn fresh() -> Result<Nonce> {
    thread_local! {
        static POOL: RefCell<Pool> = RefCell::new(Pool {
            bytes: Box::new([0; POOL_BYTES]),
            used: POOL_BYTES,
            pid: 0,
        });
    }
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let pid = std::process::id();
        if pool.used + NONCE_BYTES > POOL_BYTES || pool.pid != pid {
            SystemRandom::new().fill(&mut pool.bytes[..]).map_err(|_| {
                Error::invalid_input("nonce", "the system random number generator failed")
            })?;
            pool.used = 0;
            pool.pid = pid;
        }
        let start = pool.used;
        pool.used += NONCE_BYTES;
        Ok(hex(&pool.bytes[start..start + NONCE_BYTES]))
    })
}

fn hex(random: &[u8]) -> Nonce {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 2 * NONCE_BYTES];
    for (pair, &b) in out.chunks_exact_mut(2).zip(random) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0F)];
    }
    Nonce(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_hex_and_distinct_across_refills() {
        let nonces: std::collections::HashSet<String> = (0..1000)
            .map(|_| fresh().expect("nonce").as_str().to_owned())
            .collect();
        assert_eq!(
            nonces.len(),
            1000,
            "1,000 nonces over 4 refills, all distinct"
        );
        for n in &nonces {
            assert!(
                n.len() == 32
                    && n.bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{n}"
            );
        }
    }

    #[test]
    fn threads_draw_from_their_own_pools() {
        let all: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        (0..300)
                            .map(|_| fresh().expect("nonce").as_str().to_owned())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("thread"))
                .collect()
        });
        let distinct: std::collections::HashSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len());
    }
}
