"""An assignment's settings: ``graders/<id>/assignment.toml`` read into a typed, frozen record.

Every key the engine knows is a field below, with its default; the defaults live here and
nowhere else. Reading rejects an unknown key or a value of the wrong type with a message
that names the file and the key, so a misspelt setting can never be silently ignored.

Example (every key is optional)::

    cell_timeout = 20          # seconds per notebook cell
    call_timeout = 10          # seconds per call of a learner function
    submission_timeout = 300   # wall-clock budget of one whole submission
    max_restarts = 5           # fresh learner processes after crashes, per submission
    preimport = ["numpy"]      # modules the warm learner process imports before any submission
    warm = []                  # "module:function" calls the warm process makes (e.g. load data)
    data = ["dinosaurs"]       # datasets/<name> folders the learner process may read (as /datasets/<name>)
    references = []            # graders/references/<name> folders the graders load
    calls = { rnn_forward = ["rnn_cell_forward"] }   # graded functions that call other graded ones

    [limits]                   # per learner process (see Limits)
    memory_mb = 512

    [demo]                     # what `make demo` submits: learner -> diagnosis id of a catalog variant
    picks = { cleo = "missing_bias" }
    hostile = true
    artifacts = ["reference_recipe:demo_solo"]   # files the demo makes for people to open

    [catalog]                  # what the generic tests require of tests/catalog/<id>.py
    min_wrong = 40
    min_correct = 12
    min_diagnoses = 10

    [feedback.checked]         # per exercise, what its hidden checks look at (the learner's words)
    rnn_forward = "a and y_pred on hidden sequences of several sizes, compared with a reference"
"""
from __future__ import annotations

import collections.abc
import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograde.errors import SettingsError


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed learner process (and everything it starts)."""

    memory_mb: int = 512          # resident memory + tmpfs of the whole sandbox (memory cgroup, where available)
    address_space_mb: int = 1024  # per process (RLIMIT_AS); TensorFlow needs about 2 GiB just to import
    cpu_seconds: int = 300        # per process (RLIMIT_CPU)
    open_files: int = 256         # per process (RLIMIT_NOFILE)
    file_size_mb: int = 64        # largest file a process may write (RLIMIT_FSIZE)
    processes: int = 64           # processes and threads of the sandbox (pids cgroup, else RLIMIT_NPROC)
    tmp_mb: int = 128             # size of the private /tmp (working directory) and of /dev/shm each


@dataclass(frozen=True)
class Demo:
    """`make demo`'s submissions of this assignment (besides the solution and the release)."""

    picks: collections.abc.Mapping[str, str] = field(default_factory=dict)  # learner -> diagnosis id of a catalog WRONG variant
    hostile: bool = False                                   # also submit one hostile notebook
    # "module:function" of the grader package (e.g. "reference_recipe:demo_solo"), called with a directory
    # of the demo course; it writes something a person can open there and returns its path
    artifacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogRules:
    """How big tests/catalog/<id>.py must be (checked by the generic assignment tests)."""

    min_wrong: int = 1
    min_correct: int = 1
    min_diagnoses: int = 0


@dataclass(frozen=True)
class FeedbackText:
    """Learner-facing text of the feedback pages."""

    checked: collections.abc.Mapping[str, str] = field(default_factory=dict)  # exercise -> what its checks look at


@dataclass(frozen=True)
class Settings:
    cell_timeout: float = 60.0
    call_timeout: float = 30.0
    submission_timeout: float = 600.0
    max_restarts: int = 5
    preimport: tuple[str, ...] = ("numpy",)
    warm: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    calls: collections.abc.Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    demo: Demo = field(default_factory=Demo)
    catalog: CatalogRules = field(default_factory=CatalogRules)
    feedback: FeedbackText = field(default_factory=FeedbackText)

    def callers_of(self, exercise: str) -> set[str]:
        """Graded functions that call ``exercise``, directly or through others."""
        found: set[str] = set()
        frontier = {exercise}
        while frontier:
            new = {f for f, callees in self.calls.items() if set(callees) & frontier} - found
            found |= new
            frontier = new
        return found


def read_settings(path: Path) -> Settings:
    """The settings in ``path`` (all defaults when the file does not exist)."""
    if not path.exists():
        return Settings()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    return _build(Settings, table, path, "")


def _build(cls: type, table: Any, path: Path, prefix: str) -> Any:
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [{prefix.rstrip('.')}] must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - fields)
    if unknown:
        raise SettingsError(f"{path}: unknown key {prefix + unknown[0]!r} (known keys: "
                            f"{', '.join(prefix + k for k in sorted(fields))})")
    values = {name: _convert(hints[name], value, path, prefix + name) for name, value in table.items()}
    return cls(**values)


def _convert(hint: Any, value: Any, path: Path, key: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path, key + ".")
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise SettingsError(f"{path}: {key} must be a positive number, not {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"{path}: {key} must be a non-negative integer, not {value!r}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{path}: {key} must be true or false, not {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise SettingsError(f"{path}: {key} must be a string, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise SettingsError(f"{path}: {key} must be a list, not {value!r}")
        return tuple(_convert(typing.get_args(hint)[0], v, path, f"{key}[{i}]") for i, v in enumerate(value))
    if origin is collections.abc.Mapping:
        if not isinstance(value, dict):
            raise SettingsError(f"{path}: {key} must be a table, not {value!r}")
        item = typing.get_args(hint)[1]
        return types.MappingProxyType({k: _convert(item, v, path, f"{key}.{k}") for k, v in value.items()})
    raise SettingsError(f"{path}: {key}: unsupported setting type {hint!r}")  # a bug in this module
