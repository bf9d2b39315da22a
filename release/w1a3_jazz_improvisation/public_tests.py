"""Public checks for the "jazz improvisation with an LSTM" assignment.

What each check looks at (shapes, structure and properties; the hidden grader also
compares values with the course's trained reference):

- ``djmodel_test`` builds your training model with the notebook's shared layers and checks its
  inputs (names and shapes), its Tx outputs, its parameter count (45,530: the three layers
  are shared by all steps), that it computes what the shared layers compute step by step
  (teacher forcing from the initial states a0, c0), and that Tx and the layer sizes come
  from the arguments;
- ``music_inference_model_test`` builds your inference model on fresh layers and checks its
  inputs and outputs, that Ty is honoured, and that every step reads the one-hot of the
  previous step's most likely value;
- ``predict_and_sample_test`` runs your function on a small model and checks the shapes,
  that ``indices`` are the most likely values and that ``results`` is their one-hot encoding.
"""
from __future__ import annotations

import inspect

import keras
import numpy as np

from checkkit import public_check

__all__ = ["djmodel_test", "music_inference_model_test", "predict_and_sample_test"]

N_VALUES, N_A = 90, 64


def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _params(target):
    return list(inspect.signature(target).parameters)


def _shape(tensor):
    return tuple(tensor.shape)


def _layers_of(model, cls):
    return [layer for layer in model.layers if isinstance(layer, cls)]


def _random_like(layer, rng, scale):
    layer.set_weights([rng.normal(0.0, scale, w.shape).astype(np.float32) for w in layer.get_weights()])


# --------------------------------------------------------------------------------------
# Exercise 1: djmodel
# --------------------------------------------------------------------------------------

def _global_layers(target):
    namespace = getattr(target, "__globals__", {})
    reshaper = namespace.get("reshaper", namespace.get("reshapor"))
    missing = [name for name, value in (("LSTM_cell", namespace.get("LSTM_cell")), ("densor", namespace.get("densor")),
                                        ("reshaper", reshaper)) if value is None]
    _require(not missing, f"The shared layers {missing} are not defined where djmodel is defined: run the cell "
                          "that creates reshaper, LSTM_cell and densor first.")
    return reshaper, namespace["LSTM_cell"], namespace["densor"]


def _build_djmodel(target, Tx, reshaper, LSTM_cell, densor):
    params = _params(target)
    if len(params) >= 3 and params[1] == "n_a":          # the older form djmodel(Tx, n_a, n_values)
        return target(Tx, LSTM_cell.units, densor.units)
    return target(Tx, LSTM_cell, densor, reshaper)


def _teacher_forcing(X, a0, c0, reshaper, LSTM_cell, densor):
    a, c, outs = a0, c0, []
    for t in range(X.shape[1]):
        a, _, c = LSTM_cell(reshaper(X[:, t, :]), initial_state=[a, c])
        outs.append(np.asarray(densor(a)))
    return outs


def _check_djmodel_structure(model, Tx, n_values, n_a, LSTM_cell, densor):
    _require(isinstance(model, keras.Model), f"djmodel should return a Keras Model, not a {type(model).__name__}.")
    shapes = [_shape(x) for x in model.inputs]
    _require(len(shapes) == 3, f"The model should have 3 inputs [X, a0, c0], but it has {len(shapes)}.")
    _require(shapes[0] == (None, Tx, n_values),
             f"The first input X has shape {shapes[0]}; it should be {(None, Tx, n_values)}: Input(shape=(Tx, "
             "n_values)) with n_values = densor.units.")
    names = [x.name for x in model.inputs[1:]]
    _require(names == ["a0", "c0"], f"The second and third inputs are named {names}; name them 'a0' and 'c0' "
                                    "(Input(shape=(n_a,), name='a0')).")
    _require(shapes[1:] == [(None, n_a)] * 2, f"a0 and c0 have shapes {shapes[1:]}; they should be {(None, n_a)}.")
    _require(len(model.outputs) == Tx, f"The model has {len(model.outputs)} outputs; it should have one per time "
                                       f"step, Tx = {Tx}.")
    for out in model.outputs:
        _require(_shape(out) == (None, n_values), f"An output has shape {_shape(out)}; each should be "
                                                  f"{(None, n_values)}, densor's output.")
    lstms, denses = _layers_of(model, keras.layers.LSTM), _layers_of(model, keras.layers.Dense)
    expected = LSTM_cell.count_params() + densor.count_params()
    if len(lstms) > 1 or len(denses) > 1 or model.count_params() > expected:
        raise AssertionError(f"The model has {len(lstms)} LSTM and {len(denses)} Dense layers and "
                             f"{model.count_params():,} parameters, not one of each and {expected:,}: a new layer is "
                             "created at every step. Call the shared LSTM_cell, densor and reshaper given as "
                             "arguments; don't create layers inside the loop.")
    _require(lstms and lstms[0] is LSTM_cell and denses and denses[0] is densor,
             "The model does not use the shared LSTM_cell and densor passed as arguments.")


@public_check("djmodel")
def djmodel_test(target):
    reshaper, LSTM_cell, densor = _global_layers(target)
    Tx = 30
    try:
        model = _build_djmodel(target, Tx, reshaper, LSTM_cell, densor)
    except ValueError as err:
        if "expected ndim=3" in str(err) or "ndim=2" in str(err):
            raise AssertionError("The LSTM received a 2-D tensor (m, n_values): reshape each x to (m, 1, n_values) "
                                 "with reshaper before calling LSTM_cell.") from None
        raise
    _check_djmodel_structure(model, Tx, densor.units, LSTM_cell.units, LSTM_cell, densor)

    rng = np.random.default_rng(13)
    m = 3
    X = np.eye(densor.units, dtype=np.float32)[rng.integers(0, densor.units, (m, Tx))]
    X[:, 0, :] = 0.0
    a0 = rng.normal(0.0, 0.5, (m, LSTM_cell.units)).astype(np.float32)
    c0 = rng.normal(0.0, 0.5, (m, LSTM_cell.units)).astype(np.float32)
    got = [np.asarray(o) for o in model([X, a0, c0], training=False)]
    expected = _teacher_forcing(X, a0, c0, reshaper, LSTM_cell, densor)
    first = np.abs(got[0] - expected[0]).max()
    _require(first < 1e-5, "The first output is not densor(a) after one LSTM step from [a0, c0] on the reshaped "
                           "X[:, 0, :]: check that LSTM_cell gets initial_state=[a, c] and that you predict from a.")
    worst = max(float(np.abs(g - e).max()) for g, e in zip(got, expected))
    if worst > 1e-5:
        restart = _teacher_forcing_from_start(X, a0, c0, reshaper, LSTM_cell, densor)
        if max(float(np.abs(g - e).max()) for g, e in zip(got, restart)) < 1e-5:
            raise AssertionError("Every step starts again from a0, c0: pass initial_state=[a, c] with the a and c "
                                 "returned by the previous step.")
        raise AssertionError("From the second step on, the outputs differ from the shared layers run step by step "
                             "on X[:, t, :] with the states carried from step to step.")

    # Tx and the sizes come from the arguments, not from global values
    try:
        steps = len(_build_djmodel(target, 7, reshaper, LSTM_cell, densor).outputs)
    except Exception:
        steps = None
    _require(steps == 7, f"djmodel(7, ...) {'failed' if steps is None else f'has {steps} outputs'}: the loop must "
                         "run over range(Tx), the argument, not a fixed number of steps.")
    if _params(target)[1:2] != ["n_a"]:
        small_layers = (keras.layers.Reshape((1, 12)), type(LSTM_cell)(8, return_state=True),
                        keras.layers.Dense(12, activation="softmax"))
        try:
            small = target(5, small_layers[1], small_layers[2], small_layers[0])
        except Exception:
            small = None
        _require(small is not None and len(small.outputs) == 5 and _shape(small.inputs[0]) == (None, 5, 12),
                 "djmodel(5, ...) with an LSTM of 8 units and 12 values did not give 5 outputs and an input of shape "
                 "(None, 5, 12): take n_values from densor.units, n_a from LSTM_cell.units and loop over Tx, "
                 "not over global values.")


def _teacher_forcing_from_start(X, a0, c0, reshaper, LSTM_cell, densor):
    outs = []
    for t in range(X.shape[1]):
        a, _, _ = LSTM_cell(reshaper(X[:, t, :]), initial_state=[a0, c0])
        outs.append(np.asarray(densor(a)))
    return outs


# --------------------------------------------------------------------------------------
# Exercise 2: music_inference_model
# --------------------------------------------------------------------------------------

def _fresh_layers(LSTM_class, n_values, n_a, seed):
    lstm = LSTM_class(n_a, return_state=True)
    dense = keras.layers.Dense(n_values, activation="softmax")
    lstm(np.zeros((1, 1, n_values), np.float32), initial_state=[np.zeros((1, n_a), np.float32)] * 2)
    dense(np.zeros((1, n_a), np.float32))
    rng = np.random.default_rng(seed)
    _random_like(lstm, rng, 0.6)
    _random_like(dense, rng, 1.5)
    return lstm, dense


def _build_inference(target, lstm, dense, Ty):
    params = _params(target)
    if "n_values" in params or "n_a" in params:            # the older form (LSTM_cell, densor, n_values, n_a, Ty)
        return target(lstm, dense, n_values=dense.units, n_a=lstm.units, Ty=Ty)
    return target(lstm, dense, Ty=Ty)


def _greedy(x0, a0, c0, lstm, dense, Ty, feed_back=True, axis=-1):
    a, c, x, probs = a0, c0, x0, []
    n_values = dense.units
    for _ in range(Ty):
        a, _, c = lstm(x if feed_back else x0, initial_state=[a, c])
        p = np.asarray(dense(a))
        probs.append(p)
        index = np.argmax(p, axis=axis)
        if axis != -1:
            index = np.resize(index, p.shape[0])
        x = np.eye(n_values, dtype=np.float32)[index][:, None, :]
    return probs


@public_check("music_inference_model")
def music_inference_model_test(target):
    namespace = getattr(target, "__globals__", {})
    LSTM_class = type(namespace.get("LSTM_cell")) if isinstance(namespace.get("LSTM_cell"), keras.layers.LSTM) \
        else keras.layers.LSTM
    lstm, dense = _fresh_layers(LSTM_class, N_VALUES, N_A, seed=21)
    Ty = 12
    model = _build_inference(target, lstm, dense, Ty)
    _require(isinstance(model, keras.Model),
             f"music_inference_model should return a Keras Model, not a {type(model).__name__}.")
    shapes = [_shape(x) for x in model.inputs]
    _require(shapes == [(None, 1, N_VALUES), (None, N_A), (None, N_A)],
             f"The inputs have shapes {shapes}; they should be x0 {(None, 1, N_VALUES)}, a0 and c0 {(None, N_A)}.")
    _require(len(model.outputs) == Ty, f"music_inference_model(..., Ty={Ty}) has {len(model.outputs)} outputs; it "
                                       f"should have Ty = {Ty}: loop over range(Ty).")
    for out in model.outputs:
        if _shape(out)[0] is not None:
            raise AssertionError(f"An output has shape {_shape(out)}: the batch axis was lost when the next input "
                                 "was computed. Take the argmax over the last axis (axis=-1), the n_values "
                                 "probabilities of each example, not over the batch (axis 0, also TensorFlow's "
                                 "default when no axis is given).")
        _require(_shape(out) == (None, N_VALUES), f"An output has shape {_shape(out)}; each should be "
                                                  f"{(None, N_VALUES)}, densor's output.")
    lstms, denses = _layers_of(model, keras.layers.LSTM), _layers_of(model, keras.layers.Dense)
    _require(len(lstms) == 1 and lstms[0] is lstm and len(denses) == 1 and denses[0] is dense,
             f"The model has {len(lstms)} LSTM and {len(denses)} Dense layers; it should use exactly the trained "
             "LSTM_cell and densor passed as arguments, at every step (no new layers).")
    _require(model.count_params() == lstm.count_params() + dense.count_params(),
             f"The model has {model.count_params():,} parameters, not {lstm.count_params() + dense.count_params():,}.")

    rng = np.random.default_rng(5)
    m = 4
    x0 = np.eye(N_VALUES, dtype=np.float32)[rng.integers(0, N_VALUES, m)][:, None, :]
    a0 = rng.normal(0.0, 0.8, (m, N_A)).astype(np.float32)
    c0 = rng.normal(0.0, 0.8, (m, N_A)).astype(np.float32)
    try:
        got = [np.asarray(o) for o in model([x0, a0, c0], training=False)]
    except Exception as err:
        if "size-incompatible" in str(err) or "Incompatible shapes" in str(err):
            raise AssertionError("The input fed back to the LSTM does not have n_values features: one-hot encode "
                                 "with depth n_values = densor.units (90 here), not another number.") from None
        raise
    expected = _greedy(x0, a0, c0, lstm, dense, Ty)
    if max(float(np.abs(g - e).max()) for g, e in zip(got, expected)) < 1e-5:
        return
    _require(np.abs(got[0] - expected[0]).max() < 1e-5,
             "The first output is not densor(a) after one LSTM step on x0 from [a0, c0].")
    for name, kwargs, hint in (
            ("x0", {"feed_back": False}, "Every step reads x0: after each step, set x to the one-hot of the "
                                         "prediction and feed that x to LSTM_cell at the next step."),
            ("axis", {"axis": 0}, "The most likely value is taken over the wrong axis: use argmax over the last "
                                  "axis (axis=-1), the n_values probabilities of each example.")):
        emulated = _greedy(x0, a0, c0, lstm, dense, Ty, **kwargs)
        if max(float(np.abs(g - e).max()) for g, e in zip(got, emulated)) < 1e-5:
            raise AssertionError(hint)
    raise AssertionError("From the second step on, the outputs differ from feeding back the one-hot of the "
                         "previous step's most likely value (argmax over the last axis, one_hot with n_values "
                         "classes, RepeatVector(1) to shape (m, 1, n_values)).")


# --------------------------------------------------------------------------------------
# Exercise 3: predict_and_sample
# --------------------------------------------------------------------------------------

def _small_inference_model(n_values, n_a, Ty, seed):
    lstm, dense = _fresh_layers(keras.layers.LSTM, n_values, n_a, seed)
    x0 = keras.Input((1, n_values))
    a0 = keras.Input((n_a,), name="a0")
    c0 = keras.Input((n_a,), name="c0")
    a, c, x, outputs = a0, c0, x0, []
    for _ in range(Ty):
        a, _, c = lstm(x, initial_state=[a, c])
        out = dense(a)
        outputs.append(out)
        x = keras.layers.RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
    return keras.Model([x0, a0, c0], outputs)


@public_check("predict_and_sample")
def predict_and_sample_test(target):
    Ty, n_a = 9, N_A
    model = _small_inference_model(N_VALUES, n_a, Ty, seed=3)
    rng = np.random.default_rng(11)
    x_init = np.zeros((1, 1, N_VALUES), np.float32)
    x_init[0, 0, 17] = 1.0
    a_init = rng.normal(0.0, 0.8, (1, n_a)).astype(np.float32)
    c_init = rng.normal(0.0, 0.8, (1, n_a)).astype(np.float32)
    expected = np.stack([np.asarray(p) for p in model([x_init, a_init, c_init], training=False)])   # (Ty, 1, n)
    out = target(model, x_init, a_init, c_init)
    _require(isinstance(out, tuple) and len(out) == 2, "predict_and_sample should return a pair (results, indices).")
    results, indices = (np.asarray(v) for v in out)
    if indices.shape == (1, N_VALUES):
        raise AssertionError("indices has shape (1, n_values): the argmax was taken over axis 0 (the time steps). "
                             "Take it over the last axis: np.argmax(pred, axis=-1).")
    _require(indices.shape == (Ty, 1), f"indices has shape {indices.shape}; it should be (Ty, 1) = {(Ty, 1)}: "
                                       "np.argmax(pred, axis=-1) on the list of Ty predictions of shape (1, n_values).")
    _require(np.array_equal(indices[:, 0], expected[:, 0, :].argmax(-1)),
             "indices are not the most likely values of the model's predictions at each step.")
    _require(results.shape == (Ty, N_VALUES), f"results has shape {results.shape}; it should be (Ty, n_values) = "
                                              f"{(Ty, N_VALUES)}: to_categorical(indices, num_classes=n_values).")
    if not np.all(np.isin(results, (0.0, 1.0))):
        raise AssertionError("results holds probabilities, not one-hot vectors: encode the indices with "
                             "to_categorical(indices, num_classes=...).")
    _require(np.array_equal(results.argmax(-1), indices[:, 0]) and np.all(results.sum(-1) == 1),
             "results[t] should be the one-hot vector of indices[t].")
