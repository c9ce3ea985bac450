"""Every scenario of tests/scenarios.json, against the sandbox started in-process."""

from __future__ import annotations

import asyncio
import time

import pytest
import requests
import x_api_auth
from x_api_auth import errors
from x_api_auth.testing import Sandbox

CALLBACK = "https://app.example/callback"


def consent(url: str, decision: str = "approve") -> tuple[str | None, str]:
    """Follows a consent URL like a browser, without following the redirect back."""
    response = requests.get(f"{url}&sandbox_decision={decision}", allow_redirects=False, timeout=10)
    return response.headers.get("location"), response.text


def oauth2_authorize(
    sandbox: Sandbox, client: x_api_auth.OAuth2Client, scopes: list[str], decision: str = "approve"
) -> x_api_auth.OAuth2UserToken:
    x = sandbox.xauth()
    pending = x.start_authorization(client, CALLBACK, scopes)
    location, _ = consent(pending.url, decision)
    assert location is not None
    return x.finish_authorization(client, pending, location)


def test_scenario_signed_echo_query_form_json(x_sandbox: Sandbox) -> None:
    x, owner = x_sandbox.xauth(), x_sandbox.owner_oauth1()
    response = x.send(owner, "GET", "/2/echo?q=a%20b&emoji=%F0%9F%A6%80")
    assert response.json()["query"][1] == ["emoji", "🦀"]
    assert response.rate_limit is not None and response.rate_limit.limit == 900
    form = {"status": "Hello Ladies + Gentlemen, a signed OAuth request!", "e": ""}
    echo = x.send(owner, "POST", "/2/echo?include_entities=true", form=form).json()
    assert echo["form"][0] == ["status", form["status"]]
    echo = x.send(owner, "POST", "/2/echo", json_body={"text": "not signed & fine"}).json()
    assert echo["json"] == {"text": "not signed & fine"}


def test_scenario_three_legged_callback(x_sandbox: Sandbox) -> None:
    x, consumer = x_sandbox.xauth(), x_sandbox.consumer_keys
    request_token = x.request_token(consumer, CALLBACK, "write")
    location, _ = consent(x.authorize_url(request_token, True, "sandbox_user"))
    assert location is not None and location.startswith(CALLBACK)
    verifier = x.parse_callback(location, request_token)
    granted = x.access_token(consumer, request_token, verifier)
    assert (granted.user_id, granted.screen_name) == ("1001", "sandbox_user")
    user = x_api_auth.OAuth1.from_credentials(consumer, granted.access_token)
    assert x.users_me(user)["data"]["username"] == "sandbox_user"
    with pytest.raises(errors.InvalidTokenError):
        x.access_token(consumer, request_token, verifier)
    x.invalidate_access_token(consumer, granted.access_token)
    with pytest.raises(errors.InvalidTokenError) as info:
        x.users_me(user)
    assert info.value.x_code == 89 and info.value.code == "X_INVALID_TOKEN"


def test_scenario_pin_oob(x_sandbox: Sandbox) -> None:
    x, consumer = x_sandbox.xauth(), x_sandbox.consumer_keys
    request_token = x.request_token(consumer, "oob")
    location, page = consent(x.authorize_url(request_token))
    assert location is None
    pin = page.split('<code id="pin">')[1].split("<")[0]
    assert len(pin) == 7
    with pytest.raises(errors.ReauthorizationRequiredError):
        x.access_token(consumer, request_token, "0000000x")
    assert x.access_token(consumer, request_token, pin).user_id == "1001"


def test_scenario_user_denies(x_sandbox: Sandbox) -> None:
    x, consumer = x_sandbox.xauth(), x_sandbox.consumer_keys
    request_token = x.request_token(consumer, CALLBACK)
    location, _ = consent(x.authorize_url(request_token), "deny")
    assert location is not None
    with pytest.raises(errors.AccessDeniedError):
        x.parse_callback(location, request_token)
    with pytest.raises(errors.AccessDeniedError):
        oauth2_authorize(x_sandbox, x_sandbox.client(), ["tweet.read"], "deny")


def test_scenario_authenticate_sign_in_with_x(x_sandbox: Sandbox) -> None:
    x, consumer = x_sandbox.xauth(), x_sandbox.consumer_keys
    request_token = x.request_token(consumer, CALLBACK)
    url = x.authenticate_url(request_token)
    assert "/oauth/authenticate?oauth_token=" in url
    location, _ = consent(url)
    assert location is not None
    granted = x.access_token(consumer, request_token, x.parse_callback(location, request_token))
    assert granted.access_token.token.startswith("1001-")


def test_scenario_bearer_obtain_use_invalidate(x_sandbox: Sandbox) -> None:
    x, consumer = x_sandbox.xauth(), x_sandbox.consumer_keys
    bearer = x.obtain_bearer(consumer)
    assert x.obtain_bearer(consumer) == bearer
    assert x.user_by_username(bearer, "X")["data"]["id"] == "783214"
    x.invalidate_bearer(consumer, bearer)
    with pytest.raises(errors.AuthenticationError) as info:
        x.user_by_username(bearer, "X")
    assert info.value.status == 401
    with pytest.raises(errors.AuthenticationError) as info:
        x.invalidate_bearer(consumer, bearer)
    assert info.value.x_code == 99


def test_scenario_pkce_public_client(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    pending = x.start_authorization(client, CALLBACK, ["tweet.read", "users.read"])
    location, _ = consent(pending.url)
    kept = pending.to_compact()  # kept in the web session between redirect and callback
    restored = x_api_auth.PendingAuthorization.from_compact(kept)
    assert location is not None
    token = x.finish_authorization(client, restored, location)
    assert token.refresh_token() is None
    assert "users.read" in token.scopes
    assert x.users_me(token)["data"]["id"] == "1001"


def test_scenario_pkce_confidential_client(x_sandbox: Sandbox) -> None:
    token = oauth2_authorize(x_sandbox, x_sandbox.client(confidential=True), ["tweet.read", "offline.access"])
    assert token.refresh_token() is not None
    as_public = x_api_auth.OAuth2Client("sandbox-confidential-client")
    with pytest.raises(errors.ForbiddenError) as info:
        oauth2_authorize(x_sandbox, as_public, ["tweet.read"])
    assert info.value.code == "X_UNAUTHORIZED_CLIENT"
    assert info.value.hint is not None and "Type of App" in info.value.hint


def test_scenario_refresh_rotation_reuse_rejected(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    first = oauth2_authorize(x_sandbox, client, ["tweet.read", "offline.access"])
    second = x.refresh(client, first)
    assert second.refresh_token() != first.refresh_token()
    with pytest.raises(errors.ReauthorizationRequiredError) as info:
        x.refresh(client, first)
    assert info.value.code == "X_REAUTHORIZE"
    with pytest.raises(errors.ReauthorizationRequiredError):
        x.refresh(client, second)


def test_scenario_revoke(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    token = oauth2_authorize(x_sandbox, client, ["tweet.read", "users.read"])
    x.users_me(token)
    x.revoke(client, token.access_token(), "access_token")
    with pytest.raises(errors.AuthenticationError) as info:
        x.users_me(token)
    assert info.value.status == 401


def test_scenario_wrong_consumer_secret_code_32(x_sandbox: Sandbox) -> None:
    app = x_sandbox.app
    wrong = x_api_auth.OAuth1(
        app["consumer_key"], "not-the-secret", app["access_token"], app["access_token_secret"]
    )
    with pytest.raises(errors.AuthenticationError) as info:
        x_sandbox.xauth().users_me(wrong)
    e = info.value
    assert (e.status, e.x_code, e.code) == (401, 32, "X_AUTHENTICATION")
    assert e.hint and e.base_string and e.base_string.startswith("GET&http%3A%2F%2F127.0.0.1")


def test_scenario_skewed_clock_self_heals(x_sandbox: Sandbox) -> None:
    owner = x_sandbox.owner_oauth1()
    # A timestamp 1000 s behind is refused with code 135...
    header = owner.authorization_header(
        "GET", f"{x_sandbox.base_url}/2/users/me", timestamp=int(time.time()) - 1000
    )
    response = requests.get(f"{x_sandbox.base_url}/2/users/me", headers={"Authorization": header}, timeout=10)
    error = x_api_auth.parse_error(response.status_code, response.content)
    assert isinstance(error, errors.ClockSkewError) and error.x_code == 135
    # ...and a client whose clock is 1000 s behind heals itself from the Date header.
    x = x_sandbox.xauth(simulated_clock_skew=-1000)
    assert x.users_me(owner)["data"]["id"] == "1001"
    assert 995 <= x.clock_offset <= 1005


def test_scenario_expired_code(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    pending = x.start_authorization(client, CALLBACK, ["tweet.read"])
    location, _ = consent(pending.url)
    assert location is not None
    x_sandbox.advance_clock(31)  # codes live 30 s
    with pytest.raises(errors.ReauthorizationRequiredError) as info:
        x.finish_authorization(client, pending, location)
    assert info.value.api_message == "Value passed for the authorization code was invalid."
    assert info.value.hint is not None and "30 seconds" in info.value.hint


def test_scenario_state_mismatch(x_sandbox: Sandbox) -> None:
    x, client = x_sandbox.xauth(), x_sandbox.client()
    first = x.start_authorization(client, CALLBACK, ["tweet.read"])
    second = x.start_authorization(client, CALLBACK, ["tweet.read"])
    location, _ = consent(first.url)
    assert location is not None
    with pytest.raises(errors.StateMismatchError):
        x.finish_authorization(client, second, location)


def test_scenario_bearer_on_user_endpoint_403(x_sandbox: Sandbox) -> None:
    x = x_sandbox.xauth()
    bearer = x.obtain_bearer(x_sandbox.consumer_keys)
    with pytest.raises(errors.UnsupportedAuthenticationError) as info:
        x.users_me(bearer)
    assert info.value.code == "X_UNSUPPORTED_AUTHENTICATION" and info.value.status is None
    assert info.value.hint is not None and "OAuth 2.0 User Context" in info.value.hint
    assert x_sandbox.counters["api_requests"] == 0
    headers = {"authorization": bearer.authorization_header()}
    response = requests.get(f"{x_sandbox.base_url}/2/users/me", headers=headers, timeout=10)
    e = x_api_auth.parse_error(response.status_code, response.content)
    assert isinstance(e, errors.UnsupportedAuthenticationError)
    assert (e.status, e.problem_type) == (403, "unsupported-authentication")


def test_async_twins_run_under_asyncio(x_sandbox: Sandbox) -> None:
    async def main() -> list[object]:
        x = x_sandbox.xauth()
        bearer = await x.obtain_bearer_async(x_sandbox.consumer_keys)
        return await asyncio.gather(*(x.user_by_username_async(bearer, "X") for _ in range(8)))

    results = asyncio.run(main())
    assert len(results) == 8
