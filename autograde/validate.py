"""`autograde validate`: the evidence that an assignment and its graders are sound.

One batch grades: the solution notebook (must earn full marks), the untouched release
notebook (must be graded, with 0 points), and one notebook per catalog variant (a wrong
one must lose points on its exercise and report its expected diagnosis; a correct one must
earn full marks everywhere).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from autograde.catalog import Variant, load_catalog
from autograde.course import Assignment
from autograde.engine import Job
from autograde.results import NotebookResult


@dataclass
class Report:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    results: dict[str, NotebookResult] = field(default_factory=dict)

    def bad(self, line: str) -> None:
        self.ok = False
        self.lines.append(f"[red]FAIL[/] {line}")

    def good(self, line: str) -> None:
        self.lines.append(f"[green]ok[/]   {line}")


def variant_notebook(source: Path, variant: Variant, out: Path) -> Path:
    """The solution notebook with one exercise's solution cell replaced by the variant's code."""
    nb = nbformat.read(str(source), as_version=4)
    target = f"{variant.exercise}_code"
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == target]
    if len(cells) != 1:
        raise ValueError(f"{source.name} has no single cell with grade_id {target!r}")
    cells[0].source = variant.code
    path = out / f"{variant.exercise}__{variant.name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def validate(assignment: Assignment, workers: int, run: Callable, check_release: bool = True) -> Report:
    report = Report()
    aid = assignment.id
    if check_release:
        from autograde import release

        problems = release.differences(assignment) + release.hygiene(assignment.release_dir)
        for p in problems:
            report.bad(f"{aid}: release: {p}")
        if not problems:
            report.good(f"{aid}: release/ is what source/ generates and leaks no solution")
    wrong, correct = load_catalog(assignment.root, aid)
    source = assignment.source_dir / assignment.notebook_name
    with tempfile.TemporaryDirectory(prefix="autograde-validate-") as tmp:
        out = Path(tmp)
        named: list[tuple[str, Path, Variant | None]] = [("solution", source, None),
                                                         ("release", assignment.release_dir / assignment.notebook_name, None)]
        named += [("wrong", variant_notebook(source, v, out), v) for v in wrong]
        named += [("correct", variant_notebook(source, v, out), v) for v in correct]
        jobs = [Job(aid, str(p), None, str(assignment.root)) for _, p, _ in named]
        results = run(jobs, workers, f"validating {aid}")
    for (kind, path, variant), res in zip(named, results):
        label = f"{aid}: {kind} {variant.exercise + ' / ' + variant.name if variant else path.name}"
        report.results[label] = res
        if res.internal_errors:
            report.bad(f"{label}: internal grader errors: {res.internal_errors[:3]}")
        if res.status != "graded":
            report.bad(f"{label}: not graded ({res.message})")
            continue
        if kind in ("solution", "correct"):
            lost = {k: e.feedback for k, e in res.exercises.items() if e.score < e.max_score}
            if lost:
                report.bad(f"{label}: expected full marks, lost points on {lost}")
            else:
                report.good(f"{label}: full marks ({res.score:g}/{res.max_score:g})")
        elif kind == "release":
            if res.score != 0:
                report.bad(f"{label}: the untouched release earned {res.score:g} points")
            else:
                report.good(f"{label}: graded, 0/{res.max_score:g}")
        else:
            ex = res.exercises.get(variant.exercise)
            if ex is None or ex.score >= ex.max_score:
                report.bad(f"{label}: a wrong implementation kept full marks on {variant.exercise} ({variant.why})")
            elif variant.diagnosis and variant.diagnosis not in ex.diagnoses:
                report.bad(f"{label}: lost points but the diagnosis {variant.diagnosis!r} was not reported "
                           f"(got {ex.diagnoses})")
            else:
                report.good(f"{label}: {ex.score:g}/{ex.max_score:g} on {variant.exercise}"
                            + (f", diagnosed {variant.diagnosis}" if variant.diagnosis else ""))
    return report
