"""Benchmark (not a test): signs two requests with x_api_auth and the Python peers in one
run, and prints microseconds per signature, ratios, the binding's overhead over the Rust
core, and import times.

- X's reference request (POST, one form parameter, one query parameter);
- a GET with 30 query parameters, unicode values and reserved characters (the same as
  the Rust and Node benchmarks).

    pip install oauthlib requests-oauthlib authlib tweepy
    maturin develop --release -m bindings/python/Cargo.toml
    cargo bench -p x-api-auth --bench sign   # optional: the core's times, for the overhead
    python bindings/python/bench/sign.py
"""

from __future__ import annotations

import json
import pathlib
import statistics
import subprocess
import sys
import timeit
from typing import Callable
from urllib.parse import quote

KEY, SECRET = "xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
TOKEN, TOKEN_SECRET = (
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
)
NONCE, TIMESTAMP = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
VALUES = [
    "café ☕",
    "a+b=c&d",
    "日本語のテキスト",
    "50% off!",
    "hello world",
    "~tilde_-.",
    "emoji 🐦 bird",
    "/path?x=1#frag",
    "Ladies + Gentlemen",
    "ünïcödé",
]
MANY = [(f"p{i:02}", VALUES[i % len(VALUES)]) for i in range(30)]
REQUESTS = {
    "X's reference request": {
        "method": "POST",
        "url": "https://api.x.com/1.1/statuses/update.json?include_entities=true",
        "form": {"status": "Hello Ladies + Gentlemen, a signed OAuth request!"},
    },
    "30-parameter GET": {
        "method": "GET",
        "url": "https://api.x.com/2/tweets/search/recent?"
        + "&".join(f"{k}={quote(v, safe='-._~')}" for k, v in MANY),
        "form": {},
    },
}
OURS = "x_api_auth (fresh nonce+clock)"


def signers(method: str, url: str, form: dict[str, str]) -> dict[str, Callable[[], object]]:
    import x_api_auth

    body = "&".join(f"{quote(k, safe='-._~')}={quote(v, safe='-._~')}" for k, v in form.items()) or None
    headers = FORM_HEADERS if body else {}
    ours = x_api_auth.OAuth1(KEY, SECRET, TOKEN, TOKEN_SECRET)
    out: dict[str, Callable[[], object]] = {
        OURS: lambda: ours.authorization_header(method, url, form=form or None),
        "x_api_auth (fixed nonce+timestamp)": lambda: ours.authorization_header(
            method, url, form=form or None, nonce=NONCE, timestamp=TIMESTAMP
        ),
    }
    try:
        from oauthlib.oauth1 import Client

        client = Client(KEY, SECRET, TOKEN, TOKEN_SECRET)
        out["oauthlib"] = lambda: client.sign(url, method, body, headers)
    except ImportError:
        print("oauthlib not installed: skipped")
    try:
        import requests
        from requests_oauthlib import OAuth1

        prepared = requests.Request(method, url, data=form or None).prepare()
        auth = OAuth1(KEY, SECRET, TOKEN, TOKEN_SECRET)
        out["requests-oauthlib"] = lambda: auth(prepared.copy())
    except ImportError:
        print("requests-oauthlib not installed: skipped")
    try:
        from authlib.oauth1 import ClientAuth

        authlib_auth = ClientAuth(KEY, SECRET, TOKEN, TOKEN_SECRET)
        out["authlib"] = lambda: authlib_auth.sign(method, url, dict(headers), body)
    except ImportError:
        print("authlib not installed: skipped")
    try:
        import requests
        import tweepy

        tweepy_auth = tweepy.OAuth1UserHandler(KEY, SECRET, TOKEN, TOKEN_SECRET).apply_auth()
        prepared_for_tweepy = requests.Request(method, url, data=form or None).prepare()
        out["tweepy (OAuth1UserHandler)"] = lambda: tweepy_auth(prepared_for_tweepy.copy())
    except ImportError:
        print("tweepy not installed: skipped")
    return out


def core_us(group: str) -> float | None:
    """The Rust core's time for the same request, from the last `cargo bench --bench sign`:
    its fastest sample with the fork hook relied on (as this package signs), to compare
    with the fastest run here."""
    sample = (
        pathlib.Path(__file__).resolve().parents[3]
        / "target/criterion"
        / group
        / "x-api-auth (fresh nonce, fork hook relied on)/new/sample.json"
    )
    try:
        data = json.loads(sample.read_text())
        return min(t / n for t, n in zip(data["times"], data["iters"])) / 1000
    except (OSError, ValueError, KeyError):
        return None


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
    for group, request in REQUESTS.items():
        results = {name: per_call_us(fn) for name, fn in signers(**request).items()}
        ours = results[OURS]
        print(f"\n{group}\n{'signer':38} {'µs/signature':>13} {'x slower than x_api_auth':>25}")
        for name, us in sorted(results.items(), key=lambda kv: kv[1]):
            print(f"{name:38} {us:13.2f} {us / ours:24.1f}x")
        core = core_us(group)
        if core is not None:
            overhead = "binding overhead (x_api_auth - Rust core)"
            print(f"{overhead:38} {ours - core:13.2f}   (core {core:.2f} µs)")
    print(f"\n{'import':38} {'ms (median of 5)':>17}")
    for module in ("x_api_auth", "tweepy", "oauthlib"):
        try:
            print(f"{module:38} {import_ms(module):17.1f}")
        except subprocess.CalledProcessError:
            print(f"{module:38} {'not installed':>17}")


if __name__ == "__main__":
    main()
