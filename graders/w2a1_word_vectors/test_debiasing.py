"""Hidden graders of neutralize and equalize (references: .reference, float64 TF).

Values against the reference, and the properties the debiasing must have, on random vectors
of several dimensions (so a hard-coded 50 fails) with bias axes that are not unit vectors,
and on real words through the learner's own 400,000-word map with g = e_woman - e_man.
equalize is accepted with either denominator in circulation (CURRICULUM.md): the 2021
notebooks' ||e_wB - mu_B|| and the 2020 text's ||(e_w - mu_orth) - mu_B||.
"""
from __future__ import annotations


import numpy as np
import pytest

from autograde.checks import Feedback, check_len, fail

from . import reference as ref
from .common import (ATOL, PROPERTY_TOL, RTOL, calling, identical, learner_map, random_map, real_bias_axis,
                     real_vector, same, vector)

exercise = pytest.mark.exercise

# (dim, seed, scale of the word vectors): dimensions other than 50 and one of 50; word vectors
# short (||mu_orth|| < 1) and long (> 1, as on GloVe, where the |.| under the root matters).
MAP_CASES = [(4, 31, 0.3), (9, 32, 1.5), (50, 33, 0.6), (7, 34, 2.5)]
REAL_WORDS = ["receptionist", "engineer", "babysitter"]
REAL_PAIRS = [("grandfather", "grandmother"), ("actor", "actress"), ("boy", "girl")]


def _cos(u, v) -> float:
    return float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))


def _along(x, g):
    return np.dot(x, g) / np.dot(g, g) * g


# ------------------------------------------------------------------ neutralize

def diagnose_neutralize(fb: Feedback, e, g, got) -> None:
    with fb.probing():
        got = np.asarray(got, dtype=np.float64)
        if got.shape != e.shape:
            return
        bias = _along(e, g)
        removed = e - got
        if same(got, bias):
            fb.diagnose("neutralize_returns_bias", "you return the bias component e_biascomponent; return the vector "
                        "without it, e - e_biascomponent.")
        elif same(got, e + bias):
            fb.diagnose("neutralize_adds_bias", "the bias component must be subtracted from e, not added.")
        elif abs(abs(_cos(removed, g)) - 1.0) < 1e-9:
            fb.diagnose("neutralize_norm_not_squared", "the part you remove lies along g but has the wrong size: it is "
                        "(e . g / ||g||^2) g, with the SQUARED norm of g, np.sum(g * g) (not ||g||, and not "
                        "||e|| ||g||).")
        elif abs(abs(_cos(removed, e)) - 1.0) < 1e-9:
            fb.diagnose("neutralize_wrong_projection_vector", "project onto the bias axis g: the removed part is "
                        "(e . g / ||g||^2) times g, not a multiple of e.")


def check_neutralized(fb: Feedback, name: str, got, e, g) -> None:
    out = vector(name, got, e.shape[0])
    expected = ref.neutralize(e, g)
    if not same(out, expected):
        diagnose_neutralize(fb, e, g, out)
    fb.check_array(name, out, expected, atol=ATOL, rtol=RTOL)
    if np.linalg.norm(out) > 0 and abs(_cos(out, g)) > PROPERTY_TOL:
        fail(f"{name} is not orthogonal to the bias axis: its cosine with g is {_cos(out, g):.3g} (should be ~0).",
             output=f"the cosine of {name} with g", kind="property")


@exercise("neutralize", weight=2)
@pytest.mark.parametrize("case", MAP_CASES, ids=[f"dim{c[0]}" for c in MAP_CASES])
def test_neutralize_random_vectors(student, feedback, case):
    m, g = random_map(*case)
    for word in ("nurse", "pilot"):
        first, second, after = calling(feedback, "neutralize",
                                       lambda: student.call_twice("neutralize", word, g, m),
                                       dim=case[0])
        check_neutralized(feedback, "the vector returned by neutralize", first, m[word], g)
        if not identical(second, first):
            fail("calling neutralize twice on the same inputs gave different results: it must not change its inputs.")
        if not (isinstance(after[2], dict) and all(same(after[2].get(w), v) for w, v in m.items())
                and same(after[1], g)):
            fail("neutralize changed its inputs (g or the vectors of word_to_vec_map): compute a new array instead.")


@exercise("neutralize", weight=1)
def test_neutralize_real_words(student, feedback):
    handle = learner_map(student)
    g = real_bias_axis()
    for word in REAL_WORDS:
        got = calling(feedback, "neutralize", lambda: student.neutralize(word, g, handle))
        check_neutralized(feedback, "the vector returned by neutralize", got, real_vector(word), g)


# ------------------------------------------------------------------ equalize

def _emulate_equalize(e1, e2, g, *, mu_sum=False, root="sq", add="mu_orth", denominator="bias"):
    """A mistaken equalize (for hints only)."""
    mu = e1 + e2 if mu_sum else (e1 + e2) / 2
    mu_B = _along(mu, g)
    mu_orth = mu - mu_B
    scale = np.sqrt(np.abs(1 - {"sq": np.sum(mu_orth ** 2), "plain": np.linalg.norm(mu_orth),
                                "mu": np.sum(mu ** 2)}[root]))
    out = []
    for e in (e1, e2):
        e_B = _along(e, g)
        d = {"bias": np.linalg.norm(e_B - mu_B), "e_minus_mu_orth": np.linalg.norm(e - mu_orth),
             "e_wB": np.linalg.norm(e_B), "e_minus_mu_B": np.linalg.norm(e - mu_B)}[denominator]
        out.append(scale * (e_B - mu_B) / d + (mu if add == "mu" else mu_orth))
    return out


EQUALIZE_MISTAKES = [
    ("equalize_mu_sum", dict(mu_sum=True), "mu is the MEAN of the pair, (e_w1 + e_w2) / 2, not its sum."),
    ("equalize_mu_orth_not_squared", dict(root="plain"), "under the square root use 1 - ||mu_orth||^2, with the "
     "SQUARED norm of mu_orth (np.sum(mu_orth ** 2))."),
    ("equalize_mu_instead_of_mu_orth", dict(add="mu"), "add mu_orth (the part of mu orthogonal to g), not mu itself, "
     "to the corrected bias components."),
    ("equalize_mu_instead_of_mu_orth", dict(root="mu"), "the scale is sqrt(|1 - ||mu_orth||^2|), with mu_orth = "
     "mu - mu_B, not mu."),
    ("equalize_wrong_denominator", dict(denominator="e_minus_mu_orth"), "divide by ||e_wB - mu_B|| (or, in the 2020 "
     "text, by ||(e_w - mu_orth) - mu_B||): your denominator forgets mu_B."),
    ("equalize_wrong_denominator", dict(denominator="e_wB"), "divide by ||e_wB - mu_B|| (or ||(e_w - mu_orth) - "
     "mu_B||), not by ||e_wB||: the norm of the difference, not of the word's own bias component."),
    ("equalize_wrong_denominator", dict(denominator="e_minus_mu_B"), "divide by ||e_wB - mu_B|| (or ||(e_w - mu_orth) "
     "- mu_B||), not by ||e_w - mu_B||."),
]


def diagnose_equalize(fb: Feedback, e1, e2, g, got1, got2) -> None:
    with fb.probing():
        for mistake, options, hint in EQUALIZE_MISTAKES:
            v1, v2 = _emulate_equalize(e1, e2, g, **options)
            if same(got1, v1) and same(got2, v2):
                fb.diagnose(mistake, hint)
                return
        expected = [ref.equalize(e1, e2, g, d) for d in ref.DENOMINATORS]
        if any(same(got1, x2) and same(got2, x1) for x1, x2 in expected):
            fb.diagnose("equalize_swapped_outputs", "return (e_1, e_2) in the order of the pair: e_1 belongs to "
                        "pair[0].")
            return
        mu = (e1 + e2) / 2
        mu_orth = mu - _along(mu, g)
        o1, o2 = got1 - _along(got1, g), got2 - _along(got2, g)
        if same(o1, mu_orth) and same(o2, mu_orth) and not np.isclose(_cos(got1, g), -_cos(got2, g), atol=1e-6):
            fb.diagnose("equalize_wrong_denominator", "the two outputs share mu_orth but their bias components are "
                        "not opposite vectors of one length: check what makes them, mu_B, the scale "
                        "sqrt(|1 - ||mu_orth||^2|), each word's e_wB and the denominator ||e_wB - mu_B|| (or "
                        "||(e_w - mu_orth) - mu_B||).")


def check_equalized(fb: Feedback, got, e1, e2, g) -> None:
    check_len("the value returned by equalize", got, 2, "e_1, e_2")
    dim = e1.shape[0]
    got1 = vector("e_1 returned by equalize", got[0], dim)
    got2 = vector("e_2 returned by equalize", got[1], dim)
    expected = [ref.equalize(e1, e2, g, d) for d in ref.DENOMINATORS]
    if any(same(got1, x1) and same(got2, x2) for x1, x2 in expected):
        return
    if not (np.all(np.isfinite(got1)) and np.all(np.isfinite(got2))):
        fb.diagnose("equalize_nan", "equalize returned NaN: 1 - ||mu_orth||^2 is negative when ||mu_orth|| > 1 (every "
                    "real GloVe pair); take the square root of its absolute value, np.sqrt(np.abs(...)).")
    else:
        diagnose_equalize(fb, e1, e2, g, got1, got2)
    # which properties fail, then the values against the 2021 form (the notebook's)
    mu = (e1 + e2) / 2
    mu_orth = mu - _along(mu, g)
    if np.all(np.isfinite(got1)) and np.all(np.isfinite(got2)):
        if not (same(got1 - _along(got1, g), mu_orth) and same(got2 - _along(got2, g), mu_orth)):
            fail("e_1 and e_2 should share their component orthogonal to g, mu_orth = mu - mu_B.",
                 output="the component of e_1 and e_2 orthogonal to g", kind="property")
        if abs(_cos(got1, g) + _cos(got2, g)) > PROPERTY_TOL:
            fail("cos(e_1, g) and cos(e_2, g) should be opposite numbers; they are not.",
                 output="the cosines of e_1 and e_2 with g", kind="property")
    fb.check_array("e_1 returned by equalize", got1, expected[0][0], atol=ATOL, rtol=RTOL)
    fb.check_array("e_2 returned by equalize", got2, expected[0][1], atol=ATOL, rtol=RTOL)


@exercise("equalize", weight=2)
@pytest.mark.parametrize("case", MAP_CASES, ids=[f"dim{c[0]}" for c in MAP_CASES])
def test_equalize_random_vectors(student, feedback, case):
    m, g = random_map(*case)
    for pair in (("king", "queen"), ("aunt", "uncle")):
        first, second, after = calling(feedback, "equalize",
                                       lambda: student.call_twice("equalize", pair, g, m),
                                       dim=case[0])
        check_equalized(feedback, first, m[pair[0]], m[pair[1]], g)
        if not identical(second, first):
            fail("calling equalize twice on the same inputs gave different results: it must not change its inputs.")
        if not (isinstance(after[2], dict) and all(same(after[2].get(w), v) for w, v in m.items())
                and same(after[1], g)):
            fail("equalize changed its inputs (bias_axis or the vectors of word_to_vec_map): compute new arrays "
                 "instead.")


@exercise("equalize", weight=1)
def test_equalize_real_pairs(student, feedback):
    handle = learner_map(student)
    g = real_bias_axis()
    for w1, w2 in REAL_PAIRS:
        got = calling(feedback, "equalize", lambda: student.equalize((w1, w2), g, handle))
        check_equalized(feedback, got, real_vector(w1), real_vector(w2), g)
