"""The requests and httpx adapters against the sandbox: OAuth 1.0a, bearer, and
an OAuth 2.0 token that expires (or is revoked) mid-test and is refreshed."""

from __future__ import annotations

import asyncio
import pathlib
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import x_api_auth
from x_api_auth import httpx_auth, requests_auth
from x_api_auth.testing import Sandbox


@pytest.fixture
def short_lived(
    tmp_path: pathlib.Path,
) -> Iterator[tuple[Sandbox, x_api_auth.TokenManager, list[dict[str, Any]]]]:
    """A sandbox whose access tokens live 2 s, and a manager (1 s margin) holding its user."""
    changes: list[dict[str, Any]] = []
    with Sandbox({"access_token_lifetime_secs": 2}) as sandbox:
        store = x_api_auth.open_store(f"file:{tmp_path}/store")
        manager = x_api_auth.TokenManager(
            sandbox.xauth(), store, "test", refresh_margin=1.0, on_change=changes.append
        )
        sandbox.login(manager)
        changes.clear()
        yield sandbox, manager, changes


def test_requests_oauth1_signs_form_not_json(x_sandbox: Sandbox) -> None:
    auth = requests_auth.OAuth1Auth(x_sandbox.owner_oauth1())
    url = f"{x_sandbox.base_url}/2/echo?q=caf%C3%A9"
    form = requests.post(url, data={"status": "a+b & c", "e": ""}, auth=auth, timeout=10)
    assert form.status_code == 200, form.text
    assert form.json()["form"] == [["status", "a+b & c"], ["e", ""]]
    as_json = requests.post(url, json={"text": "not signed"}, auth=auth, timeout=10)
    assert as_json.status_code == 200 and as_json.json()["json"] == {"text": "not signed"}


def test_requests_bearer(x_sandbox: Sandbox) -> None:
    bearer = x_sandbox.xauth().obtain_bearer(x_sandbox.consumer_keys)
    response = requests.get(
        f"{x_sandbox.base_url}/2/users/by/username/X", auth=requests_auth.BearerAuth(bearer), timeout=10
    )
    assert response.json()["data"]["id"] == "783214"


def test_requests_oauth2_refreshes_before_expiry_and_after_401(short_lived: Any) -> None:
    sandbox, manager, changes = short_lived
    auth = requests_auth.OAuth2UserAuth(manager)
    me = requests.get(f"{sandbox.base_url}/2/users/me", auth=auth, timeout=10)
    assert me.status_code == 200 and sandbox.counters["refreshes"] == 0
    time.sleep(1.1)  # within the margin now
    me = requests.get(f"{sandbox.base_url}/2/users/me", auth=auth, timeout=10)
    assert me.status_code == 200 and sandbox.counters["refreshes"] == 1, "refreshed before the request"
    assert [c["user_id"] for c in changes] == ["1001"]
    # Revoked behind our back: the 401 triggers one refresh and a retry.
    sandbox.xauth().revoke(sandbox.client(), manager.access_token().access_token())
    me = requests.get(f"{sandbox.base_url}/2/users/me", auth=auth, timeout=10)
    assert me.status_code == 200 and sandbox.counters["refreshes"] == 2
    assert sandbox.counters["refresh_reuse_detected"] == 0


def test_httpx_oauth1_and_bearer(x_sandbox: Sandbox) -> None:
    with httpx.Client(base_url=x_sandbox.base_url) as client:
        response = client.post(
            "/2/echo?x=1",
            data={"status": "héllo wörld!"},
            auth=httpx_auth.OAuth1Auth(x_sandbox.owner_oauth1()),
        )
        assert response.status_code == 200, response.text
        assert response.json()["form"] == [["status", "héllo wörld!"]]
        bearer = x_sandbox.xauth().obtain_bearer(x_sandbox.consumer_keys)
        assert client.get("/2/users/by/username/X", auth=httpx_auth.BearerAuth(bearer)).status_code == 200


def test_httpx_oauth2_sync_and_async(short_lived: Any) -> None:
    sandbox, manager, _ = short_lived
    auth = httpx_auth.OAuth2UserAuth(manager)
    time.sleep(1.1)
    with httpx.Client(base_url=sandbox.base_url) as client:
        assert client.get("/2/users/me", auth=auth).status_code == 200
    assert sandbox.counters["refreshes"] == 1

    async def main() -> int:
        sandbox.xauth().revoke(sandbox.client(), manager.access_token().access_token())
        async with httpx.AsyncClient(base_url=sandbox.base_url) as client:
            return (await client.get("/2/users/me", auth=auth)).status_code

    assert asyncio.run(main()) == 200
    assert sandbox.counters["refreshes"] == 2


def test_requests_oauth2_token_expiring_server_side_mid_test(
    x_sandbox: Sandbox, tmp_path: pathlib.Path
) -> None:
    manager = x_api_auth.TokenManager(
        x_sandbox.xauth(), x_api_auth.open_store(f"file:{tmp_path}/s.json"), "t"
    )
    x_sandbox.login(manager)
    auth = requests_auth.OAuth2UserAuth(manager, "sandbox_user")
    assert requests.get(f"{x_sandbox.base_url}/2/users/me", auth=auth, timeout=10).status_code == 200
    x_sandbox.advance_clock(7201)  # the access token expires at X while the client still trusts it
    assert requests.get(f"{x_sandbox.base_url}/2/users/me", auth=auth, timeout=10).status_code == 200
    assert x_sandbox.counters["refreshes"] == 1
