"""Reference models: their manifests, and the check that every shipped model is what it claims.

A reference model lives in ``graders/references/<assignment>/`` next to a ``manifest.json``
that records everything needed to trust and reproduce it: the sha256 of every file, the
framework versions and Keras backend it was trained with, the device, the seed, a hash of
the training data, the training budget and the held-out metric. ``evaluator`` names the
trusted module (under graders/) whose ``evaluate(reference_dir, sample)`` recomputes the
metric; :func:`verify` re-checks hashes, loadability and that metric.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Manifest:
    assignment: str
    files: dict[str, str]                 # file name -> sha256
    framework: dict[str, str]             # tensorflow / keras / jax versions, keras backend
    device: str                           # GPU model, or "cpu"
    seed: int
    data: dict[str, Any]                  # generator, sizes, seeds, sha256 of the training pairs
    training: dict[str, Any]              # epochs, batch size, optimizer, wall time ...
    metrics: dict[str, Any]               # name -> value, plus the held-out set it was measured on
    target: dict[str, float]              # metric name -> minimum acceptable value
    evaluator: str                        # repo-relative path of the module with evaluate()
    notes: list[str] = field(default_factory=list)
    limits: dict[str, float] = field(default_factory=dict)  # metric name -> maximum acceptable value

    def write(self, directory: Path) -> Path:
        path = directory / MANIFEST
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
        return path

    @classmethod
    def read(cls, directory: Path) -> "Manifest":
        return cls(**json.loads((directory / MANIFEST).read_text()))


def hash_files(directory: Path, names: list[str]) -> dict[str, str]:
    return {name: sha256_file(directory / name) for name in sorted(names)}


@dataclass
class VerifyReport:
    assignment: str
    ok: bool
    lines: list[str]


def _load_evaluator(root: Path, relpath: str):
    """The module that recomputes a reference's metric: graders/<id>/<module>.py, imported as
    ``<id>.<module>`` (grader packages use relative imports) with graders/ on sys.path."""
    parts = Path(relpath).with_suffix("").parts
    if len(parts) < 3 or parts[0] != "graders":
        raise ValueError(f"evaluator {relpath!r} must be a module under graders/<assignment>/")
    graders = str(root / "graders")
    if graders not in sys.path:
        sys.path.insert(0, graders)
    return importlib.import_module(".".join(parts[1:]))


def verify(root: Path, sample: int | None = None, tolerance: float = 0.002,
           names: list[str] | tuple[str, ...] | None = None) -> list[VerifyReport]:
    """Check every manifest under graders/references/.

    With ``sample=None`` the metric is recomputed on the whole recorded held-out set and must
    match the manifest within ``tolerance`` (inference order can move a borderline date);
    with a sample it is recomputed on the first ``sample`` held-out items and must meet the
    target. Every metric must meet its target either way.
    """
    reports = []
    for manifest_path in sorted((root / "graders" / "references").glob(f"*/{MANIFEST}")):
        directory = manifest_path.parent
        if names is not None and directory.name not in names:
            continue
        lines: list[str] = []
        ok = True
        try:
            manifest = Manifest.read(directory)
        except (ValueError, TypeError) as exc:
            reports.append(VerifyReport(directory.name, False, [f"unreadable manifest: {exc}"]))
            continue
        present = {p.name for p in directory.iterdir() if p.is_file() and p.name != MANIFEST}
        for name in sorted(present - set(manifest.files)):
            ok = False
            lines.append(f"{name}: not listed in the manifest")
        for name, digest in sorted(manifest.files.items()):
            if name not in present:
                ok, line = False, f"{name}: missing"
            elif sha256_file(directory / name) != digest:
                ok, line = False, f"{name}: sha256 differs from the manifest"
            else:
                line = f"{name}: sha256 ok"
            lines.append(line)
        for name, minimum in manifest.target.items():
            value = manifest.metrics.get(name)
            if not isinstance(value, (int, float)) or value < minimum:
                ok = False
                lines.append(f"recorded {name} = {value} is below the target {minimum}")
        if ok:
            try:
                measured = _load_evaluator(root, manifest.evaluator).evaluate(directory, sample)
            except Exception as exc:  # a model that does not load is exactly what we look for
                ok = False
                lines.append(f"could not load or evaluate the model: {type(exc).__name__}: {exc}")
                measured = {}
            for name, value in measured.items():
                recorded, minimum = manifest.metrics.get(name), manifest.target.get(name)
                maximum = manifest.limits.get(name)
                where = "whole held-out set" if sample is None else f"first {sample} held-out items"
                if maximum is not None:  # e.g. how far predictions here are from those at training time
                    good = value <= maximum
                    ok = ok and good
                    lines.append(f"{name}: {value:.3g} (at most {maximum:g})" + ("" if good else "  <-- FAIL"))
                    continue
                good = (minimum is None or value >= minimum) and (
                    sample is not None or recorded is None or abs(value - recorded) <= tolerance)
                ok = ok and good
                lines.append(f"{name} on the {where}: {value:.4f} (recorded {recorded}, target {minimum})"
                             + ("" if good else "  <-- FAIL"))
        reports.append(VerifyReport(manifest.assignment, ok, lines))
    return reports


def framework_versions() -> dict[str, str]:
    import keras

    versions = {"keras": keras.__version__, "keras_backend": keras.backend.backend()}
    for name in ("tensorflow", "jax", "numpy"):
        try:
            versions[name] = importlib.import_module(name).__version__
        except ImportError:
            pass
    return versions

