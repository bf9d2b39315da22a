"""`make demo`: the main job on the embedded defaults, start to finish.

For every assignment of the course: makes sure its release is generated (never replacing a
release notebook someone edited), and puts submissions in a small course under
build/demo-course: the solution (ada), the untouched release (ben), the catalog's wrong
implementations named in the assignment's settings ([demo] picks), where the settings ask
for it one hostile submission (mallory), and for the first assignment two learners whose
work the similarity analysis should flag (ivy, and jon who hands in a disguised copy of
ivy's notebook). Then grades each assignment in course mode into one SQLite nbgrader
gradebook, writes feedback pages and the class report of each assignment, and prints where
everything is.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat

from autograde import cli, demo_extra, release
from autograde.assignment import Assignment, discover, load_assignment, repo_root
from autograde.catalog import load_catalog
from autograde.errors import ReleaseError
from autograde.validate import variant_notebook

HOSTILE = '''
import os, socket

def {name}(*args, **kwargs):
    leaked = []
    for path in ["/work", "../graders", "/root", os.path.expanduser("~"), "/proc/1/cmdline"]:
        try:
            leaked.append(os.listdir(path) if os.path.isdir(path) else open(path, "rb").read(80))
        except OSError as exc:
            leaked.append(type(exc).__name__)
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
    except OSError as exc:
        leaked.append(type(exc).__name__)
    while True:  # and then never return
        pass
'''


def build_assignment(assignment: Assignment, course: Path, copies: bool = False) -> str:
    """Put the demo submissions of one assignment under course/submitted; say who is who."""
    try:
        release.generate(assignment, assignment.release_dir)
    except ReleaseError as exc:
        print(f"   {assignment.id}: release not regenerated: {exc}")
    name = assignment.notebook_name
    scratch = course / "scratch" / assignment.id
    scratch.mkdir(parents=True)

    def put(student: str, path: Path) -> None:
        target = course / "submitted" / student / assignment.id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    put("ada", assignment.source_path)
    put("ben", assignment.release_path)
    wrong = load_catalog(assignment.catalog_path).wrong
    who = []
    for student, diagnosis in assignment.settings.demo.picks.items():
        variant = next((v for v in wrong if v.diagnosis == diagnosis), None)
        if variant is None:
            print(f"   {assignment.id}: no catalog variant has the diagnosis {diagnosis!r}; {student} skipped")
            continue
        put(student, variant_notebook(assignment.source_path, variant, scratch))
        who.append(f"{student}: {diagnosis}")
    if assignment.settings.demo.hostile:
        first = next(iter(assignment.exercises))
        nb = nbformat.read(str(assignment.source_path), as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(HOSTILE.format(name=first)))
        nbformat.write(nb, str(scratch / "mallory.ipynb"))
        put("mallory", scratch / "mallory.ipynb")
        who.append("mallory: hostile (snoops, opens a socket, loops forever)")
    if copies:
        who += demo_extra.add_copies(assignment, scratch, put)
    return f"   {assignment.id}: ada: the solution; ben: the untouched release; " + "; ".join(who)


def make_artifacts(assignment: Assignment, out: Path) -> list[tuple[str, Path]]:
    """The files an assignment's settings ask the demo to make (e.g. the reference model's solo as a WAV)."""
    import importlib

    made = []
    graders = str(assignment.root / "graders")
    if graders not in sys.path:
        sys.path.insert(0, graders)
    for spec in assignment.settings.demo.artifacts:
        module, _, function = spec.partition(":")
        fn = getattr(importlib.import_module(f"{assignment.id}.{module}"), function)
        try:
            out.mkdir(parents=True, exist_ok=True)
            path = Path(fn(out))
        except Exception as exc:  # a demo extra must not hide the grading results
            print(f"   {assignment.id}: {spec} failed: {type(exc).__name__}: {exc}")
            continue
        made.append((f"{assignment.id} {(fn.__doc__ or function).strip().splitlines()[0].rstrip('.;:')}", path))
    return made


def main() -> int:
    root = repo_root()
    course = root / "build" / "demo-course"
    print(f"1. building a course batch in {course.relative_to(root)}")
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    for name in ("source", "release", "graders", "datasets", "tests"):
        if (root / name).exists():
            (course / name).symlink_to(root / name)
    ids = discover(root)
    for i, assignment_id in enumerate(ids):
        print(build_assignment(load_assignment(assignment_id, root), course, copies=i == 0))

    print("2. grading in course mode (sandboxed learner processes, TensorFlow references)")
    code = 0
    for assignment_id in ids:
        code |= cli.main(["grade", assignment_id, "--course-dir", str(course)])
    print("3. class reports (scores, mistakes, similar implementations, grading time)")
    report_lines = demo_extra.reports(ids, course)
    example = demo_extra.feedback_example(load_assignment(ids[0], course), course) if ids else None
    made = []
    for assignment_id in ids:
        made += make_artifacts(load_assignment(assignment_id, root), course / "artifacts" / assignment_id)
    print(f"""
Where to look:
  gradebook (nbgrader, SQLite): {course / 'gradebook.db'}
      e.g. .venv/bin/nbgrader export --CourseDirectory.root={course} --to grades.csv
  feedback pages:               {course / 'feedback'}/<student>/<assignment>/<notebook>.html
  machine-readable results:     {course / 'autograded'}/<assignment>-results.json
""")
    print("\n".join(report_lines))
    if example:
        print(f"  one learner's feedback page: {example}")
    for label, path in made:
        print(f"  {label}: {path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
