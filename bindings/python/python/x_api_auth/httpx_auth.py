"""``httpx`` adapters, for ``httpx.Client`` and ``httpx.AsyncClient``.

Form bodies are signed, JSON bodies are not: the Rust core decides (``x_api_auth.authorize``).
OAuth 2.0 tokens come from a :class:`x_api_auth.TokenManager`.
Install with ``pip install x-api-auth[httpx]``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Generator

import httpx

from x_api_auth import BearerToken, OAuth1, OAuth2UserToken, TokenManager, authorize, rate_limit_wait

__all__ = ["OAuth1Auth", "BearerAuth", "OAuth2UserAuth"]

#: How many times one request waits for a rate-limit reset (as ``XAuth.send``).
_RATE_LIMIT_WAITS = 3


class _Adapter(httpx.Auth):
    """Signs with ``_sign`` (``_sign_async`` in async clients), sends again once when
    ``_refreshed`` says a 401 was answered with a fresh credential and, with
    ``wait_on_rate_limit``, waits out a 429 (the core decides how long, from X's rate-limit
    headers; never past 15 minutes) and sends again, signed anew."""

    wait_on_rate_limit = False

    def _sign(self, request: httpx.Request) -> None:
        raise NotImplementedError

    async def _sign_async(self, request: httpx.Request) -> None:
        self._sign(request)

    def _refreshed(self, request: httpx.Request, response: httpx.Response) -> bool:
        return False

    async def _refreshed_async(self, request: httpx.Request, response: httpx.Response) -> bool:
        return False

    def _wait(self, response: httpx.Response) -> float | None:
        return rate_limit_wait(response.status_code, response.headers) if self.wait_on_rate_limit else None

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.requires_request_body:
            request.read()
        self._sign(request)
        response = yield request
        if self._refreshed(request, response):
            response = yield request
        for _ in range(_RATE_LIMIT_WAITS):
            wait = self._wait(response)
            if wait is None:
                return
            response.read()
            time.sleep(wait)
            self._sign(request)
            response = yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.requires_request_body:
            await request.aread()
        await self._sign_async(request)
        response = yield request
        if await self._refreshed_async(request, response):
            response = yield request
        for _ in range(_RATE_LIMIT_WAITS):
            wait = self._wait(response)
            if wait is None:
                return
            await response.aread()
            await asyncio.sleep(wait)
            await self._sign_async(request)
            response = yield request


class OAuth1Auth(_Adapter):
    """Signs each request with OAuth 1.0a user context. ``wait_on_rate_limit``: after a
    429, wait for X's window to reset (at most 15 minutes) and send again."""

    requires_request_body = True

    def __init__(self, oauth1: OAuth1, *, wait_on_rate_limit: bool = False) -> None:
        self.oauth1, self.wait_on_rate_limit = oauth1, wait_on_rate_limit

    def _sign(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = authorize(
            self.oauth1,
            request.method,
            str(request.url),
            content_type=request.headers.get("Content-Type"),
            body=request.content,
        )


class BearerAuth(_Adapter):
    """Sends an app-only bearer token. ``wait_on_rate_limit``: after a 429, wait for X's
    window to reset (at most 15 minutes) and send again."""

    def __init__(self, bearer: BearerToken, *, wait_on_rate_limit: bool = False) -> None:
        self.bearer, self.wait_on_rate_limit = bearer, wait_on_rate_limit

    def _sign(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = self.bearer.authorization_header()


_TOKEN = "x_api_auth_token"
"""Where a request keeps the OAuth 2.0 token it was sent with (``request.extensions``)."""


class OAuth2UserAuth(_Adapter):
    """Sends ``user``'s OAuth 2.0 token from ``manager`` (None: the profile's default
    user). The manager refreshes it before it expires; after a 401 this adapter asks
    the manager once for a fresh token and resends. ``wait_on_rate_limit``: after a 429,
    wait for X's window to reset (at most 15 minutes) and send again."""

    def __init__(
        self, manager: TokenManager, user: str | None = None, *, wait_on_rate_limit: bool = False
    ) -> None:
        self.manager, self.user, self.wait_on_rate_limit = manager, user, wait_on_rate_limit

    @staticmethod
    def _use(request: httpx.Request, token: OAuth2UserToken) -> None:
        request.extensions[_TOKEN] = token
        request.headers["Authorization"] = token.authorization_header()

    def _sign(self, request: httpx.Request) -> None:
        self._use(request, self.manager.access_token(self.user))

    async def _sign_async(self, request: httpx.Request) -> None:
        self._use(request, await self.manager.access_token_async(self.user))

    def _refreshed(self, request: httpx.Request, response: httpx.Response) -> bool:
        if response.status_code != 401:
            return False
        self._use(request, self.manager.refresh_after_unauthorized(self.user, request.extensions[_TOKEN]))
        return True

    async def _refreshed_async(self, request: httpx.Request, response: httpx.Response) -> bool:
        if response.status_code != 401:
            return False
        token = await self.manager.refresh_after_unauthorized_async(self.user, request.extensions[_TOKEN])
        self._use(request, token)
        return True
