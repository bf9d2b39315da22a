"""The musical grammar of w1a3_jazz_improvisation: chords, tone classes, tokens, windows.

One file, used by the solo generator (``make_solos.py``), the learner helper
(``source/w1a3_jazz_improvisation/jazz_utils.py``), the reference recipe and the tests, so
that all of them read and write music the same way.

A solo is a sequence of notes and rests. Each one becomes a *token* (a "value") such as

    C,0.500,<-3,+1>      S,1.000,<+1,+5>      A,0.333,<-5,-1>      R,0.500

- the **tone class** of the note relative to the chord sounding when it starts:
  ``C`` a chord tone, ``S`` a scale tone of the chord's scale (not a chord tone), ``A`` an
  approach tone (outside the scale, a half step below a chord tone), ``X`` any other note
  (on a dominant seventh chord: the altered tensions b9 and b13), ``R`` a rest;
- its **duration** in beats (quarter notes), three decimals;
- for notes, its **interval bounds**: the interval from the previous note, in semitones,
  widened by two semitones each way. The exact pitch is not stored, so the same token fits
  any chord: turning tokens back into notes (:func:`unparse`) picks, over the new chord, a
  pitch of the right tone class inside the bounds.

The vocabulary is fixed at exactly 90 values: the 90 most frequent tokens of the training
solo; every other token is replaced by the nearest of those 90 (:func:`fold`).

Everything here is deterministic; random choices take a ``numpy.random.Generator``.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

BEATS_PER_MEASURE = 4
N_VALUES = 90
TEMPO_BPM = 130
NO_PITCH = -1

# ------------------------------------------------------------------------------------------
# Chords and scales
# ------------------------------------------------------------------------------------------

NOTE_NAMES = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]
# semitones above the root
CHORD_TONES = {
    "maj7": (0, 4, 7, 11),
    "6": (0, 4, 7, 9),
    "7": (0, 4, 7, 10),
    "m7": (0, 3, 7, 10),
    "m6": (0, 3, 7, 9),
    "m7b5": (0, 3, 6, 10),
}
SCALES = {
    "maj7": (0, 2, 4, 5, 7, 9, 11),     # major (ionian)
    "6": (0, 2, 4, 5, 7, 9, 11),
    "7": (0, 2, 4, 5, 7, 9, 10),        # mixolydian
    "m7": (0, 2, 3, 5, 7, 9, 10),       # dorian
    "m6": (0, 2, 3, 5, 7, 9, 11),       # melodic minor
    "m7b5": (0, 1, 3, 5, 6, 8, 10),     # locrian
}
TONE_CLASSES = ("C", "S", "A", "X")


@dataclass(frozen=True)
class Chord:
    """A chord symbol at an offset (in beats) inside its measure, lasting ``beats``."""

    root: int            # pitch class 0..11
    quality: str         # a key of CHORD_TONES
    offset: float = 0.0
    beats: float = 4.0

    @classmethod
    def parse(cls, symbol: str, offset: float = 0.0, beats: float = 4.0) -> "Chord":
        """'Bb7', 'F#m7b5', 'Cmaj7', 'Am7' ... -> Chord."""
        name = symbol[:2] if len(symbol) > 1 and symbol[1] in "b#" else symbol[:1]
        quality = symbol[len(name):] or "maj7"
        root = (NOTE_NAMES.index(name[0]) + (name[1:] == "#") - (name[1:] == "b")) % 12
        if quality not in CHORD_TONES:
            raise ValueError(f"unknown chord quality {quality!r} in {symbol!r}")
        return cls(root, quality, offset, beats)

    @property
    def symbol(self) -> str:
        return NOTE_NAMES[self.root] + self.quality

    def __repr__(self) -> str:
        return f"Chord('{self.symbol}', offset={self.offset:g}, beats={self.beats:g})"

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in CHORD_TONES[self.quality])

    @property
    def scale(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in SCALES[self.quality])

    def voicing(self) -> list[int]:
        """MIDI pitches for the accompaniment: the root in octave 2-3, the chord above middle C."""
        bass = 36 + (self.root - 36) % 12 + (12 if self.root < 5 else 0)
        upper = sorted(55 + (self.root + i - 55) % 12 for i in CHORD_TONES[self.quality][1:])
        return [bass, *upper]

    @classmethod
    def from_pitches(cls, pitches, offset: float = 0.0, beats: float = 4.0) -> "Chord":
        """The chord whose voicing has these MIDI pitches (lowest = root)."""
        pitches = sorted(int(p) for p in pitches)
        root = pitches[0] % 12
        pcs = frozenset(p % 12 for p in pitches)
        for quality, tones in CHORD_TONES.items():
            if frozenset((root + i) % 12 for i in tones) == pcs:
                return cls(root, quality, offset, beats)
        raise ValueError(f"pitches {pitches} are no chord of this grammar")


def tone_class(pitch: int, chord: Chord) -> str:
    """C (chord tone), S (scale tone), A (approach: a half step below a chord tone), X (other)."""
    pc = pitch % 12
    if pc in chord.pitch_classes:
        return "C"
    if pc in chord.scale:
        return "S"
    if (pc + 1) % 12 in chord.pitch_classes:
        return "A"
    return "X"


def chord_at(chords: list[Chord], offset: float) -> Chord:
    """The chord sounding at ``offset`` (beats inside the measure)."""
    current = chords[0]
    for chord in chords:
        if chord.offset <= offset + 1e-6:
            current = chord
    return current


# ------------------------------------------------------------------------------------------
# Tokens
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One note or rest of a solo: onset inside its measure, duration (beats), MIDI pitch or NO_PITCH."""

    offset: float
    duration: float
    pitch: int = NO_PITCH


@dataclass(frozen=True)
class Token:
    kind: str                       # C, S, A, X or R
    duration: float
    bounds: tuple[int, int] | None  # interval bounds from the previous note (notes only)

    def __str__(self) -> str:
        text = f"{self.kind},{self.duration:.3f}"
        if self.bounds is not None:
            text += f",<{self.bounds[0]:+d},{self.bounds[1]:+d}>"
        return text

    @classmethod
    def parse(cls, text: str) -> "Token":
        parts = text.split(",", 2)
        bounds = None
        if len(parts) == 3:
            lo, hi = parts[2].strip("<>").split(",")
            bounds = (int(lo), int(hi))
        return cls(parts[0], float(parts[1]), bounds)

    @property
    def centre(self) -> float:
        return 0.0 if self.bounds is None else (self.bounds[0] + self.bounds[1]) / 2


BOUND_SLACK = 2


def tokenize(measures: list[list[Event]], chords: list[list[Chord]]) -> list[list[str]]:
    """Per-measure token strings of a solo. Intervals run across measure lines and rests."""
    out, previous = [], None
    for events, measure_chords in zip(measures, chords):
        tokens = []
        for event in events:
            if event.pitch == NO_PITCH:
                tokens.append(str(Token("R", event.duration, None)))
                continue
            kind = tone_class(event.pitch, chord_at(measure_chords, event.offset))
            bounds = None
            if previous is not None:
                d = max(-12, min(12, event.pitch - previous))
                bounds = (d - BOUND_SLACK, d + BOUND_SLACK)
            tokens.append(str(Token(kind, event.duration, bounds)))
            previous = event.pitch
        out.append(tokens)
    return out


def token_distance(a: str, b: str) -> float:
    """How far apart two tokens are, for folding rare tokens into frequent ones."""
    ta, tb = Token.parse(a), Token.parse(b)
    if (ta.kind == "R") != (tb.kind == "R"):
        return math.inf
    d = 0.0 if ta.kind == tb.kind else 4.0
    d += 2.0 * abs(math.log2(ta.duration / tb.duration))
    d += abs(ta.centre - tb.centre) / 3.0
    return d


def build_vocabulary(corpus: list[str], size: int = N_VALUES) -> tuple[list[str], dict[str, str]]:
    """The ``size`` most frequent tokens (ties by text), and the fold of every other token.

    Returns ``(values, fold)``: ``values`` sorted by text; ``fold[t]`` is t itself for a kept
    token, otherwise the nearest kept token (ties by text).
    """
    counts = Counter(corpus)
    if len(counts) < size:
        raise ValueError(f"the corpus has only {len(counts)} distinct tokens, fewer than {size}")
    kept = sorted(sorted(counts), key=lambda t: -counts[t])[:size]
    values = sorted(kept)
    fold = {t: t for t in values}
    for token in sorted(counts):
        if token not in fold:
            fold[token] = min(values, key=lambda v: (token_distance(token, v), v))
    return values, fold


# ------------------------------------------------------------------------------------------
# Training windows
# ------------------------------------------------------------------------------------------

def windows(indices: list[int], n_values: int, m: int = 60, Tx: int = 30, seed: int = 0):
    """m windows of Tx values drawn (without repetition of the start) from the corpus.

    X[i, t] is the one-hot value at position start_i + t for t >= 1 and zero for t = 0 (the
    model starts from "nothing"); Y[t, i] = X[i, t + 1], the value the model must predict
    at step t, and Y[Tx - 1] is zero. Returns (X, Y, starts), float32 arrays.
    """
    rng = np.random.default_rng(seed)
    starts = np.sort(rng.choice(len(indices) - Tx + 1, size=m, replace=False))
    X = np.zeros((m, Tx, n_values), dtype=np.float32)
    Y = np.zeros((m, Tx, n_values), dtype=np.float32)
    for i, s in enumerate(starts):
        for t in range(1, Tx):
            X[i, t, indices[s + t]] = 1.0
            Y[i, t - 1, indices[s + t]] = 1.0
    return X, np.swapaxes(Y, 0, 1).copy(), starts


# ------------------------------------------------------------------------------------------
# From tokens back to notes
# ------------------------------------------------------------------------------------------

LOW, HIGH = 55, 86   # the soloist's range (G3 .. D6)


def fit_to_measure(tokens: list[str], beats: float = BEATS_PER_MEASURE) -> tuple[list[str], list[str]]:
    """Split off the tokens that fill one measure; the last one is shortened to the bar line.

    Returns ``(this_measure, rest)``. Token durations are snapped to 1/12 of a beat.
    """
    used, total = [], Fraction(0)
    for k, text in enumerate(tokens):
        tok = Token.parse(text)
        dur = snap(tok.duration)
        if total + dur >= beats:
            dur = Fraction(beats) - total
            used.append(str(Token(tok.kind, float(dur), tok.bounds)))
            return used, tokens[k + 1:]
        used.append(text)
        total += dur
    return used, []


def unparse(tokens: list[str], chords: list[Chord], previous: int | None, rng: np.random.Generator):
    """Notes for one measure of tokens over its chords.

    For each note token the pitch is drawn among the pitches of the token's tone class over
    the chord at its onset, inside the interval bounds from the previous note; when none
    exists, the nearest pitch of that class is taken, and when the class does not exist at
    all (e.g. no X tone), the nearest chord tone. An interval that would leave the soloist's
    range is turned round (up becomes down). Returns (events, last pitch).
    """
    events, offset = [], Fraction(0)
    for text in tokens:
        tok = Token.parse(text)
        duration = snap(tok.duration)
        if tok.kind == "R":
            events.append(Event(float(offset), float(duration)))
            offset += duration
            continue
        chord = chord_at(chords, float(offset))
        candidates = [p for p in range(LOW, HIGH + 1) if tone_class(p, chord) == tok.kind]
        if not candidates:
            candidates = [p for p in range(LOW, HIGH + 1) if tone_class(p, chord) == "C"]
        anchor = previous if previous is not None else 67
        lo, hi = tok.bounds if tok.bounds is not None else (-BOUND_SLACK, BOUND_SLACK)
        if anchor + lo > HIGH - 2 or anchor + hi < LOW + 2:   # would leave the range: turn round
            lo, hi = -hi, -lo
        inside = [p for p in candidates if anchor + lo <= p <= anchor + hi]
        if inside:
            pitch = int(rng.choice(inside))
        else:
            target = anchor + (lo + hi) / 2
            pitch = min(candidates, key=lambda p: (abs(p - target), p))
        events.append(Event(float(offset), float(duration), pitch))
        previous = pitch
        offset += duration
    return events, previous


def snap(duration: float) -> Fraction:
    """A token's duration as an exact number of twelfths of a beat (at least one)."""
    return Fraction(round(duration * 12), 12) or Fraction(1, 12)


def sha256_text(lines) -> str:
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()


# ------------------------------------------------------------------------------------------
# Reading a MIDI file (music21)
# ------------------------------------------------------------------------------------------

def read_midi(path) -> tuple[list[list[Event]], list[list[Chord]]]:
    """The solo (first track) and the chords (second track) of a MIDI file, measure by measure.

    music21 parses the file and quantises onsets and durations to 1/4 and 1/3 of a beat.
    Gaps in the solo become rests; a note is cut at the bar line (the solos written here
    never tie across one). Every measure must have a chord at its first beat.
    """
    from music21 import converter

    score = converter.parse(str(path), format="midi", quantizePost=True)
    parts = list(score.parts)
    if len(parts) < 2:
        raise ValueError(f"{path}: expected two tracks (solo, chords), found {len(parts)}")
    lead, comp = parts[0].flatten(), parts[1].flatten()

    chord_events = []
    for c in comp.notes:
        pitches = [p.midi for p in c.pitches]
        chord_events.append((Fraction(c.offset), Fraction(c.quarterLength), pitches))
    end = max(o + d for o, d, _ in chord_events)
    n_measures = int(math.ceil(end / BEATS_PER_MEASURE))
    chords: list[list[Chord]] = [[] for _ in range(n_measures)]
    for offset, length, pitches in chord_events:
        k, inside = divmod(offset, BEATS_PER_MEASURE)
        chords[int(k)].append(Chord.from_pitches(pitches, float(inside), float(length)))
    for k, measure in enumerate(chords):
        if not measure or measure[0].offset != 0:
            raise ValueError(f"{path}: measure {k} has no chord on its first beat")

    notes: list[list[tuple[Fraction, Fraction, int]]] = [[] for _ in range(n_measures)]
    for n in lead.notes:
        offset, length = Fraction(n.offset), Fraction(n.quarterLength)
        k, inside = divmod(offset, BEATS_PER_MEASURE)
        length = min(length, BEATS_PER_MEASURE - inside)
        if length > 0 and int(k) < n_measures:
            notes[int(k)].append((inside, length, max(p.midi for p in n.pitches)))
    measures = []
    for items in notes:
        events, cursor = [], Fraction(0)
        for inside, length, pitch in sorted(items):
            if inside < cursor:          # overlapping notes: keep the later one
                continue
            if inside > cursor:
                events.append(Event(float(cursor), float(inside - cursor)))
            events.append(Event(float(inside), float(length), pitch))
            cursor = inside + length
        if cursor < BEATS_PER_MEASURE:
            events.append(Event(float(cursor), float(BEATS_PER_MEASURE - cursor)))
        measures.append(events)
    return measures, chords
