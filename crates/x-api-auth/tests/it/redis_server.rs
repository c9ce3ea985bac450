//! A `redis-server` on a free loopback port for one test, stopped when
//! dropped. A test that needs it fails loudly when it cannot start.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{free_port, make_test_certificates};

pub struct RedisServer {
    pub port: u16,
    child: Child,
}

impl RedisServer {
    pub fn start() -> Self {
        let port = free_port();
        let mut command = Command::new("redis-server");
        command.args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ]);
        launch(command, port)
    }

    /// A store URL on this server with its own key prefix.
    pub fn url(&self, prefix: &str) -> String {
        format!("redis://127.0.0.1:{}/0?prefix={prefix}", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TLS-only `redis-server` with a test CA made by `openssl`: the server, and
/// the CA's certificate file.
pub fn start_tls(dir: &std::path::Path) -> (RedisServer, std::path::PathBuf) {
    make_test_certificates(dir);
    let port = free_port();
    let mut command = Command::new("redis-server");
    command
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--tls-auth-clients",
            "no",
        ])
        .args([
            "--tls-cert-file",
            "server.pem",
            "--tls-key-file",
            "server.key",
            "--tls-ca-cert-file",
            "ca.pem",
        ])
        .args(["--save", "", "--appendonly", "no"])
        .current_dir(dir);
    let server = launch(command, port);
    (server, dir.join("ca.pem"))
}

/// Starts `command` (a redis-server) and waits until it listens on `port`.
fn launch(mut command: Command, port: u16) -> RedisServer {
    let child = command.stdout(Stdio::null()).spawn().unwrap_or_else(|e| {
        panic!("cannot start redis-server ({e}): apt-get install redis-server")
    });
    let server = RedisServer { port, child };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}
