"""Known implementations of the w1a2_dinosaur_island exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell: a single top-level
function named after its exercise (clip, sample, optimize, model). It runs where the
notebook's imports cell has defined ``np``, ``copy``, ``random`` and the helpers
(``softmax``, ``smooth``, ``get_initial_loss``, ``print_sample``, ``get_sample``,
``initialize_parameters``, ``rnn_step_forward``, ``rnn_step_backward``, ``rnn_forward``,
``rnn_backward``, ``update_parameters``), and where the other three graded functions are
the correct solutions. Every CORRECT variant makes the same computations and the same
global-RNG calls in the same order as the contract, so its results are identical for any
legitimate input. Every WRONG variant violates the contract for inputs a grader would
legitimately use; several only show under some of them, as their ``why`` says:
a maxValue other than 5 or 10, gradients beyond the clip bound, n_x != n_a, a vocabulary
other than 27 inserted in non-sorted order with '\\n' away from index 0, parameters that
make the sampler hit its 50-character cap, non-zero biases, learning rates other than
0.01, n_a other than 50, dino_names other than 7, fewer names than iterations, or a run
that reaches iteration 2000.
"""
from __future__ import annotations

import textwrap

from autograde.catalog import Variant


def _v(exercise: str, name: str, code: str, why: str, diagnosis: str | None = None) -> Variant:
    return Variant(
        exercise=exercise,
        name=name,
        code=textwrap.dedent(code).strip() + "\n",
        why=why,
        diagnosis=diagnosis,
    )


# ---------------------------------------------------------------------------------------
# WRONG
# ---------------------------------------------------------------------------------------

_WRONG_CLIP = [
    _v("clip", "clip_rebind_in_loop", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            dWaa, dWax, dWya = gradients["dWaa"], gradients["dWax"], gradients["dWya"]
            db, dby = gradients["db"], gradients["dby"]
            for gradient in [dWax, dWaa, dWya, db, dby]:
                gradient = np.clip(gradient, -maxValue, maxValue)
            gradients = {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
            return gradients
        """, "np.clip without out= returns a new array that only rebinds the loop name; the dict keeps "
             "the unclipped gradients.", "clip_rebind"),
    _v("clip", "clip_rebind_items", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            for key, value in gradients.items():
                value = np.clip(value, -maxValue, maxValue)
            return {k: gradients[k] for k in ["dWaa", "dWax", "dWya", "db", "dby"]}
        """, "Rebinds the items() loop variable, so nothing in the dict is clipped.", "clip_rebind"),
    _v("clip", "clip_fixed_bound_10", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                np.clip(gradients[key], -10, 10, out=gradients[key])
            return {key: gradients[key] for key in ["dWaa", "dWax", "dWya", "db", "dby"]}
        """, "Clips to the notebook's example bound 10 instead of maxValue (visible when maxValue != 10 "
             "and some entries exceed the smaller of the two).", "clip_fixed_bound"),
    _v("clip", "clip_fixed_bound_5", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            dWaa, dWax, dWya, db, dby = (gradients["dWaa"], gradients["dWax"], gradients["dWya"],
                                         gradients["db"], gradients["dby"])
            for gradient in [dWax, dWaa, dWya, db, dby]:
                np.clip(gradient, -5, 5, out=gradient)
            return {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
        """, "Hard-codes the bound 5 that optimize uses, ignoring maxValue (visible when maxValue != 5).",
       "clip_fixed_bound"),
    _v("clip", "clip_upper_only", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                np.minimum(gradients[key], maxValue, out=gradients[key])
            return {key: gradients[key] for key in ["dWaa", "dWax", "dWya", "db", "dby"]}
        """, "Only caps values above maxValue; large negative gradients stay unclipped.", "clip_one_sided"),
    _v("clip", "clip_lower_only", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                gradients[key] = np.maximum(gradients[key], -maxValue)
            return {key: gradients[key] for key in ["dWaa", "dWax", "dWya", "db", "dby"]}
        """, "Only raises values below -maxValue; large positive gradients stay unclipped.", "clip_one_sided"),
    _v("clip", "clip_zero_to_max", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                np.clip(gradients[key], 0, maxValue, out=gradients[key])
            return {key: gradients[key] for key in ["dWaa", "dWax", "dWya", "db", "dby"]}
        """, "Clips to [0, maxValue], so every negative gradient becomes zero."),
    _v("clip", "clip_missing_dby", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            dWaa, dWax, dWya, db = gradients["dWaa"], gradients["dWax"], gradients["dWya"], gradients["db"]
            for gradient in [dWax, dWaa, dWya, db]:
                np.clip(gradient, -maxValue, maxValue, out=gradient)
            return {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db}
        """, "Forgets dby: it is neither clipped nor returned, so the dict has four keys."),
    _v("clip", "clip_global_norm", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            keys = ["dWaa", "dWax", "dWya", "db", "dby"]
            norm = np.sqrt(sum(np.sum(gradients[k] ** 2) for k in keys))
            if norm > maxValue:
                for k in keys:
                    gradients[k] = gradients[k] * (maxValue / norm)
            return {k: gradients[k] for k in keys}
        """, "Rescales by the global norm instead of clipping element-wise, which also shrinks in-range "
             "values."),
    _v("clip", "clip_sign_times_max", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                gradients[key] = np.sign(gradients[key]) * maxValue
            return {key: gradients[key] for key in ["dWaa", "dWax", "dWya", "db", "dby"]}
        """, "Replaces every entry by sign * maxValue, so in-range values are altered too."),
    _v("clip", "clip_keys_swapped", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            dWaa, dWax, dWya, db, dby = (gradients["dWaa"], gradients["dWax"], gradients["dWya"],
                                         gradients["db"], gradients["dby"])
            for gradient in [dWax, dWaa, dWya, db, dby]:
                np.clip(gradient, -maxValue, maxValue, out=gradient)
            return {"dWaa": dWax, "dWax": dWaa, "dWya": dWya, "db": db, "dby": dby}
        """, "Stores dWax under dWaa and vice versa (visible with the right shapes only when n_x != n_a)."),
]

_WRONG_SAMPLE = [
    _v("sample", "sample_dict_values_population", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(list(char_to_ix.values()), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Draws from char_to_ix.values(), whose order is the dict's insertion order (visible with a "
             "mapping not inserted in index order).", "sample_dict_values"),
    _v("sample", "sample_2d_probabilities", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y)
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Passes the (vocab, 1) column as p; np.random.choice requires a 1-D p and raises.", "sample_p_not_flat"),
    _v("sample", "sample_1d_x", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size,))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size,))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "x is a 1-D vector, so Wax.x broadcasts against the (n_a, 1) terms into an (n_a, n_a) "
             "hidden state and p gets the wrong length.", "sample_vector_shapes"),
    _v("sample", "sample_x_not_reset", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "x is not re-zeroed before setting the new one-hot entry, so the ones of earlier "
             "characters accumulate.", "sample_x_not_reset"),
    _v("sample", "sample_argmax", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = int(np.argmax(y))
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Takes the most likely character (greedy decoding) instead of sampling from the softmax.",
       "sample_argmax"),
    _v("sample", "sample_bias_key_ba", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, ba = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                     parameters["by"], parameters["ba"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + ba)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Reads the hidden bias as parameters['ba'] (the w1a1 name); here it is 'b', so a KeyError.",
       "sample_bias_key"),
    _v("sample", "sample_seed_not_incremented", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Forgets seed += 1, so step t is seeded with seed + t instead of seed + 2t.",
       "sample_seed_not_incremented"),
    _v("sample", "sample_no_final_newline", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            return indices
        """, "Does not append the newline when the 50-character cap is hit (visible only when the cap "
             "is reached).", "sample_no_final_newline"),
    _v("sample", "sample_seed_once", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            np.random.seed(seed)
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Seeds the generator once before the loop instead of with counter + seed at every step."),
    _v("sample", "sample_seed_arg_ignored", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Seeds with the counter alone, so the seed argument has no effect."),
    _v("sample", "sample_cap_off_by_one", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter <= 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter > 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Loops while counter <= 50, drawing 51 characters before the cap (visible only when the cap "
             "is reached)."),
    _v("sample", "sample_newline_index_hardcoded", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            while idx != 0 and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(0)
            return indices
        """, "Assumes '\\n' has index 0 instead of reading char_to_ix['\\n'] (visible with a mapping "
             "where the newline sits elsewhere)."),
    _v("sample", "sample_vocab_hardcoded_27", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = 27
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Hard-codes a vocabulary of 27 instead of by.shape[0] (visible with another vocabulary "
             "size)."),
    _v("sample", "sample_n_a_from_wax", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Wax.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Reads n_a from Wax.shape[1], which is the vocabulary size (visible when n_a != vocab)."),
    _v("sample", "sample_a_prev_not_updated", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Never sets a_prev = a, so every step starts from the zero state."),
    _v("sample", "sample_missing_hidden_bias", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by = parameters["Waa"], parameters["Wax"], parameters["Wya"], parameters["by"]
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev))
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Leaves the hidden bias b out of the hidden state (visible with a non-zero b)."),
    _v("sample", "sample_newline_always_appended", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya, by, b = (parameters["Waa"], parameters["Wax"], parameters["Wya"],
                                    parameters["by"], parameters["b"])
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            indices.append(char_to_ix["\\n"])
            return indices
        """, "Appends a newline unconditionally, so names that ended naturally end with two."),
]

_WRONG_OPTIMIZE = [
    _v("optimize", "optimize_returns_a_minus_1", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[-1]
        """, "a is a dict keyed by time step, so a[-1] is the initial state a0, not the last state.",
       "optimize_returns_a0"),
    _v("optimize", "optimize_clip_10", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 10)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[len(X) - 1]
        """, "Clips to 10 (the clip example's value) instead of 5 (visible when a gradient exceeds 5).",
       "optimize_clip_bound"),
    _v("optimize", "optimize_clip_1", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 1)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[len(X) - 1]
        """, "Clips to 1 instead of 5 (visible when a gradient exceeds 1).", "optimize_clip_bound"),
    _v("optimize", "optimize_no_update", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            return loss, gradients, a[len(X) - 1]
        """, "Never calls update_parameters, so the parameters do not move.", "optimize_no_update"),
    _v("optimize", "optimize_no_clip", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[len(X) - 1]
        """, "Skips clipping: gradients beyond [-5, 5] are returned and applied.", "optimize_no_clip"),
    _v("optimize", "optimize_clip_result_discarded", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[len(X) - 1]
        """, "Calls clip but drops its result; clip works on a deep copy, so nothing is clipped.",
       "optimize_no_clip"),
    _v("optimize", "optimize_update_unclipped", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            clipped = clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, clipped, a[len(X) - 1]
        """, "Returns the clipped gradients but updates with the unclipped ones (visible when a "
             "gradient exceeds 5)."),
    _v("optimize", "optimize_returns_unclipped", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            clipped = clip(gradients, 5)
            parameters = update_parameters(parameters, clipped, learning_rate)
            return loss, gradients, a[len(X) - 1]
        """, "Updates with the clipped gradients but returns the raw ones (visible when a gradient "
             "exceeds 5)."),
    _v("optimize", "optimize_learning_rate_hardcoded", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, 0.01)
            return loss, gradients, a[len(X) - 1]
        """, "Hard-codes the learning rate 0.01 instead of the argument (visible with another rate)."),
    _v("optimize", "optimize_last_state_off_by_one", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[len(X)]
        """, "Indexes a with len(X); the last key is len(X) - 1, so a KeyError."),
    _v("optimize", "optimize_returns_state_dict", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a
        """, "Returns the whole dict of hidden states instead of the last one."),
    _v("optimize", "optimize_ignores_a_prev", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, np.zeros_like(a_prev), parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            parameters = update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[len(X) - 1]
        """, "Runs the forward pass from a zero state instead of a_prev (visible with a non-zero a_prev)."),
]

_WRONG_MODEL = [
    _v("model", "model_y_not_shifted", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = [char_to_ix["\\n"]] + X[1:]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Y holds the current characters (newline put in front) instead of the next ones.",
       "model_y_not_shifted"),
    _v("model", "model_y_missing_newline", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Y = X[1:] without the end-of-name newline: one target short, so the forward pass fails "
             "on the last step."),
    _v("model", "model_no_leading_none", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "X lacks the leading None (zero input), so the model never learns to predict the first "
             "letter.", "model_no_leading_none"),
    _v("model", "model_idx_not_wrapped", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Uses idx = j without wrapping, an IndexError once j reaches the number of names (visible "
             "with fewer names than iterations).", "model_idx_not_wrapped"),
    _v("model", "model_a_prev_reset_in_loop", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            last_dino_name = "abc"
            for j in range(num_iterations):
                a_prev = np.zeros((n_a, 1))
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Resets a_prev to zeros at every iteration instead of carrying the last hidden state.",
       "model_a_prev_reset"),
    _v("model", "model_a_prev_not_carried", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_last = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Stores optimize's last hidden state under another name, so a_prev stays zero (same effect "
             "as resetting it).", "model_a_prev_reset"),
    _v("model", "model_no_shuffle", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Trains on the names in file order; the contract shuffles them after np.random.seed(0)."),
    _v("model", "model_python_random_shuffle", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            random.seed(0)
            random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Shuffles with Python's random module, a different permutation from np.random after "
             "np.random.seed(0)."),
    _v("model", "model_seed_before_init", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            np.random.seed(0)
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Seeds with 0 at the top, before initialize_parameters reseeds and draws from the global "
             "generator, so the shuffle is not the one that follows np.random.seed(0)."),
    _v("model", "model_learning_rate_0_001", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.001)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Trains with learning rate 0.001 instead of 0.01."),
    _v("model", "model_sample_seed_not_restarted", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            seed = 0
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Sets seed = 0 once before training, so later sampling rounds continue from 7, 8, ... "
             "(visible only when the run reaches iteration 2000)."),
    _v("model", "model_sample_seed_constant", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
            return parameters, last_dino_name
        """, "Never increments the sampling seed, so every name is drawn with seed 0 and the last name "
             "is not the one drawn with seed dino_names - 1."),
    _v("model", "model_n_a_hardcoded", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(50, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((50, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Hard-codes 50 hidden units instead of n_a (visible with another n_a)."),
    _v("model", "model_dino_names_hardcoded", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(7):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Always samples 7 names, so the last name comes from seed 6 whatever dino_names is "
             "(visible with dino_names != 7)."),
    _v("model", "model_returns_parameters_only", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        if verbose:
                            print_sample(sampled_indices, ix_to_char)
                        seed += 1
            return parameters
        """, "Follows the old signature and returns only the parameters, not (parameters, "
             "last_dino_name)."),
    _v("model", "model_indexes_unshuffled_data", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in data_x[idx].strip()]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "Shuffles examples but then reads the names from data_x, so training follows file order."),
    _v("model", "model_samples_before_update", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for name in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
            return parameters, last_dino_name
        """, "Samples at the top of the iteration, before that iteration's update, so the names come "
             "from other parameters."),
    _v("model", "model_samples_after_training", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = [x.strip() for x in data_x]
            np.random.seed(0)
            np.random.shuffle(examples)
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                idx = j % len(examples)
                X = [None] + [char_to_ix[ch] for ch in examples[idx]]
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if verbose and j % 2000 == 0:
                    print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
            seed = 0
            for name in range(dino_names):
                sampled_indices = sample(parameters, char_to_ix, seed)
                last_dino_name = get_sample(sampled_indices, ix_to_char)
                if verbose:
                    print(last_dino_name.replace("\\n", ""))
                seed += 1
            return parameters, last_dino_name
        """, "Samples once after training instead of every 2000 iterations, so the last name comes from "
             "the final parameters."),
]

WRONG: list[Variant] = _WRONG_CLIP + _WRONG_SAMPLE + _WRONG_OPTIMIZE + _WRONG_MODEL


# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

_CORRECT_CLIP = [
    _v("clip", "clip_in_place_2018", """
        def clip(gradients, maxValue):
            dWaa, dWax, dWya, db, dby = (gradients["dWaa"], gradients["dWax"], gradients["dWya"],
                                         gradients["db"], gradients["dby"])
            for gradient in [dWax, dWaa, dWya, db, dby]:
                np.clip(gradient, -maxValue, maxValue, out=gradient)
            gradients = {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
            return gradients
        """, "The 2018 version: clips the caller's arrays in place without a deep copy; same output."),
    _v("clip", "clip_dict_comprehension", """
        def clip(gradients, maxValue):
            keys = ("dWaa", "dWax", "dWya", "db", "dby")
            return {k: np.clip(gradients[k], -maxValue, maxValue) for k in keys}
        """, "Builds a new dict of clipped copies with a comprehension."),
    _v("clip", "clip_minimum_maximum", """
        def clip(gradients, maxValue):
            gradients = copy.deepcopy(gradients)
            clipped = {}
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                clipped[key] = np.minimum(np.maximum(gradients[key], -maxValue), maxValue)
            return clipped
        """, "Bounds each side with np.maximum then np.minimum."),
    _v("clip", "clip_where", """
        def clip(gradients, maxValue):
            result = {}
            for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
                g = gradients[key]
                g = np.where(g > maxValue, maxValue, g)
                result[key] = np.where(g < -maxValue, -maxValue, g)
            return result
        """, "Replaces out-of-range entries with np.where."),
]

_CORRECT_SAMPLE = [
    _v("sample", "sample_int_population_column", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya = parameters["Waa"], parameters["Wax"], parameters["Wya"]
            b, by = parameters["b"], parameters["by"]
            vocab_size = by.shape[0]
            n_a = Waa.shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            newline_character = char_to_ix["\\n"]
            while idx != newline_character and counter != 50:
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(vocab_size, p=y[:, 0])
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(newline_character)
            return indices
        """, "np.random.choice(vocab_size, ...) with p = y[:, 0]: the same draws as range(vocab_size) "
             "with y.ravel()."),
    _v("sample", "sample_list_range_len_dict", """
        def sample(parameters, char_to_ix, seed):
            vocab_size = len(char_to_ix)
            n_a = parameters["Waa"].shape[1]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((n_a, 1))
            indices = []
            idx = -1
            counter = 0
            while idx != char_to_ix["\\n"] and counter != 50:
                a = np.tanh(parameters["Wax"] @ x + parameters["Waa"] @ a_prev + parameters["b"])
                y = softmax(parameters["Wya"] @ a + parameters["by"])
                np.random.seed(counter + seed)
                idx = np.random.choice(list(range(vocab_size)), p=y.flatten())
                indices.append(idx)
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
                counter += 1
            if counter == 50:
                indices.append(char_to_ix["\\n"])
            return indices
        """, "Vocabulary size from len(char_to_ix), the @ operator, list(range(...)) and flatten()."),
    _v("sample", "sample_for_loop_break", """
        def sample(parameters, char_to_ix, seed):
            Waa, Wax, Wya = parameters["Waa"], parameters["Wax"], parameters["Wya"]
            b, by = parameters["b"], parameters["by"]
            vocab_size = by.shape[0]
            newline = char_to_ix["\\n"]
            x = np.zeros((vocab_size, 1))
            a_prev = np.zeros((Waa.shape[1], 1))
            indices = []
            for counter in range(50):
                a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
                y = softmax(np.dot(Wya, a) + by)
                np.random.seed(counter + seed)
                idx = np.random.choice(range(vocab_size), p=y.ravel())
                indices.append(idx)
                if idx == newline:
                    break
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
                seed += 1
            if len(indices) == 50:
                indices.append(newline)
            return indices
        """, "A for loop over the 50 steps with break; the cap check looks at the number of draws."),
    _v("sample", "sample_arange_seed_formula", """
        def sample(parameters, char_to_ix, seed):
            by = parameters["by"]
            vocab_size = by.shape[0]
            n_a = parameters["Waa"].shape[1]
            newline = char_to_ix["\\n"]
            a_prev = np.zeros((n_a, 1))
            x = np.zeros((vocab_size, 1))
            indices = []
            step = 0
            while step < 50:
                a = np.tanh(np.dot(parameters["Wax"], x) + np.dot(parameters["Waa"], a_prev) + parameters["b"])
                probs = softmax(np.dot(parameters["Wya"], a) + by)
                np.random.seed(seed + 2 * step)
                idx = np.random.choice(np.arange(vocab_size), p=np.squeeze(probs, axis=1))
                indices.append(idx)
                step += 1
                if idx == newline:
                    break
                x = np.zeros((vocab_size, 1))
                x[idx] = 1
                a_prev = a
            if step == 50:
                indices.append(newline)
            return indices
        """, "Keeps seed fixed and seeds with seed + 2 * step, which equals counter + seed after seed "
             "has been incremented at every step."),
]

_CORRECT_OPTIMIZE = [
    _v("optimize", "optimize_max_key", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, maxValue=5)
            update_parameters(parameters, gradients, learning_rate)
            return loss, gradients, a[max(a.keys())]
        """, "Takes the last state as the largest key and relies on update_parameters mutating the dict."),
    _v("optimize", "optimize_manual_sgd", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            T = len(X)
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            gradients, a = rnn_backward(X, Y, parameters, cache)
            gradients = clip(gradients, 5)
            for name in ["Wax", "Waa", "Wya", "b", "by"]:
                parameters[name] += -learning_rate * gradients["d" + name]
            return loss, gradients, a[T - 1]
        """, "Applies the SGD step itself, in place, instead of calling update_parameters."),
    _v("optimize", "optimize_positional", """
        def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
            loss, cache = rnn_forward(X, Y, a_prev, parameters)
            grads, states = rnn_backward(X, Y, parameters, cache)
            clipped = clip(grads, 5)
            parameters = update_parameters(parameters, clipped, learning_rate)
            last_state = states[len(X) - 1]
            return loss, clipped, last_state
        """, "Other variable names for the same calls."),
]

_CORRECT_MODEL = [
    _v("model", "model_explicit_loops", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x = n_y = vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = []
            for line in data_x:
                examples.append(line.strip())
            np.random.seed(0)
            np.random.shuffle(examples)
            n_examples = len(examples)
            newline = char_to_ix["\\n"]
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                name = examples[j % n_examples]
                X = [None]
                for ch in name:
                    X.append(char_to_ix[ch])
                Y = X[1:]
                Y.append(newline)
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print(f"Iteration: {j}, Loss: {loss:f}\\n")
                    for seed in range(dino_names):
                        sampled_indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(sampled_indices, ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
            return parameters, last_dino_name
        """, "Explicit loops, cached len(examples), optimize's default learning rate, range() seeds."),
    _v("model", "model_permutation_shuffle", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            parameters = initialize_parameters(n_a, vocab_size, vocab_size)
            loss = get_initial_loss(vocab_size, dino_names)
            names = [x.strip() for x in data_x]
            np.random.seed(0)
            order = np.random.permutation(len(names))
            examples = [names[i] for i in order]
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            for j in range(num_iterations):
                chars = [char_to_ix[ch] for ch in examples[j % len(examples)]]
                X = [None] + chars
                Y = chars + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    seed = 0
                    for _ in range(dino_names):
                        last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
                        if verbose:
                            print(last_dino_name.replace("\\n", ""))
                        seed += 1
            return parameters, last_dino_name
        """, "np.random.permutation(n) after seed 0 gives the same order as shuffling the list."),
    _v("model", "model_strip_after_shuffle", """
        def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
                  vocab_size=27, verbose=False):
            n_x, n_y = vocab_size, vocab_size
            parameters = initialize_parameters(n_a, n_x, n_y)
            loss = get_initial_loss(vocab_size, dino_names)
            examples = list(data_x)
            np.random.seed(0)
            np.random.shuffle(examples)
            examples = [x.strip() for x in examples]
            a_prev = np.zeros((n_a, 1))
            last_dino_name = "abc"
            j = 0
            while j < num_iterations:
                idx = j % len(examples)
                X = [None] + list(map(char_to_ix.get, examples[idx]))
                Y = X[1:] + [char_to_ix["\\n"]]
                curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, 0.01)
                loss = smooth(loss, curr_loss)
                if j % 2000 == 0:
                    if verbose:
                        print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
                    for seed in range(dino_names):
                        indices = sample(parameters, char_to_ix, seed)
                        last_dino_name = get_sample(indices, ix_to_char)
                        if verbose:
                            print_sample(indices, ix_to_char)
                j += 1
            return parameters, last_dino_name
        """, "Shuffles a copy of the raw lines and strips afterwards (shuffle depends only on the length); "
             "a while loop over j."),
]

_CORRECT_SAMPLE.append(_v("sample", "sample_returns_array", """
    def sample(parameters, char_to_ix, seed):
        W_in, W_rec, W_out = parameters["Wax"], parameters["Waa"], parameters["Wya"]
        vocab = parameters["by"].shape[0]
        state = np.zeros((W_rec.shape[1], 1))
        one_hot = np.zeros((vocab, 1))
        stop = char_to_ix["\\n"]
        picked = []
        while len(picked) < 50 and (not picked or picked[-1] != stop):
            state = np.tanh(W_in @ one_hot + W_rec @ state + parameters["b"])
            probs = softmax(W_out @ state + parameters["by"]).ravel()
            np.random.seed(len(picked) + seed)
            choice = np.random.choice(range(vocab), p=probs)
            picked.append(choice)
            one_hot = np.zeros((vocab, 1))
            one_hot[choice] = 1
            seed += 1
        if picked[-1] != stop:
            picked.append(stop)
        return np.array(picked)
    """, "The indices returned as a 1-D integer array (get_sample and the notebook's loops read it like the "
         "list); the counter is len(picked)."))
_CORRECT_MODEL.append(_v("model", "model_name_stripped_while_loop", """
    def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
              vocab_size=27, verbose=False):
        parameters = initialize_parameters(n_a, vocab_size, vocab_size)
        loss = get_initial_loss(vocab_size, dino_names)
        pool = list(map(str.strip, data_x))
        np.random.seed(0)
        np.random.shuffle(pool)
        hidden = np.zeros((n_a, 1))
        end = char_to_ix["\\n"]
        last_dino_name = "abc"
        step = 0
        while step < num_iterations:
            word = pool[step % len(pool)]
            inputs = [None] + list(map(char_to_ix.get, word))
            targets = inputs[1:] + [end]
            step_loss, _, hidden = optimize(inputs, targets, hidden, parameters, 0.01)
            loss = smooth(loss, step_loss)
            if step % 2000 == 0:
                names = [get_sample(sample(parameters, char_to_ix, k), ix_to_char).strip() for k in range(dino_names)]
                last_dino_name = names[-1]
                if verbose:
                    print("\\n".join(names))
            step += 1
        return parameters, last_dino_name
    """, "A while loop, map() for the indices, the names sampled in a comprehension and stripped of their newline: "
         "the same name."))

CORRECT: list[Variant] = _CORRECT_CLIP + _CORRECT_SAMPLE + _CORRECT_OPTIMIZE + _CORRECT_MODEL


# ---------------------------------------------------------------------------------------
# CROSS: a correct function around a wrong one it calls. The outer keeps its points (its
# feedback names the wrong callee); the callee loses its own.
# ---------------------------------------------------------------------------------------

def _code(name: str) -> str:
    return next(v.code for v in WRONG + CORRECT if v.name == name)


CROSS: list[Variant] = [
    Variant("optimize", "optimize_manual_sgd__around__clip_upper_only", _code("optimize_manual_sgd"),
            "A correct optimize around a clip that bounds only the upper side.",
            others={"clip": _code("clip_upper_only")}),
    # a clip whose result a correct optimize cannot use (no dby: the update raises KeyError): optimize
    # is judged with the reference clip's result standing in
    Variant("optimize", "optimize_manual_sgd__around__clip_missing_dby", _code("optimize_manual_sgd"),
            "A correct optimize around a clip that leaves dby out of the dict it returns.",
            others={"clip": _code("clip_missing_dby")}),
    Variant("model", "model_explicit_loops__around__sample_argmax", _code("model_explicit_loops"),
            "A correct training loop around a sampler that takes the argmax.",
            others={"sample": _code("sample_argmax")}),
    Variant("model", "model_permutation_shuffle__around__optimize_clip_10", _code("model_permutation_shuffle"),
            "A correct training loop around an optimize that clips at 10.",
            others={"optimize": _code("optimize_clip_10")}),
    # two levels down: model -> optimize (the solution's, judged apart from clip) -> a wrong clip
    Variant("model", "model_explicit_loops__around__clip_upper_only", _code("model_explicit_loops"),
            "A correct training loop and a correct optimize around a clip that bounds only the upper side: "
            "model reaches clip through optimize, which keeps its points, so clip is model's suspect too.",
            others={"clip": _code("clip_upper_only")}),
    Variant("model", "model_permutation_shuffle__around__clip_zero_to_max", _code("model_permutation_shuffle"),
            "A correct training loop around a clip that clips to [0, maxValue] (reached through optimize).",
            others={"clip": _code("clip_zero_to_max")}),
]
