"""A token store the application supplies: x-api-auth's records in the application's own
SQLite database, passed to ``x_api_auth.custom_store``. The token manager's policy stays in
the Rust core; this class only reads and writes rows. Run it to check it against the core's
store conformance checks:

    python examples/sqlite_store.py /tmp/tokens.db

The methods the core calls, with records addressed by paths such as ``default/app`` and
``default/users/1001`` and held as JSON documents (secrets in clear: protect the database):

- ``load(key) -> str | None``
- ``save(key, document, expected, generation, fence) -> bool``: write only when the stored
  generation is ``expected`` (0: absent) and, when ``fence`` is given, the key's lock still
  has that fence; ``False`` otherwise
- ``lock(key, wait_seconds) -> handle | None``: a per-key lock that expires, with a growing
  ``fence`` and a ``release()``; ``None`` after ``wait_seconds``
- ``still_held(key, fence) -> bool`` (optional), ``list(profile) -> list[str]``, ``delete(key)``
"""

from __future__ import annotations

import sqlite3
import sys
import time

LOCK_SECONDS = 30.0


class SqliteStore:
    """x-api-auth's records in three tables of a SQLite database."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.location = f"sqlite:{path}"
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, generation INT, document TEXT)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS locks (key TEXT PRIMARY KEY, fence INT, expires REAL)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS fences (key TEXT PRIMARY KEY, last INT)"
            )

    def _connect(self) -> sqlite3.Connection:
        # one connection per call: the core calls from many threads
        return sqlite3.connect(self.path, timeout=60, isolation_level=None)

    def load(self, key: str) -> str | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT document FROM records WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else str(row[0])

    def save(
        self, key: str, document: str, expected: int, generation: int, fence: int | None
    ) -> bool:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            if fence is not None and not self._holds(db, key, fence):
                db.execute("ROLLBACK")
                return False
            row = db.execute(
                "SELECT generation FROM records WHERE key = ?", (key,)
            ).fetchone()
            if (0 if row is None else row[0]) != expected:
                db.execute("ROLLBACK")
                return False
            db.execute(
                "INSERT OR REPLACE INTO records (key, generation, document) VALUES (?, ?, ?)",
                (key, generation, document),
            )
            db.execute("COMMIT")
        return True

    def lock(self, key: str, wait: float) -> _Lock | None:
        deadline = time.monotonic() + wait
        pause = 0.001
        while True:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")
                row = db.execute(
                    "SELECT expires FROM locks WHERE key = ?", (key,)
                ).fetchone()
                if row is None or row[0] < time.time():
                    db.execute(
                        "INSERT INTO fences (key, last) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET last = last + 1",
                        (key,),
                    )
                    fence = db.execute(
                        "SELECT last FROM fences WHERE key = ?", (key,)
                    ).fetchone()[0]
                    db.execute(
                        "INSERT OR REPLACE INTO locks (key, fence, expires) VALUES (?, ?, ?)",
                        (key, fence, time.time() + LOCK_SECONDS),
                    )
                    db.execute("COMMIT")
                    return _Lock(self, key, int(fence))
                db.execute("ROLLBACK")
            if time.monotonic() >= deadline:
                return None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def still_held(self, key: str, fence: int) -> bool:
        with self._connect() as db:
            return self._holds(db, key, fence)

    @staticmethod
    def _holds(db: sqlite3.Connection, key: str, fence: int) -> bool:
        row = db.execute(
            "SELECT fence, expires FROM locks WHERE key = ?", (key,)
        ).fetchone()
        return row is not None and row[0] == fence and row[1] >= time.time()

    def list(self, profile: str | None) -> list[str]:
        pattern = "%" if profile is None else f"{profile}/%"
        with self._connect() as db:
            return [
                str(r[0])
                for r in db.execute(
                    "SELECT key FROM records WHERE key LIKE ?", (pattern,)
                )
            ]

    def delete(self, key: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM records WHERE key = ?", (key,))


class _Lock:
    def __init__(self, store: SqliteStore, key: str, fence: int) -> None:
        self.store, self.key, self.fence = store, key, fence

    def release(self) -> None:
        with self.store._connect() as db:
            db.execute(
                "DELETE FROM locks WHERE key = ? AND fence = ?", (self.key, self.fence)
            )


if __name__ == "__main__":
    import x_api_auth

    failure = x_api_auth.check_store(x_api_auth.custom_store(SqliteStore(sys.argv[1])))
    print(failure or "the SQLite store passes the core's store conformance checks")
    sys.exit(1 if failure else 0)
