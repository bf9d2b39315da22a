"""Catalogs of known implementations used to test the graders themselves.

Each assignment has a module ``tests/catalog/<assignment>.py`` defining ``WRONG`` and
``CORRECT`` (and optionally ``CROSS``): lists of :class:`Variant`. A variant replaces the
learner's solution cell of one exercise (the cell whose nbgrader grade_id is
``<exercise>_code``) with ``code``, and, for cross-exercise cases, the cells named in
``others`` (exercise -> code) too.

- WRONG: must lose points on ``exercise``; ``diagnosis``, when set, is a diagnosis id the
  grader must report for it.
- CORRECT: must get full marks on ``exercise`` and on every exercise that calls it.
- CROSS: ``others`` makes a function that ``exercise`` calls wrong; ``exercise`` itself is
  right and must keep full marks, name the wrong callee in its feedback, while each callee
  in ``others`` loses points on its own exercise. (A mistake costs points once.)
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class Variant:
    exercise: str
    name: str
    code: str
    why: str = ""
    diagnosis: str | None = None
    others: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    wrong: list[Variant]
    correct: list[Variant]
    cross: list[Variant]


def load_catalog(path: Path) -> Catalog:
    """The catalog in ``path`` (empty when the file does not exist)."""
    if not path.exists():
        return Catalog([], [], [])
    spec = importlib.util.spec_from_file_location(f"catalog_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return Catalog(list(getattr(module, "WRONG", [])), list(getattr(module, "CORRECT", [])),
                   list(getattr(module, "CROSS", [])))
