"""The sandbox's guarantees, checked from INSIDE a learner process of every assignment.

Each test runs probe code as a notebook cell in a real sandboxed learner process (with the
assignment's own limits) and reads the probe's findings back as data. The host side is
checked too: the processes of a sandbox never run as host uid 0 and hold no capability.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT

from autograde.assignment import discover, load_assignment
from autograde.grading import Student
from autograde.runner import LearnerPool, StudentSession
from autograde.sandbox import sandbox_account, sandbox_mode

ASSIGNMENTS = discover(ROOT)
ROOT_IS_ROOT = os.geteuid() == 0
pytestmark = pytest.mark.waits  # deadlines, sandbox starts: run beside the background commands


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def spec(request):
    return load_assignment(request.param, ROOT).sandbox_spec()


@pytest.fixture(scope="module")
def pool(spec):
    """One pool per assignment for all its probes, as one grading worker has: a probe gets the
    sandbox the previous probe left, reset by its zygote (as real submissions do), or a fresh
    one where the previous probe cost the sandbox (out of memory, stopped). So the limits are
    checked in reused sandboxes as well as fresh ones, and a TensorFlow assignment does not
    pay a sandbox start (its imports) per probe."""
    pool = LearnerPool(spec)
    yield pool
    pool.close()


def run_probe(pool: LearnerPool, code: str, name: str = "report", timeout: float = 60.0):
    """Run ``code`` as a cell of a submission and return the global ``name`` it leaves."""
    session = StudentSession(pool, [("probe", code)], cell_timeout=timeout, call_timeout=timeout, budget=4 * timeout)
    try:
        session.start()
        outcome = session.outcomes["probe"]
        assert outcome.status.value == "ok", outcome.message
        return Student(session).value(name)
    finally:
        session.close()


def test_bubblewrap_is_the_sandbox():
    assert sandbox_mode() == "bubblewrap"


def test_identity_and_capabilities_inside(pool):
    report = run_probe(pool, '''
import os
report = {"uid": os.getuid(), "euid": os.geteuid(), "uid_map": open("/proc/self/uid_map").read(),
          "gid_map": open("/proc/self/gid_map").read(),
          "caps": {k: v.strip() for k, v in (l.split(":", 1) for l in open("/proc/self/status")
                                           if l.startswith("Cap"))}}
''')
    account = sandbox_account()
    assert report["uid"] == report["euid"] == account.uid != 0
    for line in (report["uid_map"] + report["gid_map"]).strip().splitlines():
        inside, outside, count = (int(x) for x in line.split())
        assert outside != 0 and inside != 0 and count == 1, line  # the map never reaches (host) 0
    assert all(int(v, 16) == 0 for v in report["caps"].values()), report["caps"]


@pytest.mark.skipif(not ROOT_IS_ROOT, reason="the host-side uid check matters when the engine runs as root")
def test_no_sandbox_process_runs_as_host_root(pool):
    session = StudentSession(pool, [], cell_timeout=60, call_timeout=60, budget=240)
    try:
        session.start()
        proc = session._live()
        pids = proc.group.pids() if proc.group else [proc.proc.pid]
        assert pids
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
            assert all(int(u) != 0 for u in uid_line.split()[1:]), (pid, uid_line)
            cap_eff = next(line for line in status.splitlines() if line.startswith("CapEff:"))
            assert int(cap_eff.split()[1], 16) == 0, (pid, cap_eff)
    finally:
        session.close()


def test_kernel_tunables_are_not_writable(pool):
    report = run_probe(pool, '''
import os
written, tried = [], 0
for dirpath, dirnames, filenames in os.walk("/proc/sys"):
    for f in filenames:
        path = os.path.join(dirpath, f)
        tried += 1
        try:
            current = open(path, "rb").read()
        except OSError:
            current = b"0\\n"
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError:
            continue
        try:
            os.write(fd, current or b"0\\n")  # the value it already has: a success would change nothing
            written.append(path)
        except OSError:
            pass
        finally:
            os.close(fd)
report = {"tried": tried, "writable": written[:20]}
''')
    assert report["tried"] > 100 and report["writable"] == [], report


def test_host_paths_are_not_revealed(pool):
    report = run_probe(pool, '''
import os
def read(path):
    try:
        return open(path, "rb").read().replace(b"\\0", b" ").decode(errors="replace")
    except OSError as exc:
        return type(exc).__name__
report = {"cmdline1": read("/proc/1/cmdline"), "environ1": read("/proc/1/environ"),
          "cmdline": read("/proc/self/cmdline"), "environ": read("/proc/self/environ"), "cwd": os.getcwd(),
          "listing": " ".join(sorted(os.listdir("/")))}
''')
    for key, text in report.items():
        assert str(ROOT) not in text, (key, text)
    assert "--args" in report["cmdline1"]


def test_process_and_thread_bombs_stop_at_the_limit(spec, pool):
    limit = spec.limits.processes
    report = run_probe(pool, f'''
import os, threading, time
kids, threads = 0, 0
pids = []
for _ in range({limit} * 4):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    pids.append(pid)
kids = len(pids)
for pid in pids:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
stop = threading.Event()
started = []
for _ in range({limit} * 4):
    try:
        t = threading.Thread(target=stop.wait)
        t.start()
    except RuntimeError:
        break
    started.append(t)
threads = len(started)
stop.set()
for t in started:
    t.join()
report = {{"forks": kids, "threads": threads}}
''', timeout=120)
    assert report["forks"] < limit + 8 and report["threads"] < limit + 8, report


def test_no_writable_memory_beyond_the_limits(spec, pool):
    report = run_probe(pool, '''
import os
chunk = b"x" * (16 << 20)
report = {}
for where in ("/tmp/work", "/tmp", "/dev/shm", "/dev", "/", "/course", "/var/tmp"):
    path = os.path.join(where, "fill.bin")
    written = 0
    try:
        with open(path, "wb") as fh:
            while written < (1 << 30):
                fh.write(chunk)
                written += len(chunk)
            fh.flush()
    except OSError:
        pass
    report[where] = written
    try:
        os.remove(path)
    except OSError:
        pass
''', timeout=120)
    cap = max(spec.limits.tmp_mb, spec.limits.file_size_mb) << 20
    for where, written in report.items():
        assert written < (1 << 30) and written <= cap, (where, written)


@pytest.mark.skipif(not ROOT_IS_ROOT, reason="memory cgroups need root here")
def test_resident_memory_is_capped(spec, pool):
    """Allocating and touching more than the sandbox's memory limit kills or fails it; it never
    succeeds (the address-space limit alone would let a process use RAM up to it)."""
    mb = spec.limits.memory_mb + 256
    session = StudentSession(pool, [("hog", f"import numpy as np\nhog = np.ones(({mb} << 20) // 8)\nreport = 'alive'\n")],
                             cell_timeout=120, call_timeout=60, budget=400, max_restarts=0)
    try:
        try:
            session.start()
        except Exception:
            pass
        outcome = session.outcomes.get("hog")
        assert outcome is not None and outcome.status.value != "ok", outcome
    finally:
        session.close()


def test_sockets_and_namespaces_are_refused(pool):
    report = run_probe(pool, '''
import ctypes, os, socket
report = {}
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    report["socket"] = "ok"
except OSError as exc:
    report["socket"] = type(exc).__name__
libc = ctypes.CDLL(None, use_errno=True)
report["unshare_user"] = libc.unshare(0x10000000)
report["unshare_net"] = libc.unshare(0x40000000)
report["ptrace"] = libc.ptrace(16, 1, 0, 0)
''')
    assert report["socket"] == "PermissionError" and report["unshare_user"] == -1 and report["unshare_net"] == -1
    assert report["ptrace"] == -1


# ------------------------------------------------------------------ one sandbox, several submissions

LEAVE_TRACES = '''
import ctypes, os, subprocess, time
open("/tmp/left.txt", "w").write("secret of the previous submission")
open("/dev/shm/left.bin", "wb").write(b"x" * 1000)
os.makedirs("/tmp/work/sub/dir", exist_ok=True)
libc = ctypes.CDLL(None, use_errno=True)
shm = libc.shmget(0x5EC2E7, 4096, 0o1666)  # IPC_CREAT | 0666
sem = libc.semget(0x5EC2E8, 1, 0o1666)
msg = libc.msgget(0x5EC2E9, 0o1666)
if os.fork() == 0:  # a process that outlives the submission's own
    os.setsid()
    time.sleep(600)
    os._exit(0)
libc.mq_open.restype = ctypes.c_int
mq = libc.mq_open(b"/channel", 0o100 | 0o2, 0o600, None)  # O_CREAT | O_RDWR
report = {"shm": shm, "sem": sem, "msg": msg, "mq": mq, "mq_errno": ctypes.get_errno()}
'''

LOOK_FOR_TRACES = '''
import os
def listing(root):
    return sorted(os.path.join(d, n) for d, ds, fs in os.walk(root) for n in ds + fs)
me, parent = os.getpid(), os.getppid()
others = []
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) not in (1, me, parent):
        state = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[0]
        if state not in "ZX":
            others.append(entry)
def tries(path):
    try:
        with open(path, "rb") as fh:
            fh.read(16)
        return "read"
    except OSError as exc:
        return type(exc).__name__
report = {"tmp": listing("/tmp"), "shm": listing("/dev/shm"), "others": others,
          "ipc": [open(f"/proc/sysvipc/{k}").read().splitlines()[1:] for k in ("shm", "sem", "msg")],
          "zygote_mem": tries(f"/proc/{parent}/mem"), "zygote_environ": tries(f"/proc/{parent}/environ"),
          "self_status": tries("/proc/self/status")}
'''


@pytest.fixture(scope="module")
def w1a1_spec():
    return load_assignment("w1a1_rnn_step_by_step", ROOT).sandbox_spec()


def _session(pool, code):
    session = StudentSession(pool, [("cell", code)], cell_timeout=30, call_timeout=30, budget=120)
    session.start()
    assert session.outcomes["cell"].status.value == "ok", session.outcomes["cell"].message
    return session


def test_a_reused_sandbox_keeps_nothing_of_the_previous_submission(w1a1_spec):
    """Submission A leaves files, a detached process, System V IPC objects; submission B, served
    by the same sandbox's zygote, finds none of them, and cannot reach the zygote's memory."""
    if sandbox_mode() != "bubblewrap":
        pytest.skip("sandboxes are reused only under bubblewrap")
    pool = LearnerPool(w1a1_spec)
    try:
        first = _session(pool, LEAVE_TRACES)
        left = Student(first).value("report")
        assert left["shm"] >= 0 and left["sem"] >= 0 and left["msg"] >= 0, left  # they existed
        assert left["mq"] == -1, left  # POSIX queues cannot be listed, so they are refused
        initial = pool.started
        first.close()
        second = _session(pool, LOOK_FOR_TRACES)
        seen = Student(second).value("report")
        second.close()
        assert pool.reused == 1 and pool.started == initial, "the second submission did not reuse the sandbox"
        assert not any("left" in p or "/sub" in p for p in seen["tmp"] + seen["shm"]), seen
        assert seen["others"] == [], seen
        assert seen["ipc"] == [[], [], []], seen
        assert seen["zygote_mem"] != "read" and seen["zygote_environ"] != "read", seen
        assert seen["self_status"] == "read", seen  # the child is an ordinary process
    finally:
        pool.close()


def test_a_submission_that_stops_its_zygote_costs_only_its_sandbox(w1a1_spec):
    """The zygote cannot be held: if a child stops (or kills) it, the reset fails, the sandbox
    is replaced, and the next submission is served by a fresh one."""
    if sandbox_mode() != "bubblewrap":
        pytest.skip("sandboxes are reused only under bubblewrap")
    pool = LearnerPool(w1a1_spec)
    try:
        for attack in ("os.kill(os.getppid(), signal.SIGSTOP)", "os.kill(os.getppid(), signal.SIGKILL)"):
            session = StudentSession(pool, [("cell", f"import os, signal\n{attack}\nreport = 1\n")],
                                     cell_timeout=30, call_timeout=30, budget=120)
            try:
                session.start()
            except Exception:
                pass
            reused = pool.reused
            session.close()
            after = _session(pool, "report = 'served'\n")
            assert Student(after).value("report") == "served"
            assert pool.reused == reused, "a sandbox whose zygote was attacked was reused"
            after.close()
    finally:
        pool.close()
