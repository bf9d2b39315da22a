"""References of w3a2 (trigger word detection), written for the graders.

- ``build_model``: the contract's Conv1D + GRU model in backend-neutral Keras 3 (523,329
  parameters, 904 non-trainable), so the same code trains under JAX and runs under TensorFlow.
- numpy references of the graded audio functions. The learner's functions work on pydub
  AudioSegments, which cannot leave the learner's process; the grader gets their samples
  back as int16 arrays and compares them with these functions, which emulate pydub exactly
  (checked against pydub in tests): ``apply_gain`` (audioop.mul: multiply, floor, clip),
  ``overlay`` (audioop.add: saturating add at sample ``int(ms * 44.1)``), ``dbfs`` (integer
  RMS, as audioop.rms). Every random draw goes through numpy's Mersenne Twister in the contract's
  order: ``randint(0, 5)``, ``randint(len(activates), size=n)``, then for each clip one ``randint``
  per segment drawn (up to 7), then ``randint(0, 3)``, ``randint(len(negatives), size=n)``. The
  control flow of create_training_example is written once (``mix_example``) with its operations
  as parameters, so the graders can run it around the learner's own callees.
- ``window_model`` / ``dev_windows``: the model on the first frames of dev clips. Everything in
  the model is causal (valid convolution, per-step batch norm and dense, forward GRUs), so its
  outputs on the first T frames ARE the first (T - 15) // 4 + 1 outputs on the whole clip.
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


# Behaviour is graded on the first WINDOW_FRAMES frames (1.29 s) of these dev clips, whose first
# "activate" ends within 0.9 s, so the windows hold a firing. A model over 711 frames traces its
# predict graph in a quarter of the time of one over 5,511 (TimeDistributed is unrolled over the
# output steps when the graph is traced): the learner's sandbox stays within a short call timeout.
WINDOW_FRAMES = 711
WINDOW_CLIPS = (11, 18, 36)


def output_steps(frames: int) -> int:
    """Output steps of the model over ``frames`` spectrogram frames (Conv1D 15, stride 4, valid)."""
    return (frames - 15) // 4 + 1


def dev_windows(clips=WINDOW_CLIPS, frames: int = WINDOW_FRAMES) -> np.ndarray:
    """(len(clips), frames, 101) float32: the first ``frames`` spectrogram frames of dev clips."""
    dev = DATA_DIR / "dev"
    labels = json.loads((dev / "labels.json").read_text())
    return np.stack([spectrogram(read_wav(dev / "clips" / labels[k]["file"])).T[:frames]
                     for k in clips]).astype(np.float32)


def window_model(frames: int = WINDOW_FRAMES, reference_dir: Path = REFERENCE_DIR):
    """The reference architecture over ``frames`` frames, with the reference weights."""
    model = build_model((frames, N_FREQ))
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
# Random draws: ``rng`` is anything with numpy's ``randint(low, high=None, size=None)``. A
# ``np.random.RandomState(seed)`` gives exactly the stream of ``np.random.seed(seed)`` followed by
# ``np.random.randint`` (the global generator IS a RandomState), without touching the grader
# process's global state; the graders also pass a stand-in that draws in the learner's process.

def get_random_time_segment(segment_ms: int, rng=None) -> tuple[int, int]:
    rng = np.random if rng is None else rng
    start = rng.randint(low=0, high=10000 - segment_ms)
    return (start, start + segment_ms - 1)


def is_overlapping(segment_time, previous_segments) -> bool:
    """Closed intervals: True if any previous (s, e) has start <= e and end >= s."""
    start, end = segment_time
    return any(start <= e and end >= s for s, e in previous_segments)


def insert_audio_clip(background: np.ndarray, clip: np.ndarray, previous_segments: list,
                      retries: int = 5, rng=None, overlapping=None) -> tuple[np.ndarray, tuple[int, int]]:
    """The contract's insertion: draw, redraw while overlapping (at most 1 + 6 draws), then
    overlay and append to ``previous_segments`` (mutated), or return the sentinel.
    ``overlapping`` replaces is_overlapping (the graders pass the learner's own, to judge
    insert_audio_clip apart from it)."""
    overlapping = is_overlapping if overlapping is None else overlapping
    segment_ms = length_ms(clip)
    segment_time = get_random_time_segment(segment_ms, rng)
    retry = retries
    while overlapping(segment_time, previous_segments) and retry >= 0:
        segment_time = get_random_time_segment(segment_ms, rng)
        retry = retry - 1
    if not overlapping(segment_time, previous_segments):
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


def mix_example(background, activates, negatives, Ty: int, rng, insert, ones, quieter, new_list=list, *,
                attenuate: bool = True, negatives_first: bool = False, max_activates: int = 5,
                label_negatives: bool = False, share_segments: bool = True, label_at: int = 1):
    """The control flow of create_training_example up to (not including) the normalisation:
    the -20 dB step, the draws in the contract's order, the insertions and the labels.

    The operations are parameters so that one implementation of the contract serves two
    places: here on int16 arrays (``quieter=apply_gain``, ``insert=insert_audio_clip``), and in
    the graders around the learner's own insert_audio_clip and insert_ones, called through the
    protocol on AudioSegments that stay in the learner's process. The keyword flags emulate
    known mistakes (for hints): no -20 dB step, negatives first, randint(0, 4), labelled
    negatives, a new list for the negatives, labels after the START of a word (label_at=0).
    Returns (background, y, previous_segments, activate_ends)."""
    if attenuate:
        background = quieter(background, -20)
    y = np.zeros((1, Ty))
    previous_segments = new_list()
    ends = []

    def activates_part(background, y):
        number_of_activates = rng.randint(0, max_activates)
        random_indices = rng.randint(len(activates), size=number_of_activates)
        for i in random_indices:
            background, segment_time = insert(background, activates[int(i)], previous_segments)
            y = ones(y, segment_time[label_at])
            ends.append(segment_time[1])
        return background, y

    def negatives_part(background, y, segments):
        number_of_negatives = rng.randint(0, 3)
        random_indices = rng.randint(len(negatives), size=number_of_negatives)
        for i in random_indices:
            background, segment_time = insert(background, negatives[int(i)], segments)
            if label_negatives:
                y = ones(y, segment_time[1])
        return background, y

    if negatives_first:
        background, y = negatives_part(background, y, previous_segments)
        background, y = activates_part(background, y)
    else:
        background, y = activates_part(background, y)
        background, y = negatives_part(background, y, previous_segments if share_segments else new_list())
    return background, y, previous_segments, ends


def create_training_example(background: np.ndarray, activates: list, negatives: list, Ty: int = TY,
                            seed: int | None = None, rng=None, normalise: bool = True, **mistakes):
    """The contract's example, on int16 arrays, with ``np.random.seed(seed)``'s stream (or ``rng``).
    Returns a dict: x (101, frames), y (1, Ty), audio (int16 samples after normalising to
    -20 dBFS), segments (every inserted segment, in insertion order), activate_ends (ms),
    state (the generator's state after the last draw: how many numbers were drawn).
    ``mistakes`` (see mix_example) and ``normalise=False`` emulate known mistakes."""
    if rng is None:
        rng = np.random.RandomState(seed) if seed is not None else np.random
    background, y, segments, ends = mix_example(
        background, activates, negatives, Ty, rng,
        insert=lambda bg, clip, prev: insert_audio_clip(bg, clip, prev, rng=rng),
        ones=insert_ones, quieter=apply_gain, **mistakes)
    audio = match_target_amplitude(background, -20.0) if normalise else background
    return {"x": spectrogram(audio), "y": y, "audio": audio, "segments": list(segments),
            "activate_ends": ends, "state": rng_position(rng)}


def rng_position(rng) -> tuple | None:
    """Where a RandomState's stream stands: (key, pos) of its Mersenne Twister (None otherwise)."""
    if not hasattr(rng, "get_state"):
        return None
    _, key, pos, *_ = rng.get_state()
    return (np.asarray(key).copy(), int(pos))


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
