"""The token-refreshing part shared by the requests and httpx adapters."""

from __future__ import annotations

from typing import Callable

from x_api_auth import OAuth2Client, OAuth2UserToken, XAuth


class RefreshingToken:
    """An OAuth 2.0 user token that refreshes itself before it expires.

    ``on_refresh`` receives every new token: store it at once, X has already
    invalidated the old refresh token.
    """

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

    def can_refresh(self) -> bool:
        """Whether the token has a refresh token."""
        return self.token.refresh_token() is not None

    def due(self) -> bool:
        """Whether the token expires within the margin and can be refreshed."""
        return self.can_refresh() and self.token.expires_within(self.margin_seconds)

    def header(self) -> str:
        """The ``Authorization`` header value."""
        return self.token.authorization_header()
