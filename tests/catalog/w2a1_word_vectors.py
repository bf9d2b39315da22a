"""Known implementations of the w2a1_word_vectors exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell: a single top-level
function named after its exercise (cosine_similarity, complete_analogy, neutralize,
equalize). It runs where the notebook's imports cell has defined ``np`` and the helpers, and
where the other graded functions are the correct solutions (complete_analogy calls the
notebook's cosine_similarity).

Every WRONG variant violates the contract on inputs a grader legitimately uses: random
vectors of several dimensions (not only 50), a zero vector and two equal vectors for the
guards, the toy 2-D analogy maps of graders/w2a1_word_vectors/reference.py (compass
neighbours with decoys, every cosine negative, word_c along the offset) with upper-case
inputs, and bias axes that are not unit vectors. Every CORRECT variant agrees with the
reference within float32 precision (relative 1e-5) on all of them; equalize variants agree
with one of the two accepted denominators.
"""
from __future__ import annotations

import textwrap

from autograde.catalog import Variant


def _v(exercise: str, name: str, code: str, why: str, diagnosis: str | None = None) -> Variant:
    return Variant(exercise=exercise, name=name, code=textwrap.dedent(code).strip() + "\n", why=why,
                   diagnosis=diagnosis)


# ---------------------------------------------------------------------------------------
# WRONG: cosine_similarity
# ---------------------------------------------------------------------------------------

_WRONG_COSINE = [
    _v("cosine_similarity", "cosine_squared_norms", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            dot = np.dot(u, v)
            norm_u = np.sum(u ** 2)
            norm_v = np.sum(v ** 2)
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            return dot / (norm_u * norm_v)
        """, "Forgets the square roots: divides by ||u||^2 ||v||^2.", "cosine_squared_norms"),
    _v("cosine_similarity", "cosine_linalg_norm_squared", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            denominator = np.linalg.norm(u) ** 2 * np.linalg.norm(v) ** 2
            if denominator == 0:
                return 0
            return np.dot(u, v) / denominator
        """, "Squares the norms np.linalg.norm already returns.", "cosine_squared_norms"),
    _v("cosine_similarity", "cosine_sum_of_norms", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            dot = np.dot(u, v)
            norm_u = np.sqrt(np.sum(u * u))
            norm_v = np.sqrt(np.sum(v * v))
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            return dot / (norm_u + norm_v)
        """, "Adds the two norms in the denominator instead of multiplying them.", "cosine_sum_of_norms"),
    _v("cosine_similarity", "cosine_l1_norm", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            dot = np.dot(u, v)
            norm_u = np.sum(np.abs(u))
            norm_v = np.sum(np.abs(v))
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            return dot / (norm_u * norm_v)
        """, "Uses the L1 norm (sum of absolute values).", "cosine_l1_norm"),
    _v("cosine_similarity", "cosine_l1_linalg", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            norms = np.linalg.norm(u, ord=1) * np.linalg.norm(v, ord=1)
            if np.isclose(norms, 0, atol=1e-32):
                return 0
            return np.dot(u, v) / norms
        """, "np.linalg.norm with ord=1: the L1 norm.", "cosine_l1_norm"),
    _v("cosine_similarity", "cosine_returns_array", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            dot = np.dot(u.reshape(1, -1), v.reshape(-1, 1))
            norm_u = np.sqrt(np.sum(u * u))
            norm_v = np.sqrt(np.sum(v * v))
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            return dot / (norm_u * norm_v)
        """, "Reshapes to a row and a column: the result is a (1, 1) array, not a number.",
       "cosine_returns_array"),
    _v("cosine_similarity", "cosine_elementwise_product", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            norm_u = np.linalg.norm(u)
            norm_v = np.linalg.norm(v)
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            return (u * v) / (norm_u * norm_v)
        """, "u * v is element-wise: returns a vector instead of summing it.", "cosine_returns_array"),
    _v("cosine_similarity", "cosine_no_zero_guard", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            return np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
        """, "No guard for a zero vector: 0/0 gives nan.", "cosine_no_zero_guard"),
    _v("cosine_similarity", "cosine_no_guards", """
        def cosine_similarity(u, v):
            dot = np.dot(u, v)
            norm_u = np.sqrt(np.sum(u ** 2))
            norm_v = np.sqrt(np.sum(v ** 2))
            return dot / (norm_u * norm_v)
        """, "Neither guard: cosine_similarity(0, 0) and cosine_similarity(0, a) are nan.",
       "cosine_no_zero_guard"),
    _v("cosine_similarity", "cosine_distance", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            norm_u = np.linalg.norm(u)
            norm_v = np.linalg.norm(v)
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            return 1 - np.dot(u, v) / (norm_u * norm_v)
        """, "Returns the cosine distance 1 - cos instead of the similarity."),
    _v("cosine_similarity", "cosine_euclidean", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            return np.sqrt(np.sum((u - v) ** 2))
        """, "Returns the Euclidean distance."),
]

# ---------------------------------------------------------------------------------------
# WRONG: complete_analogy
# ---------------------------------------------------------------------------------------

_WRONG_ANALOGY = [
    _v("complete_analogy", "analogy_best_word_outside_if", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                best_word = w
            return best_word
        """, "best_word = w outdented out of the if: the last word scanned is returned.",
       "analogy_best_word_outside_if"),
    _v("complete_analogy", "analogy_reversed_difference", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_a - e_b, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "e_a - e_b: finds the opposite relation.", "analogy_reversed_difference"),
    _v("complete_analogy", "analogy_reversed_word_offset", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, e_c - word_to_vec_map[w])
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "e_c - e_w: the candidate offset reversed.", "analogy_reversed_difference"),
    _v("complete_analogy", "analogy_raw_vectors", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w])
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Compares the offset with the raw vector e_w instead of e_w - e_c.", "analogy_raw_vectors"),
    _v("complete_analogy", "analogy_raw_pairs", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b, word_to_vec_map[w])
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Compares e_b with e_w: the nearest neighbour of word_b.", "analogy_raw_vectors"),
    _v("complete_analogy", "analogy_max_starts_at_zero", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = 0
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Running best starts at 0: answers None when every cosine is negative.", "analogy_max_not_low"),
    _v("complete_analogy", "analogy_max_starts_at_half", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = 0.5
            best_word = word_c
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "A threshold of 0.5 with word_c as the fallback answer.", "analogy_max_not_low"),
    _v("complete_analogy", "analogy_no_lowercase", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "No lower-casing: 'Italy' raises KeyError.", "analogy_no_lowercase"),
    _v("complete_analogy", "analogy_lowercase_after_lookup", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Lower-cases after looking the vectors up, so upper-case inputs still raise KeyError.",
       "analogy_no_lowercase"),
    _v("complete_analogy", "analogy_no_exclusion", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Never skips word_c: its zero offset scores 0 and wins when every other cosine is negative.",
       "analogy_returns_word_c"),
    _v("complete_analogy", "analogy_excludes_a_b_only", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w in [word_a, word_b]:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Skips word_a and word_b but not word_c.", "analogy_returns_word_c"),
    _v("complete_analogy", "analogy_3cosadd", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            target = word_to_vec_map[word_b] - word_to_vec_map[word_a] + word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(target, word_to_vec_map[w])
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "3CosAdd, cos(e_b - e_a + e_c, e_w): another question than the contract's offset cosine."),
    _v("complete_analogy", "analogy_euclidean_nearest", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            target = word_to_vec_map[word_b] - word_to_vec_map[word_a] + word_to_vec_map[word_c]
            best_distance = np.inf
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                distance = np.linalg.norm(word_to_vec_map[w] - target)
                if distance < best_distance:
                    best_distance = distance
                    best_word = w
            return best_word
        """, "The word nearest to e_c + (e_b - e_a) by Euclidean distance."),
    _v("complete_analogy", "analogy_offset_from_a", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            max_cosine_sim = -100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_a)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Measures the candidate's offset from word_a instead of word_c."),
    _v("complete_analogy", "analogy_min_instead_of_max", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            best_sim = 100
            best_word = None
            for w in word_to_vec_map.keys():
                if w == word_c:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim < best_sim:
                    best_sim = cosine_sim
                    best_word = w
            return best_word
        """, "Keeps the smallest cosine."),
]

# ---------------------------------------------------------------------------------------
# WRONG: neutralize
# ---------------------------------------------------------------------------------------

_WRONG_NEUTRALIZE = [
    _v("neutralize", "neutralize_norm_not_squared", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / np.linalg.norm(g) * g
            e_debiased = e - e_biascomponent
            return e_debiased
        """, "Divides by ||g|| instead of ||g||^2 (right only for a unit g).", "neutralize_norm_not_squared"),
    _v("neutralize", "neutralize_sqrt_sum", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / np.sqrt(np.sum(g ** 2)) * g
            return e - e_biascomponent
        """, "||g|| written as sqrt(sum(g^2)) in the denominator.", "neutralize_norm_not_squared"),
    _v("neutralize", "neutralize_project_on_e", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / np.sum(e * e) * e
            return e - e_biascomponent
        """, "Projects onto e instead of g.", "neutralize_wrong_projection_vector"),
    _v("neutralize", "neutralize_scales_e", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / np.sum(g * g) * e
            return e - e_biascomponent
        """, "Multiplies the coefficient by e instead of g: removes a multiple of e.",
       "neutralize_wrong_projection_vector"),
    _v("neutralize", "neutralize_returns_bias", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / np.sum(g * g) * g
            e_debiased = e - e_biascomponent
            return e_biascomponent
        """, "Returns the bias component instead of the debiased vector.", "neutralize_returns_bias"),
    _v("neutralize", "neutralize_adds_bias", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / np.sum(g * g) * g
            return e + e_biascomponent
        """, "Adds the bias component instead of removing it."),
    _v("neutralize", "neutralize_hardcoded_50", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_debiased = np.zeros(50)
            e_debiased[:] = e - np.dot(e, g) / np.sum(g * g) * g
            return e_debiased
        """, "Allocates a (50,) output: fails for any other dimension."),
    _v("neutralize", "neutralize_norm_of_e", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = np.dot(e, g) / (np.linalg.norm(e) * np.linalg.norm(g)) * g
            return e - e_biascomponent
        """, "Uses the cosine of e and g as the coefficient.", "neutralize_norm_not_squared"),
]

# ---------------------------------------------------------------------------------------
# WRONG: equalize
# ---------------------------------------------------------------------------------------

_EQ_HEAD = """
def equalize(pair, bias_axis, word_to_vec_map):
    w1, w2 = pair
    e_w1, e_w2 = word_to_vec_map[w1], word_to_vec_map[w2]
"""


def _eq(name: str, body: str, why: str, diagnosis: str | None = None) -> Variant:
    return Variant(exercise="equalize", name=name,
                   code=_EQ_HEAD.lstrip("\n") + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n",
                   why=why, diagnosis=diagnosis)


_WRONG_EQUALIZE = [
    _eq("equalize_mu_sum", """
        mu = e_w1 + e_w2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "mu is the sum of the pair, not its mean.", "equalize_mu_sum"),
    _eq("equalize_mu_orth_not_squared", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.linalg.norm(mu_orth)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "1 - ||mu_orth|| under the root instead of 1 - ||mu_orth||^2.", "equalize_mu_orth_not_squared"),
    _eq("equalize_mu_instead_of_mu_orth", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B + mu, corrected_e_w2B + mu
        """, "Adds mu (with its bias component) instead of mu_orth.", "equalize_mu_instead_of_mu_orth"),
    _eq("equalize_mu_in_scale", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "||mu||^2 under the root where ||mu_orth||^2 is meant.", "equalize_mu_instead_of_mu_orth"),
    _eq("equalize_denominator_e_minus_mu_orth", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1 - mu_orth)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2 - mu_orth)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "Denominator ||e_w - mu_orth||, forgetting the '- mu_B' of the 2020 form.",
        "equalize_wrong_denominator"),
    _eq("equalize_denominator_e_wB", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "Divides by ||e_wB|| (the wrong vector's norm): the pair is no longer symmetric.",
        "equalize_wrong_denominator"),
    _eq("equalize_denominator_e_minus_mu_B", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1 - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2 - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "Divides by ||e_w - mu_B||.", "equalize_wrong_denominator"),
    _eq("equalize_no_abs", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(1 - np.sum(mu_orth ** 2))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "No |.| under the root: NaN whenever ||mu_orth|| > 1 (every real GloVe pair)."),
    _eq("equalize_projection_norm_not_squared", """
        g_norm = np.linalg.norm(bias_axis)
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / g_norm * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / g_norm * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / g_norm * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "Projections divided by ||g|| instead of ||g||^2 (mu_orth is then not orthogonal to g)."),
    _eq("equalize_no_mu_orth", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w1B, corrected_e_w2B
        """, "Returns the corrected bias components without adding mu_orth."),
    _eq("equalize_swapped_outputs", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
        corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
        return corrected_e_w2B + mu_orth, corrected_e_w1B + mu_orth
        """, "Returns (e_2, e_1)."),
    _eq("equalize_full_vector_numerator", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.sum(bias_axis ** 2) * bias_axis
        mu_orth = mu - mu_B
        scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
        corrected_e_w1B = scale * (e_w1 - mu_B) / np.linalg.norm(e_w1 - mu_B)
        corrected_e_w2B = scale * (e_w2 - mu_B) / np.linalg.norm(e_w2 - mu_B)
        return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
        """, "Uses e_w instead of its bias component e_wB in the correction."),
]

WRONG = _WRONG_COSINE + _WRONG_ANALOGY + _WRONG_NEUTRALIZE + _WRONG_EQUALIZE

# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

CORRECT = [
    _v("cosine_similarity", "cosine_linalg_isclose_2021", """
        def cosine_similarity(u, v):
            if np.all(u == v):
                return 1
            dot = np.dot(u, v)
            norm_u = np.linalg.norm(u)
            norm_v = np.linalg.norm(v)
            if np.isclose(norm_u * norm_v, 0, atol=1e-32):
                return 0
            cosine_similarity = dot / (norm_u * norm_v)
            return cosine_similarity
        """, "The 2021 form: np.linalg.norm and np.isclose."),
    _v("cosine_similarity", "cosine_python_loops", """
        def cosine_similarity(u, v):
            if all(a == b for a, b in zip(u, v)):
                return 1.0
            dot = 0.0
            su = 0.0
            sv = 0.0
            for a, b in zip(u, v):
                dot += a * b
                su += a * a
                sv += b * b
            denominator = su ** 0.5 * sv ** 0.5
            if abs(denominator) <= 1e-32:
                return 0.0
            return float(dot / denominator)
        """, "Plain Python loops, a Python float returned."),
    _v("cosine_similarity", "cosine_float32", """
        def cosine_similarity(u, v):
            u = np.asarray(u, dtype=np.float32)
            v = np.asarray(v, dtype=np.float32)
            if np.all(u == v):
                return 1
            denominator = np.linalg.norm(u) * np.linalg.norm(v)
            if np.isclose(denominator, 0, atol=1e-32):
                return 0
            return np.dot(u, v) / denominator
        """, "Computes in float32: agrees to about 1e-7."),
    _v("complete_analogy", "analogy_older_exclusion_rule", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            e_a, e_b, e_c = word_to_vec_map[word_a], word_to_vec_map[word_b], word_to_vec_map[word_c]
            words = word_to_vec_map.keys()
            max_cosine_sim = -100
            best_word = None
            input_words_set = set([word_a, word_b, word_c])
            for w in words:
                if w in input_words_set:
                    continue
                cosine_sim = cosine_similarity(e_b - e_a, word_to_vec_map[w] - e_c)
                if cosine_sim > max_cosine_sim:
                    max_cosine_sim = cosine_sim
                    best_word = w
            return best_word
        """, "The older rule: skips all three input words (graded cases never answer word_a or word_b)."),
    _v("complete_analogy", "analogy_items_minus_inf", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = (w.lower() for w in (word_a, word_b, word_c))
            offset = word_to_vec_map[word_b] - word_to_vec_map[word_a]
            e_c = word_to_vec_map[word_c]
            best_word, best = None, -np.inf
            for w, e_w in word_to_vec_map.items():
                if w != word_c:
                    sim = cosine_similarity(offset, e_w - e_c)
                    if sim > best:
                        best_word, best = w, sim
            return best_word
        """, "items() loop with the running best at -inf."),
    _v("complete_analogy", "analogy_vectorised", """
        def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
            word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
            words = [w for w in word_to_vec_map if w != word_c]
            M = np.stack([word_to_vec_map[w] for w in words])
            offset = word_to_vec_map[word_b] - word_to_vec_map[word_a]
            D = M - word_to_vec_map[word_c]
            denominator = np.linalg.norm(D, axis=1) * np.linalg.norm(offset)
            safe = np.where(np.abs(denominator) <= 1e-32, 1.0, denominator)
            scores = np.where(np.abs(denominator) <= 1e-32, 0.0, D @ offset / safe)
            scores[np.all(D == offset, axis=1)] = 1.0
            return words[int(np.argmax(scores))]
        """, "All cosines at once with a matrix product; np.argmax keeps the first best, like the loop."),
    _v("neutralize", "neutralize_linalg_norm_squared", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            e_biascomponent = (np.dot(e, g) / np.linalg.norm(g) ** 2) * g
            e_debiased = e - e_biascomponent
            return e_debiased
        """, "||g||^2 written as np.linalg.norm(g) ** 2 (the 2021 form)."),
    _v("neutralize", "neutralize_unit_axis", """
        def neutralize(word, g, word_to_vec_map):
            g_hat = g / np.linalg.norm(g)
            e = word_to_vec_map[word]
            return e - np.dot(e, g_hat) * g_hat
        """, "Projects on the unit vector g / ||g||."),
    _v("neutralize", "neutralize_loops", """
        def neutralize(word, g, word_to_vec_map):
            e = word_to_vec_map[word]
            eg = sum(a * b for a, b in zip(e, g))
            gg = sum(b * b for b in g)
            return np.array([a - eg / gg * b for a, b in zip(e, g)])
        """, "Python loops for the dot products."),
    _eq("equalize_2020_denominator", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.linalg.norm(bias_axis) ** 2 * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.linalg.norm(bias_axis) ** 2 * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.linalg.norm(bias_axis) ** 2 * bias_axis
        corrected_e_w1B = np.sqrt(np.abs(1 - np.linalg.norm(mu_orth) ** 2)) * (e_w1B - mu_B) / np.linalg.norm(
            (e_w1 - mu_orth) - mu_B)
        corrected_e_w2B = np.sqrt(np.abs(1 - np.linalg.norm(mu_orth) ** 2)) * (e_w2B - mu_B) / np.linalg.norm(
            (e_w2 - mu_orth) - mu_B)
        e1 = corrected_e_w1B + mu_orth
        e2 = corrected_e_w2B + mu_orth
        return e1, e2
        """, "The 2020 text's denominator ||(e_w - mu_orth) - mu_B||: accepted."),
    _eq("equalize_2021_linalg", """
        mu = (e_w1 + e_w2) / 2
        mu_B = np.dot(mu, bias_axis) / np.linalg.norm(bias_axis) ** 2 * bias_axis
        mu_orth = mu - mu_B
        e_w1B = np.dot(e_w1, bias_axis) / np.linalg.norm(bias_axis) ** 2 * bias_axis
        e_w2B = np.dot(e_w2, bias_axis) / np.linalg.norm(bias_axis) ** 2 * bias_axis
        corrected_e_w1B = np.sqrt(np.abs(1 - np.linalg.norm(mu_orth) ** 2)) * (e_w1B - mu_B) / np.linalg.norm(
            e_w1B - mu_B)
        corrected_e_w2B = np.sqrt(np.abs(1 - np.linalg.norm(mu_orth) ** 2)) * (e_w2B - mu_B) / np.linalg.norm(
            e_w2B - mu_B)
        e1 = corrected_e_w1B + mu_orth
        e2 = corrected_e_w2B + mu_orth
        return e1, e2
        """, "The 2021 notebooks' denominator ||e_wB - mu_B||, norms by np.linalg.norm."),
    _eq("equalize_unit_axis_float32", """
        g_hat = (bias_axis / np.linalg.norm(bias_axis)).astype(np.float32)
        e1_, e2_ = e_w1.astype(np.float32), e_w2.astype(np.float32)
        mu = (e1_ + e2_) / 2
        mu_B = np.dot(mu, g_hat) * g_hat
        mu_orth = mu - mu_B
        scale = np.sqrt(np.abs(1 - np.dot(mu_orth, mu_orth)))
        s1 = np.dot(e1_, g_hat) - np.dot(mu, g_hat)
        s2 = np.dot(e2_, g_hat) - np.dot(mu, g_hat)
        return scale * np.sign(s1) * g_hat + mu_orth, scale * np.sign(s2) * g_hat + mu_orth
        """, "Unit axis, scalar coordinates, float32: (e_wB - mu_B)/||e_wB - mu_B|| is sign(.) g_hat."),
]

# ---------------------------------------------------------------------------------------
# CROSS: a correct complete_analogy around a wrong cosine_similarity. complete_analogy keeps
# its points (its feedback names cosine_similarity); cosine_similarity loses its own.
# ---------------------------------------------------------------------------------------


def _code(name: str) -> str:
    return next(v.code for v in WRONG + CORRECT if v.name == name)


CROSS: list[Variant] = [
    Variant("complete_analogy", "analogy_items_minus_inf__around__cosine_sum_of_norms",
            _code("analogy_items_minus_inf"), "A correct scan around a cosine that adds the norms.",
            others={"cosine_similarity": _code("cosine_sum_of_norms")}),
    Variant("complete_analogy", "analogy_older_exclusion_rule__around__cosine_squared_norms",
            _code("analogy_older_exclusion_rule"), "A correct scan (older exclusion rule) around a cosine with "
            "squared norms.", others={"cosine_similarity": _code("cosine_squared_norms")}),
]
