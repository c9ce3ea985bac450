"""Leak canaries over the shared list of output paths (``tests/leaks/output-paths.json``):
a canary secret in every credential, searched for in everything each path shows. Rust
(crates/x-api-auth/tests/it/leak_canaries.rs) and Node walk the same list.

A Python "text" is whatever a person or a program gets to see: ``repr()``, ``str()``,
``format()``; for an exception also its ``args``, every public attribute, its notes, the
``__cause__``/``__context__`` chain and the ``traceback.format_exception`` text."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import pathlib
import signal
import socket
import subprocess
import threading
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest
import x_api_auth
from x_api_auth import (
    AccessToken,
    BearerToken,
    ConsumerKeys,
    OAuth1,
    OAuth2Client,
    OAuth2UserToken,
    PendingAuthorization,
    TokenManager,
    XAuth,
)
from x_api_auth.errors import InternalError
from x_api_auth.testing import CALLBACK, Sandbox, approve_consent

ROOT = pathlib.Path(__file__).resolve().parents[3]
LIST = json.loads((ROOT / "tests" / "leaks" / "output-paths.json").read_text(encoding="utf-8"))
MARKER: str = LIST["canary"]
"""The canary marker, read from the list: this file's source never holds it, so a traceback
quoting a line of this file cannot trip the search."""

SCOPES = ["tweet.read", "users.read", "offline.access"]


def canary(what: str) -> str:
    """A secret holding the canary, distinct per use so that a leak names its source."""
    return f"CANARY{what}{MARKER}CANARY"


def is_panic(error: BaseException) -> bool:
    """A Rust panic that reached Python: pyo3's PanicException, or the facade's InternalError."""
    return isinstance(error, InternalError) or any(
        cls.__name__ == "PanicException" for cls in type(error).__mro__
    )


class Shown:
    """What one path showed: each text, with its source (a call, a value) and its form."""

    def __init__(self, panics: list[tuple[str, str]]) -> None:
        self.texts: list[tuple[str, str, str]] = []
        self.panics = panics
        self.unexpected: list[str] = []

    def text(self, what: str, text: str, form: str = "text") -> None:
        self.texts.append((what, form, text))

    def value(self, what: str, value: Any) -> None:
        """``repr()``, ``str()`` and ``format()`` of a value."""
        self.text(what, repr(value), "repr()")
        self.text(what, str(value), "str()")
        self.text(what, format(value, ""), "format()")

    def error(self, what: str, error: BaseException, seen: set[int] | None = None) -> None:
        """Every text of an exception, and of the exceptions chained to it."""
        seen = set() if seen is None else seen
        if id(error) in seen:
            return
        seen.add(id(error))
        what = f"{what} {type(error).__name__}"
        if is_panic(error):
            self.panics.append((what, str(error)))
            self.panics.append((f"{what} repr()", repr(error)))
        self.value(what, error)
        for i, arg in enumerate(error.args):
            self.text(what, arg if isinstance(arg, str) else repr(arg), f"args[{i}]")
        for name in sorted(set(dir(error)) | set(vars(error))):
            if name.startswith("_"):
                continue
            attribute = getattr(error, name, None)
            if attribute is None or callable(attribute):
                continue
            self.text(what, str(attribute), f".{name}")
            self.text(what, repr(attribute), f"repr(.{name})")
        for i, note in enumerate(getattr(error, "__notes__", None) or []):
            self.text(what, str(note), f"__notes__[{i}]")
        trace = traceback.format_exception(type(error), error, error.__traceback__)
        self.text(what, "".join(trace), "format_exception")
        self.text(what, "".join(traceback.format_exception_only(type(error), error)), "format_exception_only")
        for link in ("__cause__", "__context__"):
            chained = getattr(error, link)
            if chained is not None:
                self.error(f"{what} {link}", chained, seen)

    def call(self, what: str, run: Callable[[], Any]) -> Any:
        """Runs ``run`` and shows its result, or its error."""
        try:
            result = run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # noqa: BLE001 - a PanicException is a BaseException
            self.error(what, error)
            return None
        self.value(what, result)
        return result

    def fails(self, what: str, run: Callable[[], Any]) -> None:
        """Runs ``run``, which must fail, and shows its error. What it would return instead (a
        header, a signature) holds secrets by design, so it is not shown; the call is counted
        in ``unexpected`` for the test to report."""
        try:
            run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # noqa: BLE001 - a PanicException is a BaseException
            self.error(what, error)
            return
        self.unexpected.append(what)

    def leaks(self, secrets: list[str]) -> list[str]:
        """The sources whose texts hold the marker or a secret the sandbox issued: one line
        each, with the forms that showed it and the first such text."""
        found: dict[str, tuple[list[str], str]] = {}
        for what, form, text in self.texts:
            if MARKER in text or any(secret and secret in text for secret in secrets):
                found.setdefault(what, ([], text))[0].append(form)
        return [f"{what} ({', '.join(forms)}): {text[:400]!r}" for what, (forms, text) in found.items()]


class World:
    """The sandbox and what the walk learns: the secrets the sandbox issued, the panics seen."""

    def __init__(self, sandbox: Sandbox, tmp: pathlib.Path, fake_x: str) -> None:
        self.sandbox = sandbox
        self.x = sandbox.xauth()
        self.tmp = tmp
        self.fake_x = fake_x
        self.panics: list[tuple[str, str]] = []
        self.stderr = ""
        app = sandbox.app
        # The sandbox app's own secrets: no path shows them either.
        self.secrets: list[str] = [app["consumer_secret"], app["access_token_secret"]]
        self.secrets += [c["client_secret"] for c in app["clients"] if c.get("client_secret")]

    def login(self) -> OAuth2UserToken:
        """A user token from the PKCE flow, consent approved; its secrets join ``secrets``."""
        client = self.sandbox.client()
        pending = self.x.start_authorization(client, CALLBACK, SCOPES)
        token = self.x.finish_authorization(client, pending, approve_consent(pending.url))
        self.issued(token)
        return token

    def issued(self, token: OAuth2UserToken) -> None:
        self.secrets.append(token.access_token())
        refresh = token.refresh_token()
        if refresh:
            self.secrets.append(refresh)


class FakeX(BaseHTTPRequestHandler):
    """A look-alike of X whose answers carry canary secrets: the flows then return credentials
    holding the canary (what Rust builds with ``RequestToken::parse`` and the like)."""

    ANSWERS = {
        "/oauth/request_token": (
            "application/x-www-form-urlencoded",
            f"oauth_token=t&oauth_token_secret={canary('rts')}&oauth_callback_confirmed=true",
        ),
        "/oauth/access_token": (
            "application/x-www-form-urlencoded",
            f"oauth_token=1-t&oauth_token_secret={canary('ats')}&user_id=1&screen_name=canary_user",
        ),
        "/oauth2/token": (
            "application/json",
            json.dumps({"token_type": "bearer", "access_token": canary("bearer")}),
        ),
        "/2/oauth2/token": (
            "application/json",
            json.dumps(
                {
                    "token_type": "bearer",
                    "access_token": canary("access"),
                    "refresh_token": canary("refresh"),
                    "expires_in": 7200,
                    "scope": " ".join(SCOPES),
                }
            ),
        ),
    }

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.rfile.read(int(self.headers.get("content-length") or 0))
        content_type, body = self.ANSWERS.get(self.path.split("?")[0], ("text/plain", "not found"))
        data = body.encode()
        self.send_response(200 if body != "not found" else 404)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def fake_x() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeX)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


CONSENT = "https://x.com/i/oauth2/authorize?response_type=code"
"""The consent URL of the pending authorizations made here (to_compact keeps it)."""


def canary_pending() -> PendingAuthorization:
    """A pending authorization whose state and verifier hold the canary (a valid verifier:
    43 to 128 unreserved characters)."""
    verifier = f"{canary('verifier')}-{'0' * 24}"
    joined = f"{canary('state')}\n{verifier}\n{CONSENT}\n{CALLBACK}"
    compact = base64.urlsafe_b64encode(joined.encode()).decode().rstrip("=")
    return PendingAuthorization.from_compact(f"xpa2.{compact}")


class CorruptStore:
    """An application's store (for ``custom_store``) whose one record is corrupt: its access
    token stands where a map goes."""

    location = "corrupt:"

    def load(self, key: str) -> str:
        record = {"type": "user", "user_id": "1", "oauth2": canary("document")}
        return json.dumps({"format": 2, "generation": 1, "record": record})

    def lock(self, key: str, wait: float) -> None:
        return None

    def list(self, profile: str | None = None) -> list[str]:
        return ["default/users/1"]


# --- the checks, one per path of the list -------------------------------------------------


def credential_text(world: World, shown: Shown) -> None:
    keys = ConsumerKeys("public-key", canary("cs"))
    shown.value("ConsumerKeys", keys)
    token = AccessToken("1-public", canary("ts"))
    shown.value("AccessToken", token)
    shown.value("OAuth2Client", OAuth2Client("id", canary("client")))
    shown.value("BearerToken", BearerToken(canary("bearer")))
    shown.value("OAuth2UserToken", OAuth2UserToken(canary("access"), canary("refresh"), 1.0, ["tweet.read"]))
    shown.value("OAuth1.from_credentials", OAuth1.from_credentials(keys, token))
    for method in ("HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT"):
        signer = OAuth1(
            "public-key", canary("cs"), "1-public", canary("ts"), method, realm="https://api.x.com"
        )
        shown.value(f"OAuth1 {method}", signer)
        signed = signer.sign("POST", "https://api.x.com/2/tweets", form={"status": "hi"}, verifier="pin")
        shown.value(f"SignedRequest {method}", signed)
        shown.text(f"SignedRequest {method} .base_string", signed.base_string)
    pending = XAuth().start_authorization(OAuth2Client("id"), CALLBACK, ["tweet.read"])
    shown.value("PendingAuthorization", pending)
    shown.value("PendingAuthorization from_compact", canary_pending())
    # RequestToken and AccessTokenResponse have no constructor: a look-alike of X hands out
    # ones holding the canary.
    x = XAuth(world.fake_x, world.fake_x, 5.0)
    request_token = x.request_token(ConsumerKeys("ck", canary("cs")), "oob")
    shown.value("RequestToken", request_token)
    granted = x.access_token(ConsumerKeys("ck", canary("cs")), request_token, "1234567")
    shown.value("AccessTokenResponse", granted)
    shown.value("AccessTokenResponse .access_token", granted.access_token)
    shown.value("canary BearerToken from obtain_bearer", x.obtain_bearer(ConsumerKeys("ck", canary("cs"))))
    client = OAuth2Client("id", canary("client"))
    shown.value("canary OAuth2UserToken from refresh", x.refresh(client, OAuth2UserToken("a", "r")))


def flow_result_text(world: World, shown: Shown) -> None:
    x, sandbox = world.x, world.sandbox
    consumer = sandbox.consumer_keys
    bearer = x.obtain_bearer(consumer)
    world.secrets.append(bearer.secret())
    shown.value("obtained BearerToken", bearer)
    shown.value("ApiResponse (bearer)", x.send(bearer, "GET", "/2/users/by/username/sandbox_user"))
    request_token = x.request_token(consumer, "oob")
    world.secrets.append(request_token.secret())
    shown.value("RequestToken", request_token)
    # 3-legged OAuth 1.0a with a callback: an AccessTokenResponse the sandbox issued.
    request_token = x.request_token(consumer, CALLBACK)
    world.secrets.append(request_token.secret())
    verifier = x.parse_callback(approve_consent(x.authorize_url(request_token)), request_token)
    granted = x.access_token(consumer, request_token, verifier)
    world.secrets.append(granted.access_token.secret())
    shown.value("AccessTokenResponse", granted)
    shown.value("AccessTokenResponse .access_token", granted.access_token)
    client = sandbox.client()
    pending = x.start_authorization(client, CALLBACK, SCOPES)
    shown.value("PendingAuthorization", pending)
    user = x.finish_authorization(client, pending, approve_consent(pending.url))
    world.issued(user)
    shown.value("OAuth2UserToken", user)
    shown.value("PendingAuthorization finished", pending)
    refreshed = x.refresh(client, user)
    world.issued(refreshed)
    shown.value("refreshed OAuth2UserToken", refreshed)


def invalid_inputs(world: World, shown: Shown) -> None:
    shown.fails("pkce_challenge", lambda: x_api_auth.pkce_challenge(f"{canary('pkce')}+"))
    shown.fails("pkce_challenge long", lambda: x_api_auth.pkce_challenge(f"{canary('pkce')}{'0' * 20}\n"))
    shown.fails("BearerToken header", lambda: BearerToken(f"{canary('bearer')}\r\n").authorization_header())
    shown.fails(
        "OAuth2UserToken header", lambda: OAuth2UserToken(f"{canary('access')}\n").authorization_header()
    )
    shown.fails("OAuth2Client", lambda: OAuth2Client("id\n", f"{canary('client')}\0"))
    shown.fails("OAuth2Client empty id", lambda: OAuth2Client("", canary("client")))
    shown.fails("ConsumerKeys", lambda: ConsumerKeys(f"k{canary('ck')}\n", f"{canary('cs')}\n"))
    shown.fails("AccessToken", lambda: AccessToken(f"1-{canary('at')}\n", f"\0{canary('ts')}"))
    shown.fails("OAuth1", lambda: OAuth1("k\n", f"{canary('cs')}\n", "1-t", f"{canary('ts')}\0"))
    signer = OAuth1("k", canary("cs"), "1-t", canary("ts"))
    shown.fails("OAuth1.sign", lambda: signer.sign("GET", f"https://api.x.com/?a=%{canary('query')}"))
    shown.fails(
        "OAuth1.authorization_header form_body",
        lambda: signer.authorization_header("POST", "https://api.x.com/", form_body=f"a=%{canary('form')}"),
    )
    shown.fails(
        "authorize",
        lambda: x_api_auth.authorize(BearerToken(f"{canary('bearer')}\n"), "GET", "https://api.x.com/"),
    )
    shown.fails(
        "authorize OAuth1",
        lambda: x_api_auth.authorize(signer, "GET", f"https://api.x.com/?a={canary('query')}%zz"),
    )
    shown.fails(
        "verify_webhook_signature",
        lambda: x_api_auth.verify_webhook_signature(canary("cs"), b"body", "sha256=AAAA"),
    )
    shown.fails("from_compact", lambda: PendingAuthorization.from_compact(f"xpa2.{canary('compact')}"))
    joined = f"s\n{canary('verifier')}+{'0' * 24}\n{CONSENT}\n{CALLBACK}"
    bad_verifier = base64.urlsafe_b64encode(joined.encode()).decode().rstrip("=")
    shown.fails("from_compact verifier", lambda: PendingAuthorization.from_compact(f"xpa2.{bad_verifier}"))


def transport_errors(world: World, shown: Shown) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{listener.getsockname()[1]}"
    x = XAuth(dead, dead, 2.0)
    consumer = ConsumerKeys("ck", canary("cs"))
    client = OAuth2Client("id", canary("client"))
    user = OAuth2UserToken(canary("access"), canary("refresh"))
    oauth1 = OAuth1("ck", canary("cs"), "1-t", canary("ts"))
    shown.fails("obtain_bearer", lambda: x.obtain_bearer(consumer))
    shown.fails("request_token", lambda: x.request_token(consumer, "oob"))
    shown.fails("refresh", lambda: x.refresh(client, user))
    shown.fails("revoke", lambda: x.revoke(client, canary("access"), "access_token"))
    shown.fails("invalidate_bearer", lambda: x.invalidate_bearer(consumer, BearerToken(canary("bearer"))))
    shown.fails(
        "invalidate_access_token",
        lambda: x.invalidate_access_token(consumer, AccessToken("1-t", canary("ts"))),
    )
    shown.fails("send bearer", lambda: x.send(BearerToken(canary("bearer")), "GET", "/2/users/me"))
    shown.fails("send user", lambda: x.send(user, "POST", "/2/tweets", json_body={"text": "hi"}))
    shown.fails("users_me oauth1", lambda: x.users_me(oauth1))
    pending = canary_pending()
    shown.fails(
        "finish_authorization",
        lambda: x.finish_authorization(client, pending, f"{CALLBACK}?state={canary('state')}&code=c"),
    )
    shown.fails("obtain_bearer_async", lambda: asyncio.run(x.obtain_bearer_async(consumer)))


def refused_logins(world: World, shown: Shown) -> None:
    x, sandbox = world.x, world.sandbox
    app = sandbox.app
    wrong = ConsumerKeys(app["consumer_key"], canary("cs"))
    shown.fails("obtain_bearer", lambda: x.obtain_bearer(wrong))
    shown.fails("request_token", lambda: x.request_token(wrong, "oob"))
    request_token = x.request_token(sandbox.consumer_keys, "oob")
    world.secrets.append(request_token.secret())
    shown.fails("access_token", lambda: x.access_token(sandbox.consumer_keys, request_token, canary("pin")))
    signer = OAuth1(app["consumer_key"], app["consumer_secret"], app["access_token"], canary("ts"))
    shown.fails("users_me oauth1", lambda: x.users_me(signer))
    shown.fails("invalidate_access_token", lambda: x.invalidate_access_token(wrong, sandbox.owner_token))
    shown.fails("users_me bearer", lambda: x.users_me(BearerToken(canary("bearer"))))
    shown.fails("user_by_username bearer", lambda: x.user_by_username(BearerToken(canary("bearer")), "X"))
    shown.fails("send bearer", lambda: x.send(BearerToken(canary("bearer")), "GET", "/2/users/me"))
    shown.fails(
        "invalidate_bearer",
        lambda: x.invalidate_bearer(sandbox.consumer_keys, BearerToken(canary("bearer"))),
    )
    shown.fails("users_me user", lambda: x.users_me(OAuth2UserToken(canary("access"))))
    stale = OAuth2UserToken(canary("access"), canary("refresh"))
    shown.fails("refresh", lambda: x.refresh(sandbox.client(), stale))
    confidential = OAuth2Client(sandbox.client(True).client_id, canary("client"))
    shown.fails("refresh confidential", lambda: x.refresh(confidential, stale))
    shown.fails("revoke confidential", lambda: x.revoke(confidential, canary("access")))
    pending = x.start_authorization(sandbox.client(), CALLBACK, SCOPES)
    state = pending.url.split("state=")[1].split("&")[0]
    shown.fails(
        "finish_authorization code",
        lambda: x.finish_authorization(
            sandbox.client(), pending, f"{CALLBACK}?state={state}&code={canary('code')}"
        ),
    )


def store_errors(world: World, shown: Shown) -> None:
    directory = world.tmp / "store"
    url = f"file:{directory}"
    store = x_api_auth.open_store(url)
    record = directory / "default" / "users" / "1.json"
    record.parent.mkdir(parents=True)
    corrupt = {
        "truncated": '{"oauth2":{"access_token":"' + canary("record-truncated") + '"',
        "a token where a map goes": json.dumps(
            {"format": 2, "record": {"type": "user", "user_id": "1", "oauth2": canary("record-map")}}
        ),
    }
    for name, text in corrupt.items():
        record.write_text(text, encoding="utf-8")
        record.chmod(0o600)  # else the store refuses it for its mode, before reading it
        shown.fails(f"corrupt record ({name}) export_record", lambda: store.export_record("default", "1"))
        shown.fails(
            f"corrupt record ({name}) access_token", partial(TokenManager(world.x, store).access_token, "1")
        )
        shown.fails(f"import_record ({name})", partial(store.import_record, "other", text))
    application = x_api_auth.custom_store(CorruptStore())
    shown.fails("custom store, corrupt document", partial(application.export_record, "default", "1"))
    record.write_text(corrupt["truncated"], encoding="utf-8")
    record.chmod(0o644)
    shown.fails("record readable by others", lambda: store.export_record("default", "1"))
    shown.fails("store key option", lambda: x_api_auth.open_store(f"{url}?key=hex:{canary('key')}"))
    shown.fails("store option", lambda: x_api_auth.open_store(f"{url}?lock={canary('opt')}"))
    shown.call("redis password", lambda: x_api_auth.open_store(f"redis://user:{canary('pw')}@127.0.0.1:1/0"))
    shown.fails(
        "redis password, option",
        lambda: x_api_auth.open_store(
            f"redis://:{canary('pw')}@127.0.0.1:1/0?prefix=p&lock_ttl_ms={canary('o')}"
        ),
    )
    shown.fails(
        "redis unreachable", lambda: x_api_auth.open_store(f"redis://:{canary('pw')}@127.0.0.1:1/0").list()
    )
    shown.fails("redis bad URL", lambda: x_api_auth.open_store(f"redis://:{canary('pw')}@[bad/0"))
    shown.fails(
        "unknown scheme with password", lambda: x_api_auth.open_store(f"rediss+tls://:{canary('pw')}@h:1/0")
    )
    shown.fails("keyring option", lambda: x_api_auth.open_store(f"keyring:?key={canary('key')}"))
    # An encrypted store, opened with a key that is not a key, then with the wrong key.
    sealed = world.tmp / "sealed"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("X_API_AUTH_STORE_KEY", canary("key"))
        shown.fails("store key not a key", lambda: x_api_auth.open_store(f"file:{sealed}").list())
        env.setenv("X_API_AUTH_STORE_KEY", base64.b64encode(b"k" * 32).decode())
        TokenManager(world.x, x_api_auth.open_store(f"file:{sealed}")).save_login(
            "1", oauth2=OAuth2UserToken(canary("access"), canary("refresh"))
        )
        env.setenv("X_API_AUTH_STORE_KEY", base64.b64encode(b"w" * 32).decode())
        wrong = x_api_auth.open_store(f"file:{sealed}")
        shown.fails("sealed store, wrong key", lambda: wrong.export_record("default", "1"))
        shown.fails(
            "sealed store, wrong key, manager", lambda: TokenManager(world.x, wrong).access_token("1")
        )
        env.delenv("X_API_AUTH_STORE_KEY")
        env.setenv("X_API_AUTH_STORE_PASSPHRASE", canary("passphrase"))
        shown.fails(
            "sealed store, passphrase",
            lambda: x_api_auth.open_store(f"file:{sealed}").export_record("default", "1"),
        )
        env.delenv("X_API_AUTH_STORE_PASSPHRASE")
        shown.fails(
            "sealed store, no key",
            lambda: x_api_auth.open_store(f"file:{sealed}").export_record("default", "1"),
        )


def manager_text(world: World, shown: Shown) -> None:
    events: list[Any] = []
    store = x_api_auth.open_store(f"file:{world.tmp / 'manager'}")
    manager = TokenManager(world.x, store, on_change=events.append)
    manager.set_app_keys(
        consumer=ConsumerKeys("ck", canary("cs")), client=OAuth2Client("id", canary("client"))
    )
    user = world.login()
    shown.value(
        "save_login", manager.save_login("1001", oauth2=user, oauth1=AccessToken("1-t", canary("ts")))
    )
    manager.save_login(
        "5",
        oauth2=OAuth2UserToken(canary("access"), canary("refresh"), None, ["tweet.read"]),
        oauth1=AccessToken("5-t", canary("ts")),
        screen_name="canary_user",
        access_level="read-write",
    )
    shown.value("TokenManager", manager)
    shown.value("TokenManager.store", manager.store)
    shown.value("TokenStore", store)
    shown.value("TokenStore.location", store.location)
    shown.value("list", store.list())
    shown.value("list default", store.list("default"))
    shown.call("export_record app", lambda: store.export_record("default"))
    shown.call("export_record 1001", lambda: store.export_record("default", "1001"))
    shown.call("export_record 5", lambda: store.export_record("default", "5"))
    shown.call("access_token 1001", lambda: manager.access_token("1001"))
    shown.call("access_token 5", lambda: manager.access_token("5"))
    shown.call("bearer (canary app keys)", manager.bearer)
    shown.value("on_change events", events)


def sandbox_requests(base: str) -> list[urllib.request.Request]:
    """Requests carrying canary secrets, each way X takes a secret."""
    form = "application/x-www-form-urlencoded"

    def request(method: str, path: str, authorization: str | None = None, body: str | None = None) -> Any:
        headers = {"content-type": form} if body is not None else {}
        if authorization:
            headers["authorization"] = authorization
        data = body.encode() if body is not None else None
        return urllib.request.Request(f"{base}{path}", data=data, headers=headers, method=method)

    basic = base64.b64encode(f"sandbox-consumer-key:{canary('basic')}".encode()).decode()
    client_basic = base64.b64encode(f"sandbox-confidential-client:{canary('client')}".encode()).decode()
    oauth = f'OAuth oauth_consumer_key="{canary("ck")}", oauth_signature="{canary("sig")}"'
    signed = (
        'OAuth oauth_consumer_key="sandbox-consumer-key", oauth_token="1001-sandboxownertoken", '
        'oauth_signature_method="PLAINTEXT", oauth_timestamp="1", oauth_nonce="n", oauth_version="1.0", '
        f'oauth_signature="{canary("cs")}%26{canary("ts")}"'
    )
    return [
        request("GET", "/2/users/me", f"Bearer {canary('bearer')}"),
        request("GET", "/2/users/me", signed),
        request(
            "POST",
            "/2/oauth2/token",
            body=f"grant_type=refresh_token&refresh_token={canary('refresh')}&client_id=sandbox-public-client",
        ),
        request(
            "POST", "/2/oauth2/token", f"Basic {client_basic}", "grant_type=refresh_token&refresh_token=r"
        ),
        request("POST", "/2/oauth2/revoke", body=f"token={canary('access')}&client_id=sandbox-public-client"),
        request("POST", "/oauth2/token", f"Basic {canary('basic')}", "grant_type=client_credentials"),
        request("POST", "/oauth2/token", f"Basic {basic}", "grant_type=client_credentials"),
        request("POST", "/oauth2/invalidate_token", f"Basic {basic}", f"access_token={canary('bearer')}"),
        request("POST", "/oauth/request_token", oauth),
        request("POST", "/oauth/access_token", oauth, f"oauth_verifier={canary('pin')}"),
    ]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def show_answers(shown: Shown, base: str, label: str) -> None:
    opener = urllib.request.build_opener(_NoRedirect)
    for request in sandbox_requests(base):
        what = f"{label} {request.get_method()} {request.selector}"
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            shown.text(f"{what} status", str(response.status))
            shown.text(f"{what} reason", str(response.reason))
            shown.text(f"{what} headers", str(response.headers))
            shown.text(f"{what} body", response.read().decode("utf-8", "replace"))


def sandbox_binary() -> pathlib.Path | None:
    """The sandbox binary: $X_API_AUTH_SANDBOX_BIN, or the workspace's debug build (as
    test_hostile_server locates it); None when neither is there."""
    if os.environ.get("X_API_AUTH_SANDBOX_BIN"):
        return pathlib.Path(os.environ["X_API_AUTH_SANDBOX_BIN"])
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    triples = [os.environ.get("CARGO_BUILD_TARGET", ""), *(p.name for p in target.glob("*"))]
    for triple in triples:
        if (target / triple / "debug" / "x-api-auth-sandbox").exists():
            return target / triple / "debug" / "x-api-auth-sandbox"
    return None


def sandbox_output(world: World, shown: Shown) -> None:
    show_answers(shown, world.sandbox.base_url, "sandbox")
    binary = sandbox_binary()
    if binary is None:
        return
    process = subprocess.Popen(
        [binary, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())  # the default info line: its own secrets
        show_answers(shown, info["base_url"], "sandbox binary")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    shown.text("sandbox binary stdout after the info line", stdout)
    shown.text("sandbox binary stderr", stderr)


def panic_messages(world: World, shown: Shown) -> None:
    """The panics seen while walking the other paths (none, normally), and what the process
    wrote to stderr meanwhile (where Rust's panic hook prints)."""
    for what, text in world.panics:
        shown.text(f"panic: {what}", text)
    if world.stderr:
        shown.text("stderr during the walk", world.stderr)


CHECKS: dict[str, Callable[[World, Shown], None]] = {
    "credential.text": credential_text,
    "flow_result.text": flow_result_text,
    "error.invalid_input": invalid_inputs,
    "error.transport": transport_errors,
    "error.refused_login": refused_logins,
    "error.store": store_errors,
    "manager.text": manager_text,
    "sandbox.output": sandbox_output,
    "panic.message": panic_messages,  # last: it reports what the others ran into
}
MAY_SHOW_NOTHING = {"panic.message"}


def test_every_listed_output_path_has_a_check() -> None:
    assert sorted(CHECKS) == sorted(LIST["paths"]), "one check per path of tests/leaks/output-paths.json"


def test_no_output_path_shows_a_canary_secret(
    x_sandbox: Sandbox,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    for name in ("X_API_AUTH_STORE", "X_API_AUTH_STORE_KEY", "X_API_AUTH_STORE_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    walked: dict[str, Shown] = {}
    with fake_x() as fake:
        world = World(x_sandbox, tmp_path, fake)
        for path, check in CHECKS.items():
            if path == "panic.message":
                captured = capfd.readouterr()
                world.stderr = captured.err
            walked[path] = shown = Shown(world.panics)
            check(world, shown)

    assert sorted(walked) == sorted(LIST["paths"]), "every listed output path is walked"
    unexpected = [f"{path}: {what}" for path, shown in walked.items() for what in shown.unexpected]
    assert not unexpected, f"these calls were to fail and did not: {unexpected}"
    broken = [path for path, shown in walked.items() if not shown.texts and path not in MAY_SHOW_NOTHING]
    assert not broken, f"these paths showed nothing: their walk is broken: {broken}"
    with capfd.disabled():
        counts = ", ".join(f"{path} {len(shown.texts)}" for path, shown in walked.items())
        print(f"\nleak canaries: texts checked per path: {counts}")
    leaks = [f"[{path}] {leak}" for path, shown in walked.items() for leak in shown.leaks(world.secrets)]
    assert not leaks, "leaks:\n" + "\n".join(leaks)
