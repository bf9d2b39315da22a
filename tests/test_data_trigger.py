"""The audio of w3a2_trigger_word: what `make setup` built is what the committed manifest says.

Counts, durations, sample rates and sha256 of every file; the dev labels agree with the
label rule; the numpy references of the graders reproduce pydub sample for sample (the
hidden graders rely on that to compare learners' audio without moving AudioSegments).
"""
from __future__ import annotations

import hashlib
import json
import sys
import wave
import warnings

import numpy as np
import pytest

from conftest import ROOT

DATA = ROOT / "datasets" / "trigger_word"
MANIFEST = json.loads((DATA / "manifest.json").read_text())
sys.path.insert(0, str(ROOT / "graders"))
sys.path.insert(0, str(ROOT / "source" / "w3a2_trigger_word"))



@pytest.fixture(autouse=True, scope="module")
def _built():
    assert (DATA / "dev" / "labels.json").exists(), "trigger_word audio not built: run `make setup` (or `make data`)"


def _info(path):
    with wave.open(str(path), "rb") as src:
        return src.getframerate(), src.getnchannels(), src.getsampwidth(), src.getnframes()


def test_every_file_matches_the_manifest():
    files = MANIFEST["files"]
    built = {str(p.relative_to(DATA)) for p in DATA.glob("raw_data/*/*.wav")} | \
            {str(p.relative_to(DATA)) for p in DATA.glob("dev/**/*") if p.is_file()}
    assert built == set(files), f"built but not recorded: {sorted(built - set(files))[:5]}, " \
                                f"recorded but missing: {sorted(set(files) - built)[:5]}"
    wrong = [rel for rel, digest in files.items() if hashlib.sha256((DATA / rel).read_bytes()).hexdigest() != digest]
    assert not wrong, f"{len(wrong)} files differ from the manifest, e.g. {wrong[:3]}"


def test_counts():
    counts = MANIFEST["counts"]
    for folder, key in (("raw_data/activates", "train_activates"), ("raw_data/negatives", "train_negatives"),
                        ("raw_data/backgrounds", "train_backgrounds"), ("dev/activates", "dev_activates"),
                        ("dev/negatives", "dev_negatives"), ("dev/backgrounds", "dev_backgrounds"),
                        ("dev/clips", "dev_clips")):
        assert len(list((DATA / folder).glob("*.wav"))) == counts[key], folder
    assert counts["train_activates"] >= 100 and counts["dev_clips"] >= 25
    words = {p.name.rsplit("_", 1)[0] for p in (DATA / "raw_data" / "negatives").glob("*.wav")}
    assert len(words) >= 30 and "activate" not in words


def test_formats_and_durations():
    for path in sorted(DATA.glob("raw_data/*/*.wav")) + sorted(DATA.glob("dev/*/*.wav")):
        rate, channels, width, frames = _info(path)
        assert (rate, channels, width) == (44_100, 1, 2), path
        if path.parent.name in ("backgrounds", "clips"):
            assert frames == 441_000, path          # exactly 10 s
        else:
            assert 0.2 * 44_100 < frames < 1.5 * 44_100, path   # one word


def test_dev_voices_and_backgrounds_are_held_out():
    voices = MANIFEST["voices"]
    train = {v["variant"] for k, v in voices.items() if k.startswith("raw_data/") and "variant" in v}
    dev = {v["variant"] for k, v in voices.items() if k.startswith("dev/") and "variant" in v}
    assert train and dev and not train & dev
    train_bg = {json.dumps(v, sort_keys=True) for k, v in voices.items() if k.startswith("raw_data/backgrounds")}
    dev_bg = {json.dumps(v, sort_keys=True) for k, v in voices.items() if k.startswith("dev/backgrounds")}
    assert dev_bg and not train_bg & dev_bg


def test_dev_labels():
    labels = json.loads((DATA / "dev" / "labels.json").read_text())
    Y = np.load(DATA / "dev" / "Y_dev.npy", allow_pickle=False)
    assert Y.shape == (len(labels), 1375, 1) and set(np.unique(Y)) <= {0, 1}
    assert sum(len(item["activate_ends_ms"]) for item in labels) >= 100
    for k, item in enumerate(labels):
        expected = np.zeros(1375)
        for end in item["activate_ends_ms"]:
            end_y = int(end * 1375 / 10000.0)
            expected[end_y + 1:end_y + 51] = 1
        assert np.array_equal(Y[k, :, 0], expected), item["file"]
        segments = item["segments_ms"]
        for i, (s, e) in enumerate(segments):
            assert 0 <= s <= e < 10_000
            assert all(not (s <= e2 and e >= s2) for s2, e2 in segments[i + 1:]), "overlapping segments"


def test_references_reproduce_pydub():
    """The graders' numpy emulation of pydub equals the helper functions on AudioSegments."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trigger_utils as tu
    from w3a2_trigger_word import reference as ref

    activates, negatives, backgrounds = tu.load_raw_audio(tu.RAW_DATA)
    ra, rn, rb = ref.load_raw()
    as_array = lambda seg: np.array(seg.get_array_of_samples(), dtype=np.int16)  # noqa: E731
    assert [len(a) for a in activates] == [ref.length_ms(a) for a in ra]
    quiet = backgrounds[3] - 20
    assert np.array_equal(as_array(quiet), ref.apply_gain(rb[3], -20))
    mixed = quiet.overlay(activates[5], position=4321)
    assert np.array_equal(as_array(mixed), ref.overlay(ref.apply_gain(rb[3], -20), ra[5], 4321))
    assert mixed.dBFS == ref.dbfs(as_array(mixed))
    assert np.array_equal(as_array(tu.match_target_amplitude(mixed, -20.0)),
                          ref.match_target_amplitude(as_array(mixed), -20.0))


def test_released_weights_are_the_reference():
    """The notebook's copy of the w3a2 weights (source/ and release/) is the verified reference."""
    from autograde.references import Manifest, sha256_file

    reference = ROOT / "graders" / "references" / "w3a2_trigger_word"
    manifest = Manifest.read(reference)
    assert manifest.metrics["f1"] >= manifest.target["f1"] >= 0.85
    expected = manifest.files["trigger_word.weights.h5"]
    for tree in ("source", "release"):
        assert sha256_file(ROOT / tree / "w3a2_trigger_word" / "models" / "trigger_word.weights.h5") == expected
