"""Learner processes as seen from the grader: start, talk, time out, kill, restart.

:class:`LearnerProcess` is one sandboxed process and its channel. :class:`LearnerPool`
keeps one process started and warm (imports done) ahead of need. :class:`StudentSession`
is one submission: it runs the submission's cells, serves the graders' calls, and when a
call crashes or times out it starts a fresh process, replays the cells that did not kill
the previous one, and carries on; only the exercise being graded loses its points.
"""
from __future__ import annotations

import itertools
import os
import select
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from autograde import protocol
from autograde.sandbox import Launch, SandboxSpec, launch

OUTPUT_KEEP_BYTES = 64 * 1024


class StudentError(Exception):
    """Learner code raised an exception (the process is still healthy)."""

    def __init__(self, type_name: str, message: str, traceback: str = "") -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message
        self.traceback = traceback


class StudentCrash(Exception):
    """The learner process died, broke the protocol, or ran out of time. Not recoverable in place."""


class StudentTimeout(StudentCrash):
    pass


class StudentUnavailable(StudentCrash):
    """The session gave up restarting (too many crashes, or the code never loads)."""


class _OutputDrain(threading.Thread):
    """Reads a learner's stdout+stderr so it can never block, keeping only the first bytes."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.kept = bytearray()
        self.dropped = 0

    def run(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                room = OUTPUT_KEEP_BYTES - len(self.kept)
                if room > 0:
                    self.kept += chunk[:room]
                self.dropped += max(0, len(chunk) - max(room, 0))
        except OSError:
            pass
        finally:
            os.close(self.fd)

    def text(self) -> str:
        out = self.kept.decode(errors="replace")
        if self.dropped:
            out += f"\n[... {self.dropped} more bytes of output dropped]"
        return out


class LearnerProcess:
    """One sandboxed learner process and its request/response channel."""

    _ids = itertools.count(1)

    def __init__(self, spec: SandboxSpec, mode: str | None = None) -> None:
        self.spec = spec
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        plan: Launch = launch(spec, req_r, resp_w, mode)
        self.mode = plan.mode
        self._cleanup = plan.cleanup
        env = plan.env or None
        try:
            self.proc = subprocess.Popen(plan.argv, env=env, stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w,
                                         pass_fds=plan.pass_fds, start_new_session=True, close_fds=True)
        finally:
            for fd in set(plan.pass_fds) - {self._req_w, self._resp_r}:
                os.close(fd)
            os.close(out_w)
        self.output = _OutputDrain(out_r)
        self.output.start()
        self.ready = False
        self.alive = True

    # -- low level
    def _read_exact(self, deadline: float):
        def read(fd: int, n: int) -> bytes:
            chunks = []
            while n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StudentTimeout("time limit exceeded")
                ready, _, _ = select.select([fd], [], [], min(left, 1.0))
                if not ready:
                    if self.proc.poll() is not None:
                        raise StudentCrash(self._death())
                    continue
                chunk = os.read(fd, min(n, 1 << 20))
                if not chunk:
                    raise StudentCrash(self._death())
                chunks.append(chunk)
                n -= len(chunk)
            return b"".join(chunks)
        return read

    def _death(self) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the learner process stopped answering"
        if code < 0:
            sig = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            return f"the learner process was killed by {sig}"
        return f"the learner process exited with status {code}"

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        try:
            msg = protocol.read_message(self._resp_r, self._read_exact(time.monotonic() + timeout))
        except (StudentCrash, protocol.ProtocolError, EOFError) as exc:
            self.kill()
            detail = self.output.text()[-1500:]
            raise StudentCrash(f"the sandbox failed to start ({exc}). Output: {detail}") from None
        if not msg.header.get("ok") or not msg.header.get("ready"):
            self.kill()
            raise StudentCrash("the sandbox did not report ready")
        self.ready = True

    def request(self, header: dict[str, Any], blobs: list[bytes], timeout: float) -> protocol.Message:
        """Send one request and wait for its reply; kills the process on timeout or violation."""
        if not self.alive:
            raise StudentCrash("the learner process is not running")
        request_id = next(self._ids)
        header = dict(header, id=request_id)
        deadline = time.monotonic() + timeout
        try:
            protocol.write_message(self._req_w, protocol.Message(header, blobs))
            msg = protocol.read_message(self._resp_r, self._read_exact(deadline))
            if msg.header.get("id") != request_id:
                raise protocol.ProtocolError("reply does not answer the request")
            return msg
        except StudentTimeout:
            self.kill()
            raise StudentTimeout(f"time limit of {timeout:g} s exceeded") from None
        except (BrokenPipeError, EOFError):
            self.kill()
            raise StudentCrash(self._death()) from None
        except protocol.ProtocolError as exc:
            self.kill()
            raise StudentCrash(f"the learner process broke the protocol ({exc})") from None
        except StudentCrash:
            self.kill()
            raise

    def kill(self) -> None:
        if not self.alive:
            return
        self.alive = False
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self._req_w, self._resp_r):
            try:
                os.close(fd)
            except OSError:
                pass
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)


class LearnerPool:
    """Keeps one learner process started ahead of need, so a submission finds it warm."""

    def __init__(self, spec: SandboxSpec, start_timeout: float = 120.0, mode: str | None = None) -> None:
        self.spec = spec
        self.mode = mode
        self.start_timeout = start_timeout
        self._next: LearnerProcess | None = None

    def take(self) -> LearnerProcess:
        proc = self._next or LearnerProcess(self.spec, self.mode)
        self._next = None
        proc.wait_ready(self.start_timeout)
        self._next = LearnerProcess(self.spec, self.mode)  # warms up while this one works
        return proc

    def close(self) -> None:
        if self._next:
            self._next.kill()
            self._next = None


@dataclass
class CellOutcome:
    cell: str
    status: str  # "ok" | "error" | "fatal" | "skipped"
    message: str = ""


@dataclass
class StudentSession:
    """One submission's learner code, served to the graders through a sandboxed process."""

    pool: LearnerPool
    cells: list[tuple[str, str]]
    cell_timeout: float = 60.0
    call_timeout: float = 30.0
    max_restarts: int = 20
    outcomes: dict[str, CellOutcome] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    _proc: LearnerProcess | None = None
    restarts: int = 0
    poisoned: dict[str, str] = field(default_factory=dict)  # function -> why it is not called again

    # -- lifecycle
    def start(self) -> None:
        self._boot()

    def _boot(self) -> None:
        proc = self.pool.take()
        self._proc = proc
        for cell_id, code in self.cells:
            previous = self.outcomes.get(cell_id)
            if previous and previous.status in ("fatal", "skipped"):
                continue
            try:
                reply = proc.request({"op": "run_cell", "code": code, "cell": cell_id}, [], self.cell_timeout)
            except StudentCrash as exc:
                self.outcomes[cell_id] = CellOutcome(cell_id, "fatal", str(exc))
                self.events.append(f"cell {cell_id}: {exc}; the cell was skipped and a fresh process started")
                self._restart_after_crash()
                return
            if previous is None:
                if reply.header.get("ok"):
                    self.outcomes[cell_id] = CellOutcome(cell_id, "ok")
                else:
                    err = reply.header.get("error") or {}
                    text = f"{err.get('type', 'Error')}: {err.get('message', '')}"[:500]
                    self.outcomes[cell_id] = CellOutcome(cell_id, "error", text)

    def _restart_after_crash(self) -> None:
        if self._proc:
            self._proc.kill()
        self.restarts += 1
        if self.restarts > self.max_restarts:
            self._proc = None
            self.events.append("too many crashes: the remaining checks were not run")
            return
        self._boot()

    def close(self) -> None:
        if self._proc:
            self._proc.kill()
            self._proc = None

    # -- calls from graders
    def _live(self) -> LearnerProcess:
        if self._proc is None or not self._proc.alive:
            if self.restarts > self.max_restarts:
                raise StudentUnavailable("the learner process crashed too often; this check was not run")
            self._restart_after_crash()
            if self._proc is None:
                raise StudentUnavailable("the learner process crashed too often; this check was not run")
        return self._proc

    def defined(self, names: list[str]) -> set[str]:
        reply = self._live().request({"op": "defined", "names": names}, [], self.call_timeout)
        value = reply.header.get("value")
        if not isinstance(value, list):
            raise StudentCrash("the learner process broke the protocol")
        return {n for n in value if n in names}

    def request(self, op: str, payload: dict[str, Any], timeout: float | None = None) -> protocol.Message:
        blobs: list[bytes] = []
        header: dict[str, Any] = {"op": op}
        for key, value in payload.items():
            header[key] = protocol.encode_value(value, blobs) if key in ("args", "kwargs") else value
        name = str(payload.get("name", op)) if op == "call" else op
        if name in self.poisoned:  # each function may crash or time out once; later calls fail fast
            raise StudentCrash(self.poisoned[name] + " (earlier in this run; not called again)")
        proc = self._live()
        try:
            reply = proc.request(header, blobs, timeout or self.call_timeout)
        except StudentCrash as exc:
            self.events.append(f"{name}: {exc}")
            if op == "call":
                self.poisoned[name] = str(exc)
            raise
        if not reply.header.get("ok"):
            err = reply.header.get("error")
            if not isinstance(err, dict):
                raise StudentCrash("the learner process broke the protocol")
            raise StudentError(str(err.get("type", "Error"))[:100], str(err.get("message", ""))[:2000],
                               str(err.get("traceback", ""))[:4000])
        return reply

    def decode(self, reply: protocol.Message, key: str = "value") -> Any:
        try:
            return protocol.decode_value(reply.header.get(key), reply.blobs)
        except protocol.ProtocolError as exc:
            if self._proc:
                self._proc.kill()
            raise StudentCrash(f"the learner process sent invalid data ({exc})") from None
