"""w3a1 (date translation with attention): its data generator, references and graders."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from conftest import grader_module

W3A1 = "w3a1_nmt_attention"


@pytest.fixture(scope="module")
def ref():
    return grader_module(W3A1, "reference")


@pytest.fixture(scope="module")
def dp(ref):
    return ref.date_pairs()


def test_generator_is_seeded_and_within_vocabulary(dp):
    pairs = dp.generate_pairs(3000, seed=5)
    assert pairs == dp.generate_pairs(3000, seed=5) and pairs != dp.generate_pairs(3000, seed=6)
    assert len(dp.HUMAN_VOCAB) == 37 and len(dp.MACHINE_VOCAB) == 11
    assert list(dp.HUMAN_VOCAB)[-2:] == ["<unk>", "<pad>"] and dp.HUMAN_VOCAB["<pad>"] == 36
    for human, iso in pairs:
        assert set(human) <= set(dp.HUMAN_VOCAB) and "," not in human and human == human.lower()
        assert len(human) <= dp.TX
        assert dt.date.fromisoformat(iso).isoformat() == iso
    X, Y, Xoh, Yoh = dp.preprocess_data(pairs[:50], dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    assert X.shape == (50, 30) and Y.shape == (50, 10) and Xoh.shape == (50, 30, 37) and Yoh.shape == (50, 10, 11)
    assert np.array_equal(Xoh.argmax(-1), X) and np.array_equal(Yoh.argmax(-1), Y)
    assert dp.string_to_int("Jan 5, 2009!", 30, dp.HUMAN_VOCAB)[-19:] == [dp.HUMAN_VOCAB["<pad>"]] * 19
    assert dp.string_to_int("jan 5 2009!", 30, dp.HUMAN_VOCAB)[10] == dp.HUMAN_VOCAB["<unk>"]


def test_every_human_text_has_one_reading(dp):
    """No format pair makes a text ambiguous (e.g. d/M against M/d): exact match can reach 100 %."""
    seen: dict[str, str] = {}
    for human, iso in dp.generate_pairs(40000, seed=9):
        assert seen.setdefault(human, iso) == iso, (human, iso, seen[human])


def test_years_are_calendar_years_around_new_year(dp):
    """babel's Y/YYY is the week-based year; every pattern here must write the calendar year
    (in all of them the year is the last number of the text)."""
    for day in (dt.date(2020, 12, 31), dt.date(2021, 1, 1), dt.date(1999, 12, 27), dt.date(2027, 1, 2)):
        for pattern in set(dp.FORMATS):
            year = re.findall(r"\d+", dp.humanize(day, pattern))[-1]
            assert year in (str(day.year), f"{day.year % 100:02d}"), (pattern, day, year)


def test_reference_attention_matches_keras_layers(ref):
    """The float64 TF formula of one attention step equals the Keras layers it stands for."""
    layers = ref.AttentionLayers()
    rng = np.random.default_rng(3)
    a = rng.normal(0, 1, (4, 30, 64)).astype(np.float32)
    s = rng.normal(0, 1, (4, 64)).astype(np.float32)
    keras_context = np.asarray(layers.one_step_attention(a, s))
    W1, b1 = layers.densor1.get_weights()
    W2, b2 = layers.densor2.get_weights()
    W2, b2 = W2 + 0.5, b2 + 1.0   # keep the relu energies away from all-zero
    layers.densor2.set_weights([W2, b2])
    keras_context = np.asarray(layers.one_step_attention(a, s))
    ours = ref.attention_context(a, s, W1.astype(np.float64), b1.astype(np.float64), W2.astype(np.float64),
                                 b2.astype(np.float64))
    assert np.allclose(keras_context, ours, atol=2e-6)
    assert not np.allclose(ours, ref.attention_context(a, s, W1, b1, W2, b2, concat_s_first=True), atol=1e-3)


def test_reference_model_size(ref):
    assert ref.build_model().count_params() == ref.PARAMETERS == 52_960

