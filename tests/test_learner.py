"""The learner's path: a workspace outside release/, JupyterLab with learner settings, and
releases that never overwrite a learner's work."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT, W1A1

from autograde.assignment import load_assignment
from autograde.errors import ReleaseError


@pytest.fixture
def course(tmp_path):
    """A copy of w1a1's course folders (release/ editable without touching the repository)."""
    course = tmp_path / "course"
    for part in ("source", "release", "graders"):
        shutil.copytree(ROOT / part / W1A1, course / part / W1A1, symlinks=True)
    (course / "autograde").symlink_to(ROOT / "autograde")
    return load_assignment(W1A1, course)


def test_fetch_copies_the_release_and_never_overwrites(course):
    from autograde.workspace import fetch

    target = fetch(course)
    assert target == course.root / "work" / W1A1
    mine = target / course.notebook_name
    assert mine.read_bytes() == course.release_path.read_bytes()
    mine.write_text('{"my": "work"}')
    fetch(course)
    assert mine.read_text() == '{"my": "work"}'


def test_release_refuses_to_replace_an_edited_release_notebook(course):
    from autograde.release import generate

    edited = course.release_path
    # a copied course outside git, with no record of a generation: refused until forced
    with pytest.raises(ReleaseError):
        generate(course, course.release_dir)
    generate(course, course.release_dir, force=True)
    generate(course, course.release_dir)  # what the last generation wrote may be replaced again
    edited.write_text(edited.read_text().replace("Exercise 1", "Exercise 1 (my notes)"))
    with pytest.raises(ReleaseError, match="autograde fetch"):
        generate(course, course.release_dir)
    assert "my notes" in edited.read_text()
    generate(course, course.release_dir, force=True)
    assert "my notes" not in edited.read_text()


def test_editor_artefacts_do_not_break_release_checks(course):
    from autograde.release import differences, hygiene

    (course.release_dir / ".ipynb_checkpoints").mkdir()
    (course.release_dir / ".ipynb_checkpoints" / f"{course.notebook_name[:-6]}-checkpoint.ipynb").write_text(
        "### BEGIN SOLUTION (an old copy)")
    (course.release_dir / "__pycache__").mkdir(exist_ok=True)
    (course.release_dir / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert differences(course) == [] and hygiene(course.release_dir) == []


def test_jupyterlab_for_learners(course):
    """No instructor tools (validate kept), no news pop-ups, no error at start."""
    from autograde.workspace import lab_command

    argv, env = lab_command(course)
    port = 8790
    proc = subprocess.Popen(argv + ["--no-browser", f"--port={port}", "--IdentityProvider.token=t0k", "--allow-root"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    page = ""
    try:
        for _ in range(240):
            time.sleep(1)
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token=t0k", timeout=5).read().decode()
                break
            except OSError:
                if proc.poll() is not None:
                    break
        time.sleep(2)
    finally:
        proc.terminate()
        log = proc.communicate(timeout=60)[0]
    assert page, log[-3000:]
    config = json.loads(page.split('id="jupyter-config-data" type="application/json">')[1].split("</script>")[0])
    disabled = set(config.get("disabledExtensions", []))
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyterlab/apputils-extension:announcements"} <= disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    startup = log.split("Use Control-C to stop this server")[0]
    assert "validate_assignment | extension was successfully loaded" in startup
    assert "formgrader" not in startup and "course_list" not in startup
    assert not [line for line in startup.splitlines() if line.startswith(("[E ", "[C ")) or "Traceback" in line], startup
