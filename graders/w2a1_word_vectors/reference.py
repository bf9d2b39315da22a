"""TensorFlow references for the w2a1 graders (operations on word vectors).

Independent of the course helpers and of the notebook: every value is computed here in
float64 with TensorFlow ops (``tf.tensordot``, ``tf.linalg.norm``), following CURRICULUM.md:

- :func:`cosine_similarity` with the contract's two guards (1 when u equals v element-wise,
  0 when the product of the norms is at most 1e-32);
- :func:`projection` / :func:`neutralize` on a bias axis of any dimension;
- :func:`equalize` in BOTH forms in circulation (``denominator="bias"``: the 2021 notebooks'
  ||e_wB - mu_B||; ``denominator="full"``: the 2020 text's ||(e_w - mu_orth) - mu_B||);
- :func:`analogy_scores` / :func:`complete_analogy`: the contract's scan, vectorised (the
  scores of all words in one pass), with the 2021 exclusion rule (only word_c) or the older
  one (all three inputs) for choosing cases on which both agree;
- toy 2-D maps with a known geometry (:func:`toy_maps`), each with analogy queries whose
  answer is designed, unique by a clear margin, never word_a or word_b (so both exclusion
  rules agree), and different from what each known mistake answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

ZERO_GUARD = 1e-32       # CURRICULUM: return 0 when ||u|| ||v|| is ~0 (atol 1e-32)
START = -100.0           # the contract's running best before the scan


def _t(x) -> tf.Tensor:
    return tf.constant(np.asarray(x, dtype=np.float64))


# --------------------------------------------------------------------------------------
# E1 cosine similarity
# --------------------------------------------------------------------------------------

def cosine_similarity(u, v) -> float:
    u_np, v_np = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    if u_np.shape == v_np.shape and np.all(u_np == v_np):
        return 1.0
    u, v = _t(u_np), _t(v_np)
    denominator = tf.linalg.norm(u) * tf.linalg.norm(v)
    if float(tf.abs(denominator)) <= ZERO_GUARD:
        return 0.0
    return float(tf.tensordot(u, v, axes=1) / denominator)


# --------------------------------------------------------------------------------------
# E3 neutralize (and the projection it removes)
# --------------------------------------------------------------------------------------

def projection(e, g) -> np.ndarray:
    """(e . g / ||g||^2) g: the component of e along g."""
    e, g = _t(e), _t(g)
    return (tf.tensordot(e, g, axes=1) / tf.tensordot(g, g, axes=1) * g).numpy()


def neutralize(e, g) -> np.ndarray:
    """e - its component along g (so that it is orthogonal to g)."""
    return (_t(e) - _t(projection(e, g))).numpy()


# --------------------------------------------------------------------------------------
# E4 equalize
# --------------------------------------------------------------------------------------

DENOMINATORS = ("bias", "full")


def equalize(e_w1, e_w2, g, denominator: str = "bias") -> tuple[np.ndarray, np.ndarray]:
    """The contract's equalization of a pair; both denominators CURRICULUM accepts.

    mu = (e_w1 + e_w2) / 2, mu_B its component along g, mu_orth = mu - mu_B, e_wiB the
    component of e_wi along g, and

        corrected_e_wiB = sqrt(|1 - ||mu_orth||^2|) (e_wiB - mu_B) / D_i,   e_i = corrected_e_wiB + mu_orth

    with D_i = ||e_wiB - mu_B|| (``"bias"``, 2021) or ||(e_wi - mu_orth) - mu_B|| (``"full"``, 2020).
    The |.| matters: on real GloVe pairs ||mu_orth|| is 4 to 6, so 1 - ||mu_orth||^2 < 0.
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator must be one of {DENOMINATORS}")
    e_w1, e_w2, g_t = _t(e_w1), _t(e_w2), _t(g)
    gg = tf.tensordot(g_t, g_t, axes=1)
    along = lambda x: tf.tensordot(x, g_t, axes=1) / gg * g_t  # noqa: E731
    mu = (e_w1 + e_w2) / 2.0
    mu_B = along(mu)
    mu_orth = mu - mu_B
    scale = tf.sqrt(tf.abs(1.0 - tf.reduce_sum(mu_orth ** 2)))
    out = []
    for e in (e_w1, e_w2):
        e_B = along(e)
        d = tf.linalg.norm(e_B - mu_B) if denominator == "bias" else tf.linalg.norm((e - mu_orth) - mu_B)
        out.append((scale * (e_B - mu_B) / d + mu_orth).numpy())
    return out[0], out[1]


# --------------------------------------------------------------------------------------
# E2 complete_analogy
# --------------------------------------------------------------------------------------

def analogy_scores(e_a, e_b, e_c, matrix) -> np.ndarray:
    """cos(e_b - e_a, e_w - e_c) for every row e_w of ``matrix``, with the contract's guards."""
    offset = _t(e_b) - _t(e_a)
    D = _t(matrix) - _t(e_c)[None, :]
    denom = tf.linalg.norm(D, axis=1) * tf.linalg.norm(offset)
    safe = tf.where(tf.abs(denom) <= ZERO_GUARD, tf.ones_like(denom), denom)
    scores = tf.where(tf.abs(denom) <= ZERO_GUARD, tf.zeros_like(denom), tf.linalg.matvec(D, offset) / safe)
    equal = tf.reduce_all(tf.equal(D, offset[None, :]), axis=1)
    return tf.where(equal, tf.ones_like(scores), scores).numpy()


def complete_analogy(word_a, word_b, word_c, word_to_vec_map, exclude: str = "c"):
    """The word w (in map order, first of equal scores) maximising cos(e_b - e_a, e_w - e_c).

    ``exclude="c"`` is the 2021 contract (only word_c skipped); ``"abc"`` the older rule.
    Returns None when no word scores above the starting value -100 (an empty scan).
    """
    best, _ = ranked_analogy(word_a, word_b, word_c, word_to_vec_map, exclude, top=1)
    return best[0] if best else None


def ranked_analogy(word_a, word_b, word_c, word_to_vec_map, exclude: str = "c", top: int = 5):
    """(the ``top`` words, their scores), best first, as the contract's scan would rank them."""
    a, b, c = word_a.lower(), word_b.lower(), word_c.lower()
    words = list(word_to_vec_map)
    matrix = np.stack([np.asarray(word_to_vec_map[w], dtype=np.float64) for w in words])
    scores = analogy_scores(word_to_vec_map[a], word_to_vec_map[b], word_to_vec_map[c], matrix)
    skip = {c} if exclude == "c" else {a, b, c}
    keep = np.array([w not in skip for w in words])
    scores = np.where(keep & (scores > START), scores, -np.inf)
    order = np.argsort(-scores, kind="stable")[:top]  # stable: the first of equal scores in map order
    order = [i for i in order if np.isfinite(scores[i])]
    return [words[i] for i in order], [float(scores[i]) for i in order]


# --------------------------------------------------------------------------------------
# Toy maps with a known geometry (2-D, so a hard-coded 50 fails)
# --------------------------------------------------------------------------------------

COMPASS = {"north": 90, "northeast": 45, "east": 0, "southeast": -45, "south": -90,
           "southwest": -135, "west": 180, "northwest": 135}


def _dir(deg: float) -> np.ndarray:
    r = np.deg2rad(deg)
    return np.array([np.cos(r), np.sin(r)])


@dataclass
class ToyMap:
    name: str
    word_to_vec_map: dict
    queries: list            # (word_a, word_b, word_c, designed answer)
    catches: list[str] = field(default_factory=list)   # the mistakes this map is meant to expose


def compass_map() -> ToyMap:
    """word_c = "harbor" at (6, 4), ringed by the eight compass words at distance 1 and by
    "far" decoys at distance 3, 12 degrees off each compass direction (a Euclidean nearest
    neighbour of e_c + offset, or 3CosAdd, picks those instead). Around word_a = "mill" at
    (-5, -2): a synonym "grinder" and neighbours 1.5 away in four directions.

    Queries: mill -> <neighbour in direction d> :: harbor -> the compass word of d; and the
    synonym query mill -> grinder :: harbor, whose offset is tiny and points 3 degrees off
    south-east.
    """
    c = np.array([6.0, 4.0])
    a = np.array([-5.0, -2.0])
    m = {"mill": a, "grinder": a + 0.03 * _dir(-48)}
    neighbours = {"uphill": 90, "downstream": -45, "upstream": 135, "sunrise": 0}
    for name, deg in neighbours.items():
        m[name] = a + 1.5 * _dir(deg)
    m["harbor"] = c
    for name, deg in COMPASS.items():
        m[name] = c + _dir(deg)
        m[f"{name}ish"] = c + 3.0 * _dir(deg + 12)
    queries = [("mill", "uphill", "harbor", "north"), ("mill", "downstream", "harbor", "southeast"),
               ("mill", "upstream", "harbor", "northwest"), ("mill", "sunrise", "harbor", "east"),
               ("mill", "grinder", "harbor", "southeast")]
    return ToyMap("compass", {k: np.asarray(v, dtype=np.float64) for k, v in m.items()}, queries,
                  ["reversed differences", "raw vectors compared", "Euclidean nearest neighbour", "3CosAdd"])


def negative_map() -> ToyMap:
    """Every candidate lies on the far side of word_c from the offset: all cosines are negative,
    so a running best started at 0 answers None and a scan that forgets to skip word_c answers
    word_c (its guarded cosine 0 beats every negative one)."""
    m = {"lake": [0.0, 0.0], "reed": [-3.0, 1.0], "rush": [-2.0, 1.0], "heron": [-1.0, 5.0],
         "frog": [-0.5, -1.0], "pike": [-4.0, -4.0], "otter": [-2.5, 0.2]}
    # offset rush - reed = (1, 0); cos of (w - lake) with (1, 0) = x / |w|: best is heron (-0.196)
    return ToyMap("all negative", {k: np.asarray(v, dtype=np.float64) for k, v in m.items()},
                  [("reed", "rush", "lake", "heron")], ["running max started at 0", "word_c returned"])


def along_offset_map() -> ToyMap:
    """word_c lies along the offset direction from the origin: a scan that compares raw
    vectors cos(e_b - e_a, e_w) answers word_c (cosine 1) or its close neighbours."""
    d = _dir(30)
    m = {"seed": -2.0 * _dir(-60), "sprout": -2.0 * _dir(-60) + 0.8 * d, "acorn": 3.0 * d,
         "oak": 3.0 * d + 1.2 * _dir(32), "pine": 3.0 * d + 1.0 * _dir(80), "moss": 3.0 * d + 0.9 * _dir(-20),
         "stone": 3.2 * d + 0.05 * _dir(120)}
    # offset sprout - seed = 0.8 d: from acorn, oak (2 degrees off d) is the best direction
    return ToyMap("c along the offset", {k: np.asarray(v, dtype=np.float64) for k, v in m.items()},
                  [("seed", "sprout", "acorn", "oak")], ["word_c returned", "raw vectors compared"])


def low_positive_map() -> ToyMap:
    """The best cosine is positive but small (about 0.34): a running best started at a threshold
    such as 0.5 finds nothing better and answers its fallback (None or word_c), while a scan
    started at 0 still finds the answer. word_a and word_b sit almost perpendicular to the
    offset as seen from word_c, so neither can win under the 2021 rule."""
    m = {"hub": [0.0, 0.0], "wharf": [0.0, 10.0], "quay": [1.0, 10.0]}
    for name, deg in {"ferry": 70, "barge": 84, "dinghy": 100, "yacht": 135, "canoe": 200, "raft": -100}.items():
        m[name] = 4.0 * _dir(deg)
    # offset quay - wharf = (1, 0): cos(e_w - hub, (1, 0)) = cos(angle of w); ferry (70 degrees) wins with 0.342
    return ToyMap("low positive", {k: np.asarray(v, dtype=np.float64) for k, v in m.items()},
                  [("wharf", "quay", "hub", "ferry")], ["running max started at a threshold"])


def toy_maps() -> list[ToyMap]:
    return [compass_map(), negative_map(), along_offset_map(), low_positive_map()]


def check_toy_maps(margin: float = 1e-3) -> list[str]:
    """Problems with the toy maps' design: an answer that is not the reference's, an answer
    that is word_a or word_b, the two exclusion rules disagreeing, or a winner not clear by
    ``margin`` (the loop's strict > keeps the first of equal scores)."""
    problems = []
    for toy in toy_maps():
        for a, b, c, expected in toy.queries:
            words, scores = ranked_analogy(a, b, c, toy.word_to_vec_map, "c", top=2)
            older = complete_analogy(a, b, c, toy.word_to_vec_map, exclude="abc")
            if words[0] != expected or older != expected or expected in (a, b):
                problems.append(f"{toy.name}: {a}:{b}::{c} gives {words[0]} (older rule {older}), designed {expected}")
            if len(scores) > 1 and scores[0] - scores[1] < margin:
                problems.append(f"{toy.name}: {a}:{b}::{c} wins by only {scores[0] - scores[1]:.2e}")
    return problems


# Real-vector analogies on which the 2021 rule and the older rule give the same answer
# (checked by tests/test_data_glove.py). man:woman::king is NOT one of them with the
# contract's offset cosine: it answers "princess" (0.6053), queen is 4th (0.5970); the
# famous "queen" comes from 3CosAdd, nearest to king - man + woman.
REAL_ANALOGIES = [("italy", "italian", "spain", "spanish"), ("india", "delhi", "japan", "tokyo"),
                  ("man", "woman", "boy", "girl"), ("france", "french", "germany", "german")]
