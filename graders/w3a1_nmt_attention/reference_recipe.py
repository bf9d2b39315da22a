"""Training recipe of the w3a1 reference model (kept with the graders; never released).

    PYTHONPATH=graders python -m w3a1_nmt_attention.reference_recipe train [--epochs N] [--device NAME]
    PYTHONPATH=graders python -m w3a1_nmt_attention.reference_recipe evaluate

Backend-neutral: it runs under TensorFlow here and under JAX on a GPU machine
(``KERAS_BACKEND=jax``). Everything that decides the result is seeded and written into
the manifest next to the weights: data sizes and seeds, the sha256 of the training pairs,
the optimizer and its schedule, the epochs actually run, versions, backend and device.

The quality target is exact-match accuracy (all ten characters of the ISO date right) of at
least 99.5 % on 5,000 held-out generated dates whose human text never occurs in training.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the autograde package, when run from a checkout

from . import reference as ref  # noqa: E402

ASSIGNMENT = "w3a1_nmt_attention"
TRAIN_SEED, VALID_SEED, HELD_OUT_SEED = 20260101, 20260202, 20260303
HELD_OUT_SIZE = 5000
TARGET = 0.995
PROBE_FILE, PROBE_SIZE = "probe_predictions.npy", 256
# Predictions re-computed where the reference is used (TensorFlow, CPU) against those saved
# where it was trained (any backend and device): float32 kernels differ in summation order,
# so they agree to ~1e-6 on these probabilities, not bit for bit.
PROBE_TOLERANCE = 1e-5


def pairs_sha256(pairs) -> str:
    return hashlib.sha256("".join(f"{h}\t{t}\n" for h, t in pairs).encode()).hexdigest()


def held_out(train_pairs):
    dp = ref.date_pairs()
    return dp.held_out_pairs(HELD_OUT_SIZE, HELD_OUT_SEED, {h for h, _ in train_pairs})


def train(out: Path, m: int, epochs: int, batch_size: int, learning_rate: float, decay: float, seed: int,
          device: str, patience_target: float, notes: list[str]) -> None:
    import keras
    import numpy as np

    from autograde.references import Manifest, framework_versions, hash_files

    dp = ref.date_pairs()
    keras.utils.set_random_seed(seed)
    train_pairs = dp.generate_pairs(m, TRAIN_SEED)
    valid_pairs = dp.held_out_pairs(1000, VALID_SEED, {h for h, _ in train_pairs})
    _, _, Xoh, Yoh = dp.preprocess_data(train_pairs, dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    model = ref.build_model()
    steps_per_epoch = -(-m // batch_size)
    schedule = keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=steps_per_epoch,
                                                          decay_rate=decay)
    model.compile(optimizer=keras.optimizers.Adam(schedule, beta_1=0.9, beta_2=0.999),
                  loss="categorical_crossentropy")
    zeros = np.zeros((m, ref.N_S), dtype=np.float32)
    history, started, run = [], time.time(), 0
    for epoch in range(epochs):
        fit = model.fit([Xoh, zeros, zeros], list(Yoh.swapaxes(0, 1)), epochs=1, batch_size=batch_size,
                        shuffle=True, verbose=0)
        acc = ref.exact_match(model, valid_pairs)
        run = epoch + 1
        history.append({"epoch": run, "loss": round(float(fit.history["loss"][-1]), 5), "valid_exact_match": acc})
        print(f"epoch {run}: loss {history[-1]['loss']:.4f}  validation exact match {acc:.4f}  "
              f"({time.time() - started:.0f} s)", flush=True)
        if acc >= patience_target and len(history) > 1 and history[-2]["valid_exact_match"] >= patience_target:
            break
    wall = time.time() - started
    out.mkdir(parents=True, exist_ok=True)
    clean = ref.build_model()  # weights only: no optimizer state in the shipped file
    clean.set_weights(model.get_weights())
    clean.save_weights(str(out / ref.WEIGHTS_FILE))
    test_pairs = held_out(train_pairs)
    accuracy = ref.exact_match(model, test_pairs)
    print(f"held-out exact match on {len(test_pairs)} dates: {accuracy:.4f}")
    _, _, probe_X, _ = dp.preprocess_data(test_pairs[:PROBE_SIZE], dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    np.save(out / PROBE_FILE, ref.predict(clean, probe_X).astype(np.float32), allow_pickle=False)
    Manifest(
        assignment=ASSIGNMENT,
        files=hash_files(out, [ref.WEIGHTS_FILE, PROBE_FILE]),
        framework=framework_versions(),
        device=device,
        seed=seed,
        data={"generator": "datasets/nmt_dates/date_pairs.py", "train_size": m, "train_seed": TRAIN_SEED,
              "train_sha256": pairs_sha256(train_pairs), "validation_size": len(valid_pairs),
              "validation_seed": VALID_SEED, "held_out_size": len(test_pairs), "held_out_seed": HELD_OUT_SEED,
              "held_out_sha256": pairs_sha256(test_pairs),
              "held_out_rule": "generated pairs whose human text does not occur in the training pairs"},
        training={"max_epochs": epochs, "epochs_run": run, "batch_size": batch_size,
                  "optimizer": "Adam(beta_1=0.9, beta_2=0.999)",
                  "learning_rate": f"InverseTimeDecay({learning_rate}, decay_steps={steps_per_epoch}, "
                                   f"decay_rate={decay})",
                  "loss": "categorical_crossentropy on each of the Ty outputs",
                  "stop_rule": f"validation exact match >= {patience_target} on two consecutive epochs, "
                               f"or max_epochs",
                  "wall_seconds": round(wall, 1), "history": history},
        metrics={"exact_match": accuracy, "exact_match_set": f"held-out, {len(test_pairs)} dates",
                 "probe": f"{PROBE_FILE}: probabilities of the first {PROBE_SIZE} held-out dates at training time"},
        target={"exact_match": TARGET},
        limits={"probe_max_abs_diff": PROBE_TOLERANCE},
        evaluator=f"graders/{ASSIGNMENT}/reference_recipe.py",
        notes=notes,
    ).write(out)


def evaluate(reference_dir: Path, sample: int | None = None) -> dict[str, float]:
    """Recompute the manifest's metric (used by ``autograde references verify``)."""
    import json

    manifest = json.loads((reference_dir / "manifest.json").read_text())
    dp = ref.date_pairs()
    train_pairs = dp.generate_pairs(manifest["data"]["train_size"], manifest["data"]["train_seed"])
    if pairs_sha256(train_pairs) != manifest["data"]["train_sha256"]:
        raise ValueError("the date generator no longer reproduces the recorded training data")
    test_pairs = held_out(train_pairs)
    if pairs_sha256(test_pairs) != manifest["data"]["held_out_sha256"]:
        raise ValueError("the date generator no longer reproduces the recorded held-out data")
    import numpy as np

    model = ref.load_reference(reference_dir)
    _, _, probe_X, _ = dp.preprocess_data(test_pairs[:PROBE_SIZE], dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    saved = np.load(reference_dir / PROBE_FILE, allow_pickle=False)
    return {"exact_match": ref.exact_match(model, test_pairs[:sample]),
            "probe_max_abs_diff": float(np.max(np.abs(ref.predict(model, probe_X) - saved)))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train the reference model and write its weights and manifest")
    t.add_argument("--out", type=Path, default=ref.REFERENCE_DIR)
    t.add_argument("--m", type=int, default=40000, help="training pairs (default 40000)")
    t.add_argument("--epochs", type=int, default=40, help="most epochs to run (default 40)")
    t.add_argument("--batch-size", type=int, default=128)
    t.add_argument("--learning-rate", type=float, default=0.005)
    t.add_argument("--decay", type=float, default=0.1, help="InverseTimeDecay rate per epoch")
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--device", default="cpu", help="what trained it: 'cpu' or the GPU model")
    t.add_argument("--stop-at", type=float, default=0.999, help="validation exact match that ends training")
    t.add_argument("--note", action="append", default=[], help="a line for the manifest's notes (repeatable)")
    e = sub.add_parser("evaluate", help="recompute the held-out exact match of a trained reference")
    e.add_argument("--dir", type=Path, default=ref.REFERENCE_DIR)
    e.add_argument("--sample", type=int, default=None)
    args = parser.parse_args(argv)
    if args.command == "train":
        train(args.out, args.m, args.epochs, args.batch_size, args.learning_rate, args.decay, args.seed,
              args.device, args.stop_at, args.note)
    else:
        print(evaluate(args.dir, args.sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
