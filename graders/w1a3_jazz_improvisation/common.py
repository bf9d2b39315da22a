"""Shared pieces of the w1a3 graders: tolerances, the learner's signatures, layers and models
reached through the protocol, and outputs read back as arrays.

Everything Keras stays in the learner process: the graders hold remote handles (the shared
layers, the learner's models, layers and models they build there through the notebook's own
``keras`` and ``SharedLSTM``), set weights through them and read back plain arrays, which they
compare with the float64 TensorFlow references of reference.py.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograde.checks import Feedback, check_type, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentCrash, StudentError

from . import reference as ref

# Tolerances, about ten times above the rounding noise measured on the instructor solution and
# far below the effect of any mistake in tests/catalog. The learner's models compute in float32
# Keras, the references in float64 TensorFlow, with the same weights.
# djmodel, reference weights, 8 held-out windows of 30 steps: at most 3.9e-6 (measured; 1.4e-7
# with the small random layers). The mistakes of the catalog move some probability by 0.2 or more.
DJ_ATOL = 5e-5
# music_inference_model, reference weights, 50 greedy steps from 6 initial states: at most
# 2.1e-6 (measured). The greedy paths of the hidden cases never come closer than 2.1e-4
# between the two most likely values (reference.top2_margin; tests/test_w1a3_graders.py checks
# it), a hundred times that noise, so float32 rounding cannot change a greedy choice.
INF_ATOL = 5e-5
# Recognising a mistake by emulating it (hints only): feeding back probabilities instead of
# one-hot vectors makes float32 rounding grow over the steps (8e-5 by step 47, measured), while
# the emulated mistakes differ from the contract and from each other by 0.2 or more.
DIAG_ATOL = 1e-3


def as_array(name: str, value: Any) -> np.ndarray:
    """A tensor handle becomes its numpy value (converted inside the learner process)."""
    from autograde import keras_structure as ks

    value = ks.to_numpy(name, value) if isinstance(value, RemoteObject) else value
    check_type(name, value, np.ndarray, "a tensor or a numpy array")
    return value


def parameters(student, name: str) -> list[str] | None:
    """The parameter names of the learner's function ``name`` (None when they cannot be read)."""
    fn = student.value(name)   # an undefined name raises the learner's own "not defined" error
    if not isinstance(fn, RemoteObject):
        fail(f"{name} should be a function, but it is a {type(fn).__name__}.")
    try:
        code = fn.attr("__code__")
        names, count = code.attr("co_varnames"), code.attr("co_argcount")
    except (StudentError, StudentCrash):
        return None
    if not (isinstance(names, (list, tuple)) and isinstance(count, int) and all(isinstance(n, str) for n in names)):
        return None
    return list(names[:count])


def is_model(value: Any) -> bool:
    return isinstance(value, RemoteObject) and ("Model" in value.remote_type or "Functional" in value.remote_type)


def require_model(name: str, value: Any, form: str) -> RemoteObject:
    if not is_model(value):
        kind = value.remote_type if isinstance(value, RemoteObject) else type(value).__name__
        fail(f"{name} should return a Keras Model ({form}), not {kind}.")
    return value


class Layers:
    """Handles of one set of shared layers in the learner process."""

    def __init__(self, reshaper: RemoteObject, lstm: RemoteObject, dense: RemoteObject, n_values: int, n_a: int):
        self.reshaper, self.lstm, self.dense = reshaper, lstm, dense
        self.n_values, self.n_a = n_values, n_a

    def set_weights(self, w: dict[str, np.ndarray]) -> None:
        """Build the layers if nothing has yet, then load ``w`` (reference.weights_of layout)."""
        try:
            if self.lstm.attr("built") is not True:
                self.lstm.call("build", (None, 1, self.n_values))
            if self.dense.attr("built") is not True:
                self.dense.call("build", (None, self.n_a))
            self.lstm.call("set_weights", ref.lstm_weights(w))
            self.dense.call("set_weights", ref.dense_weights(w))
        except (StudentError, StudentCrash) as exc:
            fail("the shared layers LSTM_cell and densor no longer accept the weights of an LSTM with "
                 f"{self.n_a} units over {self.n_values} values and of a Dense layer of {self.n_values} units "
                 f"({exc.type_name if isinstance(exc, StudentError) else 'crash'}); keep the layers the notebook "
                 "creates.")

    def hashes(self) -> dict[str, int]:
        return {name: identity(layer) for name, layer in (("LSTM", self.lstm), ("Dense", self.dense),
                                                           ("Reshape", self.reshaper))}


def identity(obj: RemoteObject) -> int | None:
    try:
        value = obj.call("__hash__")
    except (StudentError, StudentCrash):
        return None
    return value if isinstance(value, int) else None


def notebook_layers(student) -> Layers:
    """The notebook's shared globals reshaper (or reshapor), LSTM_cell and densor."""
    found = {}
    for name in ("LSTM_cell", "densor", "reshaper"):
        try:
            found[name] = student.value(name)
        except StudentError:
            if name != "reshaper":
                raise
            found[name] = student.value("reshapor")
        if not isinstance(found[name], RemoteObject):
            fail(f"the shared layer {name} was replaced by a {type(found[name]).__name__}; keep the notebook's "
                 "global layers.")
    return Layers(found["reshaper"], found["LSTM_cell"], found["densor"], ref.N_VALUES, ref.N_A)


def keras_module(student) -> RemoteObject:
    """The notebook's ``keras`` (imported by its locked imports cell)."""
    keras = student.value("keras")
    if not (isinstance(keras, RemoteObject) and keras.remote_type == "builtins.module"):
        fail("the grader builds its test layers with the notebook's keras, but `keras` is no longer the Keras module "
             "in your notebook: do not assign to the names the imports cell defines.")
    return keras


def new_layers(student, n_values: int, n_a: int) -> Layers:
    """A new set of shared layers of another size, made in the learner process with the classes
    the notebook uses (``Reshape``, ``SharedLSTM``, ``Dense``)."""
    keras = keras_module(student)
    try:
        reshaper = keras.attr("layers").call("Reshape", (1, n_values))
        lstm = student.SharedLSTM(n_a, return_state=True)
        dense = keras.attr("layers").call("Dense", n_values, activation="softmax")
    except (StudentError, StudentCrash):
        fail("the grader could not create layers in your notebook: keep the imports cell as it is (keras and "
             "SharedLSTM must be the course's).")
    return Layers(reshaper, lstm, dense, n_values, n_a)


def model_outputs(model: RemoteObject, inputs: list[np.ndarray], what: str) -> list[np.ndarray]:
    """The model's outputs on ``inputs`` (an eager call, which needs no graph tracing), as arrays."""
    from autograde import keras_structure as ks

    return ks.outputs(model, inputs, what)


def input_shapes(model: RemoteObject) -> list[Any]:
    from autograde import keras_structure as ks

    return [ks._shape(t) for t in model.attr("inputs")]


def output_shapes(model: RemoteObject) -> list[Any]:
    from autograde import keras_structure as ks

    outs = model.attr("outputs")
    return [ks._shape(t) for t in (outs if isinstance(outs, list) else [outs])]


def stacked(got: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray | None:
    """The outputs as one (T, m, n) array, or None when they do not have the expected shape."""
    if len(got) != shape[0] or any(g.shape != shape[1:] for g in got):
        return None
    return np.stack(got).astype(np.float64)


def weighted_only(structure):
    """Only the layers with weights (LSTM, Dense): slicing, Reshape, Lambda or RepeatVector layers,
    or keras.ops calls in their place, compute the same thing and are judged by behaviour."""
    from autograde import keras_structure as ks

    keep = [(r, h) for r, h in zip(structure.layers, structure.handles) if r.params > 0 or r.cls in ("LSTM", "Dense")]
    return ks.Structure(structure.inputs, [r for r, _ in keep], [h for _, h in keep])


def layer_handles(structure, cls: str) -> list[RemoteObject]:
    return [h for r, h in zip(structure.layers, structure.handles) if r.cls == cls]


def uses_layers(structure, layers: Layers) -> bool | None:
    """Whether the model's only LSTM and Dense layers are the given ones (None if it has not one of each)."""
    lstms, denses = layer_handles(structure, "LSTM"), layer_handles(structure, "Dense")
    if len(lstms) != 1 or len(denses) != 1:
        return None
    mine = layers.hashes()
    return identity(lstms[0]) == mine["LSTM"] and identity(denses[0]) == mine["Dense"]


def diagnose_build_error(fb: Feedback, exc: StudentError, hints: dict[str, tuple[tuple[str, ...], str]]) -> None:
    """A hint for a known mistake recognised from the error the learner's function raised."""
    text = f"{exc.type_name}: {exc.message}"
    for mistake, (needles, hint) in hints.items():
        if any(n in text for n in needles):
            fb.diagnose(mistake, hint)
            return
