"""`autograde export gradescope`: the zip's layout, and run_autograder against a local directory
laid out like Gradescope's (/autograder/source, /autograder/submission, /autograder/results)
for a correct, a wrong and a malformed submission, with results.json checked against the
format Gradescope documents ("Autograder Specifications", Output format)."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograde.assignment import load_assignment
from autograde.catalog import load_catalog
from conftest import ROOT, W1A1

# Gradescope's documented fields and their JSON types
TOP = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
       "test_output_format": str, "test_name_format": str, "visibility": str, "stdout_visibility": str,
       "extra_data": dict, "tests": list, "leaderboard": list}
TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str, "name_format": str,
        "number": str, "output": str, "output_format": str, "tags": list, "visibility": str, "extra_data": dict}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def validate(data: dict) -> None:
    assert isinstance(data, dict)
    for key, value in data.items():
        assert key in TOP, f"unknown top-level field {key!r}"
        assert isinstance(value, TOP[key]) and not isinstance(value, bool), (key, value)
    assert "score" in data or all("score" in t for t in data.get("tests", []))
    for field in ("visibility", "stdout_visibility"):
        assert data.get(field, "visible") in VISIBILITY
    for field in ("output_format", "test_output_format", "test_name_format"):
        assert data.get(field, "text") in FORMATS
    for test in data.get("tests", []):
        for key, value in test.items():
            assert key in TEST, f"unknown test field {key!r}"
            assert isinstance(value, TEST[key]) and not isinstance(value, bool), (key, value)
        assert test.get("status", "passed") in {"passed", "failed"}
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("output_format", "text") in FORMATS
        assert 0 <= test["score"] <= test["max_score"]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "export", "gradescope", W1A1, str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out / "autograder.zip"


def test_zip_layout(package, tmp_path):
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
        setup = zf.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder"} <= names  # at the root of the archive, not in a folder
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    course = "course/"
    for needed in ("autograde/engine.py", "autograde/gradescope.py", "requirements.lock", "gradescope.json",
                   f"source/{W1A1}/rnn_step_by_step.ipynb", f"release/{W1A1}/rnn_step_by_step.ipynb",
                   f"graders/{W1A1}/__init__.py", f"graders/{W1A1}/assignment.toml"):
        assert course + needed in names, needed
    assert not [n for n in names if "tests/catalog" in n or "__pycache__" in n or n.startswith("course/build")]
    assert not [n for n in names if n.startswith("course/graders/") and "w1a2" in n]  # one assignment only
    for expected in ("apt-get install", "bubblewrap", "libseccomp2", "useradd --system", "autograde-sandbox",
                     "requirements.lock", "pip==26.3", "chmod 700"):
        assert expected in setup, expected
    (tmp_path / "setup.sh").write_text(setup)
    assert subprocess.run(["bash", "-n", str(tmp_path / "setup.sh")]).returncode == 0


def _gradescope_dir(package, tmp_path, notebook_bytes: bytes | None, name: str):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    with zipfile.ZipFile(package) as zf:
        zf.extractall(root / "source")
    for script in ("run_autograder", "setup.sh"):
        path = root / "source" / script
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    if notebook_bytes is not None:
        (root / "submission" / name).write_bytes(notebook_bytes)
    return root


def _run(root):
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADE_PYTHON=sys.executable)
    proc = subprocess.run([str(root / "source" / "run_autograder")], capture_output=True, text=True, env=env,
                          timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data)
    return data, proc.stdout


def _no_hidden(data) -> None:
    text = json.dumps(data)
    grader_source = "".join(p.read_text() for p in (ROOT / "graders" / W1A1).glob("test_*.py"))
    for secret in ("def test_", "CONFIGS", "SINGLE_STEP", "rnn_problem(", "ATOL", "Traceback (most recent"):
        assert secret not in text, secret
        assert secret in grader_source or secret == "Traceback (most recent"


def test_correct_submission(package, tmp_path):
    w1a1 = load_assignment(W1A1, ROOT)
    root = _gradescope_dir(package, tmp_path, w1a1.source_path.read_bytes(), "my work.ipynb")
    data, stdout = _run(root)
    assert data["score"] == 100 and data["visibility"] == "visible" and data["stdout_visibility"] == "hidden"
    assert [t["name"] for t in data["tests"]] == [f"{i}. {ex}" for i, ex in enumerate(w1a1.exercises, 1)]
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in data["tests"])
    assert sum(t["max_score"] for t in data["tests"]) == 100
    assert "What was checked:" in data["tests"][0]["output"] and "Graded my work.ipynb" in data["output"]
    assert data["extra_data"]["sandbox"] in ("bubblewrap", "fallback") and "sandbox:" in stdout
    assert isinstance(data["execution_time"], int) and data["execution_time"] >= 0
    _no_hidden(data)


def test_wrong_submission(package, tmp_path):
    w1a1 = load_assignment(W1A1, ROOT)
    variant = next(v for v in load_catalog(w1a1.catalog_path).wrong if v.diagnosis == "scaled_by_m")
    nb = nbformat.read(str(w1a1.source_path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == variant.exercise + "_code":
            cell.source = variant.code
    root = _gradescope_dir(package, tmp_path, nbformat.writes(nb).encode(), w1a1.notebook_name)
    data, _ = _run(root)
    test = next(t for t in data["tests"] if t["name"].endswith(variant.exercise))
    assert test["status"] == "failed" and test["score"] < test["max_score"]
    assert "First failing check:" in test["output"] and "Hint: " in test["output"]
    assert test["extra_data"]["diagnoses"] == ["scaled_by_m"]
    assert 0 < data["score"] < 100
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
    _no_hidden(data)


def test_malformed_and_missing_submissions(package, tmp_path):
    w1a1 = load_assignment(W1A1, ROOT)
    root = _gradescope_dir(package, tmp_path / "junk", b"\x00\x01 this is not a notebook", w1a1.notebook_name)
    data, _ = _run(root)
    assert data["score"] == 0 and len(data["tests"]) == len(w1a1.exercises)
    assert "could not be graded" in data["output"] and data["extra_data"]["status"] == "failed"
    assert all(t["status"] == "failed" and t["score"] == 0 and "Not graded" in t["output"] for t in data["tests"])
    root = _gradescope_dir(package, tmp_path / "none", None, "")
    data, _ = _run(root)
    assert data["score"] == 0 and "no notebook" in data["output"]
    shutil.rmtree(tmp_path)
