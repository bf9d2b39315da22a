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
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/catalog imports autograde
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
# One directory per test run, shared by pytest-xdist's workers (`make test` runs two): the graders'
# stored expected values (autograde/expected.py) and the background commands' reports. The store is
# this run's own, so every run computes the values from the references at least once and a
# developer's ~/.cache cannot hide a broken reference; every grading process the tests start (CLI
# runs, Dask workers, the other xdist worker) shares it.
if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("AUTOGRADE_TEST_RUN"):
    RUN_DIR = Path(os.environ["AUTOGRADE_TEST_RUN"])  # the controller's
else:
    RUN_DIR = Path(tempfile.mkdtemp(prefix="autograde-test-run-"))
    os.environ["AUTOGRADE_TEST_RUN"] = str(RUN_DIR)
    atexit.register(shutil.rmtree, RUN_DIR, True)
_EXPECTED_STORE = RUN_DIR / "expected"
_EXPECTED_STORE.mkdir(exist_ok=True)
os.environ["AUTOGRADE_CACHE"] = str(_EXPECTED_STORE)
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))

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
# after the other, in a background thread of ONE test process (the first xdist worker to get
# there) while the rest of the suite runs, starting with the tests marked ``waits`` (deadlines,
# sandbox and server starts); the tests that read their reports run last, in any worker: the
# reports, each command's exit status and its process id are files in the run's directory.

_COMMANDS = {
    "validation_reports": ["validate", "--skip-release-check", "--workers", "2"],
    "reference_reports": ["references"],
}
_BACKGROUND_DIR = RUN_DIR / "background"
_BACKGROUND_DIR.mkdir(exist_ok=True)


def _paths(fixture: str) -> dict[str, Path]:
    return {k: _BACKGROUND_DIR / f"{fixture}.{k}" for k in ("json", "log", "status")}


class _Background:
    """The commands, run one after the other by the test process that owns them."""

    def __init__(self, fixtures: list[str]) -> None:
        self.fixtures = fixtures
        self.proc: subprocess.Popen | None = None
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True, name="background-commands")
        self.thread.start()

    def _run(self) -> None:
        for fixture in self.fixtures:
            paths = _paths(fixture)
            cmd = [str(Path(sys.executable).parent / "autograde"), *_COMMANDS[fixture], "--json", str(paths["json"])]
            code = "not run"
            try:
                if not self.stopped:
                    with paths["log"].open("wb") as fh:
                        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                                                     stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"},
                                                     start_new_session=True)
                    (_BACKGROUND_DIR / "pid").write_text(str(self.proc.pid))
                    code = str(self.proc.wait())
            finally:
                paths["status"].write_text(code)

    def stop(self, wait_for_readers: bool) -> None:
        """At the end of the owner's session: let the commands finish while another worker may
        still read their reports, then kill what is left (the command and its grading workers)."""
        while wait_for_readers and self.thread.is_alive() and len(list(_BACKGROUND_DIR.glob("finished-*"))) < WORKERS:
            self.thread.join(timeout=0.5)
        self.stopped = True
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


_OWNED: _Background | None = None  # the background run this process owns, if any


def _start(fixtures: list[str]) -> None:
    """Start the commands unless another test process of this run already has."""
    global _OWNED
    try:
        fd = os.open(_BACKGROUND_DIR / "owner", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    (_BACKGROUND_DIR / "commands.json").write_text(json.dumps(fixtures))
    _OWNED = _Background(fixtures)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def background_pids() -> set[int]:
    """Processes the suite runs in the background (their descendants are theirs, not a test's)."""
    try:
        pid = int((_BACKGROUND_DIR / "pid").read_text())
    except (OSError, ValueError):
        return set()
    return {pid} if _alive(pid) else set()


def suite_pids() -> set[int]:
    """The background commands and the other xdist workers: processes under them are not this
    test process's."""
    others = set()
    if WORKERS > 1:
        parent = os.getppid()
        others = {int(e.name) for e in Path("/proc").iterdir()
                  if e.name.isdigit() and int(e.name) != os.getpid() and parent_pid(int(e.name)) == parent}
    return background_pids() | others


def parent_pid(pid: int) -> int | None:
    """The parent of a running process (None once it is gone)."""
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _background(fixture: str) -> dict:
    _start([fixture])  # already started unless the fixture was not seen at collection
    paths = _wait(fixture)
    if not paths["json"].exists():
        tail = paths["log"].read_text(errors="replace")[-4000:] if paths["log"].exists() else ""
        raise RuntimeError(f"`autograde {' '.join(_COMMANDS[fixture])}` wrote no report (exit status "
                           f"{paths['status'].read_text()}):\n{tail}")
    return json.loads(paths["json"].read_text())


def _wait(fixture: str) -> dict[str, Path]:
    """Wait until the background command behind ``fixture`` has ended; its files."""
    paths = _paths(fixture)
    owner = _BACKGROUND_DIR / "owner"
    while not paths["status"].exists():
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            pid = None
        if pid is not None and not _alive(pid) and not paths["status"].exists():
            raise RuntimeError(f"the test process that ran `autograde {' '.join(_COMMANDS[fixture])}` "
                               f"(pid {pid}) ended before the command did")
        time.sleep(0.5)
    return paths


@pytest.hookimpl(optionalhook=True)  # the hook exists only where pytest-xdist is loaded
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs two xdist workers with ``--dist loadscope``: a module is one unit of work
    for one worker (its module fixtures, a sandbox pool or a PostgreSQL server, start once), in
    the order conftest gives (tests that wait first); the tests that read the background reports
    are units of their own, so that whichever worker is free takes them, last."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleReportsLast(LoadScopeScheduling):
        readers: set[str] | None = None  # read once, when the workers have collected

        def _split_scope(self, nodeid: str) -> str:
            if self.readers is None:
                self.readers = _readers()
            return nodeid if nodeid in self.readers else nodeid.split("::", 1)[0]

    config.option.loadscopereorder = False
    return ByModuleReportsLast(config, log)


def _readers() -> set[str]:
    """Node ids of the tests that read a background report, as the workers collected them."""
    path = _BACKGROUND_DIR / "readers.json"
    return set(json.loads(path.read_text())) if path.exists() else set()


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: a subset that reads no report starts nothing
def pytest_collection_modifyitems(session, config, items):
    """Order: tests marked ``waits`` first (they leave the CPU to the background commands), then
    the others, then those marked ``quiet`` (timing bounds: their fixtures wait for the background
    commands to end), then those that read the background commands' reports."""
    used = [f for f in _COMMANDS if any(f in getattr(item, "fixturenames", ()) for item in items)]

    def rank(item) -> int:
        if set(used) & set(getattr(item, "fixturenames", ())):
            return 3
        if item.get_closest_marker("quiet"):
            return 2
        return 0 if item.get_closest_marker("waits") else 1

    items.sort(key=rank)  # stable: pytest's order within each group
    readers = [item.nodeid for item in items if rank(item) == 3]
    tmp = _BACKGROUND_DIR / f"readers.{WORKER}.tmp"
    tmp.write_text(json.dumps(readers))
    tmp.replace(_BACKGROUND_DIR / "readers.json")  # every worker collects the same
    if used and not config.option.collectonly:
        _start(used)


def pytest_sessionfinish(session, exitstatus):
    if getattr(session.config.option, "dist", "no") != "no":
        return  # the xdist controller: its workers ran the tests
    (_BACKGROUND_DIR / f"finished-{WORKER}").touch()
    if _OWNED is not None:
        _OWNED.stop(wait_for_readers=exitstatus != pytest.ExitCode.INTERRUPTED)


@pytest.fixture(scope="session")
def background_finished() -> None:
    """Returns once this run's background commands have ended (at once if none runs): a test with
    timing bounds then shares the CPU with one other stream of tests, not with three."""
    path = _BACKGROUND_DIR / "commands.json"
    if path.exists():
        for fixture in json.loads(path.read_text()):
            _wait(fixture)


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
