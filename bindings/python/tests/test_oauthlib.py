"""Cross-check with oauthlib, an independent implementation, on generated requests
(unicode, reserved characters, duplicate keys, empty values), both ways."""

from __future__ import annotations

import random
from urllib.parse import urlencode, urlparse

import pytest
import requests
import x_api_auth
from oauthlib.common import Request
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature
from x_api_auth.testing import Sandbox

ALPHABET = list("abcXYZ019-._~ +%&=/!*'()@:,;?#[]$") + ["é", "☃", "🦀", "\u00a0"]
KEYS = ["a", "ab", "a_b", "abc", "status", "q", "é", "a b", "x+y"]
CONSUMER = ("sandbox-consumer-key", "sandbox-consumer-secret")
TOKEN = ("1001-sandboxownertoken", "sandbox-owner-token-secret")


def text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))


def pairs(rng: random.Random) -> list[tuple[str, str]]:
    return [(rng.choice(KEYS), text(rng)) for _ in range(rng.randint(0, 5))]


def generated(count: int, seed: int) -> list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]]:
    rng = random.Random(seed)
    return [(rng.choice(["GET", "POST", "DELETE"]), pairs(rng), pairs(rng)) for _ in range(count)]


def oauthlib_verifies(method: str, url: str, body: str, header: str) -> bool:
    headers = {"Authorization": header, "Content-Type": "application/x-www-form-urlencoded"}
    request = Request(url, method, body, headers)
    params = signature.collect_parameters(
        uri_query=urlparse(url).query, body=body, headers=headers, exclude_oauth_signature=False
    )
    request.signature = dict(params)["oauth_signature"]
    request.params = [(k, v) for k, v in params if k != "oauth_signature"]
    return signature.verify_hmac_sha1(request, CONSUMER[1], TOKEN[1])


@pytest.mark.parametrize("method,query,form", generated(300, seed=5849))
def test_x_api_auth_signatures_verify_with_oauthlib(method: str, query: list, form: list) -> None:
    url = "https://api.x.com/2/echo" + (f"?{urlencode(query)}" if query else "")
    body = urlencode(form)
    signer = x_api_auth.OAuth1(*CONSUMER, *TOKEN)
    header = signer.authorization_header(method, url, form_body=body)
    assert oauthlib_verifies(method, url, body, header)
    # The same pairs given as a list sign the same.
    again = signer.sign(method, url, form=form, nonce="n0nce", timestamp=1318622958)
    assert (
        again.base_string
        == signer.sign(method, url, form_body=body, nonce="n0nce", timestamp=1318622958).base_string
    )


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    with Sandbox() as s:
        yield s


@pytest.mark.parametrize("method,query,form", generated(150, seed=7636))
def test_oauthlib_signed_requests_are_accepted_by_the_sandbox(
    sandbox: Sandbox, method: str, query: list, form: list
) -> None:
    url = f"{sandbox.base_url}/2/echo" + (f"?{urlencode(query)}" if query else "")
    if method == "GET":
        form = []  # oauthlib refuses a body on GET
    client = Client(
        CONSUMER[0], client_secret=CONSUMER[1], resource_owner_key=TOKEN[0], resource_owner_secret=TOKEN[1]
    )
    body = urlencode(form) if form else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    uri, signed_headers, signed_body = client.sign(url, method, body or None, headers)
    response = requests.request(method, uri, headers=signed_headers, data=signed_body, timeout=10)
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["auth"] == "oauth1"
    if form:
        assert [tuple(p) for p in echo["form"]] == form
