"""Benchmark (not a test): signs X's reference request with x_api_auth and the
Python peers in one run, and prints microseconds per signature and ratios, plus
import times.

    pip install oauthlib requests-oauthlib authlib tweepy
    python bindings/python/bench/sign.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import timeit
from typing import Callable

KEY, SECRET = "xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
TOKEN, TOKEN_SECRET = (
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
)
URL = "https://api.x.com/1.1/statuses/update.json?include_entities=true"
BODY = "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"
FORM = {"status": "Hello Ladies + Gentlemen, a signed OAuth request!"}
NONCE, TIMESTAMP = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def signers() -> dict[str, Callable[[], object]]:
    import x_api_auth

    ours = x_api_auth.OAuth1(KEY, SECRET, TOKEN, TOKEN_SECRET)
    out: dict[str, Callable[[], object]] = {
        "x_api_auth (fresh nonce+clock)": lambda: ours.authorization_header("POST", URL, form_body=BODY),
        "x_api_auth (fixed nonce+timestamp)": lambda: ours.authorization_header(
            "POST", URL, form=FORM, nonce=NONCE, timestamp=TIMESTAMP
        ),
    }
    try:
        from oauthlib.oauth1 import Client

        client = Client(KEY, SECRET, TOKEN, TOKEN_SECRET, nonce=NONCE, timestamp=str(TIMESTAMP))
        out["oauthlib"] = lambda: client.sign(URL, "POST", BODY, FORM_HEADERS)
    except ImportError:
        print("oauthlib not installed: skipped")
    try:
        import requests
        from requests_oauthlib import OAuth1

        prepared = requests.Request("POST", URL, data=FORM).prepare()
        auth = OAuth1(KEY, SECRET, TOKEN, TOKEN_SECRET)
        out["requests-oauthlib"] = lambda: auth(prepared.copy())
    except ImportError:
        print("requests-oauthlib not installed: skipped")
    try:
        from authlib.oauth1 import ClientAuth

        authlib_auth = ClientAuth(KEY, SECRET, TOKEN, TOKEN_SECRET)
        out["authlib"] = lambda: authlib_auth.sign("POST", URL, dict(FORM_HEADERS), BODY)
    except ImportError:
        print("authlib not installed: skipped")
    try:
        import requests
        import tweepy

        tweepy_auth = tweepy.OAuth1UserHandler(KEY, SECRET, TOKEN, TOKEN_SECRET).apply_auth()
        prepared_for_tweepy = requests.Request("POST", URL, data=FORM).prepare()
        out["tweepy (OAuth1UserHandler)"] = lambda: tweepy_auth(prepared_for_tweepy.copy())
    except ImportError:
        print("tweepy not installed: skipped")
    return out


def per_call_us(fn: Callable[[], object]) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    runs = timer.repeat(repeat=5, number=number)
    return min(runs) / number * 1e6


def import_ms(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    samples = [
        float(subprocess.check_output([sys.executable, "-c", code], text=True)) * 1000 for _ in range(5)
    ]
    return statistics.median(samples)


def main() -> None:
    results = {name: per_call_us(fn) for name, fn in signers().items()}
    ours = results["x_api_auth (fresh nonce+clock)"]
    print(f"\n{'signer':38} {'µs/signature':>13} {'x slower than x_api_auth':>25}")
    for name, us in sorted(results.items(), key=lambda kv: kv[1]):
        print(f"{name:38} {us:13.2f} {us / ours:24.1f}x")
    print(f"\n{'import':38} {'ms (median of 5)':>17}")
    for module in ("x_api_auth", "tweepy", "oauthlib"):
        try:
            print(f"{module:38} {import_ms(module):17.1f}")
        except subprocess.CalledProcessError:
            print(f"{module:38} {'not installed':>17}")


if __name__ == "__main__":
    main()
