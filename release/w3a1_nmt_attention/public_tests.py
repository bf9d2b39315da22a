"""Public checks for the "date translation with attention" assignment.

Each ``*_test`` function checks what can be checked without a reference answer:

- ``one_step_attention_test`` calls your function on random arrays and checks the shape of
  the context, that it is a weighted AVERAGE of the encoder states (every value lies between
  the smallest and the largest value of ``a`` along time), that it is what the shared layers
  of the notebook compute, and that it changes when ``s_prev`` changes;
- ``modelf_test`` builds your model and compares its inputs, outputs, parameter count and
  its layers, one by one, with the expected architecture;
- ``compile_model_test`` reads the optimizer, loss and metrics the model was compiled with.

A failing check shows one line that says what is wrong (see checkkit.py), and the cell fails.
"""
import numpy as np
from checkkit import public_check
import keras

__all__ = ["one_step_attention_test", "modelf_test", "compile_model_test"]


SHARED_ATTENTION_LAYERS = ("repeator", "concatenator", "densor1", "densor2", "activator", "dotor")




def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _call(target, name, *args):
    """Call the learner's function; an unfinished exercise gets a plain message."""
    try:
        return target(*args)
    except NotImplementedError as err:
        raise AssertionError(f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                             "with your code.") from err


def _to_numpy(value, name):
    if isinstance(value, keras.KerasTensor):
        raise AssertionError(f"{name} is a symbolic Keras tensor, but called on arrays the function "
                             "should return actual values. Call the shared layers directly on the "
                             "inputs (no keras.Input inside the function).")
    _require(hasattr(value, "shape"),
             f"{name} should be a tensor or an array, but it is a {type(value).__name__}.")
    return np.asarray(value)


# --------------------------------------------------------------------------------------
# Exercise 1: one_step_attention
# --------------------------------------------------------------------------------------

def _shared_layers(target):
    """The notebook's shared attention layers, read from the function's own globals."""
    namespace = getattr(target, "__globals__", {})
    missing = [name for name in SHARED_ATTENTION_LAYERS if name not in namespace]
    _require(not missing,
             f"The shared layers {missing} are not defined where one_step_attention is defined. "
             "Run the cell that creates repeator, concatenator, densor1, densor2, activator and "
             "dotor first.")
    return {name: namespace[name] for name in SHARED_ATTENTION_LAYERS}


def _context_with(layers, a, s_prev, a_first=True):
    s_rep = layers["repeator"](s_prev)
    concat = layers["concatenator"]([a, s_rep] if a_first else [s_rep, a])
    alphas = layers["activator"](layers["densor2"](layers["densor1"](concat)))
    return np.asarray(layers["dotor"]([alphas, a]))


@public_check("one_step_attention")
def one_step_attention_test(target):
    layers = _shared_layers(target)
    Tx = layers["repeator"].n
    m, n_a2, n_s = 5, 64, 64
    rng = np.random.default_rng(301)
    a = rng.uniform(-1.0, 1.0, (m, Tx, n_a2)).astype(np.float32)
    s_prev = rng.uniform(-1.0, 1.0, (m, n_s)).astype(np.float32)

    context = _to_numpy(_call(target, "one_step_attention", a, s_prev), "The context")
    if context.shape == (m, n_a2, 1):
        raise AssertionError(f"The context has shape {context.shape}, but it should be {(m, 1, n_a2)}. "
                             "Call dotor([alphas, a]) with the weights first.")
    _require(context.shape == (m, 1, n_a2),
             f"The context has shape {context.shape}, but it should be {(m, 1, n_a2)} "
             "(one vector of size 2*n_a per example): (m, Tx, 1) weights dotted with a (m, Tx, 2*n_a) "
             "over the time axis.")
    _require(np.all(np.isfinite(context)), "The context contains NaN or infinite values.")
    again = _to_numpy(_call(target, "one_step_attention", a, s_prev), "The context")
    _require(np.array_equal(context, again),
             "Two calls of one_step_attention on the same inputs gave different contexts. The function "
             "probably creates new layers (with new random weights) at every call: use the shared layers "
             "defined above instead.")

    # a weighted average of the a<t'> (weights >= 0 summing to 1) stays inside their range
    low = a.min(axis=1, keepdims=True) - 1e-5
    high = a.max(axis=1, keepdims=True) + 1e-5
    if not np.all((context >= low) & (context <= high)):
        if np.allclose(context, a.sum(axis=1, keepdims=True), atol=1e-4):
            raise AssertionError("The context is the plain SUM of the a<t'>: every attention weight is 1. "
                                 "The weights must be normalised over the Tx positions (axis 1): use the "
                                 "activator defined above, not a softmax over the last axis.")
        raise AssertionError("The context is not a weighted average of the a<t'>: some of its values lie "
                             "outside the range of a along the time axis. The weights must come from the "
                             "activator (softmax over time) and be applied with dotor([alphas, a]).")

    d1, d2 = layers["densor1"], layers["densor2"]
    _require(d1.built and d2.built and d1.get_weights() and d2.get_weights(),
             "densor1 / densor2 still have no weights after your function ran: use the shared layers "
             "defined above (repeator, concatenator, densor1, densor2, activator, dotor) instead of "
             "creating new ones.")
    _require(d1.get_weights()[0].shape == (n_a2 + n_s, 10),
             f"densor1's kernel has shape {d1.get_weights()[0].shape}; with a of size {n_a2} and s_prev "
             f"of size {n_s} it should be {(n_a2 + n_s, 10)}. Concatenate [a, repeated s_prev] on the "
             "last axis.")

    # With Keras's initial weights, many mistakes change the context by very little. Give
    # densor1/densor2 larger, fixed weights for the next checks, and restore them afterwards.
    # densor2's bias keeps every energy above zero, so the relu never flattens the weights.
    saved = (d1.get_weights(), d2.get_weights())
    try:
        w = np.random.default_rng(302)
        d1.set_weights([w.normal(0.0, 0.6, (n_a2 + n_s, 10)).astype(np.float32), np.zeros(10, np.float32)])
        d2.set_weights([w.normal(0.0, 0.25, (10, 1)).astype(np.float32), np.full(1, 3.0, np.float32)])

        got = _to_numpy(_call(target, "one_step_attention", a, s_prev), "The context")
        expected = _context_with(layers, a, s_prev)
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-5):
            if np.allclose(got, _context_with(layers, a, s_prev, a_first=False), rtol=1e-4, atol=1e-5):
                raise AssertionError("The concatenation is in the wrong order: concatenate [a, s_prev "
                                     "repeated Tx times], with a FIRST.")
            raise AssertionError(
                "The context differs from what the shared layers compute: repeator(s_prev) -> "
                "concatenator([a, repeated s_prev]) -> densor1 -> densor2 -> activator -> "
                "dotor([alphas, a]). Use exactly these shared layers (defined above), once each, in "
                f"this order (largest difference {np.max(np.abs(got - expected)):.3g}).")

        other = rng.uniform(-1.0, 1.0, (m, n_s)).astype(np.float32)
        moved = _to_numpy(_call(target, "one_step_attention", a, other), "The context")
        _require(np.max(np.abs(moved - got)) > 1e-4,
                 "The context does not change when s_prev changes. The attention weights must depend "
                 "on the decoder state: repeat s_prev Tx times and concatenate it with a.")
    finally:
        d1.set_weights(saved[0])
        d2.set_weights(saved[1])


# --------------------------------------------------------------------------------------
# Exercise 2: modelf
# --------------------------------------------------------------------------------------

# (class, output shape, parameters, details) of model.layers for
# modelf(Tx=30, Ty=10, n_a=32, n_s=64, human_vocab_size=37, machine_vocab_size=11), in the order
# Keras 3 lists them. The decoder is the notebook's SharedLSTM (a plain LSTM is accepted).
EXPECTED_LAYERS = [
    ("InputLayer", (None, 30, 37), 0, {}),
    ("InputLayer", (None, 64), 0, {"name": "s0"}),
    ("Bidirectional", (None, 30, 64), 17920, {"inner": "LSTM", "units": 32, "return_sequences": True}),
    ("RepeatVector", (None, 30, 64), 0, {"n": 30}),
    ("Concatenate", (None, 30, 128), 0, {"axis": -1}),
    ("Dense", (None, 30, 10), 1290, {"activation": "tanh"}),
    ("Dense", (None, 30, 1), 11, {"activation": "relu"}),
    ("Activation", (None, 30, 1), 0, {"name": "attention_weights"}),
    ("Dot", (None, 1, 64), 0, {"axes": 1}),
    ("InputLayer", (None, 64), 0, {"name": "c0"}),
    ("SharedLSTM", [(None, 64), (None, 64), (None, 64)], 33024, {"return_state": True}),
    ("Dense", (None, 11), 715, {"activation": "softmax"}),
]
TOTAL_PARAMETERS = 52960


def _shape_of(output):
    if isinstance(output, (list, tuple)):
        return [tuple(t.shape) for t in output]
    return tuple(output.shape)


def _describe(layer):
    """(class, output shape, parameters, details) of one layer, like EXPECTED_LAYERS."""
    details = {}
    if isinstance(layer, keras.layers.InputLayer):
        details["name"] = layer.name
    elif isinstance(layer, keras.layers.Bidirectional):
        inner = layer.forward_layer
        details.update(inner=type(inner).__name__, units=getattr(inner, "units", None),
                       return_sequences=getattr(inner, "return_sequences", None))
    elif isinstance(layer, keras.layers.RepeatVector):
        details["n"] = layer.n
    elif isinstance(layer, keras.layers.Concatenate):
        details["axis"] = layer.axis
    elif isinstance(layer, keras.layers.Dense):
        details["activation"] = getattr(layer.activation, "__name__", str(layer.activation))
    elif isinstance(layer, keras.layers.Activation):
        details["name"] = layer.name
    elif isinstance(layer, keras.layers.Dot):
        details["axes"] = layer.axes
    elif isinstance(layer, keras.layers.LSTM):
        details["return_state"] = layer.return_state
    return type(layer).__name__, _shape_of(layer.output), layer.count_params(), details


def _same_class(got, expected):
    return got == expected or (expected == "SharedLSTM" and got == "LSTM")


@public_check("modelf")
def modelf_test(target):
    args = (30, 10, 32, 64, 37, 11)
    model = _call(target, "modelf", *args)
    _require(isinstance(model, keras.Model),
             f"modelf should return a keras Model, but it returned a {type(model).__name__}.")

    _require(len(model.inputs) == 3,
             f"The model should have 3 inputs [X, s0, c0], but it has {len(model.inputs)}.")
    for index, (tensor, shape, name) in enumerate(zip(model.inputs, [(None, 30, 37), (None, 64), (None, 64)],
                                                      [None, "s0", "c0"])):
        _require(tuple(tensor.shape) == shape,
                 f"Input {index} has shape {tuple(tensor.shape)}, but it should be {shape}.")
        if name is not None:
            _require(tensor.name == name,
                     f"Input {index} is named {tensor.name!r}; it should be named {name!r} "
                     f"(Input(shape=(n_s,), name={name!r})).")

    _require(len(model.outputs) == 10,
             f"The model should have Ty = 10 outputs (one per output character), but it has "
             f"{len(model.outputs)}.")
    for t, tensor in enumerate(model.outputs):
        _require(tuple(tensor.shape) == (None, 11),
                 f"Output {t} has shape {tuple(tensor.shape)}, but it should be (None, 11).")

    total = model.count_params()
    if total != TOTAL_PARAMETERS:
        hint = ""
        if total > TOTAL_PARAMETERS:
            hint = (" More parameters than expected usually means that new layers are created inside "
                    "the loop or inside one_step_attention: use the shared layers defined above, created "
                    "once, and call them at every step.")
        raise AssertionError(f"The model has {total} parameters, but it should have {TOTAL_PARAMETERS}.{hint}")

    got_layers = [_describe(layer) for layer in model.layers]
    fields = ("class", "output shape", "number of parameters")
    for index, (got, expected) in enumerate(zip(got_layers, EXPECTED_LAYERS)):
        for field, g, e in zip(fields, got[:3], expected[:3]):
            same = _same_class(g, e) if field == "class" else g == e
            _require(same, f"Layer {index} ({got[0]}): its {field} is {g!r}, but it should be {e!r}. "
                           f"Expected layer {index}: {expected[0]} with output shape {expected[1]}.")
        for key, value in expected[3].items():
            _require(got[3].get(key) == value,
                     f"Layer {index} ({got[0]}): {key} is {got[3].get(key)!r}, but it should be {value!r}.")
    _require(len(got_layers) == len(EXPECTED_LAYERS),
             f"The model lists {len(got_layers)} layers, but it should list {len(EXPECTED_LAYERS)}: "
             + ", ".join(e[0] for e in EXPECTED_LAYERS) + ".")

    # behaviour: each output is a probability vector, and the decoder moves on from step to step
    rng = np.random.default_rng(303)
    x = np.eye(37, dtype=np.float32)[rng.integers(0, 37, (3, 30))]
    zeros = np.zeros((3, 64), dtype=np.float32)
    outs = [np.asarray(o) for o in model([x, zeros, zeros], training=False)]
    _require(all(np.allclose(o.sum(axis=-1), 1.0, atol=1e-5) for o in outs),
             "The outputs should be probabilities that sum to 1: use output_layer (defined above) on s.")
    _require(not all(np.array_equal(outs[0], o) for o in outs[1:]),
             "All 10 outputs are identical: the decoder seems to start again from s0 and c0 at every "
             "step. Start from s = s0, c = c0, then give each step the s and c returned by the "
             "previous step.")


# --------------------------------------------------------------------------------------
# Exercise 3: compiling the model
# --------------------------------------------------------------------------------------

def _close_to(value, expected):
    return isinstance(value, (int, float)) and abs(float(value) - expected) <= 1e-9 * max(1.0, abs(expected))


def _bare_name(entry):
    """'categorical_crossentropy', a loss function, or its serialised config -> 'categoricalcrossentropy'."""
    if isinstance(entry, dict):
        config = entry.get("config")
        name = entry.get("class_name")
        if name == "function" or not name:
            name = config if isinstance(config, str) else (config or {}).get("name", "")
        entry = name
    elif not isinstance(entry, str):
        entry = getattr(entry, "__name__", None) or getattr(entry, "name", None) or str(entry)
    return str(entry).lower().replace("_", "")


def _metric_names(metrics):
    """Metric names from a compile config: a flat list, one list per output, or a dict."""
    if metrics is None:
        return []
    if isinstance(metrics, dict) and "class_name" not in metrics:
        metrics = list(metrics.values())
    if isinstance(metrics, (list, tuple)):
        return [name for entry in metrics for name in _metric_names(entry)]
    if isinstance(metrics, str):
        return [metrics]
    if isinstance(metrics, dict):
        return [metrics.get("config", {}).get("name") or metrics.get("class_name")]
    return [getattr(metrics, "name", None) or getattr(metrics, "__name__", None) or str(metrics)]


@public_check("compile_model")
def compile_model_test(model):
    _require(model is not None,
             "model is not defined: the cell that builds it (model = modelf(...)) did not run through; "
             "finish modelf first.")
    _require(isinstance(model, keras.Model),
             f"compile_model_test needs the model, but got a {type(model).__name__}.")
    optimizer = getattr(model, "optimizer", None)
    _require(optimizer is not None,
             "The model has not been compiled yet: call model.compile(optimizer=opt, "
             "loss='categorical_crossentropy', metrics=['accuracy']).")
    _require(isinstance(optimizer, keras.optimizers.Adam),
             f"The optimizer should be Adam, but it is {type(optimizer).__name__}.")

    config = optimizer.get_config()
    rate = config.get("learning_rate")
    if isinstance(rate, dict):
        _require(rate.get("class_name") == "InverseTimeDecay",
                 f"The learning rate follows a {rate.get('class_name')} schedule; use "
                 "InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.01) (or a constant 0.005).")
        schedule = rate.get("config", {})
        for key, value in (("initial_learning_rate", 0.005), ("decay_steps", 1), ("decay_rate", 0.01)):
            _require(_close_to(schedule.get(key), value),
                     f"The InverseTimeDecay schedule has {key}={schedule.get(key)!r}; it should be {value}.")
        _require(not schedule.get("staircase", False),
                 "The InverseTimeDecay schedule should not use staircase=True.")
    else:
        _require(_close_to(rate, 0.005),
                 f"The learning rate is {rate!r}; it should be 0.005 (learning_rate=0.005, or the "
                 "InverseTimeDecay schedule starting at 0.005).")
    for key, value in (("beta_1", 0.9), ("beta_2", 0.999)):
        _require(_close_to(config.get(key), value), f"Adam's {key} is {config.get(key)!r}; it should be {value}.")

    compiled = model.get_compile_config() or {}
    loss = compiled.get("loss")
    losses = loss if isinstance(loss, (list, tuple)) else [loss]
    _require(bool(losses) and all(_bare_name(x) == "categoricalcrossentropy" for x in losses),
             f"The loss is {loss!r}; it should be 'categorical_crossentropy' (the targets are one-hot "
             "characters).")
    names = _metric_names(compiled.get("metrics"))
    _require(any(_bare_name(n) in ("accuracy", "acc", "categoricalaccuracy") for n in names),
             f"The metrics are {names}; they should include 'accuracy' (metrics=['accuracy']).")
