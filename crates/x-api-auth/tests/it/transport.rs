//! The flows run over any `Transport`: here one that records the request and
//! answers like X's token endpoint, with no HTTP client at all.

use std::sync::{Arc, Mutex};

use x_api_auth::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use x_api_auth::{ConsumerKeys, XAuth};

/// Method, URL, headers and body of a request sent.
type Seen = (
    String,
    String,
    Vec<(std::borrow::Cow<'static, str>, String)>,
    Vec<u8>,
);

#[derive(Debug, Default)]
struct Recording {
    seen: Mutex<Vec<Seen>>,
}

impl Transport for Recording {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.seen.lock().unwrap().push((
            request.method.clone(),
            request.url.clone(),
            request.headers.clone(),
            request.body.clone(),
        ));
        Box::pin(async {
            Ok(HttpResponse {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: br#"{"token_type":"bearer","access_token":"AAAA%2FAAA"}"#.to_vec(),
            })
        })
    }
}

#[tokio::test]
async fn obtain_bearer_over_a_custom_transport() {
    let transport = Arc::new(Recording::default());
    let x =
        XAuth::with_transport(transport.clone(), "https://api.example", "https://example").unwrap();
    let consumer = ConsumerKeys::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
    )
    .unwrap();
    let bearer = x.obtain_bearer(&consumer).await.unwrap();
    assert_eq!(bearer.secret(), "AAAA%2FAAA");

    let seen = transport.seen.lock().unwrap();
    let (method, url, headers, body) = &seen[0];
    assert_eq!(
        (method.as_str(), url.as_str()),
        ("POST", "https://api.example/oauth2/token")
    );
    assert!(headers.contains(&(
        "authorization".into(),
        "Basic eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw==".to_owned()
    )));
    assert!(headers.contains(&(
        "content-type".into(),
        "application/x-www-form-urlencoded".to_owned()
    )));
    assert_eq!(body.as_slice(), b"grant_type=client_credentials");
}

#[test]
fn a_request_shows_header_names_but_never_values() {
    let request = HttpRequest::new("GET", "https://api.x.com/2/users/me")
        .header("authorization", "Bearer CANARY-secret-value");
    let debug = format!("{request:?}");
    assert!(
        debug.contains("authorization") && !debug.contains("CANARY"),
        "{debug}"
    );
}
