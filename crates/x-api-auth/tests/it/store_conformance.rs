//! The same conformance tests for every store backend: records round-trip,
//! saves are compare-and-swap, locks are per record, exclusive and bounded,
//! many writers never lose a generation, records export and import.

use std::sync::Arc;
use std::time::Duration;

use x_api_auth::tokens::stores::file::FileStore;
use x_api_auth::tokens::{AppRecord, Record, RecordKey, TokenStore, UserRecord};
use x_api_auth::{ConsumerKeys, Error, OAuth2UserToken, StoreErrorKind};

use crate::file_store::temp_dir;

fn user(id: &str, generation: u64) -> Record {
    let mut user = UserRecord::new(id);
    user.screen_name = Some(format!("user{id}"));
    user.oauth2 = Some(OAuth2UserToken::from_parts(
        "access-CANARY",
        Some("refresh-CANARY".into()),
        Some(1.9e9),
        ["tweet.read".to_owned()],
    ));
    user.generation = generation;
    Record::User(user)
}

fn kind(e: Error) -> StoreErrorKind {
    match e {
        Error::Store { kind, .. } => kind,
        other => panic!("expected X_STORE, got {other:?}"),
    }
}

/// Every check, against one store.
pub fn conformance(store: Arc<dyn TokenStore>) {
    let key = RecordKey::user("conf", "1").unwrap();
    assert_eq!(store.load(&key).unwrap(), None);
    store.save(&key, &user("1", 1), 0, None).unwrap();
    assert_eq!(store.load(&key).unwrap(), Some(user("1", 1)));
    assert_eq!(
        kind(store.save(&key, &user("1", 2), 0, None).unwrap_err()),
        StoreErrorKind::Conflict
    );
    assert_eq!(
        kind(store.save(&key, &user("1", 1), 1, None).unwrap_err()),
        StoreErrorKind::Conflict
    );
    store.save(&key, &user("1", 2), 1, None).unwrap();

    let app = Record::App(AppRecord {
        consumer: Some(ConsumerKeys::new("ck", "cs-CANARY").unwrap()),
        generation: 1,
        ..AppRecord::default()
    });
    store
        .save(&RecordKey::app("conf").unwrap(), &app, 0, None)
        .unwrap();
    assert_eq!(
        store.list(Some("conf")).unwrap(),
        vec![RecordKey::app("conf").unwrap(), key.clone()]
    );
    assert!(store.list(Some("nobody")).unwrap().is_empty());

    // locks: per record, exclusive, bounded
    let held = store.lock(&key, Duration::from_secs(5)).unwrap();
    assert!(store.still_held(&key, &held).unwrap());
    drop(
        store
            .lock(
                &RecordKey::user("conf", "2").unwrap(),
                Duration::from_millis(10),
            )
            .unwrap(),
    );
    assert_eq!(
        kind(store.lock(&key, Duration::from_millis(50)).unwrap_err()),
        StoreErrorKind::Locked
    );
    drop(held);
    drop(store.lock(&key, Duration::from_millis(50)).unwrap());

    // 16 threads x 10 locked read-modify-writes: no generation lost
    let counter = RecordKey::user("conf", "3").unwrap();
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (store, key) = (store.clone(), counter.clone());
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let held = store.lock(&key, Duration::from_secs(30)).unwrap();
                    let current = store.load(&key).unwrap().map_or(0, |r| r.generation());
                    store
                        .save(&key, &user("3", current + 1), current, Some(&held))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.load(&counter).unwrap().unwrap().generation(), 160);

    // export and import
    let document = store.export_record(&key, true).unwrap().unwrap();
    assert!(
        !store
            .export_record(&key, false)
            .unwrap()
            .unwrap()
            .contains("CANARY")
    );
    let copied = store.import_record("copy", &document).unwrap();
    assert_eq!(store.load(&copied).unwrap().unwrap().generation(), 1);

    store.delete(&key).unwrap();
    assert_eq!(store.load(&key).unwrap(), None);
}

#[test]
fn the_file_store_conforms() {
    let dir = temp_dir("conformance").join("store");
    conformance(Arc::new(FileStore::open(dir.to_str().unwrap()).unwrap()));
}

#[cfg(feature = "store-redis")]
mod redis {
    use std::sync::Arc;
    use std::time::Duration;

    use x_api_auth::StoreErrorKind;
    use x_api_auth::tokens::stores::redis::RedisStore;
    use x_api_auth::tokens::{RecordKey, TokenStore};

    use super::{conformance, kind, user};
    use crate::redis_server::RedisServer;

    #[test]
    fn the_redis_store_conforms() {
        let redis = RedisServer::start();
        conformance(Arc::new(RedisStore::open(&redis.url("conf")).unwrap()));
    }

    #[test]
    fn a_save_after_the_lock_expired_is_refused_by_fencing() {
        let redis = RedisServer::start();
        let store = RedisStore::open(&format!("{}&lock_ttl_ms=200", redis.url("fence"))).unwrap();
        let key = RecordKey::user("fence", "1").unwrap();
        store.save(&key, &user("1", 1), 0, None).unwrap();
        let stalled = store.lock(&key, Duration::from_secs(1)).unwrap();
        std::thread::sleep(Duration::from_millis(300)); // the stalled worker's lock expires
        let other = store.lock(&key, Duration::from_secs(1)).unwrap();
        assert!(other.fence > stalled.fence);
        assert!(
            !store.still_held(&key, &stalled).unwrap(),
            "the stalled worker can tell it lost the lock"
        );
        let refused = store
            .save(&key, &user("1", 2), 1, Some(&stalled))
            .unwrap_err();
        assert_eq!(kind(refused), StoreErrorKind::Locked);
        store.save(&key, &user("1", 2), 1, Some(&other)).unwrap();
        drop(stalled); // releasing an expired lock leaves the new holder's lock alone
        assert!(store.still_held(&key, &other).unwrap());
    }

    #[test]
    fn an_unreachable_redis_is_unavailable() {
        let redis = RedisServer::start();
        let url = redis.url("gone");
        drop(redis);
        let store = RedisStore::open(&url).unwrap();
        let e = store
            .load(&RecordKey::user("gone", "1").unwrap())
            .unwrap_err();
        assert_eq!(e.code(), "X_STORE");
        assert_eq!(kind(e), StoreErrorKind::Unavailable);
    }
}
