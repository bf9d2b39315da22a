"""w1a3 (jazz improvisation): the graders' references and hidden inputs, checked against Keras.

The data contract itself (shapes, 90 values, determinism) is in test_data_jazz.py; the generic
checks (settings, notebook, catalog, release, reference manifest, validation) in
test_assignments.py.
"""
from __future__ import annotations

import wave

import numpy as np
import pytest
from conftest import grader_module

W1A3 = "w1a3_jazz_improvisation"


@pytest.fixture(scope="module")
def ref():
    return grader_module(W1A3, "reference")


@pytest.fixture(scope="module")
def reference_parts(ref):
    return ref.load_reference()


def _outputs(model, inputs) -> np.ndarray:
    return np.stack([np.asarray(o) for o in model(inputs, training=False)]).astype(np.float64)


def test_reference_models_have_the_contract_size(ref, reference_parts):
    model, inference, _ = reference_parts
    assert model.count_params() == inference.count_params() == ref.PARAMETERS == 45_530
    assert len(model.outputs) == ref.TX and len(inference.outputs) == ref.TY


def test_float64_djmodel_matches_keras_and_the_mistakes_are_far(ref, reference_parts):
    """The float64 reference equals the Keras model with the same weights (within the graders'
    tolerance, with room to spare), and every emulated mistake is far from it."""
    model, _, shared = reference_parts
    common = grader_module(W1A3, "common")
    X, a0, c0 = ref.held_out_windows()
    w = ref.weights_of(shared)
    expected = ref.djmodel_outputs(X, a0, c0, w)
    assert np.abs(_outputs(model, [X, a0, c0]) - expected).max() < common.DJ_ATOL / 5
    for mode in ref.DJ_MODES[1:]:
        assert np.abs(ref.djmodel_outputs(X, a0, c0, w, mode) - expected).max() > 100 * common.DIAG_ATOL, mode


def test_held_out_windows_are_not_training_windows(ref):
    data = ref.load_data()
    X, a0, c0 = ref.held_out_windows()
    training = {tuple(x.argmax(-1)[1:]) for x in data.X}
    assert X.shape == (8, ref.TX, ref.N_VALUES) and np.all(X.sum(-1) == 1)
    assert not any(tuple(x.argmax(-1)[1:]) in training for x in X)
    assert np.all(a0[:2] == 0) and np.all(np.abs(a0[2:]) > 0)


def test_greedy_reference_matches_keras_with_clear_choices(ref, reference_parts):
    """The greedy paths the graders compare never come close to a tie, so float32 Keras makes the
    same choices as the float64 reference (the margin is far above float32 rounding)."""
    _, inference, shared = reference_parts
    common = grader_module(W1A3, "common")
    tim = grader_module(W1A3, "test_music_inference_model")
    x0, a0, c0 = tim.initial_states()
    w = ref.weights_of(shared)
    probs, indices = ref.greedy_inference(x0, a0, c0, w, ref.TY)
    got = _outputs(inference, [x0, a0, c0])
    assert np.array_equal(got.argmax(-1), indices)
    assert np.abs(got - probs).max() < common.INF_ATOL / 5
    assert ref.top2_margin(probs) > 1e-4
    assert len({tuple(indices[:, i]) for i in range(indices.shape[1])}) == indices.shape[1]   # six different solos
    for feed in ref.INFERENCE_FEEDS:
        for zero in (False, True):
            if (feed, zero) != ("greedy", False):
                other, _ = ref.greedy_inference(x0, a0, c0, w, ref.TY, feed=feed, zero_states=zero)
                assert np.abs(other - probs).max() > 100 * common.DIAG_ATOL, (feed, zero)


def test_predict_and_sample_cases_separate_the_mistakes(ref):
    """Each hidden case has clear greedy choices; together they show a num_classes left out (some
    case never reaches its last value) and a sampler (some case is far from one-hot)."""
    tps = grader_module(W1A3, "test_predict_and_sample")
    left_out = False
    for case_id, n_values, *_ in tps.CASES:
        w, x0, a0, c0, probs, indices = tps.case_inputs(case_id)
        assert ref.top2_margin(probs[:, None, :]) > 1e-3
        assert probs.shape[1] == n_values <= tps.ACCEPTED_LITERAL
        left_out |= int(indices.max()) + 1 not in (n_values, tps.ACCEPTED_LITERAL)
    assert left_out
    assert min(tps.case_inputs("v12")[4].max(-1)) < 0.5


def test_shared_lstm_unrolled_by_default_changes_nothing(ref, reference_parts):
    """SharedLSTM unrolls its one-step sequences by default (faster graphs); the results are those
    of the loop over time steps."""
    _, _, shared = reference_parts
    assert shared.LSTM_cell.unroll is True
    plain = ref.SharedLayers()
    plain.LSTM_cell = ref.SharedLSTM(ref.N_A, return_state=True, unroll=False)
    model = ref.build_djmodel(5, plain)
    plain.LSTM_cell.set_weights(shared.LSTM_cell.get_weights())
    plain.densor.set_weights(shared.densor.get_weights())
    X, a0, c0 = (v[:, :5] if v.ndim == 3 else v for v in ref.held_out_windows())
    unrolled = ref.build_djmodel(5, shared)
    assert np.array_equal(_outputs(model, [X, a0, c0]), _outputs(unrolled, [X, a0, c0]))


def test_demo_solo_is_a_playable_wav(tmp_path):
    recipe = grader_module(W1A3, "reference_recipe")
    path = recipe.write_solo_wav(tmp_path / "solo.wav", measures=4)
    with wave.open(str(path)) as fh:
        assert fh.getnchannels() == 1 and fh.getsampwidth() == 2 and fh.getframerate() == 22050
        assert fh.getnframes() > 22050 * 4   # 4 measures of 4 beats at 130 bpm: over 7 seconds
    assert path.with_suffix(".midi").exists()
