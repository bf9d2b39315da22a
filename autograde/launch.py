"""The root-side start of one sandbox: trusted, tiny, standard library only.

When the engine runs as root, a sandbox is started as ``python -I -S launch.py`` with its
configuration in ``$AUTOGRADE_LAUNCH``, and this program, still root:

1. moves itself into the sandbox's control groups (so its limits count from the start);
2. enters a private mount namespace and makes the paths the sandbox needs reachable by the
   sandbox account: a directory it cannot traverse (say /root, holding the Python
   installation) is covered by an empty tmpfs and only the needed subtrees are bound back
   at their own paths. Nothing changes on the host;
3. (fallback sandbox only) enters a private network namespace;
4. drops to the unprivileged sandbox account (no supplementary groups, so no capability and
   no host uid 0 anywhere below), and execs the sandbox (bubblewrap, or the fallback's Python).

Learner code therefore never runs as, or inside a user namespace owned by, host root.
"""
import ctypes
import json
import os
import stat
import sys

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 0x4000, 1 << 18

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def _traversable(path, uid, gid):
    st = os.stat(path)
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _highest_blocked(path, uid, gid):
    parts = path.split("/")
    for i in range(2, len(parts)):
        prefix = "/".join(parts[:i])
        if not _traversable(prefix, uid, gid):
            return prefix
    return None


def make_reachable(paths, uid, gid):
    """Cover unreachable ancestors with a tmpfs and bind the needed paths back, privately."""
    blocked = {}
    for path in paths:
        top = _highest_blocked(path, uid, gid)
        if top:
            blocked.setdefault(top, []).append(path)
    if not blocked:
        return
    fds = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for group in blocked.values() for path in group}
    for top in sorted(blocked, key=len):
        _mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
    for path, fd in sorted(fds.items(), key=lambda kv: len(kv[0])):
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)


def main():
    cfg = json.loads(os.environ.pop("AUTOGRADE_LAUNCH"))
    for procs in cfg.get("cgroup_procs", []):
        with open(procs, "w") as fh:
            fh.write(str(os.getpid()))
    uid, gid = cfg["uid"], cfg["gid"]
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    make_reachable(cfg.get("reach", []), uid, gid)
    if cfg.get("unshare_net"):
        _check(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("launch: could not drop root")
    argv = cfg["argv"]
    os.execve(argv[0], argv, cfg["env"])


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # reported on the sandbox's output, which the runner shows on failure
        print(f"autograde launch failed: {exc}", file=sys.stderr)
        sys.exit(70)
