"""How a learner process is confined.

Preferred: bubblewrap, started as an UNPRIVILEGED host account, with fresh namespaces
(``--unshare-all``: user, mount, pid, network, ipc, uts, cgroup). Inside, the learner runs
with the same uid as that account, so the user namespace's map is the identity onto an
unprivileged uid and never onto host uid 0: kernel tunables under /proc/sys are not
writable, no capability is held anywhere, every capability is dropped inside too. The
filesystem is made only of read-only binds of what the learner may see (the system's /usr,
the Python installation, the engine package, the course's released helpers, the data
folders the assignment names) plus size-limited tmpfs for /tmp (the working directory) and
/dev/shm; / and /dev are read-only. A seccomp filter (compiled here with libseccomp)
refuses socket creation, ptrace, mounts, new namespaces, io_uring, kernel-module, keyring
and similar calls. bubblewrap reads its arguments from a file descriptor, so the sandbox's
pid 1 shows ``bwrap --args N`` and no host path in /proc/1/cmdline.

Which account: when the engine is root, the dedicated account ``autograde-sandbox``
(created by ``make setup``; $AUTOGRADE_SANDBOX_USER names another). A trusted launcher
(:mod:`autograde.launch`) moves into the sandbox's control groups, makes the needed paths
reachable by that account in a private mount namespace, drops root and execs bubblewrap.
When the engine is not root, bubblewrap runs as the engine's own (unprivileged) user.

Limits: a pids and a memory cgroup per sandbox where the machine allows
(:mod:`autograde.cgroups`); per-process rlimits always (address space, CPU seconds, open
files, file size, processes, no core files), applied by the learner bootstrap before any
learner code runs; the wall-clock deadlines are enforced by :mod:`autograde.runner`.

Fallback when bubblewrap is missing or cannot create namespaces: see
:mod:`autograde.confine`. As root it gets the same launcher (cgroups, the unprivileged
account, a private network namespace); it is still weaker (no private mount or pid
namespace) and every run that uses it says so loudly.
"""
from __future__ import annotations

import errno
import functools
import itertools
import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograde import cgroups
from autograde.errors import SandboxUnavailable
from autograde.settings import Limits

PACKAGE_DIR = Path(__file__).resolve().parent
SANDBOX_COURSE = "/course"
SANDBOX_DATA = "/datasets"
SANDBOX_ENGINE = "/opt/autograde"
SANDBOX_VENV = "/opt/venv"
SANDBOX_WORK = "/tmp/work"
SANDBOX_MPLCONFIG = "/opt/mplconfig"
SANDBOX_USER = "autograde-sandbox"

# syscalls refused with EPERM inside the sandbox
DENIED_SYSCALLS = (
    "socket", "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "chroot", "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
    "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "open_by_handle_at", "name_to_handle_at",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "fanotify_init", "lookup_dcookie",
    "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr",
    "mq_open",  # POSIX message queues outlive their process and cannot be listed: no channel between submissions
)
# CLONE_NEWUSER, NEWPID, NEWNET, NEWIPC, NEWUTS, NEWNS, NEWCGROUP
CLONE_NEW_FLAGS = (0x10000000, 0x20000000, 0x40000000, 0x08000000, 0x04000000, 0x00020000, 0x02000000)


@dataclass(frozen=True)
class SandboxSpec:
    """What one learner process may see and use."""

    course_dir: Path
    data_dirs: tuple[tuple[str, Path], ...] = ()
    limits: Limits = field(default_factory=Limits)
    preimport: tuple[str, ...] = ("numpy",)
    warm: tuple[str, ...] = ()


@dataclass
class Launch:
    argv: list[str]
    env: dict[str, str]
    pass_fds: tuple[int, ...]
    mode: str  # "bubblewrap" or "fallback"
    cleanup: tuple[str, ...] = ()
    group: cgroups.Group | None = None
    close_after_start: tuple[int, ...] = ()


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


# ------------------------------------------------------------------ who runs the sandbox

@dataclass(frozen=True)
class Account:
    uid: int
    gid: int
    name: str
    via_launcher: bool  # the engine is root: start through autograde.launch, which drops to this account


@functools.lru_cache(maxsize=1)
def sandbox_account() -> Account:
    """The unprivileged host account that runs every sandbox."""
    if os.geteuid() != 0:
        return Account(os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name if _has_pw(os.getuid()) else "?",
                       False)
    name = os.environ.get("AUTOGRADE_SANDBOX_USER", SANDBOX_USER)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise SandboxUnavailable(
            f"the engine runs as root, and learner code must not: the unprivileged account {name!r} that runs the "
            "sandbox does not exist. `make setup` (as root) creates it, or: useradd --system --no-create-home "
            f"--shell /usr/sbin/nologin {name}") from None
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise SandboxUnavailable(f"the sandbox account {name!r} has uid or gid 0; it must be unprivileged")
    return Account(entry.pw_uid, entry.pw_gid, name, True)


def _has_pw(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


@functools.lru_cache(maxsize=1)
def bubblewrap_status() -> tuple[bool, str]:
    """Whether bubblewrap can build our sandbox here (as the sandbox account), and why not."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False, "bubblewrap (bwrap) is not installed; `apt-get install bubblewrap` as root"
    try:
        account = sandbox_account()
    except SandboxUnavailable as exc:
        return False, str(exc)
    probe = [bwrap, "--unshare-all", "--uid", str(account.uid), "--gid", str(account.gid), "--cap-drop", "ALL",
             "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--tmpfs", "/dev", "--dev-bind", "/dev/null",
             "/dev/null", "true"]
    kwargs = dict(user=account.uid, group=account.gid, extra_groups=[]) if account.via_launcher else {}
    try:
        proc = subprocess.run(probe, capture_output=True, timeout=30, **kwargs)
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
        raise SandboxUnavailable(f"AUTOGRADE_SANDBOX=bubblewrap but {why}")
    return "fallback"


def fallback_warning() -> str:
    ok, why = bubblewrap_status()
    reason = why if not ok else "AUTOGRADE_SANDBOX=fallback was set"
    return ("WARNING: learner code runs in the WEAKER fallback sandbox (" + reason + "). "
            "It runs as an unprivileged account, refuses sockets by seccomp, applies rlimits (and cgroups where "
            "available) and, where the kernel has Landlock, limits reads to the course helpers and the Python "
            "installation; it has no private mount or pid namespace. Install bubblewrap for the full sandbox.")


# ------------------------------------------------------------------ what the sandbox contains

def _python_layout() -> tuple[list[str], str, str | None]:
    """(host roots to bind at their own paths, python to run inside, venv to bind at SANDBOX_VENV)."""
    base = os.path.realpath(sys.base_prefix)
    roots = {base}
    for key in ("stdlib", "platstdlib"):
        path = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix}).get(key)
        if path and not os.path.realpath(path).startswith(base + "/"):
            roots.add(os.path.realpath(path))
    venv = os.path.realpath(sys.prefix) if sys.prefix != sys.base_prefix else None
    if venv:
        python = SANDBOX_VENV + "/bin/" + os.path.basename(sys.executable)
    else:
        python = sys.executable
    ordered = sorted(roots, key=len)
    outer = [r for i, r in enumerate(ordered) if not any(r.startswith(o.rstrip("/") + "/") for o in ordered[:i])]
    return outer, python, venv


def _common_env() -> dict[str, str]:
    return {"HOME": SANDBOX_WORK, "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "KERAS_BACKEND": "tensorflow", "PATH": "/usr/bin:/bin"}


@functools.lru_cache(maxsize=1)
def matplotlib_config() -> str | None:
    """A read-only matplotlib configuration folder holding this machine's font cache.

    Keras imports matplotlib; with an empty cache every fresh sandbox would scan the system's
    fonts again (about a second of CPU per submission). The cache is made once per grader
    process, from its own matplotlib, into a private folder that the sandbox sees read-only."""
    import atexit
    import shutil as _shutil

    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401  (builds the grader's own cache if needed)
    except Exception:
        return None
    source = Path(matplotlib.get_cachedir())
    caches = sorted(source.glob("fontlist-*.json"))
    if not caches:
        return None
    folder = tempfile.mkdtemp(prefix="autograde-mplconfig-")
    os.chmod(folder, 0o755)
    for cache in caches:
        _shutil.copy(cache, folder)
        os.chmod(Path(folder) / cache.name, 0o644)
    atexit.register(_shutil.rmtree, folder, True)
    return folder


def _rlimits(limits: Limits) -> dict[str, int]:
    return {"as": limits.address_space_mb << 20, "cpu": limits.cpu_seconds, "nofile": limits.open_files,
            "fsize": limits.file_size_mb << 20, "nproc": limits.processes, "core": 0}


_names = itertools.count(1)


def _group(limits: Limits) -> cgroups.Group | None:
    if os.geteuid() != 0 or os.environ.get("AUTOGRADE_CGROUPS") == "off":
        return None
    # headroom for bubblewrap and the interpreter itself, on top of the learner's own threads
    # named after the batch's coordinator (this worker's parent), the worker and a counter
    return cgroups.create(f"sb-{os.getppid()}-{os.getpid()}-{next(_names)}", limits.processes + 8, limits.memory_mb)


def launch(spec: SandboxSpec, fd_in: int, fd_out: int, mode: str | None = None, control: int | None = None) -> Launch:
    """How to start one learner process reading requests on fd_in and replying on fd_out.

    With ``control`` (a unix socket) and bubblewrap, the learner process becomes a zygote that
    serves each submission from a forked child (see :mod:`autograde.learner`); the fallback
    sandbox has no pid namespace of its own and ignores it."""
    mode = mode or sandbox_mode()
    account = sandbox_account()
    config = {"fd_in": fd_in, "fd_out": fd_out, "limits": _rlimits(spec.limits), "preimport": list(spec.preimport),
              "warm": list(spec.warm)}
    env = _common_env()
    roots, python, venv = _python_layout()
    data = [(name, os.path.realpath(path)) for name, path in spec.data_dirs if os.path.isdir(path)]
    course = os.path.realpath(spec.course_dir)
    engine = os.path.realpath(PACKAGE_DIR)
    group = _group(spec.limits)
    fds: list[int] = []
    try:
        if mode == "bubblewrap":
            _, bwrap = bubblewrap_status()
            seccomp_r, seccomp_w = os.pipe()
            os.write(seccomp_w, _bpf_bytes())  # small (a few hundred bytes): fits the pipe buffer
            os.close(seccomp_w)
            fds.append(seccomp_r)
            config["path"] = [SANDBOX_COURSE]
            if control is not None:
                config["control"] = control
            env["PYTHONPATH"] = SANDBOX_ENGINE
            env["AUTOGRADE_LEARNER"] = json.dumps(config)
            args = ["--unshare-all", "--die-with-parent", "--new-session", "--uid", str(account.uid),
                    "--gid", str(account.gid), "--cap-drop", "ALL", "--hostname", "sandbox", "--clearenv"]
            for key, value in env.items():
                args += ["--setenv", key, value]
            # /tmp first: a course or venv that lives under /tmp must be bound on top of it, not hidden by it
            args += ["--size", str(spec.limits.tmp_mb << 20), "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"]
            for link in ("bin", "lib", "lib64", "sbin"):
                target = os.readlink("/" + link) if os.path.islink("/" + link) else None
                if target:
                    args += ["--symlink", target, "/" + link]
                elif os.path.isdir("/" + link):
                    args += ["--ro-bind", "/" + link, "/" + link]
            for etc in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group",
                        "hosts", "mime.types", "matplotlibrc", "fonts"):
                args += ["--ro-bind-try", "/etc/" + etc, "/etc/" + etc]
            mpl = matplotlib_config()
            if mpl:
                args += ["--ro-bind", mpl, SANDBOX_MPLCONFIG, "--setenv", "AUTOGRADE_MPL_CACHE", SANDBOX_MPLCONFIG]
            for root in roots:
                args += ["--ro-bind", root, root]
            if venv:
                args += ["--ro-bind", venv, SANDBOX_VENV]
            args += ["--ro-bind", engine, SANDBOX_ENGINE + "/autograde", "--ro-bind", course, SANDBOX_COURSE]
            for name, path in data:
                args += ["--ro-bind", path, f"{SANDBOX_DATA}/{name}"]
            # /dev built by hand, not with --dev: --dev needs devpts, for which bubblewrap maps the
            # caller to uid 0 in an outer user namespace; without it the uid map is the identity
            args += ["--proc", "/proc", "--size", str(64 << 10), "--tmpfs", "/dev"]
            for node in ("null", "zero", "full", "random", "urandom"):
                args += ["--dev-bind", "/dev/" + node, "/dev/" + node]
            for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                                 ("stderr", "/proc/self/fd/2")):
                args += ["--symlink", target, "/dev/" + name]
            args += ["--size", str(spec.limits.tmp_mb << 20), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
                     "--dir", SANDBOX_WORK, "--remount-ro", "/", "--chdir", SANDBOX_WORK, "--seccomp", str(seccomp_r)]
            args_r, args_w = os.pipe()
            fds.append(args_r)
            payload = b"\0".join(a.encode() for a in args) + b"\0"
            if len(payload) > 60_000:
                raise SandboxUnavailable("the sandbox's argument list is too long for one pipe buffer")
            os.write(args_w, payload)
            os.close(args_w)
            # the command itself must be on bwrap's command line; it names no host path
            argv = [bwrap, "--args", str(args_r), python, "-B", "-m", "autograde.learner"]
            # bwrap itself becomes pid 1 of the sandbox, whose /proc/1/environ the learner can read:
            # give it nothing of the grader's environment
            outer_env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
            reach = sorted({*roots, *(p for p in (venv, engine, course, mpl) if p), *(p for _, p in data)})
            pass_fds = (fd_in, fd_out, seccomp_r, args_r) + ((control,) if control is not None else ())
            cleanup: tuple[str, ...] = ()
        else:
            # the weaker fallback: a private working directory and confine.py's restrictions
            work = tempfile.mkdtemp(prefix="autograde-learner-")
            os.chmod(work, 0o700)
            if account.via_launcher:
                os.chown(work, account.uid, account.gid)
            readable = roots + ([venv] if venv else []) + [course, engine] + [p for _, p in data]
            config["fallback"] = {"work": work, "readable": readable + ["/usr", "/etc", "/lib", "/lib64", "/bin", "/proc",
                                                                      "/dev", "/sys"],
                                  "data": {name: p for name, p in data},
                                  "has_netns": account.via_launcher}
            config["path"] = [course]
            env["PYTHONPATH"] = os.path.dirname(engine)
            env["HOME"] = work
            env["TMPDIR"] = work
            env["AUTOGRADE_LEARNER"] = json.dumps(config)
            argv = [sys.executable, "-B", "-m", "autograde.learner"]
            outer_env = env
            reach = sorted({*roots, *(p for p in (venv, engine, course) if p), *(p for _, p in data)})
            pass_fds = (fd_in, fd_out)
            cleanup = (work,)
        if account.via_launcher:
            launch_cfg = {"uid": account.uid, "gid": account.gid, "argv": argv, "env": outer_env, "reach": reach,
                          "cgroup_procs": group.procs_files if group else [], "unshare_net": mode == "fallback"}
            argv = [sys.executable, "-I", "-S", str(PACKAGE_DIR / "launch.py")]
            outer_env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "AUTOGRADE_LAUNCH": json.dumps(launch_cfg)}
        return Launch(argv, outer_env, pass_fds, mode, cleanup, group, tuple(fds))
    except BaseException:
        for fd in fds:
            os.close(fd)
        if group:
            group.remove()
        raise
