//! Signs two requests with x-api-auth and with `oauth1-request` in the same
//! run, beside the bare HMAC-SHA1 of the same base strings, then prints the
//! ratios:
//!
//! - X's reference request (POST with one form parameter and one query
//!   parameter);
//! - a GET with 30 query parameters, unicode values and reserved characters.
//!
//! x-api-auth is measured with a fresh nonce and the clock (as users sign),
//! with both fixed, and last (it is for the whole process) with a fresh nonce
//! once the fork hook is relied on, as the Python and Node packages sign. oauth1-request is measured as its users call it (a
//! fresh random nonce and the clock, its `ParameterList` built, which sorts,
//! for each request) and with the list built once. Both signers must give
//! the same signature for the same nonce and timestamp before anything is
//! timed.
//!
//! ```text
//! cargo bench -p x-api-auth --bench sign
//! ```

use std::hint::black_box;
use std::num::NonZeroU64;
use std::path::Path;

use criterion::Criterion;
use hmac::{Hmac, Mac};
use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest, percent_encode};

const KEY: &str = "xvz1evFS4wEEPTGEFPHBog";
const SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
const NONCE: &str = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg";
const TIMESTAMP: u64 = 1318622958;

/// Values of the 30-parameter request, cycled (the same in the Python and
/// Node benchmarks).
const VALUES: [&str; 10] = [
    "café ☕",
    "a+b=c&d",
    "日本語のテキスト",
    "50% off!",
    "hello world",
    "~tilde_-.",
    "emoji 🐦 bird",
    "/path?x=1#frag",
    "Ladies + Gentlemen",
    "ünïcödé",
];

/// A request as both signers take it.
struct Case {
    group: &'static str,
    method: &'static str,
    /// The URL x-api-auth signs (with its query).
    url: String,
    /// The URL without the query, for oauth1-request.
    base: &'static str,
    /// The form body's parameters (x-api-auth's `form`).
    form: Vec<(String, String)>,
    /// Every parameter, decoded, for oauth1-request.
    params: Vec<(String, String)>,
    signature: Option<&'static str>,
}

fn cases() -> [Case; 2] {
    let status = "Hello Ladies + Gentlemen, a signed OAuth request!".to_string();
    let many: Vec<(String, String)> = (0..30)
        .map(|i| (format!("p{i:02}"), VALUES[i % VALUES.len()].to_string()))
        .collect();
    let query = many
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    [
        Case {
            group: "X's reference request",
            method: "POST",
            url: "https://api.x.com/1.1/statuses/update.json?include_entities=true".into(),
            base: "https://api.x.com/1.1/statuses/update.json",
            form: vec![("status".into(), status.clone())],
            params: vec![
                ("include_entities".into(), "true".into()),
                ("status".into(), status),
            ],
            signature: Some("Ls93hJiZbQ3akF3HF3x1Bz8/zU4="),
        },
        Case {
            group: "30-parameter GET",
            method: "GET",
            url: format!("https://api.x.com/2/tweets/search/recent?{query}"),
            base: "https://api.x.com/2/tweets/search/recent",
            form: Vec::new(),
            params: many,
            signature: None,
        },
    ]
}

fn oauth1_request_token() -> oauth1_request::Token<&'static str, &'static str> {
    oauth1_request::Token::from_parts(KEY, SECRET, TOKEN, TOKEN_SECRET)
}

fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// oauth1-request's header, with a fixed nonce and timestamp when given.
fn oauth1_request_header(case: &Case, fixed: bool) -> String {
    let list = oauth1_request::ParameterList::new(pairs(&case.params));
    let mut builder = oauth1_request::Builder::with_token(
        oauth1_request_token(),
        oauth1_request::HmacSha1::new(),
    );
    if fixed {
        builder.nonce(NONCE).timestamp(NonZeroU64::new(TIMESTAMP));
    }
    builder.version(true);
    builder.authorize(case.method, case.base, &list)
}

fn signature_of(header: &str) -> String {
    let params = x_api_auth::oauth1::parse_authorization_header(header).expect("a header");
    params
        .into_iter()
        .find(|(k, _)| k == "oauth_signature")
        .map(|(_, v)| v)
        .expect("a signature")
}

fn bench_case(c: &mut Criterion, signer: &OAuth1, case: &Case) {
    let fixed = SignableRequest::new(case.method, case.url.as_str())
        .form(pairs(&case.form))
        .nonce(NONCE)
        .timestamp(TIMESTAMP);
    let signed = signer.sign(&fixed).expect("sign");
    if let Some(expected) = case.signature {
        assert_eq!(signed.signature, expected, "{}", case.group);
    }
    assert_eq!(
        signed.signature,
        signature_of(&oauth1_request_header(case, true)),
        "x-api-auth and oauth1-request disagree on the {}",
        case.group
    );
    let base_string = signed.base_string.clone();
    let key = format!("{SECRET}&{TOKEN_SECRET}");

    let mut group = c.benchmark_group(case.group);
    let fresh = SignableRequest::new(case.method, case.url.as_str()).form(pairs(&case.form));
    group.bench_function("x-api-auth (fresh nonce and clock)", |b| {
        b.iter(|| {
            signer
                .authorization_header(black_box(&fresh))
                .expect("sign")
        })
    });
    group.bench_function("x-api-auth (fixed nonce and timestamp)", |b| {
        b.iter(|| {
            signer
                .authorization_header(black_box(&fixed))
                .expect("sign")
        })
    });
    group.bench_function("oauth1-request (as users call it)", |b| {
        b.iter(|| oauth1_request_header(black_box(case), false))
    });
    group.bench_function("oauth1-request (parameter list built once)", |b| {
        let list = oauth1_request::ParameterList::new(pairs(&case.params));
        b.iter(|| {
            let mut builder = oauth1_request::Builder::with_token(
                oauth1_request_token(),
                oauth1_request::HmacSha1::new(),
            );
            builder.version(true);
            builder.authorize(case.method, black_box(case.base), &list)
        })
    });
    group.bench_function("bare HMAC-SHA1 of the base string (RustCrypto)", |b| {
        b.iter(|| {
            let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key.as_bytes()).expect("key");
            mac.update(black_box(base_string.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    group.bench_function("bare HMAC-SHA1 of the base string (ring)", |b| {
        let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
        b.iter(|| ring::hmac::sign(&k, black_box(base_string.as_bytes())))
    });
    group.finish();
}

/// The name of the case measured after [`x_api_auth::oauth1::rely_on_after_fork`]:
/// no process-id check per nonce, as the Python and Node packages sign (their
/// benchmarks subtract it to show their own overhead).
const RELIED: &str = "x-api-auth (fresh nonce, fork hook relied on)";

/// Measures fresh-nonce signing once the fork hook is relied on (for the whole
/// process: it runs after every other case).
fn bench_relied(c: &mut Criterion, signer: &OAuth1, case: &Case) {
    let fresh = SignableRequest::new(case.method, case.url.as_str()).form(pairs(&case.form));
    let mut group = c.benchmark_group(case.group);
    group.bench_function(RELIED, |b| {
        b.iter(|| {
            signer
                .authorization_header(black_box(&fresh))
                .expect("sign")
        })
    });
    group.finish();
}

/// Criterion's mean estimate of one benchmark, in nanoseconds.
fn mean_ns(group: &str, name: &str) -> Option<f64> {
    // Criterion's folder names: these characters become `_`.
    let dir = |s: &str| s.replace(['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'], "_");
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target")
            .display()
            .to_string()
    });
    let path = Path::new(&target)
        .join("criterion")
        .join(dir(group))
        .join(dir(name))
        .join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

fn print_ratios(cases: &[Case]) {
    for case in cases {
        let ours = "x-api-auth (fresh nonce and clock)";
        let Some(base) = mean_ns(case.group, ours) else {
            continue;
        };
        println!("\n{} (x-api-auth with a fresh nonce = 1.00):", case.group);
        for name in [
            ours,
            RELIED,
            "x-api-auth (fixed nonce and timestamp)",
            "oauth1-request (as users call it)",
            "oauth1-request (parameter list built once)",
            "bare HMAC-SHA1 of the base string (RustCrypto)",
            "bare HMAC-SHA1 of the base string (ring)",
        ] {
            if let Some(ns) = mean_ns(case.group, name) {
                println!("  {name:<48} {:>8.3} µs  {:>5.2}x", ns / 1000.0, ns / base);
            }
        }
    }
}

fn main() {
    let signer = OAuth1::new(ConsumerKeys::new(KEY, SECRET).expect("keys"))
        .with_token(AccessToken::new(TOKEN, TOKEN_SECRET).expect("token"));
    let cases = cases();
    let mut c = Criterion::default().configure_from_args();
    for case in &cases {
        bench_case(&mut c, &signer, case);
    }
    x_api_auth::oauth1::rely_on_after_fork();
    for case in &cases {
        bench_relied(&mut c, &signer, case);
    }
    c.final_summary();
    print_ratios(&cases);
}
