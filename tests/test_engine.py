"""The grading engine itself: one long-lived worker grades several assignments whose grader
packages share module names, without interference, and keeps its state between submissions."""
from __future__ import annotations

import sys

from conftest import ROOT

from autograde.engine import Grader, Job

W1A1, W1A2 = "w1a1_rnn_step_by_step", "w1a2_dinosaur_island"


def test_grader_packages_with_the_same_module_names_do_not_interfere():
    from autograde.assignment import load_assignment

    a1, a2 = load_assignment(W1A1, ROOT), load_assignment(W1A2, ROOT)
    for a in (a1, a2):  # the premise: both packages have a common.py and a reference.py
        assert (a.graders_dir / "common.py").exists() and (a.graders_dir / "reference.py").exists()
    grader = Grader()
    try:
        first = grader.grade(Job(W1A1, str(a1.source_path), None, str(ROOT)))
        second = grader.grade(Job(W1A2, str(a2.source_path), None, str(ROOT)))
        third = grader.grade(Job(W1A1, str(a1.release_path), None, str(ROOT)))
    finally:
        grader.close()
    assert first.score == first.max_score == 100 and not first.internal_errors
    assert second.score == second.max_score == 100 and not second.internal_errors
    assert third.score == 0 and third.status.value == "graded"
    m1, m2 = sys.modules.get(f"{W1A1}.common"), sys.modules.get(f"{W1A2}.common")
    assert m1 is not None and m2 is not None and m1 is not m2
    assert m1.__file__ != m2.__file__
