"""w1a3 (jazz improvisation): the music data, its grammar and the learner helper's loader.

No TensorFlow model is trained here; these tests read the committed MIDI file with music21
(about a second) and check the data contract of CURRICULUM.md.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

DATA = ROOT / "datasets" / "jazz_solos"
MIDI = DATA / "training_solo.mid"
# The committed file's hash; also in datasets/jazz_solos/README.md.
MIDI_SHA256 = "6accc8204ef640da7d7266744d008bc40d9972d43adbd90c4bbd8dfb2021cef9"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def g():
    return _load("jazz_grammar", DATA / "jazz_grammar.py")


@pytest.fixture(scope="module")
def utils(g):
    return _load("jazz_utils", ROOT / "source" / "w1a3_jazz_improvisation" / "jazz_utils.py")


@pytest.fixture(scope="module")
def loaded(utils):
    return utils.load_music_utils()


def test_committed_midi_is_what_the_generator_writes():
    assert hashlib.sha256(MIDI.read_bytes()).hexdigest() == MIDI_SHA256
    done = subprocess.run([sys.executable, str(DATA / "make_solos.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_reading_the_midi_gives_back_the_generated_solo(g):
    sys.path.insert(0, str(DATA))
    import make_solos

    chords = make_solos.progression()
    written = make_solos.solo(chords)
    measures, read_chords = g.read_midi(MIDI)
    assert [[c.symbol for c in m] for m in read_chords] == [[c.symbol for c in m] for m in chords]
    as_tuples = lambda ms: [[(round(e.offset, 4), round(e.duration, 4), e.pitch) for e in m] for m in ms]  # noqa: E731
    assert as_tuples(measures) == as_tuples(written)
    for m in measures:   # every measure is filled exactly: notes and rests add up to four beats
        assert abs(sum(e.duration for e in m) - 4) < 1e-9


def test_shapes_and_contract(loaded):
    X, Y, n_values, indices_values, chords = loaded
    assert X.shape == (60, 30, 90) and Y.shape == (30, 60, 90) and n_values == 90
    assert X.dtype == np.float32 and Y.dtype == np.float32
    assert sorted(indices_values) == list(range(90)) and len(set(indices_values.values())) == 90
    assert np.all(X[:, 0, :] == 0) and np.all(Y[-1] == 0)
    assert np.all(X[:, 1:, :].sum(-1) == 1) and set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(Y[:-1], np.swapaxes(X[:, 1:, :], 0, 1))
    assert len(chords) == 144 and all(len(m) in (1, 2) and m[0].offset == 0 for m in chords)


def test_vocabulary_is_the_90_most_frequent_and_folds_to_the_nearest(g):
    measures, chords = g.read_midi(MIDI)
    corpus = [t for m in g.tokenize(measures, chords) for t in m]
    counts = Counter(corpus)
    values, fold = g.build_vocabulary(corpus)
    assert len(values) == 90 < len(counts) and values == sorted(values)
    least_kept = min(counts[v] for v in values)
    assert all(counts[t] <= least_kept for t in counts if t not in values)
    for token, target in fold.items():
        assert target in values
        if token in values:
            assert target == token
        else:
            best = min(g.token_distance(token, v) for v in values)
            assert g.token_distance(token, target) == best
            assert (token[0] == "R") == (target[0] == "R")
    kept_share = sum(counts[v] for v in values) / len(corpus)
    assert kept_share > 0.85          # measured 0.89: folding changes about one value in nine


def test_tokens_follow_the_grammar(loaded):
    *_, indices_values, _ = loaded
    pattern = re.compile(r"^(?:R,\d\.\d{3}|[CSAX],\d\.\d{3}(?:,<[+-]\d+,[+-]\d+>)?)$")
    for value in indices_values.values():
        assert pattern.match(value), value
    kinds = Counter(v[0] for v in indices_values.values())
    assert set(kinds) == {"C", "S", "A", "X", "R"}


def test_loading_is_deterministic(utils, loaded):
    again = utils.load_music_utils()
    for a, b in zip(loaded, again):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b
    other = utils.load_music_utils(seed=1)
    assert not np.array_equal(other[0], loaded[0])


def test_reference_data_matches_the_notebook_loader(loaded):
    sys.path.insert(0, str(ROOT / "graders"))
    from w1a3_jazz_improvisation import reference as ref

    data = ref.load_data()
    np.testing.assert_array_equal(data.X, loaded[0])
    np.testing.assert_array_equal(data.Y, loaded[1])
    assert data.indices_values == loaded[3]


def test_tone_classes(g):
    f7, cmaj7 = g.Chord.parse("F7"), g.Chord.parse("Cmaj7")
    assert [g.tone_class(p, f7) for p in (65, 69, 72, 75)] == ["C"] * 4     # F A C Eb
    assert [g.tone_class(p, f7) for p in (67, 70, 74)] == ["S"] * 3         # G Bb D
    assert [g.tone_class(p, f7) for p in (64, 68, 71)] == ["A"] * 3         # E->F, Ab->A, B->C
    assert [g.tone_class(p, f7) for p in (66, 73)] == ["X"] * 2             # Gb (b9), Db (b13)
    assert g.tone_class(63, cmaj7) == "A" and g.tone_class(61, cmaj7) == "X" and g.tone_class(71, cmaj7) == "C"
    assert g.Chord.parse("Bb7").voicing()[0] % 12 == 10
    assert g.Chord.from_pitches(g.Chord.parse("Am7b5").voicing()).symbol == "Am7b5"


def test_unparse_respects_tone_class_and_bounds(g):
    rng = np.random.default_rng(0)
    chords = [g.Chord.parse("Gm7", 0, 2), g.Chord.parse("C7", 2, 2)]
    tokens = ["C,1.000", "S,0.500,<-3,+1>", "A,0.500,<-4,+0>", "C,1.000,<-1,+3>", "R,1.000"]
    events, last = g.unparse(tokens, chords, 67, rng)
    assert [e.offset for e in events] == [0, 1, 1.5, 2, 3]
    previous = 67
    for tok, ev in zip(tokens, events):
        t = g.Token.parse(tok)
        if t.kind == "R":
            assert ev.pitch == g.NO_PITCH
            continue
        assert g.tone_class(ev.pitch, g.chord_at(chords, ev.offset)) == t.kind
        lo, hi = t.bounds or (-2, 2)
        assert lo <= ev.pitch - previous <= hi
        previous = ev.pitch
    assert last == previous


def test_fit_to_measure_cuts_at_the_bar_line(g):
    used, rest = g.fit_to_measure(["C,1.000", "S,1.500,<-2,+2>", "C,1.000,<-2,+2>", "R,1.000", "C,0.500"])
    assert used == ["C,1.000", "S,1.500,<-2,+2>", "C,1.000,<-2,+2>", "R,0.500"] and rest == ["C,0.500"]
    used, rest = g.fit_to_measure(["C,0.333"] * 12 + ["S,0.500"])
    assert len(used) == 12 and rest == ["S,0.500"]
