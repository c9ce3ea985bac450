"""``httpx`` adapters, for ``httpx.Client`` and ``httpx.AsyncClient``.

Form bodies are signed, JSON bodies are not: the Rust core decides (``x_api_auth.authorize``).
OAuth 2.0 tokens come from a :class:`x_api_auth.TokenManager`.
Install with ``pip install x-api-auth[httpx]``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from x_api_auth import BearerToken, OAuth1, TokenManager, authorize

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


class OAuth2UserAuth(httpx.Auth):
    """Sends ``user``'s OAuth 2.0 token from ``manager`` (None: the profile's default
    user). The manager refreshes it before it expires; after a 401 this adapter asks
    the manager once for a fresh token and resends."""

    def __init__(self, manager: TokenManager, user: str | None = None) -> None:
        self.manager, self.user = manager, user

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.manager.access_token(self.user)
        request.headers["Authorization"] = token.authorization_header()
        response = yield request
        if response.status_code == 401:
            token = self.manager.refresh_after_unauthorized(self.user, token)
            request.headers["Authorization"] = token.authorization_header()
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.manager.access_token_async(self.user)
        request.headers["Authorization"] = token.authorization_header()
        response = yield request
        if response.status_code == 401:
            token = await self.manager.refresh_after_unauthorized_async(self.user, token)
            request.headers["Authorization"] = token.authorization_header()
            yield request
