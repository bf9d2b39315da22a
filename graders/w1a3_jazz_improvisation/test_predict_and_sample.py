"""Hidden graders of predict_and_sample, on greedy inference models the grader builds in the
learner process (not the learner's own music_inference_model, whose mistakes are graded there):
one with the reference weights (90 values, as in the notebook) and two with other vocabulary
sizes and known weights. Expected values: the float64 TensorFlow greedy path.

What is graded: the shapes ((Ty, 1) indices, (Ty, n) results), indices equal to the most likely
values (argmax over the last axis), results one-hot at those indices, and the number of classes.
The contract takes num_classes from the initializer (x_initializer.shape[2]) and also accepts
the literal 90. A literal 90 and the notebook's global n_values (90) cannot be told apart from
the outside, so on a model with another vocabulary size both are accepted with a note; what
is graded there is everything else (a num_classes left out, an older literal such as 78).
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde.checks import Feedback, check_len, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentCrash, StudentError

from . import common
from . import reference as ref

exercise = pytest.mark.exercise

ACCEPTED_LITERAL = 90

# (case id, n_values, n_a, Ty, weights seed (None: the reference weights), first value of x0
# (None: zeros), seed of the initial states (None: zeros))
CASES = [
    ("course", ref.N_VALUES, ref.N_A, 20, None, None, None),
    ("v12", 12, 8, 9, 21, 3, 22),
    ("v37", 37, 16, 13, 23, None, 24),
]


@functools.cache
def case_inputs(case_id: str):
    _, n_values, n_a, Ty, wseed, first, sseed = next(c for c in CASES if c[0] == case_id)
    if wseed is None:
        _, _, shared = ref.load_reference()
        w = ref.weights_of(shared)
    else:
        w = ref.random_weights(n_values, n_a, wseed)
    x0 = np.zeros((1, 1, n_values), np.float32)
    if first is not None:
        x0[0, 0, first] = 1.0
    if sseed is None:
        a0 = np.zeros((1, n_a), np.float32)
        c0 = np.zeros((1, n_a), np.float32)
    else:
        rng = np.random.default_rng(sseed)
        a0 = rng.normal(0, 0.5, (1, n_a)).astype(np.float32)
        c0 = rng.normal(0, 0.5, (1, n_a)).astype(np.float32)
    probs, indices = ref.greedy_inference(x0, a0, c0, w, Ty)
    return w, x0, a0, c0, probs[:, 0, :], indices[:, 0]


def remote_inference_model(student, n_values: int, n_a: int, Ty: int, w) -> RemoteObject:
    """The contract's greedy inference model, built in the learner process from the notebook's own
    keras and SharedLSTM (new layers, loaded with ``w``)."""
    layers = common.new_layers(student, n_values, n_a)
    keras = common.keras_module(student)
    try:
        ops, repeat = keras.attr("ops"), keras.attr("layers").call("RepeatVector", 1)
        x0 = keras.call("Input", shape=(1, n_values))
        a0 = keras.call("Input", shape=(n_a,), name="a0")
        c0 = keras.call("Input", shape=(n_a,), name="c0")
        a, c, x, outputs = a0, c0, x0, []
        for _ in range(Ty):
            a, _, c = layers.lstm.call("__call__", x, initial_state=[a, c])
            out = layers.dense.call("__call__", a)
            outputs.append(out)
            x = repeat.call("__call__", ops.call("one_hot", ops.call("argmax", out, axis=-1), n_values))
        model = keras.call("Model", inputs=[x0, a0, c0], outputs=outputs)
    except (StudentError, StudentCrash, ValueError, TypeError):
        fail("the grader could not build its test model in your notebook: keep the imports cell as it is (keras "
             "must be the Keras module).")
    layers.set_weights(w)
    return model


def check_case(student, fb: Feedback, case) -> None:
    case_id, n_values, n_a, Ty = case[:4]
    w, x0, a0, c0, probs, want = case_inputs(case_id)
    model = remote_inference_model(student, n_values, n_a, Ty, w)
    where = f"(a model of {n_values} values, Ty = {Ty})"
    result = student.predict_and_sample(model, x0, a0, c0)
    check_len("predict_and_sample's result", result, 2, "results, indices")
    results = common.as_array(f"results {where}", result[0])
    indices = common.as_array(f"indices {where}", result[1])
    if indices.shape == (1, n_values) or (results.shape == (1, n_values) and indices.shape != (Ty, 1)):
        fb.diagnose("argmax_axis_0", "take the argmax over the last axis, np.argmax(pred, axis=-1): axis 0 compares "
                    "the Ty time steps with each other.")
    if indices.shape != (Ty, 1):
        fail(f"indices {where} has shape {indices.shape}; it should be (Ty, 1) = {(Ty, 1)}, what "
             "np.argmax(pred, axis=-1) gives for the list of Ty predictions of shape (1, n_values).",
             output="indices", kind="shape")
    if indices.dtype.kind not in "iuf" or not np.array_equal(indices[:, 0], want):
        first = int(np.flatnonzero(indices[:, 0] != want)[0]) if indices.dtype.kind in "iuf" else 0
        fail(f"indices {where} are not the most likely values of the model's predictions (first wrong at step "
             f"{first}).", output="indices", kind="values")
    if results.ndim != 2 or results.shape[0] != Ty:
        fail(f"results {where} has shape {results.shape}; it should be (Ty, n_values) = {(Ty, n_values)}.",
             output="results", kind="shape")
    width = results.shape[1]
    if width not in (n_values, ACCEPTED_LITERAL):
        if width == int(want.max()) + 1:
            fb.diagnose("num_classes_missing", "give to_categorical the number of classes, num_classes="
                        "x_initializer.shape[2]: without it, it makes max(indices) + 1 classes.")
        fail(f"results {where} has {width} columns; it should have one per value of the model, "
             f"x_initializer.shape[2] = {n_values}.", output="results", kind="shape")
    if width == n_values and np.allclose(results, probs, atol=1e-4):
        fb.diagnose("probabilities_not_one_hot", "results must be the one-hot vectors of indices "
                    "(to_categorical(indices, num_classes=...)), not the predicted probabilities.")
    one_hot = np.zeros((Ty, width))
    one_hot[np.arange(Ty), want] = 1.0
    if results.dtype.kind not in "iufb" or not np.array_equal(results.astype(np.float64), one_hot):
        fail(f"results {where} should hold, at each step t, the one-hot vector of indices[t].", output="results",
             kind="values")
    if width != n_values:
        fb.note(f"results has {ACCEPTED_LITERAL} columns for a model with another number of values: accepted, "
                f"because the course's vocabulary has {ACCEPTED_LITERAL} values, but num_classes=x_initializer.shape[2] "
                "fits every model (a literal 90, or the global n_values, only this course's).")


@exercise("predict_and_sample", weight=1)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_predict_and_sample(student, feedback, case):
    check_case(student, feedback, case)
