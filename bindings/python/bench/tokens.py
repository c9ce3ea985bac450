"""Benchmark (not a test): the token manager's hot path from Python, a valid token
served from memory with no refresh due (target: under 5 microseconds).

    python bindings/python/bench/tokens.py      (after a release build: maturin develop --release)
"""

from __future__ import annotations

import tempfile
import time
import timeit

import x_api_auth


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = x_api_auth.open_store(f"file:{tmp}/store")
        manager = x_api_auth.TokenManager(
            x_api_auth.XAuth("http://127.0.0.1:9", "http://127.0.0.1:9"), store, "bench"
        )
        token = x_api_auth.OAuth2UserToken(
            "a" * 90, "r" * 90, time.time() + 7200, ["tweet.read", "users.read"]
        )
        manager.save_login("1001", oauth2=token)
        manager.access_token("1001")  # the first call reads the store
        for label, call in [
            ("TokenManager.access_token (valid token)", lambda: manager.access_token("1001")),
            (
                "... and its authorization_header()",
                lambda: manager.access_token("1001").authorization_header(),
            ),
        ]:
            runs = min(timeit.repeat(call, number=100_000, repeat=5)) / 100_000
            print(f"{label}: {runs * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
