"""Catalogs of known implementations used to test the graders themselves.

Each assignment has a module ``tests/catalog/<assignment>.py`` defining ``WRONG`` and
``CORRECT``: lists of :class:`Variant`. A variant replaces the learner's solution cell of
one exercise (the cell whose nbgrader grade_id is ``<exercise>_code``) with ``code``.
A wrong variant must lose points on ``exercise``; a correct one must get full marks on
every exercise. ``diagnosis``, when set, is a diagnosis id the grader must report for it.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Variant:
    exercise: str
    name: str
    code: str
    why: str = ""
    diagnosis: str | None = None


def load_catalog(repo: Path, assignment: str) -> tuple[list[Variant], list[Variant]]:
    """Return (wrong, correct) for an assignment; empty lists when it has no catalog."""
    path = repo / "tests" / "catalog" / f"{assignment}.py"
    if not path.exists():
        return [], []
    spec = importlib.util.spec_from_file_location(f"catalog_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return list(module.WRONG), list(module.CORRECT)
