"""``httpx`` adapters, for ``httpx.Client`` and ``httpx.AsyncClient``.

Form bodies are signed, JSON bodies are not, exactly as in the Rust core.
Install with ``pip install x-api-auth[httpx]``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from typing import Callable

import httpx

from x_api_auth import BearerToken, OAuth1, OAuth2Client, OAuth2UserToken, XAuth

__all__ = ["OAuth1Auth", "BearerAuth", "OAuth2UserAuth"]


class OAuth1Auth(httpx.Auth):
    """Signs each request with OAuth 1.0a user context."""

    requires_request_body = True

    def __init__(self, oauth1: OAuth1) -> None:
        self.oauth1 = oauth1

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        content_type = request.headers.get("Content-Type", "").lower()
        form_body = (
            request.content.decode("utf-8")
            if content_type.startswith("application/x-www-form-urlencoded") and request.content
            else None
        )
        request.headers["Authorization"] = self.oauth1.authorization_header(
            request.method, str(request.url), form_body=form_body
        )
        yield request


class BearerAuth(httpx.Auth):
    """Sends an app-only bearer token."""

    def __init__(self, bearer: BearerToken) -> None:
        self.bearer = bearer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.bearer.authorization_header()
        yield request


class OAuth2UserAuth(httpx.Auth):
    """Sends an OAuth 2.0 user token; refreshes it before it expires and once
    after a 401. ``on_refresh`` receives every new token: store it at once."""

    def __init__(
        self,
        xauth: XAuth,
        client: OAuth2Client,
        token: OAuth2UserToken,
        on_refresh: Callable[[OAuth2UserToken], None] | None = None,
        margin_seconds: float = 30.0,
    ) -> None:
        self.xauth, self.client, self.token = xauth, client, token
        self.on_refresh, self.margin_seconds = on_refresh, margin_seconds

    def refresh(self) -> OAuth2UserToken:
        """Refreshes now and returns the new token."""
        self.token = self.xauth.refresh(self.client, self.token)
        if self.on_refresh is not None:
            self.on_refresh(self.token)
        return self.token

    def _due(self) -> bool:
        return self.token.refresh_token() is not None and self.token.expires_within(self.margin_seconds)

    def _authorize(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self.token.access_token()}"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._due():
            self.refresh()
        self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.token.refresh_token() is not None:
            self.refresh()
            self._authorize(request)
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._due():
            await asyncio.to_thread(self.refresh)
        self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.token.refresh_token() is not None:
            await asyncio.to_thread(self.refresh)
            self._authorize(request)
            yield request
