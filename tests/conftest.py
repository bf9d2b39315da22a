"""Shared fixtures of the platform's own tests."""
from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/catalog imports autograde
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
# Graders' stored expected values (autograde/expected.py): a store of this session's own, so every
# run computes them from the references at least once and a developer's ~/.cache cannot hide a
# broken reference; every grading process the tests start (CLI runs, Dask workers) shares it.
_EXPECTED_STORE = tempfile.mkdtemp(prefix="autograde-test-expected-")
atexit.register(shutil.rmtree, _EXPECTED_STORE, True)
os.environ["AUTOGRADE_CACHE"] = _EXPECTED_STORE

W1A1 = "w1a1_rnn_step_by_step"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def w1a1():
    from autograde.assignment import load_assignment

    return load_assignment(W1A1, ROOT)


def grader_module(assignment_id: str, name: str, root: Path = ROOT):
    """A module of an assignment's grader package, imported the way the engine imports it."""
    graders = str(root / "graders")
    if graders not in sys.path:
        sys.path.insert(0, graders)
    return importlib.import_module(f"{assignment_id}.{name}")


def notebook_with(assignment, replace: dict[str, str] | None = None, append: list[str] | None = None,
                  insert_after: dict[str, list[str]] | None = None, drop: set[str] = frozenset(),
                  edit=None) -> nbformat.NotebookNode:
    """The solution notebook with cells replaced (by grade_id), dropped, added or edited."""
    nb = nbformat.read(str(assignment.source_path), as_version=4)
    cells = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in drop:
            continue
        if replace and gid in replace:
            cell.source = replace[gid]
        cells.append(cell)
        for code in (insert_after or {}).get(gid, []):
            cells.append(nbformat.v4.new_code_cell(code))
    for code in append or []:
        cells.append(nbformat.v4.new_code_cell(code))
    nb.cells = cells
    if edit:
        edit(nb)
    return nb


# ------------------------------------------------------------------ long commands, in the background
#
# Two commands check the whole course and take minutes of CPU: `autograde validate` (every
# assignment's solution, release and catalog variants in one batch) and `autograde references`
# (every reference model on its whole held-out set). From the end of collection they run, one
# after the other, in a background thread while the rest of the suite runs, starting with the
# tests marked ``waits`` (deadlines, sandbox and server starts); the tests that read their reports
# run last.

_COMMANDS = {
    "validation_reports": ["validate", "--skip-release-check", "--workers", "2"],
    "reference_reports": ["references"],
}


class _Background:
    def __init__(self, fixtures: list[str]) -> None:
        self.where = Path(tempfile.mkdtemp(prefix="autograde-test-background-"))
        atexit.register(shutil.rmtree, self.where, True)
        self.done = {name: threading.Event() for name in fixtures}
        self.codes: dict[str, int] = {}
        self.proc: subprocess.Popen | None = None
        self.stopped = False
        threading.Thread(target=self._run, args=(fixtures,), daemon=True, name="background-commands").start()

    def paths(self, fixture: str) -> tuple[Path, Path]:
        return self.where / f"{fixture}.json", self.where / f"{fixture}.log"

    def _run(self, fixtures: list[str]) -> None:
        for fixture in fixtures:
            out, log = self.paths(fixture)
            cmd = [str(Path(sys.executable).parent / "autograde"), *_COMMANDS[fixture], "--json", str(out)]
            try:
                if not self.stopped:
                    with log.open("wb") as fh:
                        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                                                     stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"},
                                                     start_new_session=True)
                    self.codes[fixture] = self.proc.wait()
            finally:
                self.done[fixture].set()

    def report(self, fixture: str) -> dict:
        self.done[fixture].wait()
        out, log = self.paths(fixture)
        if not out.exists():
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            raise RuntimeError(f"`autograde {' '.join(_COMMANDS[fixture])}` wrote no report (exit status "
                               f"{self.codes.get(fixture)}):\n{tail}")
        return json.loads(out.read_text())

    def stop(self) -> None:
        self.stopped = True
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the command and its grading workers
            except ProcessLookupError:
                pass
            proc.wait()

    def pids(self) -> set[int]:
        proc = self.proc
        return {proc.pid} if proc is not None and proc.poll() is None else set()


_BACKGROUND: dict[str, _Background] = {}  # fixture -> the background run that produces it


def _start(fixtures: list[str]) -> None:
    todo = [f for f in fixtures if f not in _BACKGROUND]
    if todo:
        run = _Background(todo)
        _BACKGROUND.update(dict.fromkeys(todo, run))


def background_pids() -> set[int]:
    """Processes the suite runs in the background (their descendants are theirs, not a test's)."""
    return {pid for run in set(_BACKGROUND.values()) for pid in run.pids()}


def _background(fixture: str) -> dict:
    _start([fixture])  # already running unless the fixture was not seen at collection
    return _BACKGROUND[fixture].report(fixture)


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: a subset that reads no report starts nothing
def pytest_collection_modifyitems(session, config, items):
    """Order: tests marked ``waits`` first (they leave the CPU to the background commands), then
    the others, then those that read the background commands' reports."""
    used = [f for f in _COMMANDS if any(f in getattr(item, "fixturenames", ()) for item in items)]

    def rank(item) -> int:
        if set(used) & set(getattr(item, "fixturenames", ())):
            return 2
        return 0 if item.get_closest_marker("waits") else 1

    items.sort(key=rank)  # stable: pytest's order within each group
    if used and not config.option.collectonly:
        _start(used)


def pytest_sessionfinish(session, exitstatus):
    for run in set(_BACKGROUND.values()):
        run.stop()


@pytest.fixture(scope="session")
def validation_reports() -> dict:
    """`autograde validate --skip-release-check --json` of EVERY assignment in one batch through
    one warm pool (the release regeneration is test_assignments' own check); its reports."""
    from autograde.validate import Report

    data = _background("validation_reports")
    return {aid: Report.from_dict(r) for aid, r in data["assignments"].items()}


@pytest.fixture(scope="session")
def reference_reports() -> dict:
    """`autograde references --json`: every reference model verified on its whole held-out set
    (hashes, loading, the recorded data, every metric recomputed); its reports, by assignment."""
    from autograde.references import VerifyReport

    data = _background("reference_reports")
    return {r["assignment"]: VerifyReport(**r) for r in data["references"]}
