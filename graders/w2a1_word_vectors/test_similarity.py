"""Hidden graders of cosine_similarity and complete_analogy (references: .reference, float64 TF).

complete_analogy is graded first on small 2-D maps whose geometry makes every known mistake
give another word (.reference.toy_maps), then on the real GloVe vectors of the 9,000 most
frequent words (with the query words) for four analogies on which the 2021 rule (only word_c
skipped) and the older rule (word_a, word_b and word_c skipped) agree, each with a clear
winner. The whole 400,000-word map would cost the learner about 5 s per analogy for the same
verdicts (tests/test_w2a1_graders.py checks that the answers are those of the whole map); the
real scans run only for a function that is right on the small maps. complete_analogy usually calls the learner's
cosine_similarity: when that one is wrong, complete_analogy is judged around it (the
reference scan calling the learner's cosine_similarity through the protocol).
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde.checks import Feedback, GradeFailure, fail
from autograde.grading import describe_exception
from autograde.runner import StudentCrash, StudentError

from . import reference as ref
from .common import ATOL, RTOL, glove, number

exercise = pytest.mark.exercise

# ------------------------------------------------------------------ cosine_similarity

# (dim, scale of u, scale of v, seed): norms far from 1 and from each other (a squared or
# summed denominator shows), dimensions other than 50, one 50-dimensional case.
COSINE_CASES = [(3, 1.7, 0.6, 1), (7, 3.0, 0.4, 2), (12, 0.3, 5.0, 3), (50, 0.5, 2.5, 4)]


@functools.cache
def cosine_case(case):
    dim, su, sv, seed = case
    rng = np.random.default_rng(seed)
    u, v = rng.normal(0.0, su, dim), rng.normal(0.0, sv, dim)
    return u, v, ref.cosine_similarity(u, v)


def diagnose_cosine(fb: Feedback, u, v, got) -> None:
    with fb.probing():
        if isinstance(got, np.ndarray) and got.ndim > 0:
            fb.diagnose("cosine_returns_array", "cosine_similarity must return one number: np.dot(u, v) of two 1-D "
                        "vectors already is one. u * v is element-wise, and a row times a column gives a (1, 1) array.")
            return
        value = float(np.asarray(got, dtype=np.float64).reshape(()))
        dot, nu, nv = float(np.dot(u, v)), float(np.linalg.norm(u)), float(np.linalg.norm(v))
        close = lambda x: np.isclose(value, x, atol=ATOL, rtol=RTOL)  # noqa: E731
        if close(dot / (nu ** 2 * nv ** 2)):
            fb.diagnose("cosine_squared_norms", "the denominator uses squared norms: divide by ||u|| * ||v||, where "
                        "||u|| = np.sqrt(np.sum(u ** 2)) (np.linalg.norm already takes the square root).")
        elif close(dot / (nu + nv)):
            fb.diagnose("cosine_sum_of_norms", "the denominator adds the two norms: divide by their product "
                        "||u|| * ||v||.")
        elif close(dot / (np.sum(np.abs(u)) * np.sum(np.abs(v)))):
            fb.diagnose("cosine_l1_norm", "the norms are L1 norms (sums of absolute values); the cosine uses L2 norms, "
                        "np.sqrt(np.sum(u ** 2)) or np.linalg.norm(u).")


@exercise("cosine_similarity", weight=3)
@pytest.mark.parametrize("case", COSINE_CASES, ids=[f"dim{c[0]}" for c in COSINE_CASES])
def test_cosine_similarity_values(student, feedback, case):
    u, v, expected = cosine_case(case)
    got = student.cosine_similarity(u, v)
    try:
        right = np.isclose(number("", got), expected, atol=ATOL, rtol=RTOL)
    except GradeFailure:
        right = False
    if not right:
        diagnose_cosine(feedback, u, v, got)
    value = number("the value returned by cosine_similarity", got)
    if not np.isclose(value, expected, atol=ATOL, rtol=RTOL):
        fail(f"cosine_similarity is wrong: off by {abs(value - expected):.3g} on a {case[0]}-dimensional pair.",
             output="the value returned by cosine_similarity", kind="values", error=abs(value - expected))
    scaled = number("cosine_similarity(2u, 0.5v)", student.cosine_similarity(2.0 * u, 0.5 * v))
    if not np.isclose(scaled, expected, atol=ATOL, rtol=RTOL):
        fail("cosine_similarity(2u, 0.5v) differs from cosine_similarity(u, v): scaling a vector does not change "
             "its direction.", output="cosine_similarity of scaled vectors", kind="values")


@exercise("cosine_similarity", weight=4)
def test_cosine_similarity_special_cases(student, feedback):
    """The contract's guards (a zero vector gives 0; two equal vectors, zero ones included, give 1),
    opposite vectors (-1) and orthogonal ones (0)."""
    rng = np.random.default_rng(9)
    a = rng.normal(0.0, 2.0, 6)
    zero = np.zeros(6)
    problems = []
    for name, u, v, expected in (("cosine_similarity(0, a)", zero, a, 0.0), ("cosine_similarity(a, 0)", a, zero, 0.0),
                                 ("cosine_similarity(0, 0)", zero, zero.copy(), 1.0),
                                 ("cosine_similarity(a, a)", a, a.copy(), 1.0),
                                 ("cosine_similarity(a, -a)", a, -a, -1.0),
                                 ("cosine_similarity of two orthogonal vectors", np.array([1.0, 0.0, 2.0, 0.0]),
                                  np.array([0.0, 3.0, 0.0, -1.0]), 0.0)):
        got = student.cosine_similarity(u, v)
        if isinstance(got, np.ndarray) and got.ndim > 0:
            feedback.diagnose("cosine_returns_array", "cosine_similarity must return one number, not an array.")
        value = number(name, got)
        if not (np.isfinite(value) and np.isclose(value, expected, atol=ATOL, rtol=0)):
            problems.append(f"{name} returned {value:.4g}; it should be {expected:g}")
            if not np.isfinite(value) and expected == 0.0:
                feedback.diagnose("cosine_no_zero_guard", "a zero vector has no direction: when ||u|| * ||v|| is "
                                  "(close to) 0, return 0 instead of dividing by zero (which gives nan).")
            if not np.isfinite(value) and name == "cosine_similarity(0, 0)":
                feedback.diagnose("cosine_no_zero_guard", "two equal vectors give 1, zero vectors included: test "
                                  "np.all(u == v) first, then guard against a zero denominator.")
    if problems:
        fail("; ".join(problems) + ".")


# ------------------------------------------------------------------ complete_analogy on toy maps

def _answer(student, a, b, c, m):
    got = student.complete_analogy(a, b, c, m)
    if got is not None and not isinstance(got, str):
        fail(f"complete_analogy should return a word (a str), but it returned {type(got).__name__}.",
             output="the word returned by complete_analogy", kind="type")
    return got


def _emulate(a, b, c, m, score, skip=None, start=-100.0):
    """The contract's loop with another score (for hints only)."""
    best, best_word = start, None
    e_a, e_b, e_c = m[a], m[b], m[c]
    for w, e_w in m.items():
        if w in (skip if skip is not None else {c}):
            continue
        s = score(e_a, e_b, e_c, e_w)
        if s > best:
            best, best_word = s, w
    return best_word


def _cos(u, v):
    d = np.linalg.norm(u) * np.linalg.norm(v)
    if np.all(u == v):
        return 1.0
    return 0.0 if d <= 1e-32 else float(np.dot(u, v) / d)


# (diagnosis, score of the mistaken scan, hint): emulated on the small maps, for hints only
MISTAKES = [
    ("analogy_reversed_difference", lambda a, b, c, w: _cos(a - b, w - c),
     "the offsets point the wrong way: compare e_b - e_a with e_w - e_c (not e_a - e_b, nor e_c - e_w)."),
    ("analogy_raw_vectors", lambda a, b, c, w: _cos(b - a, w),
     "compare the offset e_b - e_a with the candidate's offset from word_c, e_w - e_c, not with the raw vector e_w."),
    ("analogy_raw_vectors", lambda a, b, c, w: _cos(b, w),
     "compare offsets, cos(e_b - e_a, e_w - e_c), not the raw vectors of the words."),
    ("analogy_words_paired_wrongly", lambda a, b, c, w: _cos(b - c, w - a),
     "pair the words as the analogy does (a is to b as c is to w): compare e_b - e_a with e_w - e_c."),
]


def answers_word_c_when_cosines_are_small(student) -> bool:
    """On the low-positive map (best cosine 0.34, the rest smaller or negative), does the
    learner's scan fall back to word_c? Then word_c comes from a high starting value, not from a
    missing exclusion."""
    toy = TOYS["low positive"]
    a, b, c, _ = toy.queries[0]
    try:
        return student.complete_analogy(a, b, c, toy.word_to_vec_map) == c
    except StudentError:
        return False


def diagnose_analogy(student, fb: Feedback, toy: ref.ToyMap, answers: dict, upper: dict) -> None:
    m = toy.word_to_vec_map
    wrong = {q: got for q, got in answers.items() if got != q[3]}
    last = list(m)[-1]
    if wrong and all(got == last for got in answers.values()):  # one answer for every query: the scan's last word
        fb.diagnose("analogy_best_word_outside_if", "you return the last word of the map whatever the query: set "
                    "best_word (and the best cosine) only inside the if that finds a higher cosine.")
        return
    # A mistake is named only when its emulation alone gives the learner's answers: where the small
    # map cannot tell two mistakes apart, a hint naming one of them could be false.
    fitting = [(mistake, hint) for mistake, score, hint in MISTAKES
               if wrong and all(answers[q] == _emulate(*q[:3], m, score) for q in answers)]
    if len({mistake for mistake, _ in fitting}) == 1:
        for mistake, hint in fitting:
            fb.diagnose(mistake, hint)
    for q, got in wrong.items():
        if got is None:
            fb.diagnose("analogy_max_not_low", "start the running best at -100 (below every possible cosine): with a "
                        "higher start no word can beat it when every cosine is negative or small, and you return None.")
        elif got == q[2]:
            if toy.name == "low positive" or answers_word_c_when_cosines_are_small(student):
                fb.diagnose("analogy_max_not_low", "when no cosine beats your starting value you return word_c: start "
                            "the running best at -100 and best_word at None, so the best word always wins.")
            else:
                fb.diagnose("analogy_returns_word_c", "skip word_c in the loop: e_c - e_c is the zero vector, whose "
                            "cosine (0) beats every negative one, so word_c itself is returned.")
    lower_ok = not wrong
    if lower_ok and any(v is not None and (isinstance(v, Exception) or v != k[3]) for k, v in upper.items()):
        fb.diagnose("analogy_no_lowercase", "lower-case the three input words first (word_a.lower(), ...): the map's "
                    "words are lower-case, so 'Italy' is not in it.")


def compose_analogy(student, a, b, c, m, skip):
    """The contract's scan around the learner's OWN cosine_similarity (called through the protocol)."""
    e_a, e_b, e_c = m[a], m[b], m[c]
    offset = e_b - e_a
    best, best_word = -100.0, None
    for w, e_w in m.items():
        if w in skip:
            continue
        s = student.cosine_similarity(offset, e_w - e_c)
        arr = np.asarray(s) if isinstance(s, (int, float, np.generic, np.ndarray)) and not isinstance(s, bool) else None
        if arr is None or arr.size != 1 or arr.dtype.kind not in "iuf":
            raise TypeError("cosine_similarity does not return a number")
        value = float(arr.reshape(()))
        if value > best:
            best, best_word = value, w
    return best_word


def around_learner_cosine(student, fb: Feedback, queries, answers, m, expected: dict | None = None) -> bool:
    """True (with a note) when every answer is what a correct complete_analogy gives around the
    learner's own cosine_similarity (2021 rule or the older one); a mistake costs points once."""
    if student.failed("cosine_similarity") is False:
        return False
    try:
        for rule in ({"c"}, {"a", "b", "c"}):
            composed = {}
            for q in queries:
                a, b, c = (w.lower() for w in q[:3])
                skip = {a, b, c} if rule == {"a", "b", "c"} else {c}
                composed[q] = compose_analogy(student, a, b, c, m, skip)
            if all(answers[q] == composed[q] for q in queries):
                if any(composed[q] != (expected or {}).get(q, q[3]) for q in queries):
                    fb.note("complete_analogy calls your cosine_similarity, which gives wrong values (see its own "
                            "exercise); complete_analogy itself is right and keeps its points.")
                return True
    except (StudentError, StudentCrash) as exc:
        fail(f"complete_analogy calls your cosine_similarity, which fails on these inputs: "
             f"{describe_exception(exc, 'cosine_similarity')} Fix cosine_similarity first.")
    except (GradeFailure, TypeError, ValueError):
        fb.note("complete_analogy calls your cosine_similarity, which does not return a number; fix it first.")
    return False


TOYS = {t.name: t for t in ref.toy_maps()}


@exercise("complete_analogy", weight=1)
@pytest.mark.parametrize("name", list(TOYS))
def test_complete_analogy_small_maps(student, feedback, name):
    toy = TOYS[name]
    m = toy.word_to_vec_map
    answers = {q: _answer(student, *q[:3], m) for q in toy.queries}
    upper = {}
    for q in toy.queries[:2]:  # the same analogies, capitalised: the words must be lower-cased first
        mixed = (q[0].upper(), q[1].capitalize(), q[2].title(), q[3])
        try:
            upper[mixed] = _answer(student, *mixed[:3], m)
        except StudentError as exc:
            upper[mixed] = exc
    everything = {**answers, **{q: v for q, v in upper.items() if not isinstance(v, Exception)}}
    wrong = [q for q, got in everything.items() if got != q[3]]
    raised = [q for q, v in upper.items() if isinstance(v, Exception)]
    if not wrong and not raised:
        return
    if not raised and around_learner_cosine(student, feedback, list(everything), everything, m):
        return
    with feedback.probing():
        diagnose_analogy(student, feedback, toy, answers, upper)
    if raised:
        exc = upper[raised[0]]
        fail(f"complete_analogy raised {exc.type_name} ({exc.message[:120]}) when the input words are not all "
             "lower-case.", output="complete_analogy with capitalised words", kind="error")
    fail("complete_analogy gives a wrong word on a small 2-D map with a known geometry.",
         output="complete_analogy on the small maps", kind="words")


# ------------------------------------------------------------------ complete_analogy on the real vectors

# Four analogies with a clear winner (margin > 0.01) on which both exclusion rules agree, on the
# FREQUENT most frequent words as on the whole map; checked by tests/test_w2a1_graders.py.
REAL = tuple(ref.REAL_ANALOGIES)
FREQUENT = 9_000  # one protocol message carries at most 10,000 arrays
SUBSET = 600      # words of the sub-map used when the learner's cosine_similarity is wrong


@functools.cache
def sub_map(size: int) -> dict[str, np.ndarray]:
    """The ``size`` most frequent words (the release's order) and the words of REAL, with their
    real vectors."""
    words, matrix, row = glove()
    chosen = list(dict.fromkeys(list(words[:size]) + [w for q in REAL for w in q]))
    return {w: np.array(matrix[row[w]]) for w in chosen}


@functools.cache
def sub_map_expected(size: int) -> dict:
    """The 2021 answers on the sub-map (the reference scan, TF float64)."""
    m = sub_map(size)
    return {q: ref.complete_analogy(*q[:3], m) for q in REAL}


def judged_on_sub_map(student, feedback: Feedback) -> bool:
    """complete_analogy around the learner's own (wrong) cosine_similarity, on a sub-map of the
    real vectors: every score of the composed scan is a protocol call."""
    m, queries = sub_map(SUBSET), list(REAL[:2])  # two analogies: each composed scan is 600 calls per rule
    held = student.hold(m)
    answers = {q: _answer(student, *q[:3], held) for q in queries}
    return around_learner_cosine(student, feedback, queries, answers, m, sub_map_expected(SUBSET))


@exercise("complete_analogy", weight=2)
def test_complete_analogy_real_vectors(student, feedback):
    if student.failed("complete_analogy"):
        fail("complete_analogy was not tried on the real GloVe vectors: it must first give the right words on the "
             "small maps.")
    cosine_failed = student.failed("cosine_similarity")
    if cosine_failed:
        if judged_on_sub_map(student, feedback):
            return
        fail("on real GloVe vectors, complete_analogy does not give what a correct scan gives around your "
             "cosine_similarity.")
    held = student.hold(sub_map(FREQUENT))
    expected = sub_map_expected(FREQUENT)
    wrong = sum(_answer(student, *q[:3], held) != expected[q] for q in REAL)
    if wrong and cosine_failed is None and judged_on_sub_map(student, feedback):
        return  # cosine_similarity was not graded in this run, and it explains the difference
    if wrong:
        fail(f"on the real GloVe vectors, complete_analogy gives another word than the contract's scan for {wrong} "
             f"of {len(REAL)} analogies.", output="complete_analogy on the real vectors", kind="words")
