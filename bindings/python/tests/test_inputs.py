"""Inputs as Python users write them: forms (any mapping, pairs from json.load, repeated
keys, numbers, bytes), scopes (a list or one string), conflicting arguments, reprs that
read as Python, and a login in progress that survives to_compact/from_compact.

Every accepted form gives the signature of the same form written as a list of string
pairs (a fixed nonce and timestamp); every refused one is an XAuthError naming the
argument, the key and the expected type.
"""

from __future__ import annotations

import ast
import collections
import json
import pathlib
import types
from collections.abc import Iterator, Mapping
from typing import Any, Callable

import pytest
import x_api_auth
from x_api_auth import errors
from x_api_auth.testing import CALLBACK, Sandbox

URL = "https://api.x.com/1.1/statuses/update.json"
FIXED = {"nonce": "n0nce", "timestamp": 1_700_000_000}
PAIRS = [("a", "b"), ("count", "200"), ("id", "1"), ("id", "2"), ("q", "café")]
"""The form every accepted shape below writes, as a list of string pairs."""

X_SCOPES = (
    "tweet.read tweet.write tweet.moderate.write users.email users.read follows.read "
    "follows.write offline.access space.read mute.read mute.write like.read like.write "
    "list.read list.write block.read block.write bookmark.read bookmark.write dm.read "
    "dm.write media.write"
).split()


class Form(Mapping[str, Any]):
    """A mapping that is no dict."""

    def __init__(self, items: dict[str, Any]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _pairs() -> Iterator[tuple[str, str]]:
    yield from PAIRS


ACCEPTED: dict[str, Callable[[], Any]] = {
    "pairs from json.load": lambda: json.loads(json.dumps(PAIRS)),
    "tuple of tuples": lambda: tuple(PAIRS),
    "generator of pairs": _pairs,
    "dict with an int and a list": lambda: {"a": "b", "count": 200, "id": ["1", "2"], "q": "café"},
    "dict with bytes and a tuple": lambda: {
        b"a": b"b",
        "count": "200",
        "id": ("1", b"2"),
        "q": "café".encode(),
    },
    "dict with a bytearray and an empty list": lambda: (
        {"a": bytearray(b"b"), "none": [], "count": 200} | {"id": [1, 2], "q": "café"}
    ),
    "OrderedDict": lambda: collections.OrderedDict(
        [("a", "b"), ("count", 200), ("id", ("1", "2")), ("q", "café")]
    ),
    "MappingProxyType": lambda: types.MappingProxyType(
        {"a": "b", "count": 200, "id": ["1", "2"], "q": "café"}
    ),
    "a Mapping that is no dict": lambda: Form({"a": "b", "count": 200, "id": ["1", "2"], "q": "café"}),
    "dict.items()": lambda: {"a": "b", "count": 200, "id": ["1", "2"], "q": "café"}.items(),
    "pairs as lists with numbers": lambda: [["a", "b"], ["count", 200], ["id", 1], ["id", 2], ["q", "café"]],
    "an encoded form": lambda: "a=b&count=200&id=1&id=2&q=caf%C3%A9",
}


def signer() -> Any:
    return x_api_auth.OAuth1("consumer-key", "consumer-secret", "1-token", "token-secret")


@pytest.mark.parametrize("shape", ACCEPTED)
def test_every_accepted_form_signs_as_its_string_pairs(shape: str) -> None:
    expected = signer().sign("POST", URL, form=PAIRS, **FIXED)
    for method in ("sign", "authorization_header"):
        got = getattr(signer(), method)("POST", URL, form=ACCEPTED[shape](), **FIXED)
        want = expected if method == "sign" else expected.authorization
        if method == "sign":
            assert (got.authorization, got.base_string) == (want.authorization, want.base_string), shape
        else:
            assert got == want, shape


def test_numbers_read_as_python_writes_them() -> None:
    for value, text in [(1.5, "1.5"), (200.0, "200.0"), (-7, "-7"), (10**30, str(10**30)), (1e21, "1e+21")]:
        assert signer().sign("POST", URL, form={"n": value}, **FIXED).base_string == (
            signer().sign("POST", URL, form=[("n", text)], **FIXED).base_string
        ), value


def test_authorize_takes_a_form_as_the_body(x_sandbox: Sandbox) -> None:
    """The header authorize makes for a form verifies at the sandbox for the encoded form
    sent (its nonce and timestamp are its own, so the sandbox checks the signature)."""
    import requests

    credential, url = x_sandbox.owner_oauth1(), f"{x_sandbox.base_url}/2/echo"
    encoded = "a=b&count=200&id=1&id=2&q=caf%C3%A9"
    form_type = "application/x-www-form-urlencoded"
    for shape in ("dict with an int and a list", "pairs from json.load", "OrderedDict"):
        header = x_api_auth.authorize(credential, "POST", url, body=ACCEPTED[shape]())
        sent = requests.post(
            url, data=encoded, headers={"Authorization": header, "Content-Type": form_type}, timeout=10
        )
        assert sent.status_code == 200, (shape, sent.text)
        assert sent.json()["form"] == [list(p) for p in PAIRS]
    assert x_api_auth.authorize(
        credential, "POST", url, content_type=form_type.encode(), body=encoded.encode()
    )


@pytest.fixture
def manager(x_sandbox: Sandbox, tmp_path: pathlib.Path) -> Any:
    manager = x_api_auth.TokenManager(
        x_sandbox.xauth(), x_api_auth.open_store(f"file:{tmp_path}/store"), "inputs"
    )
    x_sandbox.login(manager)
    return manager


def test_sent_forms_reach_the_server_as_their_pairs(x_sandbox: Sandbox, manager: Any) -> None:
    x = x_sandbox.xauth()
    expected = [list(p) for p in PAIRS]
    for shape, make in ACCEPTED.items():
        echoed = x.send(x_sandbox.owner_oauth1(), "POST", "/2/echo", form=make()).json()
        assert echoed["form"] == expected, shape
    echoed = manager.send(
        None, "POST", "/2/echo", form={"a": "b", "count": 200, "id": ["1", "2"], "q": "café"}
    )
    assert echoed.json()["form"] == expected


REFUSED: list[tuple[Any, type[errors.XAuthError], tuple[str, ...]]] = [
    ({"flag": True}, errors.InvalidTypeError, ("'flag'", "bool", "expected a string, a number")),
    ({"n": None}, errors.InvalidTypeError, ("'n'", "NoneType", "expected a string")),
    ({"nested": {"x": 1}}, errors.InvalidTypeError, ("'nested'", "dict")),
    ({"ids": {"1", "2"}}, errors.InvalidTypeError, ("'ids'", "set")),
    ({"id": [["1"]]}, errors.InvalidTypeError, ("'id'", "list holding a value of type list")),
    ({"id": ["1", None]}, errors.InvalidTypeError, ("'id'", "NoneType")),
    ({"k": b"\xff"}, errors.InvalidInputError, ("'k'", "not UTF-8")),
    ({"k": float("nan")}, errors.InvalidInputError, ("'k'", "not finite")),
    ({"k": float("inf")}, errors.InvalidInputError, ("'k'", "not finite")),
    ({1: "a"}, errors.InvalidTypeError, ("key of entry #0", "number", "keys are strings")),
    ({None: "a"}, errors.InvalidTypeError, ("key of entry #0", "NoneType", "keys are strings")),
    ([("a", "b", "c")], errors.InvalidInputError, ("entry #0", "3 items", "a key and a value")),
    ([("a", "b"), ("c",)], errors.InvalidInputError, ("entry #1", "1 items")),
    (["ab"], errors.InvalidTypeError, ("entry #0", "str")),
    ([1], errors.InvalidTypeError, ("entry #0", "int")),
    (5, errors.InvalidTypeError, ("expected a mapping", "got int")),
    (b"a=b", errors.InvalidTypeError, ("expected a mapping", "got bytes")),
    ("a=%zz", errors.InvalidInputError, ("percent-encoding",)),
]


def _form_calls(form: Any) -> dict[str, Callable[[], Any]]:
    x = x_api_auth.XAuth()
    return {
        "OAuth1.sign": lambda: signer().sign("POST", URL, form=form, **FIXED),
        "OAuth1.authorization_header": lambda: signer().authorization_header("POST", URL, form=form),
        "XAuth.send": lambda: x.send(signer(), "POST", "/2/echo", form=form),
    }


@pytest.mark.parametrize("form,error,words", REFUSED, ids=[repr(r[0])[:30] for r in REFUSED])
def test_refused_forms_name_the_argument_the_key_and_the_type(
    form: Any, error: type[errors.XAuthError], words: tuple[str, ...]
) -> None:
    for name, call in _form_calls(form).items():
        with pytest.raises(error) as info:
            call()
        assert info.value.code == "X_INVALID_INPUT", name
        assert info.value.field == "form", name
        message = str(info.value)
        assert message.startswith("invalid form: "), (name, message)
        for word in words:
            assert word in message, (name, message)
    if not isinstance(form, (str, bytes)):
        with pytest.raises(error) as info:
            x_api_auth.authorize(signer(), "POST", URL, body=form)
        assert info.value.field == "body" and str(info.value).startswith("invalid body: ")


def test_token_manager_send_refuses_forms_the_same_way(manager: Any) -> None:
    with pytest.raises(errors.InvalidTypeError, match="key 'flag' has a value of type bool") as info:
        manager.send(None, "POST", "/2/echo", form={"flag": True})
    assert info.value.field == "form"


def test_conflicting_arguments_are_refused_naming_both(manager: Any) -> None:
    calls = {
        "form_body": lambda: signer().sign("POST", URL, form={"a": "b"}, form_body="a=b"),
        "form_body ": lambda: signer().authorization_header("POST", URL, form=[("a", "b")], form_body="a=b"),
        "json_body": lambda: x_api_auth.XAuth().send(signer(), "POST", "/2/x", form={"a": "b"}, json_body={}),
        "json_body  ": lambda: manager.send(None, "POST", "/2/echo", form={"a": "b"}, json_body={"a": 1}),
    }
    for other, call in calls.items():
        with pytest.raises(errors.InvalidInputError) as info:
            call()
        assert info.value.field == "form"
        assert "form" in str(info.value) and other.strip() in str(info.value)
    # An empty form is no form: nothing to conflict with.
    assert signer().sign("POST", URL, form=[], form_body="a=b", **FIXED).base_string == (
        signer().sign("POST", URL, form_body="a=b", **FIXED).base_string
    )
    with pytest.raises(errors.InvalidInputError, match="content_type") as info:
        x_api_auth.authorize(signer(), "POST", URL, content_type="application/json", body={"a": "b"})
    assert info.value.field == "body"


def test_other_body_types_of_authorize_are_refused() -> None:
    for body in (5, 1.5, object()):
        with pytest.raises(errors.InvalidTypeError, match="expected str, bytes, a mapping") as info:
            x_api_auth.authorize(signer(), "POST", URL, body=body)
        assert info.value.field == "body"
    with pytest.raises(errors.InvalidTypeError, match="expected str or bytes, got int"):
        x_api_auth.authorize(signer(), "POST", URL, content_type=5)  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidTypeError, match="got int") as info:
        x_api_auth.authorize(5, "POST", URL)  # type: ignore[arg-type]
    assert info.value.field == "credential"


# Scopes


def _start(scopes: Any) -> Any:
    return x_api_auth.XAuth().start_authorization(x_api_auth.OAuth2Client("client-id"), CALLBACK, scopes)


def _scope_of(pending: Any) -> str:
    query = pending.url.split("?", 1)[1]
    return dict(p.split("=", 1) for p in query.split("&"))["scope"].replace("%20", " ")


@pytest.mark.parametrize(
    "scopes",
    [
        ["tweet.read", "users.read", "offline.access"],
        ("tweet.read", "users.read", "offline.access"),
        "tweet.read users.read offline.access",
        "  tweet.read,users.read  offline.access ",
        ["tweet.read users.read", "offline.access"],
        (s for s in ["tweet.read", "users.read", "offline.access", "users.read"]),
        {"tweet.read": 1, "users.read": 2, "offline.access": 3},
    ],
    ids=["list", "tuple", "one string", "commas and spaces", "mixed", "generator", "dict keys"],
)
def test_scopes_as_a_list_or_one_string(scopes: Any) -> None:
    assert _scope_of(_start(scopes)) == "tweet.read users.read offline.access"


def test_every_scope_of_x_is_accepted() -> None:
    assert _scope_of(_start(X_SCOPES)) == " ".join(X_SCOPES)


def test_an_unknown_scope_is_refused_with_x_scopes_listed() -> None:
    with pytest.raises(errors.InvalidInputError) as info:
        _start("tweet.read tweet.reed")
    assert info.value.code == "X_INVALID_INPUT" and info.value.field == "scopes"
    message = str(info.value)
    assert '"tweet.reed" is not one of X\'s scopes (did you mean tweet.read?)' in message
    assert all(scope in message for scope in X_SCOPES), message
    assert "custom:" in message


def test_a_scope_x_added_later_passes_as_custom() -> None:
    pending = _start(["tweet.read", "custom:tweet.summarize"])
    assert _scope_of(pending) == "tweet.read tweet.summarize"
    with pytest.raises(errors.InvalidInputError, match="names no scope"):
        _start("custom:")


@pytest.mark.parametrize(
    "scopes,words",
    [
        (5, ("expected a list of scope names or one space-separated str", "got int")),
        (None, ("got NoneType",)),
        (b"tweet.read", ("got bytes",)),
        (["tweet.read", 5], ("item #1 is of type int",)),
    ],
)
def test_scopes_of_the_wrong_type_name_the_argument(scopes: Any, words: tuple[str, ...]) -> None:
    with pytest.raises(errors.InvalidTypeError) as info:
        _start(scopes)
    assert info.value.field == "scopes"
    assert all(word in str(info.value) for word in words), str(info.value)


def test_a_token_takes_its_granted_scopes_as_a_list_or_one_string() -> None:
    from_string = x_api_auth.OAuth2UserToken("at", None, None, "tweet.read users.read")
    from_list = x_api_auth.OAuth2UserToken("at", None, None, ["tweet.read", "users.read"])
    assert from_string.scopes == from_list.scopes == ["tweet.read", "users.read"]
    # A granted scope is kept as X names it, also one newer than this release.
    assert x_api_auth.OAuth2UserToken("at", scopes="space.write custom:x").scopes == ["space.write", "x"]
    with pytest.raises(errors.InvalidTypeError):
        x_api_auth.OAuth2UserToken("at", scopes=5)  # type: ignore[arg-type]


# A login in progress


def test_the_consent_url_survives_to_compact_and_from_compact() -> None:
    pending = _start("tweet.read")
    restored = x_api_auth.PendingAuthorization.from_compact(pending.to_compact())
    assert restored.url == pending.url and restored.url.startswith("https://x.com/i/oauth2/authorize?")
    assert restored.to_compact() == pending.to_compact()
    with pytest.raises(errors.InvalidInputError, match="earlier version"):
        x_api_auth.PendingAuthorization.from_compact(
            "xpa1.c3RhdGUKdmVyaWZpZXIKaHR0cHM6Ly9hcHAuZXhhbXBsZS9jYg"
        )


def test_a_restored_login_finishes(x_sandbox: Sandbox) -> None:
    from x_api_auth.testing import approve_consent

    x, client = x_sandbox.xauth(), x_sandbox.client()
    kept = x.start_authorization(client, CALLBACK, "tweet.read users.read offline.access").to_compact()
    pending = x_api_auth.PendingAuthorization.from_compact(kept)
    token = x.finish_authorization(client, pending, approve_consent(pending.url))
    assert token.scopes == ["tweet.read", "users.read", "offline.access"]


# Reprs


def _reads_as_python(text: str) -> None:
    """``Class(arg, name=value, ...)`` where every value is a Python literal ([redacted]
    marks a secret) or such a call."""
    tree = ast.parse(text.replace("[redacted]", "None"), mode="eval").body
    assert isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name), text
    for node in [*tree.args, *(k.value for k in tree.keywords)]:
        if isinstance(node, ast.Call):
            _reads_as_python(ast.unparse(node))
        else:
            ast.literal_eval(node)


def test_every_repr_reads_as_python(x_sandbox: Sandbox, tmp_path: pathlib.Path) -> None:
    x = x_sandbox.xauth()
    consumer = x_sandbox.consumer_keys
    request_token = x.request_token(consumer, CALLBACK)
    from x_api_auth.testing import approve_consent

    verifier = x.parse_callback(approve_consent(x.authorize_url(request_token)), request_token)
    store = x_api_auth.open_store(f"file:{tmp_path}/it's.json")
    objects = [
        consumer,
        x_sandbox.owner_token,
        x_api_auth.OAuth2Client("id"),
        x_api_auth.OAuth2Client("id", "secret"),
        x_api_auth.BearerToken("bearer"),
        x_api_auth.OAuth2UserToken("at"),
        x_api_auth.OAuth2UserToken("at", "rt", 1796019589.75, "tweet.read"),
        x_api_auth.OAuth2UserToken("at", None, 2e9, []),
        signer(),
        x_api_auth.OAuth1("key", "secret"),
        signer().sign("GET", "https://api.x.com/2/users/me"),
        request_token,
        x.access_token(consumer, request_token, verifier),
        _start("tweet.read"),
        x_api_auth.CallbackServer("http://127.0.0.1:0/callback"),
        store,
        x_api_auth.TokenManager(x, store, "reprs"),
    ]
    for obj in objects:
        text = repr(obj)
        assert "Some(" not in text and "true" not in text and "false" not in text, text
        _reads_as_python(text)
    token = x_api_auth.OAuth2UserToken("at", None, 2e9, "tweet.read")
    assert "expires_at=2000000000.0, scopes=['tweet.read']" in repr(token)
    assert repr(x_api_auth.OAuth1("k", "s")).startswith("OAuth1(consumer_key='k', token=None,")
    assert "confidential=True" in repr(x_api_auth.OAuth2Client("id", "secret"))
