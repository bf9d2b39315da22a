"""The class report from a results file, without grading anything: what each section shows,
escaping of learner-controlled text, and the CLI's errors. (tests/test_browser.py renders a
really graded batch in a browser.)"""
from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import pytest

from autograde import report
from autograde.assignment import load_assignment
from autograde.results import ExerciseResult, NotebookResult, Status, write_json
from conftest import ROOT, W1A1

MARKUP = "<img src=x onerror=alert(1)>"


def _course(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for name in ("source", "release", "graders", "datasets", "tests"):
        (course / name).symlink_to(ROOT / name)
    return course


def _results(w1a1) -> list[NotebookResult]:
    exercises = w1a1.exercises
    first, second = list(exercises)[:2]

    def full():
        return {k: ExerciseResult(v, v) for k, v in exercises.items()}

    out = []
    for i in range(6):
        r = NotebookResult(f"/nowhere/s{i}.ipynb", W1A1, Status.GRADED, student=f"s{i}", seconds=1.0 + i,
                           max_score=100.0, exercises=full(), sandbox="bubblewrap", grader_version="abc")
        out.append(r)
    out[1].exercises[first] = ExerciseResult(2.5, exercises[first], [
        "Hint: the cache must be the tuple (a_next, a_prev, xt, parameters).",
        "entry 0 of the cache holds a_prev (on all 2 hidden cases)."], ["cache_layout"])
    out[2].exercises[first] = ExerciseResult(0.0, exercises[first], [
        "Hint: the cache must be the tuple (a_next, a_prev, xt, parameters).", "a_next is wrong."], ["cache_layout"])
    out[3].exercises[second] = ExerciseResult(0.0, exercises[second], [
        f"{second} did not finish in time (time limit of 10 s exceeded); it may loop forever. A fresh process was "
        "started."])
    out[3].message = f"{second}: time limit of 10 s exceeded {MARKUP}"
    out[4].exercises[second] = ExerciseResult(0.0, exercises[second], [f"{second} raised ValueError: {MARKUP}"])
    out[4].internal_errors = [f"test_x.py::test: KeyError {MARKUP}"]
    out.append(NotebookResult.failed(f"/nowhere/{MARKUP}.ipynb", W1A1, f"the file is not valid JSON {MARKUP}",
                                     f"bad{MARKUP}", 100.0, seconds=0.1))
    for r in out:
        r.score = sum(e.score for e in r.exercises.values())
    return out


def test_report_sections_and_escaping(tmp_path):
    course = _course(tmp_path)
    w1a1 = load_assignment(W1A1, course)
    write_json(_results(w1a1), course / "autograded" / f"{W1A1}-results.json")
    path = report.build(w1a1, course, similarity=False)
    html = path.read_text()
    assert path == course / "autograded" / f"{W1A1}-report.html"
    # inert and self-contained
    assert "<script" not in html and MARKUP not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", html)
    images = re.findall(r"src='data:image/svg\+xml;base64,([^']+)'", html)
    assert len(images) == 4
    for data in images:
        svg = base64.b64decode(data).decode()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg
    # the mistake ranked with its hint and its learners; failures and internal errors listed
    assert "cache_layout" in html and "the cache must be the tuple" in html and "s1, s2" in html
    assert "could not be graded (1)" in html and "the file is not valid JSON" in html
    assert "Internal grader errors (1)" in html
    assert "no gradebook at" in html  # said, not crashed
    # per exercise: crashed or timed out, raised an error
    row = re.search(r"2\. <code>" + list(w1a1.exercises)[1] + r"</code>.*?</tr>", html, re.S).group(0)
    cells = re.findall(r"<td class='num'>([^<]*)</td>", row)
    assert cells[3:6] == ["57%", "14%", "14%"], cells  # full marks, crashed or timed out, raised an error


def test_report_cli_errors(tmp_path):
    course = _course(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "report", W1A1, "--course-dir", str(course)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "no results of a grading run" in proc.stderr
    (course / "autograded").mkdir()
    (course / "autograded" / f"{W1A1}-results.json").write_text("{ nope")
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "report", W1A1, "--course-dir", str(course)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "is not a results file" in proc.stderr


def test_report_with_similarity_and_gradebook_checks(tmp_path):
    """Similarity on the learners' notebooks; a score changed in the gradebook since the run is reported."""
    from autograde import gradebook

    course = _course(tmp_path)
    w1a1 = load_assignment(W1A1, course)
    results = _results(w1a1)[:3]
    for r in results:
        path = course / "submitted" / r.student / W1A1 / w1a1.notebook_name
        path.parent.mkdir(parents=True)
        path.write_bytes(w1a1.source_path.read_bytes())
        r.notebook = str(path)
    write_json(results, course / "autograded" / f"{W1A1}-results.json")
    book = gradebook.Gradebook(f"sqlite:///{course / 'gradebook.db'}", w1a1)
    for r in results:
        book.record(r)
    changed = NotebookResult.from_dict(json.loads(json.dumps(results[0].to_dict())))
    changed.exercises[next(iter(changed.exercises))].score = 0.0
    book.record(changed)
    html = report.build(w1a1, course).read_text()
    assert "the instructor's solution" in html and "No cluster of near-identical implementations" in html
    assert "s0: the gradebook holds 90 points, the last run gave 100" in html
