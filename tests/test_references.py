"""Reference models: every manifest verifies, tampering is caught, released copies match."""
from __future__ import annotations

import shutil

from conftest import ROOT

from autograde.references import Manifest, sha256_file, verify

W3A1_REF = ROOT / "graders" / "references" / "w3a1_nmt_attention"


def test_every_manifest_verifies_on_the_whole_held_out_set(reference_reports):
    """Hashes, loadability, the recorded data, and the metric recomputed now (5,000 dates), by the
    command instructors run (`autograde references --json`, the conftest's background run)."""
    reports = list(reference_reports.values())  # one whole pass: hashes, data, loading, every held-out item
    assert all(r.ok for r in reports), [r for r in reports if not r.ok]
    listed = {p.parent.name for p in (ROOT / "graders" / "references").glob("*/manifest.json")}
    assert {r.assignment for r in reports} == listed and "w3a1_nmt_attention" in listed
    assert all(any("whole held-out set" in line for line in r.lines) for r in reports)
    manifest = Manifest.read(W3A1_REF)
    assert manifest.metrics["exact_match"] >= manifest.target["exact_match"] >= 0.995
    assert manifest.data["held_out_size"] == 5000
    for key in ("keras", "keras_backend"):
        assert manifest.framework[key]
    assert manifest.device and manifest.seed is not None and manifest.training["epochs_run"] >= 1


def test_a_sample_of_the_held_out_set_must_meet_the_target():
    """`autograde references --sample N`: the metric on the first N items, held to the target."""
    [report] = verify(ROOT, sample=20, names=("w3a1_nmt_attention",))
    assert report.ok, report.lines
    assert any("first 20 held-out items" in line for line in report.lines)


def test_tampering_is_detected(tmp_path):
    fake = tmp_path / "graders" / "references" / "w3a1_nmt_attention"
    shutil.copytree(W3A1_REF, fake)
    weights = fake / "nmt_attention.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    (fake / "stray.bin").write_bytes(b"x")
    [report] = verify(tmp_path)
    assert not report.ok
    assert any("sha256 differs" in line for line in report.lines)
    assert any("stray.bin: not listed" in line for line in report.lines)


def test_released_weights_are_the_reference():
    """The notebook's copy (source/ and release/) is byte-identical to the verified reference."""
    expected = Manifest.read(W3A1_REF).files["nmt_attention.weights.h5"]
    for tree in ("source", "release"):
        assert sha256_file(ROOT / tree / "w3a1_nmt_attention" / "models" / "nmt_attention.weights.h5") == expected
