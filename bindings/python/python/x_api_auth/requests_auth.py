"""``requests`` adapters: ``requests.get(url, auth=OAuth1Auth(...))``.

Form bodies are signed, JSON bodies are not: the Rust core decides (``x_api_auth.authorize``).
OAuth 2.0 tokens come from a :class:`x_api_auth.TokenManager`, which refreshes them once
for every thread and process. Install with ``pip install x-api-auth[requests]``.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from requests.auth import AuthBase

from x_api_auth import BearerToken, OAuth1, TokenManager, authorize, rate_limit_wait

__all__ = ["OAuth1Auth", "BearerAuth", "OAuth2UserAuth"]

#: How many times one request waits for a rate-limit reset (as ``XAuth.send``).
_RATE_LIMIT_WAITS = 3


def _waiting_on_rate_limit(auth: AuthBase, request: requests.PreparedRequest) -> None:
    """With ``wait_on_rate_limit``, a 429 is waited out (the core decides how long, from
    X's rate-limit headers; never past 15 minutes) and the request signed and sent again."""

    def wait_and_resend(response: requests.Response, **kwargs: Any) -> requests.Response:
        for _ in range(_RATE_LIMIT_WAITS):
            wait = rate_limit_wait(response.status_code, response.headers)
            if wait is None or response.connection is None:
                return response
            _ = response.content
            response.close()
            time.sleep(wait)
            retry = response.request.copy()
            retry._x_api_auth_waits = True  # type: ignore[attr-defined]
            retry = auth(retry)
            new = response.connection.send(retry, **kwargs)
            new.history.append(response)
            new.request = retry
            response = new
        return response

    request.register_hook("response", wait_and_resend)


class OAuth1Auth(AuthBase):
    """Signs each request with OAuth 1.0a user context. ``wait_on_rate_limit``: after a
    429, wait for X's window to reset (at most 15 minutes) and send again."""

    def __init__(self, oauth1: OAuth1, *, wait_on_rate_limit: bool = False) -> None:
        self.oauth1, self.wait_on_rate_limit = oauth1, wait_on_rate_limit

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.wait_on_rate_limit and not getattr(request, "_x_api_auth_waits", False):
            request._x_api_auth_waits = True  # type: ignore[attr-defined]
            _waiting_on_rate_limit(self, request)
        request.headers["Authorization"] = authorize(
            self.oauth1,
            request.method or "GET",
            request.url or "",
            content_type=request.headers.get("Content-Type"),
            # A streamed body (a file, a generator) is never a form the signature could cover.
            body=request.body if isinstance(request.body, (str, bytes)) else None,
        )
        return request


class BearerAuth(AuthBase):
    """Sends an app-only bearer token. ``wait_on_rate_limit``: after a 429, wait for X's
    window to reset (at most 15 minutes) and send again."""

    def __init__(self, bearer: BearerToken, *, wait_on_rate_limit: bool = False) -> None:
        self.bearer, self.wait_on_rate_limit = bearer, wait_on_rate_limit

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.wait_on_rate_limit and not getattr(request, "_x_api_auth_waits", False):
            request._x_api_auth_waits = True  # type: ignore[attr-defined]
            _waiting_on_rate_limit(self, request)
        request.headers["Authorization"] = self.bearer.authorization_header()
        return request


class OAuth2UserAuth(AuthBase):
    """Sends ``user``'s OAuth 2.0 token from ``manager`` (None: the profile's default
    user). The manager refreshes it before it expires; after a 401 this adapter asks
    the manager once for a fresh token and resends. ``wait_on_rate_limit``: after a 429,
    wait for X's window to reset (at most 15 minutes) and send again."""

    def __init__(
        self, manager: TokenManager, user: str | None = None, *, wait_on_rate_limit: bool = False
    ) -> None:
        self.manager, self.user, self.wait_on_rate_limit = manager, user, wait_on_rate_limit

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.wait_on_rate_limit and not getattr(request, "_x_api_auth_waits", False):
            request._x_api_auth_waits = True  # type: ignore[attr-defined]
            _waiting_on_rate_limit(self, request)
        token = self.manager.access_token(self.user)
        request.headers["Authorization"] = token.authorization_header()
        request._x_api_auth_token = token  # type: ignore[attr-defined]
        request.register_hook("response", self._retry_after_401)
        return request

    def _retry_after_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        sent = response.request
        if response.status_code != 401 or getattr(sent, "_x_api_auth_retried", False):
            return response
        token = self.manager.refresh_after_unauthorized(self.user, sent._x_api_auth_token)  # type: ignore[attr-defined]
        _ = response.content
        response.close()
        retry = sent.copy()
        retry.headers["Authorization"] = token.authorization_header()
        retry._x_api_auth_retried = True  # type: ignore[attr-defined]
        assert response.connection is not None
        new = response.connection.send(retry, **kwargs)
        new.history.append(response)
        new.request = retry
        return new
