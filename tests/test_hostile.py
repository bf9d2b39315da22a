"""Bad and hostile submissions, graded in ONE batch: each gets a clear status and message,
earns no points it did not earn honestly, and leaves the rest of the batch graded."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, W1A1, notebook_with, parent_pid, suite_pids

from autograde.engine import Job, grade_batch

# timing bounds (a submission's budget, bounded restarts): after the background commands (conftest)
pytestmark = pytest.mark.quiet

GRADER_FILE = ROOT / "graders" / W1A1 / "test_w1a1_forward.py"

# A wrong rnn_cell_forward (ba dropped) used where a submission also tries to cheat.
WRONG_CELL = '''
def rnn_cell_forward(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
'''


def probe(name: str, body: str) -> str:
    """A graded function that reports what the sandbox let it do, by raising it as an error."""
    return f'''
def {name}(*args, **kwargs):
    import os, socket, subprocess
    report = []
{body}
    raise RuntimeError("PROBE " + " | ".join(report))
'''


READ_BODY = f'''
    for path in [{str(GRADER_FILE)!r}, "../../graders", "/work", "/root/.bashrc", "/etc/shadow",
                 {str(ROOT / "gradebook.db")!r}]:
        try:
            with open(path, "rb") as fh:
                report.append(f"READ-OK {{path}} {{fh.read(40)!r}}")
        except Exception as exc:
            report.append(f"read-denied {{path}} {{type(exc).__name__}}")
    try:
        report.append("ENVIRON " + repr(open("/proc/1/environ", "rb").read(200)))
    except Exception as exc:
        report.append("environ-denied")
    try:
        report.append("LISTING " + repr(os.listdir("/")))
    except Exception as exc:
        report.append("listing-denied")
'''

SOCKET_BODY = '''
    for family, addr in ((socket.AF_INET, ("127.0.0.1", 22)), (socket.AF_INET6, ("::1", 22)),
                         (socket.AF_UNIX, "/tmp/x")):
        try:
            s = socket.socket(family, socket.SOCK_STREAM)
            report.append(f"SOCKET-OK {family}")
            s.connect(addr)
            report.append(f"CONNECT-OK {addr}")
        except Exception as exc:
            report.append(f"socket-denied {type(exc).__name__} {exc}")
'''

WRITE_BODY = f'''
    for path in [{str(ROOT / "graders" / "pwned.txt")!r}, {str(ROOT / "pwned.txt")!r}, "/usr/pwned",
                 "/etc/pwned", "/course/pwned.py", "pwned-here.txt"]:
        try:
            with open(path, "w") as fh:
                fh.write("x")
            report.append(f"WRITE-OK {{path}}" if not path.startswith("pwned-here") else "cwd-write-ok")
        except Exception as exc:
            report.append(f"write-denied {{path}} {{type(exc).__name__}}")
'''

CASES = {
    # ---- files that are not gradable notebooks
    "unreadable": b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage",
    "empty": b"",
    "not_a_notebook": b'{"hello": "world", "cells": "nope"}',
    "truncated_json": b'{"cells": [{"cell_type": "code", "source": "x = 1"',
    # ---- structural damage
    "deleted_solution_cell": dict(drop={"rnn_cell_forward_code"}),
    "deleted_autograder_cell": dict(drop={"rnn_forward"}),
    "duplicated_solution_cell": dict(edit=lambda nb: _duplicate(nb, "rnn_forward_code")),
    "retyped_solution_cell": dict(edit=lambda nb: _retype(nb, "lstm_backward_code")),
    "tampered_points": dict(edit=lambda nb: _tamper_points(nb)),
    # ---- hostile code
    "monkeypatch_numpy_and_tests": dict(replace={"rnn_cell_forward_code": WRONG_CELL}, append=[
        "import numpy, public_tests\n"
        "numpy.allclose = lambda *a, **k: True\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.array_equal = lambda *a, **k: True\n"
        "for _n in dir(public_tests):\n    if _n.endswith('_test'):\n        setattr(public_tests, _n, lambda *a, **k: None)\n"]),
    "reads_graders": dict(replace={"rnn_cell_forward_code": probe("rnn_cell_forward", READ_BODY)}),
    "opens_socket": dict(replace={"rnn_forward_code": probe("rnn_forward", SOCKET_BODY)}),
    "writes_outside_tmp": dict(replace={"lstm_forward_code": probe("lstm_forward", WRITE_BODY)}),
    "os_exit_in_cell": dict(append=["import os\nos._exit(0)"]),
    "sys_exit_in_cell": dict(append=["import sys\nsys.exit('bye')"]),
    "loops_at_top_level": dict(append=["while True:\n    pass"]),
    "loops_in_function": dict(replace={"rnn_backward_code": "def rnn_backward(da, caches):\n    while True:\n        pass\n"}),
    "allocates_50GB": dict(replace={"lstm_cell_forward_code":
                                    "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n"
                                    "    big = np.ones((50 * 2**30 // 8,))\n    return big\n"},
                           append=["try:\n    hog = bytearray(50 * 2**30)\nexcept MemoryError:\n    pass"]),
    "forks_in_a_loop": dict(append=["import os, time\nkids = []\nfor _ in range(40):\n    pid = os.fork()\n"
                                    "    if pid == 0:\n        time.sleep(3600)\n        os._exit(0)\n    kids.append(pid)\n"]),
    "prints_100MB": dict(append=["import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(100):\n    sys.stdout.write(chunk)\n"]),
    "crashes_in_function": dict(replace={"lstm_cell_backward_code":
                                         "def lstm_cell_backward(da_next, dc_next, cache):\n    import os\n    os._exit(7)\n"}),
    "returns_unsendable": dict(replace={"rnn_cell_backward_code":
                                        "def rnn_cell_backward(da_next, cache):\n    return lambda: 0\n"}),
}


def _duplicate(nb, grade_id):
    """Two cells with the solution's grade_id: a broken first copy, then the real one."""
    import copy

    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            first = copy.deepcopy(cell)
            first.source = "def rnn_forward(x, a0, parameters):\n    raise SystemError('first copy')\n"
            nb.cells.insert(i, first)
            return


def _retype(nb, grade_id):
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            md = nbformat.v4.new_markdown_cell(cell.source)
            md.metadata = cell.metadata
            nb.cells[i] = md


def _tamper_points(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 1000
        if meta.get("grade_id") == "rnn_cell_forward_code":
            cell.source = WRONG_CELL


@pytest.fixture(scope="module")
def batch(w1a1, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, spec in CASES.items():
        path = out / f"{name}.ipynb"
        if isinstance(spec, bytes):
            path.write_bytes(spec)
        else:
            nbformat.write(notebook_with(w1a1, **spec), str(path))
        paths[name] = path
    paths["missing_file"] = out / "does_not_exist.ipynb"
    names = list(paths)
    before = _learner_processes()
    os.environ["AUTOGRADE_TEST_SECRET"] = "s3cr3t-of-the-grader"  # must not reach any learner process
    results = grade_batch([Job(W1A1, str(paths[n]), None, str(ROOT)) for n in names], workers=2)
    after = _learner_processes()
    return dict(zip(names, results)), before, after


def _learner_processes() -> set[int]:
    """Learner processes of THIS test process's batches: with cgroups, those in the sandbox groups
    its pool workers created (named sb-<coordinator>-<worker>-<n>); else every learner process but
    those of the suite's background validation and of the other xdist workers."""
    from autograde import cgroups

    kind, parents = cgroups.layout()
    if kind:
        pids = set()
        for parent in parents.values():
            for group in parent.glob(f"sb-{os.getpid()}-*"):
                try:
                    pids |= {int(x) for x in (group / "cgroup.procs").read_text().split()}
                except OSError:
                    pass
                pids.add(-hash(group.name))  # a group left behind is a leak too
        return pids
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"autograde.learner" in (entry / "cmdline").read_bytes():
                    pids.add(int(entry.name))
            except OSError:
                pass
    theirs = suite_pids()
    return {pid for pid in pids if not _descends_from(pid, theirs)}


def _descends_from(pid: int, ancestors: set[int]) -> bool:
    """Whether ``pid`` runs under one of ``ancestors`` (the suite's background validation, the other
    xdist workers: their learner processes are not this test's; a leaked one of this test's is an
    orphan, under init)."""
    while pid is not None and pid > 1:
        if pid in ancestors:
            return True
        pid = parent_pid(pid)
    return False


def ex(result, name):
    return result.exercises[name]


def all_feedback(result) -> str:
    return "\n".join(line for e in result.exercises.values() for line in e.feedback)


FULL = 100.0


@pytest.mark.parametrize("name", ["unreadable", "empty", "not_a_notebook", "truncated_json", "missing_file"])
def test_ungradable_files_fail_clearly(batch, name):
    r = batch[0][name]
    assert r.status == "failed" and r.score == 0
    assert r.message and len(r.message) < 400
    words = {"unreadable": "not text", "empty": "empty", "not_a_notebook": "not a Jupyter notebook",
             "truncated_json": "not valid JSON", "missing_file": "cannot read"}
    assert words[name] in r.message


def test_deleted_solution_cell(batch):
    r = batch[0]["deleted_solution_cell"]
    assert r.status == "graded"
    assert ex(r, "rnn_cell_forward").score == 0
    assert "rnn_cell_forward_code" in r.message and "deleted" in r.message
    assert ex(r, "lstm_backward").score == ex(r, "lstm_backward").max_score  # the rest is graded


def test_deleted_autograder_cell_is_restored(batch):
    r = batch[0]["deleted_autograder_cell"]
    assert r.status == "graded" and r.score == FULL and "deleted" in r.message


def test_duplicated_solution_cell_uses_last_copy(batch):
    r = batch[0]["duplicated_solution_cell"]
    assert r.status == "graded" and r.score == FULL and "appears 2 times" in r.message


def test_retyped_solution_cell(batch):
    r = batch[0]["retyped_solution_cell"]
    assert ex(r, "lstm_backward").score == 0 and "markdown" in r.message
    assert r.score == FULL - 15


def test_tampered_points_change_nothing(batch):
    r = batch[0]["tampered_points"]
    assert r.max_score == FULL and ex(r, "rnn_cell_forward").max_score == 10
    assert ex(r, "rnn_cell_forward").score < 10


def test_monkeypatching_numpy_or_public_tests_gains_nothing(batch):
    r = batch[0]["monkeypatch_numpy_and_tests"]
    assert r.status == "graded"
    assert ex(r, "rnn_cell_forward").score < 10  # still wrong, however np.allclose behaves in there
    assert "missing_bias" in ex(r, "rnn_cell_forward").diagnoses
    assert ex(r, "lstm_backward").score == ex(r, "lstm_backward").max_score


def test_graders_and_secrets_are_invisible(batch):
    r = batch[0]["reads_graders"]
    text = all_feedback(r)
    assert "PROBE" in text and "READ-OK" not in text, text
    assert "s3cr3t" not in text  # not even through the sandbox's pid 1
    assert "graders" not in text.split("LISTING")[-1].split("\n")[0]
    assert ex(r, "rnn_cell_forward").score == 0


def test_sockets_are_refused(batch):
    r = batch[0]["opens_socket"]
    text = all_feedback(r)
    assert "PROBE" in text and "SOCKET-OK" not in text and "CONNECT-OK" not in text, text
    assert "socket-denied PermissionError" in text


def test_writes_outside_work_dir_are_refused(batch):
    r = batch[0]["writes_outside_tmp"]
    text = all_feedback(r)
    assert "PROBE" in text, text
    # a write may only succeed inside the sandbox's private /tmp (a checkout under /tmp, as in
    # CI's fresh clone, shows there as mount points on that tmpfs); nothing reaches the host
    import re
    leaked = [p for p in re.findall(r"WRITE-OK (\S+)", text) if not p.startswith("/tmp/")]
    assert not leaked, text
    assert "cwd-write-ok" in text  # the private working directory is writable
    assert not (ROOT / "graders" / "pwned.txt").exists() and not (ROOT / "pwned.txt").exists()


@pytest.mark.parametrize("name", ["os_exit_in_cell", "sys_exit_in_cell", "prints_100MB", "forks_in_a_loop"])
def test_cell_level_abuse_costs_nothing_else(batch, name):
    r = batch[0][name]
    assert r.status == "graded" and r.score == FULL, (r.message, all_feedback(r))


def test_os_exit_cell_is_reported(batch):
    r = batch[0]["os_exit_in_cell"]
    assert "exited with status 0" in r.message


def test_top_level_loop_times_out_and_is_skipped(batch):
    r = batch[0]["loops_at_top_level"]
    assert r.status == "graded" and r.score == FULL and "time limit" in r.message


def test_looping_function_loses_only_its_exercise(batch):
    r = batch[0]["loops_in_function"]
    assert ex(r, "rnn_backward").score == 0
    assert r.score == FULL - 10
    assert "did not finish in time" in "\n".join(ex(r, "rnn_backward").feedback)


def test_memory_hog_loses_only_its_exercise(batch):
    r = batch[0]["allocates_50GB"]
    assert ex(r, "lstm_cell_forward").score == 0
    assert "MemoryError" in "\n".join(ex(r, "lstm_cell_forward").feedback)
    assert ex(r, "lstm_backward").score == ex(r, "lstm_backward").max_score


def test_crashing_function_loses_only_its_exercise(batch):
    r = batch[0]["crashes_in_function"]
    assert ex(r, "lstm_cell_backward").score == 0
    assert "crashed" in "\n".join(ex(r, "lstm_cell_backward").feedback)
    # lstm_backward calls the learner's lstm_cell_backward, so it fails too; nothing else does
    assert r.score == FULL - 20 - 15


def test_unsendable_return_value(batch):
    r = batch[0]["returns_unsendable"]
    assert ex(r, "rnn_cell_backward").score == 0  # it stays a remote handle; the grader sees no dict
    assert "should be a dict" in "\n".join(ex(r, "rnn_cell_backward").feedback)


def test_no_learner_process_survives_the_batch(batch):
    _, before, after = batch
    assert not (after - before)


def test_every_result_is_complete(batch):
    for name, r in batch[0].items():
        assert r.status in ("graded", "failed"), name
        if r.status == "graded":
            assert set(r.exercises) == {"rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
                                        "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"}
            assert not r.internal_errors, (name, r.internal_errors)


# ------------------------------------------------------------------ bounded work per submission

def _tight_course(root: Path) -> Path:
    """A copy of w1a1 with short deadlines: a 2 s call deadline and a 10 s submission budget."""
    import shutil

    course = root / "course"
    for part in ("source", "release", "graders"):
        shutil.copytree(ROOT / part / W1A1, course / part / W1A1, symlinks=True)
    (course / "datasets").mkdir()
    (course / "autograde").symlink_to(ROOT / "autograde")
    settings = course / "graders" / W1A1 / "assignment.toml"
    text = settings.read_text()
    for key, value in (("call_timeout", "2"), ("cell_timeout", "5"), ("submission_timeout", "10")):
        text = "\n".join(f"{key} = {value}" if line.startswith(f"{key} ") else line for line in text.splitlines())
    settings.write_text(text + "\n")
    return course


SLEEPY = "\n".join(f"def {fn}(*args, **kwargs):\n    import time\n    time.sleep(1.5)\n    raise ValueError('slow')\n"
                   for fn in ("rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward"))
CRASHY = "\n".join(f"def {fn}(*args, **kwargs):\n    import os\n    os._exit(3)\n"
                   for fn in ("rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
                              "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"))
STOPS = "def rnn_forward(*args, **kwargs):\n    import os, signal\n    os.kill(os.getpid(), signal.SIGSTOP)\n"
# a cell IPython's transformer is slow on (magics and help syntax over thousands of lines): it is
# transformed in the sandbox, under the cell's deadline, never in the grader process
CRAFTED = "\n".join(["%time x = (" + "(" * 40 + "?" for _ in range(800)])


TIGHT_RUNNER = """
import json, resource, sys, time
from autograde.engine import Grader, Job
course, aid, warm_nb, *cases = sys.argv[1:]
grader = Grader()
out = {}
try:
    grader.grade(Job(aid, warm_nb, None, course))
    for case in cases:
        name, path = case.split("=", 1)
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        result = grader.grade(Job(aid, path, None, course))
        after = resource.getrusage(resource.RUSAGE_SELF)
        out[name] = {"result": result.to_dict(), "wall": time.monotonic() - started,
                     "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}
finally:
    grader.close()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def tight(w1a1, tmp_path_factory, background_finished):
    """The cases graded by one warm grader in its own process (a course of its own: grader packages
    are imported under their assignment's name, once per process)."""
    import json
    import subprocess
    import sys

    from autograde.results import NotebookResult

    course = _tight_course(tmp_path_factory.mktemp("tight"))
    out = tmp_path_factory.mktemp("tight-nb")
    cases = {"sleepy": dict(append=[SLEEPY]), "crashy": dict(append=[CRASHY]),
             "stops_itself": dict(replace={"rnn_forward_code": STOPS}), "crafted_ipython": dict(append=[CRAFTED])}
    args = []
    for name, spec in cases.items():
        path = out / f"{name}.ipynb"
        nbformat.write(notebook_with(w1a1, **spec), str(path))
        args.append(f"{name}={path}")
    proc = subprocess.run([sys.executable, "-c", TIGHT_RUNNER, str(course), W1A1,
                           str(course / "source" / W1A1 / w1a1.notebook_name), *args],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(CRAFTED) > 30_000
    return ({k: NotebookResult.from_dict(v["result"]) for k, v in data.items()},
            {k: v["cpu"] for k, v in data.items()}, {k: v["wall"] for k, v in data.items()})


def test_a_submission_has_a_time_budget(tight):
    results, _, wall = tight
    r = results["sleepy"]
    assert r.status.value == "graded" and not r.internal_errors
    assert wall["sleepy"] < 10 + 5 + 15  # the budget, one last call, and the restarts' start-up
    assert "time budget of 10 s" in r.message
    assert any("time budget" in line for e in r.exercises.values() for line in e.feedback)


def test_restarts_are_bounded(tight):
    results, _, wall = tight
    r = results["crashy"]
    assert r.status.value == "graded" and not r.internal_errors and r.score == 0
    assert "crashed" in r.message and wall["crashy"] < 60


def test_a_stopped_learner_cannot_hold_the_grader(tight):
    results, _, wall = tight
    r = results["stops_itself"]
    assert r.exercises["rnn_forward"].score == 0 and r.exercises["lstm_backward"].score == 15
    assert wall["stops_itself"] < 10 + 15


def test_learner_cells_are_not_transformed_in_the_grader(tight):
    results, cpu, _ = tight
    r = results["crafted_ipython"]
    assert r.status.value == "graded" and not r.internal_errors
    assert cpu["crafted_ipython"] < 5, cpu  # the grader's own CPU time for the whole submission
