//! The blocking client runs the same flows from synchronous code.

use std::time::Duration;

use x_api_auth::blocking::XAuthBlocking;
use x_api_auth::{ConsumerKeys, Credential};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

#[test]
fn bearer_flow_from_synchronous_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let x = XAuthBlocking::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(5),
    )
    .unwrap();
    let app = &sandbox.config().apps[0];
    let consumer = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap();
    let bearer = x.obtain_bearer(&consumer).unwrap();
    let user = x
        .user_by_username(&Credential::Bearer(bearer.clone()), "sandbox_user")
        .unwrap();
    assert_eq!(user["data"]["id"], "1001");
    x.invalidate_bearer(&consumer, &bearer).unwrap();
    assert!(
        x.user_by_username(&Credential::Bearer(bearer), "sandbox_user")
            .is_err()
    );
}
