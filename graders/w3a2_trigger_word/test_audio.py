"""Hidden graders of insert_audio_clip and create_training_example: the learner's functions run
in the sandbox on the course's audio; only data comes back.

Each case seeds numpy's global generator IN THE LEARNER'S PROCESS (``np.random.seed``, see
common.LearnerRandom), calls the learner's function on the notebook's own AudioSegments (remote
handles), and reads back: the segment time, previous_segments (a list held in the learner's
process, so its mutation is observed), the samples of the returned audio as int16, the spectrogram
and labels, and the generator's state (so the number of random draws is observed too). The
reference (reference.py) computes the same on int16 arrays under a RandomState with the same
seed, which draws the same stream. Expected values depend only on the fixed cases: computed once
per grader process.

A wrong callee costs points once: when a result differs and the learner's is_overlapping (for
insert_audio_clip) or insert_audio_clip / insert_ones (for create_training_example) failed their
own checks, the reference is run again around the learner's own callees (through the protocol,
the random draws made in the learner's process) and a match keeps the points, with a note.

insert_audio_clip's retries must be bounded: the 2018 loop without a limit never returns on a
timeline with no room; the call deadline (assignment.toml, call_timeout) stops it, and only the
no-room check of insert_audio_clip is lost (it runs last, and create_training_example's cases
never run out of retries, so they do not depend on the bound).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pytest

from autograde.checks import Feedback, GradeFailure, check_array, check_len, check_type, close, fail
from autograde.grading import describe_exception
from autograde.runner import StudentCrash, StudentError, StudentTimeout

from . import common
from . import reference as ref

# Call deadlines of their own (the assignment's 20 s is for the model's first predict): one
# insert_audio_clip is numpy on 10 s of audio (milliseconds), one create_training_example adds a
# spectrogram (about 0.1 s). An unbounded retry loop is stopped after these, not after 20 s.
QUICK_CALL = 5.0
EXAMPLE_CALL = 10.0

exercise = pytest.mark.exercise

# create_training_example's spectrogram: the learner's and the reference's come from the same int16
# samples through the same matplotlib code, so they are equal (measured: 0 difference on every case);
# a float32 copy is off by 6e-8 relative. The values span 1e-12 ... 4e6, hence a purely relative
# tolerance, far below any mistake (which changes the audio, so whole columns by orders of magnitude).
X_RTOL = 1e-5

# ------------------------------------------------------------------ cases

_HALVES = [(0, 4000), (6000, 9999)]
_SIX = [(300, 1200), (2000, 2900), (3600, 4300), (5200, 6100), (7000, 7900), (8600, 9400)]

# name -> (seed, background index, (list, clip index), previous segments). The number of draws each
# needs under the contract is in the comment (checked in tests/test_w3a2_graders.py).
INSERT_CASES = {
    "free": {
        "an empty timeline": (11, 2, ("activates", 17), []),                          # 1 draw
        "a gap between two booked halves": (203, 5, ("negatives", 3), _HALVES),      # 4 draws
        "six booked segments": (227, 8, ("negatives", 7), _SIX),                      # 3 draws
    },
    "retries": {
        "a slot found on the last retry (halves)": (221, 1, ("negatives", 3), _HALVES),      # 7 draws
        "a slot found on the last retry (six segments)": (262, 10, ("negatives", 7), _SIX),  # 7 draws
        "retries run out with room left (six segments)": (200, 6, ("negatives", 7), _SIX),   # 7 draws, sentinel
        "retries run out with room left (halves)": (204, 9, ("negatives", 3), _HALVES),      # 7 draws, sentinel
    },
    "no room": {
        "a fully booked timeline": (7, 3, ("activates", 0), [(0, 9999)]),
        "two touching halves": (31, 4, ("negatives", 0), [(0, 4999), (5000, 9999)]),
        "gaps shorter than the clip": (45, 7, ("activates", 5), [(0, 3000), (3300, 6000), (6400, 9999)]),
    },
}
ALL_INSERT_CASES = {name: case for group in INSERT_CASES.values() for name, case in group.items()}

# name -> (seed, background index, Ty). None of them runs out of retries (so the result does not
# depend on how retries are bounded); together they make every known mistake show.
EXAMPLE_CASES = {
    "four activates and two negatives": (113, 5, 1375),
    "an activate whose labels are cut at the end": (148, 4, 1375),
    "Ty = 800": (144, 0, 800),
    "no activate, two negatives": (102, 6, 1375),
}


@functools.cache
def raw():
    return ref.load_raw()


def _clip(kind: str, index: int) -> np.ndarray:
    activates, negatives, _ = raw()
    return (activates if kind == "activates" else negatives)[index]


@dataclass
class Insertion:
    audio: np.ndarray
    segment: tuple[int, int]
    previous: list | None
    position: tuple | None


def variant_insert(background, clip, previous, rng, *, retries: int = 5, final_check: bool = True,
                   position: str = "start", segment_ms: int | None = None, unbounded: bool = False,
                   extra_draw: bool = False, overlapping=ref.is_overlapping) -> tuple[np.ndarray, tuple]:
    """insert_audio_clip and the known ways of getting it wrong (for hints)."""
    segment_ms = ref.length_ms(clip) if segment_ms is None else segment_ms
    segment_time = ref.get_random_time_segment(segment_ms, rng)
    if extra_draw:
        segment_time = ref.get_random_time_segment(segment_ms, rng)
    if unbounded:
        for _ in range(10_000):   # a slot exists in every case where this emulation can match
            if not overlapping(segment_time, previous):
                break
            segment_time = ref.get_random_time_segment(segment_ms, rng)
        previous.append(segment_time)
        return ref.overlay(background, clip, segment_time[0]), segment_time
    retry = retries
    while overlapping(segment_time, previous) and retry >= 0:
        segment_time = ref.get_random_time_segment(segment_ms, rng)
        retry -= 1
    if final_check and overlapping(segment_time, previous):
        return background.copy(), ref.SENTINEL
    previous.append(segment_time)
    at = {"start": segment_time[0], "end": segment_time[1],
          "samples": int(segment_time[0] * ref.RATE / 1000)}[position]
    return ref.overlay(background, clip, at), segment_time


def expected_insertion(name: str, mistake: str | None = None, form: int = 0) -> Insertion:
    """The contract's result on a case, computed once per grader process; or the ``form``-th
    emulation of a mistake, recomputed when a hint is looked for (a few milliseconds: no cache,
    so a worker does not keep dozens of 10 s clips)."""
    return _contract_insertion(name) if mistake is None else _insertion(name, mistake, form)


@functools.cache
def _contract_insertion(name: str) -> Insertion:
    return _insertion(name, None, 0)


def _insertion(name: str, mistake: str | None, form: int) -> Insertion:
    seed, k, (kind, i), previous = ALL_INSERT_CASES[name]
    background, clip = raw()[2][k], _clip(kind, i)
    rng = np.random.RandomState(seed)
    prev = list(previous)
    options = dict(INSERT_MISTAKES[mistake][0][form]) if mistake else {}
    if options.pop("segment_ms", None) == "samples // 44":
        options["segment_ms"] = len(clip) // 44
    audio, segment = variant_insert(background, clip, prev, rng, **options)
    return Insertion(audio, segment, prev, ref.rng_position(rng))


INSERT_MISTAKES = {  # diagnosis id -> (variant_insert options of each emulation, hint); tried in this order
    "no_final_overlap_check": ([{"final_check": False}],
                               "when the retries run out, check once more: if the segment still overlaps, return the "
                               "background unchanged and (10000, 10000) instead of inserting it."),
    "position_in_samples": ([{"position": "samples"}],
                            "overlay's position is in milliseconds: background.overlay(audio_clip, "
                            "position=segment_time[0]), not a sample index."),
    "position_at_segment_end": ([{"position": "end"}],
                                "overlay the clip where its segment STARTS: position=segment_time[0]."),
    "segment_length": ([{"segment_ms": "samples // 44"}],
                       "the clip's length in milliseconds is len(audio_clip); its sample count divided by 44 is "
                       "not (there are 44.1 samples per millisecond)."),
    "rng_call_count": ([{"retries": 4}, {"extra_draw": True}],
                       "draw exactly as the instructions say: one get_random_time_segment before the loop, then one "
                       "per retry while retry >= 0 (at most 7 draws). Every extra or missing draw shifts the seeded "
                       "examples that follow."),
    "unbounded_retry_loop": ([{"unbounded": True}],
                             "bound the retries: retry = 5, loop while the segment overlaps and retry >= 0, "
                             "decrementing retry. A loop without a limit never ends when no slot is free."),
}


def learner_insertion(student, name: str) -> Insertion:
    """Run the learner's insert_audio_clip on a case, in the learner's process; read back data."""
    seed, k, (kind, i), previous = ALL_INSERT_CASES[name]
    rnd = common.LearnerRandom(student)
    np_module = common.numpy_module(student)
    backgrounds, clips = common.course_audio(student, "backgrounds"), common.course_audio(student, kind)
    held = student.hold([tuple(p) for p in previous])
    rnd.seed(seed)
    result = student.insert_audio_clip.with_timeout(QUICK_CALL)(backgrounds[k], clips[i], held)
    position = rnd.position()
    check_len("the result of insert_audio_clip", result, 2, "new_background, segment_time")
    segment = common.as_segment("segment_time", result[1])
    audio = common.samples(np_module, result[0], "new_background")
    return Insertion(audio, segment, common.as_segment_list("previous_segments", held.call("copy")), position)


def composed_insertion(student, name: str) -> Insertion:
    """The reference insert_audio_clip around the learner's OWN is_overlapping (called through the
    protocol): what a correct insert_audio_clip gives with it."""
    seed, k, (kind, i), previous = ALL_INSERT_CASES[name]
    rng = np.random.RandomState(seed)
    prev = list(previous)

    def learner_overlapping(segment, segments) -> bool:
        return common.as_bool("is_overlapping", student.is_overlapping(tuple(int(v) for v in segment),
                                                                       [tuple(s) for s in segments]))

    audio, segment = ref.insert_audio_clip(raw()[2][k], _clip(kind, i), prev, rng=rng, overlapping=learner_overlapping)
    return Insertion(audio, segment, prev, ref.rng_position(rng))


def same_insertion(got: Insertion, expected: Insertion) -> bool:
    return (got.segment == tuple(expected.segment) and got.previous == [tuple(s) for s in expected.previous]
            and got.audio.shape == expected.audio.shape and np.array_equal(got.audio, expected.audio)
            and common.same_position(got.position, expected.position))


def diagnose_insertion(fb: Feedback, name: str, got: Insertion) -> None:
    """Direct properties of previous_segments first; then a known mistake is named when its
    emulation differs from the contract on this case and gives what the learner's code gave."""
    with fb.probing():
        _, _, _, previous = ALL_INSERT_CASES[name]
        expected = expected_insertion(name)
        appended = [tuple(x) for x in expected.previous] != [tuple(x) for x in previous]
        if (appended and got.previous is not None and got.previous == list(previous)
                and got.segment != ref.SENTINEL):
            fb.diagnose("previous_segments_not_appended", "append the new segment to previous_segments (the list "
                        "you were given, not a copy): the clips inserted after it must avoid it.")
        if tuple(expected.segment) == tuple(ref.SENTINEL) and got.segment != tuple(ref.SENTINEL):
            fb.diagnose("no_room_sentinel", f"when no free place is found (this case has no room for the clip), "
                        f"return the background unchanged and segment_time = {tuple(ref.SENTINEL)}.")
        if got.previous is not None and got.previous == list(previous) + [ref.SENTINEL]:
            fb.diagnose("sentinel_appended", "append segment_time to previous_segments only when the clip was "
                        "inserted, never the (10000, 10000) sentinel.")
        for mistake, (forms, hint) in INSERT_MISTAKES.items():
            for form in range(len(forms)):
                emulated = expected_insertion(name, mistake, form)
                if not same_insertion(emulated, expected) and same_effect(got, emulated):
                    fb.diagnose(mistake, hint)
                    return
        if not fb.diagnoses and not common.same_position(got.position, expected.position):
            fb.diagnose("rng_call_count", INSERT_MISTAKES["rng_call_count"][1])


def same_effect(got: Insertion, emulated: Insertion) -> bool:
    """The same segment and audio, and (where the emulation moves the generator elsewhere) the same draws."""
    return (got.segment == tuple(emulated.segment) and got.audio.shape == emulated.audio.shape
            and np.array_equal(got.audio, emulated.audio) and common.same_position(got.position, emulated.position))


def record_insertion(fb: Feedback, got: Insertion, expected: Insertion) -> None:
    """Every wrong output of one case, by name (aggregated over the hidden cases)."""
    fb.check_array("segment_time", np.asarray(got.segment, dtype=np.float64),
                   np.asarray(expected.segment, dtype=np.float64), atol=0, rtol=0)
    common.compare_audio(fb, "new_background", got.audio, expected.audio)
    fb.checked["previous_segments"] += 1
    want = [tuple(s) for s in expected.previous]
    if got.previous != want:
        if got.previous is None:
            message = "previous_segments should stay a list of (start, end) segments."
        elif len(got.previous) != len(want):
            message = (f"after the call previous_segments holds {len(got.previous)} segment(s); it should hold "
                       f"{len(want)}: the segments it had, plus the new one when the clip was inserted.")
        else:
            message = "after the call previous_segments holds other segments than the ones expected."
        fb.failures.append(GradeFailure(message, output="previous_segments", kind="list"))
    fb.checked["random draws"] += 1
    if not common.same_position(got.position, expected.position):
        fb.failures.append(GradeFailure(
            "insert_audio_clip made another number of random draws than the instructions: one segment before the "
            "loop, then one per retry (at most 7 in all).", output="random draws", kind="draws"))


ISOLATED_NOTE = ("insert_audio_clip calls your is_overlapping, which fails its own checks (see its exercise); "
                 "insert_audio_clip itself gives the right results with it and keeps its points.")


def grade_insertions(student, fb: Feedback, group: str) -> None:
    for name in INSERT_CASES[group]:
        got = learner_insertion(student, name)
        expected = expected_insertion(name)
        if same_insertion(got, expected):
            if student.failed("is_overlapping"):
                fb.note(ISOLATED_NOTE)
            continue
        if student.failed("is_overlapping") is not False:
            try:
                composed = composed_insertion(student, name)
            except (StudentError, StudentCrash) as exc:
                fail(f"insert_audio_clip calls your is_overlapping, which fails on these inputs: "
                     f"{describe_exception(exc, 'is_overlapping')} Fix is_overlapping first.")
            except GradeFailure:
                composed = None
            if composed is not None and same_insertion(got, composed):
                fb.note(ISOLATED_NOTE)
                continue
        diagnose_insertion(fb, name, got)
        record_insertion(fb, got, expected)


@exercise("insert_audio_clip", weight=2)
def test_insert_audio_clip_free_slots(student, feedback):
    """A free slot on the first draw or after a few retries: the seeded segment, the clip overlaid
    there (sample for sample), the segment appended to previous_segments, the number of draws."""
    grade_insertions(student, feedback, "free")


@exercise("insert_audio_clip", weight=1)
def test_insert_audio_clip_retries(student, feedback):
    """A slot found on the 7th and last draw; retries that run out with room left: the sentinel,
    the background unchanged, previous_segments unchanged, exactly 7 draws."""
    grade_insertions(student, feedback, "retries")


@exercise("insert_audio_clip", weight=1)
def test_insert_audio_clip_no_room(student, feedback):
    """No slot anywhere: a bounded number of retries, then the sentinel and the audio unchanged.
    Runs last among insert_audio_clip's checks: an unbounded loop is stopped by the call deadline."""
    try:
        grade_insertions(student, feedback, "no room")
    except StudentTimeout:
        feedback.diagnose("unbounded_retry_loop", INSERT_MISTAKES["unbounded_retry_loop"][1])
        fail("insert_audio_clip did not return on a timeline with no free slot: its retries must be bounded "
             "(at most 7 draws, then (10000, 10000)).")


# ------------------------------------------------------------------ create_training_example

@dataclass
class Example:
    x: np.ndarray
    y: np.ndarray
    position: tuple | None


CTE_MISTAKES = {  # diagnosis id -> (reference options, hint)
    "no_background_attenuation": ({"attenuate": False}, "make the background 20 dB quieter first: background = "
                                  "background - 20, before inserting anything."),
    "no_normalisation": ({"normalise": False}, "bring the finished clip to -20 dBFS with match_target_amplitude("
                         "background, -20.0) before exporting it."),
    "negatives_labelled": ({"label_negatives": True}, "only the activates get labels: do not call insert_ones for "
                           "the negatives."),
    "previous_segments_not_shared": ({"share_segments": False}, "use ONE previous_segments list for the activates "
                                     "and the negatives, so that no word can cover another."),
    "rng_order": ({"negatives_first": True}, "draw and insert the activates first, then the negatives: the random "
                  "draws must come in the order of the instructions."),
    "rng_draw_range": ({"max_activates": 4}, "np.random.randint(0, 5) draws 0 to 4 activates (the upper bound is "
                       "excluded); keep the bounds of the instructions."),
    "labels_at_segment_start": ({"label_at": 0}, "the labels go after the END of each activate: insert_ones(y, "
                                "segment_end)."),
}
RNG_HINT = ("draw every random number with np.random, exactly as the instructions say: randint(0, 5) activates, "
            "randint(len(activates), size=...), then randint(0, 3) negatives and randint(len(negatives), size=...); "
            "no other draws (Python's random module is not seeded by np.random.seed).")


# Emulated mistakes keep every 10th spectrogram frame only (a worker caches them: 28 full
# spectrograms would be 125 MB). A mistake moves or changes a word, which spans 200+ frames.
EMULATION_STRIDE = 10


@functools.cache
def expected_example(name: str, mistake: str | None = None) -> Example:
    """The contract's example on a case (or an emulated mistake, its x thinned), once per process."""
    seed, k, Ty = EXAMPLE_CASES[name]
    activates, negatives, backgrounds = raw()
    options = CTE_MISTAKES[mistake][0] if mistake else {}
    e = ref.create_training_example(backgrounds[k], activates, negatives, Ty, seed=seed, **options)
    x = e["x"][:, ::EMULATION_STRIDE].copy() if mistake else e["x"]
    return Example(x, e["y"], e["state"])


def like_emulation(got: Example, emulated: Example) -> bool:
    """The learner's example is what the emulated mistake gives (x compared on the kept frames)."""
    x = got.x[:, ::EMULATION_STRIDE] if isinstance(got.x, np.ndarray) and got.x.ndim == 2 else got.x
    return close(got.y, emulated.y, 0, 0) and close(x, emulated.x, 0, X_RTOL)


def _form(student) -> str:
    """'2018' for the old signature create_training_example(background, activates, negatives),
    which reads the notebook's Ty (1375); '2021' otherwise."""
    params = common.parameters(student, "create_training_example")
    return "2018" if params is not None and len(params) == 3 and "Ty" not in params else "2021"


def learner_example(student, feedback: Feedback, name: str, form: str) -> Example:
    seed, k, Ty = EXAMPLE_CASES[name]
    rnd = common.LearnerRandom(student)
    backgrounds = common.course_audio(student, "backgrounds")
    activates, negatives = common.course_audio(student, "activates"), common.course_audio(student, "negatives")
    rnd.seed(seed)
    args = [backgrounds[k], activates.handle, negatives.handle] + ([Ty] if form == "2021" else [])
    try:
        result = student.create_training_example.with_timeout(EXAMPLE_CALL)(*args)
    except StudentError as exc:
        explain_error(student, feedback, exc)
        raise
    position = rnd.position()
    check_len("the result of create_training_example", result, 2, "x, y")
    x, y = result
    check_type("x", x, np.ndarray, "the spectrogram, a numpy array")
    check_type("y", y, np.ndarray, "the labels, a numpy array")
    return Example(x, y, position)


def explain_error(student, fb: Feedback, exc: StudentError) -> None:
    """An error raised inside insert_audio_clip or insert_ones may come from the arguments
    create_training_example gives them (the callee itself may be right)."""
    frames = exc.traceback + "\n"
    if "get_random_time_segment" in frames and "high <=" in exc.message:
        fb.diagnose("insert_audio_clip_argument_order", "call insert_audio_clip(background, audio_clip, "
                    "previous_segments): the background first, then the clip to insert. With the order swapped the "
                    "10 s background is taken for the clip, and no slot can hold it.")
        fail(f"create_training_example raised {exc.type_name}: {exc.message[:200]} inside insert_audio_clip, when it "
             "drew a place for a clip as long as the whole background: check the order of the arguments it gives "
             "insert_audio_clip.")
    for callee in ("insert_audio_clip", "insert_ones"):
        if f", in {callee}\n" in frames and student.failed(callee) is False:
            fail(f"create_training_example raised {exc.type_name}: {exc.message[:300]} inside {callee}, which passes "
                 f"its own checks: look at the arguments create_training_example gives it.")


def same_example(got: Example, expected: Example) -> bool:
    return (close(got.y, expected.y, 0, 0) and close(got.x, expected.x, 0, X_RTOL)
            and common.same_position(got.position, expected.position))


def composed_example(student, name: str, calling: list[str]) -> Example:
    """The contract's create_training_example around the learner's OWN insert_audio_clip and insert_ones,
    run from here: the audio stays in the learner's process, every random draw is made there (numpy's
    global generator, seeded as for the learner's own call), the finished samples come back and are
    normalised and turned into a spectrogram by the reference. ``calling[0]`` says which learner
    function was called last (to name it when it fails)."""
    seed, k, Ty = EXAMPLE_CASES[name]
    rnd = common.LearnerRandom(student)
    np_module = common.numpy_module(student)
    backgrounds = common.course_audio(student, "backgrounds")
    activates, negatives = common.course_audio(student, "activates"), common.course_audio(student, "negatives")

    def insert(background, clip, previous):
        calling[0] = "insert_audio_clip"
        result = student.insert_audio_clip.with_timeout(QUICK_CALL)(background, clip, previous)
        check_len("the result of insert_audio_clip", result, 2, "new_background, segment_time")
        return result[0], common.as_segment("segment_time", result[1])

    def ones(y, end):
        calling[0] = "insert_ones"
        out = student.insert_ones(y, end)
        if not (isinstance(out, np.ndarray) and out.shape == y.shape):
            fail("insert_ones does not return labels of the shape it was given.")
        return out

    rnd.seed(seed)
    background, y, _, _ = ref.mix_example(backgrounds[k], activates, negatives, Ty, rnd, insert, ones,
                                          quieter=lambda bg, db: bg.call("apply_gain", db),
                                          new_list=lambda: student.hold([]))
    position = rnd.position()
    audio = ref.match_target_amplitude(common.samples(np_module, background, "the background"), -20.0)
    return Example(ref.spectrogram(audio), y, position)


CALLEES = ("insert_audio_clip", "insert_ones", "is_overlapping")


def isolated_note(wrong: list[str]) -> str:
    """The same line whether a case matched the reference directly or only around the learner's callees."""
    names = " and ".join(f"your {c}" for c in wrong)
    through = " (is_overlapping through insert_audio_clip)" if "is_overlapping" in wrong else ""
    return (f"create_training_example calls {names}{through}, which fail"
            f"{'s' if len(wrong) == 1 else ''} {'its' if len(wrong) == 1 else 'their'} own checks (see "
            f"{'its exercise' if len(wrong) == 1 else 'their exercises'}); on the hidden cases where "
            f"{'it runs' if len(wrong) == 1 else 'they run'}, create_training_example itself gives the right examples "
            f"with {'it' if len(wrong) == 1 else 'them'} and keeps those points.")


def diagnose_example(fb: Feedback, name: str, got: Example) -> None:
    with fb.probing():
        _, _, Ty = EXAMPLE_CASES[name]
        if got.y.shape == (1, 1375) != (1, Ty):
            fb.diagnose("global_ty", "build y with the Ty argument, np.zeros((1, Ty)): the function must work for "
                        "any number of output steps, not only the notebook's 1375.")
            return
        for mistake, (_, hint) in CTE_MISTAKES.items():
            if like_emulation(got, expected_example(name, mistake)):
                fb.diagnose(mistake, hint)
                return
        if not common.same_position(got.position, expected_example(name).position):
            fb.diagnose("rng_call_count", RNG_HINT)


@exercise("create_training_example", weight=1)
@pytest.mark.parametrize("name", list(EXAMPLE_CASES))
def test_create_training_example(student, feedback, name):
    """x (101, 5511) and y (1, Ty) of a seeded example, and the number of random draws made."""
    _, _, Ty = EXAMPLE_CASES[name]
    form = _form(student)
    if form == "2018" and Ty != ref.TY:
        return  # the 2018 signature has no Ty: it is graded on the notebook's 1375 only
    got = learner_example(student, feedback, name, form)
    expected = expected_example(name)
    suspects = [c for c in CALLEES if student.failed(c) is not False]
    if same_example(got, expected):
        wrong = [c for c in CALLEES if student.failed(c)]
        if wrong:
            feedback.note(isolated_note(wrong))
        return
    if suspects:
        calling = ["insert_audio_clip"]
        try:
            composed = composed_example(student, name, calling)
        except (StudentError, StudentCrash) as exc:
            callee = calling[0]
            fail(f"create_training_example calls your {callee}, which fails on these inputs: "
                 f"{describe_exception(exc, callee)} Fix {callee} first.")
        except (GradeFailure, TypeError, ValueError, IndexError, KeyError):
            composed = None
        if composed is not None and same_example(got, composed):
            wrong = [c for c in suspects if student.failed(c)]
            if wrong:
                feedback.note(isolated_note(wrong))
            return
    diagnose_example(feedback, name, got)
    feedback.check_array("x (the spectrogram)", got.x, expected.x, atol=0, rtol=X_RTOL)
    feedback.check_array("y", got.y, expected.y, atol=0, rtol=0, time_axis=1)
    feedback.checked["random draws"] += 1
    if not common.same_position(got.position, expected.position):
        feedback.failures.append(GradeFailure(
            "create_training_example made another number of random draws than the instructions (from the same seed, "
            "numpy's generator ends elsewhere).", output="random draws", kind="draws"))
