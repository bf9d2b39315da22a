"""The trusted store of graders' expected values (autograde/expected.py): exact round trips
without pickle, and a stored file that is altered, cut short or renamed is never believed."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from autograde import expected as ex


def _package(tmp_path, body: str):
    """A throwaway grader package `gpkg` whose module `refs` counts how often it computes."""
    pkg = tmp_path / "graders" / "gpkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "refs.py").write_text(textwrap.dedent(body))
    return pkg


BODY = """
    import numpy as np
    from autograde.expected import expected
    CALLS = []

    @expected
    def value(cfg, scale=1.0):
        CALLS.append(cfg)
        rng = np.random.default_rng(cfg[0])
        return {"a": rng.standard_normal((3, cfg[1])) * scale, "parts": (np.float64(0.1), 7, [1.5, float("nan")]),
                "i32": np.arange(4, dtype=np.int32), 3: None, "s": "text", "big": 2**80, "flag": True}

    @expected
    def opaque(n):
        CALLS.append(("opaque", n))
        return object()
"""


def _run(tmp_path, cache, code: str) -> str:
    env = {"AUTOGRADE_CACHE": str(cache), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "graders")}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env={**env, "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (np.ndarray, np.generic)):
        return type(a) is type(b) and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    return type(a) is type(b) and a == b


def test_values_round_trip_exactly_and_are_computed_once_per_version(tmp_path):
    pkg = _package(tmp_path, BODY)
    cache = tmp_path / "cache"
    probe = """
        import json, sys
        import numpy as np
        from gpkg import refs
        v = refs.value((4, 5)); w = refs.value((4, 5), scale=2.0); refs.value((4, 5))
        print(json.dumps({"calls": len(refs.CALLS), "a": v["a"].tolist(), "w": w["a"].tolist()}))
    """
    first = json.loads(_run(tmp_path, cache, probe))
    assert first["calls"] == 2  # two distinct keys, each computed once in this process
    second = json.loads(_run(tmp_path, cache, probe))
    assert second["calls"] == 0 and second["a"] == first["a"] and second["w"] == first["w"]
    # in this process: the loaded value is the computed one, type for type and bit for bit
    sys.path.insert(0, str(tmp_path / "graders"))
    try:
        import importlib
        refs = importlib.import_module("gpkg.refs")
        key = ex._key(refs.value.__wrapped__, str(pkg.resolve()), ((4, 5),), {})
        found, loaded = ex.load(cache / "expected" / "gpkg" / f"{key}.npz", key)
        assert found
        fresh = refs.value.__wrapped__((4, 5))
        assert _same(fresh, loaded)
    finally:
        sys.path.remove(str(tmp_path / "graders"))
        for name in [m for m in sys.modules if m == "gpkg" or m.startswith("gpkg.")]:
            del sys.modules[name]
    # a change to any file of the grader package is a new version: computed again
    (pkg / "common.py").write_text("X = 1\n")
    assert json.loads(_run(tmp_path, cache, probe))["calls"] == 2


def test_an_altered_cut_or_renamed_file_is_recomputed_not_believed(tmp_path):
    _package(tmp_path, BODY)
    cache = tmp_path / "cache"
    probe = "from gpkg import refs\nv = refs.value((1, 2))\nprint(len(refs.CALLS), repr(v['a'][0, 0]))"
    calls, good = _run(tmp_path, cache, probe).split()
    assert calls == "1"
    (stored,) = (cache / "expected" / "gpkg").glob("*.npz")
    original = stored.read_bytes()

    # a different value under the right name, its digest recomputed by a careless or hostile writer
    with np.load(stored, allow_pickle=False) as data:
        arrays = {n: data[n] for n in data.files}
    arrays["a0"] = arrays["a0"] + 1.0
    with stored.open("wb") as f:
        np.savez(f, **arrays)
    assert _run(tmp_path, cache, probe).split() == ["1", good]

    # cut short (a killed writer without the rename) and another key's file under this name
    stored.write_bytes(original[: len(original) // 2])
    assert _run(tmp_path, cache, probe).split() == ["1", good]
    other = "from gpkg import refs\nrefs.value((9, 2))\nprint(len(refs.CALLS))"
    assert _run(tmp_path, cache, other) == "1"
    (other_file,) = set((cache / "expected" / "gpkg").glob("*.npz")) - {stored}
    stored.write_bytes(other_file.read_bytes())  # an intact file, but another key's
    assert _run(tmp_path, cache, probe).split() == ["1", good]
    assert stored.read_bytes() != other_file.read_bytes()  # rewritten with its own value
    assert _run(tmp_path, cache, probe).split() == ["0", good]
    assert _run(tmp_path, cache, other) == "0"
    assert not list((cache / "expected" / "gpkg").glob(".tmp-*"))


def test_what_pickle_would_be_needed_for_is_only_memoised(tmp_path):
    _package(tmp_path, BODY)
    cache = tmp_path / "cache"
    probe = "from gpkg import refs\na = refs.opaque(1); b = refs.opaque(1)\nprint(len(refs.CALLS), a is b)"
    assert _run(tmp_path, cache, probe) == "1 True"
    assert _run(tmp_path, cache, probe) == "1 True"
    assert not list((cache / "expected" / "gpkg").glob("*.npz"))
    off = "from gpkg import refs\nrefs.value((1, 2))\nprint(len(refs.CALLS))"
    assert _run(tmp_path, "off", off) == "1"
    assert not (tmp_path / "off").exists()


def test_an_object_array_or_unplain_argument_is_refused_for_disk():
    with pytest.raises(ex.Uncacheable):
        ex._encode(np.array([object()]), [])
    with pytest.raises(ex.Uncacheable):
        ex._key(len, "/nonexistent", (np.zeros(2),), {})


def test_a_lazy_module_is_imported_on_first_use(tmp_path):
    pkg = _package(tmp_path, BODY)
    (pkg / "heavy.py").write_text("import sys\nLOADED = True\nsys.modules['gpkg'].HEAVY_RAN = True\n")
    probe = """
        import gpkg
        from autograde.expected import lazy
        heavy = lazy(".heavy", "gpkg")
        before = getattr(gpkg, "HEAVY_RAN", False)
        print(before, heavy.LOADED, gpkg.HEAVY_RAN)
    """
    assert _run(tmp_path, tmp_path / "cache", probe) == "False True True"


@pytest.mark.parametrize("store", ["on", "off"])
def test_a_memoised_value_is_read_only_for_every_later_submission(tmp_path, store):
    """The worker grades many submissions against one memoised value: a grader that changed it in
    place would grade the next ones against another reference, so it fails at once instead."""
    _package(tmp_path, BODY)
    cache = tmp_path / "cache" if store == "on" else "off"
    probe = """
        import numpy as np
        from gpkg import refs
        v = refs.value((4, 5))
        try:
            v["a"][0, 0] = 1.0
            print("changed")
        except ValueError as exc:
            print(exc, int(refs.value((4, 5)) is v), int(v["i32"].flags.writeable))
    """
    assert _run(tmp_path, cache, probe) == "assignment destination is read-only 1 0"
    assert _run(tmp_path, cache, probe) == "assignment destination is read-only 1 0"  # loaded from the store too
