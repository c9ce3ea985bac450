"""The public surface: one exception class per stable code, stubs that export
what the package exports, and the core's header logic behind ``authorize``."""

from __future__ import annotations

import ast
import inspect
import pathlib
import re

import pytest
import x_api_auth
from x_api_auth import _native, errors

PACKAGE = pathlib.Path(x_api_auth.__file__).parent


def test_every_core_code_has_exactly_one_class() -> None:
    assert set(errors.CLASS_BY_CODE) == set(_native.ERROR_CODES)
    for code, cls in errors.CLASS_BY_CODE.items():
        assert cls.code == code
        assert issubclass(cls, errors.XAuthError)


def test_unauthorized_client_is_its_own_class_and_still_forbidden() -> None:
    e = x_api_auth.parse_error(
        401, b'{"error":"unauthorized_client","error_description":"Missing valid authorization header"}'
    )
    assert type(e) is errors.UnauthorizedClientError
    assert isinstance(e, errors.ForbiddenError)
    assert e.code == "X_UNAUTHORIZED_CLIENT"
    assert e.status == 401 and e.error == "unauthorized_client" and e.hint


def test_errors_carry_the_cores_fields_by_their_names() -> None:
    e = x_api_auth.parse_error(401, b'{"errors":[{"code":89,"message":"Invalid or expired token."}]}')
    assert (e.code, e.x_code, e.status, e.api_message) == (
        "X_INVALID_TOKEN",
        89,
        401,
        "Invalid or expired token.",
    )
    assert e.kind == "invalid_token" and e.hint


def _all_of(path: pathlib.Path) -> set[str]:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"no __all__ in {path}")


def test_stub_and_package_export_the_same_names() -> None:
    assert _all_of(PACKAGE / "__init__.pyi") == _all_of(PACKAGE / "__init__.py") == set(x_api_auth.__all__)
    public = {n for n in dir(_native) if not n.startswith("_")}
    assert _all_of(PACKAGE / "_native.pyi") == public | {"__version__"}


def test_constructors_show_their_native_arguments() -> None:
    assert list(inspect.signature(x_api_auth.XAuth).parameters) == [
        "api_base",
        "web_base",
        "timeout",
        "simulated_clock_skew",
        "insecure_allow_http",
        "user_agent",
        "proxy",
        "ca_certs",
        "wait_on_rate_limit",
    ]


@pytest.mark.parametrize(
    ("content_type", "body", "signed"),
    [
        ("application/x-www-form-urlencoded", b"status=hi", True),
        ("APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8", "status=hi", True),
        (b"application/x-www-form-urlencoded", b"status=hi", True),
        ("application/json", b'{"status":"hi"}', False),
        (None, b"status=hi", False),
    ],
)
def test_authorize_signs_form_bodies_only(content_type: object, body: object, signed: bool) -> None:
    oauth1 = x_api_auth.OAuth1("ck", "cs", "1-t", "ts")
    url = "https://api.x.com/1.1/statuses/update.json"
    header = x_api_auth.authorize(oauth1, "POST", url, content_type=content_type, body=body)  # type: ignore[arg-type]
    params = dict(re.findall(r'(\w+)="([^"]*)"', header))
    nonce, timestamp = params["oauth_nonce"], int(params["oauth_timestamp"])
    form = {"status": "hi"} if signed else None
    assert header == oauth1.authorization_header("POST", url, form=form, nonce=nonce, timestamp=timestamp)


def test_authorize_gives_each_credentials_header() -> None:
    token = x_api_auth.OAuth2UserToken("user-token")
    assert x_api_auth.authorize(token, "GET", "https://api.x.com/2/users/me") == "Bearer user-token"
    assert token.authorization_header() == "Bearer user-token"
    with pytest.raises(errors.InvalidInputError):
        x_api_auth.authorize(x_api_auth.BearerToken("a\r\nb"), "GET", "https://api.x.com/2/users/me")


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(errors.InsecureTransportError) as caught:
        x_api_auth.XAuth("http://api.x.com")
    assert caught.value.code == "X_INSECURE_TRANSPORT" and caught.value.url == "http://api.x.com"
    x_api_auth.XAuth("http://127.0.0.1:9", "http://localhost:9")
    x_api_auth.XAuth("http://proxy.internal", "http://proxy.internal", insecure_allow_http=True)


def test_requests_name_the_package_the_binding_and_the_callers_product() -> None:
    x = x_api_auth.XAuth(user_agent="mybot/1.2")
    assert re.fullmatch(r"x-api-auth/\d+\.\d+\.\d+\S* \(python\) mybot/1\.2", x.user_agent), x.user_agent
    assert x_api_auth.XAuth().user_agent.endswith(" (python)")
    with pytest.raises(errors.InvalidInputError):
        x_api_auth.XAuth(user_agent="bot\r\nX-Evil: 1")


def test_a_rust_panic_is_an_internal_error_not_a_base_exception() -> None:
    panic = type("PanicException", (BaseException,), {})

    def panicking() -> None:
        raise panic("index out of bounds")

    with pytest.raises(errors.InternalError) as caught:
        x_api_auth._typed(panicking)()
    assert caught.value.code == "X_INTERNAL" and isinstance(caught.value, Exception)
    with pytest.raises(KeyboardInterrupt):  # other BaseExceptions pass through
        x_api_auth._typed(lambda: (_ for _ in ()).throw(KeyboardInterrupt()))()


REFERENCE = {
    "url": "https://api.x.com/1.1/statuses/update.json?include_entities=true",
    "status": "Hello Ladies + Gentlemen, a signed OAuth request!",
    "consumer_key": "xvz1evFS4wEEPTGEFPHBog",
    "consumer_secret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "token_secret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    "nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    "timestamp": 1318622958,
}


def test_the_command_runs_from_the_package_and_signs_like_it(tmp_path: pathlib.Path) -> None:
    import subprocess
    import sys

    r = REFERENCE
    command = [sys.executable, "-m", "x_api_auth.cli", "sign", "--method", "POST", "--url", r["url"]]
    command += ["--form", f"status={r['status']}", "--consumer-key", r["consumer_key"]]
    command += ["--consumer-secret", r["consumer_secret"], "--token", r["token"]]
    command += ["--token-secret", r["token_secret"]]
    command += ["--nonce", r["nonce"], "--timestamp", str(r["timestamp"])]
    signed = subprocess.run(command, capture_output=True, text=True, check=True)
    oauth1 = x_api_auth.OAuth1(r["consumer_key"], r["consumer_secret"], r["token"], r["token_secret"])
    expected = oauth1.authorization_header(
        "POST", r["url"], form={"status": r["status"]}, nonce=r["nonce"], timestamp=r["timestamp"]
    )
    assert signed.stdout.strip() == expected
    assert 'oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"' in expected
    env = {"X_API_AUTH_STORE": f"file:{tmp_path / 'store'}", "PATH": "/usr/bin:/bin"}
    missing = subprocess.run(
        [sys.executable, "-m", "x_api_auth.cli", "apps", "show"], capture_output=True, text=True, env=env
    )
    assert missing.returncode == 3 and missing.stderr.startswith("error: ") and "apps add" in missing.stderr
