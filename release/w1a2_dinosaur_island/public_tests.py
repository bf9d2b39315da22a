"""Public checks for the "Dinosaur Island" assignment.

Each ``*_test(target)`` function calls your implementation on small inputs made up here
and checks what can be checked without a hidden answer:

- the structure of what you return (types, dictionary keys, shapes, lengths);
- properties the result must have (clipped values lie within the bound, a sampled name
  ends with the newline index, parameters move after a training step, ...);
- where the assignment fixes the procedure exactly (the seeding of ``sample``, the order of
  the steps in ``optimize`` and ``model``), the result is re-derived here, step by step,
  from the helpers in ``dino_utils`` and compared with yours.

A failing check raises ``AssertionError`` with a message that says what is wrong and, where
a common mistake explains it, which one. Sizes are chosen on purpose to differ from the
notebook's (n_a is not 50, and one test uses a 5-symbol alphabet) so that a hard-coded size
shows up.
"""
import contextlib
import copy
import io

import numpy as np
from checkkit import public_check

from dino_utils import (get_sample, initialize_parameters, rnn_backward, rnn_forward,
                        softmax, update_parameters)

__all__ = ["clip_test", "sample_test", "optimize_test", "model_test"]

GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
ALPHABET = "\nabcdefghijklmnopqrstuvwxyz"



# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------



def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _close(x, y, rtol=1e-6, atol=1e-9):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=atol)


def _call(target, name, *args, **kwargs):
    """Call the learner's function; turn an unfinished exercise into a clear message."""
    try:
        return target(*args, **kwargs)
    except NotImplementedError as err:
        raise AssertionError(
            f"{name} is not implemented yet: replace `raise NotImplementedError()` with your "
            "code.") from err


def _vocabulary(symbols=ALPHABET, reverse_insertion=False, keep_order=False):
    """char_to_ix and ix_to_char, sorted like the notebook's; optionally inserted backwards.

    Inserting the same mapping in another order changes what ``dict.values()`` lists, which
    is how a sampler that draws from ``char_to_ix.values()`` is caught. With
    ``keep_order=True`` the indices follow ``symbols`` as given (e.g. a newline that is not
    at index 0, to catch a hard-coded newline index).
    """
    chars = list(symbols) if keep_order else sorted(symbols)
    pairs = [(ch, i) for i, ch in enumerate(chars)]
    if reverse_insertion:
        pairs = pairs[::-1]
    char_to_ix = dict(pairs)
    ix_to_char = {i: ch for ch, i in pairs}
    return char_to_ix, ix_to_char


def _random_parameters(rng, n_a, vocab_size, scale=1.0):
    return {"Wax": scale * rng.standard_normal((n_a, vocab_size)),
            "Waa": scale * rng.standard_normal((n_a, n_a)),
            "Wya": scale * rng.standard_normal((vocab_size, n_a)),
            "b": scale * rng.standard_normal((n_a, 1)),
            "by": scale * rng.standard_normal((vocab_size, 1))}


def _check_array(value, name, shape):
    _require(isinstance(value, np.ndarray),
             f"{name} should be a numpy array, but it is a {type(value).__name__}.")
    _require(value.shape == shape,
             f"{name} has shape {value.shape}, but it should have shape {shape}.")
    _require(np.issubdtype(value.dtype, np.floating), f"{name} should be a float array.")
    _require(np.all(np.isfinite(value)), f"{name} contains NaN or infinite values.")


def _check_gradient_dict(gradients, shapes, who):
    _require(isinstance(gradients, dict),
             f"{who} should be a dictionary, but it is a {type(gradients).__name__}.")
    missing = [k for k in shapes if k not in gradients]
    _require(not missing, f"{who} is missing the key(s) {missing}. It needs all five: "
                          f"{list(GRADIENT_KEYS)}.")
    for key, shape in shapes.items():
        _check_array(gradients[key], f"'{key}' in {who[0].lower() + who[1:]}", shape)


def _gradient_shapes(parameters):
    return {"dWaa": parameters["Waa"].shape, "dWax": parameters["Wax"].shape,
            "dWya": parameters["Wya"].shape, "db": parameters["b"].shape,
            "dby": parameters["by"].shape}


# --------------------------------------------------------------------------------------
# Exercise 1: clip
# --------------------------------------------------------------------------------------

@public_check("clip")
def clip_test(target):
    rng = np.random.default_rng(101)
    n_a, vocab = 6, 27
    shapes = {"dWax": (n_a, vocab), "dWaa": (n_a, n_a), "dWya": (vocab, n_a),
              "db": (n_a, 1), "dby": (vocab, 1)}
    original = {k: rng.uniform(-20.0, 20.0, size=s) for k, s in shapes.items()}
    original["da_next"] = rng.uniform(-20.0, 20.0, size=(n_a, 1))   # rnn_backward has it too

    for max_value in (10.0, 5.0, 0.5, 13.0):
        given = copy.deepcopy(original)
        out = _call(target, "clip", given, max_value)
        _check_gradient_dict(out, {k: shapes[k] for k in GRADIENT_KEYS},
                             "The dictionary returned by clip")
        for key in GRADIENT_KEYS:
            got, raw = out[key], original[key]
            expected = np.clip(raw, -max_value, max_value)
            if np.array_equal(got, expected):
                continue
            for bound in (5.0, 10.0):
                if bound != max_value and np.array_equal(got, np.clip(raw, -bound, bound)):
                    raise AssertionError(
                        f"gradients['{key}'] was clipped to [-{bound:g}, {bound:g}] although "
                        f"maxValue={max_value:g} was passed. Use the maxValue argument as the "
                        "bound instead of a fixed number.")
            if np.array_equal(got, raw):
                raise AssertionError(
                    f"clip returned gradients['{key}'] unchanged (maxValue={max_value}). Writing "
                    "`g = np.clip(g, ...)` inside a loop only gives the loop variable a new "
                    "array; the dictionary still holds the old one. Clip in place with "
                    "np.clip(g, -maxValue, maxValue, out=g), or store the clipped arrays in the "
                    "dictionary you return.")
            if got.max() > max_value:
                raise AssertionError(
                    f"gradients['{key}'] has values above maxValue={max_value} "
                    f"(largest {got.max():.3g}). Is the bound hard-coded instead of maxValue?")
            if got.min() < -max_value:
                raise AssertionError(
                    f"gradients['{key}'] has values below -maxValue={-max_value} "
                    f"(smallest {got.min():.3g}). Both sides must be clipped: "
                    "np.clip(g, -maxValue, maxValue).")
            inside = np.abs(raw) < max_value
            if not np.array_equal(got[inside], raw[inside]):
                raise AssertionError(
                    f"gradients['{key}']: values already within [-maxValue, maxValue] were "
                    "changed. Clipping must leave them exactly as they are and only cut the "
                    "values beyond the bound.")
            raise AssertionError(
                f"gradients['{key}'] is not the element-wise clip of the input to "
                f"[-{max_value}, {max_value}]: values beyond the bound should become exactly "
                "±maxValue.")


# --------------------------------------------------------------------------------------
# Exercise 2: sample
# --------------------------------------------------------------------------------------

def _draw(p, seed, population=None):
    """The index that the documented protocol draws from the distribution p under a seed."""
    np.random.seed(seed)
    return int(np.random.choice(range(len(p)) if population is None else population, p=p))


def _check_indices(indices, vocab_size, newline, label):
    _require(isinstance(indices, list),
             f"sample should return a Python list of indices, but it returned a "
             f"{type(indices).__name__} ({label}).")
    _require(len(indices) > 0, f"sample returned an empty list ({label}).")
    for i, ix in enumerate(indices):
        _require(isinstance(ix, (int, np.integer)) and not isinstance(ix, bool),
                 f"Entry {i} of the list returned by sample is a {type(ix).__name__}; every "
                 f"entry should be an integer index ({label}).")
        _require(0 <= ix < vocab_size,
                 f"Entry {i} of the sampled indices is {ix}, outside range({vocab_size}) "
                 f"({label}). Take the number of symbols from parameters['by'].shape[0].")
    _require(len(indices) <= 51,
             f"sample returned {len(indices)} indices ({label}); it must stop after 50 "
             "characters and then append the newline index, so at most 51.")
    _require(indices[-1] == newline,
             f"The sampled indices should end with the newline index {newline}, but the last "
             f"one is {indices[-1]} ({label}). When the 50-character cap is reached, append "
             "char_to_ix['\\n'] yourself.")
    _require(newline not in indices[:-1],
             f"The newline index appears before the end of the sample ({label}); sampling "
             "must stop as soon as the newline is drawn.")


def _replay_sample(indices, parameters, char_to_ix, seed, label):
    """Walk along the learner's indices and check every draw against the protocol.

    At step ``counter`` (0, 1, 2, ...) the global generator is seeded with
    ``counter + seed``, where ``seed`` has itself been increased by one per step; the
    distribution is the one the RNN gives after reading the previously sampled characters.
    A second trajectory, in which x is never reset (so ones pile up), is followed along
    the same indices to recognise that mistake.
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    b, by = parameters["b"], parameters["by"]
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    x_piled = np.zeros((vocab_size, 1))
    a_piled = np.zeros((n_a, 1))
    values = list(char_to_ix.values())
    for counter in range(min(len(indices), 50)):
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        p = softmax(Wya @ a + by).ravel()
        a_piled = np.tanh(Wax @ x_piled + Waa @ a_piled + b)
        p_piled = softmax(Wya @ a_piled + by).ravel()
        expected = _draw(p, seed + 2 * counter)
        got = int(indices[counter])
        if got == expected:
            x = np.zeros((vocab_size, 1))
            x[got] = 1
            x_piled[got] += 1
            a_prev = a
            continue
        where = f"At step {counter} (counter={counter}) of the sample with seed={seed} ({label})"
        if got == _draw(p, seed + counter):
            hint = ("That is the draw for np.random.seed(seed + counter) WITHOUT increasing "
                    "seed by one at each step. Keep both `seed += 1` and `counter += 1` in the "
                    "loop and seed with np.random.seed(counter + seed).")
        elif len(values) == vocab_size and got == _draw(p, seed + 2 * counter, population=values):
            hint = ("That is what np.random.choice gives when the population is "
                    "char_to_ix.values(): the order of a dictionary's values depends on how it "
                    "was built. Draw from range(vocab_size) instead.")
        elif got == int(np.argmax(p)):
            hint = ("That is the most likely index (argmax). The next character must be "
                    "SAMPLED with np.random.choice(range(vocab_size), p=y.ravel()).")
        elif counter > 1 and got == _draw(p_piled, seed + 2 * counter):
            hint = ("That is what you get when x is not reset to zeros before the new one-hot "
                    "entry is set, so ones pile up. Create a fresh zero vector at each step.")
        else:
            hint = ("Check the order of the steps: a = tanh(Wax·x + Waa·a_prev + b), "
                    "y = softmax(Wya·a + by), seed with np.random.seed(counter + seed), draw "
                    "with np.random.choice(range(vocab_size), p=y.ravel()), then a one-hot x "
                    "for the drawn index, a_prev = a, seed += 1, counter += 1.")
        raise AssertionError(f"{where} your function picked index {got}, but the documented "
                             f"procedure picks {expected}. {hint}")


@public_check("sample")
def sample_test(target):
    rng = np.random.default_rng(202)
    n_a, vocab = 7, 27
    char_to_ix, _ = _vocabulary()
    newline = char_to_ix["\n"]
    params = _random_parameters(rng, n_a, vocab, scale=0.6)
    params["by"][newline] = 1.5                 # names of roughly 5 to 20 characters
    before = copy.deepcopy(params)

    try:
        first = _call(target, "sample", params, char_to_ix, 3)
    except KeyError as err:
        raise AssertionError(
            f"sample looked up the key {err} and it does not exist. The parameters are "
            "'Wax', 'Waa', 'Wya', 'b' and 'by' (the hidden bias is 'b', not 'ba'); the newline "
            "index is char_to_ix['\\n'].") from err
    except ValueError as err:
        if "1-dimensional" in str(err) or "1-D" in str(err) or "ndim" in str(err):
            raise AssertionError(
                "np.random.choice needs a 1-D probability vector: pass p=y.ravel() (y has "
                f"shape (vocab_size, 1)). The error was: {err}") from err
        raise AssertionError(
            f"sample failed with 27 symbols and n_a=7 ({type(err).__name__}: {err}). Check the "
            "shapes: x is a column (vocab_size, 1), a_prev a column (n_a, 1), with vocab_size = "
            "parameters['by'].shape[0] and n_a = parameters['Waa'].shape[1]; y = softmax(z) is "
            "(vocab_size, 1) and p=y.ravel() has vocab_size entries.") from err
    _check_indices(first, vocab, newline, "seed=3")
    _replay_sample(first, params, char_to_ix, 3, "27 symbols, n_a=7")
    for key in params:
        _require(np.array_equal(params[key], before[key]),
                 f"sample changed parameters['{key}']; it should only read the parameters.")

    again = _call(target, "sample", params, char_to_ix, 3)
    _require(list(map(int, again)) == list(map(int, first)),
             "Two calls of sample with the same seed gave different results. Seed the "
             "generator at every step with np.random.seed(counter + seed).")

    for seed in (0, 2, 24):
        out = _call(target, "sample", params, char_to_ix, seed)
        _check_indices(out, vocab, newline, f"seed={seed}")
        _replay_sample(out, params, char_to_ix, seed, f"seed={seed}")

    # the same mapping, inserted in another order, must give the same names
    reversed_map, _ = _vocabulary(reverse_insertion=True)
    out = _call(target, "sample", params, reversed_map, 3)
    _check_indices(out, vocab, newline, "char_to_ix built in reverse order")
    _replay_sample(out, params, reversed_map, 3, "char_to_ix built in reverse order")

    # the 50-character cap: a network that (almost) never says "newline"
    capped = copy.deepcopy(params)
    capped["by"][newline] = -60.0
    out = _call(target, "sample", capped, char_to_ix, 5)
    _require(isinstance(out, list), "sample should return a Python list of indices.")
    if len(out) == 50 and newline not in out:
        raise AssertionError(
            "When the newline is never drawn, sample should stop after 50 characters and then "
            "append char_to_ix['\\n'], giving 51 indices; yours returned 50 without a newline.")
    _require(len(out) == 51,
             f"When the newline is never drawn, sample should return exactly 51 indices (50 "
             f"characters and the appended newline); yours returned {len(out)}.")
    _check_indices(out, vocab, newline, "newline never drawn")
    _replay_sample(out, capped, char_to_ix, 5, "newline never drawn")

    # a network that always says "newline" at once
    ends = copy.deepcopy(params)
    ends["by"][newline] = 60.0
    out = _call(target, "sample", ends, char_to_ix, 5)
    _require(isinstance(out, list) and list(map(int, out)) == [newline],
             f"When the newline is (almost) certain at the first step, sample should return "
             f"[{newline}] and stop; yours returned {out!r}.")

    # other sizes: a 5-symbol alphabet and n_a = 3
    small_map, _ = _vocabulary("\nabcd")
    small = _random_parameters(np.random.default_rng(203), 3, 5, scale=0.8)
    try:
        out = _call(target, "sample", small, small_map, 1)
    except (ValueError, IndexError) as err:
        raise AssertionError(
            f"sample failed with a 5-symbol alphabet and n_a=3 ({type(err).__name__}: {err}). "
            "Take vocab_size from parameters['by'].shape[0] and n_a from "
            "parameters['Waa'].shape[1] instead of hard-coding 27 and 50.") from err
    _check_indices(out, 5, small_map["\n"], "5 symbols, n_a=3")
    _replay_sample(out, small, small_map, 1, "5 symbols, n_a=3")

    # a vocabulary whose newline is not at index 0 (the index comes from char_to_ix)
    odd_map, _ = _vocabulary("ab\ncd", keep_order=True)
    odd = _random_parameters(np.random.default_rng(204), 3, 5, scale=0.8)
    for seed in (1, 4):
        out = _call(target, "sample", odd, odd_map, seed)
        _check_indices(out, 5, odd_map["\n"], f"newline at index 2, seed={seed}")
        _replay_sample(out, odd, odd_map, seed, f"newline at index 2, seed={seed}")
    odd["by"][odd_map["\n"]] = -60.0
    out = _call(target, "sample", odd, odd_map, 0)
    _check_indices(out, 5, odd_map["\n"], "newline at index 2, never drawn")


# --------------------------------------------------------------------------------------
# Exercise 3: optimize
# --------------------------------------------------------------------------------------

def _name_to_xy(name, char_to_ix):
    ix = [char_to_ix[ch] for ch in name]
    return [None] + ix, ix + [char_to_ix["\n"]]


@public_check("optimize")
def optimize_test(target):
    rng = np.random.default_rng(303)
    n_a, vocab = 9, 27
    char_to_ix, _ = _vocabulary()
    X, Y = _name_to_xy("tyrannosaurus", char_to_ix)
    params = _random_parameters(rng, n_a, vocab, scale=0.4)
    params["by"][char_to_ix["q"]] += 6.0        # a confident wrong guess: large gradients
    a_prev = 0.5 * rng.standard_normal((n_a, 1))
    before = copy.deepcopy(params)
    a_prev_copy = a_prev.copy()

    # what the documented procedure produces, from the helpers
    ref_loss, cache = rnn_forward(X, Y, a_prev, copy.deepcopy(before))
    raw, states = rnn_backward(X, Y, copy.deepcopy(before), cache)
    clipped = {k: np.clip(raw[k], -5, 5) for k in GRADIENT_KEYS}
    assert max(np.abs(raw[k]).max() for k in GRADIENT_KEYS) > 5   # the test needs clipping

    lr = 0.03
    try:
        out = _call(target, "optimize", X, Y, a_prev, params, learning_rate=lr)
    except KeyError as err:
        raise AssertionError(
            f"optimize raised KeyError {err}. The hidden states from rnn_backward are a "
            f"dictionary with the keys -1 (the initial state) and 0 .. len(X) - 1 (here "
            f"0 .. {len(X) - 1}); the state after the last character is a[len(X) - 1]. The "
            "gradient keys are 'dWax', 'dWaa', 'dWya', 'db', 'dby'.") from err
    _require(isinstance(out, tuple) and len(out) == 3,
             "optimize should return a tuple of three things: (loss, gradients, a[len(X)-1]).")
    loss, gradients, a_last = out

    _require(np.ndim(loss) == 0 and np.isfinite(float(loss)),
             f"The loss should be a finite number, but it is {loss!r}.")
    _require(np.isclose(float(loss), ref_loss, rtol=1e-9),
             f"The loss is {float(loss):.6f}, but rnn_forward gives {ref_loss:.6f} for these "
             "inputs. Return the loss computed by rnn_forward(X, Y, a_prev, parameters), before "
             "the parameters are updated.")

    _check_gradient_dict(gradients, _gradient_shapes(before), "The gradients returned by optimize")
    for key in GRADIENT_KEYS:
        g = gradients[key]
        _require(np.all(np.abs(g) <= 5 + 1e-12),
                 f"gradients['{key}'] has values outside [-5, 5] (largest magnitude "
                 f"{np.abs(g).max():.3g}). Clip the gradients with clip(gradients, 5) before "
                 "updating and returning them.")
        if not _close(g, clipped[key]):
            for bound in (1, 2, 3, 4):
                if _close(g, np.clip(raw[key], -bound, bound)):
                    raise AssertionError(
                        f"gradients['{key}'] was clipped to [-{bound}, {bound}]; the bound "
                        "must be 5: clip(gradients, 5).")
            raise AssertionError(
                f"gradients['{key}'] is not the clipped gradient of this name. Compute it with "
                "rnn_backward(X, Y, parameters, cache) on the cache from rnn_forward, then "
                "clip(gradients, 5).")

    _check_array(a_last, "The returned hidden state", (n_a, 1))
    if not _close(a_last, states[len(X) - 1]):
        if _close(a_last, a_prev):
            raise AssertionError(
                "optimize returned the initial hidden state a_prev. The states from rnn_backward "
                "are a dictionary keyed by t, and a[-1] is the INITIAL state (a copy of a0), not "
                "the last one. Return a[len(X) - 1].")
        raise AssertionError(
            "The returned hidden state is not the one after the last character. Return "
            "a[len(X) - 1] from the states that rnn_backward gives back.")
    _require(np.array_equal(a_prev, a_prev_copy), "optimize must not modify a_prev.")

    # the update: in place, with the given learning rate
    pairs = (("Wax", "dWax"), ("Waa", "dWaa"), ("Wya", "dWya"), ("b", "db"), ("by", "dby"))
    for p_key, g_key in pairs:
        moved = params[p_key]
        if np.array_equal(moved, before[p_key]):
            raise AssertionError(
                f"parameters['{p_key}'] did not change. optimize must update the dictionary it "
                "is given, with update_parameters(parameters, gradients, learning_rate).")
        if _close(moved, before[p_key] - lr * raw[g_key]) and not _close(raw[g_key], clipped[g_key]):
            raise AssertionError(
                f"parameters['{p_key}'] was updated with the UNCLIPPED gradient. Clip first, "
                "then update with the clipped gradients.")
        if not _close(moved, before[p_key] - lr * clipped[g_key]):
            if _close(moved, before[p_key] - 0.01 * clipped[g_key]):
                raise AssertionError(
                    "The parameters were updated with learning rate 0.01 although "
                    f"learning_rate={lr} was passed. Use the learning_rate argument.")
            raise AssertionError(
                f"parameters['{p_key}'] is not parameters - learning_rate * clipped gradient. "
                "Use update_parameters(parameters, gradients, learning_rate) after clipping.")

    # the default learning rate is 0.01
    params2 = copy.deepcopy(before)
    _call(target, "optimize", X, Y, a_prev, params2)
    _require(_close(params2["Wya"], before["Wya"] - 0.01 * clipped["dWya"]),
             "With no learning_rate given, optimize should use the default 0.01.")


# --------------------------------------------------------------------------------------
# Exercise 4: model
# --------------------------------------------------------------------------------------

_TOY_NAMES = ["ankylosaurus", "brachiosaurus", "coelophysis", "diplodocus",
              "iguanodon", "velociraptor", "xenoceratops"]


def _reference_sample(parameters, char_to_ix, seed):
    """The documented sampling procedure (see sample_test), used to check model's names."""
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    b, by = parameters["b"], parameters["by"]
    vocab_size, newline = by.shape[0], char_to_ix["\n"]
    x, a = np.zeros((vocab_size, 1)), np.zeros((Waa.shape[1], 1))
    indices = []
    for counter in range(50):
        a = np.tanh(Wax @ x + Waa @ a + b)
        indices.append(_draw(softmax(Wya @ a + by).ravel(), seed + 2 * counter))
        if indices[-1] == newline:
            return indices
        x = np.zeros((vocab_size, 1))
        x[indices[-1]] = 1
    return indices + [newline]


def _train_reference(names, char_to_ix, n_a, num_iterations, variant="documented", keep=()):
    """Train with the documented procedure (or one of its usual mistakes) from the helpers.

    With ``keep``, also returns two dictionaries holding, for each iteration j in ``keep``,
    a copy of the parameters right before and right after that iteration's update.
    """
    before, after = {}, {}
    vocab = len(char_to_ix)
    newline = char_to_ix["\n"]
    params = initialize_parameters(n_a, vocab, vocab)
    examples = [name.strip() for name in names]
    if variant != "no_shuffle":
        np.random.seed(0)
        np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    for j in range(num_iterations):
        ix = [char_to_ix[ch] for ch in examples[j % len(examples)]]
        X, Y = [None] + ix, ix + [newline]
        if variant == "no_none":
            X, Y = ix, ix[1:] + [newline]
        if variant == "reset":
            a_prev = np.zeros((n_a, 1))
        if j in keep:
            before[j] = copy.deepcopy(params)
        _, cache = rnn_forward(X, Y, a_prev, params, vocab)
        grads, states = rnn_backward(X, Y, params, cache)
        for key in GRADIENT_KEYS:
            np.clip(grads[key], -5, 5, out=grads[key])
        update_parameters(params, grads, 0.01)
        a_prev = states[len(X) - 1]
        if j in keep:
            after[j] = copy.deepcopy(params)
    return (params, before, after) if keep else params


def _quiet(target, *args, **kwargs):
    """Call model with its printing captured, so the test's output stays short."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        try:
            return target(*args, **kwargs)
        except NotImplementedError as err:
            raise AssertionError(
                "model (or a function it calls) is not implemented yet: replace "
                "`raise NotImplementedError()` with your code.") from err
        except IndexError as err:
            raise AssertionError(
                f"model raised IndexError ({err}) training on 7 names for 30 iterations. Check "
                "that the example index wraps around (idx = j % len(examples)) and that Y has "
                "the same length as X: Y = X[1:] + [char_to_ix['\\n']].") from err
        except KeyError as err:
            raise AssertionError(
                f"model raised KeyError {err}. Build X from char_to_ix[ch] for each character of "
                "the stripped example; the newline index is char_to_ix['\\n'].") from err


def _last_checkpoint(iterations):
    return 2000 * ((iterations - 1) // 2000)


def _check_last_name(got, reference, char_to_ix, ix_to_char, iterations, n_names):
    """Compare model's last_dino_name with the documented checkpoint sampling.

    ``reference`` is what ``_train_reference(..., keep=(last checkpoint,))`` returned.
    """
    checkpoint = _last_checkpoint(iterations)
    final, before, after = reference

    def name_of(params, seed):
        return get_sample(_reference_sample(params, char_to_ix, seed), ix_to_char)

    expected = name_of(after[checkpoint], n_names - 1)
    if got == expected:
        return
    where = (f"(model run for {iterations} iterations with dino_names={n_names}; the last "
             f"checkpoint is iteration {checkpoint})")
    if isinstance(got, str) and got.strip() == expected.strip():
        raise AssertionError(
            f"last_dino_name is {got!r} but should be {expected!r} {where}: exactly what "
            "get_sample(sampled_indices, ix_to_char) returns. Keep its newline; strip it only "
            "when printing.")
    candidates = [
        (name_of(before[checkpoint], n_names - 1), "the names seem to be sampled BEFORE the "
         "optimize step of the checkpoint iteration. Sample after the update."),
        (name_of(after[checkpoint], 0), "every name seems to be sampled with seed 0. Increase "
         "seed by one after each name: seeds 0, 1, ..., dino_names - 1."),
        (name_of(after[checkpoint], 6), "seven names seem to be sampled whatever dino_names "
         "says. Use the dino_names argument."),
    ]
    if checkpoint > 0:
        candidates.append((name_of(after[checkpoint], 2 * n_names - 1), "seed does not seem "
                           "to restart at 0 at each checkpoint. Set seed = 0 just before "
                           "sampling the names."))
    if iterations - 1 != checkpoint:
        candidates.append((name_of(final, n_names - 1), "the names seem to be sampled after "
                           "the loop instead of at every checkpoint (j % 2000 == 0) inside it."))
    for candidate, hint in candidates:
        if got == candidate and candidate != expected:
            raise AssertionError(f"last_dino_name is {got!r}, expected {expected!r} {where}: "
                                 f"{hint}")
    raise AssertionError(
        f"last_dino_name is {got!r}, but it should be {expected!r} {where}: the last of the "
        "dino_names names sampled (seeds 0, 1, ...) right after that iteration's update, as "
        "returned by get_sample(sample(parameters, char_to_ix, seed), ix_to_char).")


@public_check("model")
def model_test(target):
    n_a, iterations = 12, 30
    char_to_ix, ix_to_char = _vocabulary()
    names = [name + "\n" for name in _TOY_NAMES]          # lines as read from a file

    out = _quiet(target, names, ix_to_char, char_to_ix, num_iterations=iterations, n_a=n_a,
                 dino_names=3, vocab_size=27, verbose=False)
    _require(isinstance(out, tuple) and len(out) == 2,
             "model should return a tuple of two things: (parameters, last_dino_name).")
    parameters, last_name = out
    _require(isinstance(parameters, dict),
             f"The first returned value should be the parameters dictionary, not a "
             f"{type(parameters).__name__}.")
    shapes = {"Wax": (n_a, 27), "Waa": (n_a, n_a), "Wya": (27, n_a), "b": (n_a, 1),
              "by": (27, 1)}
    missing = [k for k in shapes if k not in parameters]
    _require(not missing, f"The parameters dictionary is missing the key(s) {missing}.")
    for key, shape in shapes.items():
        _check_array(parameters[key], f"parameters['{key}']", shape)
    _require(isinstance(last_name, str) and last_name.strip() != "",
             f"The second returned value should be the last sampled name, a non-empty string; "
             f"got {last_name!r}.")
    _require(all(ch in ALPHABET for ch in last_name.lower()),
             f"The last sampled name {last_name!r} contains symbols outside the alphabet. Turn "
             "the sampled indices into text with get_sample(sampled_indices, ix_to_char).")
    _require(last_name[0] == last_name[0].upper(),
             f"The last sampled name {last_name!r} should come from get_sample, which starts it "
             "with a capital letter.")

    start = initialize_parameters(n_a, 27, 27)
    _require(not np.array_equal(parameters["Wya"], start["Wya"]),
             "After 30 iterations the parameters are still the initial ones: each iteration "
             "must call optimize(X, Y, a_prev, parameters, learning_rate=0.01).")

    reference = _train_reference(names, char_to_ix, n_a, iterations, keep=(0,))
    expected = reference[0]
    if not all(_close(parameters[k], expected[k]) for k in shapes):
        for variant, hint in (
                ("reset", "a_prev seems to be reset to zeros at every iteration. Initialise it "
                          "once before the loop and keep the state that optimize returns."),
                ("no_none", "X seems to lack the leading None. The first input is the zero "
                            "vector: X = [None] + [char_to_ix[ch] for ch in example], and "
                            "Y = X[1:] + [char_to_ix['\\n']]."),
                ("no_shuffle", "the examples do not seem to be shuffled. Call np.random.seed(0) "
                               "and then np.random.shuffle(examples) once, before the loop.")):
            alternative = _train_reference(names, char_to_ix, n_a, iterations, variant)
            if all(_close(parameters[k], alternative[k]) for k in shapes):
                raise AssertionError(f"The trained parameters are not the expected ones: {hint}")
        raise AssertionError(
            "After 30 iterations on 7 names the parameters differ from those of the documented "
            "training loop. Check (in this order): optimize_test passes; the parameters come "
            "from initialize_parameters(n_a, n_x, n_y) with n_x = n_y = vocab_size; examples are "
            "the stripped names, shuffled once after np.random.seed(0); idx = j % len(examples); "
            "X = [None] + indices, Y = X[1:] + [newline index]; a_prev starts at zeros and is "
            "carried from one iteration to the next; learning rate 0.01.")

    again = _quiet(target, names, ix_to_char, char_to_ix, num_iterations=iterations, n_a=n_a,
                   dino_names=3, vocab_size=27, verbose=False)
    _require(all(np.array_equal(again[0][k], parameters[k]) for k in shapes)
             and again[1] == last_name,
             "Two identical calls of model gave different results: every random choice must be "
             "seeded (np.random.seed(0) before shuffling, the documented seeds when sampling).")

    # verbose printing must not break anything (it covers j = 0, len-1 and len)
    _quiet(target, names, ix_to_char, char_to_ix, num_iterations=9, n_a=n_a, dino_names=2,
           vocab_size=27, verbose=True)

    # the names sampled at the checkpoints
    _check_last_name(last_name, reference, char_to_ix, ix_to_char, iterations, 3)
    n_names, long_run = 3, 2003
    params_long, last_long = _quiet(target, names, ix_to_char, char_to_ix,
                                    num_iterations=long_run, n_a=n_a, dino_names=n_names,
                                    vocab_size=27, verbose=False)
    reference = _train_reference(names, char_to_ix, n_a, long_run,
                                 keep=(_last_checkpoint(long_run),))
    _require(all(_close(params_long[k], reference[0][k]) for k in shapes),
             f"After {long_run} iterations the parameters differ from those of the documented "
             "training loop, although the 30-iteration run matched. Is something different after "
             "the checkpoint at iteration 2000? Sampling must not change the parameters or the "
             "hidden state carried by the training loop.")
    _check_last_name(last_long, reference, char_to_ix, ix_to_char, long_run, n_names)
