"""Similarity between submissions (autograde/similarity.py), on every assignment's catalog.

One batch per assignment: the solution, one notebook per catalog implementation (correct and
wrong, each replacing one solution cell) and, for each, a disguised copy (local names renamed,
layout changed, comments added, docstring dropped). The catalog's correct alternatives are
genuinely different implementations: none may be clustered with another; every copy whose
code is long enough to judge must be found with its original.
"""
from __future__ import annotations

import json

import nbformat
import pytest

from autograde import similarity
from autograde.assignment import discover, load_assignment
from autograde.catalog import Variant, load_catalog
from autograde.validate import variant_notebook
from conftest import ROOT, W1A1


def _copy(v: Variant, seed: int) -> Variant:
    return Variant(v.exercise, v.name + "_copy", similarity.disguise(v.code, seed),
                   others={k: similarity.disguise(c, seed) for k, c in v.others.items()})


@pytest.fixture(scope="module", params=discover(ROOT))
def catalog_batch(request, tmp_path_factory):
    assignment = load_assignment(request.param, ROOT)
    out = tmp_path_factory.mktemp(assignment.id)
    catalog = load_catalog(assignment.catalog_path)
    subs, variants = {"solution": assignment.source_path}, {}
    for kind, items in (("correct", catalog.correct), ("wrong", catalog.wrong)):
        for i, v in enumerate(items):
            name = f"{kind}{i:02d}"
            variants[name] = (kind, v)
            subs[name] = variant_notebook(assignment.source_path, v, out, f"{name}-")
            subs[name + "-copy"] = variant_notebook(assignment.source_path, _copy(v, 1000 + i), out, f"{name}c-")
    return assignment, variants, similarity.analyse(assignment, subs)


def _judged(analysis, student: str, exercise: str) -> bool:
    return student in analysis.exercises[exercise].judged_students


def test_correct_alternatives_are_not_flagged_as_copies_of_each_other(catalog_batch):
    assignment, variants, analysis = catalog_batch
    correct = {k for k, (kind, _) in variants.items() if kind == "correct"}
    judged = [k for k in correct if _judged(analysis, k, variants[k][1].exercise)]
    for cluster in analysis.clusters:
        originals = {m.removesuffix("-copy") for m in cluster.students} & correct
        assert len(originals) <= 1, (f"{assignment.id}: different correct implementations of {cluster.exercise} "
                                     f"flagged as copies: {sorted(variants[o][1].name for o in originals)}")
    # not vacuous: most alternatives are long enough to be judged at all
    assert len(judged) >= len(correct) // 3, (assignment.id, len(judged), len(correct))


def test_renamed_and_reformatted_copies_are_flagged(catalog_batch):
    assignment, variants, analysis = catalog_batch
    checked = 0
    for name, (kind, v) in variants.items():
        if not _judged(analysis, name, v.exercise):
            continue  # too short, or nothing but the solution and common code: no judgement either way
        checked += 1
        assert _judged(analysis, name + "-copy", v.exercise), f"{v.name}: the copy was not judged"
        pairs = [p for c in analysis.clusters if c.exercise == v.exercise for p in c.pairs
                 if {p.a, p.b} == {name, name + "-copy"}]
        assert pairs and pairs[0].similarity >= 0.9, f"{assignment.id}: the disguised copy of {v.name} was missed"
    assert checked >= 5, (assignment.id, checked)


def test_short_cells_starter_and_solution_are_not_judged(tmp_path):
    """compile_model of w3a1 is two lines: its correct forms look alike (Adam, the loss, 'accuracy'),
    so most are too short to judge, and none is flagged."""
    assignment = load_assignment("w3a1_nmt_attention", ROOT)
    catalog = load_catalog(assignment.catalog_path)
    subs = {"solution": assignment.source_path, "release": assignment.release_path}
    forms = [v for v in catalog.correct if v.exercise == "compile_model"]
    for i, v in enumerate(forms):
        subs[f"c{i}"] = variant_notebook(assignment.source_path, v, tmp_path, f"c{i}-")
    an = similarity.analyse(assignment, subs)
    stats = an.exercises["compile_model"]
    assert stats.starter == 1 and stats.reference >= 1 and stats.judged <= len(forms) // 2
    assert not [c for c in an.clusters if c.exercise == "compile_model"]


def test_deterministic_robust_and_escaping_is_left_to_the_page(tmp_path):
    """Same input, same clusters (a fixed hash seed in the child); an unreadable notebook and a
    pathological cell neither crash the analysis nor hang it; code comes back as raw text."""
    assignment = load_assignment(W1A1, ROOT)
    catalog = load_catalog(assignment.catalog_path)
    v = next(v for v in catalog.correct if v.name == "rnn_cell_forward_loop_over_batch")
    hostile = Variant(v.exercise, "hostile", "# </pre><script>alert(1)</script>\n" + v.code)
    subs = {"a": variant_notebook(assignment.source_path, hostile, tmp_path, "a-"),
            "b": variant_notebook(assignment.source_path, _copy(v, 7), tmp_path, "b-")}
    (tmp_path / "junk.ipynb").write_text("not json")
    subs["junk"] = tmp_path / "junk.ipynb"
    nb = nbformat.read(str(assignment.source_path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "rnn_forward_code":
            cell.source = "x = " + "(" * 200_000 + "\n" + "'" * 50_000
    nbformat.write(nb, str(tmp_path / "deep.ipynb"))
    subs["deep"] = tmp_path / "deep.ipynb"
    first = similarity.analyse(assignment, subs)
    second = similarity.analyse(assignment, subs)
    strip = lambda an: json.dumps({k: v for k, v in an.to_dict().items() if k != "seconds"}, sort_keys=True)  # noqa
    assert strip(first) == strip(second)
    assert "junk" in first.unreadable
    cluster = next(c for c in first.clusters if c.exercise == "rnn_cell_forward")
    assert set(cluster.students) == {"a", "b"}
    assert "<script>" in cluster.code["a"]  # raw: the report escapes it (tests/test_browser.py)
