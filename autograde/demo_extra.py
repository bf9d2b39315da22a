"""What `make demo` adds for instructors: two learners whose work the similarity analysis
should flag (one writes distinctive correct implementations, the other hands in a disguised
copy of that notebook), the class report of every assignment, and where to look.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograde.catalog import load_catalog
from autograde.similarity import disguise
from autograde.validate import variant_notebook

ORIGINAL, COPIER = "ivy", "jon"


def add_copies(assignment, scratch: Path, put) -> list[str]:
    """Submit ORIGINAL (the solution with the two longest correct alternatives of different
    exercises) and COPIER (ORIGINAL's notebook with every solution cell renamed, re-laid out and
    re-commented). ``put(student, path)`` places a notebook; returns the lines for the demo."""
    chosen, seen = [], set()
    for v in sorted(load_catalog(assignment.catalog_path).correct, key=lambda v: (-len(v.code), v.name)):
        if v.exercise not in seen and not v.others:
            chosen.append(v)
            seen.add(v.exercise)
        if len(chosen) == 2:
            break
    if not chosen:
        return []
    path = assignment.source_path
    for v in chosen:
        path = variant_notebook(path, v, scratch, f"{ORIGINAL}-")
    put(ORIGINAL, path)
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = disguise(cell.source, seed=i)
    copy = scratch / f"{COPIER}.ipynb"
    nbformat.write(nb, str(copy))
    put(COPIER, copy)
    return [f"{ORIGINAL}: correct alternatives ({', '.join(v.name for v in chosen)})",
            f"{COPIER}: a disguised copy of {ORIGINAL}'s notebook"]


def reports(assignment_ids: list[str], course: Path) -> list[str]:
    """Write the class report of every assignment; the lines that say where they are."""
    from autograde import report
    from autograde.assignment import load_assignment

    lines = []
    for aid in assignment_ids:
        assignment = load_assignment(aid, course)
        try:
            path = report.build(assignment, course)
        except Exception as exc:  # the demo goes on; the message says what is wrong
            lines.append(f"  class report of {aid}: FAILED ({type(exc).__name__}: {exc})")
            continue
        lines.append(f"  class report of {aid}: {path}")
    return lines


def feedback_example(assignment, course: Path) -> Path | None:
    """The feedback page of the first demo learner with a recognised mistake (else any)."""
    stem = Path(assignment.notebook_name).stem
    for student in list(assignment.settings.demo.picks) + ["ben", "ada"]:
        page = course / "feedback" / student / assignment.id / f"{stem}.html"
        if page.is_file():
            return page
    return None
