"""Hidden graders of is_overlapping and insert_ones: exhaustive edge cases on plain data.

is_overlapping: closed intervals (touching by one millisecond counts), an empty list, a new
segment enclosing or inside an old one, an overlap with a later or an earlier one of several,
one-millisecond segments, the (10000, 10000) sentinel; then many random lists on a small scale
where touching and enclosing are frequent. insert_ones: the 50 steps after the end, runs cut at
Ty (one step short of the end, exactly at the end, nothing left), the sentinel 10000, an earlier
run kept, and lengths other than 1375 (smaller and larger). Mistakes are recognised by
emulating them on the same cases.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde.checks import Feedback, check_array, fail
from autograde.runner import StudentError

from . import common
from . import reference as ref

exercise = pytest.mark.exercise

# ------------------------------------------------------------------ is_overlapping

# (segment, previous segments, what the case is about); the expected answer is the reference's.
EDGE_CASES = [
    ((100, 200), [], "an empty list of previous segments"),
    ((1000, 1100), [(1100, 1200)], "a segment that ends on the first millisecond of a previous one (touching)"),
    ((2305, 2950), [(824, 1532), (1900, 2305)], "a segment that starts on the last millisecond of a previous one "
                                                 "(touching)"),
    ((500, 700), [(701, 900), (100, 499)], "segments one millisecond apart (not touching)"),
    ((5000, 5000), [(5000, 5000)], "one-millisecond segments on the same millisecond"),
    ((5000, 5000), [(5001, 5400), (4000, 4999)], "a one-millisecond segment between two others"),
    ((3000, 6000), [(4000, 4500)], "a new segment that encloses a previous one"),
    ((4100, 4200), [(4000, 4500)], "a new segment inside a previous one"),
    ((4000, 4500), [(4000, 4500)], "a new segment equal to a previous one"),
    ((1400, 2100), [(1000, 2000)], "a partial overlap with the end of a previous segment"),
    ((500, 1200), [(1000, 2000)], "a partial overlap with the start of a previous segment"),
    ((7000, 7600), [(100, 300), (2000, 2400), (7500, 8000)], "an overlap with the last of several previous segments"),
    ((4200, 4300), [(4000, 4500), (8000, 8200), (100, 400)], "an overlap with the first of several previous "
                                                              "segments, followed by others"),
    ((2500, 2600), [(100, 300), (2550, 2560), (9000, 9100)], "an overlap with a middle one of several"),
    ((950, 1430), [(2000, 2550), (260, 949)], "no overlap with any of several previous segments"),
    ((10000, 10000), [(0, 9999)], "the sentinel (10000, 10000) against a fully booked timeline"),
]


@functools.cache
def random_cases(n: int = 48, seed: int = 1501) -> list:
    """Random segments on a 0-60 ms scale, 1 to 5 previous ones: touching, enclosing and equal
    segments are frequent, and the overlap is often with a later one of several."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        def seg():
            a, b = sorted(int(v) for v in rng.integers(0, 60, 2))
            return (a, b)
        cases.append((seg(), [seg() for _ in range(int(rng.integers(1, 6)))], "random"))
    return cases


def _any(rule):
    return lambda s, e, prev: any(rule(s, e, ps, pe) for ps, pe in prev)


OVERLAP_MISTAKES = {  # diagnosis id -> (emulation, hint)
    "strict_comparison": (_any(lambda s, e, ps, pe: s < pe and e > ps),
                          "segments include both ends: one that ends on the millisecond where another starts "
                          "overlaps it. Use <= and >=, not < and >."),
    "endpoint_only_overlap": (_any(lambda s, e, ps, pe: ps <= s <= pe or ps <= e <= pe),
                              "checking whether an end of the new segment falls inside a previous one misses a new "
                              "segment that encloses it. Test segment_start <= previous_end and segment_end >= "
                              "previous_start."),
    "start_compared_with_start": (_any(lambda s, e, ps, pe: s <= ps and e >= pe),
                                  "compare the new segment's start with the previous segment's END (and its end with "
                                  "the previous START): segment_start <= previous_end and segment_end >= "
                                  "previous_start."),
    "early_return_false": (lambda s, e, prev: bool(prev) and s <= prev[0][1] and e >= prev[0][0],
                           "do not return False as soon as one previous segment does not overlap: look at all of "
                           "them, and return False only after the loop."),
    "last_segment_only": (lambda s, e, prev: bool(prev) and s <= prev[-1][1] and e >= prev[-1][0],
                          "once an overlap is found, keep True (or return it): your flag is overwritten by the next "
                          "previous segment, so only the last one decides."),
}


def diagnose_overlaps(fb: Feedback, cases, answers) -> None:
    """A mistake is named when its emulation gives the learner's answer on every case."""
    with fb.probing():
        for mistake, (emulate, hint) in OVERLAP_MISTAKES.items():
            if all(a == emulate(*seg, prev) for (seg, prev, _), a in zip(cases, answers)):
                fb.diagnose(mistake, hint)
                return


def grade_overlaps(student, fb: Feedback, cases) -> None:
    answers, wrong = [], []
    for seg, prev, about in cases:
        answer = common.as_bool("is_overlapping", student.is_overlapping(seg, list(prev)))
        answers.append(answer)
        if answer != ref.is_overlapping(seg, prev):
            wrong.append(about)
    if wrong:
        diagnose_overlaps(fb, cases, answers)
        if all(w == "random" for w in wrong):
            fail(f"is_overlapping gives the wrong answer on {len(wrong)} of {len(cases)} hidden random cases "
                 "(several previous segments each).")
        first = next(w for w in wrong if w != "random")
        fail(f"is_overlapping gives the wrong answer on {len(wrong)} of {len(cases)} hidden edge cases, e.g. {first}.")


@exercise("is_overlapping", weight=3)
def test_is_overlapping_edge_cases(student, feedback):
    """Touching, enclosing, enclosed, equal, one-millisecond and sentinel segments; an empty list;
    an overlap with the first, a middle or the last of several previous segments."""
    grade_overlaps(student, feedback, EDGE_CASES)


@exercise("is_overlapping", weight=2)
def test_is_overlapping_random_lists(student, feedback):
    grade_overlaps(student, feedback, random_cases())


@exercise("is_overlapping", weight=1)
def test_is_overlapping_keeps_previous_segments(student):
    """previous_segments is read, never changed (insert_audio_clip appends to it afterwards)."""
    for seg, prev in (((3000, 3500), [(100, 400), (3200, 3300), (9000, 9500)]), ((6000, 6100), [(100, 400)])):
        held = student.hold([tuple(p) for p in prev])
        common.as_bool("is_overlapping", student.is_overlapping(seg, held))
        if common.as_segment_list("previous_segments", held.call("copy")) != prev:
            fail("is_overlapping changed the previous_segments list it was given; it must only read it.")


# ------------------------------------------------------------------ insert_ones

# (Ty, segment_end_ms, end of an earlier word already labelled or None, what the case is about)
ONES_CASES = {
    "course length": [
        (1375, 5000, None, "a word ending mid-clip"),
        (1375, 4251, None, "a word ending between two output steps"),
        (1375, 120, None, "a word ending near the start"),
        (1375, 0, None, "a word ending at 0 ms"),
        (1375, 2100, 2000, "a second word whose run overlaps the first one's"),
        (1375, 7000, 2000, "a second word after a first one"),
    ],
    "end of the clip": [
        (1375, 9636, None, "a run that ends exactly on the last output step"),
        (1375, 9637, None, "a run one step too long for the clip (cut at Ty)"),
        (1375, 9800, None, "a run cut at Ty"),
        (1375, 9999, None, "a word ending on the last millisecond (no step left after it)"),
        (1375, 10000, None, "the sentinel 10000 (no slot was found): nothing to label"),
        (1375, 10000, 9000, "the sentinel after a word already labelled"),
    ],
    "other lengths": [
        (600, 4321, None, "Ty = 600"),
        (600, 9500, None, "Ty = 600, a run cut at Ty"),
        (2000, 9500, None, "Ty = 2000 (more steps than 1375), late in the clip"),
        (2000, 6000, 1000, "Ty = 2000, a second word"),
        (97, 1000, None, "Ty = 97 (fewer steps than a run of 50)"),
        (1000, 10000, None, "Ty = 1000, the sentinel"),
        (1000, 9990, None, "Ty = 1000, a word ending in the last step"),
    ],
}


def _labelled(Ty: int, earlier: int | None) -> np.ndarray:
    y = np.zeros((1, Ty))
    return ref.insert_ones(y, earlier) if earlier is not None else y


def _ones(y, end_y: int, first: int, last: int, limit: int | None = None, clip_index: bool = False) -> np.ndarray:
    """Ones at end_y + first ... end_y + last; steps at or past ``limit`` (default Ty) are skipped,
    the others written as they are (a step past Ty raises IndexError, as it does in the learner's
    code); ``clip_index`` moves steps past the end onto the last one."""
    y = np.array(y, dtype=np.float64, copy=True)
    Ty = y.shape[1]
    for i in range(end_y + first, end_y + last + 1):
        if clip_index:
            y[0, min(i, Ty - 1)] = 1
        elif i < (Ty if limit is None else limit):
            y[0, i] = 1
    return y


def _end_y(end_ms: int, Ty: int) -> int:
    return int(end_ms * Ty / 10000.0)


ONES_MISTAKES = {  # diagnosis id -> [emulations (y, end_ms) -> y], hint
    "ones_start_at_end": ([lambda y, e: _ones(y, _end_y(e, y.shape[1]), 0, 49)],
                          "the word ends at step segment_end_y; its ones start one step later, at segment_end_y + 1, "
                          "and end at segment_end_y + 50."),
    "hard_coded_ty": ([lambda y, e: _ones(y, _end_y(e, 1375), 1, 50, limit=1375),
                       lambda y, e: _ones(y, _end_y(e, y.shape[1]), 1, 50, limit=min(_end_y(e, y.shape[1]) + 51, 1374))],
                      "read Ty from y.shape[1] and cut the run at Ty: do not write 1375 (or 1374) into the function."),
    "misplaced_integer_division": ([lambda y, e: _ones(y, e // 10000 * y.shape[1], 1, 50)],
                                   "segment_end_y comes out as 0 for every word that ends before 10 s: compute "
                                   "int(segment_end_ms * Ty / 10000), multiplying before dividing (segment_end_ms // "
                                   "10000 is 0), with Ty = y.shape[1], the number of output steps (y.shape[0] is 1)."),
    "indexing_in_ms": ([lambda y, e: _ones(y, e, 1, 50)],
                       "y is indexed by output steps, not milliseconds: convert the end first, segment_end_y = "
                       "int(segment_end_ms * Ty / 10000)."),
    "wrong_number_of_ones": ([lambda y, e: _ones(y, _end_y(e, y.shape[1]), 1, 51),
                              lambda y, e: _ones(y, _end_y(e, y.shape[1]), 1, 49)],
                             "exactly 50 ones: steps segment_end_y + 1 ... segment_end_y + 50, i.e. "
                             "range(segment_end_y + 1, segment_end_y + 51)."),
    "sentinel_writes_ones": ([lambda y, e: _ones(y, _end_y(e, y.shape[1]), 1, 50, clip_index=True)],
                             "skip the steps at or past Ty instead of moving them to the last step: otherwise a "
                             "word ending at the very end, or the sentinel 10000, writes a 1 there."),
}


def _outcome(fn, *args):
    """("value", y) or ("error", exception type name): how a case ended."""
    try:
        return ("value", fn(*args))
    except (IndexError, ValueError) as exc:
        return ("error", type(exc).__name__)


def _same_outcome(got, emulated) -> bool:
    if got[0] != emulated[0]:
        return False
    if got[0] == "error":
        return got[1] == emulated[1]
    return isinstance(got[1], np.ndarray) and got[1].shape == emulated[1].shape and np.array_equal(got[1], emulated[1])


def diagnose_ones(fb: Feedback, cases, outcomes) -> None:
    """A mistake is named when one of its emulations ends every case as the learner's code did
    (the same y, or the same kind of error)."""
    with fb.probing():
        for mistake, (emulations, hint) in ONES_MISTAKES.items():
            for emulate in emulations:
                if all(_same_outcome(got, _outcome(emulate, _labelled(Ty, earlier), end))
                       for (Ty, end, earlier, _), got in zip(cases, outcomes)):
                    fb.diagnose(mistake, hint)
                    return


@exercise("insert_ones", weight=1)
@pytest.mark.parametrize("group", list(ONES_CASES))
def test_insert_ones(student, feedback, group):
    """The learner's y against the reference (and an independent TensorFlow formulation, in the tests)."""
    cases = ONES_CASES[group]
    outcomes, wrong, raised = [], [], None
    for Ty, end, earlier, about in cases:
        try:
            got = student.insert_ones(_labelled(Ty, earlier), end)
        except StudentError as exc:
            outcomes.append(("error", exc.type_name))
            raised = raised or exc
            continue
        outcomes.append(("value", got))
        expected = ref.insert_ones(_labelled(Ty, earlier), end)
        try:
            check_array("y", got, expected, atol=0, rtol=0)
        except AssertionError:
            wrong.append((about, got, expected))
    if not wrong and raised is None:
        return
    diagnose_ones(feedback, cases, outcomes)
    if raised is not None:
        raise raised
    about, got, expected = wrong[0]
    if not (isinstance(got, np.ndarray) and got.shape == expected.shape):
        check_array("the y returned by insert_ones", got, expected, atol=0, rtol=0)
    fail(f"insert_ones returns wrong labels on {len(wrong)} of {len(cases)} hidden cases ({group}), e.g. {about}: "
         f"{_describe(got, expected)}", output=f"insert_ones ({group})", kind="answers")


def _describe(got: np.ndarray, expected: np.ndarray) -> str:
    """What differs, in counts and offsets (not the hidden end time)."""
    values = np.asarray(got, dtype=np.float64)[0]
    if not np.all((values == 0) | (values == 1)):
        return "y should hold only zeros and ones."
    ones_got, ones_expected = np.flatnonzero(values == 1), np.flatnonzero(expected[0] == 1)
    parts = []
    if ones_got.size != ones_expected.size:
        parts.append(f"y has {ones_got.size} ones; expected {ones_expected.size}")
    if ones_got.size and ones_expected.size and ones_got[0] != ones_expected[0]:
        shift = int(ones_got[0] - ones_expected[0])
        parts.append(f"the first one is {abs(shift)} step{'s' if abs(shift) != 1 else ''} "
                     f"{'early' if shift < 0 else 'late'}")
    if not parts:
        parts.append(f"the ones are on other steps than expected (Ty = {expected.shape[1]})")
    return "; ".join(parts) + "."
