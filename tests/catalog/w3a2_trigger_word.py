"""Known implementations of the w3a2_trigger_word exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell:

- ``is_overlapping``: the cell defining ``is_overlapping(segment_time, previous_segments)``;
- ``insert_audio_clip``: ``insert_audio_clip(background, audio_clip, previous_segments)``;
- ``insert_ones``: ``insert_ones(y, segment_end_ms)``;
- ``create_training_example``: ``create_training_example(background, activates, negatives, Ty)``;
- ``modelf``: ``modelf(input_shape)``.

The code runs where the notebook's imports cell has defined ``np``, ``tf``, the Keras names
``Model, Dense, Activation, Dropout, Input, TimeDistributed, Conv1D, GRU, BatchNormalization,
Adam`` and the helpers of ``trigger_utils`` (``AudioSegment``, ``get_random_time_segment``,
``match_target_amplitude``, ``graph_spectrogram``, ...), with the global ``Ty = 1375``, and
where the other exercises are the instructor's solutions. A variant that needs another name
imports it in its own cell, as a learner would.

WRONG variants are mistakes learners make (CURRICULUM.md "Mistakes" first, each with its
diagnosis id, then others); several keep every shape and only show on values: a different
number of random draws shifts every later draw of a seeded example; Dense without
TimeDistributed and the ReLU layer keep every shape and parameter count. CORRECT variants
are other correct formulations (any(), numpy, slices, integer arithmetic, a bounded for loop,
an attempt counter, apply_gain, float32 labels, keras.layers names, tf.nn.relu ...) and the 2018
signature of create_training_example without Ty (graded on the 1375-step cases). CROSS cases put
a correct insert_audio_clip around a wrong is_overlapping, and a correct create_training_example
around a wrong insert_ones or insert_audio_clip (the 2018 unbounded retry loop among them): the
outer function keeps its points, naming the callee.
"""
from __future__ import annotations

import textwrap

from autograde.catalog import Variant


def _v(exercise: str, name: str, code: str, why: str, diagnosis: str | None = None) -> Variant:
    return Variant(exercise=exercise, name=name, code=textwrap.dedent(code).strip() + "\n", why=why,
                   diagnosis=diagnosis)


# The instructor's bodies, reused by variants that change one line.
_IAC_HEAD = '''
        def insert_audio_clip(background, audio_clip, previous_segments):
            segment_ms = len(audio_clip)
            segment_time = get_random_time_segment(segment_ms)'''

_CTE_HEAD = '''
        def create_training_example(background, activates, negatives, Ty):'''

_CTE_NEGATIVES_AND_END = '''
            number_of_negatives = np.random.randint(0, 3)
            random_indices = np.random.randint(len(negatives), size=number_of_negatives)
            random_negatives = [negatives[i] for i in random_indices]
            for random_negative in random_negatives:
                background, _ = insert_audio_clip(background, random_negative, previous_segments)
            background = match_target_amplitude(background, -20.0)
            file_handle = background.export("train" + ".wav", format="wav")
            x = graph_spectrogram("train.wav")
            return x, y'''

_CTE_ACTIVATES = '''
            number_of_activates = np.random.randint(0, 5)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            random_activates = [activates[i] for i in random_indices]
            for random_activate in random_activates:
                background, segment_time = insert_audio_clip(background, random_activate, previous_segments)
                segment_start, segment_end = segment_time
                y = insert_ones(y, segment_end)'''

_MODEL_AFTER_CONV = '''
            X = BatchNormalization()(X)
            X = Activation('relu')(X)
            X = Dropout(rate=0.8)(X)
            X = GRU(units=128, return_sequences=True)(X)
            X = Dropout(rate=0.8)(X)
            X = BatchNormalization()(X)
            X = GRU(units=128, return_sequences=True)(X)
            X = Dropout(rate=0.8)(X)
            X = BatchNormalization()(X)
            X = Dropout(rate=0.8)(X)
            X = TimeDistributed(Dense(1, activation="sigmoid"))(X)
            model = Model(inputs=X_input, outputs=X)
            return model'''


def _model(conv: str = "X = Conv1D(196, kernel_size=15, strides=4)(X_input)", after: str = _MODEL_AFTER_CONV) -> str:
    return f'''
        def modelf(input_shape):
            X_input = Input(shape=input_shape)
            {conv}''' + after


def _model_replace(old: str, new: str) -> str:
    assert old in _MODEL_AFTER_CONV, old
    return _model(after=_MODEL_AFTER_CONV.replace(old, new, 1))


# ---------------------------------------------------------------------------------------
# WRONG
# ---------------------------------------------------------------------------------------

WRONG = [
    # --- is_overlapping ---
    _v("is_overlapping", "strict_comparisons", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            overlap = False
            for previous_start, previous_end in previous_segments:
                if segment_start < previous_end and segment_end > previous_start:
                    overlap = True
            return overlap
        """, "< and > instead of <= and >=: segments that share their first or last millisecond are "
             "taken as free.", "strict_comparison"),
    _v("is_overlapping", "endpoint_only", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            overlap = False
            for previous_start, previous_end in previous_segments:
                if previous_start <= segment_start <= previous_end or previous_start <= segment_end <= previous_end:
                    overlap = True
            return overlap
        """, "Only asks whether an end of the NEW segment falls inside an old one: a new segment that "
             "encloses an old one is taken as free.", "endpoint_only_overlap"),
    _v("is_overlapping", "early_return_false", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            for previous_start, previous_end in previous_segments:
                if segment_start <= previous_end and segment_end >= previous_start:
                    return True
                else:
                    return False
            return False
        """, "Returns False after the first previous segment that does not overlap, without looking at "
             "the others.", "early_return_false"),
    _v("is_overlapping", "start_compared_with_start", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            overlap = False
            for previous_start, previous_end in previous_segments:
                if segment_start <= previous_start and segment_end >= previous_end:
                    overlap = True
            return overlap
        """, "Compares start with start and end with end: only an enclosing segment counts.",
       "start_compared_with_start"),
    _v("is_overlapping", "flag_overwritten", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            overlap = False
            for previous_start, previous_end in previous_segments:
                overlap = segment_start <= previous_end and segment_end >= previous_start
            return overlap
        """, "Overwrites the flag at every previous segment: only the LAST one decides.", "last_segment_only"),

    # --- insert_audio_clip ---
    _v("insert_audio_clip", "list_not_appended", _IAC_HEAD + """
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                new_background = background.overlay(audio_clip, position=segment_time[0])
            else:
                new_background = background
                segment_time = (10000, 10000)
            return new_background, segment_time
        """, "Never appends the new segment to previous_segments: later clips can land on top of it.",
       "previous_segments_not_appended"),
    _v("insert_audio_clip", "no_final_overlap_check", _IAC_HEAD + """
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            previous_segments.append(segment_time)
            new_background = background.overlay(audio_clip, position=segment_time[0])
            return new_background, segment_time
        """, "Inserts the last drawn segment even when the retries ran out and it still overlaps; never "
             "returns the sentinel.", "no_final_overlap_check"),
    _v("insert_audio_clip", "position_in_samples", _IAC_HEAD + """
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                previous_segments.append(segment_time)
                position = int(segment_time[0] * background.frame_rate / 1000)
                new_background = background.overlay(audio_clip, position=position)
            else:
                new_background = background
                segment_time = (10000, 10000)
            return new_background, segment_time
        """, "Converts the start to a sample index before overlay, whose position is in milliseconds: the "
             "clip lands 44 times later (or nowhere).", "position_in_samples"),
    _v("insert_audio_clip", "retry_greater_than_zero", _IAC_HEAD + """
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry > 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                previous_segments.append(segment_time)
                new_background = background.overlay(audio_clip, position=segment_time[0])
            else:
                new_background = background
                segment_time = (10000, 10000)
            return new_background, segment_time
        """, "Loops while retry > 0: at most 6 draws instead of 7, so a crowded timeline gives other "
             "seeded results.", "rng_call_count"),
    _v("insert_audio_clip", "extra_draw_before_loop", _IAC_HEAD + """
            segment_time = get_random_time_segment(segment_ms)
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                previous_segments.append(segment_time)
                new_background = background.overlay(audio_clip, position=segment_time[0])
            else:
                new_background = background
                segment_time = (10000, 10000)
            return new_background, segment_time
        """, "Draws a segment twice before the loop: one random call too many, every seeded result moves.",
       "rng_call_count"),
    _v("insert_audio_clip", "unbounded_retry_loop_2018", _IAC_HEAD + """
            while is_overlapping(segment_time, previous_segments):
                segment_time = get_random_time_segment(segment_ms)
            previous_segments.append(segment_time)
            new_background = background.overlay(audio_clip, position=segment_time[0])
            return new_background, segment_time
        """, "The 2018 version: redraws until a free place is found, with no limit; on a full timeline it "
             "never returns (caught by the deadline).", "unbounded_retry_loop"),
    _v("insert_audio_clip", "sentinel_appended", _IAC_HEAD + """
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                new_background = background.overlay(audio_clip, position=segment_time[0])
            else:
                new_background = background
                segment_time = (10000, 10000)
            previous_segments.append(segment_time)
            return new_background, segment_time
        """, "Appends the segment even when it is the (10000, 10000) sentinel.", "sentinel_appended"),
    _v("insert_audio_clip", "overlay_at_segment_end", _IAC_HEAD + """
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                previous_segments.append(segment_time)
                new_background = background.overlay(audio_clip, position=segment_time[1])
            else:
                new_background = background
                segment_time = (10000, 10000)
            return new_background, segment_time
        """, "Overlays the clip at the END of its segment: the audio and the recorded segment disagree.",
       "position_at_segment_end"),
    _v("insert_audio_clip", "length_in_samples", """
        def insert_audio_clip(background, audio_clip, previous_segments):
            segment_ms = len(audio_clip.get_array_of_samples()) // 44
            segment_time = get_random_time_segment(segment_ms)
            retry = 5
            while is_overlapping(segment_time, previous_segments) and retry >= 0:
                segment_time = get_random_time_segment(segment_ms)
                retry = retry - 1
            if not is_overlapping(segment_time, previous_segments):
                previous_segments.append(segment_time)
                new_background = background.overlay(audio_clip, position=segment_time[0])
            else:
                new_background = background
                segment_time = (10000, 10000)
            return new_background, segment_time
        """, "Measures the clip from its sample count divided by 44 instead of len(audio_clip): the segment "
             "is longer than the clip (the rate is 44.1 samples per ms).", "segment_length"),

    # --- insert_ones ---
    _v("insert_ones", "starts_at_end", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            segment_end_y = int(segment_end_ms * Ty / 10000.0)
            for i in range(segment_end_y, segment_end_y + 50):
                if i < Ty:
                    y[0, i] = 1
            return y
        """, "Starts the ones at the step where the word ends instead of the step after.", "ones_start_at_end"),
    _v("insert_ones", "hard_coded_ty", """
        def insert_ones(y, segment_end_ms):
            segment_end_y = int(segment_end_ms * 1375 / 10000.0)
            for i in range(segment_end_y + 1, segment_end_y + 51):
                if i < 1375:
                    y[0, i] = 1
            return y
        """, "Uses 1375 instead of y.shape[1]: wrong for every other length.", "hard_coded_ty"),
    _v("insert_ones", "min_1374_off_by_one", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            segment_end_y = int(segment_end_ms * Ty / 10000.0)
            for i in range(segment_end_y + 1, min(segment_end_y + 51, 1374)):
                y[0, i] = 1
            return y
        """, "Cuts the run at min(end + 51, 1374): the last step (1374) is never set, and other lengths are "
             "cut at the wrong place.", "hard_coded_ty"),
    _v("insert_ones", "integer_division_first", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            segment_end_y = segment_end_ms // 10000 * Ty
            for i in range(segment_end_y + 1, segment_end_y + 51):
                if i < Ty:
                    y[0, i] = 1
            return y
        """, "Integer-divides by 10000 before multiplying by Ty: every word ending before 10 s maps to step 0.",
       "misplaced_integer_division"),
    _v("insert_ones", "indexing_in_ms", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            for i in range(segment_end_ms + 1, segment_end_ms + 51):
                if i < Ty:
                    y[0, i] = 1
            return y
        """, "Indexes y with milliseconds instead of output steps.", "indexing_in_ms"),
    _v("insert_ones", "fifty_one_ones", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            segment_end_y = int(segment_end_ms * Ty / 10000.0)
            for i in range(segment_end_y + 1, segment_end_y + 52):
                if i < Ty:
                    y[0, i] = 1
            return y
        """, "Writes 51 ones (range end + 1 ... end + 51 inclusive).", "wrong_number_of_ones"),
    _v("insert_ones", "truncation_by_clipping", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            segment_end_y = int(segment_end_ms * Ty / 10000.0)
            for i in range(segment_end_y + 1, segment_end_y + 51):
                y[0, min(i, Ty - 1)] = 1
            return y
        """, "Clips indices past the end to Ty - 1 instead of skipping them: the 10000 sentinel writes a 1 "
             "in the last step.", "sentinel_writes_ones"),

    # --- create_training_example ---
    _v("create_training_example", "no_minus_20_db", _CTE_HEAD + """
            y = np.zeros((1, Ty))
            previous_segments = []""" + _CTE_ACTIVATES + _CTE_NEGATIVES_AND_END, "Forgets to make the "
       "background 20 dB quieter: the words drown in the noise and the audio differs.",
       "no_background_attenuation"),
    _v("create_training_example", "insert_arguments_swapped", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            number_of_activates = np.random.randint(0, 5)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            random_activates = [activates[i] for i in random_indices]
            for random_activate in random_activates:
                background, segment_time = insert_audio_clip(random_activate, background, previous_segments)
                segment_start, segment_end = segment_time
                y = insert_ones(y, segment_end)""" + _CTE_NEGATIVES_AND_END,
       "Passes the activate first and the background second to insert_audio_clip.",
       "insert_audio_clip_argument_order"),
    _v("create_training_example", "global_ty", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, 1375))
            previous_segments = []""" + _CTE_ACTIVATES + _CTE_NEGATIVES_AND_END,
       "Builds y with the notebook's 1375 instead of the Ty argument.", "global_ty"),
    _v("create_training_example", "negatives_labelled", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []""" + _CTE_ACTIVATES + """
            number_of_negatives = np.random.randint(0, 3)
            random_indices = np.random.randint(len(negatives), size=number_of_negatives)
            random_negatives = [negatives[i] for i in random_indices]
            for random_negative in random_negatives:
                background, segment_time = insert_audio_clip(background, random_negative, previous_segments)
                y = insert_ones(y, segment_time[1])
            background = match_target_amplitude(background, -20.0)
            file_handle = background.export("train" + ".wav", format="wav")
            x = graph_spectrogram("train.wav")
            return x, y
        """, "Writes labels after the negative words too.", "negatives_labelled"),
    _v("create_training_example", "previous_segments_not_shared", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []""" + _CTE_ACTIVATES + """
            previous_segments = []""" + _CTE_NEGATIVES_AND_END,
       "Starts a new previous_segments list for the negatives: a negative can cover an activate.",
       "previous_segments_not_shared"),
    _v("create_training_example", "negatives_drawn_first", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            number_of_negatives = np.random.randint(0, 3)
            random_indices = np.random.randint(len(negatives), size=number_of_negatives)
            random_negatives = [negatives[i] for i in random_indices]
            for random_negative in random_negatives:
                background, _ = insert_audio_clip(background, random_negative, previous_segments)""" + """
            number_of_activates = np.random.randint(0, 5)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            random_activates = [activates[i] for i in random_indices]
            for random_activate in random_activates:
                background, segment_time = insert_audio_clip(background, random_activate, previous_segments)
                segment_start, segment_end = segment_time
                y = insert_ones(y, segment_end)
            background = match_target_amplitude(background, -20.0)
            file_handle = background.export("train" + ".wav", format="wav")
            x = graph_spectrogram("train.wav")
            return x, y
        """, "Draws and inserts the negatives before the activates: the random draws come in another order.",
       "rng_order"),
    _v("create_training_example", "no_normalisation", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []""" + _CTE_ACTIVATES + """
            number_of_negatives = np.random.randint(0, 3)
            random_indices = np.random.randint(len(negatives), size=number_of_negatives)
            random_negatives = [negatives[i] for i in random_indices]
            for random_negative in random_negatives:
                background, _ = insert_audio_clip(background, random_negative, previous_segments)
            file_handle = background.export("train" + ".wav", format="wav")
            x = graph_spectrogram("train.wav")
            return x, y
        """, "Exports the clip without bringing it to -20 dBFS.", "no_normalisation"),
    _v("create_training_example", "labels_at_segment_start", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            number_of_activates = np.random.randint(0, 5)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            random_activates = [activates[i] for i in random_indices]
            for random_activate in random_activates:
                background, segment_time = insert_audio_clip(background, random_activate, previous_segments)
                segment_start, segment_end = segment_time
                y = insert_ones(y, segment_start)""" + _CTE_NEGATIVES_AND_END,
       "Labels the steps after the START of the word instead of its end.", "labels_at_segment_start"),
    _v("create_training_example", "four_at_most_three", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            number_of_activates = np.random.randint(0, 4)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            random_activates = [activates[i] for i in random_indices]
            for random_activate in random_activates:
                background, segment_time = insert_audio_clip(background, random_activate, previous_segments)
                segment_start, segment_end = segment_time
                y = insert_ones(y, segment_end)""" + _CTE_NEGATIVES_AND_END,
       "randint(0, 4) draws 0 to 3 activates (the upper bound is excluded): other seeded examples.",
       "rng_draw_range"),
    _v("create_training_example", "python_random_choice", _CTE_HEAD + """
            import random
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            number_of_activates = np.random.randint(0, 5)
            random_activates = random.choices(activates, k=number_of_activates)
            for random_activate in random_activates:
                background, segment_time = insert_audio_clip(background, random_activate, previous_segments)
                segment_start, segment_end = segment_time
                y = insert_ones(y, segment_end)""" + _CTE_NEGATIVES_AND_END,
       "Picks the activates with Python's random module instead of np.random: np.random.seed does not "
       "fix them, and the numpy draws that follow shift.", "rng_call_count"),

    # --- modelf ---
    _v("modelf", "relu_layer", _model_replace("X = Activation('relu')(X)", "X = tf.keras.layers.ReLU()(X)"),
       "A ReLU layer where the architecture has Activation('relu'): same numbers, other layer.",
       "relu_layer_not_activation"),
    _v("modelf", "bidirectional_grus", """
        from tensorflow.keras.layers import Bidirectional
        """ + _model_replace("X = GRU(units=128, return_sequences=True)(X)\n            X = Dropout(rate=0.8)(X)\n"
                             "            X = BatchNormalization()(X)\n            X = GRU(units=128, return_sequences=True)(X)",
                             "X = Bidirectional(GRU(units=64, return_sequences=True))(X)\n            X = Dropout(rate=0.8)(X)\n"
                             "            X = BatchNormalization()(X)\n            X = Bidirectional(GRU(units=64, return_sequences=True))(X)"),
       "Bidirectional GRUs (64 units each way, so the outputs keep 128 features): the detector reads the "
       "future and cannot run live.", "bidirectional_gru"),
    _v("modelf", "return_sequences_false", _model_replace(
        "X = GRU(units=128, return_sequences=True)(X)\n            X = Dropout(rate=0.8)(X)\n            X = BatchNormalization()(X)\n            X = Dropout",
        "X = GRU(units=128)(X)\n            X = Dropout(rate=0.8)(X)\n            X = BatchNormalization()(X)\n            X = Dropout"),
       "The second GRU returns only its last state: no per-step outputs (TimeDistributed then fails).",
       "return_sequences_false"),
    _v("modelf", "dropout_rate_0_2", _model(after=_MODEL_AFTER_CONV.replace("rate=0.8", "rate=0.2")),
       "Dropout(0.2) everywhere instead of 0.8 (reading 0.8 as the keep probability).", "dropout_rate"),
    _v("modelf", "dense_without_time_distributed", _model_replace(
        'X = TimeDistributed(Dense(1, activation="sigmoid"))(X)', 'X = Dense(1, activation="sigmoid")(X)'),
       "Dense without TimeDistributed: Keras applies it to the last axis, so every shape and count agree, "
       "but the layer is not the contract's.", "dense_without_time_distributed"),
    _v("modelf", "same_padding", _model(conv="X = Conv1D(196, kernel_size=15, strides=4, padding='same')(X_input)"),
       "'same' padding: 1378 output steps instead of 1375, no longer aligned with the labels.", "same_padding"),
    _v("modelf", "conv_with_relu_no_activation_layer", _model(
        conv="X = Conv1D(196, kernel_size=15, strides=4, activation='relu')(X_input)",
        after=_MODEL_AFTER_CONV.replace("            X = Activation('relu')(X)\n", "", 1)),
       "Puts the ReLU inside the Conv1D (before the batch normalisation) and drops the Activation layer.",
       "conv_activation"),
    _v("modelf", "gru_reset_after_false", _model(after=_MODEL_AFTER_CONV.replace(
        "return_sequences=True)", "return_sequences=True, reset_after=False)")),
       "Keras 2's GRU (reset_after=False): 522,561 parameters, and the reference weights do not fit.",
       "gru_reset_after_false"),
    _v("modelf", "lstm_instead_of_gru", """
        from tensorflow.keras.layers import LSTM
        """ + _model(after=_MODEL_AFTER_CONV.replace("GRU(units=128", "LSTM(units=128")),
       "LSTMs instead of GRUs.", "lstm_instead_of_gru"),
    _v("modelf", "last_dropout_missing", _model_replace(
        "X = BatchNormalization()(X)\n            X = Dropout(rate=0.8)(X)\n            X = TimeDistributed",
        "X = BatchNormalization()(X)\n            X = TimeDistributed"),
       "Leaves out the last Dropout (three instead of four).", "missing_layer"),
    _v("modelf", "batchnorm_before_dropout", _model_replace(
        "X = GRU(units=128, return_sequences=True)(X)\n            X = Dropout(rate=0.8)(X)\n"
        "            X = BatchNormalization()(X)",
        "X = GRU(units=128, return_sequences=True)(X)\n            X = BatchNormalization()(X)\n"
        "            X = Dropout(rate=0.8)(X)"),
       "BatchNormalization before the Dropout after the first GRU: the same at inference, but the notebook's "
       "fine-tuning cell then freezes a Dropout (model.layers[7]) and leaves a batch normalisation trainable."),
    _v("modelf", "hard_coded_input_shape", """
        def modelf(input_shape):
            X_input = Input(shape=(5511, 101))
            X = Conv1D(196, kernel_size=15, strides=4)(X_input)""" + _MODEL_AFTER_CONV,
       "Ignores input_shape and writes (5511, 101).", "hard_coded_input_shape"),
]


# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

CORRECT = [
    _v("is_overlapping", "any_generator", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            return any(segment_start <= e and segment_end >= s for s, e in previous_segments)
        """, "One expression with any()."),
    _v("is_overlapping", "negated_disjoint", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            for previous_start, previous_end in previous_segments:
                if not (segment_end < previous_start or segment_start > previous_end):
                    return True
            return False
        """, "Overlap as 'not disjoint', with an early return True."),
    _v("is_overlapping", "numpy_vectorised", """
        def is_overlapping(segment_time, previous_segments):
            segment_start, segment_end = segment_time
            previous = np.array(previous_segments, dtype=int).reshape(-1, 2)
            return bool(np.any((segment_start <= previous[:, 1]) & (segment_end >= previous[:, 0])))
        """, "numpy over all previous segments at once (an empty list becomes a (0, 2) array)."),
    _v("insert_audio_clip", "bounded_for_loop", """
        def insert_audio_clip(background, audio_clip, previous_segments):
            segment_ms = len(audio_clip)
            segment_time = get_random_time_segment(segment_ms)
            for _ in range(6):
                if not is_overlapping(segment_time, previous_segments):
                    break
                segment_time = get_random_time_segment(segment_ms)
            if is_overlapping(segment_time, previous_segments):
                return background, (10000, 10000)
            previous_segments.append(segment_time)
            start, _ = segment_time
            return background.overlay(audio_clip, position=start), segment_time
        """, "A for loop with at most 6 redraws: the same 7 draws as the while loop."),
    _v("insert_audio_clip", "attempt_counter", """
        def insert_audio_clip(background, audio_clip, previous_segments):
            segment_ms = len(audio_clip)
            segment_time = get_random_time_segment(segment_ms)
            attempts = 1
            while attempts < 7 and is_overlapping(segment_time, previous_segments):
                segment_time = get_random_time_segment(segment_ms)
                attempts += 1
            if is_overlapping(segment_time, previous_segments):
                return background, (10000, 10000)
            previous_segments.append(segment_time)
            return background.overlay(audio_clip, position=segment_time[0]), segment_time
        """, "Counts attempts up to 7 (the bound tested first): the same draws as retry = 5 ... retry >= 0."),
    _v("insert_ones", "slice_assignment", """
        def insert_ones(y, segment_end_ms):
            Ty = y.shape[1]
            segment_end_y = int(segment_end_ms * Ty / 10000.0)
            y[0, segment_end_y + 1:segment_end_y + 51] = 1
            return y
        """, "A slice: numpy cuts it at Ty by itself, and the sentinel's slice is empty."),
    _v("insert_ones", "integer_arithmetic", """
        def insert_ones(y, segment_end_ms):
            _, Ty = y.shape
            segment_end_y = segment_end_ms * Ty // 10000
            for i in range(segment_end_y + 1, min(segment_end_y + 51, Ty)):
                y[0, i] = 1
            return y
        """, "Exact integer floor division, and the run cut with min(..., Ty)."),
    _v("create_training_example", "apply_gain_and_index_loops", _CTE_HEAD + """
            background = background.apply_gain(-20)
            y = np.zeros((1, Ty), dtype=np.float32)
            previous_segments = []
            number_of_activates = np.random.randint(0, 5)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            for i in random_indices:
                background, (segment_start, segment_end) = insert_audio_clip(background, activates[i], previous_segments)
                y = insert_ones(y, segment_end)
            number_of_negatives = np.random.randint(0, 3)
            for i in np.random.randint(len(negatives), size=number_of_negatives):
                background, _ = insert_audio_clip(background, negatives[i], previous_segments)
            background = match_target_amplitude(background, -20.0)
            background.export("train.wav", format="wav")
            return graph_spectrogram("train.wav"), y
        """, "apply_gain(-20), float32 labels, index loops, the tuple unpacked in the loop."),
    _v("create_training_example", "low_high_keywords", _CTE_HEAD + """
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            n = np.random.randint(low=0, high=5)
            for index in np.random.randint(low=0, high=len(activates), size=n):
                background, segment_time = insert_audio_clip(background, activates[index], previous_segments)
                y = insert_ones(y, segment_end_ms=segment_time[1])
            n = np.random.randint(low=0, high=3)
            for index in np.random.randint(low=0, high=len(negatives), size=n):
                background, _ = insert_audio_clip(background, negatives[index], previous_segments)
            background = match_target_amplitude(background, target_dBFS=-20.0)
            with open("train.wav", "wb") as handle:
                background.export(handle, format="wav")
            x = graph_spectrogram("train.wav")
            return x, y
        """, "Keyword arguments (low/high, size), export to an open file handle: the same draws."),
    _v("create_training_example", "signature_2018", """
        def create_training_example(background, activates, negatives):
            background = background - 20
            y = np.zeros((1, Ty))
            previous_segments = []
            number_of_activates = np.random.randint(0, 5)
            random_indices = np.random.randint(len(activates), size=number_of_activates)
            for i in random_indices:
                background, segment_time = insert_audio_clip(background, activates[i], previous_segments)
                y = insert_ones(y, segment_time[1])
            number_of_negatives = np.random.randint(0, 3)
            random_indices = np.random.randint(len(negatives), size=number_of_negatives)
            for i in random_indices:
                background, _ = insert_audio_clip(background, negatives[i], previous_segments)
            background = match_target_amplitude(background, -20.0)
            background.export("train.wav", format="wav")
            return graph_spectrogram("train.wav"), y
        """, "The 2018 signature without Ty (the notebook's global Ty = 1375): graded on the 1375-step cases."),
    _v("modelf", "keras_namespace", """
        import keras

        def modelf(input_shape):
            X_input = keras.Input(shape=input_shape)
            X = keras.layers.Conv1D(filters=196, kernel_size=15, strides=4, padding="valid")(X_input)
            X = keras.layers.BatchNormalization()(X)
            X = keras.layers.Activation(tf.nn.relu)(X)
            X = keras.layers.Dropout(0.8)(X)
            X = keras.layers.GRU(128, return_sequences=True, reset_after=True)(X)
            X = keras.layers.Dropout(0.8)(X)
            X = keras.layers.BatchNormalization()(X)
            X = keras.layers.GRU(128, return_sequences=True)(X)
            X = keras.layers.Dropout(0.8)(X)
            X = keras.layers.BatchNormalization()(X)
            X = keras.layers.Dropout(0.8)(X)
            X = keras.layers.TimeDistributed(keras.layers.Dense(1, activation=tf.nn.sigmoid))(X)
            return keras.Model(X_input, X)
        """, "keras.* names, explicit defaults (padding, reset_after), tf.nn activations."),
    _v("modelf", "layer_list_loop", """
        def modelf(input_shape):
            X_input = Input(shape=input_shape)
            stack = [Conv1D(196, 15, strides=4), BatchNormalization(), Activation("relu"), Dropout(0.8),
                     GRU(128, return_sequences=True), Dropout(0.8), BatchNormalization(),
                     GRU(128, return_sequences=True), Dropout(0.8), BatchNormalization(), Dropout(0.8),
                     TimeDistributed(Dense(1, activation="sigmoid"))]
            X = X_input
            for layer in stack:
                X = layer(X)
            return Model(inputs=X_input, outputs=X)
        """, "The layers in a list, applied in a loop."),
]


# ---------------------------------------------------------------------------------------
# CROSS: a correct function around a wrong callee keeps its points, its feedback naming the
# callee; the callee loses its own.
# ---------------------------------------------------------------------------------------

def _code(name: str) -> str:
    return next(v.code for v in WRONG + CORRECT if v.name == name)


def _cross(outer: str, outer_variant: str, callee: str, callee_variant: str, why: str) -> Variant:
    return Variant(outer, f"{outer_variant}__around__{callee_variant}", _code(outer_variant), why,
                   others={callee: _code(callee_variant)})


CROSS: list[Variant] = [
    _cross("insert_audio_clip", "bounded_for_loop", "is_overlapping", "early_return_false",
           "A correct insertion around an is_overlapping that only looks at the first previous segment: the "
           "reference loop around the learner's own is_overlapping reproduces it."),
    _cross("create_training_example", "low_high_keywords", "is_overlapping", "early_return_false",
           "Two levels down: a correct example and the solution's insert_audio_clip around an is_overlapping that "
           "only looks at the first previous segment; create_training_example reaches it through insert_audio_clip."),
    _cross("create_training_example", "apply_gain_and_index_loops", "insert_ones", "starts_at_end",
           "A correct example around labels that start one step early."),
    _cross("create_training_example", "low_high_keywords", "insert_audio_clip", "position_in_samples",
           "A correct example around an insertion that overlays at a sample index."),
    _cross("create_training_example", "low_high_keywords", "insert_audio_clip", "list_not_appended",
           "A correct example around an insertion that forgets previous_segments: clips may land on each other."),
    _cross("create_training_example", "apply_gain_and_index_loops", "insert_audio_clip", "unbounded_retry_loop_2018",
           "A correct example around the 2018 unbounded retry loop: insert_audio_clip's no-room check hits the call "
           "deadline (a fresh process replays the notebook), create_training_example's cases never run out of "
           "retries and keep their points."),
]
