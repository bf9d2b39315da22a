"""w3a2 (trigger word detection): its graders' references and hidden cases, checked against
independent computations.

- The references equal the instructor's solution run on real pydub AudioSegments with
  np.random.seed (the graders compare learners with the references, never with pydub).
- The hidden cases are what their names say (draw counts, sentinels, truncated runs), every
  emulated mistake differs from the contract on some case, and no create_training_example case
  runs out of retries (so the 2018 unbounded loop costs points only in insert_audio_clip).
- The model's behaviour on the first 711 frames of the dev clips IS the first 175 outputs of the
  full model (everything in it is causal), and those windows contain a firing.
"""
from __future__ import annotations

import warnings

import nbformat
import numpy as np
import pytest
from conftest import ROOT, grader_module

W3A2 = "w3a2_trigger_word"
SOURCE = ROOT / "source" / W3A2


@pytest.fixture(scope="module")
def ref():
    return grader_module(W3A2, "reference")


@pytest.fixture(scope="module")
def audio_tests():
    return grader_module(W3A2, "test_audio")


@pytest.fixture(scope="module")
def segment_tests():
    return grader_module(W3A2, "test_segments")


@pytest.fixture(scope="module")
def solution(tmp_path_factory):
    """The notebook's solution functions, defined in a namespace with the course's helpers
    (run in a temporary working directory: create_training_example writes train.wav)."""
    import os
    import sys

    sys.path.insert(0, str(SOURCE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trigger_utils
    nb = nbformat.read(str(SOURCE / "trigger_word_detection.ipynb"), as_version=4)
    ns = {"__name__": "w3a2_solution", "np": np, **{k: getattr(trigger_utils, k) for k in trigger_utils.__all__},
          "Ty": 1375}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid in ("is_overlapping_code", "insert_audio_clip_code", "insert_ones_code", "create_training_example_code"):
            exec(compile(cell.source, gid, "exec"), ns)
    ns["activates"], ns["negatives"], ns["backgrounds"] = trigger_utils.load_raw_audio()
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("w3a2"))
    yield ns
    os.chdir(cwd)


def _samples(segment) -> np.ndarray:
    return np.frombuffer(segment.raw_data, dtype="<i2")


def test_random_state_draws_the_seeded_global_stream(ref):
    for seed in (0, 11, 227):
        np.random.seed(seed)
        a = [ref.get_random_time_segment(600) for _ in range(5)] + [tuple(np.random.randint(12, size=3))]
        rng = np.random.RandomState(seed)
        b = [ref.get_random_time_segment(600, rng) for _ in range(5)] + [tuple(rng.randint(12, size=3))]
        assert a == b


def test_is_overlapping_reference_against_sets_of_milliseconds(ref, segment_tests):
    cases = segment_tests.EDGE_CASES + segment_tests.random_cases()
    for (s, e), previous, _ in cases:
        mine = set(range(s, e + 1))
        assert ref.is_overlapping((s, e), previous) == any(mine & set(range(ps, pe + 1)) for ps, pe in previous)


def test_insert_ones_reference_against_tensorflow(ref, segment_tests):
    for group in segment_tests.ONES_CASES.values():
        for Ty, end, earlier, _ in group:
            y = segment_tests._labelled(Ty, earlier)
            assert np.array_equal(ref.insert_ones(y, end), ref.insert_ones_tf(y, end)), (Ty, end)


def test_insert_ones_edge_cases_are_what_they_say(ref, segment_tests):
    cases = {about: (Ty, end, earlier) for g in segment_tests.ONES_CASES.values() for Ty, end, earlier, about in g}
    last = ref.insert_ones(np.zeros((1, 1375)), cases["a run that ends exactly on the last output step"][1])
    assert last.sum() == 50 and last[0, -1] == 1
    cut = ref.insert_ones(np.zeros((1, 1375)), cases["a run one step too long for the clip (cut at Ty)"][1])
    assert cut.sum() == 49 and cut[0, -1] == 1
    assert ref.insert_ones(np.zeros((1, 1375)), 9999).sum() == 0
    assert ref.insert_ones(np.zeros((1, 97)), 9500).sum() == 97 - 1 - int(9500 * 97 / 10000)


def test_insert_cases_draw_as_their_names_say(ref, audio_tests):
    """Draw counts under the contract (free slots after 1, 4, 3 draws; 7 draws in every retries case,
    two of them ending with the sentinel; the sentinel in every no-room case)."""
    expected_draws = {"an empty timeline": 1, "a gap between two booked halves": 4, "six booked segments": 3}
    for name, (seed, k, (kind, i), previous) in audio_tests.ALL_INSERT_CASES.items():
        rng = np.random.RandomState(seed)
        draws = []

        class Counting:
            def randint(self, *args, **kwargs):
                draws.append(1)
                return rng.randint(*args, **kwargs)

        _, segment = ref.insert_audio_clip(audio_tests.raw()[2][k], audio_tests._clip(kind, i), list(previous),
                                           rng=Counting())
        if name in expected_draws:
            assert len(draws) == expected_draws[name] and segment != ref.SENTINEL, name
        elif name in audio_tests.INSERT_CASES["retries"]:
            assert len(draws) == 7 and (segment == ref.SENTINEL) == ("run out" in name), name
        else:
            assert segment == ref.SENTINEL, name


def test_reference_insertions_equal_pydub(ref, audio_tests, solution):
    """The instructor's insert_audio_clip on AudioSegments, with np.random.seed: the graders' expected values."""
    for name, (seed, k, (kind, i), previous) in audio_tests.ALL_INSERT_CASES.items():
        prev = list(previous)
        np.random.seed(seed)
        audio, segment = solution["insert_audio_clip"](solution["backgrounds"][k], solution[kind][i], prev)
        state = np.random.get_state()
        expected = audio_tests.expected_insertion(name)
        assert tuple(segment) == tuple(expected.segment) and prev == expected.previous, name
        assert np.array_equal(_samples(audio), expected.audio), name
        assert np.array_equal(state[1], expected.position[0]) and state[2] == expected.position[1], name


def test_every_insertion_mistake_shows(audio_tests):
    for mistake, (forms, _) in audio_tests.INSERT_MISTAKES.items():
        for form in range(len(forms)):
            assert any(not audio_tests.same_insertion(audio_tests.expected_insertion(n, mistake, form),
                                                      audio_tests.expected_insertion(n))
                       for n in audio_tests.ALL_INSERT_CASES), (mistake, form)


def test_example_cases_never_run_out_of_retries(ref, audio_tests):
    """So the examples do not depend on how retries are bounded; and they cover a truncated run,
    another Ty, an example without activates and one with four."""
    activates, negatives, backgrounds = audio_tests.raw()
    truncated = counts = 0
    for name, (seed, k, Ty) in audio_tests.EXAMPLE_CASES.items():
        rng = np.random.RandomState(seed)
        results = []

        def insert(bg, clip, prev):
            out = ref.insert_audio_clip(bg, clip, prev, rng=rng)
            results.append(out[1])
            return out

        _, _, _, ends = ref.mix_example(backgrounds[k], activates, negatives, Ty, rng, insert, ref.insert_ones,
                                        ref.apply_gain)
        assert ref.SENTINEL not in results, name
        truncated += any(int(e * Ty / 10000) + 50 >= Ty for e in ends)
        counts |= 1 << len(ends)
    assert truncated and counts & 1 and counts & (1 << 4)
    assert {Ty for _, _, Ty in audio_tests.EXAMPLE_CASES.values()} - {1375}


def test_reference_examples_equal_pydub(ref, audio_tests, solution):
    """The instructor's create_training_example (pydub, matplotlib, train.wav) under np.random.seed."""
    for name, (seed, k, Ty) in audio_tests.EXAMPLE_CASES.items():
        np.random.seed(seed)
        x, y = solution["create_training_example"](solution["backgrounds"][k], solution["activates"],
                                                   solution["negatives"], Ty)
        state = np.random.get_state()
        expected = audio_tests.expected_example(name)
        assert np.array_equal(y, expected.y), name
        assert np.array_equal(x, expected.x), name   # the same samples through the same code: equal
        assert np.array_equal(state[1], expected.position[0]) and state[2] == expected.position[1], name


def test_every_example_mistake_shows(audio_tests):
    for mistake in audio_tests.CTE_MISTAKES:
        assert any(not audio_tests.like_emulation(audio_tests.expected_example(n), audio_tests.expected_example(n, mistake))
                   for n in audio_tests.EXAMPLE_CASES), mistake


def test_window_outputs_are_the_full_models_first_outputs(ref):
    """Causal model: its outputs on the first 711 frames equal the first 175 outputs on the whole
    clip; and the dev windows hold a firing (more than 20 steps above 0.5)."""
    windows = ref.dev_windows()
    assert windows.shape == (len(ref.WINDOW_CLIPS), ref.WINDOW_FRAMES, ref.N_FREQ)
    small = ref.window_model().predict(windows, verbose=0)
    steps = ref.output_steps(ref.WINDOW_FRAMES)
    assert small.shape == (len(ref.WINDOW_CLIPS), steps, 1) and steps == 175
    X, _, _ = ref.load_dev(max(ref.WINDOW_CLIPS) + 1)
    full = np.asarray(ref.load_reference()(X[list(ref.WINDOW_CLIPS)], training=False))  # eager: no 5,511-step trace
    assert np.abs(full[:, :steps] - small).max() < 1e-5
    assert all(ref.detections(p) for p in small)
