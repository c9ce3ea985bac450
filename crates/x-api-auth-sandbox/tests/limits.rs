//! Hostile requests get a 4xx in bounded time, before any signature work: a
//! 100 KB Authorization header, 10,000 parameters, a 2 MB form, a body that
//! is not UTF-8.

use std::time::{Duration, Instant};

use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn hostile_requests_are_refused_quickly() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let base = sandbox.base_url();
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let many = vec!["a=b"; 10_000].join("&");
    let form = "application/x-www-form-urlencoded";
    let cases = [
        (
            "a 100 KB Authorization header",
            HttpRequest::new("GET", format!("{base}/2/users/me")).header(
                "authorization",
                format!("OAuth oauth_nonce=\"{}\"", "n".repeat(100_000)),
            ),
            431,
        ),
        (
            "10,000 query parameters",
            HttpRequest::new("GET", format!("{base}/2/echo?{many}"))
                .header("authorization", "OAuth oauth_consumer_key=\"k\""),
            400,
        ),
        (
            "10,000 form parameters",
            HttpRequest::new("POST", format!("{base}/oauth/request_token"))
                .header("authorization", "OAuth oauth_consumer_key=\"k\"")
                .body(form, many.clone()),
            400,
        ),
        (
            "a 2 MB form",
            HttpRequest::new("POST", format!("{base}/oauth/request_token"))
                .header("authorization", "OAuth oauth_consumer_key=\"k\"")
                .body(form, "a=b&".repeat(500_000)),
            413,
        ),
        (
            "a form that is not UTF-8",
            HttpRequest::new("POST", format!("{base}/oauth/request_token"))
                .header("authorization", "OAuth oauth_consumer_key=\"k\"")
                .body(form, vec![b'a', b'=', 0xff, 0xfe]),
            400,
        ),
    ];
    for (what, request, expected) in cases {
        let started = Instant::now();
        let response = transport
            .send(request)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let took = started.elapsed();
        assert_eq!(
            response.status,
            expected,
            "{what}: {}",
            String::from_utf8_lossy(&response.body)
        );
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }
}
