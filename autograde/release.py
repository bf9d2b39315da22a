"""Generating learner releases with nbgrader, and checking them.

`nbgrader generate_assignment` runs in a scratch copy of the course (its own SQLite
gradebook), so generating or checking a release never touches the real gradebook; the
result replaces release/<assignment>/ or is compared with it file by file.

A learner's work is never overwritten: a release notebook is replaced only if it is what
git has committed or what the last generation wrote (its sha256 is kept in
build/release-stamps/); anything else (someone edited the notebook in release/) makes
generation refuse unless forced. Editor and cache artefacts (.ipynb_checkpoints/,
__pycache__/, ...) are ignored by every comparison and check.
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograde.assignment import Assignment
from autograde.errors import ReleaseError

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
ARTEFACT_DIRS = {".ipynb_checkpoints", "__pycache__", ".virtual_documents", ".pytest_cache"}
ARTEFACT_SUFFIXES = (".pyc", "~", ".swp")
ARTEFACT_NAMES = {".DS_Store", "Thumbs.db"}


def is_artefact(path: Path, base: Path) -> bool:
    rel = path.relative_to(base)
    return (bool(ARTEFACT_DIRS & set(rel.parts)) or path.name in ARTEFACT_NAMES
            or path.name.endswith(ARTEFACT_SUFFIXES))


def git_ignored(paths: list[Path], cwd: Path) -> set[Path]:
    """Which of ``paths`` git ignores (outputs a notebook run leaves in source/, say); none outside a checkout."""
    if not paths:
        return set()
    try:
        proc = subprocess.run(["git", "check-ignore", "--stdin", "-z"], cwd=cwd, capture_output=True, timeout=60,
                              input=b"\0".join(str(p).encode() for p in paths))
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if proc.returncode not in (0, 1):
        return set()
    return {Path(p.decode()) for p in proc.stdout.split(b"\0") if p}


def release_files(directory: Path) -> set[Path]:
    """Files of a release, relative to it, without editor and cache artefacts or files git ignores."""
    files = [p for p in directory.rglob("*") if p.is_file() and not is_artefact(p, directory)]
    ignored = git_ignored(files, directory)
    return {p.relative_to(directory) for p in files if p not in ignored}


def _stamp_path(assignment: Assignment) -> Path:
    return assignment.root / "build" / "release-stamps" / f"{assignment.id}.json"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _committed(assignment: Assignment, rel: Path) -> bytes | None:
    """The release file as git's HEAD has it (None outside a checkout or when not committed)."""
    path = (assignment.release_dir / rel).relative_to(assignment.root)
    try:
        proc = subprocess.run(["git", "show", f"HEAD:{path.as_posix()}"], cwd=assignment.root,
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def edited_notebooks(assignment: Assignment) -> list[Path]:
    """Release notebooks whose content neither git's HEAD nor the last generation explains."""
    if not assignment.release_dir.is_dir():
        return []
    stamps = {}
    if _stamp_path(assignment).exists():
        stamps = json.loads(_stamp_path(assignment).read_text())
    out = []
    for rel in sorted(release_files(assignment.release_dir)):
        if rel.suffix != ".ipynb":
            continue
        path = assignment.release_dir / rel
        if stamps.get(str(rel)) == _sha(path):
            continue
        committed = _committed(assignment, rel)
        if committed is not None and committed == path.read_bytes():
            continue
        out.append(path)
    return out


def generate(assignment: Assignment, out_dir: Path, force: bool = False) -> None:
    """Run nbgrader's generator on the assignment's source; write the release to out_dir."""
    if out_dir == assignment.release_dir and not force:
        edited = edited_notebooks(assignment)
        if edited:
            names = ", ".join(str(p.relative_to(assignment.root)) for p in edited)
            raise ReleaseError(f"{names} has changes that neither git nor the last `autograde release` made (a "
                               "learner's work?). Learners work in a copy: `autograde fetch "
                               f"{assignment.id}`. Move the file away, or pass --force to replace it.")
    # nbgrader runs the `alembic` script of its own environment when it opens a gradebook
    bindir = os.path.dirname(os.path.abspath(sys.executable))
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="autograde-release-") as tmp:
        root = Path(tmp)
        keep = release_files(assignment.source_dir)
        for rel in sorted(keep):
            (root / "source" / assignment.id / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(assignment.source_dir / rel, root / "source" / assignment.id / rel)
        config = Config()
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
        config.CourseDirectory.course_id = "sequence-models"
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        outcome = api.generate_assignment(assignment.id, force=True)
        if not outcome.get("success"):
            raise ReleaseError(f"nbgrader could not generate {assignment.id}: "
                               f"{outcome.get('error') or outcome.get('log')}")
        fresh = root / "release" / assignment.id
        problems = hygiene(fresh)
        if problems:
            raise ReleaseError("; ".join(problems))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(fresh, out_dir)
    if out_dir == assignment.release_dir:
        stamp = _stamp_path(assignment)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({str(rel): _sha(out_dir / rel) for rel in sorted(release_files(out_dir))},
                                    indent=1))


def hygiene(release_dir: Path) -> list[str]:
    """Leaks of solutions or hidden tests, and outputs left in release notebooks."""
    import nbformat

    problems = []
    for rel in sorted(release_files(release_dir)):
        path = release_dir / rel
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
        fresh_files = release_files(fresh)
        committed_files = release_files(committed)
        out = [f"missing from release/: {p}" for p in sorted(fresh_files - committed_files)]
        out += [f"not generated from source/: {p}" for p in sorted(committed_files - fresh_files)]
        out += [f"differs from what source/ generates: {p}" for p in sorted(fresh_files & committed_files)
                if not filecmp.cmp(fresh / p, committed / p, shallow=False)]
        return out
