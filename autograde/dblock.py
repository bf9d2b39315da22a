"""Serialising writers of one gradebook across processes and machines.

nbgrader's gradebook layer checks, then inserts (``find_submission`` then ``add_submission``;
``create_all`` then the alembic stamp on a fresh database). Two grading processes recording
the same learner at once (two instructors, or a restarted batch next to a stale one) can both
see "missing" and both insert: one fails on a unique constraint, or, where nbgrader has no
constraint, a row is duplicated. We do not retry on integrity errors: we take a lock first.

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock``) on a connection of its
  own, keyed by the name (``"<assignment>/<student>"``, or ``"schema"`` for creating the
  tables), so writers of different learners go on in parallel and nothing is left locked if
  a process dies (the server drops a dead session's locks).
- SQLite: an exclusive ``flock`` on ``<database>.lock`` beside the file (one machine by
  nature; SQLite itself serialises the writes, this makes check-then-insert atomic).
- Anything else: no lock (said in the docs).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from pathlib import Path
from typing import Iterator

_NAMESPACE = 0x61677264  # "agrd": first key of every advisory lock this engine takes


def _key(name: str) -> int:
    """A signed 32-bit key for ``name`` (a collision only serialises two unrelated writers)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)


class GradebookLock:
    """Named exclusive locks on one gradebook (see the module docstring)."""

    def __init__(self, db_url: str) -> None:
        from sqlalchemy.engine import make_url

        self.db_url = db_url
        url = make_url(db_url)
        self.backend = url.get_backend_name()
        self._engine = None
        self._file: Path | None = None
        if self.backend == "postgresql":
            from sqlalchemy import create_engine
            from sqlalchemy.pool import NullPool

            self._engine = create_engine(url, poolclass=NullPool)
        elif self.backend == "sqlite" and url.database and url.database != ":memory:":
            self._file = Path(url.database + ".lock")

    @contextlib.contextmanager
    def hold(self, name: str) -> Iterator[None]:
        if self._engine is not None:
            from sqlalchemy import text

            with self._engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:ns, :key)"), {"ns": _NAMESPACE, "key": _key(name)})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), {"ns": _NAMESPACE, "key": _key(name)})
                    conn.commit()
        elif self._file is not None:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._file, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)
        else:
            yield

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
