"""Hostile inputs: whatever a caller passes, x_api_auth fails only with a typed XAuthError.

The suite calls every public constructor, function and method of ``x_api_auth`` (the names
in ``__all__``, the methods of the objects they hand out, the ``*_async`` twins) and the
native-backed parts of ``x_api_auth.testing.Sandbox``, with valid arguments of which some
are replaced by hostile values: None, huge and negative ints, NaN, infinities, bytes, lone
surrogates, NUL bytes, 1 MiB strings, deeply nested and circular containers, objects whose
conversions or properties raise, objects of the wrong class, missing and extra arguments.
Each hostile value goes into each argument in turn; then Hypothesis draws mixes (derandomized,
so a run is reproducible).

It promises that every call returns or raises an ``XAuthError`` whose ``code`` is a stable
code other than ``X_INTERNAL``: never a bare built-in exception, a panic, a crash or a hang;
and that every object handed out (results and their attributes) is an instance of its public
class. ``Sentinel``, raised by the suite's own objects from their own methods, may pass
through unchanged.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import faulthandler
import itertools
import math
import pathlib
import reprlib
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

import pytest
import x_api_auth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x_api_auth import _native, errors
from x_api_auth.testing import CALLBACK, Sandbox, approve_consent

STABLE_CODES = set(errors.CLASS_BY_CODE) - {"X_INTERNAL"}
MINIMUM_CALLS = 5_000
WATCHDOG_SECONDS = 300  # a hang ends the run with every thread's stack
EXAMPLES, NETWORK_EXAMPLES, ASYNC_EXAMPLES = 40, 20, 10  # drawn by Hypothesis, after the sweep


class Sentinel(Exception):
    """Raised by the suite's own hostile objects: it may pass through unchanged."""


def _raise(*args: object, **kwargs: object) -> Any:
    raise Sentinel


class Raising:
    """An object every conversion, comparison and attribute of which raises Sentinel."""

    __str__ = __repr__ = __bytes__ = __format__ = _raise
    __index__ = __int__ = __float__ = __complex__ = __bool__ = _raise
    __iter__ = __len__ = __getitem__ = __contains__ = __fspath__ = _raise
    __eq__ = __lt__ = __hash__ = __getattr__ = _raise


class RaisingStr(str):
    __str__ = __repr__ = __eq__ = __hash__ = __len__ = __iter__ = encode = _raise


class RaisingInt(int):
    __index__ = __int__ = __float__ = __str__ = __repr__ = _raise


class RaisingFloat(float):
    __float__ = __str__ = __repr__ = _raise


class RaisingList(list):  # type: ignore[type-arg]
    __iter__ = __len__ = __getitem__ = _raise


class RaisingDict(dict):  # type: ignore[type-arg]
    __iter__ = __len__ = __getitem__ = keys = items = values = _raise


class RaisingProperties:
    """A store-like object whose attributes are properties that raise."""

    location = load = save = lock = list = delete = property(_raise)


class Missing:
    """Leaves its argument out (and every positional argument after it)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()


class Handle:
    """A lock handle of HostileStore: a fence that is no u64, a release that works."""

    fence = 2**64

    def release(self) -> None:
        pass


class HostileStore:
    """An application's store (for ``custom_store``) that answers each call with the next
    hostile value, or raises Sentinel."""

    location = "hostile:"
    ANSWERS = (Sentinel, None, True, 2**64, -1, math.nan, "\ud800", "{", "[" * 10_000, b"{}", ["\ud800"])

    def __init__(self) -> None:
        self._answers = itertools.cycle(self.ANSWERS)
        self._locks = itertools.cycle((Sentinel, None, Handle()))

    def _answer(self, *args: object) -> Any:
        answer = next(self._answers)
        if answer is Sentinel:
            raise Sentinel
        return answer

    def lock(self, key: str, wait: float) -> Any:
        answer = next(self._locks)
        if answer is Sentinel:
            raise Sentinel
        return answer

    load = save = still_held = list = delete = _answer


def deep(depth: int, wrap: Callable[[Any], Any]) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = wrap(value)
    return value


CIRCULAR_LIST: list[Any] = []
CIRCULAR_LIST.append(CIRCULAR_LIST)
CIRCULAR_DICT: dict[str, Any] = {}
CIRCULAR_DICT["self"] = CIRCULAR_DICT
MEBIBYTE = 1 << 20

FIXED: list[Any] = [
    *(MISSING, None, True, False, 0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1),
    *(2**1000, -(2**1000), 10**5000, math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e308),
    *(complex(math.nan, 1), Decimal("NaN"), Decimal("1e999999"), Fraction(1, 3)),
    *("", " ", "\0", "a\0b", "\ud800", "\udfff", "x\ud800y", "\r\n", "é", "🦀", "../.."),
    *(b"", b"\0", b"\xff\xfe"),
    *(bytearray(b"x"), memoryview(b"x"), [], {}, (), set(), frozenset({"a"}), ["a"]),
    *([("a", "b")], [("a", "b", "c")], {"a": "b"}, {"\ud800": "x"}, {"a": None}, {1: 2}),
    *(deep(100_000, lambda v: [v]), deep(100_000, lambda v: {"k": v}), CIRCULAR_LIST, CIRCULAR_DICT),
    *(object(), Raising(), RaisingStr("str"), RaisingInt(7), RaisingFloat(1.5), RaisingList(["a"])),
    *(RaisingDict({"a": "b"}), RaisingProperties(), HostileStore(), int, str, x_api_auth.XAuth),
    *(print, math, Ellipsis, NotImplemented, iter(()), Sentinel, Sentinel()),
]
"""Hostile values used as they are."""

HUGE = ["x" * MEBIBYTE + "!", b"\xff" * MEBIBYTE]
"""Values over 1 MiB: each goes into each argument once (not drawn: they cost time)."""


def pick(values: list[Any]) -> st.SearchStrategy[Any]:
    """One of ``values``, drawn by index: Hypothesis never shows (repr) the values themselves."""

    def value_at(index: int) -> Any:
        return values[index]

    return st.sampled_from(range(len(values))).map(value_at)


TEXT = st.lists(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)), max_size=12).map("".join)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=12), TEXT)
GENERATED = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.dictionaries(TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)


@dataclasses.dataclass
class Target:
    """One public callable, with valid arguments the suite replaces with hostile ones."""

    name: str
    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    examples: int = EXAMPLES
    sweep: bool = True


def arguments(target: Target, hostile: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Each valid argument kept or replaced by a hostile value (MISSING leaves it out),
    sometimes with an extra positional or keyword argument."""

    def slot(valid: Any) -> st.SearchStrategy[Any]:
        return st.booleans().flatmap(lambda keep: st.just(valid) if keep else hostile)

    def assemble(drawn: tuple[tuple[Any, ...], dict[str, Any], list[Any], dict[str, Any]]) -> Any:
        positional, keywords, extra, extra_keywords = drawn
        cut = [i for i, value in enumerate(positional) if value is MISSING]  # `is`: no __eq__ runs
        positional = positional[: cut[0]] if cut else (*positional, *extra)
        keywords = {k: v for k, v in {**keywords, **extra_keywords}.items() if v is not MISSING}
        return positional, keywords

    return st.tuples(
        st.tuples(*map(slot, target.args)),
        st.fixed_dictionaries({name: slot(value) for name, value in target.kwargs.items()}),
        st.lists(hostile, max_size=1),
        st.dictionaries(st.just("unexpected"), hostile, max_size=1),
    ).map(assemble)


SHORT = reprlib.Repr()
SHORT.maxstring = SHORT.maxother = 40
SHORT.maxlevel = 3


def shown(value: Any) -> str:
    try:
        return SHORT.repr(value)
    except Exception:  # a 10**5000, a Raising
        return f"<{type(value).__name__}>"


def describe(error: BaseException) -> str:
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    code = getattr(error, "code", None)
    return f"{kind} [{code}]" if isinstance(error, errors.XAuthError) else kind


def handed_out(value: Any, depth: int = 0) -> Iterator[str]:
    """What is wrong with a value the package handed out (and one level of its attributes):
    an instance of a native class that is not its public class, or an attribute that raises
    anything but a stable XAuthError."""
    for item in value if type(value) in (tuple, list) else (value,):
        native = next((c for c in type(item).__mro__ if c.__module__ == _native.__name__), None)
        if native is None:
            continue
        public = getattr(x_api_auth, native.__name__, None)
        if public is not None and not isinstance(item, public):
            yield f"handed out a {native.__name__} that is not an x_api_auth.{native.__name__}"
        for name in dir(type(item)):
            if name.startswith("_") or callable(getattr(type(item), name)):
                continue
            try:
                attribute = getattr(item, name)
            except Sentinel:
                continue
            except BaseException as error:  # anything but a stable XAuthError is a finding
                if not (isinstance(error, errors.XAuthError) and error.code in STABLE_CODES):
                    yield f".{name} raised {describe(error)}"
            else:
                if depth == 0:
                    yield from (f".{name} {problem}" for problem in handed_out(attribute, 1))


@dataclasses.dataclass
class Log:
    """Calls made and escapes seen: (callable, what escaped) -> the calls."""

    calls: int = 0
    escapes: dict[tuple[str, str], list[str]] = dataclasses.field(
        default_factory=lambda: collections.defaultdict(list)
    )

    def call(self, target: Target, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.calls += 1
        try:
            result = target.function(*args, **kwargs)
        except Sentinel:
            return
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # anything but a stable XAuthError is an escape
            if not (isinstance(error, errors.XAuthError) and error.code in STABLE_CODES):
                self.escape(target, args, kwargs, describe(error), str(error))
        else:
            for problem in handed_out(result):
                self.escape(target, args, kwargs, problem, "")

    def escape(self, target: Target, args: Any, kwargs: dict[str, Any], what: str, message: str) -> None:
        call = ", ".join([*map(shown, args), *(f"{k}={shown(v)}" for k, v in kwargs.items())])
        self.escapes[(target.name, what)].append(f"{target.name}({call}): {message[:160]}")

    def report(self, keys: Any) -> str:
        lines = [f"{len(keys)} kind(s) of escape in {self.calls} calls:"]
        for key in sorted(keys):
            calls = self.escapes[key]
            lines.append(f"  {key[0]} -> {key[1]} ({len(calls)}x), e.g. {calls[0]}")
        return "\n".join(lines)


def sweep(target: Target, values: list[Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each of ``values`` in each argument in turn (MISSING leaves it out), the others valid."""
    args, kwargs = target.args, target.kwargs
    for value in values:
        for i in range(len(args)):
            yield (args[:i] if value is MISSING else (*args[:i], value, *args[i + 1 :])), kwargs
        for name in kwargs:
            yield (
                args,
                {k: v for k, v in kwargs.items() if k != name} | ({} if value is MISSING else {name: value}),
            )


def hammer(target: Target, values: list[Any], hostile: st.SearchStrategy[Any], log: Log) -> None:
    """Calls ``target`` with every hostile value in every argument, then with mixes Hypothesis draws."""
    if target.sweep:
        for args, kwargs in sweep(target, values):
            log.call(target, args, kwargs)

    @settings(
        max_examples=target.examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(arguments(target, hostile))
    def run(call: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        log.call(target, *call)

    run()


@dataclasses.dataclass
class World:
    """A sandbox, a second one whose clock the suite moves, and an object of every public
    class, each obtained as an application obtains it."""

    tmp: pathlib.Path
    sandbox: Sandbox
    clock_sandbox: Sandbox
    x: Any
    consumer: Any
    owner: Any
    oauth1: Any
    client: Any
    bearer: Any
    user_token: Any
    request_token: Any
    granted: Any
    pending: Any
    pending_callback: str
    callback: Any
    compact: str
    response: Any
    signed: Any
    store: Any
    manager: Any
    custom: Any
    hostile_manager: Any
    document: str

    def objects(self) -> list[Any]:
        return [v for v in vars(self).values() if type(v).__module__.startswith("x_api_auth")]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as env, Sandbox() as sandbox, Sandbox() as clock_sandbox:
        env.setenv("X_API_AUTH_STORE", f"file:{tmp}/default.json")  # open_store(None) stays here
        x = sandbox.xauth(timeout=5.0)
        consumer, client = sandbox.consumer_keys, sandbox.client()
        store = x_api_auth.open_store(f"file:{tmp}/store.json")
        manager = x_api_auth.TokenManager(x, store, "hostile")
        user_token = sandbox.login(manager)
        request_token = x.request_token(consumer, CALLBACK)
        verifier = x.parse_callback(approve_consent(x.authorize_url(request_token)), request_token)
        pending = x.start_authorization(client, CALLBACK, ["tweet.read", "users.read"])
        custom = x_api_auth.custom_store(HostileStore())
        oauth1 = sandbox.owner_oauth1()
        yield World(
            tmp=tmp,
            sandbox=sandbox,
            clock_sandbox=clock_sandbox,
            x=x,
            consumer=consumer,
            owner=sandbox.owner_token,
            oauth1=oauth1,
            client=client,
            bearer=x.obtain_bearer(consumer),
            user_token=user_token,
            request_token=x.request_token(consumer, CALLBACK),
            granted=x.access_token(consumer, request_token, verifier),
            pending=pending,
            pending_callback=approve_consent(f"{pending.url}&sandbox_user=1001"),
            callback=used_callback_server(pending),
            compact=pending.to_compact(),
            response=x.send(oauth1, "GET", "/2/echo?q=1"),
            signed=oauth1.sign("GET", "https://api.x.com/2/users/me"),
            store=store,
            manager=manager,
            custom=custom,
            hostile_manager=x_api_auth.TokenManager(x, custom, "hostile"),
            document=store.export_record("hostile", "1001", include_secrets=True) or "",
        )


def used_callback_server(pending: Any) -> Any:
    """A callback server that caught its login already (a silent one, after 1 s): every
    later call converts its arguments, then refuses, instead of waiting for a browser."""
    server = x_api_auth.CallbackServer("http://127.0.0.1:0/callback")
    with pytest.raises(x_api_auth.errors.TransportError):
        server.wait(pending, timeout=1)
    return server


def run_async(twin: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(twin(*args, **kwargs))

    return call


def methods(receiver: Any, calls: dict[str, Any], examples: int = EXAMPLES) -> list[Target]:
    """A target per method of ``receiver`` (name -> (args, kwargs)), and per ``*_async``
    twin (drawn examples only: each runs an event loop, and the twin converts nothing itself)."""
    cls, found = type(receiver).__name__, []
    for name, (args, kwargs) in calls.items():
        found.append(Target(f"{cls}.{name}", getattr(receiver, name), args, kwargs, examples))
        twin = getattr(receiver, f"{name}_async", None)
        if twin is not None:
            found.append(
                Target(f"{cls}.{name}_async", run_async(twin), args, kwargs, ASYNC_EXAMPLES, sweep=False)
            )
    return found


NONE: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})


def targets(w: World) -> list[Target]:
    url = "https://api.x.com/1.1/statuses/update.json"
    signed = {"form": {"status": "hi"}, "form_body": None, "nonce": "n0nce", "timestamp": 1_700_000_000}
    signing = (("POST", url), {**signed, "callback": "oob", "verifier": "verifier"})
    error_body = b'{"errors":[{"code":89,"message":"Invalid or expired token."}]}'
    stored = {
        "list": (("hostile",), {}),
        "export_record": (("hostile", "1001"), {"include_secrets": False}),
        "import_record": (("imported", w.document), {}),
        "delete": (("deleted", "1"), {}),
    }
    managed = {
        "access_token": ((None,), {}),
        "refresh_after_unauthorized": ((None, w.user_token), {}),
        "send": ((None, "POST", "/2/echo"), {"form": None, "json_body": {"text": "hi"}}),
        "bearer": NONE,
        "save_login": (("1001",), {"oauth2": w.user_token, "oauth1": None, "screen_name": "sandbox_user"}),
        "set_app_keys": ((), {"consumer": w.consumer, "client": w.client}),
    }
    public = x_api_auth
    return [
        Target(
            "authorize",
            public.authorize,
            (w.oauth1, "POST", url),
            {"content_type": "application/x-www-form-urlencoded", "body": "a=b"},
        ),
        Target("basic_authorization", public.basic_authorization, ("id", "secret")),
        Target("check_store", public.check_store, (w.custom, "conformance"), examples=40),
        Target("check_store", public.check_store, (w.store, "conformance"), examples=4),
        Target("crc_response_token", public.crc_response_token, ("secret", "crc")),
        Target("custom_store", public.custom_store, (HostileStore(),)),
        Target("open_store", public.open_store, (f"file:{w.tmp}/opened.json",)),
        Target("parse_error", public.parse_error, (401, error_body)),
        Target("percent_encode", public.percent_encode, ("a b&c",)),
        Target("rate_limit_wait", public.rate_limit_wait, (429, {"x-rate-limit-reset": "1"})),
        Target("pkce_challenge", public.pkce_challenge, ("v" * 43, "S256")),
        Target(
            "verify_webhook_signature",
            public.verify_webhook_signature,
            ("secret", b"{}", public.crc_response_token("secret", "{}")),
        ),
        Target("AccessToken", public.AccessToken, ("1-token", "secret")),
        Target("CallbackServer", public.CallbackServer, ("http://127.0.0.1:0/callback",), examples=10),
        Target("BearerToken", public.BearerToken, ("bearer",)),
        Target("ConsumerKeys", public.ConsumerKeys, ("key", "secret")),
        Target(
            "OAuth1",
            public.OAuth1,
            ("key", "secret", "1-token", "token-secret", "HMAC-SHA1"),
            {"realm": "x", "include_version": True},
        ),
        Target("OAuth2Client", public.OAuth2Client, ("client-id", "client-secret")),
        Target("OAuth2UserToken", public.OAuth2UserToken, ("access", "refresh", 2e9, ["tweet.read"])),
        Target(
            "TokenManager",
            public.TokenManager,
            (w.x, w.store, "constructed"),
            {"refresh_margin": 60.0, "on_change": print},
        ),
        Target(
            "XAuth",
            public.XAuth,
            (w.sandbox.base_url, w.sandbox.base_url, 5.0, 0),
            {"insecure_allow_http": False},
        ),
        *(
            Target(name, getattr(public, name))
            for name in ("AccessTokenResponse", "ApiResponse", "PendingAuthorization", "RateLimit")
            + ("RequestToken", "SignedRequest", "TokenStore")
        ),
        *(
            Target(f"{name}.from_env", getattr(public, name).from_env)
            for name in ("AccessToken", "BearerToken", "ConsumerKeys", "OAuth2Client")
        ),
        Target("OAuth1.from_credentials", public.OAuth1.from_credentials, (w.consumer, w.owner)),
        Target("PendingAuthorization.from_compact", public.PendingAuthorization.from_compact, (w.compact,)),
        *methods(w.consumer, {"secret": NONE}),
        *methods(w.owner, {"secret": NONE}),
        *methods(w.bearer, {"secret": NONE, "authorization_header": NONE}),
        *methods(w.request_token, {"secret": NONE}),
        *methods(w.pending, {"to_compact": NONE}),
        *methods(
            w.callback,
            {"wait": ((w.pending, 1.0), {}), "wait_for_request_token": ((w.request_token, 1.0), {})},
        ),
        *methods(w.response, {"text": NONE, "json": NONE}),
        *methods(w.oauth1, {"authorization_header": signing, "sign": signing}),
        *methods(
            w.user_token,
            {
                "access_token": NONE,
                "refresh_token": NONE,
                "authorization_header": NONE,
                "expires_within": ((60.0,), {}),
            },
        ),
        *methods(w.store, stored),
        *methods(w.custom, stored, examples=NETWORK_EXAMPLES),
        *methods(w.manager, managed, examples=NETWORK_EXAMPLES),
        *methods(w.hostile_manager, managed, examples=NETWORK_EXAMPLES // 2),
        *methods(
            w.x,
            {
                "request_token": ((w.consumer, CALLBACK, "write"), {}),
                "authorize_url": ((w.request_token, False, "sandbox_user"), {}),
                "authenticate_url": ((w.request_token, True, "sandbox_user"), {}),
                "parse_callback": (
                    (f"{CALLBACK}?oauth_token={w.request_token.token}&oauth_verifier=v", w.request_token),
                    {},
                ),
                "access_token": ((w.consumer, w.request_token, "verifier"), {}),
                "invalidate_access_token": ((w.consumer, public.AccessToken("1-unknown", "secret")), {}),
                "obtain_bearer": ((w.consumer,), {}),
                "invalidate_bearer": ((w.consumer, public.BearerToken("unknown")), {}),
                "start_authorization": ((w.client, CALLBACK, ["tweet.read"]), {}),
                "finish_authorization": ((w.client, w.pending, w.pending_callback), {}),
                "refresh": ((w.client, w.user_token), {}),
                "revoke": ((w.client, "unknown", "access_token"), {}),
                "send": ((w.oauth1, "POST", "/2/echo"), {"form": None, "json_body": {"text": "hi"}}),
                "users_me": ((w.user_token,), {}),
                "user_by_username": ((w.bearer, "sandbox_user"), {}),
            },
            examples=NETWORK_EXAMPLES,
        ),
        Target("testing.Sandbox", Sandbox, (None,), examples=6),
        Target("testing.Sandbox.advance_clock", w.clock_sandbox.advance_clock, (0,)),
        Target("testing.Sandbox.xauth", w.sandbox.xauth, (5.0, 0)),
    ]


def public_callables() -> set[str]:
    """Every function, class and public method the package exports (its exception classes
    aside: the package raises them, callers do not construct them)."""
    names = set()
    for name in x_api_auth.__all__:
        value = getattr(x_api_auth, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            continue
        names.add(name)
        if isinstance(value, type):
            names |= {
                f"{name}.{a}" for a in dir(value) if not a.startswith("_") and callable(getattr(value, a))
            }
    return names


def test_the_suite_calls_every_public_callable(world: World) -> None:
    assert public_callables() - {t.name for t in targets(world)} == set()


def test_hostile_inputs_raise_only_stable_xauth_errors(world: World) -> None:
    log = Log()
    values = [*FIXED, *world.objects()]
    hostile = st.one_of(pick(values), GENERATED)
    values += HUGE
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
    try:
        for target in targets(world):
            hammer(target, values, hostile, log)
    finally:
        faulthandler.cancel_dump_traceback_later()
    for value in world.objects():  # what the fixture obtained is handed out too
        for problem in handed_out(value):
            log.escapes[(type(value).__name__, problem)].append(f"{type(value).__name__}: {problem}")
    print(f"{log.calls} calls, {sum(map(len, log.escapes.values()))} escapes")
    assert log.calls >= MINIMUM_CALLS
    assert not log.escapes, log.report(set(log.escapes))
