"""Result records of a grading run, and their JSON form (the `--json` output)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


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
    status: str  # "graded" | "failed"
    message: str = ""
    score: float = 0.0
    max_score: float = 0.0
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    student: str | None = None
    seconds: float = 0.0
    sandbox: str = ""
    internal_errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NotebookResult":
        data = dict(data)
        data["exercises"] = {k: ExerciseResult(**v) for k, v in data.get("exercises", {}).items()}
        return cls(**data)


def write_json(results: list[NotebookResult], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"results": [r.to_dict() for r in results]}, indent=2) + "\n")
