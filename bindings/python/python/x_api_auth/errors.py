"""The exceptions of x_api_auth: one root, XAuthError, and a class per kind of failure.

Every exception carries ``code``, a stable string shared with the Rust and Node
packages (``X_INVALID_TOKEN``, ``X_RATE_LIMITED``, ``X_REAUTHORIZE``, ...).
Errors answered by X carry ``status``, ``x_code``, ``error``, ``problem_type``,
``reason``, ``api_message``, ``kind``, ``hint``, ``base_string`` and ``reset_at``;
requests refused before they were sent (``X_UNSUPPORTED_AUTHENTICATION``,
``X_MISSING_SCOPE``) carry ``hint`` (and ``scope``, the missing scopes).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "XAuthError",
    "ConfigurationError",
    "InvalidInputError",
    "InvalidTypeError",
    "StateMismatchError",
    "AccessDeniedError",
    "TransportError",
    "UnexpectedResponseError",
    "XApiError",
    "AuthenticationError",
    "ClockSkewError",
    "InvalidTokenError",
    "ReauthorizationRequiredError",
    "ForbiddenError",
    "UnsupportedAuthenticationError",
    "MissingScopeError",
    "OAuth1PermissionsError",
    "ClientNotEnrolledError",
    "UserNotEnrolledError",
    "PaymentRequiredError",
    "RateLimitedError",
    "UnauthorizedClientError",
    "InvalidRequestError",
    "StoreError",
    "InsecureTransportError",
    "InternalError",
    "CLASS_BY_CODE",
]


class XAuthError(Exception):
    """The root of every x_api_auth error."""

    code: str = "X_ERROR"
    status: int | None = None
    x_code: int | None = None
    error: str | None = None
    problem_type: str | None = None
    api_message: str | None = None
    kind: str | None = None
    hint: str | None = None
    base_string: str | None = None
    reset_at: int | None = None
    field: str | None = None
    timeout: bool | None = None
    profile: str | None = None
    user: str | None = None
    reason: str | None = None
    scope: str | None = None

    def __init__(self, message: str, **attributes: Any) -> None:
        super().__init__(message)
        for name, value in attributes.items():
            setattr(self, name, value)


class ConfigurationError(XAuthError):
    """A required setting (an environment variable) is missing or empty."""

    code = "X_CONFIG"


class InvalidInputError(XAuthError, ValueError):
    """An argument has the right type but a bad value; ``field`` names it."""

    code = "X_INVALID_INPUT"


class InvalidTypeError(XAuthError, TypeError):
    """An argument has the wrong type (an int as a secret, None where required)."""

    code = "X_INVALID_INPUT"


class StateMismatchError(XAuthError):
    """The callback's state (or oauth_token) is not the one this login sent."""

    code = "X_STATE_MISMATCH"


class AccessDeniedError(XAuthError):
    """The user pressed Cancel/Deny on X's consent page."""

    code = "X_ACCESS_DENIED"


class TransportError(XAuthError):
    """The HTTP exchange failed: no connection, or a timeout (``timeout`` is True)."""

    code = "X_TRANSPORT"


class UnexpectedResponseError(XAuthError):
    """A successful response whose body is not what the protocol requires."""

    code = "X_UNEXPECTED_RESPONSE"


class XApiError(XAuthError):
    """X answered with an error: see ``status``, ``x_code``, ``api_message`` and ``hint``."""

    code = "X_API_ERROR"


class AuthenticationError(XApiError):
    """X could not authenticate the request (code 32, 99, 215, or a 401)."""

    code = "X_AUTHENTICATION"


class ClockSkewError(AuthenticationError):
    """The OAuth 1.0a timestamp is too far from X's clock (code 135)."""

    code = "X_CLOCK_SKEW"


class InvalidTokenError(XApiError):
    """The token is unknown, expired or revoked (code 89)."""

    code = "X_INVALID_TOKEN"


class ReauthorizationRequiredError(XApiError):
    """The refresh token or authorization code is spent, expired or revoked: log the user in again."""

    code = "X_REAUTHORIZE"


class ForbiddenError(XApiError):
    """The credential is valid but not allowed here (codes 220, 261, 415, oauth1-permissions, ...)."""

    code = "X_FORBIDDEN"


class UnsupportedAuthenticationError(ForbiddenError):
    """The endpoint does not accept this type of credential (an app-only bearer token where a
    user must be authenticated, or the reverse): X answered 403 unsupported-authentication, or
    the request was not sent because X's endpoint table says so (``status`` is then None).
    ``hint`` names the types it accepts."""

    code = "X_UNSUPPORTED_AUTHENTICATION"


class MissingScopeError(ForbiddenError):
    """Not sent: the OAuth 2.0 user token was not granted a scope the endpoint requires
    (``scope`` names the missing ones). Adding a scope needs a new consent: log the user in again."""

    code = "X_MISSING_SCOPE"


class OAuth1PermissionsError(ForbiddenError):
    """403 oauth1-permissions: the app's permissions do not cover this request with this access
    token. Set them in the developer portal, then regenerate the access token."""

    code = "X_OAUTH1_PERMISSIONS"


class ClientNotEnrolledError(ForbiddenError):
    """403 client-not-enrolled: the app is not attached to a Project with access to this endpoint
    (developer portal, Projects & Apps)."""

    code = "X_CLIENT_NOT_ENROLLED"


class UserNotEnrolledError(ForbiddenError):
    """403 user-not-enrolled: the request is billed to the authenticated user, who is not enrolled
    in pay-per-use (developer portal, Billing)."""

    code = "X_USER_NOT_ENROLLED"


class PaymentRequiredError(ForbiddenError):
    """HTTP 402: the account has no credits left (pay-per-use): add credits under Billing in the
    developer portal."""

    code = "X_PAYMENT_REQUIRED"


class RateLimitedError(XApiError):
    """Too many requests; ``reset_at`` is when the window resets (Unix seconds)."""

    code = "X_RATE_LIMITED"


class InvalidRequestError(XApiError):
    """X refused the request as malformed (an HTTP 400 of no more specific kind)."""

    code = "X_INVALID_REQUEST"


class UnauthorizedClientError(ForbiddenError):
    """The client type does not match the developer portal's "Type of App" (public vs confidential)."""

    code = "X_UNAUTHORIZED_CLIENT"


class StoreError(XAuthError):
    """A token store failed; ``kind`` says how (io, permissions, corrupt, decrypt, conflict,
    locked, unsupported-version, url) and ``location`` names the file or URL."""

    code = "X_STORE"
    location: str | None = None


class InsecureTransportError(XAuthError):
    """A plain ``http://`` base URL on a host that is not loopback: the flows would send secrets
    in clear (``url`` names it). Use https, or opt in with ``insecure_allow_http=True``."""

    code = "X_INSECURE_TRANSPORT"
    url: str | None = None


class InternalError(XAuthError):
    """A bug inside x_api_auth (a Rust panic, caught before it could crash Python)."""

    code = "X_INTERNAL"


CLASS_BY_CODE: dict[str, type[XAuthError]] = {
    cls.code: cls
    for cls in (
        ConfigurationError,
        InvalidInputError,
        StateMismatchError,
        AccessDeniedError,
        TransportError,
        UnexpectedResponseError,
        XApiError,
        AuthenticationError,
        ClockSkewError,
        InvalidTokenError,
        ReauthorizationRequiredError,
        ForbiddenError,
        UnsupportedAuthenticationError,
        MissingScopeError,
        OAuth1PermissionsError,
        ClientNotEnrolledError,
        UserNotEnrolledError,
        PaymentRequiredError,
        UnauthorizedClientError,
        InvalidRequestError,
        RateLimitedError,
        StoreError,
        InsecureTransportError,
        InternalError,
    )
}
"""The exception class of each stable code (``X_INVALID_TOKEN`` → InvalidTokenError, ...):
the Rust core picks the class of every error it raises here, and a test checks that every
code of the core has exactly one class."""
