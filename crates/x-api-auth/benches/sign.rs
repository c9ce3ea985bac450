//! Signs X's reference request with x-api-auth and with `oauth1-request` in
//! the same run, beside the bare HMAC-SHA1 of the same base string.

use std::hint::black_box;
use std::num::NonZeroU64;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest};

const URL: &str = "https://api.x.com/1.1/statuses/update.json?include_entities=true";
const STATUS: &str = "Hello Ladies + Gentlemen, a signed OAuth request!";
const NONCE: &str = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg";
const TIMESTAMP: u64 = 1318622958;
const KEY: &str = "xvz1evFS4wEEPTGEFPHBog";
const SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

fn bench(c: &mut Criterion) {
    let signer = OAuth1::new(ConsumerKeys::new(KEY, SECRET).expect("keys"))
        .with_token(AccessToken::new(TOKEN, TOKEN_SECRET).expect("token"));
    let request = SignableRequest::new("POST", URL)
        .form([("status", STATUS)])
        .nonce(NONCE)
        .timestamp(TIMESTAMP);
    let signed = signer.sign(&request).expect("sign");
    assert_eq!(signed.signature, "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");
    let base_string = signed.base_string.clone();
    let key = format!("{SECRET}&{TOKEN_SECRET}");

    let mut group = c.benchmark_group("sign_x_reference_request");
    group.bench_function("x-api-auth", |b| {
        b.iter(|| {
            signer
                .authorization_header(black_box(&request))
                .expect("sign")
        })
    });
    group.bench_function("x-api-auth (fresh nonce and clock)", |b| {
        let request = SignableRequest::new("POST", URL).form([("status", STATUS)]);
        b.iter(|| {
            signer
                .authorization_header(black_box(&request))
                .expect("sign")
        })
    });
    group.bench_function("oauth1-request", |b| {
        let token = oauth1_request::Token::from_parts(KEY, SECRET, TOKEN, TOKEN_SECRET);
        let params = oauth1_request::ParameterList::new(vec![
            ("include_entities", "true"),
            ("status", STATUS),
        ]);
        b.iter(|| {
            let mut builder =
                oauth1_request::Builder::with_token(token, oauth1_request::HmacSha1::new());
            builder
                .nonce(NONCE)
                .timestamp(NonZeroU64::new(TIMESTAMP))
                .version(true);
            builder.authorize(
                "POST",
                black_box("https://api.x.com/1.1/statuses/update.json"),
                &params,
            )
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

criterion_group!(benches, bench);
criterion_main!(benches);
