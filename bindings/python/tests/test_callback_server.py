"""The browser login from Python: the core's loopback callback server catches
the redirect after consent (the test plays the browser on the sandbox)."""

from __future__ import annotations

import threading
import urllib.request

import pytest
import x_api_auth
from x_api_auth import errors
from x_api_auth.testing import Sandbox, approve_consent


def browse_later(url: str) -> threading.Thread:
    """The browser: follows the consent and lands on the callback server."""

    def run() -> None:
        location = approve_consent(url)
        with urllib.request.urlopen(location, timeout=10) as page:  # noqa: S310 - loopback
            assert b"you can close this tab" in page.read()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_pkce_login_through_the_loopback_server(x_sandbox: Sandbox) -> None:
    x = x_sandbox.xauth()
    client = x_sandbox.client()
    server = x_api_auth.CallbackServer("http://127.0.0.1:0/callback")
    uri = server.redirect_uri
    assert uri.startswith("http://127.0.0.1:") and not uri.endswith(":0/callback")
    pending = x.start_authorization(client, server.redirect_uri, ["tweet.read", "users.read"])
    browser = browse_later(pending.url)
    callback = server.wait(pending, timeout=10)
    browser.join()
    token = x.finish_authorization(client, pending, callback)
    assert x.users_me(token)["data"]["username"]
    another = x.start_authorization(client, server.redirect_uri, ["tweet.read"])
    with pytest.raises(errors.InvalidInputError, match="already caught its login"):
        server.wait(another, timeout=1)


def test_an_oauth1_login_through_the_loopback_server(x_sandbox: Sandbox) -> None:
    x = x_sandbox.xauth()
    consumer = x_sandbox.consumer_keys
    server = x_api_auth.CallbackServer("http://localhost:0/oauth1")
    request_token = x.request_token(consumer, server.redirect_uri)
    browser = browse_later(x.authorize_url(request_token))
    callback = server.wait_for_request_token(request_token, timeout=10)
    browser.join()
    verifier = x.parse_callback(callback, request_token)
    assert x.access_token(consumer, request_token, verifier).user_id


def test_a_taken_port_and_a_silent_browser_are_typed_errors(x_sandbox: Sandbox) -> None:
    first = x_api_auth.CallbackServer("http://127.0.0.1:0/cb")
    with pytest.raises(errors.TransportError, match="cannot listen"):
        x_api_auth.CallbackServer(first.redirect_uri)
    with pytest.raises(errors.InvalidInputError):
        x_api_auth.CallbackServer("https://example.com/cb")
    pending = x_sandbox.xauth().start_authorization(x_sandbox.client(), first.redirect_uri, ["tweet.read"])
    with pytest.raises(errors.InvalidInputError, match="timeout"):
        first.wait(pending, timeout=0.5)
    with pytest.raises(errors.TransportError, match="no browser came back"):
        x_api_auth.CallbackServer("http://127.0.0.1:0/cb").wait(pending, timeout=1)
