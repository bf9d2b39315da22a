"""Hidden graders of modelf: parameter totals, structure as a matched set of layer records with
an authenticity check, and behaviour with the reference weights on dev clips.

The learner's models never leave the sandbox (remote handles). Two are built per submission:

- ``modelf((5511, 101))``, the notebook's size: parameter totals (523,329; 904 non-trainable)
  and the output shape (1375 steps), read from the model; nothing is computed with it.
- ``modelf((711, 101))``, the same architecture over the first 1.29 s of a clip: its layer
  records, matched as a set against the reference's (never by position in model.layers), its
  authenticity (autograde.keras_structure.authenticate: the layers it reports are the ones it
  computes with), then its outputs with the reference weights on the first 711 frames of three
  dev clips, compared with the reference model's. Every layer of the model is causal, so these
  ARE the first 175 outputs of the full model on those clips (tests/test_w3a2_graders.py checks
  it). A model over 711 frames traces its predict graph about 8 times faster than one over 5,511
  (Keras unrolls TimeDistributed over the output steps when tracing), which keeps every call well
  inside the short call deadline that stops an unbounded loop in insert_audio_clip. That model
  is built once per submission and predicts one batch shape (one trace).
"""
from __future__ import annotations

import functools
import weakref
from collections import Counter

import numpy as np
import pytest

from autograde import keras_structure as ks
from autograde.checks import Feedback, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentCrash, StudentError

from . import reference as ref

exercise = pytest.mark.exercise

# Both models are float32 Keras graphs with the same weights on the same inputs: the learner's
# solution gives the reference outputs exactly (measured difference 0; Keras ops in another
# order, e.g. tf.nn.relu in an Activation layer, stay below 1e-6). The mistakes that keep the
# structure (none in tests/catalog: the structure catches them first) would move a probability
# by far more than 1e-4.
OUTPUT_ATOL = 1e-4
FULL_SHAPE = (ref.TX, ref.N_FREQ)
WINDOW_SHAPE = (ref.WINDOW_FRAMES, ref.N_FREQ)


@functools.cache
def reference():
    """The reference architecture over the window (its records, read with the same code as the
    learner's) and the reference weights. Once per grader process."""
    model = ref.window_model()
    return ks.read(model), model.get_weights()


@functools.cache
def windows() -> np.ndarray:
    return ref.dev_windows()


@functools.cache
def expected_outputs() -> np.ndarray:
    """The reference model's probabilities on the dev windows (3, 175, 1)."""
    return np.asarray(ref.window_model().predict(windows(), verbose=0), np.float64)


def is_model(value) -> bool:
    return isinstance(value, RemoteObject) and ("Model" in value.remote_type or "Functional" in value.remote_type)


BUILD_HINTS = {  # diagnosis id -> (words of the error Keras raises, hint)
    "return_sequences_false": (("TimeDistributed", "at least 3 dimensions"),
                               "both GRUs need return_sequences=True: the model outputs one probability per step, "
                               "so every layer after the Conv1D must keep the time axis."),
}


def build(student, fb: Feedback, shape: tuple[int, int]) -> RemoteObject:
    try:
        model = student.modelf(shape)
    except StudentError as exc:
        with fb.probing():
            for mistake, (words, hint) in BUILD_HINTS.items():
                if any(w in exc.message for w in words):
                    fb.diagnose(mistake, hint)
        raise
    kind = model.remote_type if isinstance(model, RemoteObject) else type(model).__name__
    if kind.endswith(".Sequential"):
        fail("modelf should build its model with the functional API, X_input = Input(shape=input_shape) ... "
             "Model(inputs=X_input, outputs=X): a Sequential model's layers list has no input layer, so the "
             "notebook's fine-tuning cell (model.layers[2], [7] and [10]) would freeze other layers than the "
             "batch normalisations.")
    if not is_model(model):
        fail(f"modelf should return a Keras Model (Model(inputs=X_input, outputs=X)), not {kind}.")
    return model


# One window model per submission: authenticity and behaviour share it, so its predict graph is
# traced once. A handle is only valid in the process that made it: after a restart of the learner
# process the cached one is rebuilt (its identity no longer answers).
_WINDOW_MODELS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def window_model(student, fb: Feedback) -> RemoteObject:
    cached = _WINDOW_MODELS.get(student)
    if cached is not None:
        model, identity = cached
        try:
            if model.call("__hash__") == identity:
                return model
        except (StudentError, StudentCrash):
            pass
    model = build(student, fb, WINDOW_SHAPE)
    _WINDOW_MODELS[student] = (model, model.call("__hash__"))
    return model


# ------------------------------------------------------------------ diagnoses from the records

def diagnose_structure(fb: Feedback, got: ks.Structure, expected: ks.Structure) -> None:
    with fb.probing():
        classes = Counter(r.cls for r in got.layers)
        want = Counter(r.cls for r in expected.layers)
        fields = {r.cls: [dict(x.fields) for x in got.layers if x.cls == r.cls] for r in got.layers}
        if got.inputs and got.inputs[0][1] != expected.inputs[0][1] and got.inputs[0][1] == (None, *FULL_SHAPE):
            fb.diagnose("hard_coded_input_shape", "build the Input from the argument: Input(shape=input_shape), "
                        "not (5511, 101).")
        if classes["Bidirectional"]:
            fb.diagnose("bidirectional_gru", "use plain GRU layers: a Bidirectional GRU reads the clip backwards "
                        "too, so it needs the future and cannot detect the word live.")
        if classes["ReLU"]:
            fb.diagnose("relu_layer_not_activation", "the architecture has an Activation('relu') layer after the first "
                        "BatchNormalization, not a ReLU layer.")
        if classes["LSTM"]:
            fb.diagnose("lstm_instead_of_gru", "the recurrent layers are GRUs: GRU(units=128, return_sequences=True).")
        if classes["Dense"] and not classes["TimeDistributed"]:
            fb.diagnose("dense_without_time_distributed", "wrap the output layer: TimeDistributed(Dense(1, "
                        "activation='sigmoid')).")
        for gru in fields.get("GRU", []):
            if gru.get("reset_after") is False:
                fb.diagnose("gru_reset_after_false", "keep the GRUs' default reset_after=True (Keras 2 used False: "
                            "other weights, 522,561 parameters).")
            if gru.get("return_sequences") is False:
                fb.diagnose("return_sequences_false", BUILD_HINTS["return_sequences_false"][1])
        for conv in fields.get("Conv1D", []):
            if conv.get("padding") == "same":
                fb.diagnose("same_padding", "the Conv1D uses padding='valid' (the default): 'same' gives 1378 output "
                            "steps instead of 1375, no longer aligned with the labels.")
            if str(conv.get("activation")) not in ("linear", "?"):
                fb.diagnose("conv_activation", "the Conv1D has no activation of its own: the ReLU comes after the "
                            "BatchNormalization, as an Activation layer.")
        rates = [d.get("rate") for d in fields.get("Dropout", [])]
        if rates and any(r != 0.8 for r in rates):
            fb.diagnose("dropout_rate", "every Dropout layer has rate=0.8 (the fraction of units dropped in "
                        "training).")
        if not fb.diagnoses and any(classes[c] < n for c, n in want.items()):
            missing = [c for c, n in want.items() if classes[c] < n]
            fb.diagnose("missing_layer", f"a layer is missing: the architecture has {want[missing[0]]} "
                        f"{missing[0]} layers (follow the stack of the instructions).")


# ------------------------------------------------------------------ the tests

@exercise("modelf", weight=1)
def test_modelf_parameter_totals(student, feedback):
    """modelf((5511, 101)): 523,329 parameters, 904 of them non-trainable, outputs (None, 1375, 1)."""
    model = build(student, feedback, FULL_SHAPE)
    total = model.call("count_params")
    non_trainable = sum(int(np.prod(ks._shape(w))) for w in model.attr("non_trainable_weights"))
    outputs = model.attr("outputs")
    shape = ks._shape(outputs[0]) if isinstance(outputs, list) and outputs else None
    if total == 522_561:
        feedback.diagnose("gru_reset_after_false", "keep the GRUs' default reset_after=True (Keras 2 used False: "
                          "other weights, 522,561 parameters).")
    if shape == (None, 1378, 1):
        feedback.diagnose("same_padding", "the Conv1D uses padding='valid' (the default): 'same' gives 1378 output "
                          "steps instead of 1375, no longer aligned with the labels.")
    if total != ref.PARAMETERS:
        fail(f"modelf(input_shape=(5511, 101)) has {total:,} parameters; the architecture has {ref.PARAMETERS:,} "
             "(Conv1D 297,136, BatchNormalizations 784 + 512 + 512, GRUs 125,184 and 99,072, output layer 129).")
    if non_trainable != ref.NON_TRAINABLE:
        fail(f"modelf(input_shape=(5511, 101)) has {non_trainable:,} non-trainable parameters; it should have "
             f"{ref.NON_TRAINABLE} (the moving means and variances of the three BatchNormalization layers).")
    if shape != (None, ref.TY, 1):
        fail(f"modelf(input_shape=(5511, 101)) outputs shape {shape}; it should output (None, 1375, 1): one "
             "probability per output step.")


FINE_TUNED = (2, 7, 10)  # the notebook's fine-tuning cell: model.layers[2], [7] and [10].trainable = False


@exercise("modelf", weight=2)
def test_modelf_structure(student, feedback):
    """modelf((711, 101)): the input from input_shape, every layer matched as a set of records (kind,
    settings, parameters, output shape, calls), and a model whose reported layers are the ones it
    computes with."""
    model = window_model(student, feedback)
    got = ks.read(model)
    expected = reference()[0]
    problem = ks.first_difference(got, expected)
    if problem:
        diagnose_structure(feedback, got, expected)
        fail(f"structure (modelf(input_shape={WINDOW_SHAPE})): {problem}")
    # The set of records cannot see the order of weightless layers (GRU -> Dropout -> BatchNorm or GRU ->
    # BatchNorm -> Dropout compute the same at inference), but the notebook's fine-tuning cell freezes
    # model.layers[2], [7] and [10] (layer 0 is the input): those must be the three batch normalisations.
    kinds = got.classes
    frozen = [i for i in FINE_TUNED if i >= len(kinds) or kinds[i] != "BatchNormalization"]
    if frozen:
        order = ", ".join(f"{i}: {k}" for i, k in enumerate(kinds))
        fail(f"model.layers[2], [7] and [10] should be the three BatchNormalization layers the notebook's "
             f"fine-tuning cell freezes, in the contract's order (Input, Conv1D, BatchNormalization, "
             f"Activation, Dropout, GRU, Dropout, BatchNormalization, GRU, Dropout, BatchNormalization, Dropout, "
             f"TimeDistributed); yours are {order}.")
    ks.authenticate(model, got, windows(), predict=True)  # a GRU over 711 steps: eager is slower than a trace


@exercise("modelf", weight=2)
def test_modelf_behaviour(student, feedback):
    """The reference weights loaded into the learner's model: in inference mode (no dropout) it must
    give the reference model's probabilities on the dev clips, step by step."""
    model = window_model(student, feedback)
    inputs = model.attr("inputs")
    shape = ks._shape(inputs[0]) if isinstance(inputs, list) and len(inputs) == 1 else None
    if shape != (None, *WINDOW_SHAPE):
        fail(f"modelf(input_shape={WINDOW_SHAPE}) builds a model whose input has shape {shape}: the input must come "
             "from the input_shape argument, so the grader could not run it on its dev clips.")
    try:
        model.call("set_weights", reference()[1])
    except StudentError as exc:
        fail(f"the reference weights do not fit your model's layers ({exc.type_name}: {exc.message[:200]}); build "
             "the layers in the order of the instructions, with their sizes.")
    got = ks.outputs(model, windows(), "your model", predict=True)
    if len(got) != 1:
        fail(f"your model should have one output, the probabilities per step; it has {len(got)}.")
    got = got[0]
    feedback.check_array("the probabilities of your model with the reference weights", got, expected_outputs(),
                         atol=OUTPUT_ATOL, rtol=0, time_axis=1)
