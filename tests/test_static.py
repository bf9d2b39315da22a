"""Static checks of the project's own Python: no name is used that is not defined.

An undefined name in a rarely taken branch (a grader's path for a failing callee, a
diagnosis) only shows when a learner's mistake reaches it, as an internal grader error in
that learner's feedback. pyflakes finds them without running anything."""
from __future__ import annotations

import pyflakes.api
import pyflakes.messages as m
from pyflakes.reporter import Reporter

from conftest import ROOT

# What makes code fail when it runs; unused imports and the like are style, not checked here.
FATAL = (m.UndefinedName, m.UndefinedLocal, m.UndefinedExport, m.ImportStarUsage, m.DuplicateArgument,
         m.ReturnOutsideFunction, m.YieldOutsideFunction, m.ContinueOutsideLoop, m.BreakOutsideLoop)


class _Collect(Reporter):
    def __init__(self) -> None:
        self.found: list[str] = []

    def unexpectedError(self, filename, msg) -> None:
        self.found.append(f"{filename}: {msg}")

    def syntaxError(self, filename, msg, lineno, offset, text) -> None:
        self.found.append(f"{filename}:{lineno}: syntax error: {msg}")

    def flake(self, message) -> None:
        if isinstance(message, FATAL):
            self.found.append(str(message))


def test_no_undefined_names_in_the_projects_python():
    files = [p for d in ("autograde", "graders", "benchmarks", "datasets", "tests", "source")
             for p in sorted((ROOT / d).rglob("*.py")) if "__pycache__" not in p.parts and not p.is_symlink()]
    assert len(files) > 50
    reporter = _Collect()
    for path in files:
        pyflakes.api.checkPath(str(path), reporter)
    assert not reporter.found, "\n".join(reporter.found)


def test_the_check_sees_an_undefined_name(tmp_path):
    """The premise: a module that calls a function it never imported is reported."""
    path = tmp_path / "broken.py"
    path.write_text("def isolated(x):\n    if x:\n        fail('no')\n    return x\n")
    reporter = _Collect()
    pyflakes.api.checkPath(str(path), reporter)
    assert reporter.found and "undefined name 'fail'" in reporter.found[0]
