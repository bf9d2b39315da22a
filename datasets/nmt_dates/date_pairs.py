"""Seeded generator of (human-readable date, ISO date) pairs for w3a1_nmt_attention.

Offline by construction: Faker draws the calendar dates, babel (which bundles the CLDR
locale data) writes them in English (en_US) patterns. Nothing is downloaded.

Why these choices:
- Years come from babel's ``y``/``yy`` patterns, never ``Y``/``YYY``: upper-case Y is the
  week-based year, which writes e.g. 2021-01-01 as "2020" and would teach wrong labels.
- Dates are drawn from 1950-01-01 to 2049-12-31, so a two-digit year is unambiguous
  (50-99 -> 19xx, 00-49 -> 20xx) and a model can learn it.
- Every human text has exactly one reading: slashes are always month first (the en_US
  'short' style), dots always day first. Mixing d/M and M/d would make "05/09/21" ambiguous
  and cap any model's exact-match accuracy (a first reference run plateaued at 97.7 %).
- The human vocabulary is fixed here, not derived from a sample: its size (37) sets the
  input width and hence the model's parameter count (52,960).

This file is plain data code with no course imports, so the learner helpers, the grader's
training recipe and the tests all use the same generator.
"""
from __future__ import annotations

import datetime as _dt
import random
import string

import numpy as np

LOCALE = "en_US"
FIRST_DATE = _dt.date(1950, 1, 1)
LAST_DATE = _dt.date(2049, 12, 31)
TX, TY = 30, 10

# babel patterns, all with a calendar year (y/yy). The locale's four standard lengths are
# common in real text, so they are weighted more.
STANDARD_FORMATS = ["short", "medium", "long", "full"]
EXPLICIT_FORMATS = [
    "d MMM y", "d MMMM y", "dd MMM y", "dd MMMM y", "d MMM yy", "d MMMM yy",
    "MMM d y", "MMMM d y", "MMM dd y", "MMMM dd y", "MMMM d yy",
    "d MMMM, y", "MMMM d, y", "MMM d, yy",
    "dd.MM.yy", "dd.MM.y", "d.M.y", "d.M.yy", "MM/dd/y", "M/d/y", "MM/dd/yy",
    "EEEE d MMMM y", "EEE d MMM y", "EEEE MMMM d y", "EEE MMM d yy", "EEEE dd.MM.y",
    "E d MMMM y",
]
FORMATS = STANDARD_FORMATS * 10 + EXPLICIT_FORMATS

_MONTH_AND_DAY_NAMES = ("january february march april may june july august september october november "
                        "december monday tuesday wednesday thursday friday saturday sunday")
HUMAN_CHARS = sorted(set(" ./" + string.digits + _MONTH_AND_DAY_NAMES.replace(" ", "")))
UNK, PAD = "<unk>", "<pad>"
HUMAN_VOCAB: dict[str, int] = {ch: i for i, ch in enumerate(HUMAN_CHARS + [UNK, PAD])}
MACHINE_VOCAB: dict[str, int] = {ch: i for i, ch in enumerate(sorted("-" + string.digits))}
INV_MACHINE_VOCAB: dict[int, str] = {i: ch for ch, i in MACHINE_VOCAB.items()}
assert len(HUMAN_VOCAB) == 37 and len(MACHINE_VOCAB) == 11


def humanize(date: _dt.date, pattern: str) -> str:
    """One date in one babel pattern, lower-cased, commas removed."""
    from babel.dates import format_date

    return format_date(date, format=pattern, locale=LOCALE).lower().replace(",", "")


def generate_pairs(m: int, seed: int = 12345) -> list[tuple[str, str]]:
    """m pairs (human text, 'YYYY-MM-DD'); the same (m, seed) always gives the same list."""
    from faker import Faker

    fake = Faker(LOCALE)
    fake.seed_instance(seed)
    rng = random.Random(seed)
    pairs = []
    for _ in range(m):
        date = fake.date_between_dates(date_start=FIRST_DATE, date_end=LAST_DATE)
        pairs.append((humanize(date, rng.choice(FORMATS)), date.isoformat()))
    return pairs


def load_dataset(m: int, seed: int = 12345):
    """(dataset, human_vocab, machine_vocab, inv_machine_vocab), as the notebook expects."""
    return generate_pairs(m, seed), dict(HUMAN_VOCAB), dict(MACHINE_VOCAB), dict(INV_MACHINE_VOCAB)


def string_to_int(text: str, length: int, vocab: dict[str, int]) -> list[int]:
    """Lower-case, drop commas, cut or pad to ``length``; unseen characters become <unk>."""
    text = text.lower().replace(",", "")[:length]
    ids = [vocab[ch] if ch in vocab else vocab[UNK] for ch in text]
    return ids + [vocab[PAD]] * (length - len(ids)) if len(ids) < length else ids


def int_to_string(ints, inv_vocab: dict[int, str]) -> list[str]:
    return [inv_vocab[int(i)] for i in ints]


def one_hot(indices, depth: int) -> np.ndarray:
    return np.eye(depth, dtype=np.float32)[np.asarray(indices)]


def preprocess_data(dataset, human_vocab, machine_vocab, Tx: int = TX, Ty: int = TY):
    """(X, Y, Xoh, Yoh) of shapes (m,Tx), (m,Ty), (m,Tx,len(human_vocab)), (m,Ty,len(machine_vocab))."""
    X = np.array([string_to_int(h, Tx, human_vocab) for h, _ in dataset], dtype=np.int64)
    Y = np.array([string_to_int(t, Ty, machine_vocab) for _, t in dataset], dtype=np.int64)
    return X, Y, one_hot(X, len(human_vocab)), one_hot(Y, len(machine_vocab))


def held_out_pairs(m: int, seed: int, exclude: set[str]) -> list[tuple[str, str]]:
    """m generated pairs whose human text never occurs in ``exclude`` (e.g. a training set)."""
    out, batch_seed = [], seed
    while len(out) < m:
        out += [p for p in generate_pairs(2 * m, batch_seed) if p[0] not in exclude][: m - len(out)]
        batch_seed += 1
    return out
