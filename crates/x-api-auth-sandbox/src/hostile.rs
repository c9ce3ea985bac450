//! A hostile look-alike of X, for robustness tests of clients: it answers
//! every endpoint with one absurd response, chosen by the first segment of
//! the request path.
//!
//! Point a client's API and web bases at `http://127.0.0.1:<port>/<case>`,
//! and every request it sends gets the answer of `<case>` (one of
//! [`CASES`]): huge and negative `expires_in`, absurd `Date` headers,
//! 20 MB bodies and messages, truncated and non-UTF-8 bodies, wrong content
//! types, bodies that dribble past any timeout. It is not the sandbox: it
//! checks no signature and keeps no state.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let hostile = x_api_auth_sandbox::hostile::HostileX::start().await?;
//! let base = hostile.base_url("huge-expires-in"); // http://127.0.0.1:PORT/huge-expires-in
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Every case, by the path segment that selects it.
pub const CASES: &[&str] = &[
    "huge-expires-in",
    "negative-expires-in",
    "absurd-date",
    "huge-body",
    "huge-chunked-body",
    "huge-message",
    "long-message",
    "truncated-body",
    "non-utf8-body",
    "html-page",
    "wrong-types",
    "deep-json",
    "empty-body",
    "redirect",
    "slow-body",
    "no-answer",
];

const MB20: usize = 20 * 1024 * 1024;

/// A running hostile server on 127.0.0.1; it stops when dropped.
#[derive(Debug)]
pub struct HostileX {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl HostileX {
    /// Starts on an ephemeral port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(0).await
    }

    /// Starts on `port` (0: ephemeral) of 127.0.0.1.
    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let (tx, mut rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut rx => break,
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            tokio::spawn(serve(stream));
                        }
                    }
                }
            }
        });
        Ok(Self {
            addr,
            shutdown: Some(tx),
        })
    }

    /// The base URL of one case: `http://127.0.0.1:PORT/<case>`.
    pub fn base_url(&self, case: &str) -> String {
        format!("http://{}/{case}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// One JSON line for other processes: `{"url":"http://127.0.0.1:PORT","cases":[...]}`.
    pub fn info(&self) -> serde_json::Value {
        serde_json::json!({ "url": format!("http://{}", self.addr), "cases": CASES })
    }
}

impl Drop for HostileX {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Reads one request (head and announced body) and answers it.
async fn serve(mut stream: TcpStream) {
    let Some(path) = read_request(&mut stream).await else {
        return;
    };
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let case = segments.next().unwrap_or_default().to_owned();
    let rest = format!("/{}", segments.next().unwrap_or_default());
    let _ = answer(&mut stream, &case, &rest).await;
}

async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1024 * 1024)];
    stream.read_exact(&mut body).await.ok()?;
    Some(head.split_whitespace().nth(1)?.to_owned())
}

/// What an endpoint would answer on success, with `expires_in` as given.
fn success_with_expires_in(path: &str, expires_in: &str) -> (&'static str, String) {
    if path.starts_with("/oauth/") {
        (
            "application/x-www-form-urlencoded",
            "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true&user_id=1&screen_name=u"
                .to_owned(),
        )
    } else {
        (
            "application/json",
            format!(
                r#"{{"token_type":"bearer","access_token":"a","refresh_token":"r","scope":"tweet.read users.read offline.access","expires_in":{expires_in},"data":{{"id":"1","username":"u"}}}}"#
            ),
        )
    }
}

async fn answer(stream: &mut TcpStream, case: &str, path: &str) -> std::io::Result<()> {
    let json = "application/json";
    match case {
        "huge-expires-in" => {
            let (ty, body) = success_with_expires_in(path, "18446744073709551615");
            respond(stream, 200, ty, &[], body.as_bytes()).await
        }
        "negative-expires-in" => {
            let (ty, body) = success_with_expires_in(path, "-7200");
            respond(stream, 200, ty, &[], body.as_bytes()).await
        }
        "absurd-date" => {
            let body = br#"{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}"#;
            let date = ("date", "Mon, 01 Jan 99999999999999 00:00:00 GMT");
            respond(stream, 401, json, &[date], body).await
        }
        "huge-body" => respond(stream, 200, json, &[], &vec![b' '; MB20]).await,
        "huge-chunked-body" => {
            // No content-length: only counting the bytes read stops it.
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..MB20 / chunk.len() {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                stream.write_all(&chunk).await?;
                stream.write_all(b"\r\n").await?;
            }
            stream.write_all(b"0\r\n\r\n").await?;
            stream.shutdown().await
        }
        "huge-message" | "long-message" => {
            let size = if case == "huge-message" { MB20 } else { 60_000 };
            let body = format!(
                r#"{{"errors":[{{"code":32,"message":"{}"}}]}}"#,
                "A".repeat(size)
            );
            respond(stream, 401, json, &[], body.as_bytes()).await
        }
        "truncated-body" => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(br#"{"token_type":"bea"#).await?;
            stream.shutdown().await
        }
        "non-utf8-body" => {
            let body = b"{\"token_type\":\"bearer\",\"access_token\":\"\xff\xfe\xc0\"}";
            respond(stream, 200, json, &[], body).await
        }
        "html-page" => {
            let body = b"<!DOCTYPE html><html><head><title>X</title></head><body>Something went wrong</body></html>";
            respond(stream, 200, "text/html", &[], body).await
        }
        "wrong-types" => {
            let body = br#"{"token_type":7,"access_token":["a"],"refresh_token":{},"expires_in":"soon","scope":5,"errors":"no","data":null}"#;
            respond(stream, 200, json, &[], body).await
        }
        "deep-json" => {
            let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
            respond(stream, 200, json, &[], body.as_bytes()).await
        }
        "empty-body" => respond(stream, 200, json, &[], b"").await,
        "redirect" => {
            let to = ("location", "https://evil.example/steal");
            respond(stream, 302, "text/plain", &[to], b"").await
        }
        "slow-body" => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            for _ in 0..1_000 {
                stream.write_all(b" ").await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(())
        }
        "no-answer" => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok(())
        }
        _ => {
            let body = format!(r#"{{"title":"Not Found","detail":"no case named '{case}'"}}"#);
            respond(stream, 404, json, &[], body.as_bytes()).await
        }
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} Hostile\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.shutdown().await
}
