//! The file store: records round-trip, saves are compare-and-swap, and a
//! store that is unsafe, corrupt, newer or undecryptable is refused with
//! `X_STORE` naming the file, and never overwritten.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

use x_api_auth::tokens::stores::StoreKey;
use x_api_auth::tokens::stores::file::FileStore;
use x_api_auth::tokens::{AppRecord, Record, RecordKey, TokenStore, UserRecord};
use x_api_auth::{ConsumerKeys, Error, OAuth2Client, OAuth2UserToken, StoreErrorKind};
use zeroize::Zeroizing;

/// A fresh directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "x-api-auth-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A store in a directory that does not exist yet, and the file of user 1's record.
fn store_in(name: &str) -> (FileStore, PathBuf) {
    let dir = temp_dir(name).join("config/store");
    let store = FileStore::open(dir.to_str().unwrap()).unwrap();
    let path = store.record_path(&RecordKey::user("default", "1").unwrap());
    (store, path)
}

fn user(id: &str, generation: u64) -> Record {
    let mut user = UserRecord::new(id);
    user.screen_name = Some("sandbox_user".into());
    user.oauth2 = Some(OAuth2UserToken::from_parts(
        "access-CANARY",
        Some("refresh-CANARY".into()),
        Some(1.9e9),
        ["tweet.read".to_owned()],
    ));
    user.generation = generation;
    Record::User(user)
}

fn store_kind(e: Error) -> StoreErrorKind {
    match e {
        Error::Store { kind, .. } => kind,
        other => panic!("expected X_STORE, got {other:?}"),
    }
}

#[test]
fn records_round_trip_and_saves_are_compare_and_swap() {
    let (store, path) = store_in("roundtrip");
    let key = RecordKey::user("default", "1").unwrap();
    assert_eq!(store.load(&key).unwrap(), None);
    store.save(&key, &user("1", 1), 0, None).unwrap();
    assert_eq!(store.load(&key).unwrap(), Some(user("1", 1)));

    // a stale writer (expects 0) and a writer that does not advance are refused
    assert_eq!(
        store_kind(store.save(&key, &user("1001", 2), 0, None).unwrap_err()),
        StoreErrorKind::Conflict
    );
    assert_eq!(
        store_kind(store.save(&key, &user("1001", 1), 1, None).unwrap_err()),
        StoreErrorKind::Conflict
    );
    store.save(&key, &user("1001", 2), 1, None).unwrap();

    let app = Record::App(AppRecord {
        consumer: Some(ConsumerKeys::new("ck", "cs-CANARY").unwrap()),
        client: Some(OAuth2Client::confidential("cid", "csec-CANARY").unwrap()),
        default_user: Some("1".into()),
        generation: 1,
        ..AppRecord::default()
    });
    store
        .save(&RecordKey::app("default").unwrap(), &app, 0, None)
        .unwrap();
    let mut keys = store.list(Some("default")).unwrap();
    keys.sort();
    assert_eq!(keys, vec![RecordKey::app("default").unwrap(), key.clone()]);
    assert!(store.list(Some("other")).unwrap().is_empty());

    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode & 0o077, 0, "{dir_mode:o}");
    store.delete(&key).unwrap();
    assert_eq!(store.load(&key).unwrap(), None);
}

#[test]
fn a_store_others_can_read_is_refused_with_the_chmod() {
    let (store, path) = store_in("perms");
    let key = RecordKey::user("default", "1").unwrap();
    store.save(&key, &user("1", 1), 0, None).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = store.load(&key).unwrap_err();
    assert_eq!(e.code(), "X_STORE");
    assert!(
        e.to_string()
            .contains(&format!("chmod 600 '{}'", path.display())),
        "{e}"
    );
}

#[test]
fn corrupt_and_newer_stores_are_refused_and_left_untouched() {
    let (store, path) = store_in("corrupt");
    let key = RecordKey::user("default", "1").unwrap();
    store.save(&key, &user("1", 1), 0, None).unwrap();
    let full = std::fs::read(&path).unwrap();
    let truncated = &full[..full.len() / 2];
    std::fs::write(&path, truncated).unwrap();
    let e = store.load(&key).unwrap_err();
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    assert_eq!(store_kind(e), StoreErrorKind::Corrupt);
    assert_eq!(
        store_kind(store.save(&key, &user("1", 2), 1, None).unwrap_err()),
        StoreErrorKind::Corrupt
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        truncated,
        "a corrupt store is never overwritten"
    );

    std::fs::write(&path, br#"{"format": 99, "record": {}}"#).unwrap();
    let e = store.load(&key).unwrap_err();
    assert!(e.to_string().contains("upgrade x-api-auth"), "{e}");
    assert_eq!(store_kind(e), StoreErrorKind::UnsupportedVersion);
}

#[test]
fn encrypted_stores_hide_secrets_and_refuse_wrong_keys_and_tampering() {
    let dir = temp_dir("sealed").join("store");
    let dir_text = dir.to_str().unwrap();
    let key = RecordKey::user("default", "1").unwrap();
    let passphrase = || StoreKey::Passphrase(Zeroizing::new("correct horse".to_owned()));
    let store = FileStore::open_encrypted(dir_text, passphrase()).unwrap();
    store.save(&key, &user("1", 1), 0, None).unwrap();
    store.save(&key, &user("1", 2), 1, None).unwrap();
    let path = store.record_path(&key);
    let sealed = std::fs::read_to_string(&path).unwrap();
    assert!(
        !sealed.contains("CANARY") && !sealed.contains("sandbox_user"),
        "{sealed}"
    );
    assert_eq!(
        FileStore::open_encrypted(dir_text, passphrase())
            .unwrap()
            .load(&key)
            .unwrap(),
        Some(user("1", 2))
    );

    let wrong = FileStore::open_encrypted(
        dir_text,
        StoreKey::Passphrase(Zeroizing::new("wrong".into())),
    )
    .unwrap();
    assert_eq!(
        store_kind(wrong.load(&key).unwrap_err()),
        StoreErrorKind::Decrypt
    );
    let raw =
        FileStore::open_encrypted(dir_text, StoreKey::Key(Zeroizing::new([7u8; 32]))).unwrap();
    assert_eq!(
        store_kind(raw.load(&key).unwrap_err()),
        StoreErrorKind::Decrypt
    );
    assert_eq!(
        store_kind(FileStore::open(dir_text).unwrap().load(&key).unwrap_err()),
        StoreErrorKind::Decrypt
    );

    // flip one character of the ciphertext
    let mut content: serde_json::Value = serde_json::from_str(&sealed).unwrap();
    let ciphertext = content["sealed"]["ciphertext"].as_str().unwrap().to_owned();
    let flipped = if ciphertext.starts_with('A') {
        "B"
    } else {
        "A"
    };
    content["sealed"]["ciphertext"] = format!("{flipped}{}", &ciphertext[1..]).into();
    let tampered = content.to_string();
    std::fs::write(&path, &tampered).unwrap();
    assert_eq!(
        store_kind(store.load(&key).unwrap_err()),
        StoreErrorKind::Decrypt
    );
    assert_eq!(
        store_kind(store.save(&key, &user("1", 3), 2, None).unwrap_err()),
        StoreErrorKind::Decrypt
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        tampered,
        "never overwritten"
    );
}

#[test]
fn record_locks_exclude_each_other_and_time_out() {
    let (store, _) = store_in("locks");
    let a = RecordKey::user("default", "1").unwrap();
    let b = RecordKey::user("default", "2").unwrap();
    let held = store.lock(&a, Duration::from_secs(1)).unwrap();
    // another record is not blocked by it
    drop(store.lock(&b, Duration::from_millis(10)).unwrap());
    let e = store.lock(&a, Duration::from_millis(50)).unwrap_err();
    assert_eq!(store_kind(e), StoreErrorKind::Locked);
    drop(held);
    drop(store.lock(&a, Duration::from_millis(10)).unwrap());
}

#[test]
fn many_threads_saving_one_record_never_lose_a_generation() {
    let (store, _) = store_in("threads");
    let store = std::sync::Arc::new(store);
    let key = RecordKey::user("default", "1").unwrap();
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (store, key) = (store.clone(), key.clone());
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let held = store.lock(&key, Duration::from_secs(30)).unwrap();
                    let current = store.load(&key).unwrap().map_or(0, |r| r.generation());
                    store
                        .save(&key, &user("1", current + 1), current, Some(&held))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.load(&key).unwrap().unwrap().generation(), 160);
}

#[test]
fn exports_hold_secrets_only_when_asked() {
    let record = user("1001", 3);
    let redacted = record.export(false);
    assert!(!redacted.contains("CANARY"), "{redacted}");
    assert!(
        Record::import(&redacted)
            .unwrap_err()
            .to_string()
            .contains("include_secrets")
    );
    assert_eq!(Record::import(&record.export(true)).unwrap(), record);
    assert!(!format!("{record:?}").contains("CANARY"));
}

#[test]
fn a_format_1_store_is_migrated_with_a_backup() {
    // format 1: one file holding every record (x-api-auth before the directory layout)
    let dir = temp_dir("migrate");
    let old = dir.join("store.json");
    let Record::User(stored) = user("1001", 4) else {
        unreachable!()
    };
    let record = Record::User(stored).to_stored_json();
    let content = serde_json::json!({"format": 1, "records": {"default/users/1001": record}});
    std::fs::write(&old, content.to_string()).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o600)).unwrap();

    // the default layout: store/ beside store.json
    let store = FileStore::open(dir.join("store").to_str().unwrap()).unwrap();
    let key = RecordKey::user("default", "1001").unwrap();
    assert_eq!(store.load(&key).unwrap(), Some(user("1001", 4)));
    assert!(!old.exists());
    let backup = dir.join("store.json.format1.bak");
    assert_eq!(
        std::fs::read_to_string(&backup).unwrap(),
        content.to_string()
    );
    // opening again does not migrate again
    assert_eq!(
        FileStore::open(dir.join("store").to_str().unwrap())
            .unwrap()
            .load(&key)
            .unwrap(),
        Some(user("1001", 4))
    );

    // a URL naming the old file migrates it in place
    let named = dir.join("named.json");
    std::fs::write(&named, content.to_string()).unwrap();
    std::fs::set_permissions(&named, std::fs::Permissions::from_mode(0o600)).unwrap();
    let store = FileStore::open(named.to_str().unwrap()).unwrap();
    assert!(named.is_dir());
    assert_eq!(store.load(&key).unwrap(), Some(user("1001", 4)));

    // a newer single file is refused, untouched
    let newer = dir.join("newer");
    std::fs::write(&newer, r#"{"format": 9, "records": {}}"#).unwrap();
    std::fs::set_permissions(&newer, std::fs::Permissions::from_mode(0o600)).unwrap();
    let e = FileStore::open(newer.to_str().unwrap()).unwrap_err();
    assert_eq!(store_kind(e), StoreErrorKind::UnsupportedVersion);
    assert!(newer.is_file());
}
