"""The `autograde` command as instructors and CI use it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import ROOT, W1A1, notebook_with
from nbgrader.api import Gradebook

AUTOGRADE = [sys.executable, "-m", "autograde.cli"]


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([*AUTOGRADE, *args], cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, **(env or {})})


def test_grade_direct_mode_json_shape(w1a1, tmp_path):
    src = w1a1.source_dir / w1a1.notebook_name
    rel = w1a1.release_dir / w1a1.notebook_name
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{}")
    out = tmp_path / "r.json"
    proc = run("grade", W1A1, str(src), str(rel), str(bad), "--json", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())["results"]
    assert [r["notebook"] for r in results] == [str(src), str(rel), str(bad)]
    solution, release, broken = results
    for r in results:
        assert {"notebook", "assignment", "status", "message", "score", "max_score", "exercises"} <= set(r)
        assert r["assignment"] == W1A1
    assert solution["status"] == "graded" and solution["score"] == solution["max_score"] == 100
    assert len(solution["exercises"]) == 8
    for ex in solution["exercises"].values():
        assert set(ex) >= {"score", "max_score", "feedback"} and ex["score"] == ex["max_score"]
    assert release["status"] == "graded" and release["score"] == 0 and len(release["exercises"]) == 8
    assert all(ex["feedback"] for ex in release["exercises"].values())
    assert broken["status"] == "failed" and broken["message"]
    assert "w1a1_rnn_step_by_step" in proc.stdout  # the score table


def test_unknown_assignment_is_a_clear_error():
    proc = run("grade", "w9_nope", "x.ipynb")
    assert proc.returncode == 2 and "unknown assignment" in proc.stderr


def test_help_texts():
    for cmd in ([], ["grade"], ["release"], ["validate"]):
        proc = run(*cmd, "--help")
        assert proc.returncode == 0 and "usage: autograde" in proc.stdout


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    for name in ("source", "release", "graders", "datasets", "tests"):
        if (ROOT / name).exists():
            (course / name).symlink_to(ROOT / name)
    return course


def test_course_mode_records_nbgrader_gradebook_and_feedback(w1a1, tmp_path):
    course = _course(tmp_path)
    subs = {"alice": notebook_with(w1a1),
            "bob": nbformat.read(str(w1a1.release_dir / w1a1.notebook_name), as_version=4),
            "carol": notebook_with(w1a1, replace={"rnn_forward_code": "def rnn_forward(x, a0, parameters):\n"
                                                  "    raise ValueError('not yet')\n"})}
    for student, nb in subs.items():
        d = course / "submitted" / student / W1A1
        d.mkdir(parents=True)
        nbformat.write(nb, str(d / w1a1.notebook_name))
    (course / "submitted" / "dave" / W1A1).mkdir(parents=True)
    (course / "submitted" / "dave" / W1A1 / w1a1.notebook_name).write_text("not json")
    proc = run("grade", W1A1, "--course-dir", str(course), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    for student in ("alice", "bob", "carol", "dave"):
        assert student in proc.stdout
    assert "ETA" in proc.stderr  # the progress bar
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: gb.find_submission(W1A1, s).score for s in ("alice", "bob", "carol", "dave")}
    assert scores["alice"] == 100 and scores["bob"] == 0 and scores["dave"] == 0
    assert 0 < scores["carol"] < 100
    page = (course / "feedback" / "carol" / W1A1 / "rnn_step_by_step.html").read_text()
    assert "rnn_forward raised ValueError: not yet" in page and "<script" not in page
    # nbgrader's own export sees the same grades
    export = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to", str(tmp_path / "g.csv"),
                             f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"],
                            cwd=course, capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stderr
    rows = (tmp_path / "g.csv").read_text()
    assert "alice" in rows and "100.0" in rows


def test_version_and_assignment_ids_in_help():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("autograde ")
    proc = run("--help")
    assert W1A1 in proc.stdout and "w1a2_dinosaur_island" in proc.stdout


def test_course_mode_needs_a_course_directory(tmp_path):
    proc = run("grade", W1A1, cwd=tmp_path)
    assert proc.returncode == 2 and "course mode needs a course directory" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run("grade", W1A1, "--course-dir", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_strict_and_feedback_pages_in_file_mode(w1a1, tmp_path):
    pages = tmp_path / "pages"
    proc = run("grade", W1A1, str(w1a1.release_path), str(tmp_path / "missing.ipynb"), "--workers", "1",
               "--feedback", str(pages), "--strict")
    assert proc.returncode == 1 and "--strict" in proc.stderr
    assert (pages / (w1a1.release_path.stem + ".html")).exists()
    assert (pages / "missing.html").exists()
    proc = run("grade", W1A1, str(w1a1.release_path), "--workers", "1")
    assert proc.returncode == 0
    widest = max(len(line) for line in proc.stdout.splitlines())
    assert widest <= 100, widest  # the score table fits an ordinary terminal


def test_course_mode_records_timestamps_and_feedback_as_auto_comments(w1a1, tmp_path):
    course = _course(tmp_path)
    d = course / "submitted" / "erin" / W1A1
    d.mkdir(parents=True)
    nbformat.write(notebook_with(w1a1, replace={"rnn_forward_code": "def rnn_forward(x, a0, parameters):\n"
                                                "    raise ValueError('not yet')\n"}), str(d / w1a1.notebook_name))
    (d / "timestamp.txt").write_text("2026-11-30 23:59:30.000000 UTC")
    proc = run("grade", W1A1, "--course-dir", str(course), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(W1A1, "erin")
        assert sub.timestamp is not None and sub.timestamp.strftime("%Y-%m-%d %H:%M") == "2026-11-30 23:59"
        comment = gb.find_comment("rnn_forward_code", w1a1.notebook_name[:-6], W1A1, "erin")
        assert "rnn_forward raised ValueError: not yet" in comment.auto_comment
        assert gb.find_comment("rnn_cell_forward_code", w1a1.notebook_name[:-6], W1A1, "erin").auto_comment
