"""Public checks for the "trigger word detection" assignment.

Each ``*_test`` checks what can be checked without a reference answer: shapes, types, the
rules of the exercise on small cases with obvious answers, the seeded protocol's structure
and the model's architecture. The hidden graders check the values on other inputs and seeds.
A failing check shows one line that says what is wrong (see checkkit.py).
"""
import numpy as np

from checkkit import public_check

__all__ = ["is_overlapping_test", "insert_audio_clip_test", "insert_ones_test",
           "create_training_example_test", "modelf_test"]


def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _samples(segment):
    return np.array(segment.get_array_of_samples(), dtype=np.int64)


def _course_audio():
    from trigger_utils import RAW_DATA, load_raw_audio

    return load_raw_audio(RAW_DATA)


# --------------------------------------------------------------------------------------
# Exercise 1: is_overlapping
# --------------------------------------------------------------------------------------

@public_check("is_overlapping")
def is_overlapping_test(target):
    cases = [  # (segment, previous, expected, hint when wrong)
        ((950, 1430), [(2000, 2550), (260, 949)], False,
         "(950, 1430) ends before (2000, 2550) starts and starts after (260, 949) ends: no overlap."),
        ((100, 200), [], False, "With no previous segments there is nothing to overlap: return False."),
        ((7000, 7600), [(100, 300), (7500, 8000)], True,
         "(7000, 7600) overlaps the SECOND previous segment (7500, 8000). Do not return False as soon "
         "as one previous segment does not overlap: look at all of them first."),
        ((4200, 4300), [(4000, 4500), (100, 200)], True,
         "(4200, 4300) overlaps the FIRST previous segment (4000, 4500); the answer must not be "
         "overwritten by the next one: once an overlap is found, keep True (or return it)."),
        ((3000, 6000), [(4000, 4500)], True,
         "(3000, 6000) contains (4000, 4500) entirely. Checking only whether an end of one segment "
         "falls inside the other misses this: test start <= previous_end and end >= previous_start."),
        ((1000, 1100), [(1100, 1200)], True,
         "(1000, 1100) ends at 1100, where (1100, 1200) starts: segments include both ends, so touching "
         "counts as overlapping. Use <= and >=, not < and >."),
        ((2305, 2950), [(824, 1532), (1900, 2305), (3424, 3656)], True,
         "(2305, 2950) starts at 2305, the last millisecond of (1900, 2305): touching counts as overlapping."),
        ((500, 700), [(800, 900), (100, 499)], False, "(500, 700) touches neither (800, 900) nor (100, 499)."),
        ((4100, 4200), [(4000, 4500)], True, "(4100, 4200) lies inside (4000, 4500): they overlap."),
    ]
    for segment, previous, expected, hint in cases:
        before = list(previous)
        got = target(segment, previous)
        _require(isinstance(got, (bool, np.bool_)),
                 f"is_overlapping should return True or False, but it returned a {type(got).__name__}.")
        _require(previous == before, "is_overlapping must not change previous_segments.")
        _require(bool(got) == expected, f"is_overlapping({segment}, {previous}) returned {got}. {hint}")


# --------------------------------------------------------------------------------------
# Exercise 2: insert_audio_clip
# --------------------------------------------------------------------------------------

class _TooManyDraws(Exception):
    pass


def _counting_draws(target, limit=20):
    """Replace get_random_time_segment in the learner's namespace by a counting copy."""
    namespace = target.__globals__
    original = namespace.get("get_random_time_segment")
    _require(original is not None, "get_random_time_segment is not defined: run the cell that imports "
                                   "the helpers first.")
    calls = []

    def counted(segment_ms):
        calls.append(segment_ms)
        if len(calls) > limit:
            raise _TooManyDraws()
        return original(segment_ms)

    return namespace, original, counted, calls


@public_check("insert_audio_clip")
def insert_audio_clip_test(target):
    activates, negatives, backgrounds = _course_audio()
    background, clip = backgrounds[0], activates[0]
    namespace, original, counted, calls = _counting_draws(target)
    namespace["get_random_time_segment"] = counted
    try:
        # a free timeline: one draw, the clip lands there and the segment is recorded
        np.random.seed(1)
        expected_start = np.random.randint(0, 10000 - len(clip))
        np.random.seed(1)
        previous = []
        result = target(background, clip, previous)
        _require(isinstance(result, tuple) and len(result) == 2,
                 "insert_audio_clip should return a tuple (new_background, segment_time).")
        new_background, segment_time = result
        _require(hasattr(new_background, "get_array_of_samples"),
                 f"new_background should be a pydub AudioSegment, but it is a {type(new_background).__name__}.")
        start, end = segment_time
        _require(len(calls) == 1, f"On an empty timeline insert_audio_clip should draw one segment with "
                                  f"get_random_time_segment, but it drew {len(calls)}.")
        _require(calls[0] == len(clip), f"get_random_time_segment was called with {calls[0]}; pass the clip's "
                                        f"length in milliseconds, len(audio_clip) = {len(clip)}.")
        _require(start == expected_start,
                 f"The segment starts at {start}, but the seeded draw gave {expected_start}. Use "
                 "get_random_time_segment(segment_ms) once, before any retry.")
        _require(end - start + 1 == len(clip),
                 f"The segment ({start}, {end}) covers {end - start + 1} ms but the clip lasts {len(clip)} ms.")
        _require(previous == [segment_time] or previous == [tuple(segment_time)],
                 f"After inserting, previous_segments should be [{segment_time}], but it is {previous}. "
                 "Append the new segment to the list you were given.")
        _require(len(new_background) == len(background), "The new background should keep its length (10,000 ms).")
        expected = _samples(background.overlay(clip, position=start))
        got = _samples(new_background)
        if not np.array_equal(got, expected):
            if np.array_equal(got, _samples(background)):
                raise AssertionError("The returned background is unchanged: overlay the clip on it.")
            raise AssertionError(f"The clip is not overlaid at {start} ms: call background.overlay(audio_clip, "
                                 "position=segment_time[0]) (the position is in milliseconds, not samples).")

        # blocked ranges are avoided
        calls.clear()
        previous = [(0, 4000), (6000, 9999)]
        np.random.seed(3)
        new_background, segment_time = target(background, negatives[0], previous)
        if tuple(segment_time) != (10000, 10000):
            s, e = segment_time
            _require(not any(s <= pe and e >= ps for ps, pe in previous[:2]),
                     f"The clip was placed at {segment_time}, overlapping a segment already taken "
                     "(0-4000 or 6000-9999). Redraw while the segment overlaps, and check again before inserting.")

        # a full timeline: at most 7 draws, the sentinel, the background untouched
        calls.clear()
        previous = [(0, 9999)]
        np.random.seed(7)
        try:
            new_background, segment_time = target(background, clip, previous)
        except _TooManyDraws:
            raise AssertionError("On a timeline with no free slot, insert_audio_clip drew more than 20 segments: "
                                 "the loop never ends. Stop after 5 retries (retry = 5, loop while it overlaps "
                                 "and retry >= 0).") from None
        _require(len(calls) == 7, f"On a full timeline insert_audio_clip should draw 7 segments (one, then up "
                                  f"to 6 retries while retry >= 0), but it drew {len(calls)}.")
        _require(tuple(segment_time) == (10000, 10000),
                 f"When no free slot is found, segment_time should be (10000, 10000), but it is {segment_time}.")
        _require(previous == [(0, 9999)], "When no free slot is found, previous_segments must not change.")
        _require(np.array_equal(_samples(new_background), _samples(background)),
                 "When no free slot is found, return the background unchanged.")
    finally:
        namespace["get_random_time_segment"] = original


# --------------------------------------------------------------------------------------
# Exercise 3: insert_ones
# --------------------------------------------------------------------------------------

@public_check("insert_ones")
def insert_ones_test(target):
    for Ty, end_ms in ((1375, 5000), (1375, 120), (600, 4321)):
        y = target(np.zeros((1, Ty)), end_ms)
        _require(isinstance(y, np.ndarray) and y.shape == (1, Ty),
                 f"insert_ones should return the (1, {Ty}) array y, but it returned "
                 f"{getattr(y, 'shape', type(y).__name__)}.")
        end_y = int(end_ms * Ty / 10000.0)
        ones = np.flatnonzero(y[0] == 1)
        _require(set(np.unique(y)) <= {0.0, 1.0}, "y should hold only zeros and ones.")
        if len(ones) and ones[0] == end_y and Ty == 1375:
            raise AssertionError(f"The ones start at step {end_y}, the step where the word ends; start one step "
                                 f"later, at segment_end_y + 1 = {end_y + 1}.")
        if Ty != 1375 and len(ones) and ones[0] != end_y + 1:
            raise AssertionError(f"With y of shape (1, {Ty}) the ones start at step {ones[0]} instead of "
                                 f"{end_y + 1}: read Ty from y.shape[1], do not use 1375 or a global Ty.")
        _require(len(ones) == 50, f"insert_ones(y, {end_ms}) with Ty = {Ty} set {len(ones)} ones; it should set "
                                  "50 (steps segment_end_y + 1 ... segment_end_y + 50).")
        _require(ones[0] == end_y + 1 and ones[-1] == end_y + 50,
                 f"insert_ones(y, {end_ms}) with Ty = {Ty} set ones at steps {ones[0]} ... {ones[-1]}; they should "
                 f"be at {end_y + 1} ... {end_y + 50} (segment_end_y = int(segment_end_ms * Ty / 10000)).")
    # at the end of the clip the run is cut at Ty
    y = target(np.zeros((1, 1375)), 9800)
    end_y = int(9800 * 1375 / 10000.0)
    _require(y.shape == (1, 1375), "insert_ones must not grow y past Ty steps.")
    _require(int(y.sum()) == 1375 - end_y - 1 and y[0, -1] == 1,
             f"insert_ones(y, 9800) should set the {1375 - end_y - 1} steps from {end_y + 1} to the last one "
             f"(1374), skipping those past Ty; it set {int(y.sum())}.")
    # the sentinel of insert_audio_clip writes nothing
    y = target(np.zeros((1, 1375)), 10000)
    _require(y.sum() == 0, "insert_ones(y, 10000) should leave y unchanged: 10000 is the 'no slot found' sentinel, "
                           "and its steps all lie past Ty.")
    # two words: the ones add up
    y = target(target(np.zeros((1, 1375)), 2000), 7000)
    _require(int(y.sum()) == 100, "Two calls for two words should give 100 ones: change y in place and return it.")


# --------------------------------------------------------------------------------------
# Exercise 4: create_training_example
# --------------------------------------------------------------------------------------

@public_check("create_training_example")
def create_training_example_test(target):
    from trigger_utils import AudioSegment

    activates, negatives, backgrounds = _course_audio()
    np.random.seed(18)
    result = target(backgrounds[0], activates, negatives, 1375)
    _require(isinstance(result, tuple) and len(result) == 2, "create_training_example should return (x, y).")
    x, y = result
    _require(isinstance(x, np.ndarray) and x.shape == (101, 5511),
             f"x should be the spectrogram, an array of shape (101, 5511), not {getattr(x, 'shape', type(x).__name__)}.")
    _require(isinstance(y, np.ndarray) and y.shape == (1, 1375),
             f"y should be an array of shape (1, 1375), not {getattr(y, 'shape', type(y).__name__)}.")
    _require(np.all(np.isfinite(x)) and np.all(x > 0), "x should hold positive, finite spectrogram values.")
    _require(set(np.unique(y)) <= {0.0, 1.0}, "y should hold only zeros and ones.")
    ones = int(y.sum())
    _require(ones <= 200, f"y has {ones} ones; at most 4 activates, 50 ones each, can be inserted.")
    level = AudioSegment.from_wav("train.wav").dBFS
    # loud words clip at full scale after the gain, so the level can end up a little under -20
    _require(-23.0 < level < -19.9, f"train.wav is at {level:.1f} dBFS; normalise the finished clip with "
                                    "match_target_amplitude(background, -20.0) before exporting it.")
    np.random.seed(18)
    x2, y2 = target(backgrounds[0], activates, negatives, 1375)
    _require(np.array_equal(x, x2) and np.array_equal(y, y2),
             "Two calls with the same seed gave different results: draw every random number with np.random, "
             "in the order the instructions give.")
    # another Ty: the labels follow the argument
    np.random.seed(18)
    _, y3 = target(backgrounds[0], activates, negatives, 500)
    _require(y3.shape == (1, 500), f"With Ty = 500, y should have shape (1, 500), not {y3.shape}: use the Ty "
                                   "argument, not the global Ty.")
    # the protocol, watched through the calls to insert_audio_clip and insert_ones
    namespace = target.__globals__
    originals = {name: namespace.get(name) for name in ("insert_audio_clip", "insert_ones")}
    _require(all(originals.values()), "insert_audio_clip and insert_ones must be defined: run their cells first.")
    activate_ids = {id(a) for a in activates}
    negative_ids = {id(n) for n in negatives}

    for seed in (2, 11, 29, 40):
        inserts, labels = [], []

        def spy_insert(background, audio_clip, previous_segments):
            new_background, segment_time = originals["insert_audio_clip"](background, audio_clip, previous_segments)
            kind = "activate" if id(audio_clip) in activate_ids else "negative" if id(audio_clip) in negative_ids else "?"
            inserts.append((kind, background, id(previous_segments), tuple(segment_time)))
            return new_background, segment_time

        def spy_ones(y, segment_end_ms):
            labels.append(segment_end_ms)
            return originals["insert_ones"](y, segment_end_ms)

        np.random.seed(seed)
        n_activates = np.random.randint(0, 5)
        np.random.seed(seed)
        namespace["insert_audio_clip"], namespace["insert_ones"] = spy_insert, spy_ones
        try:
            target(backgrounds[1], activates, negatives, 1375)
        finally:
            namespace.update(originals)
        kinds = [k for k, *_ in inserts]
        _require("?" not in kinds, "Insert the clips of the activates and negatives lists themselves (use "
                                   "insert_audio_clip(background, clip, previous_segments)).")
        _require(kinds.count("activate") == n_activates,
                 f"With np.random.seed({seed}), np.random.randint(0, 5) gives {n_activates} activates, but "
                 f"{kinds.count('activate')} were inserted. Draw the number of activates first, with "
                 "np.random.randint(0, 5).")
        _require(kinds == sorted(kinds), "Insert all the activates first, then the negatives.")
        _require(len({pid for _, _, pid, _ in inserts}) <= 1,
                 "Every call of insert_audio_clip should get the SAME previous_segments list, activates and "
                 "negatives alike, so that no word can cover another.")
        activate_ends = [seg[1] for k, _, _, seg in inserts if k == "activate"]
        if labels != activate_ends:
            starts = [seg[0] for k, _, _, seg in inserts if k == "activate"]
            if labels == starts:
                raise AssertionError("insert_ones gets the START of each activate; give it the end, segment_time[1].")
            raise AssertionError(f"insert_ones was called with {labels}, but the activates end at {activate_ends}: "
                                 "call it once per activate, with its end time, and never for the negatives.")
        if inserts:
            drop = backgrounds[1].dBFS - inserts[0][1].dBFS
            _require(abs(drop - 20) < 0.5, f"The first clip was inserted into a background {drop:.1f} dB quieter "
                                           "than the one given; make it 20 dB quieter first (background - 20).")


# --------------------------------------------------------------------------------------
# Exercise 5: modelf
# --------------------------------------------------------------------------------------

EXPECTED_COUNTS = {"Conv1D": 1, "BatchNormalization": 3, "Activation": 1, "Dropout": 4, "GRU": 2,
                   "TimeDistributed": 1}
TOTAL_PARAMETERS, NON_TRAINABLE = 523_329, 904


def _layer_kinds(model):
    import keras

    kinds = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        kinds.setdefault(type(layer).__name__, []).append(layer)
    return kinds


@public_check("modelf")
def modelf_test(target):
    import keras

    model = target(input_shape=(5511, 101))
    _require(isinstance(model, keras.Model), f"modelf should return a keras Model, not a {type(model).__name__}.")
    _require(tuple(model.inputs[0].shape) == (None, 5511, 101),
             f"The input should have shape (None, 5511, 101), not {tuple(model.inputs[0].shape)}.")
    out = tuple(model.outputs[0].shape)
    if out == (None, 1378, 1):
        raise AssertionError("The output has 1378 steps instead of 1375: the Conv1D must use padding='valid'.")
    _require(out == (None, 1375, 1),
             f"The output should have shape (None, 1375, 1): one probability per output step, but it is {out}. "
             "Both GRUs need return_sequences=True, and the Dense layer goes inside TimeDistributed.")
    kinds = _layer_kinds(model)
    if "Bidirectional" in kinds:
        raise AssertionError("The model uses Bidirectional GRUs. A live detector cannot read the future: use "
                             "plain (one-directional) GRU layers.")
    if "ReLU" in kinds and "Activation" not in kinds:
        raise AssertionError("Use Activation('relu') after the first BatchNormalization, not a ReLU layer.")
    total = model.count_params()
    if total == 522_561:
        raise AssertionError("The model has 522,561 parameters: GRUs with reset_after=False (the Keras 2 "
                             "default). Use GRU(128, return_sequences=True) with the default reset_after=True.")
    _require(total == TOTAL_PARAMETERS, f"The model has {total:,} parameters, but it should have "
                                        f"{TOTAL_PARAMETERS:,}.")
    non_trainable = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    _require(non_trainable == NON_TRAINABLE, f"The model has {non_trainable} non-trainable parameters; it "
                                             f"should have {NON_TRAINABLE} (the moving means and variances of "
                                             "three BatchNormalization layers).")
    counts = {name: len(layers) for name, layers in kinds.items()}
    if counts.get("Dense") and not counts.get("TimeDistributed"):
        raise AssertionError("Wrap the Dense layer in TimeDistributed: TimeDistributed(Dense(1, activation='sigmoid')).")
    for name, expected in EXPECTED_COUNTS.items():
        _require(counts.get(name, 0) == expected,
                 f"The model should have {expected} {name} layer(s), but it has {counts.get(name, 0)}.")
    extra = sorted(set(counts) - set(EXPECTED_COUNTS))
    _require(not extra, f"The model has layers the architecture does not have: {extra}.")
    conv = kinds["Conv1D"][0]
    _require(conv.filters == 196 and tuple(conv.kernel_size) == (15,) and tuple(conv.strides) == (4,),
             f"The Conv1D should have 196 filters, kernel_size 15 and strides 4; it has {conv.filters}, "
             f"{tuple(conv.kernel_size)}, {tuple(conv.strides)}.")
    _require(conv.padding == "valid", f"The Conv1D should use padding='valid', not {conv.padding!r}.")
    _require(getattr(conv.activation, "__name__", "") == "linear",
             "The Conv1D should have no activation of its own: the ReLU comes after the BatchNormalization.")
    act = kinds["Activation"][0]
    _require(getattr(act.activation, "__name__", "") == "relu", "The Activation layer should be 'relu'.")
    rates = sorted(layer.rate for layer in kinds["Dropout"])
    _require(rates == [0.8] * 4, f"Every Dropout layer should have rate 0.8; the rates are {rates}.")
    for gru in kinds["GRU"]:
        _require(gru.units == 128 and gru.return_sequences,
                 "Both GRUs should have 128 units and return_sequences=True.")
        _require(not getattr(gru, "go_backwards", False), "The GRUs must read forwards (go_backwards=False).")
    dense = kinds["TimeDistributed"][0].layer
    _require(isinstance(dense, keras.layers.Dense) and dense.units == 1
             and getattr(dense.activation, "__name__", "") == "sigmoid",
             "The last layer should be TimeDistributed(Dense(1, activation='sigmoid')).")
    # the sizes come from input_shape
    small = target(input_shape=(1011, 101))
    _require(tuple(small.outputs[0].shape) == (None, 250, 1),
             "modelf(input_shape=(1011, 101)) should give outputs of shape (None, 250, 1): build the Input "
             "from input_shape, do not write (5511, 101) inside the function.")
