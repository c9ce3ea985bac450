"""The sandbox's consent helper (the core's browser, not a Python copy): a PKCE or
3-legged login against the sandbox in three lines, the PIN of an oob login, a denial."""

from __future__ import annotations

import pytest
import x_api_auth
from x_api_auth.testing import CALLBACK, Sandbox, approve_consent


def test_a_pkce_login_in_three_lines(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    pending = x.start_authorization(client, CALLBACK, ["tweet.read", "users.read", "offline.access"])
    token = x.finish_authorization(client, pending, x_sandbox.approve(pending.url, "sandbox_user"))
    assert x.users_me(token)["data"]["username"] == "sandbox_user"


def test_three_legged_with_a_callback_and_with_a_pin(x_sandbox: Sandbox) -> None:
    x, consumer = x_sandbox.xauth(), x_sandbox.consumer_keys
    request_token = x.request_token(consumer, CALLBACK)
    callback = approve_consent(x.authorize_url(request_token))
    verifier = x.parse_callback(callback, request_token)
    assert x.access_token(consumer, request_token, verifier).screen_name

    oob = x.request_token(consumer, "oob")
    pin = Sandbox.approve(x.authenticate_url(oob))
    assert pin.isdigit(), pin
    assert x.access_token(consumer, oob, pin).screen_name


def test_a_denial_comes_back_as_access_denied(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    pending = x.start_authorization(client, CALLBACK, ["tweet.read"])
    denied = x_sandbox.deny(pending.url)
    assert "error=access_denied" in denied
    with pytest.raises(x_api_auth.errors.XAuthError) as refused:
        x.finish_authorization(client, pending, denied)
    assert refused.value.code == "X_ACCESS_DENIED"


def test_a_url_that_is_not_the_sandbox_is_a_typed_error() -> None:
    with pytest.raises(x_api_auth.errors.XAuthError):
        Sandbox.approve("http://127.0.0.1:1/i/oauth2/authorize?x=1")
