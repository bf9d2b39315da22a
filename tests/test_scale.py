"""Beyond one machine: a real PostgreSQL server and a real Dask cluster, started and stopped here.

One mixed w1a1 batch (correct, wrong, crashing, looping, malformed) is graded
locally into SQLite as the reference; every other run must leave exactly the same rows in
its gradebook, as `nbgrader export` and nbgrader's own API read them:

- through the Dask cluster into PostgreSQL;
- a local batch and a Dask batch whose grading process is SIGKILLed half-way, then started
  again with the same command (only what is missing is graded);
- a batch during which a Dask worker process is SIGKILLed mid-job;
- two instructors grading the same assignment at once into one PostgreSQL gradebook.

The assignment's real settings apply (the looping notebook costs its 10 s call deadline in each
run: shorter deadlines made correct cells time out on a loaded machine). About 4.5 minutes on a
quiet 2-core machine, 12 on a heavily loaded one.
"""
from __future__ import annotations

import csv
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, W1A1, notebook_with

pytestmark = pytest.mark.waits  # deadlines, sandbox starts, servers: run beside the background commands

AUTOGRADE = [sys.executable, "-m", "autograde.cli"]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
       "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
NOTEBOOK = "rnn_step_by_step.ipynb"
STUDENTS = ("ana", "ben", "cy", "dee", "eli")


# ------------------------------------------------------------------ the course

def _submissions(w1a1) -> dict[str, object]:
    wrong = ("def rnn_cell_forward(xt, a_prev, parameters):\n"
             "    a_next = np.tanh(parameters['Wax'] @ xt + parameters['ba'])\n"
             "    yt_pred = softmax(parameters['Wya'] @ a_next + parameters['by'])\n"
             "    return a_next, yt_pred, (a_next, a_prev, xt, parameters)\n")
    crash = "def rnn_forward(x, a0, parameters):\n    import os\n    os._exit(3)\n"
    # never returns (asleep: the batch machinery is under test here, not the CPU limit, which
    # test_hostile and test_sandbox exercise with busy loops)
    loop = "def lstm_forward(x, a0, parameters):\n    import time\n    while True:\n        time.sleep(1)\n"
    return {"ana": notebook_with(w1a1),
            "ben": notebook_with(w1a1, replace={"rnn_cell_forward_code": wrong}),
            "cy": notebook_with(w1a1, replace={"rnn_forward_code": crash}),
            "dee": notebook_with(w1a1, replace={"lstm_forward_code": loop}),
            "eli": "{ this is not a notebook"}


def make_course(where: Path, subs: dict[str, object]) -> Path:
    """A course directory on this repository's assignments, with these submissions."""
    course = where
    course.mkdir(parents=True)
    for name in ("source", "release", "graders", "datasets", "tests"):
        (course / name).symlink_to(ROOT / name)
    for student, nb in subs.items():
        d = course / "submitted" / student / W1A1
        d.mkdir(parents=True)
        if isinstance(nb, str):
            (d / NOTEBOOK).write_text(nb)
        else:
            nbformat.write(nb, str(d / NOTEBOOK))
    return course


def grade(course: Path, *extra: str, wait: bool = True):
    cmd = [*AUTOGRADE, "grade", W1A1, "--course-dir", str(course), *extra]
    env = {**ENV, "AUTOGRADE_TEST_BATCH": str(course)}  # marks this batch's processes (see _batch_alive)
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def log_lines(course: Path, kind: str = "result") -> list[dict]:
    path = course / "autograded" / f"{W1A1}-results.jsonl"
    if not path.exists():
        return []
    out = []
    for raw in path.read_bytes().splitlines(keepends=True):
        if raw.endswith(b"\n"):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if data.get("kind") == kind:
                out.append(data)
    return out


def rows(course: Path, db_url: str, tmp: Path) -> dict:
    """What the gradebook holds: nbgrader export's CSV rows, every grade cell, and row counts."""
    from nbgrader.api import Comment, Gradebook, Grade, SubmittedAssignment

    out = tmp / f"export-{time.monotonic_ns()}.csv"
    proc = subprocess.run([str(BIN / "nbgrader"), "export", "--to", str(out), f"--CourseDirectory.root={course}",
                           f"--CourseDirectory.db_url={db_url}"], cwd=course, env=ENV, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    with out.open() as f:
        export = sorted(({k: r[k] for k in ("assignment", "student_id", "raw_score", "score", "max_score")}
                         for r in csv.DictReader(f)), key=lambda r: r["student_id"])
    with Gradebook(db_url) as gb:
        counts = {"submissions": gb.db.query(SubmittedAssignment).count(), "grades": gb.db.query(Grade).count(),
                  "comments": gb.db.query(Comment).count()}
        cells = sorted((s.student.id, g.name, g.auto_score) for s in gb.assignment_submissions(W1A1)
                       for nb in s.notebooks for g in nb.grades)
    return {"export": export, "cells": cells, "counts": counts}


# ------------------------------------------------------------------ PostgreSQL and Dask, for real

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server in a temporary directory, run by an unprivileged account; yields a URL factory."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (`make setup` as root installs Debian's postgresql)")
    data = Path(tempfile.mkdtemp(prefix="autograde-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        account = next((a for a in ("postgres", "autograde-sandbox") if _account(a)), None)
        if account is None:
            pytest.skip("no unprivileged account to run PostgreSQL as")
        entry = pwd.getpwnam(account)
        os.chown(data, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", account, "--"]
    port = _free_port()
    run = lambda *cmd: subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, timeout=120)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "autograde", "--no-sync", "-E", "UTF8")
    run(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-l", str(data / "server.log"), "-w", "-t", "60", "-o",
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start")
    created = []

    def database(name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="autograde", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"postgresql://autograde@127.0.0.1:{port}/{name}"

    try:
        yield database
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def _account(name: str) -> bool:
    try:
        return pwd.getpwnam(name).pw_uid != 0
    except KeyError:
        return False


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` and `dask worker --nworkers 2 --nthreads 1`, as an instructor would start them."""
    from distributed import Client

    where = tmp_path_factory.mktemp("dask")
    sfile = where / "scheduler.json"
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(sfile)], env=ENV, cwd=where,
                              stdout=(where / "scheduler.log").open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while not sfile.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                       "--no-dashboard", "--memory-limit", "0"], env=ENV, cwd=where,
                                      stdout=(where / "workers.log").open("w"), stderr=subprocess.STDOUT,
                                      start_new_session=True))
        client = Client(address, timeout=60)
        client.wait_for_workers(2, timeout=120)
        yield address, client
        client.close()
    finally:
        for p in reversed(procs):
            _stop(p)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass


# ------------------------------------------------------------------ the reference: local pool, SQLite

@pytest.fixture(scope="module")
def subs(w1a1):
    return _submissions(w1a1)


@pytest.fixture(scope="module")
def reference(subs, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reference")
    course = make_course(tmp / "course", subs)
    grade(course, "--workers", "2")
    ref = rows(course, f"sqlite:///{course / 'gradebook.db'}", tmp)
    by_student = {r["student_id"]: float(r["score"]) for r in ref["export"]}
    # the premise: a mixed batch that really is mixed
    assert by_student["ana"] == 100 and by_student["eli"] == 0
    assert 0 < by_student["ben"] < 100 and 0 < by_student["cy"] < 100 and 0 < by_student["dee"] < 100
    assert ref["counts"] == {"submissions": 5, "grades": 40, "comments": 40}
    results = {r["student"]: r for r in json.loads((course / "autograded" / f"{W1A1}-results.json").read_text())
               ["results"]}
    assert results["eli"]["status"] == "failed" and results["dee"]["status"] == "graded"
    assert "time" in results["dee"]["message"].lower() and results["cy"]["message"]
    return ref


def assert_same(got: dict, ref: dict) -> None:
    assert got["counts"] == ref["counts"]  # exactly one entry per submission and exercise
    assert got["export"] == ref["export"]
    assert got["cells"] == ref["cells"]


# ------------------------------------------------------------------ tests

def test_dask_cluster_into_postgresql_matches_local_sqlite(reference, subs, postgres, dask_cluster, tmp_path):
    address, _ = dask_cluster
    db = postgres("clean")
    course = make_course(tmp_path / "course", subs)
    proc = grade(course, "--cluster", address, "--db", db)
    assert "ana" in proc.stdout and "graded now 5" in proc.stdout
    assert_same(rows(course, db, tmp_path), reference)
    # the same command again: nothing is missing, nothing is graded, nothing changes
    again = grade(course, "--cluster", address, "--db", db)
    assert "graded now 0, reused 5" in again.stdout
    assert_same(rows(course, db, tmp_path), reference)
    assert len(log_lines(course)) == 5
    # file mode on the cluster too: the notebooks travel as bytes, results come back in order
    files = [str(course / "submitted" / s / W1A1 / NOTEBOOK) for s in ("ana", "eli")]
    direct = subprocess.run([*AUTOGRADE, "grade", W1A1, *files, "--cluster", address, "--json", str(tmp_path / "d.json")],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)
    assert direct.returncode == 0, direct.stderr
    ana, eli = json.loads((tmp_path / "d.json").read_text())["results"]
    assert ana["notebook"] == files[0] and ana["score"] == 100 and eli["status"] == "failed"


def _kill_half_way(course: Path, *args: str) -> int:
    """Start a batch, SIGKILL its grading process once 2 results are in; the number logged by then."""
    proc = grade(course, *args, wait=False)
    deadline = time.monotonic() + 300
    while len(log_lines(course)) < 2:
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    done = len(log_lines(course))
    assert 2 <= done < len(STUDENTS), "the batch finished before it could be killed half-way"
    return done


def test_local_batch_killed_half_way_resumes_without_loss_or_duplicates(reference, subs, tmp_path):
    course = make_course(tmp_path / "course", subs)
    done = _kill_half_way(course, "--workers", "2")
    before = {d["student"] for d in log_lines(course)}
    # the warm workers die with their coordinator (no orphaned graders after a kill)
    deadline = time.monotonic() + 30
    while _batch_alive(course) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _batch_alive(course), "grading workers outlived their killed coordinator"
    proc = grade(course, "--workers", "2")
    assert f"graded now {len(STUDENTS) - done}, reused {done}" in proc.stdout
    results = log_lines(course)
    assert sorted(d["student"] for d in results) == sorted(STUDENTS)  # each graded exactly once, over both runs
    assert {d["student"] for d in results[done:]} == set(STUDENTS) - before
    assert_same(rows(course, f"sqlite:///{course / 'gradebook.db'}", tmp_path), reference)


def _batch_alive(course: Path) -> bool:
    """Whether any process of this course's batch still runs (sandboxes get a clean environment: not counted)."""
    mark = f"AUTOGRADE_TEST_BATCH={course}".encode() + b"\0"
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if mark in environ.read_bytes() + b"\0":
                return True
        except OSError:
            continue
    return False


def test_dask_batch_killed_half_way_resumes_without_loss_or_duplicates(reference, subs, postgres, dask_cluster,
                                                                        tmp_path):
    address, _ = dask_cluster
    db = postgres("resume")
    course = make_course(tmp_path / "course", subs)
    done = _kill_half_way(course, "--cluster", address, "--db", db)
    proc = grade(course, "--cluster", address, "--db", db)
    assert f"graded now {len(STUDENTS) - done}, reused {done}" in proc.stdout
    assert sorted(d["student"] for d in log_lines(course)) == sorted(STUDENTS)
    assert_same(rows(course, db, tmp_path), reference)


def test_dask_worker_killed_mid_job_its_job_runs_elsewhere_once(reference, subs, postgres, dask_cluster, tmp_path):
    address, client = dask_cluster
    db = postgres("workerkill")
    course = make_course(tmp_path / "course", subs)
    proc = grade(course, "--cluster", address, "--db", db, wait=False)

    def executing(dask_worker):
        return [str(ts.key) for ts in dask_worker.state.executing if str(ts.key).startswith(f"autograde-{W1A1}-")]

    killed = None
    deadline = time.monotonic() + 300
    while killed is None:
        assert proc.poll() is None, "the batch ended before a worker could be killed mid-job"
        assert time.monotonic() < deadline
        busy = {addr: keys for addr, keys in client.run(executing).items() if keys}
        if busy and log_lines(course):  # mid-batch, and that worker is grading right now
            addr = sorted(busy)[0]
            pid = client.run(os.getpid, workers=[addr])[addr]
            os.kill(pid, signal.SIGKILL)
            killed = busy[addr][0]
        time.sleep(0.05)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    assert "graded now 5" in out
    assert sorted(d["student"] for d in log_lines(course)) == sorted(STUDENTS)  # the killed job: one result
    assert_same(rows(course, db, tmp_path), reference)
    client.wait_for_workers(2, timeout=120)  # the nanny brought the worker back


def test_two_instructors_at_once_into_one_postgresql_gradebook(reference, subs, postgres, dask_cluster, tmp_path):
    """Instructor A on the Dask cluster, B with local workers, same assignment, same fresh gradebook, same moment.
    nbgrader's check-then-insert would race (duplicate or IntegrityError); advisory locks serialise it."""
    address, _ = dask_cluster
    db = postgres("together")
    a = make_course(tmp_path / "a", subs)
    b = make_course(tmp_path / "b", subs)
    pa = grade(a, "--cluster", address, "--db", db, wait=False)
    pb = grade(b, "--workers", "1", "--db", db, wait=False)
    for p in (pa, pb):
        out, _ = p.communicate(timeout=600)
        assert p.returncode == 0, out
        assert "graded now 5" in out and "IntegrityError" not in out and "Traceback" not in out
    assert_same(rows(a, db, tmp_path), reference)


def test_results_log_ignores_a_line_cut_short_by_a_kill(tmp_path):
    from autograde.ledger import Key, Ledger
    from autograde.results import NotebookResult, Status

    log = Ledger(tmp_path / "r.jsonl")
    key = Key("ana", "ab" * 32, "v1")
    log.append_result(key, NotebookResult("n.ipynb", W1A1, Status.GRADED, score=7.0, student="ana"))
    with log.path.open("ab") as f:
        f.write(b'{"kind": "result", "student": "ben", "sha2')  # SIGKILL mid-write
    entries = log.scan()
    assert list(entries) == [key] and not entries[key].recorded
    log.mark_recorded(key)  # the next writer starts on a fresh line
    assert log.scan()[key].recorded and log.read(entries[key].offset).score == 7.0
