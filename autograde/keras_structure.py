"""Keras model structure, compared by meaning, and proof that a model is a real one (graders).

Used by every grader of a Keras model the learner builds (w1a3, w2a2, w3a1, w3a2). The same
code reads a reference model here and the learner's model through its remote handle.

Structure is a matched SET of layer records, never a list compared by position: the order
in which Keras lists a functional model's layers depends on how the calls were written
(``lstm(x)``, ``lstm(sequences=x)``, ``lstm(inputs=x)``), not on what the model computes.
Inputs are compared in order (they are the model's call signature) by shape, and by name
where the contract names them; layers are grouped by class and counted; within a class,
records are matched as a multiset; each record also says how often the layer is called in
THIS model (a layer shared across 30 time steps is one layer called 30 times, not 30
layers). The first real difference is reported in the learner's terms.

Authenticity: structure answers come from the learner process, which is untrusted, so a
structure check earns credit only for a model whose structure is consistent with its
behaviour (:func:`authenticate`): its weights round-trip through set_weights/get_weights,
perturbing each weighted layer it reports (through that layer's own handle) changes the
model's outputs and shows in the model's own weights, and its outputs are deterministic.
A plain object imitating a model, or a wrong model that answers structure questions from a
correct twin, fails that.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from autograde.checks import fail


def _is_remote(obj: Any) -> bool:
    from autograde.grading import RemoteObject

    return isinstance(obj, RemoteObject)


def get(obj: Any, path: str) -> Any:
    """A dotted attribute of a local Keras object or of a remote handle."""
    for name in path.split("."):
        obj = obj.attr(name) if _is_remote(obj) else getattr(obj, name)
    return obj


def call(obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    return obj.call(method, *args, **kwargs) if _is_remote(obj) else getattr(obj, method)(*args, **kwargs)


def _shape(tensor: Any) -> Any:
    shape = get(tensor, "shape")
    if _is_remote(shape):  # a TensorShape (TensorFlow variables): ask for its plain form
        shape = shape.call("as_list")
    elif not isinstance(shape, (list, tuple)) and hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape


class Custom(str):
    """A function the course or the learner wrote (not one of Keras's own): its name says nothing
    about what it computes (the course's own softmax over the time axis, say), so it matches any
    activation here, and behaviour with the reference weights decides."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash("Custom")

    def __repr__(self) -> str:
        return f"a custom function ({str.__str__(self)})"


def _name_of(fn: Any) -> str:
    """The name of an activation function or initializer, local or remote."""
    try:
        name, module = str(get(fn, "__name__")), str(get(fn, "__module__"))
    except Exception:
        name, module = str(get(fn, "__class__.__name__")), str(get(fn, "__class__.__module__"))
    return name if module.startswith(("keras.", "tensorflow.")) else Custom(name)


# Class name -> {record field: attribute path}. LSTM-like wrappers read their inner layer.
FIELDS: dict[str, dict[str, str]] = {
    "Dense": {"units": "units", "activation": "activation"},
    "LSTM": {"units": "units", "activation": "activation", "return_sequences": "return_sequences",
             "return_state": "return_state"},
    "GRU": {"units": "units", "return_sequences": "return_sequences", "return_state": "return_state",
            "reset_after": "reset_after"},
    "SimpleRNN": {"units": "units", "return_sequences": "return_sequences"},
    "Bidirectional": {"inner": "forward_layer.__class__.__name__", "units": "forward_layer.units",
                      "return_sequences": "forward_layer.return_sequences", "merge_mode": "merge_mode"},
    "TimeDistributed": {"inner": "layer.__class__.__name__", "units": "layer.units",
                        "activation": "layer.activation"},
    "Conv1D": {"filters": "filters", "kernel_size": "kernel_size", "strides": "strides", "padding": "padding",
               "activation": "activation", "kernel_initializer": "kernel_initializer"},
    "Dropout": {"rate": "rate"},
    "Activation": {"activation": "activation"},
    "RepeatVector": {"n": "n"},
    "Reshape": {"target_shape": "target_shape"},
    "Embedding": {"input_dim": "input_dim", "output_dim": "output_dim", "trainable": "trainable"},
    "Concatenate": {"axis": "axis"},
    "Dot": {"axes": "axes"},
}
CALLABLE_FIELDS = {"activation", "kernel_initializer"}


def _base_class(name: str) -> str:
    """Subclasses the course provides (e.g. SharedLSTM accepting inputs=) count as their Keras base."""
    for base in ("Bidirectional", "LSTM", "GRU", "SimpleRNN"):
        if name.endswith(base) and name != base:
            return base
    return name


@dataclass(frozen=True)
class LayerRecord:
    cls: str
    fields: tuple[tuple[str, Any], ...]
    params: int
    trainable_params: int
    output_shape: Any
    calls: int

    def describe(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.fields)
        return f"{self.cls}({inner})" if inner else self.cls


@dataclass
class Structure:
    inputs: list[tuple[str, Any]]
    layers: list[LayerRecord]
    handles: list[Any] = field(default_factory=list, compare=False)  # the layer objects, same order
    classes: list[str] = field(default_factory=list, compare=False)  # every entry of model.layers, input layers too

    @property
    def params(self) -> int:
        return sum(r.params for r in self.layers)


def _normalise(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_normalise(v) for v in value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def read(model: Any) -> Structure:
    """The structure of a local Keras model or of a remote handle to one."""
    inputs = [(str(get(t, "name")), _shape(t)) for t in get(model, "inputs")]
    nodes = get(model, "_nodes_by_depth")  # {depth: [Node]} of THIS model (a layer's own node list spans models)
    depths = range(int(call(nodes, "__len__")))
    node_list = [n for d in depths for n in (call(nodes, "__getitem__", d) or [])]
    counts = Counter(int(call(get(n, "operation"), "__hash__")) for n in node_list)
    layers, handles, classes = [], [], []
    for layer in get(model, "layers"):
        classes.append(str(get(layer, "__class__.__name__")))
        cls = _base_class(classes[-1])
        if cls == "InputLayer":
            continue
        fields = []
        for key, path in FIELDS.get(cls, {}).items():
            try:
                value = get(layer, path)
                value = _name_of(value) if key in CALLABLE_FIELDS else _normalise(value)
            except Exception:
                value = "?"
            fields.append((key, value))
        out = get(layer, "output")
        shape = [_shape(t) for t in out] if isinstance(out, (list, tuple)) else _shape(out)
        params = int(call(layer, "count_params"))
        trainable = int(sum(int(np.prod(_shape(w))) for w in get(layer, "trainable_weights")))
        layers.append(LayerRecord(cls, tuple(fields), params, trainable, _normalise(shape),
                                  counts.get(int(call(layer, "__hash__")), 0)))
        handles.append(layer)
    return Structure(inputs, layers, handles, classes)


def _auto_name(name: str) -> bool:
    return name.startswith(("input_layer", "keras_tensor", "input_"))


def first_difference(got: Structure, expected: Structure) -> str | None:
    """The first real difference, in the learner's terms (None when the structures match)."""
    if len(got.inputs) != len(expected.inputs):
        return f"the model has {len(got.inputs)} inputs; it should have {len(expected.inputs)}."
    for i, ((g_name, g_shape), (e_name, e_shape)) in enumerate(zip(got.inputs, expected.inputs)):
        if g_shape != e_shape:
            return f"input {i} of the model has shape {g_shape}; expected {e_shape}."
        if not _auto_name(e_name) and g_name != e_name:
            return f"input {i} of the model should be named {e_name!r}, not {g_name!r}."
    g_by, e_by = defaultdict(list), defaultdict(list)
    for r in got.layers:
        g_by[r.cls].append(r)
    for r in expected.layers:
        e_by[r.cls].append(r)
    for cls in list(e_by) + [c for c in g_by if c not in e_by]:
        g, e = g_by.get(cls, []), e_by.get(cls, [])
        if len(g) != len(e):
            calls = sum(r.calls for r in e)
            shared = f" ({len(e)} layer{'s' if len(e) != 1 else ''} called {calls} times)" if calls > len(e) else ""
            return (f"the model has {len(g)} {cls} layer{'s' if len(g) != 1 else ''}; it should have "
                    f"{len(e)}{shared}." + (" Create each layer once and reuse it: a layer created inside a loop "
                                            "is a new layer (with new weights) at every step." if len(g) > len(e) and
                                            calls > len(e) else ""))
    for cls, e_list in e_by.items():
        remaining = list(g_by[cls])
        for e in e_list:
            if e in remaining:
                remaining.remove(e)
                continue
            best = max(remaining, key=lambda g: _agreement(g, e))
            remaining.remove(best)
            return _explain(best, e)
    return None


def _agreement(g: LayerRecord, e: LayerRecord) -> int:
    return (sum(a == b for a, b in zip(g.fields, e.fields)) + (g.params == e.params)
            + (g.output_shape == e.output_shape) + (g.calls == e.calls))


def _explain(g: LayerRecord, e: LayerRecord) -> str:
    for (key, gv), (_, ev) in zip(g.fields, e.fields):
        if gv != ev:
            return f"{_article(e.cls)} {e.cls} layer should have {key}={ev!r}; yours has {key}={gv!r} ({g.describe()})."
    if g.output_shape != e.output_shape:
        return f"the {e.describe()} layer's output has shape {g.output_shape}; expected {e.output_shape}."
    if g.params != e.params:
        return f"the {e.describe()} layer has {g.params:,} parameters; expected {e.params:,}."
    if g.trainable_params != e.trainable_params:
        return (f"the {e.describe()} layer has {g.trainable_params:,} trainable parameters; expected "
                f"{e.trainable_params:,}" + (" (it should be frozen: trainable=False)." if e.trainable_params == 0
                                             else "."))
    if g.calls != e.calls:
        return f"the {e.describe()} layer is called {g.calls} times in the model; expected {e.calls}."
    return f"{_article(e.cls)} {e.cls} layer differs from the expected {e.describe()}."


def check_structure(got: Structure, expected: Structure) -> None:
    problem = first_difference(got, expected)
    if problem:
        fail("structure: " + problem, output="model structure", kind="structure")


# ------------------------------------------------------------------ authenticity

def _as_arrays(name: str, value: Any) -> list[np.ndarray]:
    if not isinstance(value, list) or not all(isinstance(w, np.ndarray) and w.dtype.kind == "f" for w in value):
        fail(f"{name} should return a list of float arrays; the model does not behave like a Keras model.",
             output="model authenticity", kind="authenticity")
    return value


def to_numpy(name: str, value: Any) -> Any:
    """A tensor (a remote handle: converted inside the learner process) as a numpy array; other
    values unchanged. A learner's error in the conversion costs points; a crash stays a crash."""
    if _is_remote(value):
        from autograde.runner import StudentError

        if value.remote_type.endswith("ndarray"):
            fail(f"{name} should hold numbers, but it is an array of Python objects.", output=name, kind="type")
        try:
            return value.call("numpy")
        except (StudentError, AttributeError):
            fail(f"{name} should be a tensor or a numpy array, but it is a {value.remote_type}.", output=name,
                 kind="type")
    if not isinstance(value, np.ndarray) and hasattr(value, "numpy"):
        return value.numpy()
    return value


def outputs(model: Any, inputs: Any, what: str = "the model", predict: bool = False) -> list[np.ndarray]:
    """The model's outputs on ``inputs`` from one eager call, ``model(inputs, training=False)``.

    An eager call needs no graph: ``predict`` traces one per fresh model, which costs a model the
    grader builds once (every submission builds its own) several times the call itself. A remote
    model's tensors are converted to numpy inside the learner process. ``predict=True`` uses
    ``model.predict`` instead, for models whose eager call is slower than a trace (a recurrent
    layer over hundreds of steps runs its loop in Python when eager)."""
    out = call(model, "predict", inputs, verbose=0) if predict else call(model, "__call__", inputs, training=False)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    arrays = []
    for t, o in enumerate(outs):
        name = f"output {t} of {what}" if len(outs) > 1 else f"the output of {what}"
        o = to_numpy(name, o)
        if not (isinstance(o, np.ndarray) and o.dtype.kind == "f"):
            fail(f"{name} should be an array of floats; the model does not behave like a Keras model.",
                 output="model authenticity", kind="authenticity")
        arrays.append(o)
    return arrays


def _round_trip(model: Any, rng: np.random.Generator) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Set perturbed weights and read them back: (the original weights, the probe now set)."""
    weights = _as_arrays("get_weights()", call(model, "get_weights"))
    probe = [(w + rng.normal(0, 0.05, w.shape)).astype(w.dtype) for w in weights]
    call(model, "set_weights", probe)
    back = _as_arrays("get_weights()", call(model, "get_weights"))
    if len(back) != len(probe) or not all(b.shape == p.shape and np.array_equal(b, p) for b, p in zip(back, probe)):
        fail("weights set with set_weights do not come back from get_weights; the model does not behave like a "
             "Keras model.", output="model authenticity", kind="authenticity")
    return weights, probe


def _deterministic_outputs(model: Any, inputs: Any, predict: bool) -> list[np.ndarray]:
    base = outputs(model, inputs, predict=predict)
    again = outputs(model, inputs, predict=predict)
    if len(base) != len(again) or not all(np.allclose(a, b, atol=1e-6) for a, b in zip(base, again)):
        fail("the model's outputs change between two identical predictions.", output="model authenticity",
             kind="authenticity")
    return base


def behaves_like_a_model(model: Any, inputs: Any, seed: int = 0, predict: bool = False) -> list[np.ndarray]:
    """The cheap part of ``authenticate``, for checks that need a real model but not its structure:
    weights round-trip through set_weights/get_weights and the outputs depend on them. Returns
    the outputs under the model's own weights (restored)."""
    rng = np.random.default_rng(seed)
    weights, _ = _round_trip(model, rng)
    probed = _deterministic_outputs(model, inputs, predict)
    call(model, "set_weights", weights)
    own = outputs(model, inputs, predict=predict)
    if len(own) == len(probed) and all(a.shape == b.shape and np.allclose(a, b, atol=1e-7)
                                       for a, b in zip(own, probed)):
        fail("the model's outputs do not depend on its weights; it does not behave like a Keras model.",
             output="model authenticity", kind="authenticity")
    return own


def authenticate(model: Any, structure: Structure, inputs: Any, seed: int = 0,
                 may_be_inert: Callable[[LayerRecord], bool] | None = None, predict: bool = False) -> None:
    """Fail unless the model's structure is consistent with its behaviour (see the module doc).

    ``may_be_inert`` names layers whose influence on the outputs is not this exercise's to
    answer for (e.g. the layers of a graded callee that fails its own checks, whose mistake may
    make them inert); they must still be real layers of the model. ``predict``: see :func:`outputs`."""
    rng = np.random.default_rng(seed)
    weights = _as_arrays("get_weights()", call(model, "get_weights"))
    if sum(int(w.size) for w in weights) != structure.params:
        fail("the model's weights do not add up to the parameters its layers report; it does not behave like a "
             "Keras model.", output="model authenticity", kind="authenticity")
    weights, probe = _round_trip(model, rng)
    base = _deterministic_outputs(model, inputs, predict)
    for record, layer in zip(structure.layers, structure.handles):
        if record.params == 0:
            continue
        own = _as_arrays(f"the {record.cls} layer's get_weights()", call(layer, "get_weights"))
        call(layer, "set_weights", [(w + rng.normal(0, 0.5, w.shape)).astype(w.dtype) for w in own])
        changed = outputs(model, inputs, predict=predict)
        model_weights = _as_arrays("get_weights()", call(model, "get_weights"))
        call(layer, "set_weights", own)
        if all(np.array_equal(a, b) for a, b in zip(model_weights, probe)):
            fail(f"changing the weights of the model's {record.describe()} layer does not change the model's "
                 "weights; the layers it reports are not the ones it computes with.", output="model authenticity",
                 kind="authenticity")
        if (not (may_be_inert and may_be_inert(record))
                and all(a.shape == b.shape and np.allclose(a, b, atol=1e-7) for a, b in zip(changed, base))):
            fail(f"the model's outputs do not depend on its {record.describe()} layer: every layer with weights "
                 "must take part in the computation.", output="model authenticity", kind="authenticity")
    call(model, "set_weights", weights)


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"
