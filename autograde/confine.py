"""The fallback sandbox: a learner process confining itself when bubblewrap is unavailable.

Runs in the learner process before any learner code, in this order:

1. a private network namespace through a user namespace (when the engine is root, the
   launcher has already given it one, and it runs as the unprivileged sandbox account);
2. ``PR_SET_NO_NEW_PRIVS`` and Landlock: reads only below the allowed roots (Python, course
   helpers, datasets, system libraries), writes only in the private working directory;
3. the seccomp filter of :mod:`autograde.sandbox` (sockets, ptrace, mounts, namespaces refused).

It refuses to run learner code as root: the launcher must have dropped to the sandbox account.

Each step that the kernel refuses is reported on stderr; the runner prints the loud warning
that this mode is weaker than bubblewrap whichever steps succeed.
"""
from __future__ import annotations

import ctypes
import os
import struct
import sys

# imported now: after Landlock the engine's own folder is no longer readable
from autograde.sandbox import seccomp_filter

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_LANDLOCK_CREATE_RULESET, _SYS_LANDLOCK_ADD_RULE, _SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
_PR_SET_NO_NEW_PRIVS = 38
_CLONE_NEWNET, _CLONE_NEWUSER = 0x40000000, 0x10000000

_READ = (1 << 0) | (1 << 2) | (1 << 3)  # execute, read file, read dir


def _all_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= 1 << 13  # refer
    if abi >= 3:
        rights |= 1 << 14  # truncate
    if abi >= 5:
        rights |= 1 << 15  # ioctl on devices
    return rights


def _landlock(readable: list[str], writable: list[str]) -> str:
    syscall = _libc.syscall
    syscall.restype = ctypes.c_long
    abi = syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 1:
        return "Landlock unavailable"
    handled = _all_rights(abi)
    attr = ctypes.create_string_buffer(struct.pack("=Q", handled))
    ruleset = syscall(_SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(8), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"Landlock ruleset refused (errno {ctypes.get_errno()})"
    try:
        for paths, rights in ((readable, _READ), (writable, handled)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    allowed = rights if os.path.isdir(path) else rights & ((1 << 0) | (1 << 1) | (1 << 2) | (1 << 14))
                    rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed & handled, fd))
                    syscall(_SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1), rule, ctypes.c_uint32(0))
                finally:
                    os.close(fd)
        if syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return f"Landlock restrict refused (errno {ctypes.get_errno()})"
    finally:
        os.close(ruleset)
    return ""


def confine_self(cfg: dict) -> None:
    if os.geteuid() == 0 or os.getuid() == 0:
        raise SystemExit("autograde fallback sandbox: refusing to run learner code as root")
    problems = []
    work = cfg["work"]
    os.chdir(work)
    if not cfg.get("has_netns") and _libc.unshare(ctypes.c_int(_CLONE_NEWUSER | _CLONE_NEWNET)) != 0:
        problems.append("no private network namespace")
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        problems.append("no_new_privs refused")
    why = _landlock(list(cfg.get("readable", [])), [work, "/dev/null"])
    if why:
        problems.append(why)
    seccomp_filter().load()
    if problems:
        print("autograde fallback sandbox: " + "; ".join(problems), file=sys.stderr)
