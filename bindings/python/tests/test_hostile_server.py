"""Every flow against every case of the hostile look-alike of X
(``x-api-auth-sandbox --hostile``): each ends as ``tests/hostile/cases.json``
says (shared with Rust and Node), with a typed error, within the timeout."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import x_api_auth
from x_api_auth.errors import XAuthError

ROOT = pathlib.Path(__file__).resolve().parents[3]
CASES = json.loads((ROOT / "tests" / "hostile" / "cases.json").read_text(encoding="utf-8"))


def sandbox_binary() -> pathlib.Path:
    """The sandbox binary: $X_API_AUTH_SANDBOX_BIN, or the workspace's debug build."""
    if os.environ.get("X_API_AUTH_SANDBOX_BIN"):
        return pathlib.Path(os.environ["X_API_AUTH_SANDBOX_BIN"])
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    triples = [os.environ.get("CARGO_BUILD_TARGET", ""), *(p.name for p in target.glob("*"))]
    for triple in triples:
        if (target / triple / "debug" / "x-api-auth-sandbox").exists():
            return target / triple / "debug" / "x-api-auth-sandbox"
    raise AssertionError("no sandbox binary: run `cargo build -p x-api-auth-sandbox` first")


@pytest.fixture(scope="module")
def hostile_url() -> Iterator[str]:
    command = [sandbox_binary(), "--hostile", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert sorted(info["cases"]) == sorted(CASES["cases"]), "cases.json lists every case of the server"
        yield info["url"]
    finally:
        process.kill()
        process.wait()


def flows(url: str) -> dict[str, Callable[[x_api_auth.XAuth], Any]]:
    """Each flow of cases.json, run against one client."""
    consumer = x_api_auth.ConsumerKeys("ck", "cs")
    client = x_api_auth.OAuth2Client("id", "secret")
    token = x_api_auth.OAuth2UserToken("access", "refresh")
    # A request token from the case that answers the OAuth 1.0a endpoints well.
    request_token = x_api_auth.XAuth(f"{url}/huge-expires-in", f"{url}/huge-expires-in").request_token(
        consumer, "oob"
    )
    access = x_api_auth.AccessToken("1-t", "s")

    def finish(x: x_api_auth.XAuth) -> Any:
        pending = x.start_authorization(client, "http://127.0.0.1/cb", ["tweet.read"])
        state = pending.url.split("state=")[1].split("&")[0]
        return x.finish_authorization(client, pending, f"http://127.0.0.1/cb?state={state}&code=c")

    return {
        "obtain_bearer": lambda x: x.obtain_bearer(consumer),
        "invalidate_bearer": lambda x: x.invalidate_bearer(consumer, x_api_auth.BearerToken("AAAA")),
        "request_token": lambda x: x.request_token(consumer, "oob"),
        "access_token": lambda x: x.access_token(consumer, request_token, "1234567"),
        "invalidate_access_token": lambda x: x.invalidate_access_token(consumer, access),
        "finish_authorization": finish,
        "refresh": lambda x: x.refresh(client, token),
        "revoke": lambda x: x.revoke(client, "access"),
        "user_by_username_bearer": lambda x: x.send(
            x_api_auth.BearerToken("AAAA"), "GET", "/2/users/by/username/XDevelopers"
        ).json(),
        "users_me_oauth1": lambda x: x.users_me(x_api_auth.OAuth1("ck", "cs", "1-t", "s")),
    }


def outcome(run: Callable[[x_api_auth.XAuth], Any], x: x_api_auth.XAuth) -> tuple[str, float, str]:
    started = time.monotonic()
    try:
        run(x)
        return "ok", time.monotonic() - started, ""
    except XAuthError as e:
        return e.code, time.monotonic() - started, str(e)
    except BaseException as e:  # noqa: BLE001 - an escape is what this test looks for
        return f"escaped {type(e).__name__}: {e}"[:300], time.monotonic() - started, ""


def test_every_flow_meets_every_hostile_case_with_the_expected_typed_error(hostile_url: str) -> None:
    runs = flows(hostile_url)
    assert sorted(runs) == sorted(CASES["flows"])
    timeout = CASES["timeout_secs"]
    mismatches = []
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        for case, expected in CASES["cases"].items():
            base = f"{hostile_url}/{case}"
            x = x_api_auth.XAuth(base, base, timeout=timeout)
            results = dict(zip(runs, pool.map(outcome, runs.values(), [x] * len(runs))))
            for flow, (got, took, message) in results.items():
                want = expected.get(flow, expected.get("*"))
                if got != want:
                    mismatches.append(f"{case} / {flow}: got {got}, want {want}")
                assert len(message) < 2_000, f"{case} / {flow}: a message of {len(message)} characters"
                assert took < timeout + 2, f"{case} / {flow} took {took:.1f} s"
    assert not mismatches, "\n".join(mismatches)
