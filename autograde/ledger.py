"""The durable results log of course batches: what makes a batch survive being killed.

``autograded/<assignment>-results.jsonl``, append-only, one JSON object a line, each line
written with a single ``write`` and ``fsync``-ed before anything depends on it:

- ``{"kind": "result", "student", "sha256", "grader_version", "result": {...}}`` as soon as
  a submission is graded, *before* it is recorded in the gradebook;
- ``{"kind": "recorded", "student", "sha256", "grader_version"}`` once the gradebook
  transaction and the feedback page are written.

A result is identified by its key: (student, sha256 of the notebook's bytes, grader
version). Started again, a batch grades only the submissions whose current key has no
result line, and re-records (idempotently) the results that have no "recorded" line, the one
window a kill can leave open. A line cut short by a kill is ignored. Several processes may
append to one log: each line is written under an exclusive ``flock``.

Reading the log keeps only offsets and keys in memory, never the results themselves, so a
batch's memory does not grow with its size.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from autograde.results import NotebookResult


@dataclass(frozen=True)
class Key:
    student: str
    sha256: str
    grader_version: str


@dataclass
class Entry:
    offset: int          # where the key's (last) result line starts
    recorded: bool


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path

    def scan(self) -> dict[Key, Entry]:
        """Every key that has a result line, with the offset of its last one and whether it was recorded."""
        entries: dict[Key, Entry] = {}
        if not self.path.exists():
            return entries
        for offset, data in self._lines():
            try:
                key = Key(data["student"], data["sha256"], data["grader_version"])
                kind = data["kind"]
            except (KeyError, TypeError):
                continue
            if kind == "result" and isinstance(data.get("result"), dict):
                entries[key] = Entry(offset, False)
            elif kind == "recorded" and key in entries:
                entries[key].recorded = True
        return entries

    def read(self, offset: int) -> NotebookResult:
        with self.path.open("rb") as f:
            f.seek(offset)
            return NotebookResult.from_dict(json.loads(f.readline())["result"])

    def append_result(self, key: Key, result: NotebookResult) -> None:
        self._append({"kind": "result", **_key_dict(key), "result": result.to_dict()})

    def mark_recorded(self, key: Key) -> None:
        self._append({"kind": "recorded", **_key_dict(key)})

    def _append(self, data: dict) -> None:
        line = (json.dumps(data, separators=(",", ":")) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _repair_tail(fd)
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)

    def _lines(self) -> Iterator[tuple[int, dict]]:
        with self.path.open("rb") as f:
            offset = 0
            for raw in f:
                start, offset = offset, offset + len(raw)
                if not raw.endswith(b"\n"):
                    break  # cut short by a kill: never trusted
                try:
                    data = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(data, dict):
                    yield start, data


def _repair_tail(fd: int) -> None:
    """A previous writer killed mid-line left no newline: end that fragment so ours starts clean."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        os.write(fd, b"\n")


def _key_dict(key: Key) -> dict:
    return {"student": key.student, "sha256": key.sha256, "grader_version": key.grader_version}
