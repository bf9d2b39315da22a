"""The learner-side server. Runs INSIDE the sandbox, never in the grader process.

Started as ``python -m autograde.learner`` by :mod:`autograde.sandbox`. It first applies
its resource limits (and, in the fallback sandbox, its own seccomp filter and uid drop),
imports the modules the assignment needs and makes its ``warm`` calls (e.g. loading a data
set into a cache of the course's helper module), so a warm process is ready before a
submission arrives; it says "ready", then serves the requests of
:class:`autograde.protocol.Op` (one ``op_<name>`` method each).

Everything up to the first ``run_cell`` is trusted code; after it, nothing in this process
is, which is why the grader validates every reply (see :mod:`autograde.protocol`).
"""
from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
import traceback
from typing import Any

import numpy as np

from autograde import protocol
from autograde.protocol import Op


def _apply_limits(limits: dict[str, int]) -> None:
    names = {"as": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "nofile": resource.RLIMIT_NOFILE,
             "fsize": resource.RLIMIT_FSIZE, "nproc": resource.RLIMIT_NPROC, "core": resource.RLIMIT_CORE}
    for key, value in limits.items():
        resource.setrlimit(names[key], (value, value))


class Undefined(NameError):
    """A name the grader asked for does not exist in the notebook (not an error inside learner code)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"name '{name}' is not defined in your notebook")
        self.undefined = name


class _NoShell:
    """Stands in for IPython: magics and shell escapes in learner cells do nothing here."""

    def __call__(self) -> "_NoShell":
        return self

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


_NO_SHELL = _NoShell()


def _python_source(code: str) -> str:
    """IPython syntax (magics, shell escapes, help) to plain Python. Runs here, in the
    sandbox and under the cell's deadline, because learner text can make it slow."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(code)


class Server:
    def __init__(self, fd_in: int, fd_out: int) -> None:
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__,
                                          "get_ipython": _NO_SHELL}
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self.ops = {op: getattr(self, "op_" + op.value) for op in Op}
        self.inside = 0.0  # time in learner code during the current request

    # -- handles
    def _make_handle(self, obj: Any) -> protocol.Handle:
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        return protocol.Handle(hid, type(obj).__module__ + "." + type(obj).__qualname__)

    def _resolve(self, handle: protocol.Handle) -> Any:
        try:
            return self.handles[handle.id]
        except KeyError:
            raise LookupError(f"unknown handle {handle.id}") from None

    def _decode(self, msg: protocol.Message, key: str) -> Any:
        return protocol.decode_value(msg.header.get(key), msg.blobs, self._resolve, arrays=msg.arrays)

    def _lookup(self, name: str) -> Any:
        if name not in self.namespace:
            raise Undefined(name)
        return self.namespace[name]

    # -- ops (one per protocol.Op)
    def _learner(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run learner code, adding its time to ``inside`` (the reply's ``elapsed``): the floor
        benchmarks compare grading with is the learner's own code, not the protocol around it."""
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.inside += time.perf_counter() - started

    def op_run_cell(self, msg: protocol.Message) -> dict:
        code = msg.header["code"]
        ipython = bool(msg.header.get("ipython"))
        cell = msg.header.get("cell", "?")

        def run() -> None:
            exec(compile(_python_source(code) if ipython else code, f"<cell {cell}>", "exec"), self.namespace)

        self._learner(run)
        return {}

    def op_call(self, msg: protocol.Message) -> dict:
        return self._invoke(self._lookup(msg.header["name"]), msg)

    def op_global(self, msg: protocol.Message) -> dict:
        value = self._lookup(msg.header["name"])
        return {"value": self._make_handle(value) if msg.header.get("handle") else value}

    def op_call_method(self, msg: protocol.Message) -> dict:
        target = self._resolve(protocol.Handle(msg.header["handle"], ""))
        return self._invoke(getattr(target, msg.header["name"]), msg)

    def op_getattr(self, msg: protocol.Message) -> dict:
        target = self._resolve(protocol.Handle(msg.header["handle"], ""))
        return {"value": self._learner(getattr, target, msg.header["name"])}

    def op_hold(self, msg: protocol.Message) -> dict:
        return {"value": self._make_handle(self._decode(msg, "value"))}

    def _invoke(self, fn: Any, msg: protocol.Message) -> dict:
        args = self._decode(msg, "args") or []
        kwargs = self._decode(msg, "kwargs") or {}
        stand_ins = self._decode(msg, "stand_ins") if msg.header.get("stand_ins") is not None else None
        if stand_ins is not None:
            return self._invoke_with_stand_ins(fn, args, kwargs, stand_ins)
        value = self._learner(fn, *args, **kwargs)
        out = {"value": value}
        if msg.header.get("repeat") == 2:  # the same argument objects again: in-place changes show
            out["again"] = self._learner(fn, *args, **kwargs)
        if msg.header.get("return_args"):
            out["args"] = (tuple(args), kwargs)
        return out

    def _invoke_with_stand_ins(self, fn: Any, args: list, kwargs: dict, stand_ins: Any) -> dict:
        """Call ``fn`` while each named global answers with the grader's given results, in order,
        recording the arguments of each call (copied when made: a caller may reuse its buffers)."""
        if not (isinstance(stand_ins, dict) and all(isinstance(k, str) and isinstance(v, list)
                                                    for k, v in stand_ins.items())):
            raise TypeError("stand_ins must map function names to lists of results")
        calls: dict[str, list] = {name: [] for name in stand_ins}
        saved = {name: self.namespace[name] for name in stand_ins if name in self.namespace}
        for name, results in stand_ins.items():
            self.namespace[name] = _stand_in(name, results, calls[name])
        try:
            value = self._learner(fn, *args, **kwargs)
        finally:
            for name in stand_ins:
                if name in saved:
                    self.namespace[name] = saved[name]
                else:
                    self.namespace.pop(name, None)
        return {"value": value, "calls": calls}

    # -- loop
    def reply(self, request_id: Any, ok: bool, payload: dict, elapsed: float = 0.0) -> None:
        blobs: list[bytes] = []
        sent: dict = {}
        header: dict[str, Any] = {"id": request_id, "ok": ok, "elapsed": elapsed}
        for key, value in payload.items():
            header[key] = protocol.encode_value(value, blobs, self._make_handle, sent=sent) if ok else value
        protocol.write_message(self.fd_out, protocol.Message(header, blobs))

    def serve(self) -> None:
        while True:
            try:
                msg = protocol.read_message(self.fd_in)
            except EOFError:
                return
            request_id = msg.header.get("id")
            self.inside = 0.0
            try:
                op = self.ops.get(Op(msg.header.get("op")))
                payload = op(msg)
                try:
                    self.reply(request_id, True, payload, self.inside)
                    continue
                except protocol.ProtocolError as exc:
                    raise TypeError(f"the value returned cannot be graded: {exc}") from None
            except BaseException as exc:  # SystemExit and KeyboardInterrupt from learner code too
                sys.stdout.flush()
                error = {"type": type(exc).__name__, "message": _safe_str(exc)[:2000],
                         "traceback": _learner_traceback(exc)[-4000:]}
                if type(exc) is Undefined:
                    error["undefined"] = exc.undefined
            self.reply(request_id, False, {"error": error}, self.inside)


def _stand_in(name: str, results: list, calls: list) -> Any:
    """A stand-in for the notebook's function ``name``: its k-th call returns ``results[k]``."""
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        calls.append([_copied(list(args)), _copied(kwargs)])
        if len(calls) > len(results):
            raise RuntimeError(f"{name} was called more often than a correct caller calls it "
                               f"({len(results)} times here)")
        return results[len(calls) - 1]

    stand_in.__name__ = stand_in.__qualname__ = name
    return stand_in


def _copied(value: Any, depth: int = 0) -> Any:
    """Arrays copied, containers rebuilt; anything else as it is."""
    if depth > 20:
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_copied(v, depth + 1) for v in value)
    if type(value) is dict:
        return {k: _copied(v, depth + 1) for k, v in value.items()}
    return value


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:
        return "<unprintable exception>"


_LIBRARY_DIRS = ("/site-packages/", "/dist-packages/")


def _learner_traceback(exc: BaseException) -> str:
    """The traceback of the learner's own code: without this server's frames, and without the
    frames inside installed libraries (Keras' own call stack repeated in every hidden case's
    feedback tells a learner nothing; the error line itself says what went wrong)."""
    try:
        import sysconfig

        stdlib = sysconfig.get_paths().get("stdlib") or "\0"
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")
                  or ("/autograde/" not in f.filename and not any(d in f.filename for d in _LIBRARY_DIRS)
                      and not f.filename.startswith(stdlib))]
        return "".join(traceback.format_list(frames)) + f"{type(exc).__name__}: {_safe_str(exc)}"
    except BaseException:
        return ""


def _matplotlib_cache() -> None:
    """Give matplotlib a writable configuration folder that already holds the machine's font
    cache (made by the grader), so importing it does not scan every font again."""
    source = os.environ.pop("AUTOGRADE_MPL_CACHE", "")
    if not source or not os.path.isdir(source):
        return
    import shutil

    target = os.path.join(os.environ.get("HOME", "/tmp"), ".matplotlib")
    try:
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(source):
            shutil.copy(os.path.join(source, name), target)
        os.environ["MPLCONFIGDIR"] = target
    except OSError:
        pass


def _warm(calls: list[str]) -> None:
    """Trusted calls made before any learner code, e.g. loading a data set into a cache."""
    for spec in calls:
        module, _, function = spec.partition(":")
        getattr(importlib.import_module(module), function)()


def _serve(fd_in: int, fd_out: int) -> None:
    server = Server(fd_in, fd_out)
    server.reply(None, True, {"ready": True, "pid": os.getpid()})
    server.serve()


# ------------------------------------------------------------------ the zygote (bubblewrap only)
#
# Importing TensorFlow costs a fresh sandbox about 2 s of CPU. In the bubblewrap sandbox the
# process that did the imports stays as a zygote and never runs learner code: each submission
# is served by a child forked from it (milliseconds). Between two submissions the grader asks
# for a reset, and the zygote makes the sandbox as it was before the first child or says it
# cannot: every other process in the sandbox's pid namespace is killed, whatever the children
# left in the writable file systems (/tmp, /dev/shm) is removed and the files that were there
# are checked unchanged (by content), System V IPC objects are removed (POSIX message queues,
# which cannot be listed, are refused by seccomp). The zygote is not dumpable, so a child (same
# uid) cannot read or write its memory through /proc; a child that stops or kills it only makes
# the reset fail, and the grader then replaces the whole sandbox. Nothing a child does survives
# into the next child except through the zygote's answer, which is a yes or a no.

PR_SET_DUMPABLE = 4
WRITABLE_ROOTS = ("/tmp", "/dev/shm")


def _prctl_dumpable(value: int, _libc: list = []) -> None:
    import ctypes

    if not _libc:  # loaded once, in the zygote: each child calls it again
        _libc.append(ctypes.CDLL(None, use_errno=True))
    _libc[0].prctl(PR_SET_DUMPABLE, value, 0, 0, 0)


def _snapshot() -> dict[str, tuple]:
    """What the writable file systems hold: kind, mode and (for files) a digest of the content."""
    import hashlib
    import stat

    seen: dict[str, tuple] = {}
    for root in WRITABLE_ROOTS:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode):
                    with open(path, "rb") as fh:
                        seen[path] = ("f", st.st_mode, hashlib.sha256(fh.read()).hexdigest())
                elif stat.S_ISDIR(st.st_mode):
                    seen[path] = ("d", st.st_mode)
                elif stat.S_ISLNK(st.st_mode):
                    seen[path] = ("l", os.readlink(path))
                else:
                    seen[path] = ("o", st.st_mode)
    return seen


def _kill_the_rest(deadline: float) -> bool:
    """SIGKILL every process of the sandbox but its init (pid 1) and this one; reap ours."""
    import signal

    me = os.getpid()
    while True:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        alive = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in (1, me):
                try:
                    with open(f"/proc/{entry}/stat", "rb") as fh:
                        state = fh.read().rsplit(b")", 1)[1].split()[0]
                except (OSError, IndexError):
                    continue
                if state not in (b"Z", b"X"):
                    alive.append(entry)
        if not alive:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0005)  # a killed process is usually gone within a millisecond


def _remove_ipc() -> bool:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    removers = {"shm": lambda i: libc.shmctl(i, 0, None), "sem": lambda i: libc.semctl(i, 0, 0),
                "msg": lambda i: libc.msgctl(i, 0, None)}  # IPC_RMID is 0
    clean = True
    for kind, remove in removers.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                rows = fh.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 1 and fields[1].isdigit():
                clean = remove(int(fields[1])) == 0 and clean
    return clean


def _restore(initial: dict[str, tuple]) -> bool:
    """Remove what is new in the writable file systems; True if the rest is exactly as it was."""
    import shutil

    now = _snapshot()
    for path in sorted(set(now) - set(initial), key=len, reverse=True):
        try:
            if now[path][0] == "d":
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            return False
    return _snapshot() == initial


def _zygote(control_fd: int, fd_in: int, fd_out: int) -> None:
    """Fork one child per submission (see above); the first one at once, on fd_in/fd_out.

    Requests on the control socket: "reset" with two descriptors (the next child's channel)
    answered "clean" (and the child is forked) or "dirty"; "status" answered with how the
    current child ended ("exit:N", "signal:N") or "alive"."""
    import random
    import socket

    _prctl_dumpable(0)
    if "numpy" in sys.modules:  # its first unseeded seed() imports the entropy machinery (~14 ms): once, here
        sys.modules["numpy"].random.seed()
    initial = _snapshot()
    control = socket.socket(fileno=control_fd)

    def child(fd_in: int, fd_out: int) -> int:
        pid = os.fork()
        if pid == 0:
            control.close()
            _prctl_dumpable(1)  # an ordinary process again, as a freshly started one is
            random.seed()
            if "numpy" in sys.modules:
                sys.modules["numpy"].random.seed()  # each submission its own unseeded state, as before
            try:
                _serve(fd_in, fd_out)
            finally:
                os._exit(0)
        os.close(fd_in)
        os.close(fd_out)
        return pid

    def status(pid: int) -> bytes:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                done, code = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return b"gone"
            if done:
                return (b"signal:%d" % os.WTERMSIG(code) if os.WIFSIGNALED(code)
                        else b"exit:%d" % os.waitstatus_to_exitcode(code))
            time.sleep(0.01)
        return b"alive"

    current = child(fd_in, fd_out)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1024, 2)
        except OSError:
            os._exit(0)
        if not message:
            os._exit(0)  # the grader is gone
        if message == b"status":
            answer = status(current)
            for fd in fds:
                os.close(fd)
        else:
            clean = (message == b"reset" and len(fds) == 2 and _kill_the_rest(time.monotonic() + 5)
                     and _restore(initial) and _remove_ipc())
            if clean:
                current = child(*fds)
            else:
                for fd in fds:
                    os.close(fd)
            answer = b"clean" if clean else b"dirty"
        try:
            control.send(answer)
        except OSError:
            os._exit(0)


def main() -> None:
    config = json.loads(os.environ.pop("AUTOGRADE_LEARNER", "{}"))
    fd_in, fd_out = config.get("fd_in", 3), config.get("fd_out", 4)
    if config.get("fallback"):
        from autograde import confine  # only in the weaker sandbox without bubblewrap
        confine.confine_self(config["fallback"])
    _apply_limits(config.get("limits", {}))
    _matplotlib_cache()
    sys.path[:0] = [p for p in config.get("path", []) if p not in sys.path]
    for name in config.get("preimport", []):  # libraries and the course's own helper modules
        importlib.import_module(name)
    _warm(config.get("warm", []))
    if config.get("control") is not None:
        _zygote(config["control"], fd_in, fd_out)
    else:
        _serve(fd_in, fd_out)


if __name__ == "__main__":
    main()
