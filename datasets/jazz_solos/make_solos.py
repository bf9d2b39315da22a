"""Writes the training solo of w1a3_jazz_improvisation: a seeded, grammar-based jazz solo
over chord charts written here, as a two-track MIDI file (solo and chords, 130 bpm).

    python datasets/jazz_solos/make_solos.py            # writes training_solo.mid here
    python datasets/jazz_solos/make_solos.py --check    # regenerates and compares sha256

Nothing is transcribed from any recording. The three chord charts below are written here:
a twelve-bar blues in F (a traditional form), an original sixteen-bar tune built from
ii-V-I progressions in C, and an original eight-bar minor tune in C minor.

The soloist is a small random grammar, seeded:

- **Rhythm.** Each measure takes one of the rhythm cells of ``RHYTHMS`` (swing eighths,
  syncopations, triplets, a held note, a pickup after a rest ...), chosen with weights; the
  last measure of a four-bar phrase prefers the sparser cells, so the line breathes. A
  measure sometimes repeats the previous measure's rhythm (a motif).
- **Pitch.** A melodic line walks through the soloist's range, mostly by small steps in its
  current direction, sometimes leaping. Downbeats prefer chord tones, off-beats scale
  tones; an approach tone (a half step below a chord tone) always resolves up to it, an
  altered tension (b9, b13 on a dominant) resolves down to the nearest chord tone. Some
  measures are arpeggios of the chord instead.

The result is jazz-*like*: clear chord-scale logic, swing rhythms, motifs. It is meant to
give an LSTM a structured sequence to learn, not to imitate any player.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from jazz_grammar import (BEATS_PER_MEASURE, HIGH, LOW, NO_PITCH, TEMPO_BPM, Chord, Event,  # noqa: E402
                          chord_at, tone_class)

SEED = 1414
OUTPUT = HERE / "training_solo.mid"

# Each chart is a list of measures; a measure is one chord symbol or two (two beats each).
BLUES_IN_F = [
    "F7", "Bb7", "F7", "Cm7 F7",
    "Bb7", "Bb7", "F7", "Am7b5 D7",
    "Gm7", "C7", "F7 D7", "Gm7 C7",
]
TURNAROUND_IN_C = [  # original
    "Cmaj7", "Am7", "Dm7", "G7",
    "Em7", "A7", "Dm7", "G7",
    "Cmaj7", "C7", "Fmaj7", "Fm7 Bb7",
    "Em7", "A7", "Dm7 G7", "C6",
]
MINOR_IN_C = [  # original
    "Cm6", "Cm6", "Fm7", "Fm7",
    "Dm7b5", "G7", "Cm6", "Dm7b5 G7",
]
# (chart, choruses), in the order they are played
PROGRAM = [(BLUES_IN_F, 4), (TURNAROUND_IN_C, 2), (MINOR_IN_C, 3), (BLUES_IN_F, 2), (TURNAROUND_IN_C, 1)]

E, Q, T, H = Fraction(1, 2), Fraction(1), Fraction(1, 3), Fraction(2)
S, DE = Fraction(1, 4), Fraction(3, 4)
N, R = True, False   # note, rest
# (weight, weight at the end of a phrase, cells: (duration, is_note))
RHYTHMS = [
    (3.0, 0.3, [(E, N)] * 8),
    (2.0, 0.5, [(Q, N), (E, N), (E, N), (Q, N), (Q, N)]),
    (2.0, 0.3, [(E, R)] + [(E, N)] * 7),
    (1.5, 0.8, [(Q + E, N), (E, N), (Q, N), (Q, N)]),
    (1.5, 0.5, [(E, N), (Q, N), (E, N), (Q, N), (Q, N)]),
    (1.0, 0.2, [(T, N)] * 3 + [(E, N)] * 4 + [(Q, N)]),
    (1.0, 0.3, [(E, N)] * 4 + [(T, N)] * 3 + [(Q, N)]),
    (0.7, 0.5, [(DE, N), (S, N), (DE, N), (S, N), (Q, N), (Q, N)]),
    (0.6, 2.5, [(H, N), (Q, R), (E, N), (E, N)]),
    (0.3, 2.0, [(3 * Q, N), (Q, R)]),
    (0.8, 1.5, [(H, R)] + [(E, N)] * 4),
    (1.0, 1.0, [(Q, N), (Q, R), (E, N), (E, N), (Q, N)]),
    (0.8, 1.5, [(E, N)] * 4 + [(H, N)]),
    (0.6, 0.6, [(Q, R), (E, N), (E, N), (E, N), (E, N), (Q, N)]),
]

ON_BEAT = {"C": 0.62, "S": 0.28, "A": 0.07, "X": 0.03}
OFF_BEAT = {"C": 0.30, "S": 0.48, "A": 0.17, "X": 0.05}


def parse_chart(chart: list[str]) -> list[list[Chord]]:
    measures = []
    for bar in chart:
        symbols = bar.split()
        beats = BEATS_PER_MEASURE / len(symbols)
        measures.append([Chord.parse(s, offset=i * beats, beats=beats) for i, s in enumerate(symbols)])
    return measures


def progression() -> list[list[Chord]]:
    """The chords of every measure of the training solo, in order."""
    return [m for chart, choruses in PROGRAM for _ in range(choruses) for m in parse_chart(chart)]


class Soloist:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.pitch = 67
        self.direction = 1
        self.forced: int | None = None
        self.last_rhythm: list | None = None

    def _rhythm(self, end_of_phrase: bool) -> list:
        if self.last_rhythm is not None and not end_of_phrase and self.rng.random() < 0.2:
            return self.last_rhythm
        weights = np.array([r[1] if end_of_phrase else r[0] for r in RHYTHMS])
        return RHYTHMS[self.rng.choice(len(RHYTHMS), p=weights / weights.sum())][2]

    def _pick(self, chord: Chord, kind: str) -> int:
        candidates = [p for p in range(LOW, HIGH + 1) if tone_class(p, chord) == kind
                      and abs(p - self.pitch) <= 9]
        if not candidates:
            candidates = [p for p in range(LOW, HIGH + 1) if tone_class(p, chord) == "C"]
        if self.pitch >= HIGH - 4:
            self.direction = -1
        elif self.pitch <= LOW + 4:
            self.direction = 1
        elif self.rng.random() < 0.18:
            self.direction = -self.direction
        weights = []
        for p in candidates:
            d = p - self.pitch
            w = np.exp(-abs(d) / 2.2) if d else 0.12
            w *= 1.8 if d * self.direction > 0 else 0.5
            weights.append(w)
        weights = np.array(weights)
        return int(candidates[self.rng.choice(len(candidates), p=weights / weights.sum())])

    def _resolution(self, pitch: int, kind: str, chord: Chord) -> int | None:
        if kind == "A":
            return pitch + 1
        if kind == "X":
            below = [p for p in range(pitch - 3, pitch) if tone_class(p, chord) == "C"]
            return below[-1] if below else None
        return None

    def measure(self, chords: list[Chord], end_of_phrase: bool) -> list[Event]:
        rhythm = self._rhythm(end_of_phrase)
        self.last_rhythm = rhythm
        arpeggio = self.rng.random() < 0.12
        events, offset = [], Fraction(0)
        for duration, is_note in rhythm:
            if not is_note:
                events.append(Event(float(offset), float(duration)))
                offset += duration
                continue
            chord = chord_at(chords, float(offset))
            if self.forced is not None and LOW <= self.forced <= HIGH:
                pitch, kind = self.forced, tone_class(self.forced, chord)
                self.forced = None
            else:
                self.forced = None
                if arpeggio:
                    kind = "C"
                else:
                    table = ON_BEAT if offset.denominator == 1 else OFF_BEAT
                    kinds = list(table)
                    kind = kinds[self.rng.choice(len(kinds), p=np.array(list(table.values())))]
                pitch = self._pick(chord, kind)
                kind = tone_class(pitch, chord)
                if kind in "AX":
                    self.forced = self._resolution(pitch, kind, chord_at(chords, float(offset + duration)))
            events.append(Event(float(offset), float(duration), pitch))
            self.pitch = pitch
            offset += duration
        assert offset == BEATS_PER_MEASURE, rhythm
        return events


def solo(chords: list[list[Chord]], seed: int = SEED) -> list[list[Event]]:
    player = Soloist(np.random.default_rng(seed))
    return [player.measure(measure, end_of_phrase=(i % 4 == 3)) for i, measure in enumerate(chords)]


def write_midi(measures: list[list[Event]], chords: list[list[Chord]], path: Path, tempo: int = TEMPO_BPM) -> None:
    """Two parts: the solo (tenor saxophone) and the chords (piano, held for their duration)."""
    from music21 import chord as m21chord
    from music21 import instrument, note, stream, tempo as m21tempo

    score = stream.Score()
    lead, comp = stream.Part(), stream.Part()
    lead.insert(0, instrument.TenorSaxophone())
    lead.insert(0, m21tempo.MetronomeMark(number=tempo))
    comp.insert(0, instrument.Piano())
    for i, (events, measure_chords) in enumerate(zip(measures, chords)):
        start = i * BEATS_PER_MEASURE
        for ev in events:
            if ev.pitch != NO_PITCH:
                n = note.Note(ev.pitch, quarterLength=ev.duration)
                n.volume.velocity = 90
                lead.insert(start + ev.offset, n)
        for c in measure_chords:
            ch = m21chord.Chord(c.voicing(), quarterLength=c.beats)
            ch.volume.velocity = 60
            comp.insert(start + c.offset, ch)
    score.insert(0, lead)
    score.insert(0, comp)
    score.write("midi", fp=str(path))


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="regenerate into a temporary file and compare")
    args = parser.parse_args(argv)
    chords = progression()
    measures = solo(chords, args.seed)
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.mid"
            write_midi(measures, chords, fresh)
            same = sha256_file(fresh) == sha256_file(args.out)
        print("identical" if same else "DIFFERENT", sha256_file(args.out))
        return 0 if same else 1
    write_midi(measures, chords, args.out)
    print(f"wrote {args.out} ({len(measures)} measures, "
          f"{sum(e.pitch != NO_PITCH for m in measures for e in m)} notes), sha256 {sha256_file(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
