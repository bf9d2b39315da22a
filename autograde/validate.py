"""`autograde validate`: the evidence that assignments and their graders are sound.

ONE batch (one warm worker pool for every assignment) grades, per assignment: the solution
notebook (must earn full marks), the untouched release notebook (must be graded, with 0
points), and one notebook per catalog variant. A variant replaces one function and the
others are the solution's, so only the exercises it can affect are graded: a wrong
variant's own exercise (it must lose points there, with its expected diagnosis); a correct
variant's exercise and the exercises that call it (full marks); a cross-exercise case's
outer exercise (full marks, naming the wrong callee) and the wrong callees (points lost).
The functions an exercise calls are graded with it, as in a real grading, where a caller's
verdict leans on whether its callees passed their own checks (a wrong model over correct
optimize and sample is the model's mistake, judged without re-running the loop around the
learner's callees, which would cost far more than grading the callees).

Every graded function of every assignment also gets two hostile stand-ins written here, so an
instructor's new assignment is checked without listing them in its catalog: one returns an odd
value on each call, in turn (None, a ragged list, a dict, a NaN matrix, an object that cannot
cross the boundary, a list nested 500 deep, a string, a huge int, an array of strings, a tuple
holding None), one raises an error whose text is rich markup and HTML. Each must be graded,
cost its exercise points with feedback (the error's text shown literally), leave the functions
it calls their points, and never be an internal grader error: what a learner returns is the
learner's business, whatever it is.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from autograde.assignment import Assignment
from autograde.catalog import Variant, load_catalog
from autograde.engine import Job
from autograde.results import NotebookResult, Status


@dataclass
class Report:
    assignment: str
    entries: list[tuple[bool, str]] = field(default_factory=list)
    results: dict[str, NotebookResult] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(good for good, _ in self.entries)

    @property
    def lines(self) -> list[str]:
        return [("ok   " if good else "FAIL ") + line for good, line in self.entries]

    def bad(self, line: str) -> None:
        self.entries.append((False, line))

    def good(self, line: str) -> None:
        self.entries.append((True, line))

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "ok": self.ok,
                "entries": [{"ok": good, "line": line} for good, line in self.entries],
                "results": {name: r.to_dict() for name, r in self.results.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        return cls(data["assignment"], [(bool(e["ok"]), str(e["line"])) for e in data["entries"]],
                   {name: NotebookResult.from_dict(r) for name, r in data["results"].items()})


# ------------------------------------------------------------------ generic hostile stand-ins

ODD_VALUES = '''
import numpy as np
_odd_calls = [0]
def _odd():
    x = []
    for _ in range(500):
        x = [x]
    return [None, [[1.0], [1.0, 2.0], "x", None], {"a": "b", "c": ["d"]}, np.full((3, 3), np.nan), object(), x,
            "a string", 10**30, np.array(["s", "t"]), (np.zeros(2), None)]
def {name}(*args, **kwargs):
    _odd_calls[0] += 1
    values = _odd()
    return values[_odd_calls[0] % len(values)]
'''
MARKUP_TEXT = "[bold red]owned[/] <script>alert(1)</script>"
MARKUP = f"def {{name}}(*args, **kwargs):\n    raise ValueError({MARKUP_TEXT!r})\n"


def graded_functions(assignment: Assignment) -> list[str]:
    """The exercises whose solution cell defines the function of that name (not those that
    define a model's layers or a global), in notebook order."""
    source = assignment.source_notebook()
    cells = {c.grade_id: c.source for c in source.cells}
    return [e for e in assignment.exercises
            if f"{e}_code" in source.solution_ids and f"def {e}(" in cells.get(f"{e}_code", "")]


def hostile_variants(assignment: Assignment) -> list[Variant]:
    """Odd values for every graded function, an error in markup for the first."""
    functions = graded_functions(assignment)
    out = [Variant(f, "odd_values", ODD_VALUES.replace("{name}", f), "returns odd values") for f in functions]
    if functions:
        out.append(Variant(functions[0], "raises_markup", MARKUP.replace("{name}", functions[0]),
                           "raises an error whose text is markup"))
    return out


def variant_notebook(source: Path, variant: Variant, out: Path, kind: str = "") -> Path:
    """The solution notebook with the variant's solution cell(s) replaced."""
    nb = nbformat.read(str(source), as_version=4)
    for exercise, code in {variant.exercise: variant.code, **variant.others}.items():
        target = f"{exercise}_code"
        cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == target]
        if len(cells) != 1:
            raise ValueError(f"{source.name} has no single cell with grade_id {target!r}")
        cells[0].source = code
    path = out / f"{kind}{variant.exercise}__{variant.name}.ipynb"
    nbformat.write(nb, str(path))
    return path


@dataclass
class _Case:
    assignment: Assignment
    kind: str  # solution | release | wrong | correct | cross | hostile
    path: Path
    variant: Variant | None
    exercises: tuple[str, ...] | None

    @property
    def label(self) -> str:
        what = f"{self.variant.exercise} / {self.variant.name}" if self.variant else self.path.name
        return f"{self.assignment.id}: {self.kind} {what}"


def _cases(assignment: Assignment, out: Path) -> list[_Case]:
    catalog = load_catalog(assignment.catalog_path)
    settings = assignment.settings
    cases = [_Case(assignment, "solution", assignment.source_path, None, None),
             _Case(assignment, "release", assignment.release_path, None, None)]
    def with_callees(exercise: str, *more: str) -> tuple[str, ...]:
        """An exercise with everything it calls, as in a real grading, where its verdict can lean on
        which of its callees passed their own checks."""
        return tuple(dict.fromkeys((exercise, *settings.calls.get(exercise, ()), *more)))

    for v in catalog.wrong:
        cases.append(_Case(assignment, "wrong", variant_notebook(assignment.source_path, v, out, "wrong-"), v,
                           with_callees(v.exercise)))
    for v in catalog.correct:
        scope = (v.exercise, *sorted(settings.callers_of(v.exercise)))
        cases.append(_Case(assignment, "correct", variant_notebook(assignment.source_path, v, out, "correct-"), v,
                           scope))
    for v in catalog.cross:
        cases.append(_Case(assignment, "cross", variant_notebook(assignment.source_path, v, out, "cross-"), v,
                           with_callees(v.exercise, *v.others)))
    for v in hostile_variants(assignment):
        cases.append(_Case(assignment, "hostile", variant_notebook(assignment.source_path, v, out, "hostile-"), v,
                           with_callees(v.exercise)))
    return cases


def _blames(feedback: list[str], callee: str) -> bool:
    """Whether an exercise's feedback holds the learner's ``callee`` responsible."""
    return any(f"your {callee}" in line for line in feedback)


def _judge(case: _Case, res: NotebookResult, report: Report) -> None:
    label, variant = case.label, case.variant
    report.results[label] = res
    if res.internal_errors:
        report.bad(f"{label}: internal grader errors: {res.internal_errors[:3]}")
    if res.status is not Status.GRADED:
        report.bad(f"{label}: not graded ({res.message})")
        return
    if case.kind in ("solution", "correct"):
        lost = {k: e.feedback for k, e in res.exercises.items() if e.score < e.max_score}
        if lost:
            report.bad(f"{label}: expected full marks, lost points on {lost}")
        else:
            report.good(f"{label}: full marks ({res.score:g}/{res.max_score:g})")
    elif case.kind == "release":
        if res.score != 0:
            report.bad(f"{label}: the untouched release earned {res.score:g} points")
        else:
            report.good(f"{label}: graded, 0/{res.max_score:g}")
    elif case.kind == "wrong":
        ex = res.exercises.get(variant.exercise)
        # the functions it calls are the solution's: they keep their points and are not blamed
        charged = [c for c in case.exercises if c != variant.exercise
                   and (c not in res.exercises or res.exercises[c].score < res.exercises[c].max_score
                        or (ex is not None and _blames(ex.feedback, c)))]
        if ex is None or ex.score >= ex.max_score:
            report.bad(f"{label}: a wrong implementation kept full marks on {variant.exercise} ({variant.why})")
        elif charged:
            report.bad(f"{label}: the mistake in {variant.exercise} cost or blamed {charged}, which are right "
                       f"({ex.feedback})")
        elif variant.diagnosis and variant.diagnosis not in ex.diagnoses:
            report.bad(f"{label}: lost points but the diagnosis {variant.diagnosis!r} was not reported "
                       f"(got {ex.diagnoses})")
        else:
            report.good(f"{label}: {ex.score:g}/{ex.max_score:g} on {variant.exercise}"
                        + (f", diagnosed {variant.diagnosis}" if variant.diagnosis else ""))
    elif case.kind == "hostile":
        ex = res.exercises.get(variant.exercise)
        charged = [c for c in case.exercises if c != variant.exercise
                   and (c not in res.exercises or res.exercises[c].score < res.exercises[c].max_score)]
        problems = []
        if ex is None or ex.score >= ex.max_score:
            problems.append("kept full marks")
        elif not ex.feedback:
            problems.append("lost points without feedback")
        else:
            if any("internal grader error" in line for line in ex.feedback):
                problems.append(f"was answered with an internal grader error ({ex.feedback})")
            if any(len(line) >= 2500 for line in ex.feedback):
                problems.append("got a feedback line of 2,500 characters or more")
            if variant.name == "raises_markup" and not any(MARKUP_TEXT in line for line in ex.feedback):
                problems.append(f"its error text is not shown literally ({ex.feedback})")
        if charged:
            problems.append(f"cost points on {charged}, which are right")
        if problems:
            report.bad(f"{label}: " + "; ".join(problems))
        else:
            report.good(f"{label}: {ex.score:g}/{ex.max_score:g}, graded, no internal error")
    else:  # cross
        outer = res.exercises.get(variant.exercise)
        problems = []
        if outer is None or outer.score < outer.max_score:
            problems.append(f"{variant.exercise} lost points ({outer.feedback if outer else 'not graded'})")
        elif not any(callee in line for callee in variant.others for line in outer.feedback):
            problems.append(f"{variant.exercise}'s feedback does not name the wrong callee ({outer.feedback})")
        for callee in sorted(set(case.exercises) - {variant.exercise, *variant.others}):
            if outer is not None and _blames(outer.feedback, callee):
                problems.append(f"{variant.exercise}'s feedback blames {callee}, which is right ({outer.feedback})")
        for callee in variant.others:
            inner = res.exercises.get(callee)
            if inner is None or inner.score >= inner.max_score:
                problems.append(f"the wrong {callee} kept full marks")
        if problems:
            report.bad(f"{label}: " + "; ".join(problems))
        else:
            report.good(f"{label}: {variant.exercise} keeps {outer.score:g}/{outer.max_score:g} and names "
                        f"{', '.join(variant.others)}")


def validate_all(assignments: list[Assignment], workers: int, run: Callable,
                 check_release: bool = True) -> dict[str, Report]:
    """Validate several assignments in one batch; one report per assignment."""
    reports = {a.id: Report(a.id) for a in assignments}
    if check_release:
        from autograde import release

        for a in assignments:
            problems = release.differences(a) + release.hygiene(a.release_dir)
            for p in problems:
                reports[a.id].bad(f"{a.id}: release: {p}")
            if not problems:
                reports[a.id].good(f"{a.id}: release/ is what source/ generates and leaks no solution")
    with tempfile.TemporaryDirectory(prefix="autograde-validate-") as tmp:
        cases: list[_Case] = []
        for a in assignments:
            out = Path(tmp) / a.id
            out.mkdir()
            cases += _cases(a, out)
        jobs = [Job(c.assignment.id, str(c.path), None, str(c.assignment.root), c.exercises) for c in cases]
        title = "validating " + (assignments[0].id if len(assignments) == 1 else f"{len(assignments)} assignments")
        results = run(jobs, workers, title)
    for case, res in zip(cases, results):
        _judge(case, res, reports[case.assignment.id])
    return reports


def validate(assignment: Assignment, workers: int, run: Callable, check_release: bool = True) -> Report:
    return validate_all([assignment], workers, run, check_release)[assignment.id]
