"""References of w3a2 (trigger word detection), written for the graders.

- ``build_model``: the contract's Conv1D + GRU model in backend-neutral Keras 3 (523,329
  parameters, 904 non-trainable), so the same code trains under JAX and runs under TensorFlow.
- numpy references of the graded audio functions. The learner's functions work on pydub
  AudioSegments, which cannot leave the learner's process; the grader gets their samples
  back as int16 arrays and compares them with these functions, which emulate pydub exactly
  (checked against pydub in tests): ``apply_gain`` (audioop.mul: multiply, floor, clip),
  ``overlay`` (audioop.add: saturating add at sample ``int(ms * 44.1)``), ``dbfs`` (integer
  RMS, as audioop.rms). Every random draw goes through ``np.random`` in the contract's order:
  one ``randint`` per segment drawn, up to 7 per inserted clip; then ``randint(0, 5)``,
  ``randint(len(activates), size=n)``, ``randint(0, 3)``, ``randint(len(negatives), size=n)``.
- ``detections`` / ``detection_scores``: the firing rule (more than 20 steps above 0.5) and the
  precision / recall / F1 of firings within 0.5 s after an "activate" ends.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "graders" / "references" / "w3a2_trigger_word"
DATA_DIR = ROOT / "datasets" / "trigger_word"
WEIGHTS_FILE = "trigger_word.weights.h5"
TX, N_FREQ, TY = 5511, 101, 1375
RATE = 44_100
CLIP_MS = 10_000
PARAMETERS, NON_TRAINABLE = 523_329, 904
SENTINEL = (10000, 10000)


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------

def build_model(input_shape=(TX, N_FREQ), dropout: float = 0.8):
    """The contract's stack. ``dropout`` only matters in training (inference ignores it)."""
    import keras
    from keras import layers

    X_input = keras.Input(shape=input_shape)
    X = layers.Conv1D(196, kernel_size=15, strides=4)(X_input)
    X = layers.BatchNormalization()(X)
    X = layers.Activation("relu")(X)
    X = layers.Dropout(rate=dropout)(X)
    X = layers.GRU(units=128, return_sequences=True)(X)
    X = layers.Dropout(rate=dropout)(X)
    X = layers.BatchNormalization()(X)
    X = layers.GRU(units=128, return_sequences=True)(X)
    X = layers.Dropout(rate=dropout)(X)
    X = layers.BatchNormalization()(X)
    X = layers.Dropout(rate=dropout)(X)
    X = layers.TimeDistributed(layers.Dense(1, activation="sigmoid"))(X)
    return keras.Model(inputs=X_input, outputs=X)


def load_reference(reference_dir: Path = REFERENCE_DIR):
    model = build_model()
    model.load_weights(str(reference_dir / WEIGHTS_FILE))
    return model


def predict(model, X: np.ndarray, batch_size: int = 8) -> np.ndarray:
    """(m, Ty, 1) probabilities in inference mode (model.predict: a compiled graph, ~3x faster
    here than eager calls, whose GRU loop runs step by step in Python)."""
    return np.asarray(model.predict(X, batch_size=batch_size, verbose=0))


# ---------------------------------------------------------------------------------------
# pydub, emulated on int16 sample arrays
# ---------------------------------------------------------------------------------------

def length_ms(samples: np.ndarray, rate: int = RATE) -> int:
    """pydub's len(): round(1000 * frames / rate) (Python's round)."""
    return round(1000 * (len(samples) / rate))


def ms_to_frame(ms: float, rate: int = RATE) -> int:
    """pydub's position -> frame: int(ms * (rate / 1000.0))."""
    return int(ms * (rate / 1000.0))


def apply_gain(samples: np.ndarray, db: float) -> np.ndarray:
    """pydub's apply_gain (audioop.mul): multiply, floor, clip to int16."""
    factor = 10 ** (db / 20)
    return np.clip(np.floor(samples.astype(np.float64) * factor), -32768, 32767).astype(np.int16)


def rms(samples: np.ndarray) -> int:
    """audioop.rms: integer part of the root mean square."""
    if len(samples) == 0:
        return 0
    return int(math.sqrt(float(np.sum(samples.astype(np.float64) ** 2)) / len(samples)))


def dbfs(samples: np.ndarray) -> float:
    """pydub's dBFS: 20 * math.log(rms / 32768, 10) (math.log with base 10, not log10: the
    two differ in the last bit, which moves a floored sample after a gain by 1)."""
    r = rms(samples)
    return -math.inf if r == 0 else 20 * math.log(r / 32768.0, 10)


def match_target_amplitude(samples: np.ndarray, target_dBFS: float) -> np.ndarray:
    return apply_gain(samples, target_dBFS - dbfs(samples))


def overlay(background: np.ndarray, clip: np.ndarray, position_ms: int) -> np.ndarray:
    """pydub's background.overlay(clip, position=position_ms): saturating add, clip cut at the end."""
    out = background.astype(np.int32).copy()
    at = ms_to_frame(position_ms)
    part = clip[: max(0, len(out) - at)].astype(np.int32)
    out[at:at + len(part)] += part
    return np.clip(out, -32768, 32767).astype(np.int16)


def spectrogram(samples: np.ndarray) -> np.ndarray:
    """graph_spectrogram on samples: PSD, NFFT 200, noverlap 120, Fs 8000 -> (101, frames)."""
    from matplotlib import mlab

    samples = np.asarray(samples)
    if samples.ndim > 1:
        samples = samples[:, 0]
    pxx, _, _ = mlab.specgram(samples, NFFT=200, Fs=8000, noverlap=120)
    return pxx


# ---------------------------------------------------------------------------------------
# The graded functions
# ---------------------------------------------------------------------------------------

def get_random_time_segment(segment_ms: int) -> tuple[int, int]:
    start = np.random.randint(low=0, high=10000 - segment_ms)
    return (start, start + segment_ms - 1)


def is_overlapping(segment_time, previous_segments) -> bool:
    """Closed intervals: True if any previous (s, e) has start <= e and end >= s."""
    start, end = segment_time
    return any(start <= e and end >= s for s, e in previous_segments)


def insert_audio_clip(background: np.ndarray, clip: np.ndarray, previous_segments: list,
                      retries: int = 5) -> tuple[np.ndarray, tuple[int, int]]:
    """The contract's insertion: draw, redraw while overlapping (at most 1 + 6 draws), then
    overlay and append to ``previous_segments`` (mutated), or return the sentinel."""
    segment_ms = length_ms(clip)
    segment_time = get_random_time_segment(segment_ms)
    retry = retries
    while is_overlapping(segment_time, previous_segments) and retry >= 0:
        segment_time = get_random_time_segment(segment_ms)
        retry = retry - 1
    if not is_overlapping(segment_time, previous_segments):
        previous_segments.append(segment_time)
        return overlay(background, clip, segment_time[0]), segment_time
    return background.copy(), SENTINEL


def insert_ones(y: np.ndarray, segment_end_ms: int) -> np.ndarray:
    """50 ones right after the end of the word, in output steps; nothing past Ty."""
    y = np.array(y, dtype=np.float64, copy=True)
    Ty = y.shape[1]
    segment_end_y = int(segment_end_ms * Ty / 10000.0)
    for i in range(segment_end_y + 1, segment_end_y + 51):
        if i < Ty:
            y[0, i] = 1
    return y


def insert_ones_tf(y: np.ndarray, segment_end_ms: int) -> np.ndarray:
    """The same in TensorFlow ops (an independent formulation, float64)."""
    import tensorflow as tf

    Ty = int(y.shape[1])
    end_y = int(segment_end_ms * Ty / 10000.0)
    steps = tf.range(Ty)
    mask = tf.logical_and(steps > end_y, steps <= end_y + 50)
    y = tf.constant(y, tf.float64)
    return tf.where(mask[None, :], tf.ones_like(y), y).numpy()


def create_training_example(background: np.ndarray, activates: list, negatives: list, Ty: int = TY,
                            seed: int | None = None):
    """The contract's example, on int16 arrays. Returns a dict: x (101, frames), y (1, Ty),
    audio (int16 samples after normalising to -20 dBFS), segments (every inserted segment,
    in insertion order), activate_ends (ms)."""
    if seed is not None:
        np.random.seed(seed)
    background = apply_gain(background, -20)
    y = np.zeros((1, Ty))
    previous_segments: list = []
    number_of_activates = np.random.randint(0, 5)
    random_indices = np.random.randint(len(activates), size=number_of_activates)
    ends = []
    for i in random_indices:
        background, segment_time = insert_audio_clip(background, activates[i], previous_segments)
        segment_start, segment_end = segment_time
        y = insert_ones(y, segment_end)
        ends.append(segment_end)
    number_of_negatives = np.random.randint(0, 3)
    random_indices = np.random.randint(len(negatives), size=number_of_negatives)
    for i in random_indices:
        background, _ = insert_audio_clip(background, negatives[i], previous_segments)
    audio = match_target_amplitude(background, -20.0)
    return {"x": spectrogram(audio), "y": y, "audio": audio, "segments": list(previous_segments),
            "activate_ends": ends}


# ---------------------------------------------------------------------------------------
# Data on disk
# ---------------------------------------------------------------------------------------

def read_wav(path: Path) -> np.ndarray:
    import wave

    with wave.open(str(path), "rb") as src:
        data = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
        return data.reshape(-1, src.getnchannels())[:, 0].copy()


def load_raw(folder: Path = DATA_DIR / "raw_data"):
    """(activates, negatives, backgrounds) as int16 arrays, in file-name order (as load_raw_audio)."""
    out = []
    for name in ("activates", "negatives", "backgrounds"):
        files = sorted(p for p in (folder / name).iterdir() if p.suffix.lower() == ".wav")
        out.append([read_wav(p) for p in files])
    return tuple(out)


def load_dev(n: int | None = None):
    """Dev spectrograms X (n, 5511, 101) float32, labels Y (n, 1375, 1), activate ends per clip."""
    dev = DATA_DIR / "dev"
    labels = json.loads((dev / "labels.json").read_text())[:n]
    X = np.stack([spectrogram(read_wav(dev / "clips" / item["file"])).T for item in labels]).astype(np.float32)
    Y = np.load(dev / "Y_dev.npy", allow_pickle=False)[:len(labels)].astype(np.float32)
    return X, Y, [item["activate_ends_ms"] for item in labels]


# ---------------------------------------------------------------------------------------
# Detection metric
# ---------------------------------------------------------------------------------------

def detections(predictions, threshold: float = 0.5, min_steps: int = 20) -> list[int]:
    """Steps where a run above ``threshold`` reaches min_steps + 1 steps (one per run)."""
    fired, run = [], 0
    for i, value in enumerate(np.asarray(predictions).reshape(-1)):
        run = run + 1 if value > threshold else 0
        if run == min_steps + 1:
            fired.append(i)
    return fired


def detection_scores(predictions, activate_ends_ms, threshold: float = 0.5, min_steps: int = 20,
                     window_ms: float = 500) -> dict:
    """Precision / recall / F1 of firings; a firing counts when it falls in (end, end + 0.5 s]."""
    p = np.asarray(predictions)
    p = p.reshape(p.shape[0], -1)
    tp = fp = fn = 0
    for row, ends in zip(p, activate_ends_ms):
        unmatched = sorted(ends)
        for step in detections(row, threshold, min_steps):
            t = step * CLIP_MS / len(row)
            hit = next((e for e in unmatched if e < t <= e + window_ms), None)
            if hit is None:
                fp += 1
            else:
                tp += 1
                unmatched.remove(hit)
        fn += len(unmatched)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}
