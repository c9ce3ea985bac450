"""Networks users live behind, through the environment variables Python users
set: HTTP_PROXY / HTTPS_PROXY / NO_PROXY for a proxy on loopback, and
SSL_CERT_FILE / REQUESTS_CA_BUNDLE for a TLS-inspecting proxy's CA."""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import x_api_auth
from x_api_auth.testing import Sandbox


class Proxy:
    """A forward proxy on loopback that records each connection's request line:
    absolute-form requests are forwarded, CONNECT is tunnelled."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.seen: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            byte = client.recv(1)
            if not byte:
                return
            head += byte
        line = head.split(b"\r\n", 1)[0].decode()
        self.seen.append(line)
        method, target, _ = line.split(" ", 2)
        authority = target if method == "CONNECT" else target.split("://", 1)[1].split("/", 1)[0]
        host, port = authority.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        if method == "CONNECT":
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            upstream.sendall(head)

        def pipe(a: socket.socket, b: socket.socket) -> None:
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            finally:
                b.close()

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    p = Proxy()
    yield p
    p.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("no_proxy", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_http_proxy_and_no_proxy_from_the_environment(clean_env: pytest.MonkeyPatch, proxy: Proxy) -> None:
    with Sandbox() as sandbox:
        clean_env.setenv("HTTP_PROXY", proxy.url)
        sandbox.xauth().obtain_bearer(sandbox.consumer_keys)
        assert f"POST {sandbox.base_url}/oauth2/token HTTP/1.1" in proxy.seen

        proxy.seen.clear()
        clean_env.setenv("NO_PROXY", "127.0.0.1")
        sandbox.xauth().obtain_bearer(sandbox.consumer_keys)
        assert proxy.seen == []


def test_the_proxy_argument(clean_env: pytest.MonkeyPatch, proxy: Proxy) -> None:
    with Sandbox() as sandbox:
        x = x_api_auth.XAuth(sandbox.base_url, sandbox.base_url, proxy=proxy.url)
        assert x.users_me(sandbox.owner_oauth1())["data"]["username"]
        assert proxy.seen and all(line.startswith("GET ") or line.startswith("POST ") for line in proxy.seen)
        with pytest.raises(x_api_auth.errors.InvalidInputError, match="proxy"):
            x_api_auth.XAuth(proxy="http://user:hunter2@[not a host")


USER = x_api_auth.OAuth1("consumer-key", "consumer-secret", "token", "token-secret")


@pytest.fixture
def tls_server(tmp_path: pathlib.Path) -> Iterator[tuple[str, pathlib.Path]]:
    """`openssl s_server -www` with a certificate for 127.0.0.1 from a test CA."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=test CA",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    )
    (tmp_path / "ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-out",
        "server.pem",
        "-extfile",
        "ext",
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            "openssl",
            "s_server",
            "-www",
            "-quiet",
            "-accept",
            str(port),
            "-cert",
            "server.pem",
            "-key",
            "server.key",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"https://127.0.0.1:{port}", tmp_path / "ca.pem"
    finally:
        server.kill()
        server.wait()


def test_a_tls_inspecting_proxys_ca(
    clean_env: pytest.MonkeyPatch, proxy: Proxy, tls_server: tuple[str, pathlib.Path]
) -> None:
    base, ca = tls_server
    clean_env.setenv("HTTPS_PROXY", proxy.url)
    with pytest.raises(x_api_auth.errors.XAuthError, match="certificate is not trusted.*ca_certs"):
        x_api_auth.XAuth(base, base, 5.0).users_me(USER)
    # The server is reached (through the proxy) and answers its HTML page to
    # the GET: not X's API, so an API error, neither a TLS one nor a timeout.
    for how in ("argument", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        if how == "argument":
            x = x_api_auth.XAuth(base, base, 5.0, ca_certs=[ca])
        else:
            clean_env.setenv(how, str(ca))
            x = x_api_auth.XAuth(base, base, 5.0)
        with pytest.raises(x_api_auth.errors.XAuthError) as refused:
            x.users_me(USER)
        assert "certificate" not in str(refused.value) and "timed out" not in str(refused.value), how
        clean_env.delenv(how, raising=False)
    assert proxy.seen and all(line.startswith("CONNECT 127.0.0.1:") for line in proxy.seen)


def test_an_unreadable_ca_file_names_the_variable(
    clean_env: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    clean_env.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(x_api_auth.errors.InvalidInputError, match="SSL_CERT_FILE names .*missing.pem"):
        x_api_auth.XAuth()
    assert os.environ["SSL_CERT_FILE"].endswith("missing.pem")
