"""The learner's side: a workspace outside release/, and JupyterLab with learner settings.

release/ is generated (and regenerated) by instructors; learners never edit it. `autograde
fetch ID` copies release/ID into work/ID (git-ignored), as nbgrader's fetch_assignment does,
and never overwrites a file that is already there. `autograde lab ID` opens that copy in
JupyterLab configured for learners: nbgrader's instructor tools (formgrader, create
assignment, course and assignment lists) are off and its validate extension on, and
JupyterLab's news announcements are off.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograde.assignment import Assignment
from autograde.errors import MissingRelease

SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.validate_assignment": True,
}
DISABLED_LAB_PLUGINS = {
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:create-assignment": True,
    "@jupyter/nbgrader:assignment-list": True,
    "@jupyter/nbgrader:course-list": True,
    "@jupyter/nbgrader:menu": True,  # its entries open the instructor tools
    "@jupyterlab/apputils-extension:announcements": True,
}


def workspace_dir(assignment: Assignment, into: Path | None = None) -> Path:
    return into or assignment.root / "work" / assignment.id


def fetch(assignment: Assignment, into: Path | None = None) -> Path:
    """Copy the release into the learner's workspace; existing files are kept as they are."""
    if not assignment.release_dir.is_dir():
        raise MissingRelease(f"{assignment.release_dir} does not exist: the instructor must run "
                             f"`autograde release {assignment.id}` first")
    target = workspace_dir(assignment, into)
    for src in sorted(assignment.release_dir.rglob("*")):
        if not src.is_file() or "__pycache__" in src.parts or ".ipynb_checkpoints" in src.parts:
            continue
        dest = target / src.relative_to(assignment.release_dir)
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    return target


def learner_config_dir(root: Path) -> Path:
    """A Jupyter configuration directory with the learner's settings (regenerated each time)."""
    config = root / "build" / "jupyter-learner"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": SERVER_EXTENSIONS}}, indent=1))
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": DISABLED_LAB_PLUGINS}, indent=1))
    return config


def lab_command(assignment: Assignment, into: Path | None = None) -> tuple[list[str], dict[str, str]]:
    target = fetch(assignment, into)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(learner_config_dir(assignment.root)))
    argv = [str(Path(sys.executable).parent / "jupyter"), "lab", f"--ServerApp.root_dir={target}",
            str(target / assignment.notebook_name)]
    return argv, env


def lab(assignment: Assignment, into: Path | None = None, extra: list[str] | None = None) -> int:
    argv, env = lab_command(assignment, into)
    return subprocess.call(argv + list(extra or []), env=env)
