"""The generic checks every assignment must pass, run for every assignment found in the course.

Adding an assignment (`autograde new`, then files inside source/<id>/, graders/<id>/ and
tests/catalog/<id>.py) needs no change here: the checks discover it. The check functions
take a course root and an assignment id, so test_scaffold.py runs them on a course of its own.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from autograde.assignment import Assignment, discover, load_assignment
from autograde.catalog import load_catalog

ASSIGNMENTS = discover(ROOT)


# ------------------------------------------------------------------ the checks (reusable)

def check_settings(root: Path, aid: str) -> Assignment:
    """The settings file parses into the typed record (unknown keys or wrong types would raise)."""
    assignment = load_assignment(aid, root)
    s = assignment.settings
    assert s.cell_timeout > 0 and s.call_timeout > 0 and s.submission_timeout >= s.call_timeout
    for caller, callees in s.calls.items():
        assert caller in assignment.exercises and set(callees) <= set(assignment.exercises), (caller, callees)
    for name in s.data:
        assert (root / "datasets" / name).is_dir(), f"settings name a data folder datasets/{name} that does not exist"
    for path in assignment.reference_dirs:
        assert (path / "manifest.json").exists(), f"{path} has no manifest.json"
    assert (assignment.graders_dir / "__init__.py").exists(), "graders/<id>/ must be a package"
    missing = set(assignment.exercises) - set(s.feedback.checked)
    assert not missing, f"[feedback.checked] needs a sentence for learners about {sorted(missing)}"
    return assignment


def check_notebook(assignment: Assignment) -> None:
    """One notebook without outputs; every solution cell is followed by its locked autograder cell;
    the exercises' points total 100."""
    nb = json.loads(assignment.source_path.read_text())
    assert not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    src = assignment.source_notebook()
    ids = [c.grade_id for c in src.cells]
    for cell in src.cells:
        if cell.solution and cell.cell_type == "code":
            name = cell.grade_id.removesuffix("_code")
            follower = src.cells[ids.index(cell.grade_id) + 1]
            assert follower.grade and follower.grade_id == name and follower.points > 0, cell.grade_id
    assert sum(src.exercises.values()) == 100
    assert (assignment.source_dir / "public_tests.py").exists()


def check_catalog(assignment: Assignment) -> None:
    """Big enough, covering every exercise both ways, each variant named once, diagnoses spread."""
    catalog = load_catalog(assignment.catalog_path)
    rules = assignment.settings.catalog
    exercises = set(assignment.exercises)
    assert len(catalog.wrong) >= rules.min_wrong and len(catalog.correct) >= rules.min_correct
    assert {v.exercise for v in catalog.wrong} == exercises, "every exercise needs wrong variants"
    assert {v.exercise for v in catalog.correct} == exercises, "every exercise needs correct variants"
    variants = catalog.wrong + catalog.correct + catalog.cross
    assert len({(v.exercise, v.name) for v in variants}) == len(variants)
    assert len({v.diagnosis for v in catalog.wrong if v.diagnosis}) >= rules.min_diagnoses
    for v in catalog.cross:  # the wrong functions are ones the outer exercise reaches (directly or further down)
        reached = {e for e in exercises if v.exercise in assignment.settings.callers_of(e)}
        assert v.others and set(v.others) <= reached, v.name


def check_release(assignment: Assignment) -> None:
    from autograde import release

    assert release.differences(assignment) == []
    assert release.hygiene(assignment.release_dir) == []


def check_references(assignment: Assignment, reports: dict | None = None) -> None:
    """Every reference model the assignment names verifies (``reports``: verify()'s of this course,
    whole held-out sets; else a 200-item sample is verified here)."""
    from autograde.references import verify

    if not assignment.settings.references:
        return
    if reports is None:
        reports = {r.assignment: r for r in verify(assignment.root, sample=200, names=assignment.settings.references)}
    for name in assignment.settings.references:
        assert name in reports and reports[name].ok, reports.get(name)


def check_validation(report, assignment: Assignment) -> None:
    """Solution 100 %, release 0 and graded, every variant judged right, feedback short and dump-free."""
    assert report.ok, "\n".join(line for line in report.lines if line.startswith("FAIL"))
    solution = report.results[f"{assignment.id}: solution {assignment.notebook_name}"]
    assert solution.score == solution.max_score > 0
    released = report.results[f"{assignment.id}: release {assignment.notebook_name}"]
    assert released.score == 0 and released.status.value == "graded"
    for res in report.results.values():
        for ex in res.exercises.values():
            for line in ex.feedback:
                assert "array(" not in line and len(line) < 2500, line


# ------------------------------------------------------------------ run for every assignment

def test_assignments_are_found():
    assert len(ASSIGNMENTS) >= 3


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_settings(aid):
    check_settings(ROOT, aid)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_notebook(aid):
    check_notebook(load_assignment(aid, ROOT))


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_catalog(aid):
    check_catalog(load_assignment(aid, ROOT))


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_is_what_source_generates(aid):
    check_release(load_assignment(aid, ROOT))


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_references(aid, reference_reports):
    check_references(load_assignment(aid, ROOT), reference_reports)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_validation(aid, validation_reports):
    check_validation(validation_reports[aid], load_assignment(aid, ROOT))
