"""What a learner sees when a public check cell runs in the notebook.

Shared by every assignment: ``source/<id>/checkkit.py`` is a symbolic link to this file, so
each release carries its own copy (nbgrader copies the file's content) and stands alone.

A public check is a function ``<exercise>_test(target, ...)`` that calls the learner's
function and raises ``AssertionError("one sentence for the learner")`` when something is
wrong. Decorated with :func:`public_check`, it prints "All tests passed." on success and,
on failure, raises :class:`CheckFailed`, which IPython shows as ONE line (plus the frames of
the learner's own code when the learner's code raised), not a traceback into this module:

- the learner's function still raises ``NotImplementedError`` ->
  "rnn_forward is not implemented yet: replace `raise NotImplementedError()` with your code."
  (or "rnn_forward calls rnn_cell_forward, which is not implemented yet.");
- an assertion of the check fails -> "rnn_forward: <the check's sentence>";
- the learner's code raised -> "rnn_forward raised ValueError: ..." and the lines of the
  learner's cells where it happened.

The cell still fails (nbgrader's own autograde and validate count it as failed).
"""
from __future__ import annotations

import functools
import traceback
from typing import Any, Callable

_RED, _GREEN, _DIM, _RESET = "\033[91m", "\033[92m", "\033[2m", "\033[0m"


class CheckFailed(AssertionError):
    """A failed public check: one line for the learner, plus their own frames if any."""

    def __init__(self, message: str, frames: list[str] | None = None) -> None:
        super().__init__(message)
        self.frames = frames or []

    def _render_traceback_(self) -> list[str]:  # IPython's hook for custom error display
        lines = [f"{_RED}\u2717 {self.args[0]}{_RESET}"]
        if self.frames:
            lines.append(f"{_DIM}where it happened in your code:{_RESET}")
            lines += self.frames
        return lines


def _learner_frames(exc: BaseException) -> list[str]:
    """Frames of the learner's cells (notebook code), without the checks' own frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.endswith(("checkkit.py", "public_tests.py")) and "site-packages" not in f.filename]
    return [line.rstrip("\n") for line in traceback.format_list(frames[-4:])]


def _not_implemented_in(exc: BaseException) -> str | None:
    """The name of the function that raised NotImplementedError (innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return frames[-1].name if frames else None


def public_check(exercise: str) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """Turn a check function into a notebook check with one-line failures."""

    def decorate(check: Callable[..., Any]) -> Callable[..., None]:
        @functools.wraps(check)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                check(*args, **kwargs)
            except CheckFailed:
                raise
            except NotImplementedError as exc:
                where = _not_implemented_in(exc)
                if where and where not in (exercise, "<module>") and not where.endswith("_test"):
                    raise CheckFailed(f"{exercise} calls {where}, which is not implemented yet: "
                                      f"finish {where} first.") from None
                raise CheckFailed(f"{exercise} is not implemented yet: replace `raise NotImplementedError()` "
                                  "with your code.") from None
            except AssertionError as exc:
                text = str(exc)
                raise CheckFailed(text if text.startswith(exercise) else f"{exercise}: {text}") from None
            except Exception as exc:  # raised by the learner's code
                raise CheckFailed(f"{exercise} raised {type(exc).__name__}: {exc}", _learner_frames(exc)) from None
            print(f"{_GREEN}All tests passed.{_RESET}")

        return run

    return decorate
