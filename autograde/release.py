"""Generating learner releases with nbgrader, and checking them.

`nbgrader generate_assignment` runs in a scratch copy of the course (its own SQLite
gradebook), so generating or checking a release never touches the real gradebook; the
result replaces release/<assignment>/ or is compared with it file by file.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograde.course import Assignment

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


class ReleaseError(Exception):
    pass


def generate(assignment: Assignment, out_dir: Path) -> None:
    """Run nbgrader's generator on the assignment's source; write the release to out_dir."""
    # nbgrader runs the `alembic` script of its own environment when it opens a gradebook
    bindir = os.path.dirname(os.path.abspath(sys.executable))
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="autograde-release-") as tmp:
        root = Path(tmp)
        shutil.copytree(assignment.source_dir, root / "source" / assignment.id,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))
        config = Config()
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
        config.CourseDirectory.course_id = "sequence-models"
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        outcome = api.generate_assignment(assignment.id, force=True)
        if not outcome.get("success"):
            raise ReleaseError(f"nbgrader could not generate {assignment.id}: {outcome.get('error') or outcome.get('log')}")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(root / "release" / assignment.id, out_dir)
    problems = hygiene(out_dir)
    if problems:
        raise ReleaseError("; ".join(problems))


def hygiene(release_dir: Path) -> list[str]:
    """Leaks of solutions or hidden tests, and outputs left in release notebooks."""
    import nbformat

    problems = []
    for path in sorted(release_dir.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for marker in LEAK_MARKERS:
            if marker in text:
                problems.append(f"{path}: contains {marker!r}")
        if path.suffix == ".ipynb":
            nb = nbformat.read(str(path), as_version=4)
            if any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
                problems.append(f"{path}: has outputs")
    return problems


def differences(assignment: Assignment) -> list[str]:
    """Files where the committed release differs from what the source generates now."""
    with tempfile.TemporaryDirectory(prefix="autograde-check-") as tmp:
        fresh = Path(tmp) / assignment.id
        generate(assignment, fresh)
        committed = assignment.release_dir
        if not committed.is_dir():
            return [f"{committed} is missing"]
        fresh_files = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
        committed_files = {p.relative_to(committed) for p in committed.rglob("*")
                           if p.is_file() and "__pycache__" not in p.parts}
        out = [f"missing from release/: {p}" for p in sorted(fresh_files - committed_files)]
        out += [f"not generated from source/: {p}" for p in sorted(committed_files - fresh_files)]
        out += [f"differs from what source/ generates: {p}" for p in sorted(fresh_files & committed_files)
                if not filecmp.cmp(fresh / p, committed / p, shallow=False)]
        return out
