"""Test your own X auth code offline against the x-api-auth sandbox.

    from x_api_auth.testing import Sandbox

    with Sandbox() as sandbox:
        x = sandbox.xauth()
        bearer = x.obtain_bearer(sandbox.consumer_keys)

With pytest, add ``pytest_plugins = ["x_api_auth.testing"]`` to ``conftest.py``
and take the ``x_sandbox`` fixture.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from x_api_auth import (
    AccessToken,
    ConsumerKeys,
    OAuth1,
    OAuth2Client,
    OAuth2UserToken,
    TokenManager,
    XAuth,
    _native,
    _typed,
)
from x_api_auth.errors import InvalidInputError, InvalidTypeError

CALLBACK = "https://app.example/callback"
"""The callback URL the sandbox's consent pages redirect to (any URL works)."""

__all__ = ["CALLBACK", "Sandbox", "approve_consent", "x_sandbox"]


class Sandbox:
    """The X-compatible auth sandbox, running in-process on a loopback port.

    ``config`` is a configuration dict (apps, users, timestamp_window_secs,
    consent, revoke_family_on_reuse, api_access: ``client-not-enrolled``,
    ``user-not-enrolled``, ``payment-required``, ``oauth1-permissions`` or
    ``unsupported-authentication``, also per app); the built-in app and users
    when omitted.
    """

    @_typed
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self._native = _native.Sandbox(None if config is None else _config_json(config))
        self._info: dict[str, Any] = self._native.info

    @property
    def info(self) -> dict[str, Any]:
        """Where it listens and what it accepts: ``{"base_url": ..., "apps": [...], "users": [...]}``."""
        return self._info

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return str(self.info["base_url"])

    @property
    def app(self) -> dict[str, Any]:
        """The first app of the configuration."""
        return dict(self.info["apps"][0])

    @property
    def consumer_keys(self) -> ConsumerKeys:
        """The first app's API Key & Secret."""
        return ConsumerKeys(self.app["consumer_key"], self.app["consumer_secret"])

    @property
    def owner_token(self) -> AccessToken:
        """The first app owner's Access Token & Secret."""
        return AccessToken(self.app["access_token"], self.app["access_token_secret"])

    def owner_oauth1(self) -> OAuth1:
        """An OAuth 1.0a signer for the app owner."""
        return OAuth1.from_credentials(self.consumer_keys, self.owner_token)

    def client(self, confidential: bool = False) -> OAuth2Client:
        """The first public (or confidential) OAuth 2.0 client."""
        for c in self.app["clients"]:
            if (c.get("client_secret") is not None) == confidential:
                return OAuth2Client(c["client_id"], c.get("client_secret"))
        raise LookupError("no such client in the sandbox configuration")

    @_typed
    def xauth(self, timeout: float = 10.0, simulated_clock_skew: int = 0) -> XAuth:
        """An XAuth pointed at the sandbox (API and consent pages); ``simulated_clock_skew``
        shifts its clock by that many seconds."""
        return XAuth(self.base_url, self.base_url, timeout, simulated_clock_skew)

    @property
    def counters(self) -> dict[str, int]:
        """What the sandbox counted since it started: ``refreshes``,
        ``refresh_reuse_detected``, ``tokens_issued``, ``api_requests``, ..."""
        return dict(self._native.counters or {})

    def login(self, manager: TokenManager, user: str = "1001", confidential: bool = False) -> OAuth2UserToken:
        """Logs ``user`` (a sandbox user's id or username) in with PKCE, approving the
        consent page as a browser would, and saves the login in ``manager``'s store
        (with the sandbox app's keys and client)."""
        client = self.client(confidential)
        manager.set_app_keys(consumer=self.consumer_keys, client=client)
        x = self.xauth()
        pending = x.start_authorization(client, CALLBACK, ["tweet.read", "users.read", "offline.access"])
        token = x.finish_authorization(client, pending, self.approve(pending.url, user))
        account = next(u for u in self.info["users"] if user in (u["id"], u["username"]))
        manager.save_login(account["id"], oauth2=token, screen_name=account["username"])
        return token

    @staticmethod
    def approve(authorize_url: str, user: str | None = None) -> str:
        """Approves the consent page at ``authorize_url`` (OAuth 2.0 or 1.0a) as ``user`` (an id
        or username; the first user when omitted), as a browser would, and returns what the
        browser gets: the callback URL for ``finish_authorization`` / ``parse_callback``, or the
        PIN of an ``oob`` login. A PKCE login against the sandbox is three lines::

            pending = x.start_authorization(client, CALLBACK, ["tweet.read", "users.read"])
            token = x.finish_authorization(client, pending, sandbox.approve(pending.url))
        """
        return _typed(_native.Sandbox.approve)(authorize_url, user)  # type: ignore[no-any-return]

    @staticmethod
    def deny(authorize_url: str) -> str:
        """Denies the consent page: returns the callback URL carrying the denial."""
        return _typed(_native.Sandbox.deny)(authorize_url)  # type: ignore[no-any-return]

    @_typed
    def advance_clock(self, seconds: int) -> None:
        """Moves the sandbox's clock forward: authorization codes expire after
        30 s, access tokens after 7200 s. OAuth 1.0a requests fail with code 135
        once the sandbox is more than 300 s ahead."""
        self._native.advance_clock(seconds)

    def stop(self) -> None:
        """Stops the server."""
        self._native.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _config_json(config: dict[str, Any]) -> str:
    """The configuration as JSON; what cannot be (a set, a circular or too deep value) is an
    InvalidTypeError or InvalidInputError naming ``config``."""
    try:
        return json.dumps(config)
    except (TypeError, ValueError, RecursionError) as error:
        kind = InvalidTypeError if isinstance(error, TypeError) else InvalidInputError
        raise kind(f"argument 'config': {error}", field="config", code="X_INVALID_INPUT") from error


def approve_consent(url: str, user: str | None = None) -> str:
    """Approves a consent page (OAuth 2.0 or OAuth 1.0a) as ``user`` (an id or username; the
    first user when omitted), as a browser would, and returns the callback URL it redirects to
    (not followed): pass it to ``finish_authorization`` (or the PIN, for an ``oob`` login)."""
    return Sandbox.approve(url, user)


try:
    import pytest
except ImportError:  # pragma: no cover - pytest is optional
    pass
else:

    @pytest.fixture
    def x_sandbox() -> Iterator[Sandbox]:
        """A fresh sandbox for one test."""
        with Sandbox() as sandbox:
            yield sandbox
