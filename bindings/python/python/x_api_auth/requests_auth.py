"""``requests`` adapters: ``requests.get(url, auth=OAuth1Auth(...))``.

Form bodies are signed, JSON bodies are not, exactly as in the Rust core.
Install with ``pip install x-api-auth[requests]``.
"""

from __future__ import annotations

from typing import Any, Callable

import requests
from requests.auth import AuthBase

from x_api_auth import BearerToken, OAuth1, OAuth2Client, OAuth2UserToken, XAuth

__all__ = ["OAuth1Auth", "BearerAuth", "OAuth2UserAuth"]


def _form_body(request: Any) -> str | None:
    content_type = request.headers.get("Content-Type", "")
    if not content_type.lower().startswith("application/x-www-form-urlencoded") or not request.body:
        return None
    body = request.body
    return body.decode("utf-8") if isinstance(body, bytes) else str(body)


class OAuth1Auth(AuthBase):
    """Signs each request with OAuth 1.0a user context."""

    def __init__(self, oauth1: OAuth1) -> None:
        self.oauth1 = oauth1

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.oauth1.authorization_header(
            request.method or "GET", request.url or "", form_body=_form_body(request)
        )
        return request


class BearerAuth(AuthBase):
    """Sends an app-only bearer token."""

    def __init__(self, bearer: BearerToken) -> None:
        self.bearer = bearer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.bearer.authorization_header()
        return request


class OAuth2UserAuth(AuthBase):
    """Sends an OAuth 2.0 user token and refreshes it when it is about to expire
    or when X answers 401. ``on_refresh`` receives every new token: store it at
    once, X has already invalidated the old refresh token."""

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

    def _header(self) -> str:
        return f"Bearer {self.token.access_token()}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.token.refresh_token() is not None and self.token.expires_within(self.margin_seconds):
            self.refresh()
        request.headers["Authorization"] = self._header()
        request.register_hook("response", self._retry_after_401)
        return request

    def _retry_after_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or self.token.refresh_token() is None:
            return response
        if getattr(response.request, "_x_api_auth_retried", False):
            return response
        self.refresh()
        _ = response.content
        response.close()
        retry = response.request.copy()
        retry.headers["Authorization"] = self._header()
        retry._x_api_auth_retried = True  # type: ignore[attr-defined]
        assert response.connection is not None
        new = response.connection.send(retry, **kwargs)
        new.history.append(response)
        new.request = retry
        return new
