"""`autograde export gradescope ASSIGNMENT OUTDIR`: the assignment as a Gradescope autograder.

Gradescope's autograder format (gradescope-autograders.readthedocs.io, "Autograder
Specifications"): a zip with ``setup.sh`` and ``run_autograder`` at its root, unpacked into
``/autograder/source``; ``setup.sh`` runs once as root when the image is built (Ubuntu base
image); ``run_autograder`` runs for every submission, with the uploaded files in
``/autograder/submission``, and must write ``/autograder/results/results.json``.

The zip holds this engine and one assignment under ``course/`` (``autograde/``, the pinned
``requirements.lock``, ``source/``, ``release/`` and ``graders/`` of the assignment, its
reference models and datasets). ``setup.sh`` installs bubblewrap and libseccomp, creates the
unprivileged sandbox account (as ``make setup`` does), builds the pinned environment in
``/autograder/venv`` and closes ``/autograder/source`` to everyone but root, so that learner
code (run as the sandbox account, which reaches only the released helpers) can never read
the solutions or the graders. ``run_autograder`` grades the notebook with the engine,
sandbox included, and writes the results:

- one test per exercise: name, number, score, max_score, status, and as output the
  learner-facing feedback only (verdict, what was checked, the first failing check, the
  hint of a recognised mistake, the graders' other learner-facing lines); hidden inputs,
  expected values, test code and internal errors are never in it;
- the total score, the execution time in seconds, an overall output (notes about the
  notebook, or why it could not be graded), ``visibility`` (default "visible", set at export)
  and ``stdout_visibility`` "hidden" (the instructor's debugging output: sandbox mode,
  internal grader errors).

``run_autograder`` honours $AUTOGRADER_ROOT (default /autograder) and $AUTOGRADE_PYTHON
(default $AUTOGRADER_ROOT/venv/bin/python), so a test can run it against a local directory
laid out like Gradescope's.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
CONFIG = "gradescope.json"
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
SANDBOX_USER = "autograde-sandbox"

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu base image;
# Ubuntu 24.04 brings Python 3.12, which this engine supports; on 22.04 Python 3.11 is installed).
set -euo pipefail
SRC=/autograder/source
COURSE="$SRC/course"
VENV=/autograder/venv
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
# bubblewrap is the sandbox; libseccomp builds its syscall filter (the same packages as `make setup`)
apt-get install -y -qq bubblewrap libseccomp2 ca-certificates >/dev/null
PY="$(command -v python3.12 || command -v python3.11 || true)"
if [ -z "$PY" ]; then
  apt-get install -y -qq python3.11 python3.11-venv >/dev/null
  PY="$(command -v python3.11)"
fi
apt-get install -y -qq "$(basename "$PY")-venv" >/dev/null || true
"$PY" -c 'import sys; assert (3, 11) <= sys.version_info[:2] < (3, 13), sys.version' \
  || { echo "setup.sh: this engine needs Python 3.11 or 3.12; choose the Ubuntu 24.04 base image"; exit 1; }

# the pinned environment (the same lock file as the course's `make setup`)
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade "pip==26.3"
"$VENV/bin/python" -m pip install -q -r "$COURSE/requirements.lock"

# the unprivileged account that runs every sandbox (as `make setup` creates it)
id -u __SANDBOX_USER__ >/dev/null 2>&1 \
  || useradd --system --no-create-home --shell /usr/sbin/nologin __SANDBOX_USER__

# only root may read the graders and the solution notebook; the engine makes the released
# helpers, the engine package and the environment reachable by the sandbox account
chown -R root:root "$SRC"
chmod 700 "$SRC"
chmod 755 "$VENV"
chmod +x "$SRC/run_autograder"

# compile once now, and say which sandbox grading will use
cd "$COURSE"
PYTHONPATH="$COURSE" "$VENV/bin/python" -m compileall -q autograde graders >/dev/null || true
PYTHONPATH="$COURSE" "$VENV/bin/python" - <<'EOF'
from autograde.sandbox import bubblewrap_status, sandbox_mode
ok, why = bubblewrap_status()
print("bubblewrap:", "usable" if ok else why)
print("sandbox:", sandbox_mode())
EOF
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission, as root: grade /autograder/submission's notebook
# and write /autograder/results/results.json. $AUTOGRADER_ROOT and $AUTOGRADE_PYTHON let a test
# run it against a local directory laid out like Gradescope's.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
COURSE="$ROOT/source/course"
PY="${AUTOGRADE_PYTHON:-$ROOT/venv/bin/python}"
export PYTHONPATH="$COURSE" AUTOGRADE_COURSE="$COURSE" TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0
cd "$COURSE" || exit 1
exec "$PY" -m autograde.gradescope run --root "$ROOT" --course "$COURSE"
"""


# ------------------------------------------------------------------ export

def _copy_tree(src: Path, dst: Path) -> None:
    if not src.exists():
        return
    shutil.copytree(src, dst, ignore=lambda d, names: [n for n in names if n in SKIP_PARTS or n.endswith(".pyc")],
                    symlinks=False, dirs_exist_ok=True)


def export(assignment, outdir: Path, visibility: str = "visible") -> Path:
    """Write OUTDIR/autograder.zip for ``assignment``; return its path."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}")
    root = assignment.root
    engine = Path(__file__).resolve().parent
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="autograde-gradescope-") as tmp:
        stage = Path(tmp)
        course = stage / "course"
        _copy_tree(engine, course / "autograde")
        for name in ("pyproject.toml", "requirements.lock"):
            shutil.copyfile(root / name if (root / name).is_file() else engine.parent / name, course / name)
        _copy_tree(assignment.source_dir, course / "source" / assignment.id)
        _copy_tree(assignment.release_dir, course / "release" / assignment.id)
        _copy_tree(assignment.graders_dir, course / "graders" / assignment.id)
        for ref in assignment.reference_dirs:
            _copy_tree(ref, course / "graders" / "references" / ref.name)
        for name, path in assignment.data_dirs.items():
            _copy_tree(path, course / "datasets" / name)
        (course / CONFIG).write_text(json.dumps({"assignment": assignment.id, "visibility": visibility}, indent=2)
                                     + "\n")
        (stage / "setup.sh").write_text(SETUP_SH.replace("__SANDBOX_USER__", SANDBOX_USER))
        (stage / "run_autograder").write_text(RUN_AUTOGRADER)
        target = outdir / "autograder.zip"
        tmp_zip = outdir / ".autograder.zip.part"
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(stage.rglob("*")):
                if path.is_dir():
                    continue
                arcname = str(path.relative_to(stage))
                info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible
                executable = arcname in ("setup.sh", "run_autograder") or os.access(path, os.X_OK)
                info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
        tmp_zip.replace(target)
    return target


# ------------------------------------------------------------------ run (inside Gradescope)

def find_notebook(submission: Path, expected: str) -> tuple[Path | None, str]:
    """The notebook to grade among the uploaded files, and a note for the learner."""
    found = sorted(p for p in submission.rglob("*.ipynb")
                   if p.is_file() and not ({".ipynb_checkpoints", "__MACOSX"} & set(p.parts)))
    named = [p for p in found if p.name == expected]
    if named:
        return named[0], ""
    if len(found) == 1:
        return found[0], f"graded {found[0].name} (the assignment's notebook is called {expected})"
    if not found:
        return None, f"no notebook (.ipynb) was found in your submission: upload {expected}"
    names = ", ".join(p.name for p in found[:10])
    return None, f"your submission holds several notebooks ({names}) and none is called {expected}: upload only " \
                 f"{expected}"


def results_json(result, assignment, checked: dict[str, str], seconds: float, visibility: str = "visible",
                 note: str = "") -> dict:
    """Gradescope's results.json for one graded (or ungradable) notebook."""
    from autograde import outcomes
    from autograde.feedback import GENERIC_CHECKED
    from autograde.results import ExerciseResult, Status, points

    graded = result.status is Status.GRADED
    tests = []
    for number, (ex, pts) in enumerate(assignment.exercises.items(), 1):
        er = result.exercises.get(ex) or ExerciseResult(0.0, float(pts), [])
        kind = outcomes.classify(er, graded)
        hints, others = outcomes.split_feedback(er)
        first = outcomes.first_failure(er) if graded else None
        lines = [f"{outcomes.VERDICT[kind]} ({points(er.score)} / {points(er.max_score)} points).",
                 f"What was checked: {checked.get(ex, GENERIC_CHECKED)}"]
        if not graded:
            lines.append(f"Not graded: {result.message}")
        elif first:
            lines.append(f"First failing check: {first}")
        lines += [f"Hint: {h}" for h in hints]
        rest = [line for line in others if line != first]
        if rest:
            lines.append(("Notes:" if kind == outcomes.FULL else "Also noticed:"))
            lines += [f"- {line}" for line in rest]
        if kind == outcomes.FULL and not rest:
            lines.append("All checks passed.")
        tests.append({"name": f"{number}. {ex}", "number": str(number), "score": float(round(er.score, 4)),
                      "max_score": float(pts), "status": "passed" if kind == outcomes.FULL else "failed",
                      "output": "\n".join(lines), "output_format": "text", "visibility": visibility,
                      "extra_data": {"outcome": kind, "diagnoses": list(er.diagnoses)}})
    total = float(sum(assignment.exercises.values()))
    head = [f"Score: {points(result.score)} / {points(total)}."]
    if note:
        head.append(note[0].upper() + note[1:] + ".")
    if not graded:
        head.append(f"This notebook could not be graded: {result.message}")
    elif result.message:
        head.append(f"About your notebook: {result.message}")
    return {"score": float(round(result.score, 4)), "execution_time": int(round(seconds)),
            "output": "\n".join(head), "output_format": "text", "test_output_format": "text",
            "test_name_format": "text", "visibility": visibility, "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"assignment": assignment.id, "status": result.status.value, "sandbox": result.sandbox,
                           "grader_version": result.grader_version}}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    part.replace(path)


def run(root: Path, course: Path) -> int:
    """Grade the submission under ``root`` (Gradescope's /autograder) and write its results."""
    started = time.monotonic()
    results_path = root / "results" / "results.json"
    config = json.loads((course / CONFIG).read_text())
    visibility = config.get("visibility", "visible")
    try:
        from autograde.assignment import load_assignment
        from autograde.engine import Job, grade_batch
        from autograde.feedback import checked_descriptions
        from autograde.results import NotebookResult
        from autograde.sandbox import fallback_warning, sandbox_mode

        assignment = load_assignment(config["assignment"], course)
        mode = sandbox_mode()
        print(f"sandbox: {mode}")
        if mode != "bubblewrap":
            print(fallback_warning())
        notebook, note = find_notebook(root / "submission", assignment.notebook_name)
        if notebook is None:
            result = NotebookResult.failed("", assignment.id, note, max_score=float(sum(assignment.exercises.values())),
                                           sandbox=mode)
            note = ""
        else:
            result = grade_batch([Job(assignment.id, str(notebook), None, str(course))], workers=1)[0]
        for err in result.internal_errors:  # instructor-only: stdout is hidden from learners
            print(f"internal grader error: {err}")
        data = results_json(result, assignment, checked_descriptions(assignment), time.monotonic() - started,
                            visibility, note)
        print(f"status: {result.status.value}; score {result.score:g} / {result.max_score:g}")
    except Exception:
        traceback.print_exc(file=sys.stdout)
        data = {"score": 0.0, "execution_time": int(round(time.monotonic() - started)),
                "output": "The autograder could not grade this submission because of an internal error; your "
                          "instructor has been given the details. Please tell them.",
                "output_format": "text", "visibility": visibility, "stdout_visibility": "hidden", "tests": []}
    _write(results_path, data)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograde.gradescope")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="grade /autograder/submission into /autograder/results/results.json")
    r.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    r.add_argument("--course", default=None, help="the unpacked course (default ROOT/source/course)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    return run(root, Path(args.course) if args.course else root / "source" / "course")


if __name__ == "__main__":
    sys.exit(main())
