"""Helpers for the "jazz improvisation with an LSTM" assignment.

What is in here:

- ``load_music_utils``: reads the course's training solo (a MIDI file) and returns the
  training windows ``X``, ``Y``, the vocabulary size ``n_values`` (90), the map
  ``indices_values`` from index to value (token) and the ``chords`` of every measure;
- ``SharedLSTM``, the LSTM class of the shared cell (it also accepts ``inputs=``);
- ``one_hot``, a function for ``Lambda`` layers: the one-hot of the most likely value, as
  the next input of the LSTM;
- ``Lambda``, Keras's ``Lambda`` layer, which also runs the older slicing form
  ``Lambda(lambda x: X[:, t, :])(X)`` (see its docstring);
- ``REFERENCE_WEIGHTS``, the course's trained weights of ``djmodel``;
- ``generate_music``, which improvises a solo over chords with a trained model and writes it
  as a MIDI file; ``play`` and ``render_audio`` / ``write_wav`` turn MIDI into sound with a
  small synthesizer written here; ``plot_piano_roll`` draws a solo.

Importing this module also lets ``tf.math.argmax`` and ``tf.one_hot`` accept the symbolic
tensors of a Keras model under construction (see ``_KerasTensorOps``).

The data code (chords, tone classes, tokens, windows) is the course's
``datasets/jazz_solos/jazz_grammar.py``. matplotlib and IPython are imported inside the
functions that use them.
"""
from __future__ import annotations

import importlib.util
import inspect
import os
import sys
import wave
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

__all__ = ["load_music_utils", "SharedLSTM", "one_hot", "Lambda", "REFERENCE_WEIGHTS", "TRAINING_SOLO",
           "generate_music", "Solo", "render_audio", "write_wav", "play", "plot_piano_roll",
           "describe_value"]

HERE = Path(__file__).resolve().parent
REFERENCE_WEIGHTS = str(HERE / "models" / "jazz_djmodel.weights.h5")
WINDOWS_SEED = 0


# --------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------

def _data_folder_candidates() -> list[Path]:
    """Where datasets/jazz_solos/ may be, in the order they are tried.

    1. $COURSE_DATASETS/jazz_solos/ (a folder that holds jazz_solos/), when the variable is set;
    2. <folder>/datasets/jazz_solos/ for this module's folder and each of its parents. That
       covers source/<assignment>/ and release/<assignment>/ in the course repository
       (datasets/ sits at its root) and the grading sandbox (/course next to /datasets).
    """
    candidates = []
    env = os.environ.get("COURSE_DATASETS")
    if env:
        candidates.append(Path(env) / "jazz_solos")
    for folder in (HERE, *HERE.parents):
        candidates.append(folder / "datasets" / "jazz_solos")
    return candidates


def _load_grammar():
    candidates = _data_folder_candidates()
    for folder in candidates:
        path = folder / "jazz_grammar.py"
        if path.is_file():
            loaded = sys.modules.get("jazz_grammar")
            if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
                return loaded
            spec = importlib.util.spec_from_file_location("jazz_grammar", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules["jazz_grammar"] = module
            spec.loader.exec_module(module)
            return module
    searched = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(
        "Could not find the course's music data jazz_solos/jazz_grammar.py. Searched:\n  " + searched
        + "\nSet the environment variable COURSE_DATASETS to the folder that contains jazz_solos/.")


_grammar = _load_grammar()
TRAINING_SOLO = str(Path(_grammar.__file__).resolve().parent / "training_solo.mid")


def load_music_utils(file=TRAINING_SOLO, m=60, Tx=30, seed=WINDOWS_SEED):
    """The training data of the assignment, read from a two-track MIDI file (solo, chords).

    The solo is turned into one value (token) per note or rest (see ``describe_value``); the
    90 most frequent values form the vocabulary and every other value is replaced by the
    nearest of them. Then ``m`` windows of ``Tx`` consecutive values are cut out at seeded
    random places.

    Returns ``(X, Y, n_values, indices_values, chords)``:

    - ``X``, shape (m, Tx, n_values): one-hot windows; ``X[:, 0, :]`` is all zeros (the model
      starts from nothing);
    - ``Y``, shape (Tx, m, n_values): ``Y[t] = X[:, t + 1, :]``, the value to predict at step
      t, time axis first (one array per output of the model); ``Y[Tx - 1]`` is zeros;
    - ``n_values``: 90;
    - ``indices_values``: dict from index (0..89) to the value's text;
    - ``chords``: one list of chords per measure of the MIDI file.
    """
    measures, chords = _grammar.read_midi(file)
    corpus = [t for measure in _grammar.tokenize(measures, chords) for t in measure]
    values, fold = _grammar.build_vocabulary(corpus)
    values_indices = {v: i for i, v in enumerate(values)}
    indices = [values_indices[fold[t]] for t in corpus]
    X, Y, _ = _grammar.windows(indices, len(values), m=m, Tx=Tx, seed=seed)
    indices_values = {i: v for i, v in enumerate(values)}
    return X, Y, len(values), indices_values, chords


def describe_value(value):
    """A value's text in words, e.g. 'C,0.500,<-3,+1>' -> 'chord tone, 1/2 beat, 1 to 5 semitones ...'."""
    tok = _grammar.Token.parse(value)
    names = {"C": "chord tone", "S": "scale tone", "A": "approach tone", "X": "other note", "R": "rest"}
    beats = {0.25: "1/4 beat", 0.333: "1/3 beat", 0.5: "1/2 beat", 0.75: "3/4 beat", 1.0: "1 beat"}
    text = f"{names[tok.kind]}, {beats.get(round(tok.duration, 3), f'{tok.duration:g} beats')}"
    if tok.bounds is not None:
        lo, hi = tok.bounds
        text += f", {lo:+d} to {hi:+d} semitones from the previous note"
    return text


# --------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------

class SharedLSTM(keras.layers.LSTM):
    """A Keras LSTM that also accepts its input as the keyword ``inputs=``.

    Keras 3's LSTM only takes the sequence positionally, so the call
    ``LSTM_cell(inputs=x, initial_state=[a, c])``, found in much existing code, fails there;
    this subclass moves ``inputs=`` back into first position and otherwise behaves exactly
    like ``LSTM``. It is unrolled by default (``unroll=True``): every call here reads a
    sequence of one step, and an unrolled step builds into a model's graph about three times
    faster than a loop over time steps, with the same results. (Keep the class name: weight
    files name layers after their class.)
    """

    def __init__(self, units, **kwargs):
        kwargs.setdefault("unroll", True)
        super().__init__(units, **kwargs)

    def __call__(self, *args, inputs=None, **kwargs):
        if inputs is not None:
            args = (inputs, *args)
        return super().__call__(*args, **kwargs)


def one_hot(x):
    """The one-hot vector of the most likely value, shaped as the next input of the LSTM.

    ``x`` holds probabilities, shape (m, n_values); the result has shape (m, 1, n_values),
    with a 1 at ``argmax(x, axis=-1)``. The depth is read from ``x`` (the model's
    vocabulary), so it works for any number of values. Written with ``keras.ops``, so it
    runs on symbolic Keras tensors and on arrays alike; use it as ``Lambda(one_hot)(out)``
    (or call it directly).
    """
    depth = x.shape[-1]
    indices = keras.ops.argmax(x, axis=-1)
    return keras.ops.expand_dims(keras.ops.one_hot(indices, depth, dtype=x.dtype), axis=1)


def _symbolic(value) -> bool:
    return isinstance(value, keras.KerasTensor)


class Lambda(keras.layers.Lambda):
    """Keras's ``Lambda`` layer, which also runs functions that read a tensor of the model.

    Older code selects time step t with ``x = Lambda(lambda x: X[:, t, :])(X)``: the function
    ignores its argument and slices the model input ``X`` itself. Keras 2 called such a
    function once, while the model was being built; Keras 3 calls it again whenever the model
    runs, where ``X`` is only a placeholder (and ``t`` would by then be the last step), so it
    fails with "A KerasTensor is symbolic". This subclass calls the function at once while a
    model is being built; when the result is a Keras tensor, it is used directly (the same
    graph as ``x = X[:, t, :]``). Any other function goes through Keras's ``Lambda`` as usual.
    """

    def __call__(self, *args, **kwargs):
        if args and not kwargs and all(_symbolic(v) for v in keras.tree.flatten(args[0])):
            try:
                result = self.function(*args)
            except Exception:
                result = None
            flat = keras.tree.flatten(result) if result is not None else []
            if flat and all(_symbolic(v) for v in flat):
                return result
        return super().__call__(*args, **kwargs)


def _register_tf_argmax_one_hot() -> None:
    """Let tf.math.argmax and tf.one_hot accept Keras tensors (TensorFlow backend only).

    Keras 3 refuses TensorFlow functions on the symbolic tensors of a model under
    construction ("A KerasTensor cannot be used as input to a TensorFlow function"), so the
    line ``x = tf.one_hot(tf.math.argmax(out, axis=-1), n_values)`` of many existing
    inference models fails. TensorFlow lets a library handle its operations for types it does
    not know (a dispatcher, the mechanism Keras 2 itself used); this one hands exactly these
    two operations, when given a Keras tensor, to ``keras.ops.argmax`` and
    ``keras.ops.one_hot``, with TensorFlow's defaults (argmax over axis 0 when no axis is
    given, int64 indices, float32 one-hot). Every other use of TensorFlow is unchanged.
    """
    if keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    if getattr(tf, "_jazz_utils_dispatch", False):
        return
    argmax_signature = inspect.signature(tf.math.argmax)
    one_hot_signature = inspect.signature(tf.one_hot)

    class _KerasTensorOps(tf.__internal__.dispatch.GlobalOpDispatcher):
        def handle(self, op, args, kwargs):
            if op is tf.math.argmax:
                bound = argmax_signature.bind(*args, **kwargs)
                bound.apply_defaults()
                a = bound.arguments
                if not _symbolic(a["input"]):
                    return self.NOT_SUPPORTED
                axis = 0 if a["axis"] is None else a["axis"]
                return keras.ops.cast(keras.ops.argmax(a["input"], axis=axis), tf.as_dtype(a["output_type"]).name)
            if op is tf.one_hot:
                bound = one_hot_signature.bind(*args, **kwargs)
                bound.apply_defaults()
                a = bound.arguments
                if not _symbolic(a["indices"]) or _symbolic(a["depth"]):
                    return self.NOT_SUPPORTED
                dtype = tf.as_dtype(a["dtype"] or tf.float32).name
                axis = -1 if a["axis"] is None else a["axis"]
                result = keras.ops.one_hot(a["indices"], int(a["depth"]), axis=axis, dtype=dtype)
                if a["on_value"] is not None or a["off_value"] is not None:
                    on = 1.0 if a["on_value"] is None else float(a["on_value"])
                    off = 0.0 if a["off_value"] is None else float(a["off_value"])
                    result = result * (on - off) + off
                return result
            return self.NOT_SUPPORTED

    _KerasTensorOps().register()
    tf._jazz_utils_dispatch = True


_register_tf_argmax_one_hot()


# --------------------------------------------------------------------------------------
# Improvising with a trained model
# --------------------------------------------------------------------------------------

@dataclass
class Solo:
    """An improvised solo: its values, its notes and chords per measure, and its MIDI file."""

    values: list = field(repr=False)        # the value indices, in the order they were played
    tokens: list = field(repr=False)        # the tokens of each measure (the last one cut at the bar line)
    measures: list = field(repr=False)      # notes and rests of each measure
    chords: list = field(repr=False)        # chords of each measure
    path: str = ""
    temperature: float = 0.0

    @property
    def distinct_values(self) -> int:
        return len(set(self.values))


def _model_layers(model):
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(lstms) != 1 or len(denses) != 1:
        raise ValueError(f"expected one LSTM and one Dense layer in the inference model (the shared LSTM_cell "
                         f"and densor), found {len(lstms)} LSTM and {len(denses)} Dense layers")
    return lstms[0], denses[0]


class _Improviser:
    """Runs the model's own LSTM and Dense layers one step at a time (eagerly).

    Within a chunk the LSTM carries its state and reads back the value it just chose, as
    the inference model does. Every new chunk starts as training windows start (zero
    states, zero first input) and first re-reads the last ``prime`` values, so the LSTM is
    never run much longer than the Tx = 30 steps it was trained on.
    """

    def __init__(self, model, temperature: float, rng: np.random.Generator, chunk: int = 30, prime: int = 10):
        self.lstm, self.dense = _model_layers(model)
        self.n_values, self.n_a = self.dense.units, self.lstm.units
        self.temperature, self.rng, self.chunk, self.prime = temperature, rng, chunk, prime
        self.played: list[int] = []

    def _step(self, x, a, c):
        a, _, c = self.lstm(x, initial_state=[a, c])
        return np.asarray(self.dense(a))[0].astype(np.float64), a, c

    def _vector(self, index):
        x = np.zeros((1, 1, self.n_values), dtype=np.float32)
        if index is not None:
            x[0, 0, index] = 1.0
        return x

    def _choose(self, p):
        if self.temperature <= 0:
            return int(np.argmax(p))
        logits = np.log(np.maximum(p, 1e-12)) / self.temperature
        q = np.exp(logits - logits.max())
        return int(self.rng.choice(len(q), p=q / q.sum()))

    def greedy_from_zero(self, steps):
        a = np.zeros((1, self.n_a), np.float32)
        c = np.zeros((1, self.n_a), np.float32)
        x, out = self._vector(None), []
        for _ in range(steps):
            p, a, c = self._step(x, a, c)
            out.append(int(np.argmax(p)))
            x = self._vector(out[-1])
        return out

    def more(self):
        a = np.zeros((1, self.n_a), np.float32)
        c = np.zeros((1, self.n_a), np.float32)
        context = self.played[-self.prime:] if self.played else []
        x = self._vector(None)
        for index in context:                         # re-read the end of what was played
            _, a, c = self._step(x, a, c)
            x = self._vector(index)
        new = []
        for _ in range(self.chunk - len(context)):
            p, a, c = self._step(x, a, c)
            new.append(self._choose(p))
            x = self._vector(new[-1])
        self.played += new
        return new


def generate_music(inference_model, indices_values, chords, temperature=0.0, measures=24, start=0,
                   seed=0, file="output/my_music.midi"):
    """Improvise a solo over ``measures`` measures of ``chords`` with a trained model.

    The model's shared LSTM and Dense layers produce a stream of values: greedily (the most
    likely value at every step, as your inference model does) when ``temperature`` is 0, or
    sampled from the predicted probabilities sharpened (< 1) or flattened (> 1) by
    ``temperature``. Before that, the step-by-step computation is checked against the
    inference model's own greedy output. The values are then cut into measures of four beats
    (the last note of a measure is shortened to the bar line) and turned into notes over each
    measure's chords: each note gets a pitch of its tone class, inside its interval bounds
    from the previous note (``seed`` decides between equally good pitches).

    Writes a MIDI file (solo and chords, 130 bpm) to ``file`` and returns a ``Solo``.
    """
    rng = np.random.default_rng(seed)
    improviser = _Improviser(inference_model, float(temperature), rng)
    if len(indices_values) != improviser.n_values:
        raise ValueError(f"indices_values has {len(indices_values)} values but the model predicts "
                         f"{improviser.n_values}")
    _check_against_model(inference_model, improviser)

    progression = [chords[(start + i) % len(chords)] for i in range(measures)]
    pending, tokens_per_measure, events_per_measure, played = [], [], [], []
    previous = None
    for measure_chords in progression:
        while True:
            text = [indices_values[i] for i in pending]
            used, _ = _grammar.fit_to_measure(text)
            if sum(_grammar.snap(_grammar.Token.parse(t).duration) for t in used) >= _grammar.BEATS_PER_MEASURE:
                break
            pending += improviser.more()
        tokens_per_measure.append(used)
        played += pending[:len(used)]
        pending = pending[len(used):]
        events, previous = _grammar.unparse(used, measure_chords, previous, rng)
        events_per_measure.append(events)

    path = Path(file)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_midi(events_per_measure, progression, path)
    return Solo(played, tokens_per_measure, events_per_measure, progression, str(path), float(temperature))


def _check_against_model(inference_model, improviser):
    """The inference model's greedy output must equal the step-by-step greedy computation."""
    Ty = len(inference_model.outputs)
    zeros_x = np.zeros((1, 1, improviser.n_values), np.float32)
    zeros_a = np.zeros((1, improviser.n_a), np.float32)
    outputs = inference_model([zeros_x, zeros_a, zeros_a], training=False)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    from_model = [int(np.argmax(np.asarray(o)[0])) for o in outputs]
    step_by_step = improviser.greedy_from_zero(Ty)
    if from_model != step_by_step:
        raise ValueError("The inference model's output differs from its own LSTM and Dense layers run step by "
                         "step, feeding back the most likely value: check music_inference_model (does it feed "
                         "back x, the one-hot of the previous prediction, rather than x0?).")


def _write_midi(measures, chords, path):
    from music21 import chord as m21chord
    from music21 import instrument, note, stream, tempo

    score = stream.Score()
    lead, comp = stream.Part(), stream.Part()
    lead.insert(0, instrument.TenorSaxophone())
    lead.insert(0, tempo.MetronomeMark(number=_grammar.TEMPO_BPM))
    comp.insert(0, instrument.Piano())
    for i, (events, measure_chords) in enumerate(zip(measures, chords)):
        begin = i * _grammar.BEATS_PER_MEASURE
        for ev in events:
            if ev.pitch != _grammar.NO_PITCH:
                lead.insert(begin + ev.offset, note.Note(ev.pitch, quarterLength=ev.duration))
        for c in measure_chords:
            comp.insert(begin + c.offset, m21chord.Chord(c.voicing(), quarterLength=c.beats))
    score.insert(0, lead)
    score.insert(0, comp)
    score.write("midi", fp=str(path))


# --------------------------------------------------------------------------------------
# Sound: a small synthesizer
# --------------------------------------------------------------------------------------

def _read(source, measures=None):
    """(measures of events, chords) from a Solo or a MIDI file, optionally a range of measures."""
    if isinstance(source, Solo):
        events, chords = source.measures, source.chords
    else:
        events, chords = _grammar.read_midi(source)
    if measures is not None:
        selected = list(range(len(events)))[measures] if isinstance(measures, slice) else list(measures)
        events = [events[i] for i in selected]
        chords = [chords[i] for i in selected]
    return events, chords


def _swing(beats):
    """Swung eighths: the second eighth of a beat starts 2/3 of the way through it."""
    whole = np.floor(beats)
    frac = beats - whole
    return np.where(frac <= 0.5, whole + frac * (4 / 3), whole + 2 / 3 + (frac - 0.5) * (2 / 3))


def _tone(freq, seconds, rate, harmonics, attack, release, vibrato=0.0):
    n = max(int(seconds * rate), 1)
    t = np.arange(n) / rate
    phase = 2 * np.pi * freq * t
    if vibrato:
        phase += vibrato * np.sin(2 * np.pi * 5.5 * t) * np.clip((t - 0.15) * 4, 0, 1)
    wave_ = sum(amp * np.sin((k + 1) * phase) for k, amp in enumerate(harmonics))
    env = np.ones(n)
    a = min(int(attack * rate), n)
    r = min(int(release * rate), n - a)
    env[:a] = np.linspace(0, 1, a, endpoint=False)
    if r > 0:
        env[n - r:] *= np.linspace(1, 0, r)
    return wave_ * env


def render_audio(source, measures=None, rate=22050, swing=True, accompaniment=True):
    """Samples (float32, -1..1) and the sample rate of a solo, with chords, bass and a ride cymbal.

    ``source`` is a ``Solo`` or a MIDI file (solo on the first track, chords on the second);
    ``measures`` selects measures (a range or slice). The sound is made here from sine waves:
    a reedy lead voice, soft piano-like chords (on beat 1 and the "and" of 2), a bass on
    beats 1 and 3, and a swung ride pattern; eighth notes are swung unless ``swing`` is False.
    """
    events, chords = _read(source, measures)
    spb = 60.0 / _grammar.TEMPO_BPM
    beats_total = len(events) * _grammar.BEATS_PER_MEASURE
    out = np.zeros(int((beats_total * spb + 1.0) * rate))
    warp = _swing if swing else (lambda b: b)

    def place(signal, start_beat, gain):
        i = int(float(warp(np.array(start_beat))) * spb * rate)
        j = min(i + len(signal), len(out))
        out[i:j] += gain * signal[:j - i]

    def freq(p):
        return 440.0 * 2 ** ((p - 69) / 12)

    for k, measure in enumerate(events):
        base = k * _grammar.BEATS_PER_MEASURE
        for ev in measure:
            if ev.pitch == _grammar.NO_PITCH:
                continue
            start, end = base + ev.offset, base + ev.offset + ev.duration
            seconds = (float(warp(np.array(end))) - float(warp(np.array(start)))) * spb
            sig = _tone(freq(ev.pitch), seconds * 0.95, rate, [1.0, 0.55, 0.4, 0.22, 0.12, 0.06], 0.02, 0.05, 0.012)
            place(sig, start, 0.30)
        if not accompaniment:
            continue
        for c in chords[k]:
            begin = base + c.offset
            voicing = c.voicing()
            for hit, length in ((0.0, 1.4), (1.5, 0.45)):
                if hit < c.beats:
                    for p in voicing[1:]:
                        sig = _tone(freq(p), length * spb, rate, [1.0, 0.3, 0.1], 0.005, 0.08)
                        sig *= np.exp(-np.arange(len(sig)) / (0.6 * rate))
                        place(sig, begin + hit, 0.07)
            for hit in np.arange(0.0, c.beats, 2.0):
                sig = _tone(freq(voicing[0]), 1.8 * spb, rate, [1.0, 0.5, 0.2], 0.01, 0.1)
                place(sig, begin + hit, 0.22)
    if accompaniment:
        noise = np.random.default_rng(0).standard_normal(int(0.35 * rate))
        ride = np.diff(noise, prepend=0.0) * np.exp(-np.arange(len(noise)) / (0.08 * rate))
        for beat in range(beats_total):
            place(ride, beat, 0.02 if beat % 2 == 0 else 0.03)
            if beat % 2 == 1:
                place(ride, beat + 0.5, 0.018)
    peak = np.max(np.abs(out)) or 1.0
    return (0.9 * out / peak).astype(np.float32), rate


def write_wav(path, samples, rate):
    """Write mono float samples (-1..1) as a 16-bit WAV file; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes(data.tobytes())
    return str(path)


def play(source, measures=None, **kwargs):
    """An audio player for the notebook (IPython.display.Audio) of a Solo or a MIDI file."""
    from IPython.display import Audio

    samples, rate = render_audio(source, measures, **kwargs)
    return Audio(samples, rate=rate)


# --------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------

TONE_COLOURS = {"C": "#2b6cb0", "S": "#38a169", "A": "#dd6b20", "X": "#c53030"}


def plot_piano_roll(source, measures=None, ax=None, title=None):
    """Draw a solo as a piano roll: time (beats) across, pitch up, one bar per note.

    Notes are coloured by tone class over the chord they start on (chord tone, scale tone,
    approach tone, other); the chord symbols are written above each measure. ``source`` is a
    ``Solo`` or a MIDI file; ``measures`` a range or slice. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    events, chords = _read(source, measures)
    if measures is None:
        first = 0
    elif isinstance(measures, slice):
        first = range(len(source.measures if isinstance(source, Solo) else events))[measures].start
    else:
        first = list(measures)[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(min(2.4 + 1.1 * len(events), 16), 3.4))
    pitches = [ev.pitch for m in events for ev in m if ev.pitch != _grammar.NO_PITCH] or [60, 72]
    low, high = min(pitches) - 2, max(pitches) + 3
    for k, measure in enumerate(events):
        base = k * _grammar.BEATS_PER_MEASURE
        ax.axvline(base, color="#bbbbbb", lw=0.8, zorder=0)
        for c in chords[k]:
            ax.text(base + c.offset + 0.08, high + 0.3, c.symbol, fontsize=8, va="bottom", color="#444444")
        for ev in measure:
            if ev.pitch == _grammar.NO_PITCH:
                continue
            kind = _grammar.tone_class(ev.pitch, _grammar.chord_at(chords[k], ev.offset))
            ax.add_patch(Rectangle((base + ev.offset, ev.pitch - 0.4), ev.duration * 0.95, 0.8,
                                   color=TONE_COLOURS[kind]))
    total = len(events) * _grammar.BEATS_PER_MEASURE
    ax.set_xlim(0, total)
    ax.set_ylim(low, high + 2.5)
    ax.set_xticks(range(0, total + 1, _grammar.BEATS_PER_MEASURE))
    ax.set_xticklabels([str(first + i + 1) for i in range(len(events))] + [""], fontsize=8)
    ax.set_xlabel("measure")
    names = _grammar.NOTE_NAMES
    ticks = [p for p in range(low, high + 1) if p % 12 in (0, 7)]
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{names[p % 12]}{p // 12 - 1}" for p in ticks], fontsize=8)
    ax.set_ylabel("pitch")
    ax.legend(handles=[Patch(color=v, label=k) for k, v in
                       zip(["chord tone", "scale tone", "approach tone", "other"], TONE_COLOURS.values())],
              loc="upper right", fontsize=7, ncol=4, framealpha=0.9, bbox_to_anchor=(1.0, -0.18))
    if title:
        ax.set_title(title, fontsize=10)
    return ax
