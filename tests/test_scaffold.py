"""Adding an assignment needs no engine or test change: `autograde new` scaffolds one into a
copy of the course, `autograde release` generates it, and the generic checks pass on it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import ROOT
from test_assignments import check_catalog, check_notebook, check_release, check_settings, check_validation

from autograde.assignment import discover
from autograde.engine import grade_batch
from autograde.validate import validate_all

NEW = "w9_dense_tanh"


def test_scaffolded_assignment_passes_the_generic_checks(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for name in ("source", "graders", "release"):
        shutil.copytree(ROOT / name, course / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    (course / "tests").mkdir()
    shutil.copytree(ROOT / "tests" / "catalog", course / "tests" / "catalog",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (course / "datasets").symlink_to(ROOT / "datasets")
    (course / "autograde").symlink_to(ROOT / "autograde")  # source/<id>/checkkit.py links point here
    env = {**os.environ, "AUTOGRADE_COURSE": str(course)}
    before = discover(course)

    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "autograde.cli", *args], env=env, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        return proc

    cli("new", NEW, "--course-dir", str(course))
    assert discover(course) == sorted(before + [NEW])
    cli("release", NEW)
    assignment = check_settings(course, NEW)
    check_notebook(assignment)
    check_catalog(assignment)
    check_release(assignment)
    report = validate_all([assignment], workers=1, run=lambda jobs, workers, title: grade_batch(jobs, workers),
                          check_release=False)[NEW]
    check_validation(report, assignment)
    # a second `new` with the same id writes nothing and says why
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "new", NEW, "--course-dir", str(course)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "already exists" in proc.stderr and "Traceback" not in proc.stderr
