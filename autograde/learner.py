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
        return protocol.decode_value(msg.header.get(key), msg.blobs, self._resolve)

    def _lookup(self, name: str) -> Any:
        if name not in self.namespace:
            raise Undefined(name)
        return self.namespace[name]

    # -- ops (one per protocol.Op)
    def op_run_cell(self, msg: protocol.Message) -> dict:
        code = msg.header["code"]
        if msg.header.get("ipython"):
            code = _python_source(code)
        compiled = compile(code, f"<cell {msg.header.get('cell', '?')}>", "exec")
        exec(compiled, self.namespace)
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
        return {"value": getattr(target, msg.header["name"])}

    def op_hold(self, msg: protocol.Message) -> dict:
        return {"value": self._make_handle(self._decode(msg, "value"))}

    def _invoke(self, fn: Any, msg: protocol.Message) -> dict:
        args = self._decode(msg, "args") or []
        kwargs = self._decode(msg, "kwargs") or {}
        value = fn(*args, **kwargs)
        out = {"value": value}
        if msg.header.get("repeat") == 2:  # the same argument objects again: in-place changes show
            out["again"] = fn(*args, **kwargs)
        if msg.header.get("return_args"):
            out["args"] = (tuple(args), kwargs)
        return out

    # -- loop
    def reply(self, request_id: Any, ok: bool, payload: dict, elapsed: float = 0.0) -> None:
        blobs: list[bytes] = []
        header: dict[str, Any] = {"id": request_id, "ok": ok, "elapsed": elapsed}
        for key, value in payload.items():
            header[key] = protocol.encode_value(value, blobs, self._make_handle) if ok else value
        protocol.write_message(self.fd_out, protocol.Message(header, blobs))

    def serve(self) -> None:
        while True:
            try:
                msg = protocol.read_message(self.fd_in)
            except EOFError:
                return
            request_id = msg.header.get("id")
            started = time.perf_counter()
            try:
                op = self.ops.get(Op(msg.header.get("op")))
                payload = op(msg)
                elapsed = time.perf_counter() - started
                try:
                    self.reply(request_id, True, payload, elapsed)
                    continue
                except protocol.ProtocolError as exc:
                    raise TypeError(f"the value returned cannot be graded: {exc}") from None
            except BaseException as exc:  # SystemExit and KeyboardInterrupt from learner code too
                sys.stdout.flush()
                error = {"type": type(exc).__name__, "message": _safe_str(exc)[:2000],
                         "traceback": _learner_traceback(exc)[-4000:]}
                if type(exc) is Undefined:
                    error["undefined"] = exc.undefined
            self.reply(request_id, False, {"error": error}, time.perf_counter() - started)


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:
        return "<unprintable exception>"


def _learner_traceback(exc: BaseException) -> str:
    """The traceback without this server's own frames."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")
                  or "/autograde/" not in f.filename]
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
    server = Server(fd_in, fd_out)
    server.reply(None, True, {"ready": True, "pid": os.getpid()})
    server.serve()


if __name__ == "__main__":
    main()
