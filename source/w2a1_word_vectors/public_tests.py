"""Public checks for the "operations on word vectors" assignment.

Each ``*_test`` function checks properties that any correct implementation has, on small
vectors and toy maps of other dimensions than 50 (so a hard-coded 50 shows up):

- ``cosine_similarity_test``: sim(a, a) = 1, sim(a, -a) = -1, orthogonal vectors give 0, the
  value does not change when a vector is scaled, a single number comes back, and the two
  guards (a zero vector gives 0; two equal vectors give 1);
- ``complete_analogy_test``: a 2-D map where every answer can be seen on a drawing (a word
  ringed by the eight compass directions), upper-case inputs, and a map where every cosine
  is negative;
- ``neutralize_test``: the result is orthogonal to g and differs from the word's vector only
  along g;
- ``equalize_test``: the two results sit symmetrically about the plane orthogonal to the
  bias axis and share their component orthogonal to it.

The hidden graders check values against a reference on other inputs. A failing check raises
an error with one sentence that says what is wrong (see checkkit.py).
"""
import numpy as np

from checkkit import public_check

__all__ = ["cosine_similarity_test", "complete_analogy_test", "neutralize_test", "equalize_test"]


def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _scalar(value, what):
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        raise AssertionError(f"{what} returned {type(value).__name__} of shape {np.shape(value)}, but it should "
                             "return one number. np.dot of two 1-D vectors is already a number: do not wrap it "
                             "in a list, and do not use np.outer or a 2-D array.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} returned {value!r}, which is not a number.") from None


# --------------------------------------------------------------------------------------
# Exercise 1: cosine_similarity
# --------------------------------------------------------------------------------------

@public_check("cosine_similarity")
def cosine_similarity_test(target):
    rng = np.random.default_rng(11)
    a = rng.normal(0.0, 2.0, 7)
    b = rng.normal(0.0, 2.0, 7)

    same = _scalar(target(a, a.copy()), "cosine_similarity(a, a)")
    if np.isclose(same, 1.0 / np.dot(a, a)):
        raise AssertionError("cosine_similarity(a, a) is 1/||a||^2 instead of 1: the denominator uses squared "
                             "norms. Use ||u|| * ||v|| = np.sqrt(np.sum(u**2)) * np.sqrt(np.sum(v**2)).")
    _require(np.isclose(same, 1.0), f"cosine_similarity(a, a) returned {same:.4f}; a vector and itself "
             "have cosine 1. The denominator should be ||u|| * ||v|| (L2 norms, multiplied, not added).")

    c = a * np.array([1, -1, 1, 1, -1, 1, 1])                     # not equal to a: the guard does not apply
    _require(np.isclose(_scalar(target(-a, a), "cosine_similarity(-a, a)"), -1.0),
             "cosine_similarity(-a, a) should be -1: opposite vectors point in opposite directions.")

    ab = _scalar(target(a, b), "cosine_similarity(a, b)")
    l1 = np.dot(a, b) / (np.sum(np.abs(a)) * np.sum(np.abs(b)))
    if np.isclose(ab, l1):
        raise AssertionError("cosine_similarity uses the L1 norm (sum of absolute values); the cosine needs "
                             "the L2 norm, np.sqrt(np.sum(u**2)) or np.linalg.norm(u).")
    _require(-1.0 - 1e-12 <= ab <= 1.0 + 1e-12,
             f"cosine_similarity(a, b) returned {ab:.4f}, outside [-1, 1]: check the denominator.")
    scaled = _scalar(target(2.0 * a, 4.0 * b), "cosine_similarity(2a, 4b)")
    _require(np.isclose(scaled, ab),
             "cosine_similarity(2a, 4b) differs from cosine_similarity(a, b), but scaling a vector does not "
             "change its direction: divide by the product of the two norms.")
    _require(not np.isclose(ab, np.dot(a, b)) or np.isclose(np.linalg.norm(a) * np.linalg.norm(b), 1.0),
             "cosine_similarity returns the dot product alone: divide it by ||u|| * ||v||.")

    one_hot_1 = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    one_hot_2 = np.array([0.0, 1.0, 0.0, 1.0, 0.0])
    _require(np.isclose(_scalar(target(one_hot_1, one_hot_2), "cosine_similarity"), 0.0, atol=1e-12),
             "Vectors with no non-zero entry in common are orthogonal: their cosine should be 0.")
    _require(np.isclose(_scalar(target(c, c * 3.5), "cosine_similarity"), 1.0),
             "Vectors pointing the same way should have cosine 1, whatever their lengths.")

    zero = np.zeros(7)
    with np.errstate(all="ignore"):
        z = _scalar(target(zero, a), "cosine_similarity(0, a)")
        zz = _scalar(target(zero, zero.copy()), "cosine_similarity(0, 0)")
    _require(np.isfinite(z) and z == 0.0,
             f"cosine_similarity(0, a) returned {z}: when ||u|| * ||v|| is (close to) 0 the function should "
             "return 0 instead of dividing by zero.")
    _require(zz == 1.0, f"cosine_similarity(0, 0) returned {zz}: two equal vectors (even zero ones) should "
             "give 1; test np.all(u == v) first.")


# --------------------------------------------------------------------------------------
# Exercise 2: complete_analogy
# --------------------------------------------------------------------------------------

def _compass_map():
    """"square" at (3, 5), with the eight compass words one step away; "gate" at (-4, 1)
    with four neighbours two steps away."""
    def d(deg):
        r = np.deg2rad(deg)
        return np.array([np.cos(r), np.sin(r)])

    center, gate = np.array([3.0, 5.0]), np.array([-4.0, 1.0])
    m = {"gate": gate, "tower": gate + 2 * d(90), "well": gate + 2 * d(0), "bridge": gate + 2 * d(-135),
         "barn": gate + 2 * d(45), "square": center}
    for name, deg in {"n": 90, "ne": 45, "e": 0, "se": -45, "s": -90, "sw": -135, "w": 180, "nw": 135}.items():
        m[name] = center + d(deg)
    return m


@public_check("complete_analogy")
def complete_analogy_test(target):
    m = _compass_map()
    expected = {("gate", "tower", "square"): "n", ("gate", "well", "square"): "e",
                ("gate", "bridge", "square"): "sw", ("gate", "barn", "square"): "ne"}
    for (a, b, c), answer in expected.items():
        got = target(a, b, c, m)
        _require(got is not None, f"complete_analogy{(a, b, c)} returned None: the running best must start "
                 "very low (-100) so that the first word scanned can replace it.")
        _require(isinstance(got, str), f"complete_analogy should return a word (a str), got {type(got).__name__}.")
        _require(got != c, f"complete_analogy{(a, b, c)} returned word_c itself: skip word_c in the loop.")
        if got in m and not np.allclose(m[got] - m[c], 0) and answer != got:
            opposite = -(m[b] - m[a])
            if np.isclose(np.dot(m[got] - m[c], opposite)
                          / (np.linalg.norm(m[got] - m[c]) * np.linalg.norm(opposite)), 1.0):
                raise AssertionError(f"complete_analogy{(a, b, c)} returned {got!r}, the opposite direction of "
                                     f"{answer!r}: compare e_b - e_a (not e_a - e_b) with e_w - e_c.")
        _require(got == answer, f"On a 2-D map where {c!r} is ringed by the eight compass words, "
                 f"complete_analogy{(a, b, c)} returned {got!r}; the word w that maximises "
                 f"cos(e_b - e_a, e_w - e_c) is {answer!r}. Compare differences, not raw vectors.")
    try:
        got = target("Gate", "TOWER", "Square", m)
    except KeyError as exc:
        raise AssertionError(f"complete_analogy('Gate', 'TOWER', 'Square') raised KeyError: {exc}. Lower-case the "
                             "three words before looking them up (the map's words are lower-case).") from None
    _require(got == "n", f"complete_analogy('Gate', 'TOWER', 'Square') returned {got!r}: lower-case the three "
             "words first (the map's words are lower-case).")

    # every candidate lies behind "pond" relative to the offset (1, 0): every cosine is negative
    negative = {"pond": np.array([0.0, 0.0]), "dam": np.array([-3.0, 2.0]), "weir": np.array([-2.0, 2.0]),
                "mill": np.array([-1.0, 4.0]), "sluice": np.array([-2.0, -2.0])}
    got = target("dam", "weir", "pond", negative)
    _require(got is not None, "When every cosine is negative complete_analogy returned None: start the running "
             "best at -100 (not 0) so that a negative cosine can still win.")
    _require(got != "pond", "When every cosine is negative complete_analogy returned word_c: skip word_c, "
             "otherwise its zero vector (cosine 0) beats every negative cosine.")
    _require(got == "mill", f"On a map where every cosine is negative complete_analogy returned {got!r} "
             "instead of 'mill', the word with the largest (least negative) cosine.")


# --------------------------------------------------------------------------------------
# Exercise 3: neutralize
# --------------------------------------------------------------------------------------

def _toy_map(dim, seed):
    rng = np.random.default_rng(seed)
    words = ["teacher", "pilot", "nurse", "boy", "girl", "king", "queen"]
    return {w: rng.normal(0.0, 1.0, dim) for w in words}


@public_check("neutralize")
def neutralize_test(target):
    for dim, seed in ((6, 3), (11, 4)):
        m = _toy_map(dim, seed)
        g = np.random.default_rng(seed + 100).normal(0.0, 1.5, dim)
        saved = {w: v.copy() for w, v in m.items()}
        e = m["nurse"]
        out = target("nurse", g.copy(), m)
        _require(isinstance(out, np.ndarray) and out.shape == (dim,),
                 f"neutralize returned {type(out).__name__} of shape {np.shape(out)}; with {dim}-dimensional "
                 f"vectors it should be an array of shape ({dim},). Do not hard-code 50.")
        _require(all(np.array_equal(m[w], saved[w]) for w in m),
                 "neutralize changed the vectors of word_to_vec_map: compute a new array instead.")
        removed = e - out
        cos_g = np.dot(out, g) / (np.linalg.norm(out) * np.linalg.norm(g))
        if np.isclose(abs(np.dot(out, g)) / (np.linalg.norm(out) * np.linalg.norm(g)), 1.0):
            raise AssertionError("neutralize returned a vector parallel to g: that is the bias component; "
                                 "return e - e_biascomponent.")
        if np.allclose(removed, np.dot(e, g) / np.linalg.norm(g) * g):
            raise AssertionError("The removed component is (e.g/||g||) g: divide by ||g||^2 = np.sum(g * g), "
                                 "not by ||g||.")
        _require(abs(cos_g) < 1e-10, f"The result should be orthogonal to g, but its cosine with g is {cos_g:.3g}. "
                 "Remove e_biascomponent = (e.g / ||g||^2) g.")
        parallel = np.abs(np.dot(removed, g)) - np.linalg.norm(removed) * np.linalg.norm(g)
        _require(abs(parallel) < 1e-9 * max(1.0, np.linalg.norm(removed) * np.linalg.norm(g)),
                 "neutralize changed the vector in a direction other than g: only the component along g "
                 "should be removed.")


# --------------------------------------------------------------------------------------
# Exercise 4: equalize
# --------------------------------------------------------------------------------------

@public_check("equalize")
def equalize_test(target):
    for dim, seed, spread in ((5, 21, 0.3), (9, 22, 2.0)):   # ||mu_orth|| below 1, then above 1
        m = _toy_map(dim, seed)
        m = {w: spread * v for w, v in m.items()}
        g = np.random.default_rng(seed + 100).normal(0.0, 1.0, dim)
        saved = {w: v.copy() for w, v in m.items()}
        out = target(("king", "queen"), g.copy(), m)
        _require(isinstance(out, tuple) and len(out) == 2,
                 f"equalize should return a tuple (e_1, e_2); got {type(out).__name__}.")
        e1, e2 = (np.asarray(x) for x in out)
        _require(e1.shape == (dim,) and e2.shape == (dim,),
                 f"e_1 and e_2 have shapes {e1.shape} and {e2.shape}; with {dim}-dimensional vectors both "
                 f"should be ({dim},). Do not hard-code 50.")
        _require(all(np.array_equal(m[w], saved[w]) for w in m),
                 "equalize changed the vectors of word_to_vec_map: compute new arrays instead.")
        if not (np.all(np.isfinite(e1)) and np.all(np.isfinite(e2))):
            raise AssertionError("equalize returned NaN: when ||mu_orth|| > 1, 1 - ||mu_orth||^2 is negative. "
                                 "Take the square root of its absolute value, np.sqrt(np.abs(...)).")
        mu = (m["king"] + m["queen"]) / 2
        along = lambda x: np.dot(x, g) / np.dot(g, g) * g  # noqa: E731
        mu_orth = mu - along(mu)
        orth1, orth2 = e1 - along(e1), e2 - along(e2)
        if np.allclose(orth1, 2 * mu_orth) and np.allclose(orth2, 2 * mu_orth):
            raise AssertionError("The shared component orthogonal to g is twice mu_orth: mu is the MEAN of the "
                                 "two vectors, (e_w1 + e_w2) / 2, not their sum.")
        _require(np.allclose(orth1, orth2), "e_1 and e_2 should have the same component orthogonal to g "
                 "(mu_orth): add the same mu_orth to both corrected bias components.")
        _require(np.allclose(orth1, mu_orth), "The component of e_1 and e_2 orthogonal to g should be mu_orth = "
                 "mu - mu_B, where mu is the mean of the pair and mu_B its projection on g.")
        _require(np.dot(e1 - e2, g) * np.dot(m["king"] - m["queen"], g) > 0,
                 "e_1 and e_2 are in the wrong order: e_1 belongs to the first word of the pair and must stay on "
                 "its side of the bias axis. Return (e_1, e_2), not (e_2, e_1).")
        c1 = np.dot(e1, g) / (np.linalg.norm(e1) * np.linalg.norm(g))
        c2 = np.dot(e2, g) / (np.linalg.norm(e2) * np.linalg.norm(g))
        _require(np.isclose(c1, -c2), f"cos(e_1, g) = {c1:.4f} and cos(e_2, g) = {c2:.4f} should be opposite: "
                 "the corrected bias components are (e_wiB - mu_B) scaled, with mu_B the projection of mu.")
        norm_orth = np.linalg.norm(mu_orth)
        bias_len = np.linalg.norm(e1 - mu_orth)
        target_len = np.sqrt(abs(1 - norm_orth ** 2))
        if np.isclose(bias_len, np.sqrt(abs(1 - norm_orth))) and not np.isclose(norm_orth, 1.0):
            raise AssertionError("Under the square root use 1 - ||mu_orth||^2 (squared norm), not 1 - ||mu_orth||.")
        e1B, mu_B = along(m["king"]), along(mu)
        older = target_len * np.linalg.norm(e1B - mu_B) / np.linalg.norm(m["king"] - mu)
        _require(np.isclose(bias_len, target_len) or np.isclose(bias_len, older),
                 f"The corrected bias component of e_1 has length {bias_len:.4f}; expected "
                 f"sqrt(|1 - ||mu_orth||^2|) = {target_len:.4f} with the denominator ||e_w1B - mu_B||.")
