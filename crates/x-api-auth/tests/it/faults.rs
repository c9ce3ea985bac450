//! Fault tests: a token endpoint that answers HTML, malformed JSON, a 500, a
//! redirect, or nothing until the timeout. Each gives a typed error; nothing
//! panics and no redirect is followed.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use x_api_auth::{ConsumerKeys, Error, XAuth};

/// Serves one canned HTTP response (or none, holding the connection open)
/// on a loopback port; returns the base URL.
async fn canned(response: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf).await;
            match response {
                Some(r) => {
                    let _ = socket.write_all(r.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
                None => tokio::time::sleep(Duration::from_secs(30)).await,
            }
        }
    });
    format!("http://{addr}")
}

async fn obtain_bearer_from(response: Option<&'static str>) -> Error {
    let base = canned(response).await;
    let x = XAuth::with_base_urls(&base, &base, Duration::from_millis(800)).unwrap();
    x.obtain_bearer(&ConsumerKeys::new("k", "s").unwrap())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn html_instead_of_json() {
    let e = obtain_bearer_from(Some(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 27\r\n\r\n<html><body>hi</body></html",
    ))
    .await;
    assert!(
        matches!(e, Error::UnexpectedResponse { status: 200, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn malformed_json() {
    let e = obtain_bearer_from(Some(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 22\r\n\r\n{\"token_type\":\"bearer\"",
    ))
    .await;
    match e {
        Error::UnexpectedResponse { status, reason } => {
            assert_eq!(status, 200);
            assert!(reason.contains("truncated JSON"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_error_500_with_html() {
    let e = obtain_bearer_from(Some(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html\r\ncontent-length: 36\r\n\r\n<!DOCTYPE html><html>oops</html>....",
    ))
    .await;
    let api = e.api_error().expect("an API error");
    assert_eq!(api.status, 500);
    assert!(api.api_message.contains("HTML"));
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let e = obtain_bearer_from(Some(
        "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:9/elsewhere\r\ncontent-length: 0\r\n\r\n",
    ))
    .await;
    assert!(
        matches!(e, Error::UnexpectedResponse { status: 302, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn nothing_until_timeout() {
    let e = obtain_bearer_from(None).await;
    assert!(matches!(e, Error::Transport { timeout: true, .. }), "{e:?}");
}

#[tokio::test]
async fn connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let x = XAuth::with_base_urls(&base, &base, Duration::from_secs(2)).unwrap();
    let e = x
        .obtain_bearer(&ConsumerKeys::new("k", "s").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Transport { timeout: false, .. }),
        "{e:?}"
    );
}
