"""``requests`` adapters: ``requests.get(url, auth=OAuth1Auth(...))``.

Form bodies are signed, JSON bodies are not: the Rust core decides (``x_api_auth.authorize``).
Install with ``pip install x-api-auth[requests]``.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.auth import AuthBase

from x_api_auth import BearerToken, OAuth1, authorize
from x_api_auth._refreshing import RefreshingToken

__all__ = ["OAuth1Auth", "BearerAuth", "OAuth2UserAuth"]


class OAuth1Auth(AuthBase):
    """Signs each request with OAuth 1.0a user context."""

    def __init__(self, oauth1: OAuth1) -> None:
        self.oauth1 = oauth1

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = authorize(
            self.oauth1,
            request.method or "GET",
            request.url or "",
            content_type=request.headers.get("Content-Type"),
            body=request.body,
        )
        return request


class BearerAuth(AuthBase):
    """Sends an app-only bearer token."""

    def __init__(self, bearer: BearerToken) -> None:
        self.bearer = bearer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.bearer.authorization_header()
        return request


class OAuth2UserAuth(RefreshingToken, AuthBase):
    """Sends an OAuth 2.0 user token and refreshes it when it is about to expire
    or when X answers 401. ``on_refresh`` receives every new token: store it at
    once, X has already invalidated the old refresh token."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.due():
            self.refresh()
        request.headers["Authorization"] = self.header()
        request.register_hook("response", self._retry_after_401)
        return request

    def _retry_after_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or not self.can_refresh():
            return response
        if getattr(response.request, "_x_api_auth_retried", False):
            return response
        self.refresh()
        _ = response.content
        response.close()
        retry = response.request.copy()
        retry.headers["Authorization"] = self.header()
        retry._x_api_auth_retried = True  # type: ignore[attr-defined]
        assert response.connection is not None
        new = response.connection.send(retry, **kwargs)
        new.history.append(response)
        new.request = retry
        return new
