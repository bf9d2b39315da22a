"""`make demo`: the main job on the embedded defaults, start to finish.

For every assignment in DEMO: generates its release with nbgrader and puts submissions in a
small course under build/demo-course (the solution, the untouched release, realistic wrong
submissions from the graders' catalog; one hostile submission in w1a1). Then grades each
assignment in course mode into one SQLite nbgrader gradebook, writes feedback pages, and
prints where everything is.
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

# Per assignment: learner -> the diagnosis id of the catalog's wrong implementation they submit.
# Every assignment also gets ada (the solution) and ben (the untouched release).
DEMO = {
    "w1a1_rnn_step_by_step": {"cleo": "missing_da_prevt", "dev": "concat_order", "eli": "cache_layout",
                              "fay": "c_aliases_a", "gus": "scaled_by_m"},
    "w1a2_dinosaur_island": {"cleo": "sample_dict_values", "dev": "optimize_returns_a0", "eli": "clip_rebind",
                             "fay": "model_a_prev_reset"},
    "w3a1_nmt_attention": {"cleo": "concat_order", "dev": "s0_every_step"},
}
HOSTILE_IN = "w1a1_rnn_step_by_step"
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


def build_assignment(root: Path, course: Path, assignment_id: str, picks: dict[str, str]) -> str:
    """Put the demo submissions of one assignment under course/submitted; say who is who."""
    assignment = load_assignment(assignment_id, root)
    release.generate(assignment, assignment.release_dir)
    name = assignment.notebook_name
    source = assignment.source_dir / name
    scratch = course / "scratch" / assignment_id
    scratch.mkdir(parents=True)

    def put(student: str, path: Path) -> None:
        target = course / "submitted" / student / assignment_id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    put("ada", source)
    put("ben", assignment.release_dir / name)
    wrong, _ = load_catalog(root, assignment_id)
    for student, diagnosis in picks.items():
        variant = next(v for v in wrong if v.diagnosis == diagnosis)
        put(student, variant_notebook(source, variant, scratch))
    who = ", ".join(f"{s}: {d}" for s, d in picks.items())
    if assignment_id == HOSTILE_IN:
        nb = nbformat.read(str(source), as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(HOSTILE))
        nbformat.write(nb, str(scratch / "mallory.ipynb"))
        put("mallory", scratch / "mallory.ipynb")
        who += "; mallory: hostile (snoops, opens a socket, loops forever)"
    return f"   {assignment_id}: ada: the solution; ben: the untouched release; {who}"


def main() -> int:
    root = repo_root()
    course = root / "build" / "demo-course"
    print(f"1. generating release/ with nbgrader and building a course batch in {course.relative_to(root)}")
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    for name in ("source", "release", "graders", "datasets"):
        if (root / name).exists():
            (course / name).symlink_to(root / name)
    for assignment_id, picks in DEMO.items():
        print(build_assignment(root, course, assignment_id, picks))

    print("2. grading in course mode (sandboxed learner processes, TensorFlow references)")
    code = 0
    for assignment_id in DEMO:
        code |= cli.main(["grade", assignment_id, "--course-dir", str(course)])
    print(f"""
Where to look:
  gradebook (nbgrader, SQLite): {course / 'gradebook.db'}
      e.g. .venv/bin/nbgrader export --CourseDirectory.root={course} --to grades.csv
  feedback pages:               {course / 'feedback'}/<student>/<assignment>/<notebook>.html
  machine-readable results:     {course / 'autograded'}/<assignment>-results.json
""")
    return code


if __name__ == "__main__":
    sys.exit(main())
