"""The requests and httpx adapters against the sandbox: OAuth 1.0a, bearer, and
an OAuth 2.0 token that expires (or is revoked) mid-test and is refreshed."""

from __future__ import annotations

import asyncio
import time

import httpx
import requests
import x_api_auth
from x_api_auth import httpx_auth, requests_auth
from x_api_auth.testing import Sandbox

CALLBACK = "https://app.example/callback"


def login(sandbox: Sandbox) -> x_api_auth.OAuth2UserToken:
    x, client = sandbox.xauth(), sandbox.client()
    pending = x.start_authorization(client, CALLBACK, ["tweet.read", "users.read", "offline.access"])
    location = requests.get(
        f"{pending.url}&sandbox_decision=approve", allow_redirects=False, timeout=10
    ).headers["location"]
    return x.finish_authorization(client, pending, location)


def about_to_expire(token: x_api_auth.OAuth2UserToken) -> x_api_auth.OAuth2UserToken:
    return x_api_auth.OAuth2UserToken(
        token.access_token(), token.refresh_token(), time.time() + 5, token.scopes
    )


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


def test_requests_oauth2_refreshes_before_expiry_and_after_401(x_sandbox: Sandbox) -> None:
    stored: list[x_api_auth.OAuth2UserToken] = []
    token = about_to_expire(login(x_sandbox))
    auth = requests_auth.OAuth2UserAuth(
        x_sandbox.xauth(), x_sandbox.client(), token, on_refresh=stored.append
    )
    me = requests.get(f"{x_sandbox.base_url}/2/users/me", auth=auth, timeout=10)
    assert me.status_code == 200 and len(stored) == 1, "refreshed before the request"
    # Revoked behind our back: the 401 triggers one refresh and a retry.
    x_sandbox.xauth().revoke(x_sandbox.client(), auth.token.access_token())
    me = requests.get(f"{x_sandbox.base_url}/2/users/me", auth=auth, timeout=10)
    assert me.status_code == 200 and len(stored) == 2
    assert stored[-1].refresh_token() != stored[0].refresh_token()


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


def test_httpx_oauth2_sync_and_async(x_sandbox: Sandbox) -> None:
    stored: list[x_api_auth.OAuth2UserToken] = []
    auth = httpx_auth.OAuth2UserAuth(
        x_sandbox.xauth(), x_sandbox.client(), about_to_expire(login(x_sandbox)), on_refresh=stored.append
    )
    with httpx.Client(base_url=x_sandbox.base_url) as client:
        assert client.get("/2/users/me", auth=auth).status_code == 200
    assert len(stored) == 1

    async def main() -> int:
        x_sandbox.xauth().revoke(x_sandbox.client(), auth.token.access_token())
        async with httpx.AsyncClient(base_url=x_sandbox.base_url) as client:
            return (await client.get("/2/users/me", auth=auth)).status_code

    assert asyncio.run(main()) == 200
    assert len(stored) == 2


def test_requests_oauth2_token_expiring_server_side_mid_test(x_sandbox: Sandbox) -> None:
    stored: list[x_api_auth.OAuth2UserToken] = []
    auth = requests_auth.OAuth2UserAuth(
        x_sandbox.xauth(), x_sandbox.client(), login(x_sandbox), on_refresh=stored.append
    )
    assert requests.get(f"{x_sandbox.base_url}/2/users/me", auth=auth, timeout=10).status_code == 200
    assert stored == []
    x_sandbox.advance_clock(7201)  # the access token expires at X while the client still trusts it
    assert requests.get(f"{x_sandbox.base_url}/2/users/me", auth=auth, timeout=10).status_code == 200
    assert len(stored) == 1
