"""Bad input gets a typed XAuthError; secrets never show in repr/str; the stubs match."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
import x_api_auth
from x_api_auth import errors

CANARY = "CANARY0secret0c4n4ry0CANARY0secret0c4n4ry0x"


@pytest.mark.parametrize(
    "call",
    [
        lambda: x_api_auth.OAuth1(1, "secret"),
        lambda: x_api_auth.OAuth1("key", None),
        lambda: x_api_auth.ConsumerKeys("key", b"secret"),
        lambda: x_api_auth.OAuth1("k", "s").authorization_header("GET", 42),
        lambda: x_api_auth.OAuth1("k", "s").authorization_header("POST", "https://api.x.com/", form=[(1, 2)]),
        lambda: x_api_auth.XAuth().users_me("not a credential"),
        lambda: x_api_auth.percent_encode(None),
    ],
)
def test_wrong_types_raise_invalid_type_error(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(errors.InvalidTypeError) as info:
        call()
    assert isinstance(info.value, TypeError) and isinstance(info.value, errors.XAuthError)


def test_wrong_type_names_the_argument() -> None:
    with pytest.raises(errors.InvalidTypeError) as info:
        x_api_auth.OAuth1(1, "secret")
    if sys.version_info >= (3, 11):
        assert info.value.field == "consumer_key"
        assert "consumer_key" in str(info.value)


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: x_api_auth.OAuth1("", "s"), "consumer key"),
        (lambda: x_api_auth.OAuth1("k", "s").authorization_header("GET", "/relative"), "url"),
        (lambda: x_api_auth.OAuth1("k", "s").authorization_header("GET", "https://a.b/\r\n"), "url"),
        (
            lambda: x_api_auth.OAuth1("k", "s").authorization_header(
                "POST", "https://a.b/", form_body="a=%zz"
            ),
            "form body",
        ),
        (lambda: x_api_auth.OAuth1("k", "s", signature_method="RSA-SHA1"), "signature method"),
        (lambda: x_api_auth.OAuth1("k", "s", "token-without-secret"), "token"),
        (lambda: x_api_auth.pkce_challenge("short"), "PKCE code verifier"),
        (lambda: x_api_auth.PendingAuthorization.from_compact("garbage"), "pending authorization"),
        (
            lambda: x_api_auth.OAuth1("k", "s").authorization_header("GET", "https://a.b/", timestamp=-1),
            "timestamp",
        ),
        (
            lambda: x_api_auth.OAuth1("k", "s").authorization_header("GET", "https://a.b/", timestamp=2**70),
            "timestamp",
        ),
        (lambda: x_api_auth.XAuth(simulated_clock_skew=2**70), "simulated_clock_skew"),
    ],
)
def test_bad_values_raise_invalid_input_error(call, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(errors.InvalidInputError) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert info.value.code == "X_INVALID_INPUT"
    if field in ("timestamp", "simulated_clock_skew") and sys.version_info < (3, 11):
        return  # PyO3 names arguments in exception notes, which exist from 3.11
    assert info.value.field == field


def test_bytes_that_are_not_utf8_and_odd_numbers() -> None:
    with pytest.raises(errors.XAuthError):
        x_api_auth.ConsumerKeys("k", b"\xff\xfe")  # type: ignore[arg-type]
    token = x_api_auth.OAuth2UserToken("at", None, float("nan"))
    assert token.expires_at is None
    assert token.expires_within(float("nan")) is False
    with pytest.raises(errors.XAuthError):
        x_api_auth.XAuth(timeout=-1)


def test_missing_environment_variable_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_API_KEY", raising=False)
    with pytest.raises(errors.ConfigurationError, match="X_API_KEY"):
        x_api_auth.ConsumerKeys.from_env()


def test_secrets_never_in_repr_or_str() -> None:
    objects = [
        x_api_auth.ConsumerKeys("public-key", CANARY),
        x_api_auth.AccessToken("1-public", CANARY),
        x_api_auth.OAuth2Client("id", CANARY),
        x_api_auth.BearerToken(CANARY),
        x_api_auth.OAuth2UserToken(CANARY, CANARY, 1e9, ["tweet.read"]),
        x_api_auth.OAuth1("key", CANARY, "1-token", CANARY),
        x_api_auth.OAuth1("key", CANARY, "1-token", CANARY, "PLAINTEXT").sign("GET", "https://api.x.com/"),
    ]
    for obj in objects:
        for text in (repr(obj), str(obj)):
            assert "c4n4ry" not in text, text
    assert x_api_auth.BearerToken(CANARY).secret() == CANARY


def test_type_stubs_match_the_runtime() -> None:
    root = pathlib.Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "x_api_auth"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_forked_child_never_repeats_its_parents_nonces() -> None:
    """Nonces come from a per-thread pool of random bytes; a forked child inherits a copy
    of it, and must refill before its first nonce, or parent and child would sign with
    the same nonces (X refuses a repeated nonce)."""
    signer = x_api_auth.OAuth1("key", "secret", "token", "token-secret")

    def nonces(n: int) -> list[str]:
        out = []
        for _ in range(n):
            header = signer.authorization_header("GET", "https://api.x.com/2/users/me")
            out.append(header.split('oauth_nonce="', 1)[1].split('"', 1)[0])
        return out

    nonces(3)  # the parent's pool is filled and partly used
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(write, " ".join(nonces(100)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = pipe.read().split()
    os.waitpid(pid, 0)
    parent = nonces(100)
    assert len(child) == 100
    assert not set(child) & set(parent), "a forked child repeated its parent's nonces"
    assert all(len(n) == 32 and int(n, 16) >= 0 for n in child + parent)
