"""Per-sandbox control groups: a cap on processes/threads and on memory (tmpfs included).

Used where the machine lets this process manage cgroups: cgroup v1 with writable ``pids``
and ``memory`` hierarchies (as root in most containers), or a delegated cgroup v2 subtree
with both controllers. Elsewhere :func:`available` says why not, and the sandbox falls back
to per-process rlimits (RLIMIT_NPROC counts every process of the sandbox account, RLIMIT_AS
bounds each process's address space; neither sees tmpfs), which the README states.

Each sandbox gets its own group ``autograde/<name>``; the launcher moves itself into it (as
root, before it drops privileges), so bubblewrap and everything the learner starts are
counted from their first instruction. :meth:`Group.remove` kills what is left and deletes it.
"""
from __future__ import annotations

import functools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("AUTOGRADE_CGROUP_ROOT", "/sys/fs/cgroup"))
PARENT = "autograde"


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


@functools.lru_cache(maxsize=1)
def layout() -> tuple[str, dict[str, Path]] | tuple[None, str]:
    """("v1", {controller: parent dir}) or ("v2", {"unified": parent dir}), or (None, why not)."""
    v1 = {c: ROOT / c for c in ("pids", "memory")}
    if all(_writable_dir(p) for p in v1.values()):
        parents = {c: p / PARENT for c, p in v1.items()}
        try:
            for p in parents.values():
                p.mkdir(exist_ok=True)
        except OSError as exc:
            return None, f"cannot create {PARENT}/ in the cgroup v1 hierarchies ({exc.strerror})"
        return "v1", parents
    unified = ROOT if (ROOT / "cgroup.controllers").exists() else ROOT / "unified"
    controllers = (unified / "cgroup.controllers")
    if controllers.exists() and {"pids", "memory"} <= set(controllers.read_text().split()):
        parent = unified / PARENT
        try:
            parent.mkdir(exist_ok=True)
            (unified / "cgroup.subtree_control").write_text("+pids +memory")
            (parent / "cgroup.subtree_control").write_text("+pids +memory")
        except OSError as exc:
            return None, f"the cgroup v2 tree at {unified} is not delegated to this user ({exc.strerror})"
        return "v2", {"unified": parent}
    return None, "no writable pids and memory cgroup controllers here"


def available() -> tuple[bool, str]:
    kind, detail = layout()
    return (True, kind) if kind else (False, str(detail))


@dataclass
class Group:
    """One sandbox's control group(s)."""

    kind: str
    dirs: list[Path]

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def memory_events(self) -> int:
        """How often the memory limit was hit (OOM kills or failed charges)."""
        try:
            if self.kind == "v1":
                mem = next(d for d in self.dirs if d.parent.parent.name == "memory")
                text = (mem / "memory.oom_control").read_text()
                kills = [int(line.split()[1]) for line in text.splitlines() if line.startswith("oom_kill ")]
                return kills[0] if kills else int((mem / "memory.failcnt").read_text())
            events = dict(line.split() for line in (self.dirs[0] / "memory.events").read_text().splitlines())
            return int(events.get("oom_kill", 0))
        except (OSError, StopIteration, ValueError):
            return 0

    def pids(self) -> list[int]:
        out: set[int] = set()
        for f in self.procs_files:
            try:
                out |= {int(x) for x in Path(f).read_text().split()}
            except OSError:
                pass
        return sorted(out)

    def remove(self) -> None:
        for _ in range(50):
            pids = self.pids()
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if not pids:
                break
            time.sleep(0.02)
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


@functools.lru_cache(maxsize=1)
def sweep() -> int:
    """Remove the groups of workers that are gone (killed before they could clean up); once per process.

    A group is named sb-...-<worker pid>-<n>; what is left in a dead worker's group is killed."""
    kind, parents = layout()
    if not kind:
        return 0
    removed = 0
    names = {d.name for parent in parents.values() for d in parent.glob("sb-*") if d.is_dir()}
    for name in names:
        try:
            worker = int(name.split("-")[-2])
        except (ValueError, IndexError):
            continue
        if worker == os.getpid() or _alive(worker):
            continue
        dirs = [parent / name for parent in parents.values() if (parent / name).is_dir()]
        Group(kind, dirs).remove()
        removed += 1
    return removed


def create(name: str, processes: int, memory_mb: int) -> Group | None:
    """A new group with these limits, or None where cgroups cannot be used."""
    kind, parents = layout()
    if not kind:
        return None
    assert isinstance(parents, dict)
    sweep()
    limit = str(memory_mb << 20)
    if kind == "v1":
        pids, mem = parents["pids"] / name, parents["memory"] / name
        pids.mkdir()
        mem.mkdir()
        (pids / "pids.max").write_text(str(processes))
        (mem / "memory.limit_in_bytes").write_text(limit)
        swap = mem / "memory.memsw.limit_in_bytes"
        if swap.exists():
            try:
                swap.write_text(limit)
            except OSError:
                pass
        return Group("v1", [pids, mem])
    d = parents["unified"] / name
    d.mkdir()
    (d / "pids.max").write_text(str(processes))
    (d / "memory.max").write_text(limit)
    if (d / "memory.swap.max").exists():
        (d / "memory.swap.max").write_text("0")
    return Group("v2", [d])
