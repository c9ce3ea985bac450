//! Fresh nonces: 128 random bits as 32 lowercase hex digits, from the system
//! CSPRNG, drawn 4 KiB at a time into a per-thread pool.
//!
//! A `getrandom` system call per signature cost more than the rest of
//! signing; a shared pool behind a lock cost a lock per nonce. Each thread
//! keeps its own pool, and a forked child (which inherits a copy of it)
//! refills before its first nonce, so a parent and its children never send
//! the same nonce. By default a fork is detected by checking the process id
//! before each nonce: a `getpid` system call, 0.22 µs here (a sixth of a
//! signature), and nothing cheaper detects a fork without unsafe code. A
//! program that calls [`after_fork`] in every forked child (the Python
//! package does, from `os.register_at_fork`; Node cannot fork) says so with
//! [`rely_on_after_fork`], and the check becomes an atomic load.
//!
//! X asks for "a unique token your application should generate for each
//! unique request" and accepts any alphanumeric string: 32 hex digits keep
//! the base string of X's reference request one SHA-1 block shorter than 42
//! base64 letters did.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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

    /// The nonce's 32 hex digits, as bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Forks announced by [`after_fork`].
static FORKS: AtomicU64 = AtomicU64::new(0);
/// Whether [`rely_on_after_fork`] was called.
static RELY_ON_AFTER_FORK: AtomicBool = AtomicBool::new(false);

/// Tells the signer that this process is a child just forked from another:
/// its next nonces come from fresh randomness, never from the copy of its
/// parent's pools it inherited. Call it in every forked child before it
/// signs (from `pthread_atfork`, or your language's fork hook) when you
/// have called [`rely_on_after_fork`]; without that promise the signer
/// detects forks by itself.
///
/// ```
/// x_api_auth::oauth1::after_fork();
/// ```
pub fn after_fork() {
    FORKS.fetch_add(1, Ordering::SeqCst);
}

/// Promises that [`after_fork`] is called in every child this process
/// forks, so that fresh nonces can skip their per-nonce process-id check
/// (a system call, about a sixth of a signature). For programs that fork
/// only through a hook that calls [`after_fork`], or never fork.
///
/// ```
/// x_api_auth::oauth1::rely_on_after_fork();
/// ```
pub fn rely_on_after_fork() {
    RELY_ON_AFTER_FORK.store(true, Ordering::SeqCst);
}

struct Pool {
    bytes: Box<[u8; POOL_BYTES]>,
    used: usize,
    /// The process, and the forks announced, when the pool was filled.
    pid: u32,
    forks: u64,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool {
        bytes: Box::new([0; POOL_BYTES]),
        used: POOL_BYTES,
        pid: 0,
        forks: 0,
    });
}

/// A fresh nonce from this thread's pool.
pub(crate) fn fresh() -> Result<Nonce> {
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let forks = FORKS.load(Ordering::Relaxed);
        let forked = pool.forks != forks
            || (!RELY_ON_AFTER_FORK.load(Ordering::Relaxed) && pool.pid != std::process::id());
        if forked || pool.used + NONCE_BYTES > POOL_BYTES {
            SystemRandom::new().fill(&mut pool.bytes[..]).map_err(|_| {
                Error::invalid_input("nonce", "the system random number generator failed")
            })?;
            pool.used = 0;
            pool.pid = std::process::id();
            pool.forks = forks;
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
    fn an_announced_fork_refills_the_pool() {
        fresh().expect("nonce");
        let used = || POOL.with(|pool| pool.borrow().used);
        assert!(used() >= NONCE_BYTES);
        fresh().expect("nonce");
        let before = used();
        after_fork();
        fresh().expect("nonce");
        assert_eq!(
            used(),
            NONCE_BYTES,
            "refilled after the fork (was at {before})"
        );
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
