"""Waiting on rate limits (tweepy's ``wait_on_rate_limit``) through the core, against
the sandbox's configured limit; the 24-hour headers parsed beside the 15-minute ones."""

from __future__ import annotations

import asyncio
import time

import pytest
import x_api_auth
from x_api_auth.testing import Sandbox


def test_a_429_is_waited_out_only_when_asked() -> None:
    with Sandbox({"rate_limit": {"limit": 2, "window_secs": 1, "daily_limit": 100}}) as sandbox:
        owner = sandbox.owner_oauth1()
        patient = x_api_auth.XAuth(sandbox.base_url, sandbox.base_url, wait_on_rate_limit=True)
        started = time.monotonic()
        for _ in range(4):
            response = patient.send(owner, "GET", "/2/users/me")
        assert time.monotonic() - started >= 0.5
        limit = response.rate_limit
        assert limit is not None and limit.limit == 2
        assert limit.app_24h is not None and limit.app_24h[0] == 100 and limit.user_24h is None

        impatient = sandbox.xauth()
        with pytest.raises(x_api_auth.errors.XAuthError) as refused:
            for _ in range(3):
                impatient.send(owner, "GET", "/2/users/me")
        assert refused.value.code == "X_RATE_LIMITED"


def test_the_policy_is_the_cores() -> None:
    headers = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1"}
    assert x_api_auth.rate_limit_wait(429, headers) == 1.0  # a reset in the past: one second
    assert x_api_auth.rate_limit_wait(200, headers) is None
    far = dict(headers, **{"x-rate-limit-reset": str(int(time.time()) + 86_400)})
    assert x_api_auth.rate_limit_wait(429, list(far.items())) is None
    with pytest.raises(x_api_auth.errors.InvalidTypeError, match="headers"):
        x_api_auth.rate_limit_wait(429, [("only-a-name",)])  # type: ignore[list-item]


def _limited() -> Sandbox:
    return Sandbox({"rate_limit": {"limit": 2, "window_secs": 1}})


def test_the_requests_adapters_wait_when_asked() -> None:
    import requests
    from x_api_auth.requests_auth import OAuth1Auth

    with _limited() as sandbox:
        url = f"{sandbox.base_url}/2/users/me"
        auth = OAuth1Auth(sandbox.owner_oauth1(), wait_on_rate_limit=True)
        statuses = [requests.get(url, auth=auth, timeout=10).status_code for _ in range(4)]
        assert statuses == [200] * 4
        impatient = OAuth1Auth(sandbox.owner_oauth1())
        assert 429 in [requests.get(url, auth=impatient, timeout=10).status_code for _ in range(3)]


def test_the_httpx_adapters_wait_when_asked() -> None:
    import httpx
    from x_api_auth.httpx_auth import OAuth1Auth

    with _limited() as sandbox:
        url = f"{sandbox.base_url}/2/users/me"
        auth = OAuth1Auth(sandbox.owner_oauth1(), wait_on_rate_limit=True)
        with httpx.Client(auth=auth, timeout=10) as client:
            assert [client.get(url).status_code for _ in range(4)] == [200] * 4

        async def four() -> list[int]:
            async with httpx.AsyncClient(auth=auth, timeout=10) as client:
                return [(await client.get(url)).status_code for _ in range(4)]

        assert asyncio.run(four()) == [200] * 4
