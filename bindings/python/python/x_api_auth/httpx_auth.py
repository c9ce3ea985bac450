"""``httpx`` adapters, for ``httpx.Client`` and ``httpx.AsyncClient``.

Form bodies are signed, JSON bodies are not: the Rust core decides (``x_api_auth.authorize``).
Install with ``pip install x-api-auth[httpx]``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator

import httpx

from x_api_auth import BearerToken, OAuth1, authorize
from x_api_auth._refreshing import RefreshingToken

__all__ = ["OAuth1Auth", "BearerAuth", "OAuth2UserAuth"]


class OAuth1Auth(httpx.Auth):
    """Signs each request with OAuth 1.0a user context."""

    requires_request_body = True

    def __init__(self, oauth1: OAuth1) -> None:
        self.oauth1 = oauth1

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = authorize(
            self.oauth1,
            request.method,
            str(request.url),
            content_type=request.headers.get("Content-Type"),
            body=request.content,
        )
        yield request


class BearerAuth(httpx.Auth):
    """Sends an app-only bearer token."""

    def __init__(self, bearer: BearerToken) -> None:
        self.bearer = bearer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.bearer.authorization_header()
        yield request


class OAuth2UserAuth(RefreshingToken, httpx.Auth):
    """Sends an OAuth 2.0 user token; refreshes it before it expires and once
    after a 401. ``on_refresh`` receives every new token: store it at once."""

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.due():
            self.refresh()
        request.headers["Authorization"] = self.header()
        response = yield request
        if response.status_code == 401 and self.can_refresh():
            self.refresh()
            request.headers["Authorization"] = self.header()
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.due():
            await asyncio.to_thread(self.refresh)
        request.headers["Authorization"] = self.header()
        response = yield request
        if response.status_code == 401 and self.can_refresh():
            await asyncio.to_thread(self.refresh)
            request.headers["Authorization"] = self.header()
            yield request
