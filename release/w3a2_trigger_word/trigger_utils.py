"""Helpers for the "trigger word detection" assignment.

What is in here:

- where the course's audio is (``RAW_DATA``, ``DEV_DATA``) and ``load_raw_audio``, which reads
  the "activate" clips, the other words and the 10 s backgrounds as pydub AudioSegments;
- ``get_wav_info`` and ``graph_spectrogram``: a WAV file -> its spectrogram, (101, 5511) for 10 s;
- ``match_target_amplitude`` (set a clip's loudness) and ``get_random_time_segment`` (draw where
  a clip goes; its random draws are part of the seeded protocol);
- ``load_dev_set``: the labelled dev clips (held-out voices and backgrounds);
- ``REFERENCE_WEIGHTS`` (the course's trained weights), ``detect_triggerword``, ``detections``,
  ``detection_scores`` and ``chime_on_activate``, to use a trained model and measure it;
- ``preprocess_audio``, to bring your own recording to 10 s at 44.1 kHz;
- ``plot_*`` helpers for the notebook's figures.

Everything reads and writes WAV only, so pydub needs no ffmpeg here. matplotlib's pyplot is
imported only by the functions that draw.
"""
from __future__ import annotations

import json
import os
import sys
import warnings
import wave
from pathlib import Path

import numpy as np

with warnings.catch_warnings():      # pydub warns about ffmpeg on import; WAV needs no ffmpeg
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

__all__ = ["AudioSegment", "RAW_DATA", "DEV_DATA", "REFERENCE_WEIGHTS", "load_raw_audio", "get_wav_info",
           "graph_spectrogram", "match_target_amplitude", "get_random_time_segment", "load_dev_set",
           "dev_labels", "dev_clip_path",
           "detect_triggerword", "detections", "detection_scores", "make_chime", "chime_on_activate",
           "preprocess_audio", "plot_waveform_and_labels", "plot_spectrogram", "plot_prediction"]

HERE = Path(__file__).resolve().parent
REFERENCE_WEIGHTS = str(HERE / "models" / "trigger_word.weights.h5")

# Sizes of the contract (10 s clips at 44.1 kHz)
CLIP_MS = 10_000
Tx = 5511          # spectrogram frames: (441000 - 120) // (200 - 120)
n_freq = 101       # frequency bins: 200 // 2 + 1
Ty = 1375          # model output steps: (5511 - 15) // 4 + 1


# --------------------------------------------------------------------------------------
# Where the audio is
# --------------------------------------------------------------------------------------

def _data_candidates() -> list[Path]:
    """Where datasets/trigger_word/ may be, in the order tried.

    1. $COURSE_DATASETS/trigger_word (a folder that holds trigger_word/), when set;
    2. <folder>/datasets/trigger_word for this module's folder and each of its parents: the
       repository's datasets/ from source/<assignment>/ and release/<assignment>/, and
       /datasets in the grading sandbox (next to /course).
    """
    candidates = []
    env = os.environ.get("COURSE_DATASETS")
    if env:
        candidates.append(Path(env) / "trigger_word")
    for folder in (HERE, *HERE.parents):
        candidates.append(folder / "datasets" / "trigger_word")
    return candidates


def _data_root() -> Path:
    candidates = _data_candidates()
    for path in candidates:
        if (path / "raw_data" / "backgrounds").is_dir():
            return path
    searched = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(
        "Could not find the course's audio (trigger_word/raw_data). Searched:\n  " + searched
        + "\nThe audio is built by `make setup` (datasets/trigger_word/build_trigger_word.py); "
          "or set COURSE_DATASETS to the folder that contains trigger_word/.")


try:
    DATA_ROOT = _data_root()
except FileNotFoundError:     # importable without the audio; loading it says what is missing
    DATA_ROOT = None
RAW_DATA = str(DATA_ROOT / "raw_data") + os.sep if DATA_ROOT else None
DEV_DATA = str(DATA_ROOT / "dev") + os.sep if DATA_ROOT else None


def _wav_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".wav")


def load_raw_audio(path=None):
    """Read the raw clips: ``(activates, negatives, backgrounds)``, three lists of AudioSegments.

    ``path`` holds the folders ``activates/``, ``negatives/`` and ``backgrounds/`` (default:
    the course's ``RAW_DATA``). Files are read in name order, so the lists, and every seeded
    example built from them, are the same on every machine.
    """
    root = Path(path if path is not None else (RAW_DATA or _data_root() / "raw_data"))
    lists = []
    for name in ("activates", "negatives", "backgrounds"):
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} does not exist")
        lists.append([AudioSegment.from_wav(str(f)) for f in _wav_files(folder)])
    return tuple(lists)


# --------------------------------------------------------------------------------------
# Spectrograms and loudness
# --------------------------------------------------------------------------------------

def get_wav_info(wav_file):
    """``(rate, data)`` of a 16-bit WAV file; data is (n,) for mono, (n, channels) otherwise."""
    with wave.open(str(wav_file), "rb") as src:
        if src.getsampwidth() != 2:
            raise ValueError(f"{wav_file}: expected 16-bit samples, got {8 * src.getsampwidth()}-bit")
        rate, channels = src.getframerate(), src.getnchannels()
        data = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
    return rate, (data.reshape(-1, channels) if channels > 1 else data)


def graph_spectrogram(wav_file):
    """Spectrogram of a WAV file (its first channel): an array (n_freq, frames).

    Windows of 200 samples, each 80 samples after the previous (120 overlap), a Hann window,
    power spectral density as matplotlib's ``specgram`` computes it with ``Fs=8000``. So there
    are 200 // 2 + 1 = 101 frequency rows, and (samples - 120) // 80 columns: 5511 for 10 s at
    44.1 kHz. (The nominal Fs only rescales the values and labels the axis; the number of
    frames depends on the number of samples alone.) Nothing is drawn: see plot_spectrogram.
    """
    from matplotlib import mlab

    _, data = get_wav_info(wav_file)
    if data.ndim > 1:
        data = data[:, 0]
    pxx, _, _ = mlab.specgram(data, NFFT=200, Fs=8000, noverlap=120)
    return pxx


def match_target_amplitude(sound, target_dBFS):
    """``sound`` made louder or quieter so that its average loudness is ``target_dBFS``."""
    change_in_dBFS = target_dBFS - sound.dBFS
    return sound.apply_gain(change_in_dBFS)


def get_random_time_segment(segment_ms):
    """A random segment of ``segment_ms`` milliseconds inside a 10,000 ms clip.

    One call of ``np.random.randint``: start is in [0, 10000 - segment_ms), and the segment
    is ``(start, start + segment_ms - 1)``, both ends included (the segment covers exactly
    segment_ms milliseconds).
    """
    segment_start = np.random.randint(low=0, high=10000 - segment_ms)
    segment_end = segment_start + segment_ms - 1
    return (segment_start, segment_end)


# --------------------------------------------------------------------------------------
# The dev set
# --------------------------------------------------------------------------------------

def _dev_root() -> Path:
    return Path(DEV_DATA) if DEV_DATA else _data_root() / "dev"


def dev_labels():
    """The builder's record of each dev clip: file, seed, activate end times (ms), segments."""
    return json.loads((_dev_root() / "labels.json").read_text())


def dev_clip_path(index):
    return str(_dev_root() / "clips" / dev_labels()[index]["file"])


def load_dev_set(n=25):
    """``X_dev`` (n, 5511, 101) float32 spectrograms and ``Y_dev`` (n, 1375, 1) labels.

    The dev clips were mixed by the data builder from voices and backgrounds that the
    training data never uses, and labelled there (50 ones after each "activate").
    """
    root = _dev_root()
    labels = dev_labels()[:n]
    X = np.stack([graph_spectrogram(root / "clips" / item["file"]).T for item in labels]).astype(np.float32)
    Y = np.load(root / "Y_dev.npy", allow_pickle=False)[:n].astype(np.float32)
    return X, Y


# --------------------------------------------------------------------------------------
# Using a trained model
# --------------------------------------------------------------------------------------

def _notebook_model():
    main = sys.modules.get("__main__")
    model = getattr(main, "model", None)
    if model is None:
        raise ValueError("detect_triggerword needs a model: pass it as detect_triggerword(filename, model) "
                         "or define a global `model` in the notebook.")
    return model


def detect_triggerword(filename, model=None, plot=False):
    """Run ``model`` over a 10 s WAV file: predictions of shape (1, Ty, 1).

    The clip is first brought to -20 dBFS (as the training clips were), then turned into a
    spectrogram (1, 5511, 101). Without ``model`` the notebook's global ``model`` is used.
    With ``plot=True`` the spectrogram and the output curve are drawn.
    """
    model = model if model is not None else _notebook_model()
    audio_clip = match_target_amplitude(AudioSegment.from_wav(str(filename)), -20.0)
    tmp = Path("detect_tmp.wav")
    audio_clip.export(str(tmp), format="wav")
    x = graph_spectrogram(tmp).T[np.newaxis].astype(np.float32)
    tmp.unlink(missing_ok=True)
    predictions = np.asarray(model.predict(x, verbose=0))
    if plot:
        plot_prediction(x[0].T, predictions)
    return predictions


def detections(predictions, threshold=0.5, min_steps=20):
    """Output steps where the model fires: the step at which the output has stayed above
    ``threshold`` for more than ``min_steps`` consecutive steps. One firing per run above the
    threshold (the output must drop below it before it can fire again)."""
    p = np.asarray(predictions).reshape(-1)
    fired, run = [], 0
    for i, value in enumerate(p):
        run = run + 1 if value > threshold else 0
        if run == min_steps + 1:
            fired.append(i)
    return fired


def detection_scores(predictions, activate_ends_ms, threshold=0.5, min_steps=20, window_ms=500):
    """Precision, recall and F1 of the model's firings over a set of clips.

    ``predictions`` is (m, Ty, 1) or (m, Ty); ``activate_ends_ms[k]`` lists the end times (ms) of
    the "activate"s of clip k. A firing is correct when it happens after an "activate" ends
    and at most ``window_ms`` later; each "activate" can be found once. Returns a dict with
    tp, fp, fn, precision, recall, f1.
    """
    p = np.asarray(predictions)
    p = p.reshape(p.shape[0], -1)
    steps = p.shape[1]
    tp = fp = fn = 0
    for row, ends in zip(p, activate_ends_ms):
        times = [i * CLIP_MS / steps for i in detections(row, threshold, min_steps)]
        unmatched = sorted(ends)
        for t in times:
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


def make_chime(duration_ms=350):
    """A short two-note bell (E6 then A6 with their overtones, fading out), synthesised here."""
    rate = 44_100
    t = np.arange(int(rate * duration_ms / 1000)) / rate
    tone = np.zeros_like(t)
    for start, f in ((0.0, 1318.5), (0.08, 1760.0)):
        local = np.clip(t - start, 0, None)
        env = np.where(t >= start, np.exp(-local / 0.09), 0.0) * np.clip(local / 0.004, 0, 1)
        tone += env * (np.sin(2 * np.pi * f * local) + 0.3 * np.sin(2 * np.pi * 2.76 * f * local))
    samples = np.round(tone / np.abs(tone).max() * 0.5 * 32767).astype("<i2")
    return AudioSegment(data=samples.tobytes(), sample_width=2, frame_rate=rate, channels=1)


def chime_on_activate(filename, predictions, threshold=0.5, output="chime_output.wav"):
    """Write ``output``: the clip with a chime wherever the model fired (see ``detections``:
    more than 20 consecutive steps above ``threshold``). Returns the output file name."""
    audio_clip = AudioSegment.from_wav(str(filename))
    chime = make_chime()
    steps = np.asarray(predictions).reshape(-1).shape[0]
    for i in detections(predictions, threshold):
        audio_clip = audio_clip.overlay(chime, position=(i / steps) * len(audio_clip))
    audio_clip.export(output, format="wav")
    return output


def preprocess_audio(filename):
    """Bring a recording of your own to the model's format, in place: mono, 44.1 kHz, and
    exactly 10 s (cut after 10 s, or padded with silence)."""
    padding = AudioSegment.silent(duration=CLIP_MS, frame_rate=44_100)
    segment = AudioSegment.from_wav(str(filename))[:CLIP_MS]
    segment = segment.set_channels(1).set_frame_rate(44_100).set_sample_width(2)
    segment = padding.overlay(segment)
    segment.export(str(filename), format="wav")
    return filename


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

def _samples(segment):
    return np.array(segment.get_array_of_samples(), dtype=np.float64).reshape(-1, segment.channels)[:, 0]


def plot_spectrogram(x, ax=None, title=None, colorbar=True):
    """Draw a spectrogram (n_freq, frames) on a log scale (decibels)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3))
    x = np.asarray(x)
    image = ax.imshow(10 * np.log10(x + 1e-10), origin="lower", aspect="auto", cmap="magma",
                      extent=(0, CLIP_MS * x.shape[1] / Tx / 1000, 0, x.shape[0] - 1))
    ax.set_xlabel("time (s)")
    ax.set_ylabel("frequency bin")
    if title:
        ax.set_title(title)
    if colorbar:
        plt.colorbar(image, ax=ax, fraction=0.025, pad=0.01, label="dB")
    return ax


def plot_waveform_and_labels(audio, y, segments=(), activate_segments=(), axes=None):
    """The waveform of ``audio`` (an AudioSegment) above its label track ``y`` (1, Ty) or (Ty, 1).

    ``segments`` (ms) are shaded grey (every inserted word), ``activate_segments`` green.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(12, 4), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    samples = _samples(audio)
    seconds = np.arange(len(samples)) / audio.frame_rate
    axes[0].plot(seconds, samples / 32768, lw=0.4, color="#335")
    for s, e in segments:
        axes[0].axvspan(s / 1000, e / 1000, color="#bbbbbb", alpha=0.4)
    for s, e in activate_segments:
        axes[0].axvspan(s / 1000, e / 1000, color="#4caf50", alpha=0.35)
    axes[0].set_ylabel("amplitude")
    labels = np.asarray(y).reshape(-1)
    axes[1].plot(np.arange(len(labels)) * CLIP_MS / len(labels) / 1000, labels, color="#c62828")
    axes[1].set_ylim(-0.1, 1.1)
    axes[1].set_ylabel("label y")
    axes[1].set_xlabel("time (s)")
    return axes


def plot_prediction(x, predictions, activate_ends_ms=(), threshold=0.5, axes=None):
    """Spectrogram ``x`` (n_freq, frames) above the model's output curve; true "activate" ends
    as dashed lines, the firings (see ``detections``) as triangles."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(12, 5), sharex=True)
    plot_spectrogram(x, ax=axes[0], colorbar=False)   # no colour bar: keep the two time axes aligned
    p = np.asarray(predictions).reshape(-1)
    t = np.arange(len(p)) * CLIP_MS / len(p) / 1000
    axes[1].plot(t, p, color="#1565c0", label="model output")
    axes[1].axhline(threshold, color="#999999", lw=0.8, ls=":")
    for e in activate_ends_ms:
        axes[1].axvline(e / 1000, color="#4caf50", ls="--", lw=1)
    fired = detections(p, threshold)
    axes[1].plot(t[fired], np.full(len(fired), 1.05), "v", color="#c62828", label="fires")
    axes[1].set_ylim(-0.05, 1.12)
    axes[1].set_ylabel("probability")
    axes[1].set_xlabel("time (s)")
    axes[1].legend(loc="upper right", fontsize=8)
    return axes
