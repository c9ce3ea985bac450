"""x_api_auth: authentication for the X (Twitter) API v2, on a Rust core.

Every credential X hands out and every scheme that uses it::

    from x_api_auth import OAuth1
    oauth1 = OAuth1("consumer_key", "consumer_secret", "token", "token_secret")
    header = oauth1.authorization_header("POST", "https://api.x.com/2/tweets")

Flows (3-legged OAuth 1.0a, app-only bearer, OAuth 2.0 PKCE, refresh, revoke)
live on :class:`XAuth`; each network method has an ``*_async`` twin for asyncio.
Errors are subclasses of :class:`x_api_auth.errors.XAuthError`. Secrets never
appear in ``repr()``/``str()``: read them with their ``secret()`` method.
"""

from __future__ import annotations

import functools
import inspect
import types
from typing import Any, Callable, TypeVar

from x_api_auth import _native
from x_api_auth.errors import InternalError, InvalidInputError, InvalidTypeError, XAuthError

#: The package's version (the Rust core's, which the wheel is built from).
__version__: str = _native.__version__

__all__ = [
    "AccessToken",
    "AccessTokenResponse",
    "ApiResponse",
    "BearerToken",
    "CallbackServer",
    "ConsumerKeys",
    "OAuth1",
    "OAuth2Client",
    "OAuth2UserToken",
    "PendingAuthorization",
    "RateLimit",
    "RequestToken",
    "SignedRequest",
    "TokenManager",
    "TokenStore",
    "XAuth",
    "XAuthError",
    "authorize",
    "basic_authorization",
    "check_store",
    "crc_response_token",
    "custom_store",
    "open_store",
    "parse_error",
    "percent_encode",
    "pkce_challenge",
    "verify_webhook_signature",
]

F = TypeVar("F", bound=Callable[..., Any])

_FACADES: dict[type, type] = {}
"""The public class of each native class that has one (filled by ``_facade``)."""


def _adopted(value: Any) -> Any:
    """``value`` (or the items of a tuple or list of them) made an instance of the public
    class of its native class: the native layer builds its own classes' objects."""
    for item in value if type(value) in (tuple, list) else (value,):
        facade = _FACADES.get(type(item))
        if facade is not None:
            item.__class__ = facade
    return value


def _argument_field(error: BaseException) -> str | None:
    """The argument PyO3 names in a note: "while processing 'consumer_key'"."""
    notes = [n for n in getattr(error, "__notes__", []) if n.startswith("while processing '")]
    return notes[-1].split("'")[1] if notes else None


def _typed(function: F) -> F:
    """Re-raises the errors of converting arguments as XAuthErrors: a wrong type as
    InvalidTypeError (also a TypeError); a bad value (a lone surrogate, an out-of-range
    number, a pair of three) as InvalidInputError (also a ValueError). Results are
    instances of the public classes."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return _adopted(function(*args, **kwargs))
        except XAuthError:
            raise
        except (TypeError, ValueError, OverflowError) as error:
            field = _argument_field(error)
            message = f"argument '{field}': {error}" if field else str(error)
            kind = InvalidTypeError if isinstance(error, TypeError) else InvalidInputError
            raise kind(message, field=field, code="X_INVALID_INPUT") from error
        except BaseException as error:
            # PyO3 turns a Rust panic outside the native guards into a
            # PanicException, a BaseException that `except Exception` misses.
            if type(error).__name__ != "PanicException":
                raise
            raise InternalError(f"internal error in x_api_auth (a bug: please report it): {error}") from error

    return wrapper  # type: ignore[return-value]


def _facade(native: type, extra: dict[str, Any] | None = None) -> type:
    """A subclass of a native class whose methods raise only XAuthError subclasses and
    whose methods and properties hand out instances of the public classes."""
    namespace: dict[str, Any] = {"__doc__": native.__doc__, "__module__": __name__, "__slots__": ()}

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        return _typed(native.__new__)(cls, *args, **kwargs)

    try:  # help() and inspect show the native constructor's arguments
        signature = inspect.signature(native)
        cls = inspect.Parameter("cls", inspect.Parameter.POSITIONAL_ONLY)
        __new__.__signature__ = signature.replace(parameters=[cls, *signature.parameters.values()])  # type: ignore[attr-defined]
    except ValueError:  # a native class without a constructor
        pass
    namespace["__new__"] = __new__
    for name, attribute in vars(native).items():
        if name.startswith("_"):
            continue
        raw = native.__dict__[name]
        if isinstance(raw, staticmethod) or type(raw).__name__ == "builtin_function_or_method":
            namespace[name] = staticmethod(_typed(getattr(native, name)))
        elif isinstance(raw, types.GetSetDescriptorType):
            namespace[name] = property(_typed(raw.__get__), doc=raw.__doc__)
        elif callable(attribute):
            namespace[name] = _typed(attribute)
    namespace.update(extra or {})
    facade = type(native.__name__, (native,), namespace)
    _FACADES[native] = facade
    return facade


def _async_twins(native: type) -> dict[str, Callable[..., Any]]:
    """``name_async`` for each network method of ``native``, with the same arguments."""
    twins = {f"{name}_async": _async_twin(name) for name in _NETWORK_METHODS if hasattr(native, name)}
    for name, twin in twins.items():
        try:
            twin.__signature__ = inspect.signature(getattr(native, name[: -len("_async")]))  # type: ignore[attr-defined]
        except ValueError:  # a native method without a text signature
            pass
    return twins


def _async_twin(name: str) -> Callable[..., Any]:
    async def twin(self: Any, *args: Any, **kwargs: Any) -> Any:
        import asyncio  # imported on first use: it costs more than the rest of the package

        return await asyncio.to_thread(getattr(self, name), *args, **kwargs)

    twin.__name__ = f"{name}_async"
    twin.__doc__ = f"Like :meth:`{name}`, for asyncio (runs off the event loop, the GIL released)."
    return twin


_NETWORK_METHODS = (
    "wait",
    "wait_for_request_token",
    "bearer",
    "refresh_after_unauthorized",
    "save_login",
    "set_app_keys",
    "request_token",
    "access_token",
    "invalidate_access_token",
    "obtain_bearer",
    "invalidate_bearer",
    "finish_authorization",
    "refresh",
    "revoke",
    "send",
    "users_me",
    "user_by_username",
)


ConsumerKeys = _facade(_native.ConsumerKeys)
AccessToken = _facade(_native.AccessToken)
OAuth2Client = _facade(_native.OAuth2Client)
BearerToken = _facade(_native.BearerToken)
OAuth2UserToken = _facade(_native.OAuth2UserToken)
OAuth1 = _facade(_native.OAuth1)
XAuth = _facade(_native.XAuth, _async_twins(_native.XAuth))
TokenManager = _facade(_native.TokenManager, _async_twins(_native.TokenManager))
TokenStore = _facade(_native.TokenStore)
CallbackServer = _facade(_native.CallbackServer, _async_twins(_native.CallbackServer))
PendingAuthorization = _facade(_native.PendingAuthorization)
ApiResponse = _facade(_native.ApiResponse)
SignedRequest = _facade(_native.SignedRequest)
RequestToken = _facade(_native.RequestToken)
AccessTokenResponse = _facade(_native.AccessTokenResponse)
RateLimit = _facade(_native.RateLimit)

authorize = _typed(_native.authorize)
open_store = _typed(_native.open_store)
custom_store = _typed(_native.custom_store)
check_store = _typed(_native.check_store)
crc_response_token = _typed(_native.crc_response_token)
verify_webhook_signature = _typed(_native.verify_webhook_signature)
parse_error = _typed(_native.parse_error)
percent_encode = _typed(_native.percent_encode)
basic_authorization = _typed(_native.basic_authorization)
pkce_challenge = _typed(_native.pkce_challenge)
