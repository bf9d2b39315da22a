"""Feedback that is right and short: one line per wrong output over all hidden cases, every
wrong output named, the first wrong time step, a cache-layout hint only for a layout mistake,
undefined names explained, wrong notebooks recognised, scores rounded for people."""
from __future__ import annotations

import json

import nbformat
import pytest
from conftest import ROOT, W1A1, notebook_with

from autograde.engine import Grader, Job

W1A2, W3A1 = "w1a2_dinosaur_island", "w3a1_nmt_attention"

GATE_TANH = '''
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    z = np.concatenate([a_prev, xt])
    ft = np.tanh(parameters["Wf"] @ z + parameters["bf"])
    it = sigmoid(parameters["Wi"] @ z + parameters["bi"])
    cct = np.tanh(parameters["Wc"] @ z + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(parameters["Wo"] @ z + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
'''
NO_CARRY = '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, (caches, x)
'''
NO_BIAS_CELL = '''
def rnn_cell_forward(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
'''
# A cell that raises, around a loop that is wrong too (the bias left out of the call).
RAISING_CELL = '''
def rnn_cell_forward(xt, a_prev, parameters):
    a_next = np.tanh(np.dot(parameters["Wax"], xt) + None)
    return a_next, a_next, (a_next, a_prev, xt, parameters)
'''
LOOP_WITHOUT_BA = '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches, a_next = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), [], a0
    p = dict(parameters, ba=np.zeros_like(parameters["ba"]))
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, (caches, x)
'''
# The curriculum's "db without keepdims": the correct loop's `dba += ...` then raises in the loop.
DBA_FLAT_CELL = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next ** 2) * da_next
    return {"dxt": parameters["Wax"].T @ dtanh, "da_prev": parameters["Waa"].T @ dtanh,
            "dWax": dtanh @ xt.T, "dWaa": dtanh @ a_prev.T, "dba": np.sum(dtanh, axis=1)}
'''

FORWARD_IN_TIME_LOOP = '''
def rnn_backward(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx, dWax, dWaa = np.zeros((n_x, m, T_x)), np.zeros((n_a, n_x)), np.zeros((n_a, n_a))
    dba, da_prevt = np.zeros((n_a, 1)), np.zeros((n_a, m))
    for t in range(T_x):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t], da_prevt = gradients["dxt"], gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''


@pytest.fixture(scope="module")
def graded(w1a1, tmp_path_factory):
    from autograde.assignment import load_assignment

    out = tmp_path_factory.mktemp("feedback")
    stripped = nbformat.read(str(w1a1.source_path), as_version=4)
    for cell in stripped.cells:
        cell.metadata = {}
    notebooks = {
        "gate_tanh": notebook_with(w1a1, replace={"lstm_cell_forward_code": GATE_TANH}),
        "no_carry": notebook_with(w1a1, replace={"rnn_forward_code": NO_CARRY}),
        "no_bias_cell": notebook_with(w1a1, replace={"rnn_cell_forward_code": NO_BIAS_CELL}),
        "raising_cell": notebook_with(w1a1, replace={"rnn_cell_forward_code": RAISING_CELL,
                                                     "rnn_forward_code": LOOP_WITHOUT_BA}),
        "raising_cell_correct_loop": notebook_with(w1a1, replace={"rnn_cell_forward_code": RAISING_CELL}),
        "dba_flat_cell": notebook_with(w1a1, replace={"rnn_cell_backward_code": DBA_FLAT_CELL}),
        "dba_flat_cell_forward_loop": notebook_with(w1a1, replace={"rnn_cell_backward_code": DBA_FLAT_CELL,
                                                                   "rnn_backward_code": FORWARD_IN_TIME_LOOP}),
        "stripped": stripped,
        "other_assignment": nbformat.read(str(load_assignment(W1A2, ROOT).source_path), as_version=4),
    }
    grader = Grader()
    results = {}
    try:
        for name, nb in notebooks.items():
            path = out / f"{name}.ipynb"
            nbformat.write(nb, str(path))
            results[name] = grader.grade(Job(W1A1, str(path), None, str(ROOT)))
    finally:
        grader.close()
    return results


def test_a_raising_callee_is_named_in_its_wrong_callers_feedback(graded):
    """The loop is judged apart from its cell; when the cell raises on the loop's inputs the
    loop's feedback names the cell to fix first (not an internal grader error)."""
    res = graded["raising_cell"]
    assert not res.internal_errors, res.internal_errors
    loop = res.exercises["rnn_forward"]
    assert loop.score < loop.max_score
    assert any("calls your rnn_cell_forward" in line and "Fix rnn_cell_forward first" in line
               for line in loop.feedback), loop.feedback
    assert not any("internal grader error" in line for line in loop.feedback)


def test_a_correct_loop_around_a_raising_cell_keeps_its_points(graded):
    """The cell raises on every input; the notebook's own rnn_forward, run with the reference
    cell's results standing in (checked call by call), is right: it keeps its points."""
    res = graded["raising_cell_correct_loop"]
    assert not res.internal_errors, res.internal_errors
    assert res.exercises["rnn_cell_forward"].score == 0
    loop = res.exercises["rnn_forward"]
    assert loop.score == loop.max_score, loop.feedback
    assert any("run with a correct rnn_cell_forward in place of yours" in line for line in loop.feedback)


def test_a_correct_loop_that_raises_on_a_wrong_cells_result_keeps_its_points(graded):
    """The notebook's own rnn_backward raises on a flat dba (`dba += ...`): run with the reference
    cell's results standing in, it is right, so only the cell loses points."""
    res = graded["dba_flat_cell"]
    assert not res.internal_errors, res.internal_errors
    assert res.exercises["rnn_cell_backward"].score < res.exercises["rnn_cell_backward"].max_score
    loop = res.exercises["rnn_backward"]
    assert loop.score == loop.max_score, loop.feedback
    assert any("run with a correct rnn_cell_backward in place of yours" in line for line in loop.feedback)
    assert all(res.exercises[k].score == res.exercises[k].max_score
               for k in ("rnn_cell_forward", "rnn_forward", "lstm_cell_backward", "lstm_backward"))


def test_a_wrong_loop_around_a_wrong_cell_loses_its_points_naming_the_cell(graded):
    """Forward in time around the flat-dba cell: with the reference cell standing in, the loop
    passes the cell other arguments than a correct loop, so it is not kept; its error names the cell."""
    res = graded["dba_flat_cell_forward_loop"]
    assert not res.internal_errors, res.internal_errors
    loop = res.exercises["rnn_backward"]
    assert loop.score < loop.max_score
    assert any("uses what your rnn_cell_backward returns" in line and "Fix rnn_cell_backward first" in line
               for line in loop.feedback), loop.feedback


def test_one_line_per_wrong_output_naming_every_output(graded):
    lines = graded["gate_tanh"].exercises["lstm_cell_forward"].feedback
    values = [line for line in lines if "hidden cases" in line]
    assert any(line.startswith("c_next is wrong on all 4 hidden cases") for line in values), lines
    assert any(line.startswith("a_next is wrong on all 4 hidden cases") for line in values), lines
    assert len([line for line in lines if line.startswith("c_next")]) == 1, lines
    assert any("sigmoid, not tanh" in line for line in lines), lines  # the hint


def test_sequences_name_the_first_wrong_time_step(graded):
    lines = graded["no_carry"].exercises["rnn_forward"].feedback
    assert any("first goes wrong at time step 1" in line for line in lines), lines


def test_cache_layout_hint_only_for_a_layout_mistake(graded):
    ex = graded["no_bias_cell"].exercises["rnn_cell_forward"]
    assert "cache_layout" not in ex.diagnoses
    assert not any("should be a_next" in line for line in ex.feedback), ex.feedback


def test_stripped_metadata_is_one_line_and_still_graded(graded):
    r = graded["stripped"]
    assert r.status.value == "graded" and r.score == r.max_score == 100, r.message
    assert "nbgrader metadata missing" in r.message and "was deleted" not in r.message


def test_a_notebook_of_another_assignment_is_recognised(graded):
    r = graded["other_assignment"]
    assert r.status.value == "graded" and r.score == 0
    assert "0 of 8 exercises found" in r.message and W1A2 in r.message


def test_an_undefined_name_is_explained(validation_reports):
    """The untouched w3a1 release: model = modelf(...) failed, so the compile check says why."""
    report = validation_reports[W3A1]
    release = next(r for k, r in report.results.items() if k.startswith(f"{W3A1}: release"))
    lines = release.exercises["compile_model"].feedback
    assert any("model is not defined because modelf is not implemented yet" in line for line in lines), lines
    assert not any("compile_model is not defined" in line for line in lines), lines


def test_scores_are_rounded_for_people(tmp_path):
    from autograde import feedback
    from autograde.results import ExerciseResult, NotebookResult, Status, points, write_json

    r = NotebookResult("nb.ipynb", W1A1, Status.GRADED, score=66.666666, max_score=100,
                       exercises={"rnn_forward": ExerciseResult(6.666666, 10, ["x"])})
    page = feedback.render(r)
    assert "66.67 / 100" in page and "6.67 / 10" in page and "6.666" not in page
    assert points(2 / 3) == "0.67" and points(10.0) == "10"
    write_json([r], tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["results"][0]["score"] == 66.666666  # full precision
