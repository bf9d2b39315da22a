"""Hidden graders of clip and sample (references: w1a2_reference, TensorFlow)."""
from __future__ import annotations

import functools

import numpy as np
import pytest
from . import reference as ref
from .common import ALPHABET, as_indices, random_parameters, scrambled_vocab, sorted_vocab

from autograde.checks import Feedback, check_array, check_keys, fail

exercise = pytest.mark.exercise

# ------------------------------------------------------------------ clip

# (n_a, vocab, maxValue, seed): several sizes, bounds below and above typical magnitudes
CLIP_CASES = [(5, 27, 5.0, 1), (7, 12, 0.5, 2), (4, 9, 10.0, 3), (6, 27, 2.25, 4)]


@functools.cache
def gradient_dict(n_a, vocab, max_value, seed) -> dict:
    """Gradients spread over [-3 maxValue, 3 maxValue]: about a third of entries need clipping."""
    rng = np.random.default_rng(seed)
    shapes = {"dWax": (n_a, vocab), "dWaa": (n_a, n_a), "dWya": (vocab, n_a), "db": (n_a, 1), "dby": (vocab, 1),
              "da_next": (n_a, 1)}
    return {k: rng.uniform(-3 * max_value, 3 * max_value, s) for k, s in shapes.items()}


def diagnose_clip(fb: Feedback, g: dict, got: dict, max_value: float) -> None:
    arrays = {k: np.asarray(got.get(k)) for k in ref.KEYS}
    if any(a.shape != g[k].shape for k, a in arrays.items()):
        return
    if all(np.array_equal(arrays[k], g[k]) for k in ref.KEYS):
        fb.diagnose("clip_rebind", "your clip returns the gradients unchanged. In a loop, `gradient = np.clip(gradient, "
                    "...)` only rebinds the loop variable; clip in place with `out=gradient`, or store the result "
                    "back in the dictionary.")
        return
    for bound in (1.0, 5.0, 10.0):
        if bound != max_value and all(np.allclose(arrays[k], np.clip(g[k], -bound, bound)) for k in ref.KEYS):
            fb.diagnose("clip_fixed_bound", f"your clip bounds the values at {bound:g} whatever maxValue is; use the "
                        "maxValue argument for both bounds.")
    upper = all(np.allclose(arrays[k], np.minimum(g[k], max_value)) for k in ref.KEYS)
    lower = all(np.allclose(arrays[k], np.maximum(g[k], -max_value)) for k in ref.KEYS)
    if upper or lower:
        side = "below at -maxValue" if upper else "above at +maxValue"
        fb.diagnose("clip_one_sided", f"only one side is bounded: values must also be clipped {side}.")


@functools.cache
def clip_expected(case) -> dict:
    return ref.clip(gradient_dict(*case), case[2])


@exercise("clip", weight=1)
@pytest.mark.parametrize("case", CLIP_CASES, ids=[f"na{c[0]}-V{c[1]}-max{c[2]}" for c in CLIP_CASES])
def test_clip(student, feedback, case):
    n_a, vocab, max_value, seed = case
    g = gradient_dict(*case)
    got = student.clip(g, max_value)
    check_keys("the dictionary returned by clip", got, list(ref.KEYS))
    expected = clip_expected(case)
    if not all(isinstance(got[k], np.ndarray) and got[k].shape == g[k].shape and np.array_equal(got[k], expected[k])
               for k in ref.KEYS):
        with feedback.probing():
            diagnose_clip(feedback, g, got, max_value)
    for key in ref.KEYS:
        value = got[key]
        check_array(f"clip(...)[{key!r}]", value, expected[key], atol=0, rtol=0)
        inside = np.abs(g[key]) <= max_value
        if not np.array_equal(np.asarray(value)[inside], g[key][inside]):
            fail(f"clip(...)[{key!r}]: values already inside [-maxValue, maxValue] must be left unchanged.")


# ------------------------------------------------------------------ sample

@functools.cache
def sample_problem(kind: str):
    """(parameters, char_to_ix, description) for each kind of sampling problem."""
    if kind == "sorted27":
        char_to_ix, _ = sorted_vocab()
        p = random_parameters(np.random.default_rng(21), 16, 27, 0.6)
        p["by"][char_to_ix["\n"]] += 1.0    # names of a dozen or so characters
    elif kind == "scrambled12":
        char_to_ix, _ = scrambled_vocab("\nabcdefghijk", newline_at=5, seed=22)
        p = random_parameters(np.random.default_rng(22), 9, 12, 0.8)
    elif kind == "long_cap":  # the newline is (almost) never drawn: the 50-character cap decides
        char_to_ix, _ = scrambled_vocab(ALPHABET, newline_at=13, seed=23)
        p = random_parameters(np.random.default_rng(23), 11, 27, 0.5)
        p["by"][char_to_ix["\n"]] = -40.0
    else:
        raise ValueError(kind)
    return p, char_to_ix


SAMPLE_CASES = [("sorted27", 0), ("sorted27", 7), ("sorted27", 31), ("scrambled12", 3), ("scrambled12", 12),
                ("long_cap", 5)]


def diagnose_sample(fb: Feedback, p, char_to_ix, seed, got: list[int]) -> None:
    newline = char_to_ix["\n"]
    emulate = lambda **kw: ref.sample(p, char_to_ix, seed, **kw)  # noqa: E731
    if got == emulate(population=list(char_to_ix.values())):
        fb.diagnose("sample_dict_values", "you draw from char_to_ix.values(), whose order is the dictionary's "
                    "insertion order, not the index order of the probabilities; draw from range(vocab_size).")
    if got == emulate(greedy=True):
        fb.diagnose("sample_argmax", "you pick the most likely character (argmax) at each step; sample it instead "
                    "with np.random.choice(range(vocab_size), p=y.ravel()), so names vary.")
    if got == emulate(seed_step=1):
        fb.diagnose("sample_seed_not_incremented", "increase seed by one at every step as well as counter: "
                    "the seed used at step t is counter + seed, and both grow.")
    if got == emulate(reset_x=False):
        fb.diagnose("sample_x_not_reset", "x must be a fresh one-hot vector at each step: reset it to zeros "
                    "before setting x[idx] = 1, otherwise earlier characters stay switched on.")
    if len(got) == ref.MAX_SAMPLE and got == emulate(final_newline=False):
        fb.diagnose("sample_no_final_newline", "when the 50-character cap stops the loop, append the newline index "
                    "so every sample ends with a newline.")
    if got and got[-1] != newline:
        fb.diagnose("sample_no_final_newline", "a sample must always end with the newline index "
                    f"(char_to_ix['\\n'] = {newline}).")


@functools.cache
def sample_expected(case) -> list[int]:
    kind, seed = case
    p, char_to_ix = sample_problem(kind)
    return ref.sample(p, char_to_ix, seed)


@exercise("sample", weight=1)
@pytest.mark.parametrize("case", SAMPLE_CASES, ids=[f"{k}-seed{s}" for k, s in SAMPLE_CASES])
def test_sample(student, feedback, case):
    kind, seed = case
    p, char_to_ix = sample_problem(kind)
    vocab = len(char_to_ix)
    try:
        raw = student.sample(p, char_to_ix, seed)
    except Exception as exc:
        kind, message = getattr(exc, "type_name", ""), getattr(exc, "message", "")
        if kind == "KeyError" and "ba" in message:
            feedback.diagnose("sample_bias_key", "the hidden-state bias of this model is parameters['b'] "
                              "(not 'ba').")
        elif kind == "ValueError" and "1-dimensional" in message:
            feedback.diagnose("sample_p_not_flat", "np.random.choice needs the probabilities as a flat vector: "
                              "pass p=y.ravel(), not the (vocab_size, 1) column y.")
        elif kind == "ValueError" and "same size" in message:
            feedback.diagnose("sample_vector_shapes", "x and a_prev must be column vectors, of shapes "
                              "(vocab_size, 1) and (n_a, 1): a 1-D x broadcasts against the columns and "
                              "the probabilities come out with the wrong size.")
        raise
    got = as_indices("the list returned by sample", raw, vocab)
    expected = sample_expected(case)
    if got == expected:
        return
    with feedback.probing():
        diagnose_sample(feedback, p, char_to_ix, seed, got)
    if len(got) > ref.MAX_SAMPLE + 1:
        fail(f"sample returned {len(got)} indices; at most 50 characters plus the final newline are allowed.")
    newline = char_to_ix["\n"]
    # A newline drawn as the 50th character, then the cap's own newline: the loop did stop there.
    capped = len(got) == ref.MAX_SAMPLE + 1 and got[-2:] == [newline, newline] and newline not in got[:-2]
    if newline in got[:-1] and not capped:
        fail(f"sample kept going after drawing the newline (index {newline}) at position {got.index(newline)}: "
             "the loop must stop there.")
    k = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    fail(f"sample (seed={seed}, vocabulary of {vocab}) returned {len(got)} indices; the expected sequence has "
         f"{len(expected)}. They first differ at position {k}: check the probabilities drawn from at that step "
         "(a = tanh(Wax x + Waa a_prev + b), y = softmax(Wya a + by)) and the seeding (np.random.seed(counter + "
         "seed) before each draw, then both increased by one).")


@exercise("sample", weight=1)
def test_sample_is_repeatable_and_seeded(student):
    """Same parameters and seed give the same indices; another seed gives another sample."""
    p, char_to_ix = sample_problem("sorted27")
    runs = [as_indices("the list returned by sample", student.sample(p, char_to_ix, s), 27) for s in (4, 4, 5)]
    if runs[0] != runs[1]:
        fail("two calls of sample with the same parameters and seed returned different indices.")
    if sample_expected(("sorted27", 4)) != sample_expected(("sorted27", 5)) and runs[0] == runs[2]:
        fail("sample returned the same indices for seeds 4 and 5: it must use its seed argument.")
