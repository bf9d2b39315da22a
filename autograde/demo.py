"""`make demo`: the main job on the embedded defaults, start to finish.

Generates the release with nbgrader, builds a small course under build/demo-course (the
solution, the untouched release, realistic wrong submissions from the graders' catalog, and
one hostile submission), grades it in course mode into a SQLite nbgrader gradebook, writes
feedback pages, and prints where everything is.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat

from autograde import cli, release
from autograde.catalog import load_catalog
from autograde.course import load_assignment, repo_root
from autograde.validate import variant_notebook

ASSIGNMENT = "w1a1_rnn_step_by_step"
WRONG_PICKS = {"cleo": "missing_da_prevt", "dev": "concat_order", "eli": "cache_layout", "fay": "c_aliases_a",
               "gus": "scaled_by_m"}
HOSTILE = '''
import os, socket
def rnn_cell_forward(xt, a_prev, parameters):
    leaked = []
    for path in ["/work", "../graders", os.path.expanduser("~")]:
        try:
            leaked.append(os.listdir(path))
        except OSError as exc:
            leaked.append(type(exc).__name__)
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
    except OSError as exc:
        leaked.append(type(exc).__name__)
    raise RuntimeError(f"could not steal anything: {leaked}")

def lstm_forward(x, a0, parameters):
    while True:
        pass
'''


def main() -> int:
    root = repo_root()
    assignment = load_assignment(ASSIGNMENT, root)
    print(f"1. generating {assignment.release_dir.relative_to(root)} with nbgrader")
    release.generate(assignment, assignment.release_dir)

    course = root / "build" / "demo-course"
    print(f"2. building a course batch in {course.relative_to(root)}")
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    for name in ("source", "release", "graders", "datasets"):
        if (root / name).exists():
            (course / name).symlink_to(root / name)
    name = assignment.notebook_name
    source = assignment.source_dir / name
    submitted = course / "submitted"

    def put(student: str, path: Path) -> None:
        target = submitted / student / ASSIGNMENT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    put("ada", source)
    put("ben", assignment.release_dir / name)
    wrong, _ = load_catalog(root, ASSIGNMENT)
    scratch = course / "scratch"
    scratch.mkdir()
    for student, diagnosis in WRONG_PICKS.items():
        variant = next(v for v in wrong if v.diagnosis == diagnosis)
        put(student, variant_notebook(source, variant, scratch))
    nb = nbformat.read(str(source), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(HOSTILE))
    nbformat.write(nb, str(scratch / "mallory.ipynb"))
    put("mallory", scratch / "mallory.ipynb")
    print("   ada: the solution; ben: the untouched release; " + ", ".join(
        f"{s}: {d}" for s, d in WRONG_PICKS.items()) + "; mallory: hostile (snoops, opens a socket, loops forever)")

    print("3. grading in course mode (sandboxed learner processes, TensorFlow references)")
    code = cli.main(["grade", ASSIGNMENT, "--course-dir", str(course)])
    print(f"""
Where to look:
  gradebook (nbgrader, SQLite): {course / 'gradebook.db'}
      e.g. .venv/bin/nbgrader export --CourseDirectory.root={course} --to grades.csv
  feedback pages:               {course / 'feedback'}/<student>/{ASSIGNMENT}/{Path(name).stem}.html
  machine-readable results:     {course / 'autograded' / (ASSIGNMENT + '-results.json')}
""")
    return code


if __name__ == "__main__":
    sys.exit(main())
