"""Public checks for the "RNN step by step" assignment.

Each ``*_test(target)`` function calls your implementation on small random inputs and
checks what can be checked without a reference answer:

- the structure of what you return (tuple lengths, shapes, dtypes, dictionary keys, and
  the order of the entries in each cache);
- properties the result must have (softmax columns sum to one, gates lie in (0, 1),
  what happens when all inputs but one are zero, ...);
- for the backward passes, a numerical gradient check: the loss
  L = sum(a * R) for a fixed random R is differentiated by central differences through
  YOUR forward function, and compared with what your backward function returns.

A failing check shows one line that says what is wrong (see checkkit.py), and the cell fails.
The sizes are deliberately all different (n_x=3, n_a=5, n_y=2, m=4, T_x=4) so that a
transposed or swapped matrix shows up as a shape error instead of passing silently.
"""
import numpy as np
from checkkit import public_check

from rnn_utils import sigmoid, softmax

__all__ = ["rnn_cell_forward_test", "rnn_forward_test", "lstm_cell_forward_test",
           "lstm_forward_test", "rnn_cell_backward_test", "rnn_backward_test",
           "lstm_cell_backward_test", "lstm_backward_test"]

N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 4

_RESET = "\033[0m"


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------



def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _close(x, y, rtol=1e-5, atol=1e-6):
    # loose enough for an implementation that computes in float32, far tighter than any
    # of the mistakes these checks look for
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=atol)


def _check_array(value, name, shape):
    _require(isinstance(value, np.ndarray),
             f"{name} should be a numpy array, but it is a {type(value).__name__}.")
    _require(value.shape == shape,
             f"{name} has shape {value.shape}, but it should have shape {shape}.")
    _require(np.issubdtype(value.dtype, np.floating),
             f"{name} has dtype {value.dtype}; it should be a float array (float64, like the "
             "inputs).")
    _require(np.all(np.isfinite(value)), f"{name} contains NaN or infinite values.")


def _check_tuple(value, name, length, what):
    _require(isinstance(value, (tuple, list)),
             f"{name} should be a tuple {what}, but it is a {type(value).__name__}.")
    _require(len(value) == length,
             f"{name} should have exactly {length} entries {what}, but it has {len(value)}.")


def _check_probabilities(y, name):
    _require(np.all(y > 0) and np.all(y < 1),
             f"{name} should contain probabilities strictly between 0 and 1. "
             "Apply softmax (from rnn_utils) to the output.")
    col_sums = y.sum(axis=0)
    if not np.allclose(col_sums, 1.0):
        if y.ndim == 2 and np.allclose(y.sum(axis=1), 1.0):
            raise AssertionError(
                f"The rows of {name} sum to 1, but each COLUMN (one example) should. "
                "Use a softmax over axis 0, like rnn_utils.softmax.")
        raise AssertionError(
            f"The columns of {name} do not sum to 1 (sums: {np.round(col_sums.ravel()[:4], 4)}...). "
            "The output needs a softmax over axis 0 (rnn_utils.softmax), not a sigmoid.")


def _rnn_parameters(rng, n_x=N_X, n_a=N_A, n_y=N_Y, scale=0.5):
    return {"Wax": scale * rng.standard_normal((n_a, n_x)),
            "Waa": scale * rng.standard_normal((n_a, n_a)),
            "Wya": scale * rng.standard_normal((n_y, n_a)),
            "ba": scale * rng.standard_normal((n_a, 1)),
            "by": scale * rng.standard_normal((n_y, 1))}


def _lstm_parameters(rng, n_x=N_X, n_a=N_A, n_y=N_Y, scale=0.5):
    params = {}
    for gate in "fico":
        params["W" + gate] = scale * rng.standard_normal((n_a, n_a + n_x))
        params["b" + gate] = scale * rng.standard_normal((n_a, 1))
    params["Wy"] = scale * rng.standard_normal((n_y, n_a))
    params["by"] = scale * rng.standard_normal((n_y, 1))
    return params


def _zeros_like_params(params):
    return {k: np.zeros_like(v) for k, v in params.items()}


def _numerical_gradients(loss, arrays, eps=1e-6):
    """Central differences of ``loss()`` with respect to every entry of every array.

    ``loss`` must read the arrays each time it is called; they are perturbed in place
    and restored. ``loss`` may return a vector of losses (one gradient per entry).
    """
    grads = {}
    for name, arr in arrays.items():
        out = None
        for idx in np.ndindex(arr.shape):
            original = arr[idx]
            arr[idx] = original + eps
            plus = np.asarray(loss(), dtype=float)
            arr[idx] = original - eps
            minus = np.asarray(loss(), dtype=float)
            arr[idx] = original
            if out is None:
                out = np.zeros(plus.shape + arr.shape)
            out[(Ellipsis,) + idx] = (plus - minus) / (2 * eps)
        grads[name] = out
    return grads


def _gradient_settings(loss, arr):
    """Pick the finite-difference step and the tolerances for this forward function.

    A forward pass computed in float64 notices a change of 1e-9 in its input; then small
    steps and tight tolerances are used. One that computes in float32 does not, and its
    loss is only accurate to about 1e-7, so a larger step and looser tolerances are used.
    """
    base = np.asarray(loss(), dtype=float)
    resolves = False
    for idx in list(np.ndindex(arr.shape))[:3]:
        original = arr[idx]
        arr[idx] = original + 1e-9
        resolves = resolves or not np.array_equal(np.asarray(loss(), dtype=float), base)
        arr[idx] = original
    if resolves:
        return {"eps": 1e-6, "rtol": 1e-5, "atol": 1e-6}
    return {"eps": 1e-3, "rtol": 3e-3, "atol": 3e-3}


def _check_gradient_dict(gradients, expected_shapes, function_name):
    _require(isinstance(gradients, dict),
             f"{function_name} should return a dictionary of gradients, "
             f"but it returned a {type(gradients).__name__}.")
    missing = [k for k in expected_shapes if k not in gradients]
    _require(not missing,
             f"The gradients dictionary is missing the key(s) {missing}. "
             f"Expected keys: {list(expected_shapes)}.")
    for key, shape in expected_shapes.items():
        value = gradients[key]
        if (isinstance(value, np.ndarray) and key.startswith("db") and shape[1:] == (1,)
                and value.shape == shape[:1]):
            raise AssertionError(
                f"gradients['{key}'] has shape {value.shape}, but it should be {shape}. "
                "Sum over the examples with np.sum(..., axis=1, keepdims=True).")
        _check_array(value, f"gradients['{key}']", shape)


def _compare_gradient(key, got, expected, m, hint="", rtol=1e-5, atol=1e-6):
    if _close(got, expected, rtol, atol):
        return
    if _close(got * m, expected, rtol, atol):
        raise AssertionError(
            f"gradients['{key}'] is exactly 1/m times the numerical gradient. Do not divide "
            "by m here: the gradient that flows in (da) already includes any averaging.")
    if _close(got, -expected, rtol, atol):
        raise AssertionError(f"gradients['{key}'] has the wrong sign.")
    if np.allclose(got, 0.0) and not np.allclose(expected, 0.0):
        raise AssertionError(f"gradients['{key}'] is all zeros, but the true gradient is not. {hint}")
    worst = float(np.max(np.abs(got - expected)))
    raise AssertionError(
        f"gradients['{key}'] does not match the numerical gradient (largest difference "
        f"{worst:.3g}). {hint}".rstrip())


# --------------------------------------------------------------------------------------
# Exercise 1: rnn_cell_forward
# --------------------------------------------------------------------------------------

@public_check("rnn_cell_forward")
def rnn_cell_forward_test(target):
    rng = np.random.default_rng(11)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    params = _rnn_parameters(rng)

    out = target(xt, a_prev, params)
    _check_tuple(out, "The return value", 3, "(a_next, yt_pred, cache)")
    a_next, yt_pred, cache = out
    _check_array(a_next, "a_next", (N_A, M))
    _check_array(yt_pred, "yt_pred", (N_Y, M))

    # the cache
    _check_tuple(cache, "cache", 4, "(a_next, a_prev, xt, parameters)")
    _require(cache[1] is a_prev,
             "cache[1] should be a_prev itself. The cache must be (a_next, a_prev, xt, parameters) "
             "in this order.")
    _require(cache[2] is xt,
             "cache[2] should be xt itself. The cache must be (a_next, a_prev, xt, parameters) "
             "in this order.")
    _require(cache[3] is params,
             "cache[3] should be the parameters dictionary that was passed in.")
    _require(isinstance(cache[0], np.ndarray) and _close(cache[0], a_next),
             "cache[0] should be a_next (the hidden state you return).")

    _require(np.all(np.abs(a_next) < 1),
             "a_next should lie strictly between -1 and 1: the hidden state goes through tanh.")

    # the prediction
    _check_probabilities(yt_pred, "yt_pred")
    _require(_close(yt_pred, softmax(params["Wya"] @ a_next + params["by"])),
             "yt_pred should be softmax(Wya·a_next + by), computed from the NEW hidden state "
             "and including the bias by.")

    # term isolation: zero everything but one input
    zero_x = np.zeros((N_X, M))
    zero_a = np.zeros((N_A, M))
    a0, y0, _ = target(zero_x, zero_a, params)
    _require(_close(a0, np.tanh(np.broadcast_to(params["ba"], (N_A, M)))),
             "With xt = 0 and a_prev = 0, a_next should be tanh(ba). Is the bias ba missing?")
    _require(_close(y0, softmax(np.broadcast_to(params["Wya"] @ a0 + params["by"], (N_Y, M)))),
             "With xt = 0 and a_prev = 0, yt_pred should be softmax(Wya·tanh(ba) + by).")

    for n_x, label in ((N_X, "non-square"), (N_A, "square")):
        # with n_x == n_a a swapped Wax / Waa would not raise a shape error
        sub = np.random.default_rng(12 + n_x)
        p = _rnn_parameters(sub, n_x=n_x)
        p["ba"] = np.zeros((N_A, 1))
        x_only = sub.standard_normal((n_x, M))
        a_only = sub.standard_normal((N_A, M))
        got_x, _, _ = target(x_only, np.zeros((N_A, M)), p)
        _require(_close(got_x, np.tanh(p["Wax"] @ x_only)),
                 f"With a_prev = 0 and ba = 0 ({label} case), a_next should be tanh(Wax·xt). "
                 "Wax multiplies the input xt; Waa multiplies the previous hidden state a_prev.")
        got_a, _, _ = target(np.zeros((n_x, M)), a_only, p)
        _require(_close(got_a, np.tanh(p["Waa"] @ a_only)),
                 f"With xt = 0 and ba = 0 ({label} case), a_next should be tanh(Waa·a_prev). "
                 "Waa multiplies the previous hidden state a_prev; Wax multiplies xt.")

    # the three contributions must be added inside ONE tanh
    p = _rnn_parameters(np.random.default_rng(15), scale=0.3)
    x1 = 0.5 * rng.standard_normal((N_X, M))
    h1 = 0.5 * rng.standard_normal((N_A, M))
    full, _, _ = target(x1, h1, p)
    p0 = dict(p, ba=np.zeros((N_A, 1)))
    part_x, _, _ = target(x1, np.zeros((N_A, M)), p0)
    part_a, _, _ = target(np.zeros((N_X, M)), h1, p0)
    _require(_close(np.arctanh(full), np.arctanh(part_x) + np.arctanh(part_a) + p["ba"]),
             "a_next should be tanh of the SUM Waa·a_prev + Wax·xt + ba (one tanh around "
             "all three terms).")


# --------------------------------------------------------------------------------------
# Exercise 2: rnn_forward
# --------------------------------------------------------------------------------------

def _check_sequence_caches(caches, x, t_x, cache_len, layout):
    _check_tuple(caches, "caches", 2, "(list of cell caches, x)")
    _require(isinstance(caches[0], list),
             "caches[0] should be the Python list of the per-step caches. Return "
             "caches = (list_of_caches, x), not the bare list.")
    _require(caches[1] is x, "caches[1] should be the input x itself.")
    _require(len(caches[0]) == t_x,
             f"caches[0] should hold one cache per time step ({t_x}), but it has {len(caches[0])}.")
    for t, cache in enumerate(caches[0]):
        _check_tuple(cache, f"caches[0][{t}]", cache_len, layout)


@public_check("rnn_forward")
def rnn_forward_test(target):
    rng = np.random.default_rng(21)
    x = rng.standard_normal((N_X, M, T_X))
    a0 = rng.standard_normal((N_A, M))
    params = _rnn_parameters(rng)
    x_copy, a0_copy = x.copy(), a0.copy()

    out = target(x, a0, params)
    _check_tuple(out, "The return value", 3, "(a, y_pred, caches)")
    a, y_pred, caches = out
    if isinstance(caches, list) and len(caches) == T_X:
        raise AssertionError("caches should be the tuple (list_of_caches, x), not the bare list "
                             "of per-step caches.")
    _check_array(a, "a", (N_A, M, T_X))
    _check_array(y_pred, "y_pred", (N_Y, M, T_X))
    _require(np.array_equal(x, x_copy) and np.array_equal(a0, a0_copy),
             "rnn_forward must not modify its inputs x and a0.")
    _check_sequence_caches(caches, x, T_X, 4, "(a_next, a_prev, xt, parameters)")

    steps = caches[0]
    for t in range(T_X):
        a_next_c, a_prev_c, xt_c, params_c = steps[t]
        _require(np.array_equal(xt_c, x[:, :, t]),
                 f"The cache of step {t} does not hold x[:, :, {t}]. Step t must use the input "
                 "x[:, :, t].")
        _require(params_c is params, f"The cache of step {t} should hold the parameters dictionary.")
        _require(np.array_equal(a_next_c, a[:, :, t]),
                 f"a[:, :, {t}] should be the hidden state computed at step {t}.")
        if t == 0:
            _require(np.array_equal(a_prev_c, a0),
                     "At the first step the previous hidden state should be a0.")
        else:
            if not np.array_equal(a_prev_c, a[:, :, t - 1]):
                if np.array_equal(a_prev_c, a0):
                    raise AssertionError(
                        f"Step {t} was given a0 as its previous hidden state. Only the first "
                        "step uses a0; afterwards, feed the a_next of the previous step.")
                raise AssertionError(
                    f"Step {t} should receive the hidden state of step {t - 1} as a_prev.")
        _check_probabilities(y_pred[:, :, t], f"y_pred[:, :, {t}]")
        _require(_close(y_pred[:, :, t], softmax(params["Wya"] @ a[:, :, t] + params["by"])),
                 f"y_pred[:, :, {t}] should be the prediction returned by the cell at step {t}.")

    # no hard-coded sizes
    n_x, n_a, n_y, m, t_x = 2, 3, 4, 1, 6
    sub = np.random.default_rng(22)
    x2 = sub.standard_normal((n_x, m, t_x))
    try:
        a, y_pred, caches = target(x2, sub.standard_normal((n_a, m)),
                                   _rnn_parameters(sub, n_x=n_x, n_a=n_a, n_y=n_y))
    except Exception as err:
        raise AssertionError(
            f"rnn_forward failed with n_x=2, n_a=3, n_y=4, m=1, T_x=6 ({type(err).__name__}: "
            f"{err}). Read the sizes from x.shape and parameters['Wya'].shape instead of "
            "hard-coding them.") from err
    _require(a.shape == (n_a, m, t_x) and y_pred.shape == (n_y, m, t_x)
             and len(caches[0]) == t_x,
             "With n_x=2, n_a=3, n_y=4, m=1, T_x=6 the shapes are wrong. Read the sizes from "
             "x.shape and parameters['Wya'].shape instead of hard-coding them.")


# --------------------------------------------------------------------------------------
# Exercise 3: lstm_cell_forward
# --------------------------------------------------------------------------------------

_LSTM_CACHE = "(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)"


def _lstm_gates(target, xt, a_prev, c_prev, params):
    cache = target(xt, a_prev, c_prev, params)[3]
    return {"ft": cache[4], "it": cache[5], "cct": cache[6], "ot": cache[7]}


@public_check("lstm_cell_forward")
def lstm_cell_forward_test(target):
    rng = np.random.default_rng(31)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    c_prev = rng.standard_normal((N_A, M))
    params = _lstm_parameters(rng, scale=0.8)

    out = target(xt, a_prev, c_prev, params)
    _check_tuple(out, "The return value", 4, "(a_next, c_next, yt_pred, cache)")
    a_next, c_next, yt_pred, cache = out
    _check_array(a_next, "a_next", (N_A, M))
    _check_array(c_next, "c_next", (N_A, M))
    _check_array(yt_pred, "yt_pred", (N_Y, M))

    # the cache
    _check_tuple(cache, "cache", 10, _LSTM_CACHE)
    for index, name, obj in ((2, "a_prev", a_prev), (3, "c_prev", c_prev), (8, "xt", xt),
                             (9, "parameters", params)):
        _require(cache[index] is obj,
                 f"cache[{index}] should be {name} itself. The cache must be {_LSTM_CACHE}.")
    _require(isinstance(cache[0], np.ndarray) and _close(cache[0], a_next),
             f"cache[0] should be a_next. The cache must be {_LSTM_CACHE}.")
    _require(isinstance(cache[1], np.ndarray) and _close(cache[1], c_next),
             f"cache[1] should be c_next. The cache must be {_LSTM_CACHE}.")
    ft, it, cct, ot = cache[4:8]
    for name, value in (("ft", ft), ("it", it), ("cct", cct), ("ot", ot)):
        _check_array(value, f"{name} (in the cache)", (N_A, M))

    # gates are sigmoids, the candidate is a tanh
    for name, value in (("ft", ft), ("it", it), ("ot", ot)):
        _require(np.all(value > 0) and np.all(value < 1),
                 f"The gate {name} has values outside (0, 1). Gates use the sigmoid, not tanh.")
    _require(np.all(np.abs(cct) < 1),
             "The candidate cct has values outside (-1, 1). It should go through tanh.")
    _require(np.any(cct < 0),
             "The candidate cct has no negative values. It should use tanh, not the sigmoid.")

    # how the pieces combine (element-wise products)
    _require(_close(c_next, ft * c_prev + it * cct),
             "c_next should be ft * c_prev + it * cct, with element-wise products (*), "
             "not matrix products. (If c_next is right, check the order of ft, it, cct, ot "
             "in the cache.)")
    if not _close(a_next, ot * np.tanh(c_next)):
        if _close(a_next, ot * c_next):
            raise AssertionError("a_next should be ot * tanh(c_next): the tanh is missing.")
        raise AssertionError("a_next should be ot * tanh(c_next) (element-wise product).")
    if not _close(yt_pred, softmax(params["Wy"] @ a_next + params["by"])):
        if _close(yt_pred, softmax(params["Wy"] @ a_prev + params["by"])):
            raise AssertionError("yt_pred was computed from a_prev. Use the NEW hidden state: "
                                 "softmax(Wy·a_next + by).")
        _check_probabilities(yt_pred, "yt_pred")
        raise AssertionError("yt_pred should be softmax(Wy·a_next + by).")
    _check_probabilities(yt_pred, "yt_pred")

    # term isolation on the gates
    zx, za = np.zeros((N_X, M)), np.zeros((N_A, M))
    gates = _lstm_gates(target, zx, za, za, params)
    for gate, name, act in (("f", "ft", sigmoid), ("i", "it", sigmoid), ("c", "cct", np.tanh),
                            ("o", "ot", sigmoid)):
        expected = act(np.broadcast_to(params["b" + gate], (N_A, M)))
        _require(_close(gates[name], expected),
                 f"With xt = 0 and a_prev = 0, {name} should depend on the bias b{gate} only. "
                 f"Check the bias b{gate} and the activation of {name}.")

    # stacking order z = [a_prev; xt]: the first n_a columns of every W belong to a_prev
    only_a = dict(params)
    only_x = dict(params)
    for gate in "fico":
        w = params["W" + gate]
        only_a["W" + gate] = np.concatenate([w[:, :N_A], np.zeros((N_A, N_X))], axis=1)
        only_x["W" + gate] = np.concatenate([np.zeros((N_A, N_A)), w[:, N_A:]], axis=1)
    gates_x_in_a_columns = _lstm_gates(target, xt, za, za, only_a)
    _require(_close(gates_x_in_a_columns["ft"], sigmoid(np.broadcast_to(params["bf"], (N_A, M)))),
             "The input xt was multiplied by the columns of Wf that belong to a_prev. Stack "
             "the previous hidden state FIRST: z = [a_prev; xt] (np.concatenate along axis 0).")
    for gate, name, act in (("f", "ft", sigmoid), ("i", "it", sigmoid), ("c", "cct", np.tanh),
                            ("o", "ot", sigmoid)):
        w = params["W" + gate]
        g_x = _lstm_gates(target, xt, za, za, only_x)[name]
        _require(_close(g_x, act(w[:, N_A:] @ xt + params["b" + gate])),
                 f"With a_prev = 0, {name} should be computed from W{gate}[:, n_a:]·xt + b{gate}. "
                 "Check that z = [a_prev; xt] and that you use W" + gate + " for this gate.")
        g_a = _lstm_gates(target, zx, a_prev, za, only_a)[name]
        _require(_close(g_a, act(w[:, :N_A] @ a_prev + params["b" + gate])),
                 f"With xt = 0, {name} should be computed from W{gate}[:, :n_a]·a_prev + b{gate}.")


# --------------------------------------------------------------------------------------
# Exercise 4: lstm_forward
# --------------------------------------------------------------------------------------

@public_check("lstm_forward")
def lstm_forward_test(target):
    rng = np.random.default_rng(41)
    x = rng.standard_normal((N_X, M, T_X))
    a0 = rng.standard_normal((N_A, M))
    params = _lstm_parameters(rng)
    x_copy, a0_copy = x.copy(), a0.copy()

    out = target(x, a0, params)
    _check_tuple(out, "The return value", 4, "(a, y, c, caches)")
    a, y, c, caches = out
    if (isinstance(y, np.ndarray) and isinstance(c, np.ndarray)
            and y.shape == (N_A, M, T_X) and c.shape == (N_Y, M, T_X)):
        raise AssertionError("y and c seem swapped. The return order is a, y, c, caches.")
    _check_array(a, "a", (N_A, M, T_X))
    _check_array(y, "y", (N_Y, M, T_X))
    _check_array(c, "c", (N_A, M, T_X))
    _require(c is not a, "c and a are the same array object. Create c with its own np.zeros(...).")
    for n1, v1, n2, v2 in (("a", a, "c", c), ("a", a, "y", y), ("c", c, "y", y)):
        _require(not np.shares_memory(v1, v2),
                 f"{n1} and {n2} share memory. Each must be its own np.zeros(...) array.")
    _require(np.array_equal(x, x_copy) and np.array_equal(a0, a0_copy),
             "lstm_forward must not modify its inputs x and a0.")
    _check_sequence_caches(caches, x, T_X, 10, _LSTM_CACHE)

    steps = caches[0]
    first_c_prev = steps[0][3]
    _require(isinstance(first_c_prev, np.ndarray) and first_c_prev.shape == (N_A, M)
             and np.all(first_c_prev == 0),
             "The first step should receive a memory cell of zeros, shape (n_a, m), as c_prev "
             "(and it must stay zero after the loop).")
    _require(first_c_prev is not a0 and not np.shares_memory(first_c_prev, a0),
             "The initial memory cell must be a new np.zeros((n_a, m)) array, not a0.")
    _require(not np.shares_memory(first_c_prev, c) and not np.shares_memory(first_c_prev, a),
             "The initial memory cell must be a new np.zeros((n_a, m)) array, not a view into "
             "c or a.")
    for t in range(T_X):
        cache = steps[t]
        _require(np.array_equal(cache[8], x[:, :, t]),
                 f"The cache of step {t} does not hold x[:, :, {t}].")
        _require(cache[9] is params, f"The cache of step {t} should hold the parameters dictionary.")
        _require(np.array_equal(cache[0], a[:, :, t]),
                 f"a[:, :, {t}] should be the hidden state computed at step {t}.")
        _require(np.array_equal(cache[1], c[:, :, t]),
                 f"c[:, :, {t}] should be the memory cell computed at step {t}.")
        _check_probabilities(y[:, :, t], f"y[:, :, {t}]")
        _require(_close(y[:, :, t], softmax(params["Wy"] @ a[:, :, t] + params["by"])),
                 f"y[:, :, {t}] should be the prediction returned by the cell at step {t}.")
        if t == 0:
            _require(np.array_equal(cache[2], a0),
                     "At the first step the previous hidden state should be a0.")
        else:
            if not np.array_equal(cache[2], a[:, :, t - 1]):
                if np.array_equal(cache[2], a0):
                    raise AssertionError(f"Step {t} was given a0 as its previous hidden state; "
                                         "feed the a_next of the previous step.")
                raise AssertionError(f"Step {t} should receive the hidden state of step {t - 1}.")
            if not np.array_equal(cache[3], c[:, :, t - 1]):
                raise AssertionError(
                    f"Step {t} did not receive the memory cell of step {t - 1} as c_prev. "
                    "Carry c_next forward from one step to the next.")

    # no hard-coded sizes
    n_x, n_a, n_y, m, t_x = 2, 3, 4, 1, 6
    sub = np.random.default_rng(42)
    x2 = sub.standard_normal((n_x, m, t_x))
    try:
        a, y, c, caches = target(x2, sub.standard_normal((n_a, m)),
                                 _lstm_parameters(sub, n_x=n_x, n_a=n_a, n_y=n_y))
    except Exception as err:
        raise AssertionError(
            f"lstm_forward failed with n_x=2, n_a=3, n_y=4, m=1, T_x=6 ({type(err).__name__}: "
            f"{err}). Read the sizes from x.shape and parameters['Wy'].shape instead of "
            "hard-coding them.") from err
    _require(a.shape == (n_a, m, t_x) and y.shape == (n_y, m, t_x) and c.shape == (n_a, m, t_x)
             and len(caches[0]) == t_x,
             "With n_x=2, n_a=3, n_y=4, m=1, T_x=6 the shapes are wrong. Read the sizes from "
             "x.shape and parameters['Wy'].shape instead of hard-coding them.")


# --------------------------------------------------------------------------------------
# Exercise 5: rnn_cell_backward
# --------------------------------------------------------------------------------------

_YELLOW = "\033[93m"


def _skipped(name, fwd):
    print(f"{_YELLOW}Structure checks passed, but the numerical gradient check was skipped: "
          f"pass your forward function as the second argument, e.g. {name}(target, {fwd}).{_RESET}")


@public_check("rnn_cell_backward")
def rnn_cell_backward_test(target, forward=None):
    rng = np.random.default_rng(51)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    params = _rnn_parameters(rng)
    R = rng.standard_normal((N_A, M))
    # parameter gradients first: dxt and da_prev build on the same dtanh
    shapes = {"dba": (N_A, 1), "dWax": (N_A, N_X), "dWaa": (N_A, N_A),
              "dxt": (N_X, M), "da_prev": (N_A, M)}

    if forward is None:
        # a cache with the right structure (values need not come from a real forward pass)
        cache = (np.tanh(rng.standard_normal((N_A, M))), a_prev, xt, params)
        _check_gradient_dict(target(R, cache), shapes, "rnn_cell_backward")
        _skipped("rnn_cell_backward_test", "rnn_cell_forward")
        return

    def loss():
        return np.sum(forward(xt, a_prev, params)[0] * R)

    settings = _gradient_settings(loss, xt)
    numeric = _numerical_gradients(loss, {"dxt": xt, "da_prev": a_prev, "dWax": params["Wax"],
                                          "dWaa": params["Waa"], "dba": params["ba"]},
                                   eps=settings["eps"])
    cache = forward(xt, a_prev, params)[2]
    gradients = target(R, cache)
    _check_gradient_dict(gradients, shapes, "rnn_cell_backward")
    hints = {
        "dxt": "dxt = Waxᵀ·dtanh, where dtanh = da_next * (1 - a_next**2).",
        "da_prev": "da_prev = Waaᵀ·dtanh, where dtanh = da_next * (1 - a_next**2).",
        "dWax": "dWax = dtanh·xtᵀ.",
        "dWaa": "dWaa = dtanh·a_prevᵀ.",
        "dba": "dba is dtanh summed over the examples (axis=1, keepdims=True), where "
               "dtanh = da_next * (1 - a_next**2).",
    }
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key], M, hints[key],
                          rtol=settings["rtol"], atol=settings["atol"])


# --------------------------------------------------------------------------------------
# Exercise 6: rnn_backward
# --------------------------------------------------------------------------------------

_THROUGH_TIME_HINT = ("Common causes: the `+ da_prevt` term is missing, the loop runs forward "
                      "instead of backwards in time, or the weight gradients are overwritten "
                      "(=) instead of summed (+=) over the time steps.")


@public_check("rnn_backward")
def rnn_backward_test(target, forward=None):
    rng = np.random.default_rng(61)
    x = rng.standard_normal((N_X, M, T_X))
    a0 = rng.standard_normal((N_A, M))
    params = _rnn_parameters(rng)
    R_all = rng.standard_normal((N_A, M, T_X))
    R_last = np.zeros((N_A, M, T_X))
    R_last[:, :, -1] = rng.standard_normal((N_A, M))
    shapes = {"dba": (N_A, 1), "dWax": (N_A, N_X), "dWaa": (N_A, N_A),
              "dx": (N_X, M, T_X), "da0": (N_A, M)}

    if forward is None:
        states = [a0] + [np.tanh(rng.standard_normal((N_A, M))) for _ in range(T_X)]
        caches = ([(states[t + 1], states[t], x[:, :, t], params) for t in range(T_X)], x)
        _check_gradient_dict(target(R_all, caches), shapes, "rnn_backward")
        _skipped("rnn_backward_test", "rnn_forward")
        return

    def losses():
        a = forward(x, a0, params)[0]
        return np.array([np.sum(a * R_all), np.sum(a * R_last)])

    settings = _gradient_settings(losses, x)
    numeric = _numerical_gradients(losses, {"dx": x, "da0": a0, "dWax": params["Wax"],
                                            "dWaa": params["Waa"], "dba": params["ba"]},
                                   eps=settings["eps"])
    caches = forward(x, a0, params)[2]

    # 1) gradient only at the last step: everything earlier must arrive through da_prevt
    gradients = target(R_last, caches)
    _check_gradient_dict(gradients, shapes, "rnn_backward")
    _require(not np.allclose(gradients["dx"][:, :, :-1], 0.0),
             "With a gradient only at the last time step, dx at the earlier steps is all zeros. "
             "The gradient must flow back through time: loop from t = T_x-1 down to 0, call "
             "the cell with da[:, :, t] + da_prevt and carry da_prev to the previous step.")
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][1], M,
                          "(Case: gradient only at the last time step.) " + _THROUGH_TIME_HINT,
                          rtol=settings["rtol"], atol=settings["atol"])

    # 2) gradient at every step
    gradients = target(R_all, caches)
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][0], M,
                          "(Case: gradient at every time step.) " + _THROUGH_TIME_HINT,
                          rtol=settings["rtol"], atol=settings["atol"])


# --------------------------------------------------------------------------------------
# Exercise 7: lstm_cell_backward
# --------------------------------------------------------------------------------------

def _lstm_gradient_shapes(n_x, n_a):
    shapes = {}
    for gate in "fico":
        shapes["dW" + gate] = (n_a, n_a + n_x)
        shapes["db" + gate] = (n_a, 1)
    return shapes


_LSTM_HINTS = {
    "dxt": "dz = Wfᵀ·dft + Wiᵀ·dit + Wcᵀ·dcct + Woᵀ·dot, and dxt = dz[n_a:] (the input sits "
           "below a_prev in z = [a_prev; xt]).",
    "da_prev": "dz = Wfᵀ·dft + Wiᵀ·dit + Wcᵀ·dcct + Woᵀ·dot, and da_prev = dz[:n_a].",
    "dc_prev": "dc_prev = g * ft, with g = dc_next + da_next * ot * (1 - tanh(c_next)**2).",
    "dWf": "dWf = dft·zᵀ with dft = g * c_prev * ft * (1 - ft).",
    "dbf": "dbf = dft summed over the examples.",
    "dWi": "dWi = dit·zᵀ with dit = g * cct * it * (1 - it).",
    "dbi": "dbi = dit summed over the examples.",
    "dWc": "dWc = dcct·zᵀ with dcct = g * it * (1 - cct**2).",
    "dbc": "dbc = dcct summed over the examples.",
    "dWo": "dWo = dot·zᵀ with dot = da_next * tanh(c_next) * ot * (1 - ot).",
    "dbo": "dbo = dot summed over the examples.",
}


@public_check("lstm_cell_backward")
def lstm_cell_backward_test(target, forward=None):
    rng = np.random.default_rng(71)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    c_prev = rng.standard_normal((N_A, M))
    params = _lstm_parameters(rng, scale=0.8)
    Ra = rng.standard_normal((N_A, M))
    Rc = rng.standard_normal((N_A, M))
    zeros = np.zeros((N_A, M))
    # the gate gradients first: dc_prev, da_prev and dxt build on them
    shapes = _lstm_gradient_shapes(N_X, N_A)
    shapes.update({"dc_prev": (N_A, M), "da_prev": (N_A, M), "dxt": (N_X, M)})

    if forward is None:
        gates = [sigmoid(rng.standard_normal((N_A, M))) for _ in range(4)]
        gates[2] = np.tanh(rng.standard_normal((N_A, M)))
        cache = (np.tanh(rng.standard_normal((N_A, M))), rng.standard_normal((N_A, M)),
                 a_prev, c_prev, *gates, xt, params)
        _check_gradient_dict(target(Ra, Rc, cache), shapes, "lstm_cell_backward")
        _skipped("lstm_cell_backward_test", "lstm_cell_forward")
        return

    def losses():
        a_next, c_next = forward(xt, a_prev, c_prev, params)[:2]
        la, lc = np.sum(a_next * Ra), np.sum(c_next * Rc)
        return np.array([la, lc, la + lc])

    wrt = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev}
    for gate in "fico":
        wrt["dW" + gate] = params["W" + gate]
        wrt["db" + gate] = params["b" + gate]
    settings = _gradient_settings(losses, wrt["dx" if "dx" in wrt else "dxt"])
    numeric = _numerical_gradients(losses, wrt, eps=settings["eps"])
    cache = forward(xt, a_prev, c_prev, params)[3]

    # 1) only da_next
    gradients = target(Ra, zeros, cache)
    _check_gradient_dict(gradients, shapes, "lstm_cell_backward")
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][0], M,
                          "(Case: da_next only, dc_next = 0.) " + _LSTM_HINTS[key],
                          rtol=settings["rtol"], atol=settings["atol"])

    # 2) only dc_next: the memory-cell path
    gradients = target(zeros, Rc, cache)
    _require(not np.allclose(gradients["dc_prev"], 0.0),
             "With da_next = 0 and dc_next ≠ 0 your dc_prev is zero. dc_next must be part of "
             "g = dc_next + da_next * ot * (1 - tanh(c_next)**2).")
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][1], M,
                          "(Case: dc_next only, da_next = 0; did you add dc_next into g?) "
                          + _LSTM_HINTS[key],
                          rtol=settings["rtol"], atol=settings["atol"])

    # 3) both
    gradients = target(Ra, Rc, cache)
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][2], M,
                          "(Case: da_next and dc_next together.) " + _LSTM_HINTS[key],
                          rtol=settings["rtol"], atol=settings["atol"])


# --------------------------------------------------------------------------------------
# Exercise 8: lstm_backward
# --------------------------------------------------------------------------------------

@public_check("lstm_backward")
def lstm_backward_test(target, forward=None):
    rng = np.random.default_rng(81)
    x = rng.standard_normal((N_X, M, T_X))
    a0 = rng.standard_normal((N_A, M))
    params = _lstm_parameters(rng, scale=0.8)
    R_all = rng.standard_normal((N_A, M, T_X))
    R_last = np.zeros((N_A, M, T_X))
    R_last[:, :, -1] = rng.standard_normal((N_A, M))
    shapes = _lstm_gradient_shapes(N_X, N_A)
    shapes.update({"dx": (N_X, M, T_X), "da0": (N_A, M)})

    if forward is None:
        cache_list = []
        a_prev, c_prev = a0, np.zeros((N_A, M))
        for t in range(T_X):
            gates = [sigmoid(rng.standard_normal((N_A, M))) for _ in range(4)]
            gates[2] = np.tanh(rng.standard_normal((N_A, M)))
            a_next = np.tanh(rng.standard_normal((N_A, M)))
            c_next = rng.standard_normal((N_A, M))
            cache_list.append((a_next, c_next, a_prev, c_prev, *gates, x[:, :, t], params))
            a_prev, c_prev = a_next, c_next
        _check_gradient_dict(target(R_all, (cache_list, x)), shapes, "lstm_backward")
        _skipped("lstm_backward_test", "lstm_forward")
        return

    def losses():
        a = forward(x, a0, params)[0]
        return np.array([np.sum(a * R_all), np.sum(a * R_last)])

    wrt = {"dx": x, "da0": a0}
    for gate in "fico":
        wrt["dW" + gate] = params["W" + gate]
        wrt["db" + gate] = params["b" + gate]
    settings = _gradient_settings(losses, wrt["dx" if "dx" in wrt else "dxt"])
    numeric = _numerical_gradients(losses, wrt, eps=settings["eps"])
    caches = forward(x, a0, params)[3]

    hint = (_THROUGH_TIME_HINT + " Both da_prevt and dc_prevt start at zero and are carried "
            "from step t to step t-1.")
    gradients = target(R_last, caches)
    _check_gradient_dict(gradients, shapes, "lstm_backward")
    _require(not np.allclose(gradients["dx"][:, :, :-1], 0.0),
             "With a gradient only at the last time step, dx at the earlier steps is all zeros. "
             "Loop from t = T_x-1 down to 0, call the cell with da[:, :, t] + da_prevt and "
             "dc_prevt, and carry both back.")
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][1], M,
                          "(Case: gradient only at the last time step.) " + hint,
                          rtol=settings["rtol"], atol=settings["atol"])
    gradients = target(R_all, caches)
    for key in shapes:
        _compare_gradient(key, gradients[key], numeric[key][0], M,
                          "(Case: gradient at every time step.) " + hint,
                          rtol=settings["rtol"], atol=settings["atol"])
