"""How a learner process is confined.

Preferred: bubblewrap with fresh namespaces (``--unshare-all``), uid/gid 65534, every
capability dropped, a filesystem made only of read-only binds of what the learner may see
(the system's /usr, the Python installation, the course's helper files, datasets) plus a
size-limited tmpfs for /tmp and the working directory, and a seccomp filter (compiled
here with libseccomp) that refuses socket creation, ptrace, mounts, new namespaces,
io_uring and kernel-module/keyring calls. Resource limits (address space, CPU seconds,
open files, file size, processes) are applied by the learner bootstrap before any learner
code runs; the wall-clock deadline is enforced by :mod:`autograde.runner`, which kills the
whole process group (and with it the sandbox's pid namespace).

Fallback when bubblewrap is missing or cannot create namespaces: see
:mod:`autograde.confine` (uid drop when root, a new network namespace when possible,
Landlock read/write restrictions when the kernel has them, the same seccomp filter and
rlimits). It is weaker, and every run that uses it says so loudly.
"""
from __future__ import annotations

import errno
import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SANDBOX_COURSE = "/course"
SANDBOX_DATA = "/datasets"
SANDBOX_ENGINE = "/opt/autograde"
SANDBOX_WORK = "/tmp/work"

# syscalls refused with EPERM inside the sandbox
DENIED_SYSCALLS = (
    "socket", "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "chroot", "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
    "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "open_by_handle_at", "name_to_handle_at",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "fanotify_init", "lookup_dcookie",
    "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr",
)
# CLONE_NEWUSER, NEWPID, NEWNET, NEWIPC, NEWUTS, NEWNS, NEWCGROUP
CLONE_NEW_FLAGS = (0x10000000, 0x20000000, 0x40000000, 0x08000000, 0x04000000, 0x00020000, 0x02000000)


@dataclass(frozen=True)
class Limits:
    """Resource limits of one learner process."""

    memory_mb: int = 1536
    cpu_seconds: int = 600
    open_files: int = 256
    file_size_mb: int = 64
    processes: int = 64
    tmp_mb: int = 256

    def rlimits(self) -> dict[str, int]:
        return {"as": self.memory_mb << 20, "cpu": self.cpu_seconds, "nofile": self.open_files,
                "fsize": self.file_size_mb << 20, "nproc": self.processes, "core": 0}


@dataclass(frozen=True)
class SandboxSpec:
    """What one learner process may see: course helpers and data, read-only."""

    course_dir: Path
    data_dir: Path | None = None
    limits: Limits = field(default_factory=Limits)
    preimport: tuple[str, ...] = ("numpy",)


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    env: dict[str, str]
    pass_fds: tuple[int, ...]
    mode: str  # "bubblewrap" or "fallback"
    cleanup: tuple[str, ...] = ()


def seccomp_filter():
    """The seccomp filter shared by both sandboxes (a pyseccomp SyscallFilter)."""
    import pyseccomp as sc

    filt = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            filt.add_rule(sc.ERRNO(errno.EPERM), name)
        except Exception:  # syscall unknown on this architecture
            pass
    # clone3 passes its flags in memory, where seccomp cannot look: make libc fall back to clone
    filt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in CLONE_NEW_FLAGS:  # one rule per namespace flag: refuse clone() if that bit is set
        filt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    return filt


@functools.lru_cache(maxsize=1)
def _bpf_bytes() -> bytes:
    with tempfile.TemporaryFile() as fh:
        seccomp_filter().export_bpf(fh)
        fh.seek(0)
        return fh.read()


@functools.lru_cache(maxsize=1)
def bubblewrap_status() -> tuple[bool, str]:
    """Whether bubblewrap can build our sandbox here, and why not."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False, "bubblewrap (bwrap) is not installed; `apt-get install bubblewrap` as root"
    try:
        proc = subprocess.run([bwrap, "--unshare-all", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
                               "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib",
                               "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev",
                               "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap failed to start: {exc}"
    if proc.returncode != 0:
        return False, "bubblewrap cannot create namespaces here: " + proc.stderr.decode(errors="replace").strip()[:300]
    return True, bwrap


def sandbox_mode() -> str:
    forced = os.environ.get("AUTOGRADE_SANDBOX", "")
    if forced == "fallback":
        return "fallback"
    ok, why = bubblewrap_status()
    if ok:
        return "bubblewrap"
    if forced == "bubblewrap":
        raise RuntimeError(f"AUTOGRADE_SANDBOX=bubblewrap but {why}")
    return "fallback"


def fallback_warning() -> str:
    ok, why = bubblewrap_status()
    reason = why if not ok else "AUTOGRADE_SANDBOX=fallback was set"
    return ("WARNING: learner code runs in the WEAKER fallback sandbox (" + reason + "). "
            "It drops to uid 65534 when root, refuses sockets by seccomp, applies rlimits and, where the kernel "
            "has Landlock, limits reads to the course helpers and the Python installation; it has no private "
            "mount or pid namespace. Install bubblewrap for the full sandbox.")


def _python_roots() -> list[str]:
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(os.path.realpath(path))
    # keep only outermost paths
    ordered = sorted(roots, key=len)
    out: list[str] = []
    for r in ordered:
        if not any(r == o or r.startswith(o.rstrip("/") + "/") for o in out):
            out.append(r)
    return out


def _common_env() -> dict[str, str]:
    return {"HOME": SANDBOX_WORK, "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "KERAS_BACKEND": "tensorflow", "PATH": "/usr/bin:/bin"}


def launch(spec: SandboxSpec, fd_in: int, fd_out: int, mode: str | None = None) -> Launch:
    """The command that starts one learner process reading requests on fd_in."""
    import json

    mode = mode or sandbox_mode()
    config = {"fd_in": fd_in, "fd_out": fd_out, "limits": spec.limits.rlimits(), "preimport": list(spec.preimport)}
    env = _common_env()
    python = sys.executable
    if mode == "bubblewrap":
        _, bwrap = bubblewrap_status()
        seccomp_r, seccomp_w = os.pipe()
        os.write(seccomp_w, _bpf_bytes())  # small (a few hundred bytes): fits the pipe buffer
        os.close(seccomp_w)
        config["path"] = [SANDBOX_COURSE]
        env["PYTHONPATH"] = SANDBOX_ENGINE
        env["AUTOGRADE_LEARNER"] = json.dumps(config)
        argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--uid", "65534", "--gid", "65534",
                "--cap-drop", "ALL", "--hostname", "sandbox", "--clearenv"]
        for key, value in env.items():
            argv += ["--setenv", key, value]
        # /tmp first: a course or venv that lives under /tmp must be bound on top of it, not hidden by it
        argv += ["--size", str(spec.limits.tmp_mb << 20), "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"]
        for link in ("bin", "lib", "lib64", "sbin"):
            target = os.readlink("/" + link) if os.path.islink("/" + link) else None
            if target:
                argv += ["--symlink", target, "/" + link]
            elif os.path.isdir("/" + link):
                argv += ["--ro-bind", "/" + link, "/" + link]
        for etc in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group",
                    "hosts", "mime.types", "matplotlibrc"):
            argv += ["--ro-bind-try", "/etc/" + etc, "/etc/" + etc]
        for root in _python_roots():
            argv += ["--ro-bind", root, root]
        argv += ["--ro-bind", str(PACKAGE_DIR), SANDBOX_ENGINE + "/autograde",
                 "--ro-bind", str(spec.course_dir), SANDBOX_COURSE]
        if spec.data_dir and spec.data_dir.exists():
            argv += ["--ro-bind", str(spec.data_dir), SANDBOX_DATA]
        argv += ["--proc", "/proc", "--dev", "/dev", "--dir", SANDBOX_WORK, "--remount-ro", "/", "--chdir", SANDBOX_WORK, "--seccomp", str(seccomp_r),
                 python, "-B", "-m", "autograde.learner"]
        # bwrap itself becomes pid 1 of the sandbox, whose /proc/1/environ the learner can read:
        # give it nothing of the grader's environment
        return Launch(argv, {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, (fd_in, fd_out, seccomp_r), "bubblewrap")
    # the weaker fallback: a private working directory and confine.py's restrictions
    work = tempfile.mkdtemp(prefix="autograde-learner-")
    os.chmod(work, 0o777)
    config["fallback"] = {"work": work, "readable": _python_roots() + [str(spec.course_dir)]
                          + ([str(spec.data_dir)] if spec.data_dir else []) + ["/usr", "/etc", "/lib", "/lib64", "/bin",
                                                                               "/proc", "/dev", "/sys"]}
    config["path"] = [str(spec.course_dir)]
    env["PYTHONPATH"] = str(PACKAGE_DIR.parent)
    env["HOME"] = work
    env["TMPDIR"] = work
    env["AUTOGRADE_LEARNER"] = json.dumps(config)
    argv = [python, "-B", "-m", "autograde.learner"]
    return Launch(argv, env, (fd_in, fd_out), "fallback", cleanup=(work,))
