"""The token layer from Python: a manager shared by many threads at expiry, a forked
child, a store that cannot be written, and credentials that never leave by accident."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import pathlib
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import x_api_auth
from x_api_auth import errors, requests_auth
from x_api_auth.testing import Sandbox

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def world(tmp_path: pathlib.Path) -> Iterator[tuple[Sandbox, x_api_auth.TokenManager, str]]:
    """A sandbox with 2-second access tokens and a manager (1 s margin) holding user 1001."""
    with Sandbox({"access_token_lifetime_secs": 2}) as sandbox:
        url = f"file:{tmp_path}/store"
        manager = x_api_auth.TokenManager(
            sandbox.xauth(), x_api_auth.open_store(url), "py", refresh_margin=1.0
        )
        sandbox.login(manager)
        yield sandbox, manager, url


def test_regression_eight_threads_at_expiry_refresh_once_per_expiry(world: Any) -> None:
    """The login used to be destroyed: two threads refreshed with one refresh token."""
    sandbox, manager, _ = world
    auth = requests_auth.OAuth2UserAuth(manager)
    failures: list[str] = []

    def worker() -> None:
        with requests.Session() as session:
            for _ in range(12):
                response = session.get(f"{sandbox.base_url}/2/users/me", auth=auth, timeout=10)
                if response.status_code != 200:
                    failures.append(response.text)
                time.sleep(0.25)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    counters = sandbox.counters
    assert counters["refresh_reuse_detected"] == 0
    assert 2 <= counters["refreshes"] <= 3, counters  # one per expiry over ~3 s, never one per thread


def test_a_forked_child_keeps_refreshing(world: Any) -> None:
    sandbox, manager, _ = world
    manager.access_token()  # the parent has used its runtime and connections
    time.sleep(1.1)
    pid = os.fork()
    if pid == 0:  # the child: refresh through the inherited manager, then report
        try:
            token = manager.access_token()
            me = sandbox.xauth().users_me(token)
            os._exit(0 if me["data"]["id"] == "1001" else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert sandbox.counters["refreshes"] == 1
    # the parent sees the child's refresh through the store and does not refresh again
    assert sandbox.xauth().users_me(manager.access_token())["data"]["id"] == "1001"
    assert sandbox.counters["refreshes"] == 1


def test_a_store_that_cannot_be_written_keeps_the_issued_token(world: Any, tmp_path: pathlib.Path) -> None:
    """With a file-size limit the write fails: X_STORE, and the token X issued is kept
    in memory and stored by the next call once writing works again (no second refresh)."""
    sandbox, _, url = world
    script = textwrap.dedent(
        f"""
        import json, resource, signal, time, sys
        import x_api_auth
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        x = x_api_auth.XAuth({sandbox.base_url!r}, {sandbox.base_url!r}, 10.0)
        manager = x_api_auth.TokenManager(x, x_api_auth.open_store({url!r}), "py", refresh_margin=1.0)
        manager.access_token()
        time.sleep(1.1)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, hard))
        outcome = []
        for _ in range(2):
            try:
                manager.access_token()
                outcome.append("ok")
            except x_api_auth.errors.StoreError as e:
                outcome.append(e.code + ":" + e.kind)
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        token = manager.access_token()
        outcome.append(x.users_me(token)["data"]["id"])
        print(json.dumps(outcome))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["X_STORE:io", "X_STORE:io", "1001"]
    assert sandbox.counters["refreshes"] == 1, "the kept token was stored, not refreshed again"
    stored = json.loads(x_api_auth.open_store(url).export_record("py", "1001", include_secrets=True) or "{}")
    assert stored["record"]["generation"] == 2


def test_a_corrupt_store_is_refused_naming_the_file(tmp_path: pathlib.Path) -> None:
    store_dir = tmp_path / "store"
    path = store_dir / "py" / "users" / "1001.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "record": {"type": "us')
    path.chmod(0o600)
    with pytest.raises(errors.StoreError) as caught:
        x_api_auth.open_store(f"file:{store_dir}").export_record("py", "1001")
    assert caught.value.kind == "corrupt" and str(path) in str(caught.value)
    path.chmod(0o644)
    with pytest.raises(errors.StoreError, match="chmod 600"):
        x_api_auth.open_store(f"file:{store_dir}").export_record("py", "1001")


def test_credentials_do_not_leave_by_accident(world: Any) -> None:
    _, manager, url = world
    token = manager.access_token()
    with pytest.raises(TypeError):
        json.dumps(token)
    with pytest.raises(TypeError):
        pickle.dumps(token)
    store = x_api_auth.open_store(url)
    redacted = store.export_record("py", "1001") or ""
    assert token.access_token() not in redacted and token.refresh_token() not in redacted
    with pytest.raises(errors.InvalidInputError, match="include_secrets"):
        store.import_record("elsewhere", redacted)
    store.import_record("elsewhere", store.export_record("py", "1001", include_secrets=True) or "")
    assert ("elsewhere", "1001") in store.list("elsewhere")


def test_store_and_profile_from_the_environment(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox, _, url = world
    monkeypatch.setenv("X_API_AUTH_STORE", url)
    monkeypatch.setenv("X_API_AUTH_PROFILE", "py")
    manager = x_api_auth.TokenManager(sandbox.xauth())
    assert manager.profile == "py" and manager.store.location == url
    assert sandbox.xauth().users_me(manager.access_token("sandbox_user"))["data"]["id"] == "1001"
    with pytest.raises(errors.StoreError) as caught:
        x_api_auth.open_store("ftp://nowhere")
    assert caught.value.kind == "url"


def test_the_manager_sends_as_a_stored_user(world: Any) -> None:
    sandbox, manager, _ = world
    assert manager.send(None, "GET", "/2/users/me").json()["data"]["id"] == "1001"
    time.sleep(1.1)  # due: the send refreshes first
    response = asyncio.run(manager.send_async("sandbox_user", "POST", "/2/echo", json_body={"a": 1}))
    assert response.json()["json"] == {"a": 1} and sandbox.counters["refreshes"] == 1


def sqlite_store_class() -> Any:
    spec = importlib.util.spec_from_file_location("sqlite_store", EXAMPLES / "sqlite_store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SqliteStore


def test_a_store_the_application_supplies_passes_the_core_checks(tmp_path: pathlib.Path) -> None:
    store = x_api_auth.custom_store(sqlite_store_class()(str(tmp_path / "tokens.db")))
    assert x_api_auth.check_store(store) is None
    assert store.location == f"sqlite:{tmp_path / 'tokens.db'}"


def test_the_manager_refreshes_once_through_the_applications_store(tmp_path: pathlib.Path) -> None:
    with Sandbox({"access_token_lifetime_secs": 4}) as sandbox:
        store = x_api_auth.custom_store(sqlite_store_class()(str(tmp_path / "tokens.db")))
        managers = [
            x_api_auth.TokenManager(sandbox.xauth(), store, "app", refresh_margin=1.0) for _ in range(2)
        ]
        sandbox.login(managers[0])
        time.sleep(3.1)  # due; the refreshed token then stays fresh for 3 s, even on a loaded machine
        results: list[str] = []

        def worker(manager: x_api_auth.TokenManager) -> None:
            for _ in range(5):
                results.append(sandbox.xauth().users_me(manager.access_token())["data"]["id"])

        threads = [threading.Thread(target=worker, args=(managers[i % 2],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == ["1001"] * 40
        assert sandbox.counters["refreshes"] == 1 and sandbox.counters["refresh_reuse_detected"] == 0


def test_a_failing_application_store_is_a_store_error() -> None:
    class Broken:
        location = "broken:"

        def load(self, key: str) -> str | None:
            raise RuntimeError("database is down")

    with pytest.raises(errors.StoreError, match="database is down"):
        x_api_auth.custom_store(Broken()).export_record("p", "1")
    with pytest.raises(errors.InvalidInputError):
        x_api_auth.custom_store(object())


def test_the_keychain_store_through_its_url() -> None:
    """The OS keychain (a private Secret Service: the tests run under scripts/with-keyring)."""
    with Sandbox() as sandbox:
        profile = f"py-keychain-{os.getpid()}"
        manager = x_api_auth.TokenManager(sandbox.xauth(), x_api_auth.open_store("keyring:"), profile)
        sandbox.login(manager)
        assert sandbox.xauth().users_me(manager.access_token())["data"]["id"] == "1001"
        assert (profile, "1001") in manager.store.list(profile)
        for _, user in manager.store.list(profile):
            manager.store.delete(profile, user)
