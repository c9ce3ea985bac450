//! [`check_store`]: the checks every store passes, for the built-in stores'
//! tests and for applications that write their own (in Rust, or in Python
//! through the binding).

use std::sync::Arc;
use std::time::Duration;

use super::record::{AppRecord, Record, RecordKey, UserRecord};
use super::store::TokenStore;
use crate::credentials::{ConsumerKeys, OAuth2UserToken};
use crate::error::{Error, StoreErrorKind};

fn user(id: &str, generation: u64) -> Record {
    let mut user = UserRecord::new(id);
    user.screen_name = Some(format!("user{id}"));
    user.oauth2 = Some(OAuth2UserToken::from_parts(
        "access-token",
        Some("refresh-token".into()),
        Some(1.9e9),
        ["tweet.read".to_owned()],
    ));
    user.generation = generation;
    Record::User(user)
}

fn expect(condition: bool, what: &str) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(what.to_owned())
    }
}

fn expect_kind(
    result: crate::Result<impl Sized>,
    kind: StoreErrorKind,
    what: &str,
) -> Result<(), String> {
    match result {
        Err(Error::Store { kind: k, .. }) if k == kind => Ok(()),
        Err(e) => Err(format!(
            "{what}: expected X_STORE {}, got {e}",
            kind.as_str()
        )),
        Ok(_) => Err(format!(
            "{what}: expected X_STORE {}, got success",
            kind.as_str()
        )),
    }
}

/// Runs every check against `store`, using records of `profile` (which
/// should be empty; the records it writes are left there). The checks:
/// records round-trip; saves are compare-and-swap by generation; `list`
/// finds a profile's records; locks are per record, exclusive and bounded by
/// their wait; 16 threads × 10 locked read-modify-writes lose no generation;
/// records export and import; `delete` removes.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("x-api-auth-check-{}", std::process::id()));
/// let store = std::sync::Arc::new(x_api_auth::tokens::stores::file::FileStore::open(dir.to_str().unwrap())?);
/// x_api_auth::tokens::check_store(store, "conformance").map_err(|e| x_api_auth::Error::InvalidInput { field: "store", reason: e })?;
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn check_store(store: Arc<dyn TokenStore>, profile: &str) -> Result<(), String> {
    let e = |e: Error| e.to_string();
    let key = RecordKey::user(profile, "1").map_err(e)?;
    expect(
        store.load(&key).map_err(e)?.is_none(),
        "the profile is not empty",
    )?;
    store.save(&key, &user("1", 1), 0, None).map_err(e)?;
    expect(
        store.load(&key).map_err(e)? == Some(user("1", 1)),
        "a saved record reads back equal",
    )?;
    expect_kind(
        store.save(&key, &user("1", 2), 0, None),
        StoreErrorKind::Conflict,
        "a save expecting an older generation",
    )?;
    expect_kind(
        store.save(&key, &user("1", 1), 1, None),
        StoreErrorKind::Conflict,
        "a save that does not raise the generation",
    )?;
    store.save(&key, &user("1", 2), 1, None).map_err(e)?;

    let app_key = RecordKey::app(profile).map_err(e)?;
    let app = Record::App(AppRecord {
        consumer: Some(ConsumerKeys::new("ck", "cs").map_err(e)?),
        generation: 1,
        ..AppRecord::default()
    });
    store.save(&app_key, &app, 0, None).map_err(e)?;
    let mut listed = store.list(Some(profile)).map_err(e)?;
    listed.sort();
    expect(
        listed == vec![app_key, key.clone()],
        "list returns the profile's app and user records",
    )?;

    let held = store.lock(&key, Duration::from_secs(5)).map_err(e)?;
    expect(
        store.still_held(&key, &held).map_err(e)?,
        "a fresh lock is held",
    )?;
    drop(
        store
            .lock(
                &RecordKey::user(profile, "2").map_err(e)?,
                Duration::from_millis(10),
            )
            .map_err(e)?,
    );
    expect_kind(
        store.lock(&key, Duration::from_millis(50)),
        StoreErrorKind::Locked,
        "a second lock of a locked record",
    )?;
    drop(held);
    drop(store.lock(&key, Duration::from_millis(200)).map_err(e)?);

    let counter = RecordKey::user(profile, "3").map_err(e)?;
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (store, key) = (store.clone(), counter.clone());
            std::thread::spawn(move || -> Result<(), String> {
                for _ in 0..10 {
                    let held = store
                        .lock(&key, Duration::from_secs(60))
                        .map_err(|e| e.to_string())?;
                    let current = store
                        .load(&key)
                        .map_err(|e| e.to_string())?
                        .map_or(0, |r| r.generation());
                    store
                        .save(&key, &user("3", current + 1), current, Some(&held))
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        })
        .collect();
    for thread in threads {
        thread
            .join()
            .map_err(|_| "a writer thread panicked".to_owned())??;
    }
    let generation = store
        .load(&counter)
        .map_err(e)?
        .map_or(0, |r| r.generation());
    expect(
        generation == 160,
        &format!("16 threads x 10 locked saves reach generation 160, not {generation}"),
    )?;

    let document = store
        .export_record(&key, true)
        .map_err(e)?
        .ok_or("export finds the record")?;
    let copy = store
        .import_record(&format!("{profile}-copy"), &document)
        .map_err(e)?;
    expect(
        store
            .load(&copy)
            .map_err(e)?
            .is_some_and(|r| r.generation() == 1),
        "an imported record starts a new generation",
    )?;
    store.delete(&key).map_err(e)?;
    expect(
        store.load(&key).map_err(e)?.is_none(),
        "a deleted record is gone",
    )
}
