"""The authored sentences of w2a2_emojify: format, counts (also those the notebook quotes),
GloVe coverage, lengths, negations, and that no test sentence occurs in training."""
from __future__ import annotations

import csv
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "emojify"
NOTEBOOK = ROOT / "source" / "w2a2_emojify" / "emojify.ipynb"
EXPECTED = {"train_emoji.csv": [22, 19, 38, 36, 17], "test_emoji.csv": [12, 5, 18, 15, 6]}


def rows(name: str) -> list[tuple[str, int]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["sentence", "label"]
        out = []
        for row in reader:
            assert len(row) == 2, f"{name}: {row} should have exactly two fields"
            assert row[1] in {"0", "1", "2", "3", "4"}, f"{name}: label {row[1]!r}"
            out.append((row[0], int(row[1])))
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_format_and_counts(name):
    data = rows(name)
    counts = Counter(label for _, label in data)
    assert [counts[k] for k in range(5)] == EXPECTED[name]
    for sentence, _ in data:
        assert re.fullmatch(r"[a-z]+( [a-z]+)*", sentence), f"{name}: {sentence!r} is not lower-case words " \
                                                             "separated by single spaces"
    assert len({s for s, _ in data}) == len(data), f"{name} repeats a sentence"
    raw = (DATA / name).read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw


def test_lengths():
    assert max(len(s.split()) for s, _ in rows("train_emoji.csv")) == 10   # maxLen = 10
    assert max(len(s.split()) for s, _ in rows("test_emoji.csv")) <= 10


def test_no_test_sentence_in_training():
    train = {s for s, _ in rows("train_emoji.csv")}
    assert not [s for s, _ in rows("test_emoji.csv") if s in train]


def test_negations_in_the_test_split():
    negations = [(s, label) for s, label in rows("test_emoji.csv") if "not" in s.split()]
    assert len(negations) == 7 and all(label == 3 for _, label in negations)


def test_every_token_is_a_glove_word():
    path = ROOT / "datasets" / "glove" / "glove_store.py"
    module = sys.modules.get("glove_store")
    if module is None:
        spec = importlib.util.spec_from_file_location("glove_store", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["glove_store"] = module
        spec.loader.exec_module(module)
    if not (path.parent / module.DESCRIPTOR).is_file():
        pytest.fail("the GloVe store is not built: run `make setup` (or `make data`)")
    vocabulary = module.load_store(path.parent).word_to_vec_map
    missing = sorted({w for name in EXPECTED for s, _ in rows(name) for w in s.split() if w not in vocabulary})
    assert not missing


def test_counts_quoted_in_the_notebook():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for name, label in (("train_emoji.csv", "train"), ("test_emoji.csv", "test")):
        counts = EXPECTED[name]
        row = f"| {label} | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |"
        assert row in prose, f"the notebook's count table should have the row {row}"
    assert f"{len(rows('train_emoji.csv'))} sentences" in prose
    negations = sum("not" in s.split() for s, _ in rows("test_emoji.csv"))
    train_negations = sum("not" in s.split() for s, _ in rows("train_emoji.csv"))
    assert f"seven **negations**" in prose and negations == 7
    assert f"the eight negations in\nthe training set" in prose and train_negations == 8
