"""Expected values computed once: in memory per process, on disk per grader version.

A grader's reference function (the TensorFlow forward pass of hidden case 3, say) depends only
on the grader's own files and its arguments, never on a submission. ``@expected`` memoises it
like ``functools.cache`` and, in addition, in a trusted on-disk store, so that a fresh grading
worker (a CLI run, a Dask worker, a batch after a restart) reads the values instead of importing
TensorFlow and recomputing them: on w1a1 that is about 3 s of imports and 3 s of references
per fresh worker, for values that are the same for every submission.

The key of a stored value is a sha256 over:

- every file of the grader package the function belongs to (``graders/<assignment>/``) and of
  its trained reference models (``graders/references/<assignment>/``), by content;
- the function's module and qualified name, and the ``repr`` of its arguments (only plain
  values are accepted: ints, floats, strings, bools, None and tuples of them);
- the versions of Python, numpy, TensorFlow and Keras (a new version recomputes).

So a stored function must depend on nothing else: code or data outside the grader package
(a dataset, a module of the platform) belongs in its arguments or in the package itself.

A stored value is a ``.npz`` file read with ``allow_pickle=False``: nested tuples, lists and
dicts of arrays, numpy scalars and JSON values; a function returning anything else is only
memoised in memory. Each file carries its key and a sha256 of its content, both checked on
load; a file that is missing, cut short, renamed or altered is ignored and rewritten (written to
a temporary file, then renamed, so a killed writer leaves no half file). The store lives where
only the grader writes: ``$AUTOGRADE_CACHE`` if set, else ``$XDG_CACHE_HOME/autograde`` or
``~/.cache/autograde``, created with mode 0700; learner code never sees it (the sandbox mounts
neither the grader's home nor this directory). ``AUTOGRADE_CACHE=off`` turns the disk store off.

Import the reference module of a grader through :func:`lazy` so that a worker whose values are
all stored never imports TensorFlow.

A memoised value serves every later submission of the worker, so its arrays are made read-only:
a grader that changed one in place would grade the next submissions against another reference.
Such a grader fails at once ("assignment destination is read-only"), in validation, instead.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import numpy as np

FORMAT = 1
_PLAIN = (int, float, str, bool, type(None))


class Uncacheable(TypeError):
    """A value (or argument) the disk store cannot hold without pickle."""


def cache_dir() -> Path | None:
    """Where stored values live, or None when the disk store is off."""
    chosen = os.environ.get("AUTOGRADE_CACHE")
    if chosen and chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen) / "expected"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "autograde" / "expected"


# ------------------------------------------------------------------ keys

@functools.lru_cache(maxsize=None)
def _versions() -> str:
    found = [platform.python_version(), platform.machine()]
    for dist in ("numpy", "tensorflow", "tensorflow-cpu", "keras"):
        try:
            found.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return ";".join(found)


def tree_files(folder: Path) -> list[Path]:
    """The files under ``folder`` that make up a course's content, sorted (no caches, no editor copies)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and ".ipynb_checkpoints" not in p.parts)


def files_digest(files: list[Path], base: Path) -> str:
    """sha256 over files by path (relative to ``base``) and content."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def _package_fingerprint(package_dir: str) -> str:
    """The grader package's files and its reference models, by relative path and content."""
    here = Path(package_dir)
    folders = [d for d in (here, here.parent / "references" / here.name) if d.is_dir()]
    return files_digest([p for d in folders for p in tree_files(d)], here.parent)


def _plain(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def _key(fn: Callable, package_dir: str, args: tuple, kwargs: dict) -> str:
    if not _plain(args) or not _plain(tuple(kwargs.values())):
        raise Uncacheable("only plain arguments are keys")
    text = json.dumps([FORMAT, _versions(), _package_fingerprint(package_dir), fn.__module__, fn.__qualname__,
                       repr(args), repr(sorted(kwargs.items()))])
    return hashlib.sha256(text.encode()).hexdigest()


# ------------------------------------------------------------------ values <-> arrays, without pickle

def _encode(value: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise Uncacheable("object arrays need pickle")
        arrays.append(value)
        return {"a": len(arrays) - 1}
    if isinstance(value, np.generic):
        if value.dtype.hasobject:
            raise Uncacheable("object scalars need pickle")
        arrays.append(np.asarray(value))
        return {"s": len(arrays) - 1}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return {"j": value}
    if isinstance(value, int):
        return {"i": str(value)}  # exact, however large
    if isinstance(value, float):
        return {"f": value.hex()}  # exact, and nan/inf survive
    if isinstance(value, tuple):
        return {"t": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return {"l": [_encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"d": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    raise Uncacheable(f"a {type(value).__name__} cannot be stored without pickle")


def _decode(node: Any, arrays: list[np.ndarray]) -> Any:
    (tag, body), = node.items()
    if tag == "a":
        return arrays[body]
    if tag == "s":
        return arrays[body][()]
    if tag == "j":
        return body
    if tag == "i":
        return int(body)
    if tag == "f":
        return float.fromhex(body)
    if tag == "t":
        return tuple(_decode(v, arrays) for v in body)
    if tag == "l":
        return [_decode(v, arrays) for v in body]
    if tag == "d":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in body}
    raise ValueError(f"unknown tag {tag!r}")


def _digest(structure: str, arrays: list[np.ndarray]) -> str:
    digest = hashlib.sha256(structure.encode())
    for arr in arrays:
        digest.update(f"{arr.dtype.str}{arr.shape}".encode())
        digest.update(np.ascontiguousarray(arr).tobytes())
    return digest.hexdigest()


def store(path: Path, key: str, value: Any) -> None:
    """Write one value atomically; Uncacheable if it needs pickle."""
    arrays: list[np.ndarray] = []
    structure = json.dumps(_encode(value, arrays))
    meta = json.dumps({"key": key, "structure": structure, "sha256": _digest(structure, arrays)})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, meta=np.array(meta), **{f"a{i}": a for i, a in enumerate(arrays)})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path, key: str) -> tuple[bool, Any]:
    """(True, value) when the file holds this key's value intact; (False, None) otherwise."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"][()]))
            names = sorted((n for n in data.files if n != "meta"), key=lambda n: int(n[1:]))
            arrays = [data[n] for n in names]
        if meta.get("key") != key or [f"a{i}" for i in range(len(arrays))] != names:
            return False, None
        if _digest(meta["structure"], arrays) != meta["sha256"]:
            return False, None
        return True, _decode(json.loads(meta["structure"]), arrays)
    except Exception:  # missing, cut short, not ours: recompute
        return False, None


# ------------------------------------------------------------------ the decorator

def _freeze(value: Any) -> Any:
    """Make the arrays inside a memoised value read-only (tuples, lists and dicts are walked)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for v in value:
            _freeze(v)
    elif isinstance(value, dict):
        for v in value.values():
            _freeze(v)
    return value


def expected(fn: Callable) -> Callable:
    """Memoise a grader's reference function in memory and in the trusted disk store."""
    module = sys.modules.get(fn.__module__)
    package_dir = str(Path(module.__file__).resolve().parent) if module and getattr(module, "__file__", None) else None

    def compute(*args, **kwargs):
        where = cache_dir()
        if where is None or package_dir is None:
            return fn(*args, **kwargs)
        try:
            key = _key(fn, package_dir, args, kwargs)
        except Uncacheable:
            return fn(*args, **kwargs)
        path = where / Path(package_dir).name / f"{key}.npz"
        found, value = load(path, key)
        if found:
            return value
        value = fn(*args, **kwargs)
        try:
            store(path, key, value)
        except (Uncacheable, OSError):
            pass  # memoised in memory only; a read-only or full disk never fails grading
        return value

    @functools.cache
    def cached(*args, **kwargs):
        return _freeze(compute(*args, **kwargs))

    functools.update_wrapper(cached, fn)
    return cached


class _Deferred:
    """Stands for a module until one of its public attributes is used. Introspection (pytest's
    collection asks every global for ``__class__``, ``__test__``, ``_mock_name``, ...) does not
    import it, as it would a module from importlib's LazyLoader; private names are not forwarded."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module = None

    def __getattr__(self, attr: str):  # only for what the proxy itself lacks
        if attr.startswith("_"):
            raise AttributeError(attr)
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"


def lazy(name: str, package: str | None = None) -> Any:
    """A module imported on its first use: a grader whose expected values are all stored never
    pays for its reference module's imports (TensorFlow)."""
    return _Deferred(importlib.util.resolve_name(name, package) if name.startswith(".") else name)
