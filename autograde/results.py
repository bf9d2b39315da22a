"""Result records of a grading run, and their JSON form (the `--json` output).

Scores keep full precision here and in JSON; people read them rounded (:func:`points`).
"""
from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


class Status(str, enum.Enum):
    GRADED = "graded"  # the notebook was read and every exercise has a score (maybe 0)
    FAILED = "failed"  # the file itself could not be read as a notebook (or grading it failed internally)


def points(value: float) -> str:
    """A score as people read it: at most 2 decimals, no trailing zeros."""
    return f"{round(value, 2):g}" if abs(value) < 1e6 else f"{value:.0f}"


@dataclass
class ExerciseResult:
    score: float
    max_score: float
    feedback: list[str] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)


@dataclass
class NotebookResult:
    notebook: str
    assignment: str
    status: Status
    message: str = ""
    score: float = 0.0
    max_score: float = 0.0
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    student: str | None = None
    seconds: float = 0.0
    sandbox: str = ""
    internal_errors: list[str] = field(default_factory=list)
    submission_sha256: str = ""     # of the notebook's bytes: with grader_version, what makes a result reusable
    grader_version: str = ""
    inside_seconds: float = 0.0     # the learner process's own time in learner code (benchmarks only)
    partial: bool = False           # only some exercises were graded (validation of one catalog variant)

    @classmethod
    def failed(cls, notebook: str, assignment: str, message: str, student: str | None = None,
               max_score: float = 0.0, **extra) -> "NotebookResult":
        """The one way to build the result of a notebook that could not be graded."""
        return cls(notebook, assignment, Status.FAILED, message=message, student=student, max_score=max_score,
                   **extra)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "NotebookResult":
        data = dict(data)
        data["exercises"] = {k: ExerciseResult(**v) for k, v in data.get("exercises", {}).items()}
        data["status"] = Status(data["status"])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def write_json(results: list[NotebookResult], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"results": [r.to_dict() for r in results]}, indent=2) + "\n")
