"""Hidden graders of music_inference_model: behaviour with the reference weights (the greedy
sequence of one-hot feedbacks and the probabilities, step by step, from several initial
states), structure (one LSTM and one Dense, the trained layers passed in, called at every step),
Ty honoured, and layers of another size.

Both signatures are graded: the 2021 ``music_inference_model(LSTM_cell, densor, Ty=100)`` and
the 2018 ``music_inference_model(LSTM_cell, densor, n_values=78, n_a=64, Ty=100)``, which is
called with n_values and n_a of the layers it gets (90 and 64 for the notebook's layers).
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde import keras_structure as ks
from autograde.checks import Feedback, GradeFailure, fail
from autograde.runner import StudentError

from . import common
from . import reference as ref

exercise = pytest.mark.exercise

STATES_SEED = 31
TY_SMALL = 7


@functools.cache
def reference(Ty: int = TY_SMALL):
    """The reference inference model's structure (layers with weights; inputs compared by shape
    only: the contract does not name them) and the reference weights."""
    _, _, shared = ref.load_reference()
    structure = common.weighted_only(ks.read(ref.build_inference_model(shared, Ty)))
    structure.inputs = [("input_layer", shape) for _, shape in structure.inputs]
    return structure, ref.weights_of(shared)


@functools.cache
def initial_states(m: int = 6):
    """Six starts: x0 = 0 from zero states (the notebook's own), x0 = 0 from random states, and
    four one-hot x0 from random states."""
    rng = np.random.default_rng(STATES_SEED)
    x0 = np.zeros((m, 1, ref.N_VALUES), np.float32)
    x0[np.arange(2, m), 0, rng.choice(ref.N_VALUES, m - 2, replace=False)] = 1.0
    a0 = rng.normal(0.0, 0.5, (m, ref.N_A)).astype(np.float32)
    c0 = rng.normal(0.0, 0.5, (m, ref.N_A)).astype(np.float32)
    a0[0] = c0[0] = 0.0
    return x0, a0, c0


@functools.cache
def expected(feed: str = "greedy", zero_states: bool = False):
    return ref.greedy_inference(*initial_states(), reference()[1], ref.TY, feed=feed, zero_states=zero_states)


def build(student, fb: Feedback, layers: common.Layers, Ty: int):
    """The learner's model, called in the form of its own signature."""
    params = common.parameters(student, "music_inference_model") or ["LSTM_cell", "densor", "Ty"]
    kwargs = {name: value for name, value in (("n_values", layers.n_values), ("n_a", layers.n_a))
              if name in params}
    try:
        if "Ty" in params:
            model = student.music_inference_model(layers.lstm, layers.dense, Ty=Ty, **kwargs)
        else:
            model = student.music_inference_model(layers.lstm, layers.dense, Ty, **kwargs)
    except StudentError as exc:
        with fb.probing():
            common.diagnose_build_error(fb, exc, BUILD_HINTS)
        raise
    return common.require_model("music_inference_model", model, "Model(inputs=[x0, a0, c0], outputs=outputs)")


BUILD_HINTS = {
    "no_repeatvector": (("expected ndim=3", "found ndim=2"),
                        "the LSTM reads sequences: give the one-hot vector of shape (m, n_values) a time axis with "
                        "RepeatVector(1), shape (m, 1, n_values), before feeding it back."),
    "argmax_wrong_axis": (("Incompatible shapes", "incompatible shapes"),
                          "take the argmax over the last axis (axis=-1), the n_values probabilities of each example; "
                          "axis 0 (also tf.math.argmax's default) compares the examples of the batch."),
}


def check_batch_axis(fb: Feedback, model) -> None:
    """An argmax over the batch axis shows in the symbolic shapes: the batch size is no longer None."""
    shapes = common.output_shapes(model)
    if any(isinstance(s, tuple) and s and s[0] is not None for s in shapes):
        fb.diagnose("argmax_wrong_axis", BUILD_HINTS["argmax_wrong_axis"][1])
        bad = next(s for s in shapes if isinstance(s, tuple) and s and s[0] is not None)
        fail(f"an output of your model has shape {bad}: its batch axis became fixed when the next input was "
             "computed from the prediction.")


def check_fresh(fb: Feedback, model, layers: common.Layers) -> None:
    structure = ks.read(model)
    if common.uses_layers(structure, layers) is not True:
        fb.diagnose("fresh_layers", "use the LSTM_cell and densor passed as arguments at every step: they hold the "
                    "trained weights; layers created inside the function are new, untrained ones.")


@exercise("music_inference_model", weight=1)
def test_music_inference_model_structure(student, feedback):
    """Inputs (x0 (None, 1, n_values), a0 and c0 (None, n_a)), one LSTM and one Dense called at every
    step, those being the layers passed in, 45,530 parameters, and authenticity."""
    layers = common.notebook_layers(student)
    model = build(student, feedback, layers, TY_SMALL)
    check_batch_axis(feedback, model)
    got = common.weighted_only(ks.read(model))
    want = reference()[0]
    problem = ks.first_difference(got, want)
    if problem and len(common.output_shapes(model)) != TY_SMALL:
        feedback.diagnose("ty_not_honoured", "loop over range(Ty), the argument, not a fixed number of steps.")
    if problem:
        if any(r.cls in ("LSTM", "Dense") for r in got.layers) and (
                sum(r.cls == "LSTM" for r in got.layers) > 1 or sum(r.cls == "Dense" for r in got.layers) > 1):
            feedback.diagnose("fresh_layers", "create no layers inside the function: call the trained LSTM_cell and "
                              "densor passed as arguments at every step.")
        if got.params != want.params:
            problem += f" (your model has {got.params:,} parameters; the trained LSTM and Dense have {ref.PARAMETERS:,}.)"
        fail("structure: " + problem)
    if common.uses_layers(got, layers) is False:
        feedback.diagnose("fresh_layers", "use the LSTM_cell and densor passed as arguments: they hold the trained "
                          "weights; layers created inside the function are new, untrained ones.")
        fail("the model's LSTM and Dense layers are not the LSTM_cell and densor passed to music_inference_model.")
    x0, a0, c0 = initial_states()
    ks.authenticate(model, got, [x0[:3], a0[:3], c0[:3]])


def diagnose_values(fb: Feedback, model, layers: common.Layers, probs: np.ndarray) -> None:
    with fb.probing():
        for (feed, zero), mistake, hint in (
                (("x0", False), "x0_every_step", "every step reads x0: feed the LSTM x, the one-hot of the previous "
                                                 "prediction (x0 only at the first step)."),
                (("probabilities", False), "probabilities_fed_back", "feed back the one-hot vector of the most "
                                                                      "likely value (argmax, then one_hot), not the "
                                                                      "probabilities."),
                (("greedy", True), "no_initial_state", "call LSTM_cell(x, initial_state=[a, c]) and carry a and c from "
                                                       "step to step: without initial_state every step starts from "
                                                       "zero states.")):
            if np.allclose(probs, expected(feed, zero)[0], atol=common.DIAG_ATOL):
                fb.diagnose(mistake, hint)
                return
        check_fresh(fb, model, layers)


@exercise("music_inference_model", weight=3)
def test_music_inference_model_behaviour(student, feedback):
    """The reference weights in the shared layers: from six initial states the model must choose
    the reference's greedy values at all 50 steps (each one-hot fed back as the next input) and
    give its probabilities (float64 TensorFlow reference)."""
    layers = common.notebook_layers(student)
    model = build(student, feedback, layers, ref.TY)
    check_batch_axis(feedback, model)
    layers.set_weights(reference()[1])
    try:
        outs = common.model_outputs(model, list(initial_states()), "your model")
    except StudentError as exc:
        with feedback.probing():
            common.diagnose_build_error(feedback, exc, BUILD_HINTS)
        raise
    want, want_indices = expected()
    got = common.stacked(outs, want.shape)
    if got is None:
        if len(outs) != ref.TY:
            feedback.diagnose("ty_not_honoured", "loop over range(Ty), the argument, not a fixed number of steps.")
        fail(f"music_inference_model(..., Ty={ref.TY}) should give {ref.TY} outputs of shape (m, {ref.N_VALUES}); "
             f"yours gives {len(outs)} of shapes {sorted({o.shape for o in outs})[:3]}.")
    if np.allclose(got, want, atol=common.INF_ATOL):
        return
    diagnose_values(feedback, model, layers, got)
    wrong_steps = np.flatnonzero((got.argmax(-1) != want_indices).any(axis=1))
    if wrong_steps.size:
        starts = int((got.argmax(-1) != want_indices).any(axis=0).sum())
        feedback.failures.append(GradeFailure(
            f"with the reference weights, the most likely values (the one-hot vectors fed back) differ from the "
            f"reference's from step {int(wrong_steps[0])} on, for {starts} of {want.shape[1]} initial states.",
            output="the greedy values", kind="sequence"))
    feedback.check_array("your inference model's output with the reference weights", got, want,
                         atol=common.INF_ATOL, rtol=0, time_axis=0)


@exercise("music_inference_model", weight=1)
def test_music_inference_model_uses_its_arguments(student, feedback):
    """Ty = 7 gives 7 outputs; an LSTM of 8 units over 12 values (known weights, Ty = 9) gives the
    float64 reference's greedy values: the sizes come from the layers, not from global values."""
    layers = common.notebook_layers(student)
    model = build(student, feedback, layers, TY_SMALL)
    count = len(common.output_shapes(model))
    if count != TY_SMALL:
        feedback.diagnose("ty_not_honoured", "loop over range(Ty), the argument, not a fixed number of steps.")
        fail(f"music_inference_model(..., Ty={TY_SMALL}) should build a model with {TY_SMALL} outputs; it has {count}.")
    n_values, n_a, Ty = 12, 8, 9
    small = common.new_layers(student, n_values, n_a)
    hint = ("take every size from the layers you get: one-hot encode with n_values = densor.units classes and "
            "shape x as (m, 1, n_values) with RepeatVector(1) or a reshape computed from it, not with a fixed 90 or a "
            "global layer made for 90 values (such as reshaper).")
    try:
        model = build(student, feedback, small, Ty)
    except StudentError as exc:
        feedback.diagnose("one_hot_depth", hint)
        fail(f"music_inference_model failed with layers of another size (an LSTM of {n_a} units over {n_values} "
             f"values): {exc.type_name}: {exc.message[:300]}")
    w = ref.random_weights(n_values, n_a, seed=8)
    small.set_weights(w)
    rng = np.random.default_rng(9)
    x0 = np.zeros((3, 1, n_values), np.float32)
    x0[[1, 2], 0, [4, 9]] = 1.0
    a0 = rng.normal(0, 0.5, (3, n_a)).astype(np.float32)
    c0 = rng.normal(0, 0.5, (3, n_a)).astype(np.float32)
    want, _ = ref.greedy_inference(x0, a0, c0, w, Ty)
    try:
        outs = common.model_outputs(model, [x0, a0, c0], "your model")
    except StudentError as exc:
        feedback.diagnose("one_hot_depth", hint)
        fail(f"with layers of another size ({n_values} values), your model fails: {exc.type_name}: "
             f"{exc.message[:300]}")
    got = common.stacked(outs, want.shape)
    if got is None:
        feedback.diagnose("one_hot_depth", hint)
        fail(f"with an LSTM of {n_a} units over {n_values} values, the model should give {Ty} outputs of shape "
             f"(m, {n_values}).")
    feedback.check_array(f"your inference model's output with layers of another size ({n_values} values, {n_a} units)", got, want,
                         atol=common.INF_ATOL, rtol=0, time_axis=0)
