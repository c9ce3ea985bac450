"""Issue 15: the refusals a user meets, each with its own code and exception class and a hint
that says what to do: enrollment and billing (rehearsed with the sandbox's ``api_access``,
sandbox-wide or per app), credential types and scopes X's endpoint table says an endpoint
needs (refused before the request leaves), and invalid or revoked tokens."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import x_api_auth
from x_api_auth import errors
from x_api_auth.testing import CALLBACK, Sandbox

USER_SCOPES = ["tweet.read", "users.read", "offline.access"]


def user_token(sandbox: Sandbox, scopes: list[str]) -> x_api_auth.OAuth2UserToken:
    x, client = sandbox.xauth(), sandbox.client()
    pending = x.start_authorization(client, CALLBACK, scopes)
    return x.finish_authorization(client, pending, sandbox.approve(pending.url))


CASES = {
    "client-not-enrolled": (errors.ClientNotEnrolledError, 403, "add the app to a Project"),
    "user-not-enrolled": (errors.UserNotEnrolledError, 403, "billed to the authenticated user"),
    "payment-required": (errors.PaymentRequiredError, 402, "add credits under Billing"),
    "oauth1-permissions": (errors.OAuth1PermissionsError, 403, "regenerate the Access Token"),
    "unsupported-authentication": (errors.UnsupportedAuthenticationError, 403, "types X's message lists"),
}


@pytest.mark.parametrize("api_access", list(CASES))
def test_enrollment_billing_and_permission_refusals(api_access: str) -> None:
    cls, status, hint = CASES[api_access]
    code = "X_" + api_access.upper().replace("-", "_")  # X's name is the code's
    sandbox = Sandbox({"api_access": api_access})
    try:
        with pytest.raises(cls) as info:
            sandbox.xauth().users_me(sandbox.owner_oauth1())
        e = info.value
        assert isinstance(e, errors.ForbiddenError), "each is a ForbiddenError, as before"
        assert (e.code, e.status) == (code, status)
        assert e.hint is not None and hint in e.hint, e.hint
        assert "Rate limit" not in str(e) and ".." not in str(e), str(e)
        assert errors.CLASS_BY_CODE[code] is cls
    finally:
        sandbox.stop()


def test_api_access_per_app_overrides_the_sandbox_wide_one() -> None:
    plain = Sandbox()
    app: dict[str, Any] = plain.app
    plain.stop()
    second = {
        "consumer_key": "second-consumer-key",
        "consumer_secret": "second-consumer-secret",
        "access_token": "1001-secondownertoken",
        "access_token_secret": "second-owner-token-secret",
    }
    sandbox = Sandbox({"apps": [{**app, "api_access": "client-not-enrolled"}, second]})
    try:
        x = sandbox.xauth()
        with pytest.raises(errors.ClientNotEnrolledError) as info:
            x.users_me(sandbox.owner_oauth1())
        assert info.value.reason == "client-not-enrolled"
        other = x_api_auth.OAuth1(*second.values())
        assert x.users_me(other)["data"]["id"] == "1001"
    finally:
        sandbox.stop()


def test_a_bearer_on_a_user_endpoint_is_refused_before_it_leaves(x_sandbox: Sandbox) -> None:
    x = x_sandbox.xauth()
    bearer = x.obtain_bearer(x_sandbox.consumer_keys)
    with pytest.raises(errors.UnsupportedAuthenticationError) as info:
        x.send(bearer, "POST", "/2/tweets", json_body={"text": "hi"})
    e = info.value
    assert e.code == "X_UNSUPPORTED_AUTHENTICATION" and e.status is None
    assert e.hint is not None and "accepts OAuth 1.0a User Context or OAuth 2.0 User Context" in e.hint
    assert x_sandbox.counters["api_requests"] == 0


def test_a_token_without_a_required_scope_is_refused_before_it_leaves(x_sandbox: Sandbox) -> None:
    token = user_token(x_sandbox, USER_SCOPES)
    with pytest.raises(errors.MissingScopeError) as info:
        x_sandbox.xauth().send(token, "POST", "/2/users/1001/likes", json_body={"tweet_id": "1"})
    e = info.value
    assert (e.code, e.scope) == ("X_MISSING_SCOPE", "like.write")
    assert e.hint is not None and "needs a new consent" in e.hint
    assert x_sandbox.counters["api_requests"] == 0


def test_the_sandbox_answers_a_wrong_credential_type_as_x_does(x_sandbox: Sandbox) -> None:
    bearer = x_sandbox.xauth().obtain_bearer(x_sandbox.consumer_keys)
    response = requests.get(
        f"{x_sandbox.base_url}/2/users/me",
        headers={"authorization": bearer.authorization_header()},
        timeout=10,
    )
    assert response.status_code == 403
    e = x_api_auth.parse_error(response.status_code, response.content)
    assert isinstance(e, errors.UnsupportedAuthenticationError)
    assert e.problem_type == "unsupported-authentication"


def test_an_invalid_bearer_and_a_revoked_token_say_what_to_do(x_sandbox: Sandbox) -> None:
    x = x_sandbox.xauth()
    with pytest.raises(errors.AuthenticationError) as info:
        x.user_by_username(x_api_auth.BearerToken("AAAA-not-a-bearer"), "sandbox_user")
    assert info.value.hint is not None and "obtain a new one with obtain_bearer" in info.value.hint
    token = user_token(x_sandbox, USER_SCOPES)
    x.revoke(x_sandbox.client(), token.access_token(), "access_token")
    with pytest.raises(errors.AuthenticationError) as info:
        x.users_me(token)
    assert str(info.value).startswith("X API error (HTTP 401, about:blank): Unauthorized. Hint: ")
    assert info.value.hint is not None and "log the user in again" in info.value.hint
