"""Run every catalog variant of w2a2 against the TF references (a development check, not a grader).

    PYTHONPATH=graders python -m w2a2_emojify.catalog_check

WRONG must differ from the reference (or raise) on at least one case; CORRECT must agree on
all (float32 tolerance; model against either accepted update form; Emojify_V2 by its layer
records and by its outputs once reference-style weights are loaded into it). It also prints
what the public check says about each variant.
"""
import contextlib
import io
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "graders"), str(ROOT / "source" / "w2a2_emojify")]
warnings.simplefilter("ignore")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402

from autograde.catalog import load_catalog  # noqa: E402
from w2a2_emojify import reference as ref  # noqa: E402  (graders/ is on sys.path)

NB = nbformat.read(str(ROOT / "source/w2a2_emojify/emojify.ipynb"), as_version=4)
CELLS = {c.metadata["nbgrader"]["grade_id"]: c.source for c in NB.cells}
EXERCISES = ["sentence_to_avg", "model", "sentences_to_indices", "pretrained_embedding_layer", "Emojify_V2"]


def namespace(replace=None):
    ns = {}
    exec(CELLS["imports"], ns)
    exec(CELLS["keras_imports"], ns)
    for ex in EXERCISES:
        exec((replace or {}).get(ex, CELLS[f"{ex}_code"]), ns)
    return ns


def close(a, b, rtol=1e-5, atol=1e-6):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


def toy_map(dim, seed, words):
    rng = np.random.default_rng(seed)
    return {w: rng.normal(0.0, 1.0, dim) for w in words}


# not in sorted order: the map's insertion order must not be mistaken for the index order
WORDS = ["we", "soup", "cake", "team", "dance", "gloomy", "kiss", "lunch", "not", "pitch", "rain", "smile"]


def run_avg(fn):
    for dim, seed in ((3, 1), (7, 2)):
        m = toy_map(dim, seed, WORDS)
        for sentence in ("we kiss", "Soup AND cake zzz", "qqq zzz", "not gloomy at all", "pitch"):
            with np.errstate(all="ignore"):
                got = fn(sentence, m)
            if not close(got, ref.sentence_to_avg(sentence, m)):
                return f"{sentence!r} dim {dim}"
    return None


def separable(dim, classes, seed):
    rng = np.random.default_rng(seed)
    words, X, Y = {}, [], []
    for c in range(classes):
        center = rng.normal(0, 0.2, dim)
        center[c % dim] += 2.5
        for k in range(3):
            words[f"u{c}v{k}"] = center + rng.normal(0, 0.3, dim)
    for c in range(classes):
        for k in range(3):
            X.append(f"u{c}v{k} u{c}v{(k + 1) % 3} zzz")
            Y.append(c)
    order = rng.permutation(len(Y))
    return words, np.asarray(X)[order], np.asarray(Y)[order]


def run_model(fn):
    for dim, classes, seed, iterations, lr in ((4, 3, 11, 101, 0.05), (3, 2, 12, 3, 0.01), (7, 3, 13, 150, 0.02)):
        m, X, Y = separable(dim, classes, seed)
        np.random.seed(seed)
        with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
            out = fn(X, Y, m, learning_rate=lr, num_iterations=iterations)
        if not (isinstance(out, tuple) and len(out) == 3):
            return "not a triple"
        pred, W, b = out
        ok = False
        for update in ref.UPDATES:
            r_pred, r_W, r_b = ref.train_v1(X, Y, m, lr, iterations, seed=seed, update=update)
            if close(W, r_W) and close(b, r_b) and close(np.asarray(pred).reshape(-1), r_pred.reshape(-1)):
                ok = True
        if not ok:
            return f"W/b/pred differ (dim {dim}, {classes} classes, {iterations} iterations)"
    return None


INDEX = {w: i for i, w in enumerate(sorted(WORDS), start=1)}


def run_indices(fn):
    X = np.array(["We KISS zzz", "not gloomy at all", "rain zzz soup", "zzz", "zzz team pitch cake dance lunch"])
    for max_len in (5, 7):
        got = fn(X, INDEX, max_len)
        if not close(got, ref.sentences_to_indices(X, INDEX, max_len), atol=0):
            return f"values (max_len {max_len})"
    return None


def run_embedding(fn):
    import keras

    for dim, seed in ((2, 3), (5, 4)):
        m = toy_map(dim, seed, WORDS)
        layer = fn(m, INDEX)
        if not isinstance(layer, keras.layers.Embedding):
            return "not an Embedding"
        if layer.trainable or layer.trainable_weights:
            return "trainable"
        if layer.input_dim != len(INDEX) + 1:
            return f"input_dim {layer.input_dim}"
        if not close(layer.get_weights()[0], ref.embedding_matrix(m, INDEX)):
            return "rows differ"
    return None


def reference_style_weights(seed, dim):
    """Trainable weights with the reference's shapes, scaled so that the outputs move visibly."""
    rng = np.random.default_rng(seed)
    shapes = {"lstm_1/kernel": (dim, 512), "lstm_1/recurrent_kernel": (128, 512), "lstm_1/bias": (512,),
              "lstm_2/kernel": (128, 512), "lstm_2/recurrent_kernel": (128, 512), "lstm_2/bias": (512,),
              "dense/kernel": (128, 5), "dense/bias": (5,)}
    return {k: rng.normal(0, 0.3, s).astype(np.float32) for k, s in shapes.items()}


def run_v2(fn):
    for dim, max_len, seed in ((2, 4, 5), (3, 6, 6)):
        m = toy_map(dim, seed, WORDS)
        model = fn((max_len,), m, INDEX)
        expected = ref.build_model((max_len,), ref.embedding_matrix(m, INDEX))
        got_records = ref.layer_records(model)
        want_records = ref.layer_records(expected)
        if got_records != want_records:
            return f"layer records differ (maxLen {max_len}, dim {dim})"
        weights = reference_style_weights(seed, dim)
        try:
            ref.set_trainable_weights(model, weights)
        except Exception as exc:  # noqa: BLE001
            return f"cannot load reference weights: {exc}"
        ref.set_trainable_weights(expected, weights)
        X = np.array([[1, 2, 3, 0, 0, 0][:max_len], [5, 5, 9, 11, 0, 0][:max_len], [12, 0, 0, 0, 0, 0][:max_len]])
        if not close(ref.predict(model, X), ref.predict(expected, X), atol=1e-5):
            return "outputs differ with the same weights"
    return None


RUNNERS = {"sentence_to_avg": run_avg, "model": run_model, "sentences_to_indices": run_indices,
           "pretrained_embedding_layer": run_embedding, "Emojify_V2": run_v2}


def verdict(ns, exercise):
    try:
        return RUNNERS[exercise](ns[exercise])
    except Exception as exc:  # noqa: BLE001
        return f"raised {type(exc).__name__}: {str(exc)[:120]}"


def public(ns, exercise):
    import public_tests
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            getattr(public_tests, f"{exercise}_test").__wrapped__(ns[exercise])
        return "passes public"
    except Exception as exc:  # noqa: BLE001
        return f"public: {type(exc).__name__}: {str(exc)[:110]}"


def main():
    only = sys.argv[1:]
    sol = namespace()
    for ex in EXERCISES:
        print("solution", ex, verdict(sol, ex) or "agrees", "|", public(sol, ex), flush=True)
    wrong, correct = load_catalog(ROOT, "w2a2_emojify")
    bad = 0
    for v in wrong:
        if only and v.exercise not in only:
            continue
        ns = namespace({v.exercise: v.code})
        out = verdict(ns, v.exercise)
        bad += not out
        print(f"WRONG {'ok ' if out else 'BAD'} {v.name:38s} {out} | {public(ns, v.exercise)}", flush=True)
    for v in correct:
        if only and v.exercise not in only:
            continue
        ns = namespace({v.exercise: v.code})
        out = verdict(ns, v.exercise)
        bad += bool(out)
        print(f"CORRECT {'BAD' if out else 'ok '} {v.name:38s} {out or 'agrees'} | {public(ns, v.exercise)}", flush=True)
    print(f"{len(wrong)} wrong, {len(correct)} correct, {bad} problems")


if __name__ == "__main__":
    main()
