"""Hidden graders of the averaging model (V1): sentence_to_avg and model.

References: .reference (TensorFlow float64). sentence_to_avg runs on toy maps of other
dimensions (2, 3, 7) with unknown and upper-case words and sentences with no known word, and
on real sentences through the learner's own 400,000-word map. model is trained on small
separable sets whose initial draw comes from a seed the grader sets in the learner process
(np.random.seed, as the notebook's caller does); its W, b and pred must match a TF run of
either update form CURRICULUM.md accepts (per-example SGD, or the 2021 template's running
sums). model calls the learner's sentence_to_avg: when that one is wrong, model is judged
around it (the reference training on the learner's own averages).
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde.checks import Feedback, GradeFailure, as_float_array, check_len, fail
from autograde.grading import describe_exception
from autograde.runner import StudentCrash, StudentError

from . import reference as ref
from .common import (ATOL, RTOL, TRAIN_ATOL, TRAIN_RTOL, calling, glove, held_out_sentences, learner_containers, same,
                     toy_map, toy_words, vector)

exercise = pytest.mark.exercise

# ------------------------------------------------------------------ sentence_to_avg

# (words in the map, dim, seed): dimensions other than 50; a map without the word "i"
AVG_MAPS = [(9, 2, 41), (12, 3, 42), (10, 7, 43)]
UNKNOWN = ("zzqv", "xwk")  # never in a toy map (toy words are 3-6 letters drawn at random; checked below)


def avg_sentences(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """(kind, sentence): known words only; with unknown words; capitalised; repeated words;
    no known word at all."""
    w = words
    return [("known", f"{w[0]} {w[1]} {w[2]}"),
            ("unknown", f"{w[3]} {UNKNOWN[0]} {w[4]} {UNKNOWN[1]}"),
            ("upper", f"{w[5].upper()} {w[1].capitalize()} {w[6]}"),
            ("repeated", f"{w[2]} {w[2]} {w[7]}"),
            ("none", f"{UNKNOWN[0]} {UNKNOWN[1]}"),
            ("single", f"{w[8]}")]


def diagnose_avg_error(fb: Feedback, exc: StudentError, kind: str) -> None:
    if exc.type_name == "KeyError":
        if kind in ("unknown", "none"):
            fb.diagnose("avg_keyerror_unknown", "skip the words that are not in word_to_vec_map (if w in "
                        "word_to_vec_map): a sentence may contain words the map does not know.")
        else:
            fb.diagnose("avg_hardcoded_dimension", "every word of this sentence is in the map, yet a KeyError was "
                        "raised: take the zero vector's shape from any entry of the map (e.g. "
                        "next(iter(word_to_vec_map))), not from a word such as 'i' that a map need not contain.")
    elif exc.type_name in ("ValueError", "IndexError"):
        fb.diagnose("avg_hardcoded_dimension", "with vectors of another length than 50 your sentence_to_avg fails: "
                    "take the shape of the zero vector from a vector of the map.")
    elif exc.type_name == "ZeroDivisionError":
        fb.diagnose("avg_divides_by_zero", "when no word of the sentence is in the map, return the zero vector "
                    "instead of dividing by 0.")


def diagnose_avg(fb: Feedback, kind: str, sentence: str, m: dict, got) -> None:
    with fb.probing():
        got = np.asarray(got, dtype=np.float64)
        words = sentence.lower().split()
        found = [m[w] for w in words if w in m]
        if kind == "none" and not np.all(np.isfinite(got)):
            fb.diagnose("avg_divides_by_zero", "when no word of the sentence is in the map, return the zero vector "
                        "(0 / 0 gives NaN).")
        elif kind == "unknown" and same(got, np.sum(found, axis=0) / len(words)):
            fb.diagnose("avg_divides_by_len_words", "divide by the number of words FOUND in the map, not by the "
                        "number of words of the sentence (unknown words are skipped, so they do not count).")
        elif 50 in got.shape and got.shape != (next(iter(m.values())).shape[0],):
            fb.diagnose("avg_hardcoded_dimension", "take the shape of the average from a vector of the map, not a "
                        "hard-coded 50.")


@functools.cache
def avg_case(case):
    n, dim, seed = case
    m, _ = toy_map(n, dim, seed)
    assert not set(UNKNOWN) & set(m)
    return m, [(kind, s, ref.sentence_to_avg(s, m)) for kind, s in avg_sentences(toy_words(n, seed))]


@exercise("sentence_to_avg", weight=2)
@pytest.mark.parametrize("case", AVG_MAPS, ids=[f"dim{c[1]}" for c in AVG_MAPS])
def test_sentence_to_avg_toy_maps(student, feedback, case):
    m, sentences = avg_case(case)
    dim = case[1]
    for kind, sentence, expected in sentences:
        got = calling(feedback, "sentence_to_avg", lambda: student.sentence_to_avg(sentence, m),
                      lambda exc: diagnose_avg_error(feedback, exc, kind))
        if not same(got, expected):
            diagnose_avg(feedback, kind, sentence, m, got)
        got = vector("the average returned by sentence_to_avg", got, dim)
        feedback.check_array("the average returned by sentence_to_avg", got, expected, atol=ATOL, rtol=RTOL)


@exercise("sentence_to_avg", weight=1)
def test_sentence_to_avg_keeps_the_map(student, feedback):
    """Adding vectors in place (avg += ... on a vector of the map) would change the map."""
    m, sentences = avg_case(AVG_MAPS[0])
    held = student.hold(m)
    for _, sentence, expected in sentences[:4]:
        got = student.sentence_to_avg(sentence, held)
        feedback.check_array("the average returned by sentence_to_avg", vector(
            "the average returned by sentence_to_avg", got, AVG_MAPS[0][1]), expected, atol=ATOL, rtol=RTOL)
    after = held.call("copy")
    if not (isinstance(after, dict) and set(after) == set(m) and all(same(after[w], v) for w, v in m.items())):
        fail("sentence_to_avg changed the vectors of word_to_vec_map: build the sum in a new array "
             "(avg = avg + e), never in a vector of the map.")


REAL_SENTENCES = [2, 7, 23, 30, 44]   # rows of the test split (one with "not")


@functools.cache
def real_avg_cases() -> list[tuple[str, np.ndarray]]:
    X, _ = held_out_sentences()
    _, m = glove()
    out = [str(X[i]) for i in REAL_SENTENCES]
    out.append("I LOVE this zzqvx game")  # upper case and a word GloVe does not know
    return [(s, ref.sentence_to_avg(s, m)) for s in out]


@exercise("sentence_to_avg", weight=1)
def test_sentence_to_avg_real_vectors(student, feedback):
    word_to_vec_map, _ = learner_containers(student)
    for sentence, expected in real_avg_cases():
        got = calling(feedback, "sentence_to_avg", lambda: student.sentence_to_avg(sentence, word_to_vec_map),
                      lambda exc: diagnose_avg_error(feedback, exc, "unknown"))
        got = vector("the average returned by sentence_to_avg", got, 50)
        feedback.check_array("the average of a real sentence", got, expected, atol=ATOL, rtol=RTOL)


# ------------------------------------------------------------------ model (V1)

# (dim, classes, sentences per class, learning_rate or None, num_iterations or None, seed)
# None: the contract's default (0.01, 400). Sizes: n_y and n_h differ from 5 and 50 and from
# each other, except the square case (n_y == n_h, where np.dot(dz, avg) runs silently) and one
# case of the notebook's own sizes (5 classes, 50 numbers).
MODEL_CASES = [(4, 3, 4, None, None, 7), (6, 2, 5, 0.1, 3, 11), (3, 3, 3, 0.05, 101, 13), (50, 5, 2, 0.02, 2, 17)]


def model_ids(cases):
    return [f"classes{c[1]}-dim{c[0]}-it{c[4] or 400}" for c in cases]


@functools.cache
def model_problem(case):
    """A separable set: each class a cluster of words, each sentence 2-3 words of its class,
    one sentence in three with an unknown word, some capitalised; rows shuffled."""
    dim, classes, per_class, _, _, seed = case
    rng = np.random.default_rng(seed)
    words = toy_words(4 * classes, seed + 500)
    m = {}
    for c in range(classes):
        center = rng.normal(0.0, 1.0, dim)
        center *= 2.5 / np.linalg.norm(center)
        for k in range(4):
            m[words[4 * c + k]] = center + rng.normal(0.0, 0.25, dim)
    X, Y = [], []
    for c in range(classes):
        for k in range(per_class):
            own = [words[4 * c + (k + j) % 4] for j in range(2 + k % 2)]
            if k % 3 == 1:
                own.insert(1, "qqzx")
            if k % 2 == 1:
                own[0] = own[0].capitalize()
            X.append(" ".join(own))
            Y.append(c)
    order = rng.permutation(len(Y))
    return m, np.asarray(X)[order], np.asarray(Y)[order]


def model_args(case):
    m, X, Y = model_problem(case)
    _, _, _, lr, iters, _ = case
    kwargs = {}
    if lr is not None:
        kwargs["learning_rate"] = lr
    if iters is not None:
        kwargs["num_iterations"] = iters
    return X, Y, m, kwargs, (0.01 if lr is None else lr), (400 if iters is None else iters)


@functools.cache
def model_expected(case, update: str):
    X, Y, m, _, lr, iters = model_args(case)
    return ref.train_v1(X, Y, m, lr, iters, seed=grader_seed(case), update=update)


def grader_seed(case) -> int:
    return 1000 + case[-1]  # never 0 or 1: a model that reseeds itself with those shows


def seed_learner(student, seed: int) -> None:
    """np.random.seed(seed) in the learner process, through the notebook's own numpy."""
    np_handle = student.value("np", handle=True)
    try:
        np_handle.attr("random").call("seed", seed)
    except StudentError:
        fail("the notebook's np should still be numpy (import numpy as np); it was replaced.")


def run_model(student, case, seed: int | None = None):
    X, Y, m, kwargs, _, _ = model_args(case)
    seed_learner(student, grader_seed(case) if seed is None else seed)
    out = student.model(X, Y, m, **kwargs)
    check_len("the value returned by model", out, 3, "pred, W, b")
    return out


def matches(out, expected) -> bool:
    """W, b and pred of one training run (pred exactly: labels)."""
    pred, W, b = expected
    if not (same(out[1], W, TRAIN_ATOL, TRAIN_RTOL) and same(out[2], b, TRAIN_ATOL, TRAIN_RTOL)):
        return False
    if pred is None:
        return True
    got = as_float_array(out[0])
    return got is not None and got.size == pred.size and np.array_equal(got.reshape(pred.shape), pred)


def _emulate_v1(case, *, int_labels=False, dot_scalar=False, seed=None):
    """A mistaken V1 training (numpy, for hints only): W, b after training."""
    X, Y, m, _, lr, iters = model_args(case)
    n_y, n_h = len(np.unique(Y)), next(iter(m.values())).shape[0]
    W = ref.initial_weights(n_y, n_h, grader_seed(case) if seed is None else seed)
    b = np.zeros(n_y)
    Y_oh = np.eye(n_y)[Y]
    avgs = [ref.sentence_to_avg(s, m) for s in X]
    for _ in range(iters):
        for i in range(len(Y)):
            z = W @ avgs[i] + b
            a = np.exp(z - z.max())
            a /= a.sum()
            dz = a - (Y[i] if int_labels else Y_oh[i])
            dW = np.dot(dz, avgs[i]) if dot_scalar else np.outer(dz, avgs[i])
            W = W - lr * dW
            b = b - lr * dz
    return W, b


def diagnose_model(student, fb: Feedback, case, out) -> None:
    with fb.probing():
        dim, classes = case[0], case[1]
        W, b = np.asarray(out[1]), np.asarray(out[2])
        if W.shape != (classes, dim) and (W.shape[0] == 5 or 50 in W.shape):
            fb.diagnose("model_hardcoded_sizes", f"read n_y from the labels (len(np.unique(Y)), {classes} here) and "
                        f"n_h from a word vector ({dim} here) instead of hard-coding 5 and 50.")
            return
        if W.shape != (classes, dim):
            return
        X, Y, m, _, lr, iters = model_args(case)
        sign = ref.train_v1(X, Y, m, -lr, iters, seed=grader_seed(case))
        if same(W, sign[1], 1e-6, 1e-5) and same(b, sign[2], 1e-6, 1e-5):
            fb.diagnose("model_sign_error", "the weights move up the gradient: dz = a - Y_oh[i] and "
                        "W = W - learning_rate * dW (likewise for b).")
            return
        for options, mistake, hint in (
                (dict(int_labels=True), "model_integer_labels_in_loss",
                 "use the one-hot row Y_oh[i] in the loss and in dz = a - Y_oh[i], not the integer label Y[i]."),
                (dict(dot_scalar=True), "model_dot_scalar",
                 "dW is the outer product np.outer(dz, avg), of shape (n_y, n_h); np.dot of two 1-D vectors is a "
                 "number.")):
            eW, eb = _emulate_v1(case, **options)
            if same(W, eW, 1e-6, 1e-5) and same(b, eb, 1e-6, 1e-5):
                fb.diagnose(mistake, hint)
                return
        try:
            again = run_model(student, case, seed=grader_seed(case) + 7919)
        except (StudentError, GradeFailure):
            return
        if same(again[1], W, 0.0, 0.0):
            fb.diagnose("model_reseeds", "model gives the same W whatever seed its caller set: do not call "
                        "np.random.seed inside model (the caller seeds).")


def diagnose_model_error(student, fb: Feedback, case, exc: StudentError) -> None:
    """An error on these sizes, but the right result with the notebook's own sizes (5 and 50)?"""
    with fb.probing():
        if case == MODEL_CASES[-1] or exc.type_name not in ("ValueError", "IndexError"):
            return
        if "not aligned" in exc.message and case[0] != case[1]:
            fb.diagnose("model_dot_scalar", "dW is the outer product np.outer(dz, avg), of shape (n_y, n_h): "
                        "np.dot(dz, avg) needs equal lengths and gives a number.")
        own = MODEL_CASES[-1]
        try:
            out = run_model(student, own)
        except (StudentError, GradeFailure):
            return
        if any(matches(out, model_expected(own, u)) for u in ref.UPDATES):
            fb.diagnose("model_hardcoded_sizes", "model works with 5 classes and 50-dimensional vectors only: read "
                        "n_y from the labels and n_h from a word vector instead of hard-coding 5 and 50.")


def around_learner_avg(student, fb: Feedback, case, out) -> bool:
    """True (with a note) when model computes what a correct model computes around the learner's
    own sentence_to_avg: the reference training on the learner's averages (pred comes from the
    helper predict, which averages by itself)."""
    if student.failed("sentence_to_avg") is False:
        return False
    X, Y, m, _, lr, iters = model_args(case)
    dim = case[0]
    try:
        avgs = [student.sentence_to_avg(s, m) for s in X]
    except (StudentError, StudentCrash) as exc:
        fail(f"model calls your sentence_to_avg, which fails on these sentences: "
             f"{describe_exception(exc, 'sentence_to_avg')} Fix sentence_to_avg first.")
    if not all(isinstance(a, np.ndarray) and a.shape == (dim,) and a.dtype.kind == "f" for a in avgs):
        fb.note("model calls your sentence_to_avg, which does not return a vector of the map's dimension; fix it "
                "first.")
        return False
    correct = np.stack([ref.sentence_to_avg(s, m) for s in X])
    for update in ref.UPDATES:
        composed = ref.train_v1_on(np.stack(avgs).astype(np.float64), Y, lr, iters, grader_seed(case), update,
                                   predict_avgs=correct)
        if matches(out, composed):
            if not matches(out, model_expected(case, update)):
                fb.note("model calls your sentence_to_avg, which gives wrong averages (see its own exercise); model "
                        "itself is right and keeps its points.")
            return True
    return False


@exercise("model", weight=2)
@pytest.mark.parametrize("case", MODEL_CASES, ids=model_ids(MODEL_CASES))
def test_model_training(student, feedback, case):
    try:
        out = run_model(student, case)
    except StudentError as exc:
        diagnose_model_error(student, feedback, case, exc)
        raise
    if any(matches(out, model_expected(case, u)) for u in ref.UPDATES):
        return
    if around_learner_avg(student, feedback, case, out):
        return
    diagnose_model(student, feedback, case, out)
    pred, W, b = model_expected(case, "sgd")
    classes, dim = case[1], case[0]
    feedback.check_array("W", out[1], W, atol=TRAIN_ATOL, rtol=TRAIN_RTOL)
    feedback.check_array("b", out[2], b, atol=TRAIN_ATOL, rtol=TRAIN_RTOL)
    got_pred = out[0]
    if isinstance(got_pred, np.ndarray) and got_pred.size == pred.size:
        got_pred = got_pred.reshape(pred.shape).astype(np.float64)
    feedback.check_array("pred", got_pred, pred, atol=0.5, rtol=0)
    if not feedback.failures:
        fail(f"W, b and pred do not all come from the same training run ({classes} classes, {dim}-dimensional "
             "vectors): W = W - learning_rate * dW after every example, pred = predict(...) every 100 passes.")


@exercise("model", weight=1)
def test_model_two_classes_symmetry(student, feedback):
    """With two classes dz sums to 0 at every step, so b[0] = -b[1] throughout."""
    case = MODEL_CASES[1]
    out = run_model(student, case)
    b = as_float_array(out[2])
    if b is None or b.shape != (2,):
        fail(f"with two classes b should have shape (2,), not {np.shape(out[2])}.")
    if not np.isclose(b[0], -b[1], atol=1e-12, rtol=0):
        fail("with two classes b[0] should stay equal to -b[1] (the entries of dz = a - Y_oh[i] sum to 0).")
