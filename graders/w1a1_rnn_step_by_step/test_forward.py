"""Hidden graders for the four forward functions of w1a1 (references: .reference, Keras cells).

Expected values depend only on the fixed hidden cases, so they are computed once per grader
process and stored on disk (``autograde.expected``); only checks that depend on a learner's own output (mistake
emulation, composing a loop with the learner's own cell) run per submission.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograde.checks import Feedback, check_len, fail
from autograde.expected import expected, lazy
from autograde.grading import ReferenceCallee, judged_apart
from autograde.runner import StudentError

from .common import ATOL, CONFIGS, RTOL, SINGLE_STEP, SQUARE, check_second_call, check_unchanged, ids, isolated, \
    same, same_nested

ref = lazy(".reference", __package__)  # TensorFlow is imported only when a value is not stored
exercise = pytest.mark.exercise


@expected
def rnn_problem(cfg):
    n_x, n_a, n_y, m, T, seed = cfg
    rng = np.random.default_rng(seed)
    p = ref.rnn_params(rng, n_x, n_a, n_y)
    return p, rng.standard_normal((n_x, m, T)), rng.standard_normal((n_a, m))


@expected
def lstm_problem(cfg):
    n_x, n_a, n_y, m, T, seed = cfg
    rng = np.random.default_rng(seed + 100)
    p = ref.lstm_params(rng, n_x, n_a, n_y)
    x, a0 = rng.standard_normal((n_x, m, T)), rng.standard_normal((n_a, m))
    return p, x, a0, rng.standard_normal(a0.shape)


@expected
def rnn_cell_expected(cfg, t: int = 0):
    p, x, a0 = rnn_problem(cfg)
    return ref.rnn_cell_forward(x[:, :, t % x.shape[2]], a0, p)


@expected
def rnn_forward_expected(cfg):
    p, x, a0 = rnn_problem(cfg)
    return ref.rnn_forward(x, a0, p)


@expected
def lstm_cell_expected(cfg):
    p, x, a0, c_prev = lstm_problem(cfg)
    return ref.lstm_gates(x[:, :, 0], a0, c_prev, p)


@expected
def lstm_forward_expected(cfg):
    """(a, y, c) and the gates of every step (for the caches)."""
    p, x, a0, _ = lstm_problem(cfg)
    a, y, c = ref.lstm_forward(x, a0, p)
    steps, a_t, c_t = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        g = ref.lstm_gates(x[:, :, t], a_t, c_t, p)
        steps.append((a_t, c_t, g))
        a_t, c_t = g["a_next"], g["c_next"]
    return a, y, c, steps


def _try(fn, *args):
    """A diagnostic probe: learner errors here only mean no hint."""
    try:
        return fn(*args)
    except Exception:
        return None


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _check_output_activation(fb: Feedback, y, expected_shape) -> None:
    if isinstance(y, np.ndarray) and y.shape == expected_shape and y.dtype.kind == "f":
        if not np.allclose(y.sum(axis=0), 1.0, atol=1e-6):
            fb.diagnose("output_activation", "the predictions should be a softmax over the classes: every column "
                        "(axis 0) of yt_pred must sum to 1. Use the provided softmax, which works per column.")


def check_cache(fb: Feedback, fname: str, cache, expected: list[tuple[str, object]]) -> None:
    """A cache must hold exactly these entries in this order (the backward pass unpacks it).

    A layout mistake is named only when an entry sits in another entry's slot (or the tuple has
    the wrong length); an entry that merely holds wrong values is the computation's fault,
    which the values checks already grade."""
    names = ", ".join(n for n, _ in expected)
    if not isinstance(cache, (tuple, list)) or len(cache) != len(expected):
        fb.diagnose("cache_layout", f"the cache of {fname} must be the tuple ({names}), in that order.")
        check_len(f"the cache returned by {fname}", cache, len(expected), names)
    for i, (name, want) in enumerate(expected):
        if not same_nested(cache[i], want):
            other = [n for n, w in expected if n != name and same_nested(cache[i], w)]
            if other:
                fb.diagnose("cache_layout", f"the cache of {fname} must be the tuple ({names}), in that order.")
                fail(f"entry {i} of the cache returned by {fname} should be {name}; it holds {other[0]}.",
                     output=f"the cache of {fname}", kind="layout")
            fail(f"entry {i} ({name}) of the cache returned by {fname} does not hold the value {name} should "
                 "have there.", output=f"entry {i} ({name}) of the cache of {fname}", kind="cache")


# ------------------------------------------------------------------ rnn_cell_forward

def diagnose_rnn_cell(student, fb: Feedback, xt, a_prev, p, a_next, y, exp_a) -> None:
    n_a, n_x = p["Wax"].shape
    if n_a == n_x and same(a_next, np.tanh(p["Waa"] @ xt + p["Wax"] @ a_prev + p["ba"])):
        fb.diagnose("wax_waa_swapped", "Wax multiplies the input xt and Waa the previous state a_prev; "
                    "in your a_next they seem exchanged.")
    if same(a_next, exp_a):
        _check_output_activation(fb, y, (p["Wya"].shape[0], xt.shape[1]))
        if same(y, ref.softmax0(p["Wya"] @ exp_a)):
            fb.diagnose("missing_bias", "the bias by seems to be missing from the prediction.")
    zero = _try(student.rnn_cell_forward, np.zeros_like(xt), np.zeros_like(a_prev), p)
    if zero and isinstance(zero, (tuple, list)) and len(zero) >= 1:
        if same(zero[0], np.zeros_like(a_prev)):
            fb.diagnose("missing_bias", "with all-zero inputs a_next should be tanh(ba); yours is 0, so the bias ba "
                        "seems to be missing.")
    only_x = _try(student.rnn_cell_forward, xt, np.zeros_like(a_prev), p)
    only_a = _try(student.rnn_cell_forward, np.zeros_like(xt), a_prev, p)
    if only_x and only_a and isinstance(only_x, (tuple, list)) and isinstance(only_a, (tuple, list)):
        x_ok = same(only_x[0], np.tanh(p["Wax"] @ xt + p["ba"]))
        a_ok = same(only_a[0], np.tanh(p["Waa"] @ a_prev + p["ba"]))
        if x_ok and not a_ok:
            fb.diagnose("term_a_prev", "with xt set to zero your a_next is wrong: check the Waa·a_prev term.")
        elif a_ok and not x_ok:
            fb.diagnose("term_xt", "with a_prev set to zero your a_next is wrong: check the Wax·xt term.")


@exercise("rnn_cell_forward", weight=3)
@pytest.mark.parametrize("cfg", CONFIGS + [SQUARE], ids=ids(CONFIGS + [SQUARE]))
def test_rnn_cell_forward_values(student, feedback, cfg):
    p, x, a0 = rnn_problem(cfg)
    xt = x[:, :, 0]
    out, again, after = student.call_twice("rnn_cell_forward", xt, a0, p)
    check_len("the value returned by rnn_cell_forward", out, 3, "a_next, yt_pred, cache")
    exp_a, exp_y = rnn_cell_expected(cfg)
    if not (same(out[0], exp_a) and same(out[1], exp_y)):
        with feedback.probing():
            diagnose_rnn_cell(student, feedback, xt, a0, p, out[0], out[1], exp_a)
    feedback.check_array("a_next", out[0], exp_a, atol=ATOL, rtol=RTOL)
    feedback.check_array("yt_pred", out[1], exp_y, atol=ATOL, rtol=RTOL)
    check_unchanged([("xt", xt, after[0]), ("a_prev", a0, after[1]), ("parameters", p, after[2])])
    check_second_call("rnn_cell_forward", out[:2], again[:2] if isinstance(again, (tuple, list)) else again)


@exercise("rnn_cell_forward", weight=2)
@pytest.mark.parametrize("cfg", CONFIGS[:2], ids=ids(CONFIGS[:2]))
def test_rnn_cell_forward_cache(student, feedback, cfg):
    p, x, a0 = rnn_problem(cfg)
    xt = x[:, :, 1 % x.shape[2]]
    out = student.rnn_cell_forward(xt, a0, p)
    check_len("the value returned by rnn_cell_forward", out, 3, "a_next, yt_pred, cache")
    check_cache(feedback, "rnn_cell_forward", out[2], [("a_next", out[0]), ("a_prev", a0), ("xt", xt),
                                                        ("parameters", p)])


# ------------------------------------------------------------------ rnn_forward

def compose_rnn_forward(student, x, a0, p):
    """What a correct rnn_forward computes around the learner's own rnn_cell_forward."""
    a, y, caches, a_t = [], [], [], a0
    for t in range(x.shape[2]):
        out = student.rnn_cell_forward(x[:, :, t], a_t, p)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise TypeError("rnn_cell_forward does not return (a_next, yt_pred, cache)")
        a_t = out[0]
        a.append(np.asarray(out[0]))
        y.append(np.asarray(out[1]))
        caches.append(out[2])
    return np.stack(a, axis=2), np.stack(y, axis=2), caches


@expected
def rnn_forward_every_a0(cfg):
    p, x, a0 = rnn_problem(cfg)
    return np.stack([ref.rnn_cell_forward(x[:, :, t], a0, p)[0] for t in range(x.shape[2])], axis=2)


@exercise("rnn_forward", weight=3)
@pytest.mark.parametrize("cfg", CONFIGS + [SINGLE_STEP], ids=ids(CONFIGS + [SINGLE_STEP]))
def test_rnn_forward_values(student, feedback, cfg):
    p, x, a0 = rnn_problem(cfg)
    matches = forward_values_match("rnn", cfg)
    called = call_loop(student, feedback, "rnn", cfg, matches, twice=True)
    if called is None:
        return
    out, again, after = called
    check_len("the value returned by rnn_forward", out, 3, "a, y_pred, caches")
    exp_a, exp_y = rnn_forward_expected(cfg)
    if not (same(out[0], exp_a) and same(out[1], exp_y)):
        if isolated(feedback, student, "rnn_forward", "rnn_cell_forward", lambda: compose_rnn_forward(student, x, a0, p),
                    lambda c: same(out[0], c[0]) and same(out[1], c[1]), lambda: loop_reference("rnn", cfg, matches)):
            return
        if x.shape[2] > 1 and same(out[0], rnn_forward_every_a0(cfg)):
            feedback.diagnose("state_not_carried", "every step seems to start from a0: the hidden state computed at "
                              "step t must be the a_prev of step t+1.")
    feedback.check_array("a", out[0], exp_a, atol=ATOL, rtol=RTOL, time_axis=2)
    feedback.check_array("y_pred", out[1], exp_y, atol=ATOL, rtol=RTOL, time_axis=2)
    check_unchanged([("x", x, after[0]), ("a0", a0, after[1]), ("parameters", p, after[2])])
    check_second_call("rnn_forward", out[:2], again[:2] if isinstance(again, (tuple, list)) else again)


def check_caches(fb: Feedback, fname: str, caches, x, T: int) -> list:
    ok = isinstance(caches, (tuple, list)) and len(caches) == 2 and isinstance(caches[0], (list, tuple))
    if not ok:
        fb.diagnose("caches_structure", f"{fname} must return caches = (list_of_step_caches, x): a pair, "
                    "not the bare list of step caches.")
        fail(f"caches returned by {fname} should be a pair (list of {T} step caches, x).", output="caches",
             kind="structure")
    if len(caches[0]) != T:
        fail(f"the list of step caches returned by {fname} should have {T} entries (one per time step); "
             f"it has {len(caches[0])}.", output="caches", kind="length")
    if not same(caches[1], x):
        fb.diagnose("caches_structure", f"the second entry of the caches of {fname} must be the input x.")
        fail(f"the second entry of the caches returned by {fname} should be x.", output="caches", kind="x")
    return list(caches[0])


@exercise("rnn_forward", weight=2)
@pytest.mark.parametrize("cfg", CONFIGS[:2], ids=ids(CONFIGS[:2]))
def test_rnn_forward_caches(student, feedback, cfg):
    p, x, a0 = rnn_problem(cfg)
    T = x.shape[2]
    exp_a, _ = rnn_forward_expected(cfg)
    expected = [[("a_next", exp_a[:, :, t]), ("a_prev", a0 if t == 0 else exp_a[:, :, t - 1]), ("xt", x[:, :, t]),
                 ("parameters", p)] for t in range(T)]
    matches = forward_caches_match([tuple(v for _, v in e) for e in expected], x)
    out = call_loop(student, feedback, "rnn", cfg, matches, twice=False)
    if out is None:
        return
    check_len("the value returned by rnn_forward", out, 3, "a, y_pred, caches")
    steps = check_caches(feedback, "rnn_forward", out[2], x, T)
    if not all(same_nested(steps[t], tuple(v for _, v in expected[t])) for t in range(T)):
        if isolated(feedback, student, "rnn_forward", "rnn_cell_forward", lambda: compose_rnn_forward(student, x, a0, p),
                    lambda c: same_nested(steps, c[2]), lambda: loop_reference("rnn", cfg, matches)):
            return
    for t in range(T):
        check_cache(feedback, f"rnn_forward (step {t})", steps[t], expected[t])


@expected
def forward_cell_calls(kind: str, cfg) -> list:
    """A correct forward loop's calls of its cell on this case: the arguments it passes and the
    reference cell's results (for judging the learner's loop with the reference cell in place of
    the learner's)."""
    calls = []
    if kind == "rnn":
        p, x, a0 = rnn_problem(cfg)
        a_prev = a0
        for t in range(x.shape[2]):
            a_next, y = ref.rnn_cell_forward(x[:, :, t], a_prev, p)
            calls.append(((x[:, :, t], a_prev, p), (a_next, y, (a_next, a_prev, x[:, :, t], p))))
            a_prev = a_next
    else:
        p, x, a0, _ = lstm_problem(cfg)
        for t, (a_t, c_t, g) in enumerate(lstm_forward_expected(cfg)[3]):
            cache = tuple(v for _, v in lstm_cache_entries(x[:, :, t], a_t, c_t, p, g))
            calls.append(((x[:, :, t], a_t, c_t, p), (g["a_next"], g["c_next"], g["yt"], cache)))
    return calls


def loop_reference(kind: str, cfg, matches) -> ReferenceCallee:
    """The learner's forward loop, run with the reference cell's results standing in for its cell."""
    if kind == "rnn":
        p, x, a0 = rnn_problem(cfg)
        name, params = "rnn_cell_forward", ("xt", "a_prev", "parameters")
    else:
        p, x, a0, _ = lstm_problem(cfg)
        name, params = "lstm_cell_forward", ("xt", "a_prev", "c_prev", "parameters")
    return ReferenceCallee(name, params, forward_cell_calls(kind, cfg), (x, a0, p), same_nested, matches)


def call_loop(student, feedback, kind: str, cfg, matches, twice: bool):
    """The learner's forward loop on this case; if it raises while its cell failed its own checks,
    it is judged with the reference cell (None when it keeps its points that way)."""
    p, x, a0 = (rnn_problem(cfg) if kind == "rnn" else lstm_problem(cfg)[:3])
    try:
        return (student.call_twice(f"{kind}_forward", x, a0, p) if twice
                else getattr(student, f"{kind}_forward")(x, a0, p))
    except StudentError:
        if judged_apart(feedback, student, f"{kind}_forward", f"{kind}_cell_forward",
                        lambda: loop_reference(kind, cfg, matches)):
            return None
        raise


def forward_values_match(kind: str, cfg):
    if kind == "rnn":
        exp = rnn_forward_expected(cfg)
    else:
        exp = lstm_forward_expected(cfg)[:3]
    return lambda out: (isinstance(out, (tuple, list)) and len(out) == len(exp) + 1
                        and all(same(o, e) for o, e in zip(out, exp)))


def forward_caches_match(expected_steps: list, x):
    return lambda out: (isinstance(out, (tuple, list)) and isinstance(out[-1], (tuple, list)) and len(out[-1]) == 2
                        and same_nested(list(out[-1][0]), expected_steps) and same(out[-1][1], x))


# ------------------------------------------------------------------ lstm_cell_forward

def _lstm_variant(xt, a_prev, c_prev, p, concat_xa=False, act=None, tanh_c=True):
    act = act or {}
    z = np.concatenate([xt, a_prev]) if concat_xa else np.concatenate([a_prev, xt])
    g = {k: act.get(k, np.tanh if k == "c" else _sig)(p["W" + k] @ z + p["b" + k]) for k in "fico"}
    c = g["f"] * c_prev + g["i"] * g["c"]
    a = g["o"] * (np.tanh(c) if tanh_c else c)
    return a, c


def diagnose_lstm_cell(fb: Feedback, xt, a_prev, c_prev, p, a_next, c_next, y, ref_g) -> None:
    got_a_c = lambda ac: same(a_next, ac[0]) and same(c_next, ac[1])  # noqa: E731
    if got_a_c(_lstm_variant(xt, a_prev, c_prev, p, concat_xa=True)):
        fb.diagnose("concat_order", "stack the previous state first: z = [a_prev; xt] (np.concatenate([a_prev, xt])). "
                    "Each W's first n_a columns act on a_prev.")
    for gate, name in (("f", "forget"), ("i", "update"), ("o", "output")):
        if got_a_c(_lstm_variant(xt, a_prev, c_prev, p, act={gate: np.tanh})):
            fb.diagnose("gate_activation", f"the {name} gate must use the sigmoid, not tanh: gates lie in (0, 1).")
    if got_a_c(_lstm_variant(xt, a_prev, c_prev, p, act={"c": _sig})):
        fb.diagnose("gate_activation", "the candidate value cct must use tanh, not the sigmoid.")
    if same(c_next, ref_g["c_next"]) and same(a_next, ref_g["ot"] * ref_g["c_next"]):
        fb.diagnose("missing_tanh_c", "a_next is ot times tanh(c_next), not ot times c_next.")
    if same(a_next, ref_g["a_next"]):
        _check_output_activation(fb, y, ref_g["yt"].shape)
        if same(y, ref.softmax0(p["Wy"] @ a_prev + p["by"])):
            fb.diagnose("output_from_a_prev", "the prediction must be computed from the new state a_next, not a_prev.")
    for k in "fico":
        q = dict(p, **{"b" + k: np.zeros_like(p["b" + k])})
        if got_a_c(_lstm_variant(xt, a_prev, c_prev, q)):
            fb.diagnose("missing_bias", f"the bias b{k} seems to be missing from its gate.")


@exercise("lstm_cell_forward", weight=3)
@pytest.mark.parametrize("cfg", CONFIGS + [SQUARE], ids=ids(CONFIGS + [SQUARE]))
def test_lstm_cell_forward_values(student, feedback, cfg):
    p, x, a0, c_prev = lstm_problem(cfg)
    xt = x[:, :, 0]
    out, again, after = student.call_twice("lstm_cell_forward", xt, a0, c_prev, p)
    check_len("the value returned by lstm_cell_forward", out, 4, "a_next, c_next, yt_pred, cache")
    g = lstm_cell_expected(cfg)
    if not (same(out[0], g["a_next"]) and same(out[1], g["c_next"]) and same(out[2], g["yt"])):
        with feedback.probing():
            diagnose_lstm_cell(feedback, xt, a0, c_prev, p, out[0], out[1], out[2], g)
    feedback.check_array("a_next", out[0], g["a_next"], atol=ATOL, rtol=RTOL)
    feedback.check_array("c_next", out[1], g["c_next"], atol=ATOL, rtol=RTOL)
    feedback.check_array("yt_pred", out[2], g["yt"], atol=ATOL, rtol=RTOL)
    check_unchanged([("xt", xt, after[0]), ("a_prev", a0, after[1]), ("c_prev", c_prev, after[2]),
                     ("parameters", p, after[3])])
    check_second_call("lstm_cell_forward", out[:3], again[:3] if isinstance(again, (tuple, list)) else again)


def lstm_cache_entries(xt, a_prev, c_prev, p, g, a_next=None, c_next=None) -> list:
    return [("a_next", g["a_next"] if a_next is None else a_next), ("c_next", g["c_next"] if c_next is None else c_next),
            ("a_prev", a_prev), ("c_prev", c_prev), ("ft", g["ft"]), ("it", g["it"]), ("cct", g["cct"]),
            ("ot", g["ot"]), ("xt", xt), ("parameters", p)]


@exercise("lstm_cell_forward", weight=2)
@pytest.mark.parametrize("cfg", CONFIGS[:2], ids=ids(CONFIGS[:2]))
def test_lstm_cell_forward_cache(student, feedback, cfg):
    p, x, a0, c_prev = lstm_problem(cfg)
    xt = x[:, :, 0]
    out = student.lstm_cell_forward(xt, a0, c_prev, p)
    check_len("the value returned by lstm_cell_forward", out, 4, "a_next, c_next, yt_pred, cache")
    g = lstm_cell_expected(cfg)
    check_cache(feedback, "lstm_cell_forward", out[3], lstm_cache_entries(xt, a0, c_prev, p, g, out[0], out[1]))


# ------------------------------------------------------------------ lstm_forward

def compose_lstm_forward(student, x, a0, p):
    """What a correct lstm_forward computes around the learner's own lstm_cell_forward."""
    a, y, c, caches = [], [], [], []
    a_t, c_t = a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        out = student.lstm_cell_forward(x[:, :, t], a_t, c_t, p)
        if not isinstance(out, (tuple, list)) or len(out) != 4:
            raise TypeError("lstm_cell_forward does not return (a_next, c_next, yt_pred, cache)")
        a_t, c_t = out[0], out[1]
        a.append(np.asarray(out[0]))
        c.append(np.asarray(out[1]))
        y.append(np.asarray(out[2]))
        caches.append(out[3])
    return np.stack(a, axis=2), np.stack(y, axis=2), np.stack(c, axis=2), caches


@expected
def lstm_state_variants(cfg) -> list[np.ndarray]:
    """The hidden states of loops that reset a, c or both to their initial values at every step."""
    p, x, a0, _ = lstm_problem(cfg)
    out = []
    c0 = np.zeros_like(a0)
    for reset_a, reset_c in ((True, False), (False, True), (True, True)):
        av, a_t, c_t = [], a0, c0
        for t in range(x.shape[2]):
            g = ref.lstm_gates(x[:, :, t], a0 if reset_a else a_t, c0 if reset_c else c_t, p)
            a_t, c_t = g["a_next"], g["c_next"]
            av.append(a_t)
        out.append(np.stack(av, axis=2))
    return out


def diagnose_lstm_forward(fb: Feedback, cfg, out) -> None:
    p, x, a0, _ = lstm_problem(cfg)
    a, second, third = out[0], out[1], out[2]
    n_a, m, T = a0.shape[0], x.shape[1], x.shape[2]
    n_y = p["Wy"].shape[0]
    if (isinstance(second, np.ndarray) and isinstance(third, np.ndarray)
            and second.shape == (n_a, m, T) and third.shape == (n_y, m, T)):
        fb.diagnose("y_c_swapped", "lstm_forward returns a, y, c in this order; yours returns c before y.")
    # Equal a and c are the sign of one array under two names only when they hold something: a loop
    # that never writes either (e.g. range(T_x - 1) with T_x = 1) leaves two separate zero arrays.
    if (isinstance(a, np.ndarray) and isinstance(third, np.ndarray) and a.shape == third.shape
            and np.array_equal(a, third) and np.any(a)):
        fb.diagnose("c_aliases_a", "your a and c hold the same values: store c_next (not a_next) in c, and "
                    "create c with its own np.zeros(...) (c = a makes both names point at one array).")
    if T > 1 and any(same(a, v) for v in lstm_state_variants(cfg)):
        fb.diagnose("state_not_carried", "the states must be carried: a_next and c_next of step t are "
                    "a_prev and c_prev of step t+1.")


@exercise("lstm_forward", weight=3)
@pytest.mark.parametrize("cfg", CONFIGS + [SINGLE_STEP], ids=ids(CONFIGS + [SINGLE_STEP]))
def test_lstm_forward_values(student, feedback, cfg):
    p, x, a0, _ = lstm_problem(cfg)
    matches = forward_values_match("lstm", cfg)
    called = call_loop(student, feedback, "lstm", cfg, matches, twice=True)
    if called is None:
        return
    out, again, after = called
    check_len("the value returned by lstm_forward", out, 4, "a, y, c, caches")
    exp = lstm_forward_expected(cfg)
    if not (same(out[0], exp[0]) and same(out[1], exp[1]) and same(out[2], exp[2])):
        if isolated(feedback, student, "lstm_forward", "lstm_cell_forward",
                    lambda: compose_lstm_forward(student, x, a0, p),
                    lambda c: same(out[0], c[0]) and same(out[1], c[1]) and same(out[2], c[2]),
                    lambda: loop_reference("lstm", cfg, matches)):
            return
        with feedback.probing():
            diagnose_lstm_forward(feedback, cfg, out)
    feedback.check_array("a", out[0], exp[0], atol=ATOL, rtol=RTOL, time_axis=2)
    feedback.check_array("y (the second value returned)", out[1], exp[1], atol=ATOL, rtol=RTOL, time_axis=2)
    feedback.check_array("c (the third value returned)", out[2], exp[2], atol=ATOL, rtol=RTOL, time_axis=2)
    check_unchanged([("x", x, after[0]), ("a0", a0, after[1]), ("parameters", p, after[2])])
    check_second_call("lstm_forward", out[:3], again[:3] if isinstance(again, (tuple, list)) else again)


@exercise("lstm_forward", weight=2)
@pytest.mark.parametrize("cfg", CONFIGS[:2], ids=ids(CONFIGS[:2]))
def test_lstm_forward_caches(student, feedback, cfg):
    p, x, a0, _ = lstm_problem(cfg)
    T = x.shape[2]
    expected = [lstm_cache_entries(x[:, :, t], a_t, c_t, p, g) for t, (a_t, c_t, g) in enumerate(lstm_forward_expected(cfg)[3])]
    matches = forward_caches_match([tuple(v for _, v in e) for e in expected], x)
    out = call_loop(student, feedback, "lstm", cfg, matches, twice=False)
    if out is None:
        return
    check_len("the value returned by lstm_forward", out, 4, "a, y, c, caches")
    steps = check_caches(feedback, "lstm_forward", out[3], x, T)
    if not all(same_nested(steps[t], tuple(v for _, v in expected[t])) for t in range(T)):
        if isolated(feedback, student, "lstm_forward", "lstm_cell_forward",
                    lambda: compose_lstm_forward(student, x, a0, p), lambda c: same_nested(steps, c[3]),
                    lambda: loop_reference("lstm", cfg, matches)):
            return
    for t in range(T):
        check_cache(feedback, f"lstm_forward (step {t})", steps[t], expected[t])
