"""A worker of the fleet test (tests/fleet/run): for SECONDS, sends rounds of CONCURRENCY
concurrent ``GET /2/users/me`` (threads, the requests adapter) through a TokenManager that
shares the store with the other workers, and prints ``{"ok": n, "failed": n, "errors": [...]}``.
It goes on past SECONDS until every user was asked for once.

    python examples/token_worker.py BASE_URL STORE_URL PROFILE SECONDS CONCURRENCY [USERS]
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import x_api_auth
from x_api_auth import requests_auth


def main() -> int:
    base, store, profile, seconds, concurrency, *rest = sys.argv[1:]
    users: list[str | None] = list(rest[0].split(",")) if rest else [None]
    x = x_api_auth.XAuth(base, base, 30.0)
    manager = x_api_auth.TokenManager(
        x, x_api_auth.open_store(store), profile, refresh_margin=1.0
    )
    auths = [requests_auth.OAuth2UserAuth(manager, user) for user in users]
    deadline = time.monotonic() + float(seconds)
    ok, errors, sent, last_round_failed = 0, [], 0, 0

    def one(auth: requests_auth.OAuth2UserAuth) -> str | None:
        try:
            response = requests.get(f"{base}/2/users/me", auth=auth, timeout=30)
            return (
                None
                if response.status_code == 200
                else f"HTTP {response.status_code}: {response.text}"
            )
        except x_api_auth.XAuthError as e:
            return str(e)

    with ThreadPoolExecutor(int(concurrency)) as pool:
        while time.monotonic() < deadline or sent < len(users):
            round_auths = [
                auths[(sent + i) % len(auths)] for i in range(int(concurrency))
            ]
            sent += len(round_auths)
            outcomes = list(pool.map(one, round_auths))
            last_round_failed = sum(error is not None for error in outcomes)
            ok += len(outcomes) - last_round_failed
            errors += [error for error in outcomes if error is not None]
            if time.monotonic() < deadline:
                time.sleep(0.2)  # paced rounds
    result = {
        "ok": ok,
        "failed": len(errors),
        "last_round_failed": last_round_failed,
        "errors": errors[:5],
    }
    print(json.dumps(result))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
