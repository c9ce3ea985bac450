//! The sandbox under load: signed requests from concurrent clients on
//! loopback, with the timestamp window shortened to 5 s so that nonces expire
//! during the run. The remembered nonces stay bounded by one window's
//! requests, and (in a run of more than 30 s) resident memory grows by less
//! than 10 % over the second half of the run.
//!
//! `X_API_AUTH_LOAD_REQUESTS` sets the number of requests (20,000 in the
//! test command; 200,000 for the numbers in the README, with
//! `cargo test --release -p x-api-auth-sandbox --test load -- --nocapture`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

/// Resident memory of this process (the sandbox and its clients), in KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux)");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signed_requests_under_load_keep_memory_bounded() {
    let total: usize = std::env::var("X_API_AUTH_LOAD_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let clients = 16;
    let config = SandboxConfig {
        timestamp_window_secs: 5,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let app = sandbox.config().apps[0].clone();
    let signer = Arc::new(
        OAuth1::new(ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap())
            .with_token(
                AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap(),
            ),
    );
    let url = Arc::new(format!("{}/2/users/me", sandbox.base_url()));
    let sent = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (signer, url, sent, samples) =
            (signer.clone(), url.clone(), sent.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            let transport = ReqwestTransport::new(Duration::from_secs(30)).unwrap();
            loop {
                let n = sent.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return;
                }
                if n == total / 10 || n == total / 2 || n == total - 1 {
                    samples.lock().unwrap().push((n, resident_kib()));
                }
                let signed = signer
                    .sign(&SignableRequest::new("GET", url.as_str()))
                    .unwrap();
                let request = HttpRequest::new("GET", url.as_str())
                    .header("authorization", signed.authorization.clone());
                let response = transport.send(request).await.unwrap();
                assert_eq!(
                    response.status,
                    200,
                    "{}",
                    String::from_utf8_lossy(&response.body)
                );
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    let counters = sandbox.counters();
    assert_eq!(counters.api_requests, total as u64);
    let samples = samples.lock().unwrap().clone();
    let at = |fraction: usize| {
        samples
            .iter()
            .find(|(n, _)| *n == fraction)
            .map(|(_, kib)| *kib)
            .unwrap()
    };
    let (early, middle, late) = (at(total / 10), at(total / 2), at(total - 1));
    let rate = total as f64 / elapsed.as_secs_f64();
    println!(
        "{total} signed requests from {clients} clients in {:.1} s: {rate:.0} requests/s; \
         resident memory {early} KiB at 10 %, {middle} KiB at 50 %, {late} KiB at 100 % \
         ({:+.1} % from 10 %, {:+.1} % from 50 %); {} nonces remembered",
        elapsed.as_secs_f64(),
        (late as f64 - early as f64) * 100.0 / early as f64,
        (late as f64 - middle as f64) * 100.0 / middle as f64,
        counters.nonces_remembered
    );
    // Nonces older than the window (5 s) are swept: at most a window and a
    // half of requests, plus one sweep interval, stay remembered.
    let bound = (rate * 7.5) as u64 + 4096;
    assert!(
        counters.nonces_remembered <= bound,
        "{} > {bound}",
        counters.nonces_remembered
    );
    if elapsed > Duration::from_secs(30) {
        // Long enough for the nonces and the allocator's arenas to reach a
        // steady state by half-time: the second half must not grow by 10 %.
        assert!(
            late <= middle + middle / 10,
            "resident memory grew from {middle} to {late} KiB"
        );
    }
}
