//! The token manager's hot path: a valid token served from memory, with no
//! refresh due (target: under 1 µs).

use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use x_api_auth::tokens::stores::file::FileStore;
use x_api_auth::tokens::{Record, RecordKey, TokenManager, TokenStore, UserRecord};
use x_api_auth::{OAuth2UserToken, XAuth};

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("x-api-auth-bench-{}", std::process::id()));
    let store = Arc::new(FileStore::open(dir.to_str().expect("utf-8")).expect("store"));
    let mut user = UserRecord::new("1001");
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64()
        + 7200.0;
    user.oauth2 = Some(OAuth2UserToken::from_parts(
        "a".repeat(90),
        Some("r".repeat(90)),
        Some(expires),
        [
            "tweet.read".to_owned(),
            "users.read".to_owned(),
            "offline.access".to_owned(),
        ],
    ));
    user.generation = 1;
    let key = RecordKey::user("bench", "1001").expect("key");
    store
        .save(&key, &Record::User(user), 0, None)
        .expect("save");
    let x = XAuth::with_base_urls(
        "http://127.0.0.1:9",
        "http://127.0.0.1:9",
        std::time::Duration::from_secs(1),
    )
    .expect("xauth");
    let manager =
        TokenManager::new(x, store as Arc<dyn TokenStore>, Some("bench")).expect("manager");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime
        .block_on(manager.access_token(Some("1001")))
        .expect("first load");

    c.bench_function("tokens/fresh_token (hot path)", |b| {
        b.iter(|| black_box(manager.fresh_token(black_box(Some("1001")))))
    });
    let mut context = Context::from_waker(Waker::noop());
    c.bench_function("tokens/access_token, valid (polled once)", |b| {
        b.iter(|| {
            let mut future = pin!(manager.access_token(black_box(Some("1001"))));
            match future.as_mut().poll(&mut context) {
                Poll::Ready(token) => black_box(token.expect("token")),
                Poll::Pending => panic!("the hot path must not wait"),
            }
        })
    });
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
