"""Hidden graders for the four backward functions of w1a1.

The caches handed to the learner's backward functions are built here from the reference
forward pass (so a wrong forward function cannot spoil the backward grades), in exactly the
contract's layout; the expected gradients are GradientTape vector-Jacobian products, computed
once per grader process for the fixed hidden cases.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograde.checks import Feedback, check_keys
from autograde.expected import expected, lazy
from autograde.grading import ReferenceCallee, judged_apart
from autograde.runner import StudentError

from .common import ATOL, CONFIGS, RTOL, SINGLE_STEP, check_second_call, check_unchanged, ids, isolated, same, \
    same_nested

ref = lazy(".reference", __package__)  # TensorFlow is imported only when a value is not stored
exercise = pytest.mark.exercise

RNN_CELL_KEYS = ["dxt", "da_prev", "dWax", "dWaa", "dba"]
RNN_KEYS = ["dx", "da0", "dWax", "dWaa", "dba"]
LSTM_W = ["dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"]
LSTM_CELL_KEYS = ["dxt", "da_prev", "dc_prev"] + LSTM_W
LSTM_KEYS = ["dx", "da0"] + LSTM_W


@expected
def rnn_caches(cfg):
    n_x, n_a, n_y, m, T, seed = cfg
    rng = np.random.default_rng(seed + 200)
    p = ref.rnn_params(rng, n_x, n_a, n_y)
    x, a0 = rng.standard_normal((n_x, m, T)), rng.standard_normal((n_a, m))
    a, _ = ref.rnn_forward(x, a0, p)
    steps = [(a[:, :, t], a0 if t == 0 else a[:, :, t - 1], x[:, :, t], p) for t in range(T)]
    return p, x, a0, a, steps, rng.standard_normal((n_a, m, T))


@expected
def lstm_caches(cfg):
    n_x, n_a, n_y, m, T, seed = cfg
    rng = np.random.default_rng(seed + 300)
    p = ref.lstm_params(rng, n_x, n_a, n_y)
    x, a0 = rng.standard_normal((n_x, m, T)), rng.standard_normal((n_a, m))
    steps, a_t, c_t = [], a0, np.zeros_like(a0)
    for t in range(T):
        g = ref.lstm_gates(x[:, :, t], a_t, c_t, p)
        steps.append((g["a_next"], g["c_next"], a_t, c_t, g["ft"], g["it"], g["cct"], g["ot"], x[:, :, t], p))
        a_t, c_t = g["a_next"], g["c_next"]
    return p, x, a0, steps, rng.standard_normal((n_a, m, T))


def diagnose_gradients(fb: Feedback, got: dict, expected: dict, m: int) -> None:
    """Shape and scale fingerprints shared by every backward function."""
    flat = [key for key, want in expected.items() if key.startswith("db") and isinstance(got.get(key), np.ndarray)
            and got[key].shape == want.shape[:1]]
    if flat:  # one hint naming every bias gradient that lost its column axis
        fb.diagnose("db_keepdims", f"{', '.join(flat)} must keep {'their' if len(flat) > 1 else 'its'} column shape "
                    f"{expected[flat[0]].shape}: sum with keepdims=True.")
    for key, want in expected.items():
        value = got.get(key)
        if not isinstance(value, np.ndarray) or key in flat:
            continue
        if key.startswith("dW") and value.shape == want.shape and same(value * m, want) and not same(value, want):
            fb.diagnose("scaled_by_m", f"{key} is 1/m of the right value: do not average over the batch here "
                        "(the loss is taken as already averaged).")


@expected
def loop_variants(kind: str, cfg) -> dict:
    """The classic wrong loops, emulated with the reference cell's gradients (for hints)."""
    if kind == "rnn":
        p, x, _, _, steps, da = rnn_caches(cfg)
        step, keys = _rnn_step(steps, p), ("dWax", "dWaa", "dba")
    else:
        p, x, _, steps, da = lstm_caches(cfg)
        step, keys = _lstm_step(steps), tuple(LSTM_W)
    T = x.shape[2]
    return {mistake: ref.unroll_backward(step, T, da, keys=keys, **kwargs) for kwargs, mistake in (
        (dict(carry=False), "missing_da_prevt"), (dict(order="forward"), "forward_in_time"),
        (dict(accumulate=False), "gradients_not_accumulated"))}


HINTS = {"missing_da_prevt": "at each step pass da[:, :, t] + da_prevt to the cell: the gradient flowing back from "
                             "later steps must be added.",
         "forward_in_time": "loop backwards in time: for t in reversed(range(T_x)).",
         "gradients_not_accumulated": "the weights are shared by all time steps: add each step's weight gradients "
                                      "(+=) instead of overwriting them."}


def diagnose_loops(fb: Feedback, got: dict, kind: str, cfg, T: int, wkey: str) -> None:
    if T < 2:
        return
    for mistake, variant in loop_variants(kind, cfg).items():
        if same(got.get(wkey), variant[wkey]):
            fb.diagnose(mistake, HINTS[mistake])


def compose_backward(student, cell: str, steps, da, keys: tuple[str, ...], lstm: bool) -> dict:
    """What a correct backward loop computes around the learner's own cell function."""
    T = da.shape[2]
    da_prev = np.zeros_like(da[:, :, 0])
    dc_prev = np.zeros_like(da[:, :, 0])
    dx: dict[int, np.ndarray] = {}
    total: dict[str, np.ndarray] = {}
    for t in reversed(range(T)):
        args = (da[:, :, t] + da_prev, dc_prev, steps[t]) if lstm else (da[:, :, t] + da_prev, steps[t])
        g = getattr(student, cell)(*args)
        if not isinstance(g, dict):
            raise TypeError(f"{cell} does not return a dict")
        dx[t] = np.asarray(g["dxt"])
        da_prev = np.asarray(g["da_prev"])
        if lstm:
            dc_prev = np.asarray(g["dc_prev"])
        for k in keys:
            total[k] = total[k] + np.asarray(g[k]) if k in total else np.asarray(g[k])
    return {"dx": np.stack([dx[t] for t in range(T)], axis=2), "da0": da_prev, **total}


@expected
def cell_calls(kind: str, cfg) -> list:
    """A correct backward loop's calls of its cell on this case, from the last step back: the
    arguments it passes and the reference cell's gradients (for judging the learner's loop with
    the reference cell in place of the learner's)."""
    if kind == "rnn":
        p, x, _, _, steps, da = rnn_caches(cfg)
    else:
        p, x, _, steps, da = lstm_caches(cfg)
    calls, da_prev, dc_prev = [], np.zeros_like(da[:, :, 0]), np.zeros_like(da[:, :, 0])
    for t in reversed(range(x.shape[2])):
        da_next = da[:, :, t] + da_prev
        if kind == "rnn":
            g = ref.rnn_cell_backward(da_next, steps[t][2], steps[t][1], p)
            calls.append(((da_next, steps[t]), g))
        else:
            g = _lstm_cell_ref(da_next, dc_prev, steps[t])
            calls.append(((da_next, dc_prev, steps[t]), g))
            dc_prev = g["dc_prev"]
        da_prev = g["da_prev"]
    return calls


def loop_reference(kind: str, cfg) -> ReferenceCallee:
    """The learner's backward loop, run with the reference cell's gradients standing in for its cell."""
    if kind == "rnn":
        _, x, _, _, steps, da = rnn_caches(cfg)
        name, params, keys, exp = "rnn_cell_backward", ("da_next", "cache"), RNN_KEYS, rnn_backward_expected(cfg)
    else:
        _, x, _, steps, da = lstm_caches(cfg)
        name, params, keys, exp = ("lstm_cell_backward", ("da_next", "dc_next", "cache"), LSTM_KEYS,
                                   lstm_backward_expected(cfg))
    return ReferenceCallee(name, params, cell_calls(kind, cfg), (da, (steps, x)), same_nested,
                           lambda got: isinstance(got, dict) and all(k in got and same(got[k], exp[k]) for k in keys))


def call_loop(student, feedback, kind: str, cfg, da, caches):
    """The learner's backward loop on this case, called twice; if it raises while its cell failed
    its own checks (perhaps on what the cell returned), it is judged with the reference cell
    (None when it keeps its points that way)."""
    try:
        return student.call_twice(f"{kind}_backward", da, caches)
    except StudentError:
        if judged_apart(feedback, student, f"{kind}_backward", f"{kind}_cell_backward",
                        lambda: loop_reference(kind, cfg)):
            return None
        raise


# ------------------------------------------------------------------ rnn_cell_backward

@expected
def rnn_cell_expected(cfg):
    p, x, _, _, steps, da = rnn_caches(cfg)
    t = x.shape[2] - 1
    return ref.rnn_cell_backward(da[:, :, t], steps[t][2], steps[t][1], p)


@exercise("rnn_cell_backward", weight=1)
@pytest.mark.parametrize("cfg", CONFIGS, ids=ids(CONFIGS))
def test_rnn_cell_backward(student, feedback, cfg):
    p, x, a0, a, steps, da = rnn_caches(cfg)
    t = x.shape[2] - 1
    cache = steps[t]
    da_next = da[:, :, t]
    got, again, after = student.call_twice("rnn_cell_backward", da_next, cache)
    check_keys("the gradients dict returned by rnn_cell_backward", got, RNN_CELL_KEYS)
    exp = rnn_cell_expected(cfg)
    if not all(same(got[k], exp[k]) for k in RNN_CELL_KEYS):
        with feedback.probing():
            diagnose_gradients(feedback, got, exp, x.shape[1])
            if same(got["dxt"], p["Wax"].T @ (da_next * (1 - cache[1] ** 2))):
                feedback.diagnose("tanh_derivative", "the derivative of tanh must use the cell's output a_next "
                                  "(1 - a_next**2), not a_prev.")
    for k in RNN_CELL_KEYS:
        feedback.check_array(k, got[k], exp[k], atol=ATOL, rtol=RTOL)
    check_unchanged([("da_next", da_next, after[0])])
    check_second_call("rnn_cell_backward", got, again)


# ------------------------------------------------------------------ rnn_backward

def _rnn_step(steps, p):
    return lambda t, da_next, dc_next: ref.rnn_cell_backward(da_next, steps[t][2], steps[t][1], p)


@expected
def rnn_backward_expected(cfg):
    p, x, a0, _, _, da = rnn_caches(cfg)
    return ref.rnn_backward(da, x, a0, p)


@exercise("rnn_backward", weight=1)
@pytest.mark.parametrize("cfg", CONFIGS + [SINGLE_STEP], ids=ids(CONFIGS + [SINGLE_STEP]))
def test_rnn_backward(student, feedback, cfg):
    p, x, a0, a, steps, da = rnn_caches(cfg)
    called = call_loop(student, feedback, "rnn", cfg, da, (steps, x))
    if called is None:
        return
    got, again, after = called
    check_keys("the gradients dict returned by rnn_backward", got, RNN_KEYS)
    exp = rnn_backward_expected(cfg)
    if not all(same(got[k], exp[k]) for k in RNN_KEYS):
        if isolated(feedback, student, "rnn_backward", "rnn_cell_backward",
                    lambda: compose_backward(student, "rnn_cell_backward", steps, da, ("dWax", "dWaa", "dba"), False),
                    lambda c: all(same(got[k], c[k]) for k in RNN_KEYS), lambda: loop_reference("rnn", cfg)):
            return
        with feedback.probing():
            diagnose_gradients(feedback, got, exp, x.shape[1])
            diagnose_loops(feedback, got, "rnn", cfg, x.shape[2], "dWax")
    for k in RNN_KEYS:
        feedback.check_array(k, got[k], exp[k], atol=ATOL, rtol=RTOL, time_axis=2 if k == "dx" else None)
    check_unchanged([("da", da, after[0])])
    check_second_call("rnn_backward", got, again)


# ------------------------------------------------------------------ lstm_cell_backward

def _lstm_cell_ref(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    return ref.lstm_cell_backward(da_next, dc_next, xt, a_prev, c_prev, p)


@expected
def lstm_cell_problem(cfg):
    p, x, a0, steps, da = lstm_caches(cfg)
    t = x.shape[2] - 1
    da_next = da[:, :, t]
    dc_next = np.random.default_rng(cfg[-1]).standard_normal(da_next.shape)
    exp = _lstm_cell_ref(da_next, dc_next, steps[t])
    no_dc = _lstm_cell_ref(da_next, np.zeros_like(dc_next), steps[t])
    return steps[t], da_next, dc_next, exp, no_dc


@exercise("lstm_cell_backward", weight=1)
@pytest.mark.parametrize("cfg", CONFIGS, ids=ids(CONFIGS))
def test_lstm_cell_backward(student, feedback, cfg):
    cache, da_next, dc_next, exp, no_dc = lstm_cell_problem(cfg)
    got, again, after = student.call_twice("lstm_cell_backward", da_next, dc_next, cache)
    check_keys("the gradients dict returned by lstm_cell_backward", got, LSTM_CELL_KEYS)
    if not all(same(got[k], exp[k]) for k in LSTM_CELL_KEYS):
        with feedback.probing():
            diagnose_gradients(feedback, got, exp, da_next.shape[1])
            if same(got["dWf"], no_dc["dWf"]) or same(got["dc_prev"], no_dc["dc_prev"]):
                feedback.diagnose("missing_dc_next", "the gradient reaching c_next is dc_next plus the part coming "
                                  "through a_next: g = dc_next + da_next·ot·(1 - tanh(c_next)²).")
            n_x = cache[8].shape[0]
            dz = np.concatenate([exp["da_prev"], exp["dxt"]])
            if same(got["da_prev"], dz[n_x:]) or same(got["dxt"], dz[:n_x]):
                feedback.diagnose("dz_split_order", "z stacks [a_prev; xt], so da_prev is dz[:n_a] and dxt is "
                                  "dz[n_a:].")
    for k in LSTM_CELL_KEYS:
        feedback.check_array(k, got[k], exp[k], atol=ATOL, rtol=RTOL)
    check_unchanged([("da_next", da_next, after[0]), ("dc_next", dc_next, after[1])])
    check_second_call("lstm_cell_backward", got, again)


# ------------------------------------------------------------------ lstm_backward

def _lstm_step(steps):
    def step(t, da_next, dc_next):
        return _lstm_cell_ref(da_next, np.zeros_like(da_next) if dc_next is None else dc_next, steps[t])
    return step


@expected
def lstm_backward_expected(cfg):
    p, x, a0, _, da = lstm_caches(cfg)
    return ref.lstm_backward(da, x, a0, p)


@exercise("lstm_backward", weight=1)
@pytest.mark.parametrize("cfg", CONFIGS + [SINGLE_STEP], ids=ids(CONFIGS + [SINGLE_STEP]))
def test_lstm_backward(student, feedback, cfg):
    p, x, a0, steps, da = lstm_caches(cfg)
    called = call_loop(student, feedback, "lstm", cfg, da, (steps, x))
    if called is None:
        return
    got, again, after = called
    check_keys("the gradients dict returned by lstm_backward", got, LSTM_KEYS)
    exp = lstm_backward_expected(cfg)
    if not all(same(got[k], exp[k]) for k in LSTM_KEYS):
        if isolated(feedback, student, "lstm_backward", "lstm_cell_backward",
                    lambda: compose_backward(student, "lstm_cell_backward", steps, da, tuple(LSTM_W), True),
                    lambda c: all(same(got[k], c[k]) for k in LSTM_KEYS), lambda: loop_reference("lstm", cfg)):
            return
        with feedback.probing():
            diagnose_gradients(feedback, got, exp, x.shape[1])
            diagnose_loops(feedback, got, "lstm", cfg, x.shape[2], "dWf")
    for k in LSTM_KEYS:
        feedback.check_array(k, got[k], exp[k], atol=ATOL, rtol=RTOL, time_axis=2 if k == "dx" else None)
    check_unchanged([("da", da, after[0])])
    check_second_call("lstm_backward", got, again)
