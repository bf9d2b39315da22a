"""Hidden graders of optimize and model (references: w1a2_reference, tf.GradientTape)."""
from __future__ import annotations

import functools

import numpy as np
import pytest
from . import reference as ref
from .common import ATOL, RTOL, as_indices, dinosaur_names, isolated, random_parameters, same, sorted_vocab

from autograde.checks import Feedback, as_number, check_array, check_keys, check_len, check_type, fail
from autograde.grading import ReferenceCallee, judged_apart
from autograde.runner import StudentError

exercise = pytest.mark.exercise
PARAM_KEYS = ["Wax", "Waa", "Wya", "b", "by"]

# ------------------------------------------------------------------ optimize

# (n_a, name, learning_rate or None for the default, scale, seed). The vocabulary stays 27:
# the helper rnn_forward that optimize calls defaults to vocab_size=27. Weights of scale
# ~1 make several gradient entries exceed 5, so a skipped or wrong clip shows.
OPTIMIZE_CASES = [(5, "velociraptor", None, 1.0, 31), (12, "iguanodon", 0.05, 1.2, 32), (8, "zby", None, 1.5, 33)]


@functools.cache
def optimize_problem(case):
    n_a, name, lr, scale, seed = case
    char_to_ix, _ = sorted_vocab()
    rng = np.random.default_rng(seed)
    p = random_parameters(rng, n_a, 27, scale)
    X = [None] + [char_to_ix[c] for c in name]
    Y = X[1:] + [char_to_ix["\n"]]
    return X, Y, rng.standard_normal((n_a, 1)) * 0.5, p, lr


@functools.cache
def optimize_expected(case):
    """The reference step, and the loss of a second step from the updated parameters (what a
    learner's in-place update shows by its effect). Computed once per grader process."""
    X, Y, a_prev, p, lr = optimize_problem(case)
    first = ref.optimize(X, Y, a_prev, p, 0.01 if lr is None else lr)
    second = ref.optimize(X, Y, a_prev, first.parameters, 0.01 if lr is None else lr)
    return first, second.loss


def diagnose_optimize(fb: Feedback, X, Y, a_prev, p_before, lr, grads, a_last, p_after) -> None:
    loss, raw, _ = ref.loss_and_gradients(X, Y, a_prev, p_before)
    if isinstance(a_last, np.ndarray) and np.array_equal(a_last, a_prev):
        fb.diagnose("optimize_returns_a0", "you return the initial state: the cache's a is a dict keyed by time "
                    "step, and a[-1] is a0 there, not the last state. Return a[len(X) - 1].")
    if isinstance(p_after, dict) and all(np.array_equal(np.asarray(p_after.get(k)), p_before[k]) for k in PARAM_KEYS):
        fb.diagnose("optimize_no_update", "the parameters you were given did not change: call update_parameters "
                    "on them (it updates the dictionary in place).")
    if not isinstance(grads, dict):
        return
    arrays = {k: np.asarray(grads.get(k)) for k in ref.KEYS}
    if any(a.shape != raw[k].shape or a.dtype.kind != "f" for k, a in arrays.items()):
        return
    if all(same(arrays[k], raw[k]) for k in ref.KEYS) and any(np.abs(raw[k]).max() > 5 for k in ref.KEYS):
        fb.diagnose("optimize_no_clip", "your gradients are not clipped: call clip(gradients, 5) before updating.")
        return
    bound = max(float(np.abs(a).max()) for a in arrays.values())
    if not np.isclose(bound, 5.0) and all(same(arrays[k], np.clip(raw[k], -bound, bound)) for k in ref.KEYS):
        fb.diagnose("optimize_clip_bound", f"your gradients are clipped at {bound:g}; optimize clips at 5.")


def compose_optimize(student, X, Y, a_prev, p, lr):
    """What a correct optimize computes around the learner's own clip: the reference forward and
    backward pass, the learner's clip(gradients, 5), the SGD update."""
    loss, raw, a_last = ref.loss_and_gradients(X, Y, a_prev, p)
    clipped = student.clip({k: raw[k] for k in (*ref.KEYS, "da_next")}, 5)
    if not isinstance(clipped, dict):
        raise TypeError("clip does not return a dict")
    updated = {ref.PARAM_OF[k]: p[ref.PARAM_OF[k]] - lr * np.asarray(clipped[k], np.float64) for k in ref.KEYS}
    return loss, clipped, a_last, updated


@functools.cache
def clip_call(case):
    """A correct optimize's one call of clip on this case: (the raw gradients, 5) and the clipped ones."""
    X, Y, a_prev, p, _ = optimize_problem(case)
    _, raw, _ = ref.loss_and_gradients(X, Y, a_prev, p)
    gradients = {k: raw[k] for k in (*ref.KEYS, "da_next")}
    return (gradients, 5), {k: np.clip(v, -5, 5) for k, v in gradients.items()}


def optimize_reference(student, case) -> ReferenceCallee:
    """The learner's optimize, run with the reference clip's result standing in for its clip (on a
    fresh copy of the parameters, which it updates in place)."""
    X, Y, a_prev, p, lr = optimize_problem(case)
    expected, _ = optimize_expected(case)
    params = student.hold(p)
    args = (X, Y, a_prev, params) if lr is None else (X, Y, a_prev, params, lr)

    def matches(out) -> bool:
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and isinstance(out[1], dict)):
            return False
        p_after = params.call("copy")
        return (all(same(out[1].get(k), expected.gradients[k]) for k in ref.KEYS) and same(out[2], expected.a_last)
                and isinstance(p_after, dict) and all(same(p_after.get(k), expected.parameters[k])
                                                      for k in PARAM_KEYS))

    return ReferenceCallee("clip", ("gradients", "maxValue"), [clip_call(case)], args, same_argument, matches)


def same_argument(got, expected) -> bool:
    """An argument optimize passed to clip: the gradients dict (every expected key, within tolerance)
    or the bound."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and same(got[k], v) for k, v in expected.items())
    return same(got, expected)


@exercise("optimize", weight=1)
@pytest.mark.parametrize("case", OPTIMIZE_CASES, ids=[f"na{c[0]}-{c[1]}" for c in OPTIMIZE_CASES])
def test_optimize(student, feedback, case):
    X, Y, a_prev, p, lr = optimize_problem(case)
    rate = 0.01 if lr is None else lr
    params = student.hold(p)  # one dict in the learner process: optimize must update it in place
    args = (X, Y, a_prev, params) if lr is None else (X, Y, a_prev, params, lr)
    try:
        out = student.optimize(*args)
    except StudentError:  # perhaps on what a wrong clip returned: judged with the reference clip
        if judged_apart(feedback, student, "optimize", "clip", lambda: optimize_reference(student, case)):
            return
        raise
    check_len("the value returned by optimize", out, 3, "loss, gradients, a[len(X)-1]")
    loss, grads, a_last = out
    p_after = params.call("copy")
    expected, second_loss = optimize_expected(case)
    ok = (isinstance(grads, dict) and all(same(grads.get(k), expected.gradients[k]) for k in ref.KEYS)
          and same(a_last, expected.a_last) and isinstance(p_after, dict)
          and all(same(p_after.get(k), expected.parameters[k]) for k in PARAM_KEYS))
    if not ok:
        if isolated(feedback, student, "optimize", "clip", lambda: compose_optimize(student, X, Y, a_prev, p, rate),
                    lambda c: isinstance(grads, dict) and all(same(grads.get(k), c[1][k]) for k in ref.KEYS)
                    and same(a_last, c[2]) and isinstance(p_after, dict)
                    and all(same(p_after.get(k), c[3][k]) for k in PARAM_KEYS),
                    lambda: optimize_reference(student, case)):
            return
        with feedback.probing():
            diagnose_optimize(feedback, X, Y, a_prev, p, lr, grads, a_last, p_after)
    loss_value = as_number("the loss returned by optimize", loss)
    if not np.isclose(loss_value, expected.loss, atol=ATOL, rtol=RTOL):
        fail(f"the loss returned by optimize is {loss_value:.6g}; expected {expected.loss:.6g}. It is the loss "
             "that rnn_forward computes for X and Y.", output="loss", kind="values")
    check_keys("the gradients returned by optimize", grads, list(ref.KEYS))
    for key in ref.KEYS:
        g = np.asarray(grads[key]) if isinstance(grads[key], np.ndarray) else None
        if g is not None and g.size and g.dtype.kind == "f" and np.abs(g).max() > 5 + 1e-12:
            fail(f"gradients[{key!r}] returned by optimize has entries outside [-5, 5]: clip them.")
        feedback.check_array(f"gradients[{key!r}] returned by optimize", grads[key], expected.gradients[key],
                             atol=ATOL, rtol=RTOL)
    feedback.check_array("the last hidden state returned by optimize", a_last, expected.a_last, atol=ATOL, rtol=RTOL)
    check_type("parameters after optimize", p_after, dict, "a dict")
    for key in PARAM_KEYS:
        feedback.check_array(f"parameters[{key!r}] after optimize (it must update the dictionary it was given, "
                             "in place)", p_after.get(key), expected.parameters[key], atol=ATOL, rtol=RTOL)
    if feedback.failures:
        return
    # the in-place update, observed by its effect: a second step from the same dict starts where the first ended
    again = student.optimize(*args)
    if isinstance(again, (tuple, list)) and len(again) == 3:
        second = as_number("the loss returned by optimize", again[0])
        if not np.isclose(second, second_loss, atol=ATOL, rtol=RTOL):
            fail("a second call of optimize on the same parameters dict should start from the updated parameters "
                 f"(loss {second_loss:.6g}); yours gives {second:.6g}: update the dictionary in place.")


# ------------------------------------------------------------------ model

# (n_a, num_iterations, names: every k-th genus, dino_names). Each run passes through its
# name list more than once (j % len(examples) wraps), and the long run samples twice
# (iterations 0 and 2000), after real training.
MODEL_CASES = [(10, 300, 37, 3), (6, 2001, 61, 2)]


def model_names(every: int) -> list[str]:
    return dinosaur_names()[::every]


@functools.lru_cache(maxsize=None)
def model_reference(case, **variant):
    n_a, iterations, every, dino_names = case
    char_to_ix, ix_to_char = sorted_vocab()
    return ref.model(model_names(every), ix_to_char, char_to_ix, iterations, n_a, dino_names, **variant)


def compose_model(student, case):
    """What a correct model computes around the learner's OWN optimize and sample: the contract's
    loop, run here, calling those two through the protocol on one parameters dict held in the
    learner process (so optimize's in-place updates carry over, as in the learner's own model)."""
    n_a, iterations, every, dino_names = case
    char_to_ix, ix_to_char = sorted_vocab()
    examples = [x.strip() for x in model_names(every)]
    rng_state = np.random.get_state()
    try:
        np.random.seed(0)
        np.random.shuffle(examples)
    finally:
        np.random.set_state(rng_state)
    params = student.hold(ref.initialize_parameters(n_a, 27, 27))
    a_prev, newline, last = np.zeros((n_a, 1)), char_to_ix["\n"], "abc"
    for j in range(iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]
        out = student.optimize(X, X[1:] + [newline], a_prev, params, 0.01)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise TypeError("optimize does not return (loss, gradients, a)")
        a_prev = np.asarray(out[2], np.float64)
        if j % 2000 == 0:
            for seed in range(dino_names):
                indices = as_indices("the list returned by sample", student.sample(params, char_to_ix, seed), 27)
                text = "".join(ix_to_char[i] for i in indices)
                last = text[0].upper() + text[1:]
    return params.call("copy"), last


def same_name(got, expected: str) -> bool:
    """The sampled name, with or without the newline that ends it (``get_sample(...).strip()`` is
    the same name)."""
    return isinstance(got, str) and got.strip() == expected.strip()


def diagnose_model(fb: Feedback, case, params) -> None:
    def matches(**variant) -> bool:
        p, _ = model_reference(case, **variant)
        return all(same(params.get(k), p[k]) for k in PARAM_KEYS)

    if matches(reset_a_prev=True):
        fb.diagnose("model_a_prev_reset", "a_prev is reset to zeros at every iteration: set it once before the loop "
                    "and carry the state optimize returns from one name to the next.")
    elif matches(shift_y=False):
        fb.diagnose("model_y_not_shifted", "Y must hold the NEXT character at each step: Y = X[1:] + [newline index]. "
                    "Yours holds the current one.")
    elif matches(leading_none=False):
        fb.diagnose("model_no_leading_none", "X must start with None (a zero input at the first step): "
                    "X = [None] + indices of the name's characters.")


@exercise("model", weight=1)
@pytest.mark.parametrize("case", MODEL_CASES, ids=[f"na{c[0]}-it{c[1]}" for c in MODEL_CASES])
def test_model(student, feedback, case):
    n_a, iterations, every, dino_names = case
    names = model_names(every)
    char_to_ix, ix_to_char = sorted_vocab()
    try:
        out = student.model(names, ix_to_char, char_to_ix, iterations, n_a, dino_names)
    except Exception as exc:
        trace = getattr(exc, "traceback", "")
        if getattr(exc, "type_name", "") == "IndexError":
            if "rnn_forward" in trace:
                feedback.diagnose("model_y_length", "rnn_forward ran past the end of Y: Y must be as long as X, "
                                  "X shifted left by one with the newline index appended (Y = X[1:] + [newline]).")
            elif len(names) < iterations:
                feedback.diagnose("model_idx_not_wrapped", "with more iterations than names, the index must wrap "
                                  "around: idx = j % len(examples).")
        raise
    check_len("the value returned by model", out, 2, "parameters, last_dino_name")
    params, last_name = out
    check_keys("the parameters returned by model", params, PARAM_KEYS)
    expected, expected_name = model_reference(case)
    if not (all(same(params.get(k), expected[k]) for k in PARAM_KEYS) and same_name(last_name, expected_name)):
        if isolated(feedback, student, "model", ("optimize", "sample"), lambda: compose_model(student, case),
                    lambda c: all(same(params.get(k), c[0][k]) for k in PARAM_KEYS) and same_name(last_name, c[1])):
            return
        with feedback.probing():
            diagnose_model(feedback, case, params)
    for key in PARAM_KEYS:
        check_array(f"parameters[{key!r}] after model(..., num_iterations={iterations}, n_a={n_a})", params[key],
                    expected[key], atol=ATOL, rtol=RTOL)
    check_type("last_dino_name", last_name, str, "a string")
    if not same_name(last_name, expected_name):
        fail(f"last_dino_name is {last_name!r}, but the last name sampled should be {expected_name!r}: sample "
             f"dino_names names with seeds 0, 1, ... every 2000 iterations and keep the last one.")
