"""Hidden graders of djmodel: structure (a matched set of layer records, one LSTM and one Dense
called at all 30 steps, the shared layers themselves), behaviour with the reference weights on
held-out windows, and Tx and the layer sizes taken from the arguments.

Both signatures are graded: the 2021 ``djmodel(Tx, LSTM_cell, densor, reshaper)`` gets the
notebook's shared layers as arguments; the 2018 ``djmodel(Tx, n_a, n_values)`` gets n_a = 64
and n_values = 90 and reads the same layers as globals (``reshapor`` is the notebook's alias of
``reshaper``).
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde import keras_structure as ks
from autograde.checks import Feedback, fail
from autograde.runner import StudentError

from . import common
from . import reference as ref

exercise = pytest.mark.exercise

OLD_NAMES = {"n_a", "n_values"}


@functools.cache
def reference():
    """The reference djmodel, its structure (read with the same code as the learner's), and its weights."""
    model, _, shared = ref.load_reference()
    return model, common.weighted_only(ks.read(model)), ref.weights_of(shared)


@functools.cache
def held_out():
    return ref.held_out_windows()


@functools.cache
def expected(mode: str = "carry") -> np.ndarray:
    X, a0, c0 = held_out()
    return ref.djmodel_outputs(X, a0, c0, reference()[2], mode)


def form(student) -> str:
    params = common.parameters(student, "djmodel")
    return "2018" if params and OLD_NAMES & set(params) else "2021"


def build(student, fb: Feedback, Tx: int, layers: common.Layers) -> object:
    """The learner's model, called in the form of its own signature."""
    params = common.parameters(student, "djmodel")
    try:
        if params and OLD_NAMES & set(params):
            values = {"Tx": Tx, "n_a": layers.n_a, "n_values": layers.n_values}
            defaults = [Tx, layers.n_a, layers.n_values]
            model = student.djmodel(*[values.get(p, d) for p, d in zip(params[:3], defaults)])
        else:
            model = student.djmodel(Tx, layers.lstm, layers.dense, layers.reshaper)
    except StudentError as exc:
        with fb.probing():
            common.diagnose_build_error(fb, exc, BUILD_HINTS)
        raise
    return common.require_model("djmodel", model, "Model(inputs=[X, a0, c0], outputs=outputs)")


BUILD_HINTS = {
    "no_reshape": (("expected ndim=3", "found ndim=2"),
                   "the LSTM reads sequences (m, 1, n_values): pass each X[:, t, :] through reshaper first."),
}


@exercise("djmodel", weight=2)
def test_djmodel_structure(student, feedback):
    """Inputs (shapes, names a0 and c0), the layers with weights matched as a set with their call
    counts (one LSTM and one Dense, each called at all 30 steps), the parameter total, the shared
    layers themselves, and a model whose reported structure is what it computes with."""
    layers = common.notebook_layers(student)
    model = build(student, feedback, ref.TX, layers)
    got = common.weighted_only(ks.read(model))
    expected_structure = reference()[1]
    problem = ks.first_difference(got, expected_structure)
    if problem:
        if "named" in problem:
            feedback.diagnose("renamed_inputs", "name the initial-state inputs 'a0' and 'c0': "
                              "Input(shape=(n_a,), name='a0') and Input(shape=(n_a,), name='c0').")
        counts = {cls: sum(r.cls == cls for r in got.layers) for cls in ("LSTM", "Dense")}
        if counts["LSTM"] > 1 or counts["Dense"] > 1:
            feedback.diagnose("new_layers_per_step", "a layer created inside the loop is a new layer, with new "
                              "weights, at every step: call the shared LSTM_cell, densor and reshaper at every step "
                              "instead.")
        if got.params != expected_structure.params:
            problem += (f" (your model has {got.params:,} parameters; it should have {ref.PARAMETERS:,}: the LSTM "
                        "39,680 and the Dense layer 5,850, shared by all 30 steps.)")
        fail("structure: " + problem)
    if common.uses_layers(got, layers) is False:
        feedback.diagnose("layers_not_shared", "use the LSTM_cell, densor and reshaper passed to djmodel (they are "
                          "the notebook's shared layers, which the inference model reuses); do not create new "
                          "layers inside the function.")
        fail("the model's LSTM and Dense layers are not the LSTM_cell and densor given to djmodel, so training it "
             "would not train the shared layers.")
    X, a0, c0 = held_out()
    ks.authenticate(model, got, [X[:4], a0[:4], c0[:4]])


def diagnose_values(fb: Feedback, got: np.ndarray) -> None:
    with fb.probing():
        if np.allclose(got, expected("zero_states"), atol=common.DIAG_ATOL):
            fb.diagnose("no_initial_state", "call LSTM_cell(x, initial_state=[a, c]): without initial_state every "
                        "step starts from zero states and the LSTM remembers nothing from the steps before.")
        elif np.allclose(got, expected("restart"), atol=common.DIAG_ATOL):
            fb.diagnose("states_not_carried", "every step starts again from a0 and c0: pass initial_state=[a, c] "
                        "with the a and c that the previous step returned.")
        elif np.allclose(got, expected("c_is_a"), atol=common.DIAG_ATOL):
            fb.diagnose("states_not_carried", "LSTM_cell returns [output, hidden state, cell state]: unpack it as "
                        "a, _, c = LSTM_cell(...), so that c is the cell state.")


@exercise("djmodel", weight=2)
def test_djmodel_behaviour(student, feedback):
    """The reference weights in the shared layers: the learner's model must then compute what the
    reference djmodel computes (float64 TensorFlow), window by window and step by step, on windows
    the reference was not trained on, from zero and from random initial states."""
    layers = common.notebook_layers(student)
    model = build(student, feedback, ref.TX, layers)
    layers.set_weights(reference()[2])
    X, a0, c0 = held_out()
    outs = common.model_outputs(model, [X, a0, c0], "your model")
    want = expected()
    got = common.stacked(outs, want.shape)
    if got is None:
        fail(f"your model should give {ref.TX} outputs of shape (m, {ref.N_VALUES}), one per time step; it gives "
             f"{len(outs)} of shapes {sorted({o.shape for o in outs})[:3]}.")
    if not np.allclose(got, want, atol=common.DJ_ATOL):
        diagnose_values(feedback, got)
    feedback.check_array("your model's output with the reference weights", got, want, atol=common.DJ_ATOL, rtol=0,
                         time_axis=0)


@exercise("djmodel", weight=1)
def test_djmodel_uses_its_arguments(student, feedback):
    """Tx comes from the argument (Tx = 7); in the 2021 form the sizes come from the layers passed
    in: an LSTM of 8 units over 12 values (with known weights) must give the float64 reference's
    outputs, which catches the notebook's global n_values or n_a used inside the function."""
    layers = common.notebook_layers(student)
    try:
        model = build(student, feedback, 7, layers)
    except StudentError as exc:
        feedback.diagnose("tx_not_honoured", "loop over range(Tx), the argument: a fixed number of steps fails (or "
                          "is wrong) for any other Tx.")
        fail(f"djmodel(Tx=7, ...) failed: {exc.type_name}: {exc.message[:300]}")
    outs = common.output_shapes(model)
    if len(outs) != 7 or common.input_shapes(model)[:1] != [(None, 7, ref.N_VALUES)]:
        feedback.diagnose("tx_not_honoured", "loop over range(Tx) and build X = Input(shape=(Tx, n_values)) with "
                          "the Tx argument, not a fixed number of steps.")
        fail(f"djmodel(Tx=7, ...) should build a model with 7 outputs and an input of shape (None, 7, "
             f"{ref.N_VALUES}); it has {len(outs)} outputs and inputs of shapes {common.input_shapes(model)}.")
    if form(student) == "2018":
        return  # djmodel(Tx, n_a, n_values) reads the notebook's global layers: their sizes are fixed
    n_values, n_a, Tx = 12, 8, 5
    small = common.new_layers(student, n_values, n_a)
    hint = ("take the sizes from the layers passed in, n_values = densor.units and n_a = LSTM_cell.units, not from "
            "the notebook's global n_values and n_a.")
    try:
        model = build(student, feedback, Tx, small)
    except StudentError as exc:
        feedback.diagnose("global_n_values", hint)
        fail(f"djmodel failed with layers of another size (an LSTM of {n_a} units over {n_values} values): "
             f"{exc.type_name}: {exc.message[:300]}")
    w = ref.random_weights(n_values, n_a, seed=5)
    small.set_weights(w)
    rng = np.random.default_rng(6)
    X = np.eye(n_values, dtype=np.float32)[rng.integers(0, n_values, (3, Tx))]
    a0 = rng.normal(0, 0.5, (3, n_a)).astype(np.float32)
    c0 = rng.normal(0, 0.5, (3, n_a)).astype(np.float32)
    shapes = common.input_shapes(model)
    if shapes != [(None, Tx, n_values), (None, n_a), (None, n_a)]:
        feedback.diagnose("global_n_values", hint)
        fail(f"with an LSTM of {n_a} units over {n_values} values and Tx = {Tx}, the model's inputs should have "
             f"shapes [(None, {Tx}, {n_values}), (None, {n_a}), (None, {n_a})]; they have {shapes}.")
    want = ref.djmodel_outputs(X, a0, c0, w)
    got = common.stacked(common.model_outputs(model, [X, a0, c0], "your model"), want.shape)
    if got is None:
        feedback.diagnose("global_n_values", hint)
        fail(f"with an LSTM of {n_a} units over {n_values} values, the model should give {Tx} outputs of shape "
             f"(m, {n_values}).")
    feedback.check_array(f"your model's output with layers of another size ({n_values} values, {n_a} units)", got,
                         want, atol=common.DJ_ATOL, rtol=0, time_axis=0)
