"""Learner processes as seen from the grader: start, talk, time out, kill, restart.

:class:`LearnerProcess` is one sandboxed process and its channel. Every exchange with it,
in both directions, runs under a deadline: a learner that stops reading its requests (or
stops itself with SIGSTOP) cannot hold the grader, because writes are non-blocking and
polled against the same deadline as the reply. On expiry the whole sandbox is killed.

:class:`LearnerPool` keeps one process started and warm (imports and data loads done)
ahead of need. :class:`StudentSession` is one submission: it runs the submission's cells,
serves the graders' calls, and when a call crashes or times out it starts a fresh process,
replays the cells that did not kill the previous one, and carries on; only the exercise
being graded loses its points. A submission has a wall-clock budget and a bounded number
of restarts; past either, every remaining check fails at once with a clear message.
"""
from __future__ import annotations

import enum
import errno
import fcntl
import itertools
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from autograde import protocol
from autograde.protocol import Op
from autograde.sandbox import Launch, SandboxSpec, launch

OUTPUT_KEEP_BYTES = 64 * 1024


_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")


def plain_text(text: str) -> str:
    """A learner error's text without terminal control sequences (Keras colours its messages:
    feedback pages and CSV cells would show them as '[1m...[0m')."""
    return _TERMINAL_CODES.sub("", text) if "\x1b" in text else text


class StudentError(Exception):
    """Learner code raised an exception (the process is still healthy)."""

    def __init__(self, type_name: str, message: str, traceback: str = "", undefined: str | None = None) -> None:
        message, traceback = plain_text(message), plain_text(traceback)
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message
        self.traceback = traceback
        self.undefined = undefined  # set when the grader asked for a name the notebook does not define


class StudentCrash(Exception):
    """The learner process died, broke the protocol, or ran out of time. Not recoverable in place."""


class StudentTimeout(StudentCrash):
    """A cell or call did not finish within its deadline."""


class StudentUnavailable(StudentCrash):
    """No process to ask any more: too many crashes, or the submission's time budget is used up."""


class NotCalledAgain(StudentCrash):
    """This function crashed or timed out earlier in the submission, so it is not called again."""

    def __init__(self, function: str, original: StudentCrash) -> None:
        super().__init__(f"{function} is not called again: earlier in this run it failed ({original})")
        self.function = function
        self.original = original


class CellStatus(str, enum.Enum):
    OK = "ok"
    ERROR = "error"    # raised an exception; the process is fine
    FATAL = "fatal"    # killed the process or timed out; skipped when a fresh process replays the cells


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
        req_r, resp_w = self._pipes()
        out_r, out_w = os.pipe()
        self._control, control_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            plan: Launch = launch(spec, req_r, resp_w, mode, control=control_child.fileno())
        except BaseException:
            for fd in (req_r, self._req_w, self._resp_r, resp_w, out_r, out_w):
                os.close(fd)
            self._control.close()
            control_child.close()
            raise
        if plan.mode != "bubblewrap":  # no zygote: one process, one submission
            self._control.close()
            self._control = None
        self.served = 0  # submissions this sandbox has served (more than one through its zygote)
        self.mode = plan.mode
        self._cleanup = plan.cleanup
        self.group = plan.group
        try:
            self.proc = subprocess.Popen(plan.argv, env=plan.env, stdin=subprocess.DEVNULL, stdout=out_w,
                                         stderr=out_w, pass_fds=plan.pass_fds, start_new_session=True,
                                         close_fds=True)
        except BaseException:
            if self.group:
                self.group.remove()
            raise
        finally:
            for fd in {req_r, resp_w, *plan.close_after_start}:
                os.close(fd)
            os.close(out_w)
            control_child.close()
        self.output = _OutputDrain(out_r)
        self.output.start()
        self.ready = False
        self.alive = True

    def _pipes(self) -> tuple[int, int]:
        """A fresh request/reply channel: (the learner's ends) read requests, write replies."""
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        fcntl.fcntl(self._req_w, fcntl.F_SETFL, fcntl.fcntl(self._req_w, fcntl.F_GETFL) | os.O_NONBLOCK)
        return req_r, resp_w

    @property
    def reusable(self) -> bool:
        """Whether a zygote can reset this sandbox for another submission (bubblewrap only)."""
        return self._control is not None

    def recycle(self, timeout: float = 10.0) -> bool:
        """After a submission ended normally: have the zygote kill that submission's processes,
        restore the sandbox and fork a fresh child on a fresh channel. False (the caller then
        kills the sandbox) when there is no zygote, when the sandbox saw an out-of-memory kill,
        or when the zygote does not answer "clean" in time."""
        if self._control is None or not self.alive or self.proc.poll() is not None:
            return False
        if self.group and self.group.memory_events():
            return False
        for fd in (self._req_w, self._resp_r):
            os.close(fd)
        req_r, resp_w = self._pipes()
        try:
            self._control.settimeout(timeout)
            socket.send_fds(self._control, [b"reset"], [req_r, resp_w])
            answer = self._control.recv(16)
        except OSError:  # socket.timeout included
            return False
        finally:
            os.close(req_r)
            os.close(resp_w)
        if answer != b"clean":
            return False
        self.ready = False
        self.served += 1
        return True

    # -- low level, every step under the deadline
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

    def _write_all(self, deadline: float):
        def write(fd: int, data: bytes) -> None:
            view = memoryview(data)
            while view:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StudentTimeout("time limit exceeded while sending a request (the process stopped reading)")
                _, ready, _ = select.select([], [fd], [], min(left, 1.0))
                if not ready:
                    if self.proc.poll() is not None:
                        raise StudentCrash(self._death())
                    continue
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    continue
                except OSError as exc:
                    if exc.errno == errno.EPIPE:
                        raise StudentCrash(self._death()) from None
                    raise
        return write

    def _child_status(self) -> int | None:
        """The zygote's child's exit status (as Popen.returncode), or None if unknown or alive."""
        try:
            self._control.settimeout(3)
            self._control.send(b"status")
            answer = self._control.recv(32).decode()
            kind, _, value = answer.partition(":")
            return int(value) if kind == "exit" else -int(value) if kind == "signal" else None
        except (OSError, ValueError):
            return None

    def _death(self) -> str:
        if self._control is not None and self.proc.poll() is None:
            code = self._child_status()  # the sandbox (its zygote) lives on: how did the child end?
        else:
            try:
                code = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
        if code is None:
            return "the learner process stopped answering"
        if self.group and self.group.memory_events():
            return f"the learner process ran out of memory (limit {self.spec.limits.memory_mb} MB) and was killed"
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
            protocol.write_message(self._req_w, protocol.Message(header, blobs), self._write_all(deadline))
            msg = protocol.read_message(self._resp_r, self._read_exact(deadline))
            if msg.header.get("id") != request_id:
                raise protocol.ProtocolError("reply does not answer the request")
            return msg
        except StudentTimeout as exc:
            self.kill()
            detail = str(exc).replace("time limit exceeded", "").strip()
            raise StudentTimeout(f"time limit of {timeout:g} s exceeded{' ' + detail if detail else ''}") from None
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
        if self.group:
            self.group.remove()
        for fd in (self._req_w, self._resp_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._control is not None:
            self._control.close()
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)


class LearnerPool:
    """Keeps a learner process ready ahead of need, so a submission finds it warm.

    In the bubblewrap sandbox it takes back the sandbox of a submission that ended normally:
    its zygote resets it and forks the next submission's process (milliseconds instead of a
    fresh start with its imports). A fresh sandbox is started ahead only when one is lost (a
    crash, a timeout, an out-of-memory kill): it imports while the grader finishes that
    submission. A spare kept at all times would import TensorFlow once more per worker and
    batch for nothing, on a machine whose cores are all grading. Without a zygote (the
    fallback sandbox) every submission needs a fresh process: the next one is always
    started while the current one works."""

    def __init__(self, spec: SandboxSpec, start_timeout: float = 120.0, mode: str | None = None) -> None:
        self.spec = spec
        self.mode = mode
        self.start_timeout = start_timeout
        self._next: LearnerProcess | None = None
        self._idle: LearnerProcess | None = None
        self.started = 0
        self.reused = 0

    def _start(self) -> LearnerProcess:
        self.started += 1
        return LearnerProcess(self.spec, self.mode)

    def warm(self) -> None:
        """Start the next process now (it imports while nothing else is waiting for it)."""
        if self._next is None:
            self._next = self._start()

    def take(self) -> LearnerProcess:
        if self._idle is not None:
            proc, self._idle = self._idle, None
            try:
                proc.wait_ready(self.start_timeout)
                self.reused += 1
                return proc
            except StudentCrash:
                pass  # the reset sandbox did not come up: a fresh one below
        proc = self._next or self._start()
        self._next = None
        proc.wait_ready(self.start_timeout)
        if not proc.reusable:
            self._next = self._start()  # one process per submission: the next warms up while this one works
        return proc

    def give_back(self, proc: LearnerProcess) -> None:
        """A submission is done with ``proc``: keep its sandbox, reset, for the next one if it
        can be reset, else discard it."""
        if self._idle is None and proc.recycle():
            self._idle = proc
        else:
            self.discard(proc)

    def discard(self, proc: LearnerProcess) -> None:
        """Kill a lost process; unless a reset sandbox is waiting, its replacement starts now,
        while the grader goes on."""
        proc.kill()
        if self._idle is None:
            self.warm()

    def close(self) -> None:
        for proc in (self._next, self._idle):
            if proc:
                proc.kill()
        self._next = self._idle = None


@dataclass
class CellOutcome:
    cell: str
    status: CellStatus
    message: str = ""
    error_type: str = ""


def _ipython_syntax(code: str) -> bool:
    return "%" in code or "!" in code or "?" in code


@dataclass
class StudentSession:
    """One submission's learner code, served to the graders through a sandboxed process."""

    pool: LearnerPool
    cells: list[tuple[str, str]]
    cell_timeout: float = 60.0
    call_timeout: float = 30.0
    budget: float = 600.0
    max_restarts: int = 5
    outcomes: dict[str, CellOutcome] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)   # what happened outside the cells, for the result's message
    restarts: int = 0
    inside_seconds: float = 0.0          # the learner's own measure of time spent in its code (benchmarks)
    generation: int = 0                  # which learner process (0, 1, ... after restarts) handles belong to
    _proc: LearnerProcess | None = None
    _deadline: float = 0.0
    _poisoned: dict[str, StudentCrash] = field(default_factory=dict)
    _gave_up: StudentUnavailable | None = None

    # -- lifecycle
    def start(self) -> None:
        self._deadline = time.monotonic() + self.budget
        self._boot()

    def _left(self, timeout: float) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            self._give_up(f"the submission used up its time budget of {self.budget:g} s; the remaining checks "
                          "were not run")
        return min(timeout, left)

    def _give_up(self, why: str) -> None:
        if self._gave_up is None:
            self._gave_up = StudentUnavailable(why)
            self.events.append(why)
            self.close()
        raise self._gave_up

    def _boot(self) -> None:
        proc = self.pool.take()
        self._proc = proc
        self.generation += 1
        for cell_id, code in self.cells:
            previous = self.outcomes.get(cell_id)
            if previous and previous.status is CellStatus.FATAL:
                continue
            header = {"op": Op.RUN_CELL.value, "code": code, "cell": cell_id, "ipython": _ipython_syntax(code)}
            try:
                reply = proc.request(header, [], self._left(self.cell_timeout))
            except StudentUnavailable:
                raise
            except StudentCrash as exc:
                self.outcomes[cell_id] = CellOutcome(cell_id, CellStatus.FATAL, str(exc))
                self._restart_after_crash()
                return
            self._account(reply)
            if previous is None:
                if reply.header.get("ok"):
                    self.outcomes[cell_id] = CellOutcome(cell_id, CellStatus.OK)
                else:
                    err = reply.header.get("error") if isinstance(reply.header.get("error"), dict) else {}
                    kind = str(err.get("type", "Error"))[:100]
                    text = plain_text(f"{kind}: {str(err.get('message', ''))}")[:500]
                    self.outcomes[cell_id] = CellOutcome(cell_id, CellStatus.ERROR, text, kind)

    def _account(self, reply: protocol.Message) -> None:
        elapsed = reply.header.get("elapsed")
        if isinstance(elapsed, (int, float)) and 0 <= elapsed < 1e6:
            self.inside_seconds += float(elapsed)

    def _restart_after_crash(self) -> None:
        if self._proc:
            self.pool.discard(self._proc)
        self.restarts += 1
        if self.restarts > self.max_restarts:
            self._proc = None
            self._give_up(f"the learner process crashed {self.restarts} times; the remaining checks were not run")
        self._boot()

    def close(self) -> None:
        if self._proc:
            if self._gave_up is None:
                self.pool.give_back(self._proc)  # reset and reused where the sandbox allows it
            else:
                self.pool.discard(self._proc)
            self._proc = None

    # -- calls from graders
    def _live(self) -> LearnerProcess:
        if self._gave_up:
            raise self._gave_up
        if self._proc is None or not self._proc.alive:
            self._restart_after_crash()
        assert self._proc is not None
        return self._proc

    def request(self, op: Op, payload: dict[str, Any], timeout: float | None = None) -> protocol.Message:
        blobs: list[bytes] = []
        sent: dict = {}
        header: dict[str, Any] = {"op": op.value}
        for key, value in payload.items():
            header[key] = (protocol.encode_value(value, blobs, sent=sent) if key in ("args", "kwargs", "value", "stand_ins")
                           else value)
        name = str(payload.get("name", op.value)) if op is Op.CALL else op.value
        if name in self._poisoned:  # each function may crash or time out once; later calls fail fast
            raise NotCalledAgain(name, self._poisoned[name])
        proc = self._live()
        try:
            reply = proc.request(header, blobs, self._left(timeout or self.call_timeout))
        except StudentUnavailable:
            raise
        except StudentCrash as exc:
            self.events.append(f"{name}: {exc}")
            if op is Op.CALL:
                self._poisoned[name] = exc
            raise
        self._account(reply)
        if not reply.header.get("ok"):
            err = reply.header.get("error")
            if not isinstance(err, dict):
                self._proc.kill()
                raise StudentCrash("the learner process broke the protocol (malformed error reply)")
            undefined = err.get("undefined")
            raise StudentError(str(err.get("type", "Error"))[:100], str(err.get("message", ""))[:2000],
                               str(err.get("traceback", ""))[:4000],
                               undefined[:200] if isinstance(undefined, str) else None)
        return reply

    def decode(self, reply: protocol.Message, key: str = "value") -> Any:
        try:
            return protocol.decode_value(reply.header.get(key), reply.blobs, arrays=reply.arrays)
        except protocol.ProtocolError as exc:
            if self._proc:
                self._proc.kill()
            raise StudentCrash(f"the learner process sent invalid data ({exc})") from None
        except (RecursionError, MemoryError, TypeError, ValueError) as exc:
            if self._proc:
                self._proc.kill()
            raise StudentCrash(f"the learner process sent invalid data ({type(exc).__name__})") from None
