"""The core's debug events reach Python's logging (logger ``x_api_auth``): a refused
request shows its base string, never a secret."""

from __future__ import annotations

import logging

import pytest
import x_api_auth
from x_api_auth.testing import Sandbox


def test_a_refused_request_logs_its_base_string_and_no_secret(
    x_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    app = x_sandbox.app
    secret = "WRONG-consumer-secret-canary"
    signer = x_api_auth.OAuth1(app["consumer_key"], secret, app["access_token"], app["access_token_secret"])
    caplog.set_level(logging.DEBUG, logger="x_api_auth")
    with pytest.raises(x_api_auth.errors.XAuthError) as refused:
        x_sandbox.xauth().users_me(signer)
    assert refused.value.code == "X_AUTHENTICATION"

    records = [r for r in caplog.records if r.name == "x_api_auth"]
    text = "\n".join(r.getMessage() for r in records)
    url = f"{x_sandbox.base_url}/2/users/me"
    assert f"request method=GET url={url}" in text, text
    assert "OAuth 1.0a base string base_string=GET&" in text, text
    assert f"oauth_consumer_key%3D{app['consumer_key']}" in text, text
    assert f"response method=GET url={url} status=401" in text, text
    assert "X refused the request status=401" in text and "x_code=Some(32)" in text, text
    for leaked in (secret, app["access_token_secret"], "oauth_signature=", "oauth_signature%3D"):
        assert leaked not in text, leaked
    assert {r.levelno for r in records} == {logging.DEBUG}


def test_nothing_is_formatted_when_the_logger_is_off(
    x_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="x_api_auth")
    x_sandbox.xauth().obtain_bearer(x_sandbox.consumer_keys)
    assert [r for r in caplog.records if r.name == "x_api_auth"] == []
