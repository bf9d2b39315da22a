"""Where an assignment's pieces live, and its grading settings.

The repository root is the nbgrader course root (see nbgrader_config.py): source/ and
release/ hold the notebooks, graders/<assignment>/ the hidden tests and settings.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograde.sandbox import Limits, SandboxSpec
from autograde.submission import SourceNotebook


def repo_root() -> Path:
    env = os.environ.get("AUTOGRADE_COURSE")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "graders").is_dir():
        return here
    return Path.cwd().resolve()


class UnknownAssignment(Exception):
    pass


@dataclass(frozen=True)
class Assignment:
    """One assignment: its notebooks, helpers, graders and grading settings."""

    id: str
    root: Path
    cell_timeout: float
    call_timeout: float
    limits: Limits
    preimport: tuple[str, ...]

    @property
    def source_dir(self) -> Path:
        return self.root / "source" / self.id

    @property
    def release_dir(self) -> Path:
        return self.root / "release" / self.id

    @property
    def graders_dir(self) -> Path:
        return self.root / "graders" / self.id

    @property
    def notebook_name(self) -> str:
        notebooks = sorted(p.name for p in self.source_dir.glob("*.ipynb"))
        if len(notebooks) != 1:
            raise UnknownAssignment(f"{self.source_dir} must hold exactly one notebook, found {len(notebooks)}")
        return notebooks[0]

    def source_notebook(self) -> SourceNotebook:
        return SourceNotebook.load(self.source_dir / self.notebook_name)

    def sandbox_spec(self) -> SandboxSpec:
        # learners see the released helpers (never the source notebook with its solutions)
        if not self.release_dir.is_dir():
            raise UnknownAssignment(f"{self.release_dir} does not exist: run `autograde release {self.id}` first")
        return SandboxSpec(course_dir=self.release_dir, data_dir=self.root / "datasets", limits=self.limits,
                           preimport=self.preimport)


def load_assignment(assignment_id: str, root: Path | None = None) -> Assignment:
    root = root or repo_root()
    graders = root / "graders" / assignment_id
    if not assignment_id or "/" in assignment_id or not graders.is_dir() or not (root / "source" / assignment_id).is_dir():
        known = ", ".join(list_assignments(root)) or "none"
        raise UnknownAssignment(f"unknown assignment {assignment_id!r} (known: {known})")
    settings = {}
    if (graders / "assignment.toml").exists():
        settings = tomllib.loads((graders / "assignment.toml").read_text())
    limits = Limits(**settings.get("limits", {}))
    return Assignment(assignment_id, root, float(settings.get("cell_timeout", 60)),
                      float(settings.get("call_timeout", 30)), limits,
                      tuple(settings.get("preimport", ["numpy"])))


def list_assignments(root: Path | None = None) -> list[str]:
    root = root or repo_root()
    return sorted(p.name for p in (root / "graders").iterdir()
                  if p.is_dir() and (root / "source" / p.name).is_dir()) if (root / "graders").is_dir() else []
