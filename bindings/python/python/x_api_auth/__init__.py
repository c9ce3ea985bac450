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

import ast
import functools
import inspect
import os
import sys
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
    "rate_limit_wait",
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


def _is_panic(error: BaseException) -> bool:
    """PyO3 turns a Rust panic outside the native guards into a PanicException, a
    BaseException that ``except Exception`` misses."""
    return type(error).__name__ == "PanicException"


def _internal(error: BaseException) -> InternalError:
    """The InternalError a panic is raised as."""
    return InternalError(f"internal error in x_api_auth (a bug: please report it): {error}")


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
            if not _is_panic(error):
                raise
            raise _internal(error) from error

    return wrapper  # type: ignore[return-value]


def _facade(native: type, extra: dict[str, Any] | None = None) -> type:
    """A subclass of a native class whose methods raise only XAuthError subclasses and
    whose methods and properties hand out instances of the public classes."""
    namespace: dict[str, Any] = {"__doc__": native.__doc__, "__module__": __name__, "__slots__": ()}

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        return _typed(native.__new__)(cls, *args, **kwargs)

    if native.__text_signature__ is None:  # a native class without a constructor
        cls = inspect.Parameter("cls", inspect.Parameter.POSITIONAL_ONLY)
        __new__.__signature__ = inspect.Signature([cls])  # type: ignore[attr-defined]
        __new__.__annotations__ = {}
        __new__.__doc__ = f"Not built directly: x_api_auth hands out {native.__name__} objects."
    # else _annotate gives it the stub's signature: help() shows the constructor's arguments
    namespace["__new__"] = __new__
    for name, attribute in vars(native).items():
        if name.startswith("_"):
            continue
        raw = native.__dict__[name]
        if isinstance(raw, staticmethod) or type(raw).__name__ == "builtin_function_or_method":
            namespace[name] = staticmethod(_typed(getattr(native, name)))
        elif isinstance(raw, types.GetSetDescriptorType):
            namespace[name] = _property(native, raw)
        elif callable(attribute):
            namespace[name] = _typed(attribute)
    namespace.update(extra or {})
    facade = type(native.__name__, (native,), namespace)
    _FACADES[native] = facade
    return facade


def _property(native: type, raw: Any) -> property:
    """The property of the facade for the native getter ``raw`` (its doc, its stub's type)."""

    def getter(self: Any) -> Any:
        return raw.__get__(self)

    getter.__name__ = raw.__name__
    getter.__qualname__ = f"{native.__name__}.{raw.__name__}"
    getter.__doc__ = raw.__doc__
    return property(_typed(getter), doc=raw.__doc__)


def _async_twins(native: type) -> dict[str, Callable[..., Any]]:
    """``name_async`` for each network method of ``native``, with the same arguments
    (``_annotate`` gives them the sync method's signature)."""
    return {f"{name}_async": _async_twin(native, name) for name in _NETWORK_METHODS if hasattr(native, name)}


def _async_twin(native: type, name: str) -> Callable[..., Any]:
    async def twin(self: Any, *args: Any, **kwargs: Any) -> Any:
        import asyncio  # imported on first use: it costs more than the rest of the package

        return await asyncio.to_thread(getattr(self, name), *args, **kwargs)

    twin.__name__ = f"{name}_async"
    twin.__qualname__ = f"{native.__name__}.{name}_async"
    twin.__doc__ = (
        f"The asyncio twin of :meth:`{name}`: the same arguments and result, run off the event"
        f" loop (the GIL released).\n\n{getattr(native, name).__doc__ or ''}"
    ).rstrip()
    return twin


class _Unquoted(ast.NodeTransformer):
    """``Union["OAuth1", ...]`` as ``Union[OAuth1, ...]``: the stub's forward references
    resolved when it is evaluated."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.parse(node.value, mode="eval").body if isinstance(node.value, str) else node


def _stub_signatures() -> dict[str, inspect.Signature]:
    """The signature of each function and method of ``_native.pyi`` (the native module's
    types, which stubtest keeps true to the runtime) by qualified name (``"authorize"``,
    ``"XAuth.refresh"``; a property's is its getter's), annotated with the stub's types
    evaluated where its names resolve: the names it imports from typing, collections.abc
    and os, its aliases, the package's public classes. An annotation this Python cannot
    evaluate (``str | None`` before 3.10) stays a string; no stub, no signatures."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_native.pyi")
    try:
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read(), path)
    except (OSError, SyntaxError, ValueError):
        return {}
    namespace: dict[str, Any] = dict(vars(_native))
    for node in tree.body:  # the stub's imports, from the modules already loaded
        if isinstance(node, ast.ImportFrom) and node.module in sys.modules:
            module = sys.modules[node.module]
            namespace.update({a.asname or a.name: getattr(module, a.name, None) for a in node.names})
        elif isinstance(node, ast.Import):
            namespace.update({a.asname or a.name: sys.modules.get(a.name) for a in node.names})
    namespace.update({facade.__name__: facade for facade in _FACADES.values()})

    def evaluate(node: ast.expr | None) -> Any:
        if node is None:
            return inspect.Parameter.empty
        node = ast.fix_missing_locations(_Unquoted().visit(node))
        try:  # the package's own stub, parsed above: nothing else is evaluated
            return eval(compile(ast.Expression(node), path, "eval"), namespace)
        except Exception:  # `X | None` before Python 3.10: the text
            return ast.unparse(node)

    def signature(function: ast.FunctionDef, method: bool) -> inspect.Signature:
        kind = inspect.Parameter
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
        parameters = [
            kind(
                a.arg,
                kind.POSITIONAL_ONLY
                if i < len(arguments.posonlyargs) or (i == 0 and method)
                else kind.POSITIONAL_OR_KEYWORD,
                default=kind.empty if d is None else ast.literal_eval(d),
                annotation=evaluate(a.annotation),
            )
            for i, (a, d) in enumerate(zip(positional, defaults))
        ]
        if arguments.vararg:
            parameters.append(
                kind(
                    arguments.vararg.arg,
                    kind.VAR_POSITIONAL,
                    annotation=evaluate(arguments.vararg.annotation),
                )
            )
        parameters += [
            kind(
                a.arg,
                kind.KEYWORD_ONLY,
                default=kind.empty if d is None else ast.literal_eval(d),
                annotation=evaluate(a.annotation),
            )
            for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)
        ]
        if arguments.kwarg:
            parameters.append(
                kind(arguments.kwarg.arg, kind.VAR_KEYWORD, annotation=evaluate(arguments.kwarg.annotation))
            )
        return inspect.Signature(parameters, return_annotation=evaluate(function.returns))

    signatures: dict[str, inspect.Signature] = {}

    def add(key: str, function: ast.FunctionDef, method: bool) -> None:
        try:
            signatures[key] = signature(function, method)
        except ValueError:  # a default that is not a literal: the wrapped callable's signature
            pass

    for node in tree.body:
        if isinstance(node, ast.Assign) and [type(t) for t in node.targets] == [ast.Name]:
            if not node.targets[0].id.startswith("__"):  # an alias: _Form, _Scopes, ...
                namespace[node.targets[0].id] = evaluate(node.value)
        elif isinstance(node, ast.FunctionDef):
            add(node.name, node, method=False)
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, ast.FunctionDef):
                    static = any(
                        isinstance(d, ast.Name) and d.id == "staticmethod" for d in member.decorator_list
                    )
                    add(f"{node.name}.{member.name}", member, method=not static)
    return signatures


def _annotate() -> None:
    """Gives each public function and method (``*_async`` twins, property getters and
    constructors too) its stub's signature and annotations: ``help()``, ``inspect.signature``
    and ``typing.get_type_hints`` show the real parameters and types, not the wrappers'
    ``*args, **kwargs``."""
    try:
        signatures = _stub_signatures()
    except Exception:  # introspection must never break the import
        return

    def give(function: Any, key: str, native: Any = None) -> None:
        signature = signatures.get(key)
        if signature is None:
            if native is not None:  # a twin of a method the stub lacks: the native arguments
                try:
                    function.__signature__ = inspect.signature(getattr(native, key.split(".")[-1]))
                except ValueError:  # a native method without a text signature
                    pass
            return
        function.__signature__ = signature
        annotations = {
            n: p.annotation for n, p in signature.parameters.items() if p.annotation is not p.empty
        }
        if signature.return_annotation is not signature.empty:
            annotations["return"] = signature.return_annotation
        function.__annotations__ = annotations

    for name in __all__:
        if inspect.isfunction(globals()[name]):
            give(globals()[name], name)
    for native, facade in _FACADES.items():
        for name, attribute in vars(facade).items():
            if isinstance(attribute, staticmethod):
                give(attribute.__func__, f"{native.__name__}.{name}")
            elif isinstance(attribute, property):
                give(attribute.fget, f"{native.__name__}.{name}")
            elif inspect.iscoroutinefunction(attribute):
                give(attribute, f"{native.__name__}.{name[: -len('_async')]}", native)
            elif inspect.isfunction(attribute):
                give(attribute, f"{native.__name__}.{name}")


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
_MISSING: Any = object()


def _authorization_header(
    self: Any,
    method: Any = _MISSING,
    url: Any = _MISSING,
    *extra: Any,
    form: Any = None,
    form_body: Any = None,
    nonce: Any = None,
    timestamp: Any = None,
    callback: Any = None,
    verifier: Any = None,
    **unexpected: Any,
) -> str:
    # The hot path, without _typed's wrapper (half a microsecond a call): the native
    # method raises only XAuthErrors for its arguments itself, and a call with the wrong
    # arguments is refused here, as _typed refuses it.
    if extra or unexpected or method is _MISSING or url is _MISSING:
        problem = (
            f"takes 2 positional arguments, got {2 + len(extra)}"
            if extra
            else f"got unexpected keyword arguments {sorted(unexpected)}"
            if unexpected
            else "missing the argument 'method' or 'url'"
        )
        raise InvalidTypeError(f"OAuth1.authorization_header() {problem}", code="X_INVALID_INPUT")
    try:
        return _NATIVE_AUTHORIZATION_HEADER(
            self, method, url, form, form_body, nonce, timestamp, callback, verifier
        )
    except BaseException as error:
        if not _is_panic(error):
            raise
        raise _internal(error) from error


_NATIVE_AUTHORIZATION_HEADER = _native.OAuth1.authorization_header
_authorization_header.__name__ = "authorization_header"
_authorization_header.__qualname__ = "OAuth1.authorization_header"
_authorization_header.__doc__ = _NATIVE_AUTHORIZATION_HEADER.__doc__
OAuth1 = _facade(_native.OAuth1, {"authorization_header": _authorization_header})
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
rate_limit_wait = _typed(_native.rate_limit_wait)
basic_authorization = _typed(_native.basic_authorization)
pkce_challenge = _typed(_native.pkce_challenge)

_annotate()
