//! The OS keychain store on the real Secret Service (GNOME Keyring in a
//! private D-Bus session: run the tests under `scripts/with-keyring`; without
//! a Secret Service these tests fail, they never skip).

use std::sync::Arc;

use x_api_auth::tokens::stores::file::FileStore;
use x_api_auth::tokens::stores::keyring::KeyringStore;
use x_api_auth::tokens::{Record, RecordKey, TokenStore, UserRecord, check_store};
use x_api_auth::{OAuth2UserToken, StoreErrorKind};

use crate::file_store::temp_dir;

fn unique(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

#[test]
fn the_keychain_store_conforms() {
    let store =
        Arc::new(KeyringStore::open().expect("a Secret Service (run under scripts/with-keyring)"));
    let profile = unique("keychain");
    check_store(store.clone(), &profile).unwrap();
    for key in store
        .list(None)
        .unwrap()
        .into_iter()
        .filter(|k| k.profile.starts_with(&profile))
    {
        store.delete(&key).unwrap();
    }
    assert!(store.list(Some(&profile)).unwrap().is_empty());
}

#[test]
fn the_file_store_can_keep_its_key_in_the_keychain() {
    let dir = temp_dir("keychain-key").join("store");
    let url = format!("{}?key=keyring", dir.display());
    let key = RecordKey::user("kk", "1").unwrap();
    let mut user = UserRecord::new("1");
    user.oauth2 = Some(OAuth2UserToken::new("CANARY-access"));
    user.generation = 1;
    FileStore::open(&url)
        .unwrap()
        .save(&key, &Record::User(user.clone()), 0, None)
        .unwrap();
    let file = std::fs::read_to_string(dir.join("kk/users/1.json")).unwrap();
    assert!(
        file.contains("sealed") && !file.contains("CANARY"),
        "{file}"
    );
    // the same key comes back from the keychain; without it the file is unreadable
    assert_eq!(
        FileStore::open(&url).unwrap().load(&key).unwrap(),
        Some(Record::User(user))
    );
    let e = FileStore::open(dir.to_str().unwrap())
        .unwrap()
        .load(&key)
        .unwrap_err();
    assert!(
        matches!(
            e,
            x_api_auth::Error::Store {
                kind: StoreErrorKind::Decrypt,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn the_keychain_store_is_chosen_by_url() {
    let store = x_api_auth::tokens::open_store(Some("keyring:")).unwrap();
    assert_eq!(store.location(), "keyring:");
}

/// The locked-keychain test's child: writes a record to a keychain that
/// cannot be unlocked.
#[test]
#[ignore = "a child process of a_locked_keychain_says_how_to_unlock_it"]
fn locked_child() {
    let store = KeyringStore::open().unwrap();
    let mut user = UserRecord::new("1");
    user.generation = 1;
    match store.save(
        &RecordKey::user("locked", "1").unwrap(),
        &Record::User(user),
        0,
        None,
    ) {
        Err(x_api_auth::Error::Store { kind, reason, .. }) => {
            println!("{} {reason}", kind.as_str())
        }
        other => println!("unexpected {other:?}"),
    }
}

#[test]
fn a_locked_keychain_says_how_to_unlock_it() {
    // a Secret Service whose login keyring was never unlocked, in its own session
    let keyrings = temp_dir("locked-keyring");
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("dbus-run-session")
        .args(["--", "bash", "-c"])
        .arg(r#"XDG_DATA_HOME="$0" gnome-keyring-daemon --components=secrets --daemonize </dev/null >/dev/null && exec "$1" keychain::locked_child --exact --ignored --nocapture --quiet"#)
        .arg(&keyrings)
        .arg(&exe)
        .output()
        .expect("dbus-run-session and gnome-keyring-daemon (apt-get install gnome-keyring dbus)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("locked ") && stdout.contains("unlock it"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
