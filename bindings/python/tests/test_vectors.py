"""X's published vectors, RFC 5849, RFC 7636 and the webhook vectors: the same files the Rust tests read."""

from __future__ import annotations

import pytest
import x_api_auth
from conftest import load_vectors
from x_api_auth import errors

OAUTH1 = load_vectors("oauth1_signatures.json")["cases"]


def signer(case: dict) -> x_api_auth.OAuth1:
    return x_api_auth.OAuth1(
        case["consumer_key"],
        case["consumer_secret"],
        case.get("token"),
        case.get("token_secret"),
        signature_method=case["signature_method"],
        realm=case.get("realm"),
        include_version=case.get("include_version", True),
    )


@pytest.mark.parametrize("case", OAUTH1, ids=lambda c: c["name"])
def test_oauth1_signature_vectors(case: dict) -> None:
    signed = signer(case).sign(
        case["method"],
        case["url"],
        form=[tuple(p) for p in case.get("form", [])],
        form_body=case.get("form_body"),
        nonce=case["nonce"],
        timestamp=case["timestamp"],
        callback=case.get("callback"),
    )
    if "base_string" in case:
        assert signed.base_string == case["base_string"]
    assert f'oauth_signature="{x_api_auth.percent_encode(case["signature"])}"' in signed.authorization
    if "authorization" in case:
        assert signed.authorization == case["authorization"]
    if case.get("realm"):
        assert signed.authorization.startswith(f'OAuth realm="{case["realm"]}", ')


def test_stable_signing_surface_with_a_dict_form() -> None:
    case = OAUTH1[0]
    header = signer(case).authorization_header(
        "POST", case["url"], form=dict(case["form"]), nonce=case["nonce"], timestamp=case["timestamp"]
    )
    assert header == case["authorization"]


def test_oauth2_vectors() -> None:
    file = load_vectors("oauth2.json")
    for case in file["basic"]:
        assert x_api_auth.basic_authorization(case["id"], case["secret"]) == case["authorization"]
    for case in file["pkce"]:
        assert x_api_auth.pkce_challenge(case["verifier"], case["method"]) == case["challenge"]
    for case in file["invalid_verifiers"]:
        with pytest.raises(errors.InvalidInputError):
            x_api_auth.pkce_challenge(case["verifier"])


def test_webhook_vectors() -> None:
    file = load_vectors("webhooks.json")
    for case in file["signatures"]:
        body = case["body"].encode()
        x_api_auth.verify_webhook_signature(case["consumer_secret"], body, case["signature"])
        with pytest.raises(errors.InvalidInputError):
            x_api_auth.verify_webhook_signature(case["consumer_secret"], body + b" ", case["signature"])
    for case in file["crc"]:
        assert (
            x_api_auth.crc_response_token(case["consumer_secret"], case["crc_token"])
            == case["response_token"]
        )


def test_percent_encoding_vectors() -> None:
    for case in load_vectors("percent_encoding.json")["cases"]:
        assert x_api_auth.percent_encode(case["input"]) == case["encoded"]


@pytest.mark.parametrize("case", load_vectors("errors.json")["cases"], ids=lambda c: c["name"])
def test_error_vectors(case: dict) -> None:
    error = x_api_auth.parse_error(case["status"], case["body"].encode())
    assert isinstance(error, errors.XApiError)
    assert error.status == case["status"]
    assert error.x_code == case["code"]
    assert error.kind == case["kind"]
    assert error.api_message == case["message"]
    assert error.problem_type == case.get("problem_type")
