//! Networks users live behind: a proxy on loopback (plain HTTP forwarding
//! and CONNECT tunnels) and a TLS server whose certificate comes from a CA the
//! system does not know (a TLS-inspecting proxy's), trusted through
//! `ca_certs`.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use x_api_auth::transport::{HttpRequest, Network, ReqwestTransport, Transport};
use x_api_auth::{ConsumerKeys, XAuthSettings};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

use crate::support::{free_port, make_test_certificates};

/// A forward proxy on loopback that records the request line of every
/// connection: absolute-form requests are forwarded, CONNECT is tunnelled.
struct Proxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn start_proxy() -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(relay(client, Arc::clone(&log)));
        }
    });
    Proxy { url, seen }
}

async fn relay(mut client: TcpStream, log: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).await.unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.lines().next().unwrap_or_default().to_owned();
    log.lock().unwrap().push(line.clone());
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let authority = if method == "CONNECT" {
        target.to_owned()
    } else {
        let rest = target.strip_prefix("http://").unwrap_or(target);
        rest.split('/').next().unwrap_or_default().to_owned()
    };
    let Ok(mut upstream) = TcpStream::connect(authority.as_str()).await else {
        return;
    };
    if method == "CONNECT" {
        let _ = client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await;
    } else {
        let _ = upstream.write_all(&head).await;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// `openssl s_server -www` on a free port: a TLS server whose certificate
/// (for 127.0.0.1) comes from the test CA in `dir`; stopped when dropped.
struct TlsServer {
    port: u16,
    child: Child,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_tls_server(dir: &std::path::Path) -> TlsServer {
    make_test_certificates(dir);
    let port = free_port();
    let child = Command::new("openssl")
        .args(["s_server", "-www", "-quiet", "-accept", &port.to_string()])
        .args(["-cert", "server.pem", "-key", "server.key"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server (apt-get install openssl)");
    let server = TlsServer { port, child };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("openssl s_server did not listen on port {port}");
}

fn get(url: &str) -> HttpRequest {
    HttpRequest::new("GET", url)
}

#[tokio::test]
async fn a_proxy_option_carries_every_flow() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let proxy = start_proxy().await;
    let x = XAuthSettings {
        api_base: Some(sandbox.base_url()),
        web_base: Some(sandbox.base_url()),
        proxy: Some(proxy.url.clone()),
        ..Default::default()
    }
    .build()
    .unwrap();
    let app = &sandbox.config().apps[0];
    let consumer = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap();
    x.obtain_bearer(&consumer).await.unwrap();
    let seen = proxy.seen.lock().unwrap().clone();
    let expected = format!("POST {}/oauth2/token HTTP/1.1", sandbox.base_url());
    assert!(seen.contains(&expected), "{seen:?}");
}

#[tokio::test]
async fn an_unknown_ca_is_refused_with_the_fix_and_trusted_through_ca_certs() {
    let dir = tempdir();
    let server = start_tls_server(&dir);
    let url = format!("https://127.0.0.1:{}/", server.port);
    let timeout = Duration::from_secs(10);

    let plain = ReqwestTransport::new(timeout).unwrap();
    let refused = plain.send(get(&url)).await.unwrap_err().to_string();
    assert!(
        refused.contains("TLS certificate is not trusted"),
        "{refused}"
    );
    assert!(refused.contains("ca_certs"), "{refused}");

    let network = Network {
        ca_certs: vec![dir.join("ca.pem")],
        ..Default::default()
    };
    let trusting = ReqwestTransport::with_network(timeout, &network).unwrap();
    assert_eq!(trusting.send(get(&url)).await.unwrap().status, 200);

    // Through a CONNECT tunnel, as behind a corporate proxy.
    let proxy = start_proxy().await;
    let tunnelled = Network {
        proxy: Some(proxy.url.clone()),
        ca_certs: vec![dir.join("ca.pem")],
    };
    let transport = ReqwestTransport::with_network(timeout, &tunnelled).unwrap();
    assert_eq!(transport.send(get(&url)).await.unwrap().status, 200);
    let seen = proxy.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [format!("CONNECT 127.0.0.1:{} HTTP/1.1", server.port)]
    );
}

#[test]
fn bad_network_settings_are_typed_errors_naming_the_setting() {
    let timeout = Duration::from_secs(1);
    let missing = Network {
        ca_certs: vec!["/nonexistent/ca.pem".into()],
        ..Default::default()
    };
    let e = ReqwestTransport::with_network(timeout, &missing).unwrap_err();
    assert_eq!(e.code(), "X_INVALID_INPUT");
    assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");

    let dir = tempdir();
    std::fs::write(dir.join("not.pem"), "not a certificate").unwrap();
    let garbage = Network {
        ca_certs: vec![dir.join("not.pem")],
        ..Default::default()
    };
    let e = ReqwestTransport::with_network(timeout, &garbage).unwrap_err();
    assert!(e.to_string().contains("holds no PEM certificate"), "{e}");

    let proxy = Network {
        proxy: Some("http://user:hunter2@[not a host".into()),
        ..Default::default()
    };
    let e = ReqwestTransport::with_network(timeout, &proxy).unwrap_err();
    assert_eq!(e.code(), "X_INVALID_INPUT");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(!format!("{proxy:?}").contains("hunter2"));
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "x-api-auth-network-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
