"""Known implementations of the w1a1_rnn_step_by_step exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell: a single top-level
function named after its exercise. It runs where ``np``, ``softmax`` (per column, axis 0)
and ``sigmoid`` are defined and where the other seven graded functions are the correct
solutions. Every WRONG variant is wrong for general (non-square) sizes such as
n_x=3, n_a=5, n_y=2, m=4, T_x=4; every CORRECT variant follows the contract exactly.
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

_WRONG_RNN_CELL_FORWARD = [
    _v("rnn_cell_forward", "rnn_cell_forward_sigmoid_output", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            yt_pred = sigmoid(np.dot(Wya, a_next) + by)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "The prediction uses sigmoid instead of a softmax over the classes.",
       "output_activation"),
    _v("rnn_cell_forward", "rnn_cell_forward_rowwise_softmax", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            z = np.dot(Wya, a_next) + by
            e = np.exp(z - np.max(z, axis=1, keepdims=True))
            yt_pred = e / np.sum(e, axis=1, keepdims=True)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "The inline softmax normalises over the batch (axis 1) instead of over classes (axis 0).",
       "output_activation"),
    _v("rnn_cell_forward", "rnn_cell_forward_missing_ba", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt))
            yt_pred = softmax(np.dot(Wya, a_next) + by)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "The hidden bias ba is left out of the hidden pre-activation.", "missing_bias"),
    _v("rnn_cell_forward", "rnn_cell_forward_missing_by", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            yt_pred = softmax(np.dot(Wya, a_next))
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "The output bias by is left out of the output pre-activation.", "missing_bias"),
    _v("rnn_cell_forward", "rnn_cell_forward_cache_reordered", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            yt_pred = softmax(np.dot(Wya, a_next) + by)
            cache = (a_prev, a_next, xt, parameters)
            return a_next, yt_pred, cache
        """, "The cache stores a_prev before a_next, so its order differs from the contract.",
       "cache_layout"),
    _v("rnn_cell_forward", "rnn_cell_forward_cache_padded", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            yt_pred = softmax(np.dot(Wya, a_next) + by)
            cache = (a_next, a_prev, xt, parameters, yt_pred)
            return a_next, yt_pred, cache
        """, "The cache is padded with yt_pred, giving five entries instead of four.",
       "cache_layout"),
    _v("rnn_cell_forward", "rnn_cell_forward_cache_missing_parameters", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            yt_pred = softmax(np.dot(Wya, a_next) + by)
            cache = (a_next, a_prev, xt)
            return a_next, yt_pred, cache
        """, "The cache leaves out the parameters dict, giving three entries instead of four.",
       "cache_layout"),
    _v("rnn_cell_forward", "rnn_cell_forward_no_tanh", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba
            yt_pred = softmax(np.dot(Wya, a_next) + by)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "The tanh activation of the hidden state is missing."),
    _v("rnn_cell_forward", "rnn_cell_forward_wax_waa_exchanged", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Wax, a_prev) + np.dot(Waa, xt) + ba)
            yt_pred = softmax(np.dot(Wya, a_next) + by)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "Wax multiplies a_prev and Waa multiplies xt, which only runs when n_a == n_x."),
    _v("rnn_cell_forward", "rnn_cell_forward_output_from_a_prev", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            yt_pred = softmax(np.dot(Wya, a_prev) + by)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "The prediction is computed from a_prev instead of the new hidden state a_next."),
]

_WRONG_RNN_FORWARD = [
    _v("rnn_forward", "rnn_forward_a0_every_step", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            for t in range(T_x):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "Every step is fed a0 instead of the previous step's hidden state.",
       "state_not_carried"),
    _v("rnn_forward", "rnn_forward_bare_caches_list", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            return a, y_pred, caches
        """, "caches is returned as the bare list of cell caches instead of (list, x).",
       "caches_structure"),
    _v("rnn_forward", "rnn_forward_hardcoded_T_x", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(4):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "The loop runs a hard-coded 4 steps, so it only works when T_x == 4."),
    _v("rnn_forward", "rnn_forward_hardcoded_shapes", """
        def rnn_forward(x, a0, parameters):
            caches = []
            a = np.zeros((5, 10, 4))
            y_pred = np.zeros((2, 10, 4))
            a_next = a0
            for t in range(x.shape[2]):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "a and y_pred are allocated with the demo's literal sizes instead of sizes read from the inputs."),
    _v("rnn_forward", "rnn_forward_sizes_from_wax", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wax"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "n_y and n_a are read from Wax.shape instead of Wya.shape, so the output arrays have the wrong sizes."),
    _v("rnn_forward", "rnn_forward_last_step_skipped", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x - 1):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "The loop stops at T_x - 2, so the last time step is never computed."),
    _v("rnn_forward", "rnn_forward_stores_previous_state", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x):
                a[:, :, t] = a_next
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "a[:, :, t] is filled before the cell runs, so it holds the previous state (a0 at t = 0)."),
    _v("rnn_forward", "rnn_forward_caches_overwritten", """
        def rnn_forward(x, a0, parameters):
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches = [cache]
            caches = (caches, x)
            return a, y_pred, caches
        """, "The caches list is re-created at every step, so only the last cell cache survives."),
    _v("rnn_forward", "rnn_forward_caches_tuple_reversed", """
        def rnn_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                caches.append(cache)
            caches = (x, caches)
            return a, y_pred, caches
        """, "caches is returned as (x, list) instead of (list, x)."),
]

_WRONG_LSTM_CELL_FORWARD = [
    _v("lstm_cell_forward", "lstm_cell_forward_concat_x_first", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((xt, a_prev), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The gate input is stacked as [xt; a_prev] instead of [a_prev; xt].", "concat_order"),
    _v("lstm_cell_forward", "lstm_cell_forward_tanh_forget_gate", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = np.tanh(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The forget gate uses tanh instead of sigmoid.", "gate_activation"),
    _v("lstm_cell_forward", "lstm_cell_forward_sigmoid_candidate", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = sigmoid(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The candidate cct uses sigmoid instead of tanh.", "gate_activation"),
    _v("lstm_cell_forward", "lstm_cell_forward_no_tanh_on_c", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * c_next
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "a_next is ot * c_next, without the tanh of the cell state.", "missing_tanh_c"),
    _v("lstm_cell_forward", "lstm_cell_forward_output_from_a_prev", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_prev) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The prediction is computed from a_prev instead of a_next."),
    _v("lstm_cell_forward", "lstm_cell_forward_missing_bf", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat))
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The forget-gate bias bf is left out.", "missing_bias"),
    _v("lstm_cell_forward", "lstm_cell_forward_cache_gates_swapped", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The cache stores it before ft, so the gate entries are reordered.", "cache_layout"),
    _v("lstm_cell_forward", "lstm_cell_forward_cache_missing_c_prev", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The cache leaves out c_prev, giving nine entries instead of ten.", "cache_layout"),
    _v("lstm_cell_forward", "lstm_cell_forward_rowwise_softmax", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wo, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax((np.dot(Wy, a_next) + by).T).T
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "softmax is applied to the transposed logits, i.e. over the batch instead of over classes.",
       "output_activation"),
    _v("lstm_cell_forward", "lstm_cell_forward_output_gate_uses_Wf", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            c_next = ft * c_prev + it * cct
            ot = sigmoid(np.dot(Wf, concat) + bo)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "A copy-paste slip computes the output gate with Wf instead of Wo."),
    _v("lstm_cell_forward", "lstm_cell_forward_output_gate_scales_candidate", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            Wf = parameters["Wf"]; bf = parameters["bf"]
            Wi = parameters["Wi"]; bi = parameters["bi"]
            Wc = parameters["Wc"]; bc = parameters["bc"]
            Wo = parameters["Wo"]; bo = parameters["bo"]
            Wy = parameters["Wy"]; by = parameters["by"]
            concat = np.concatenate((a_prev, xt), axis=0)
            ft = sigmoid(np.dot(Wf, concat) + bf)
            it = sigmoid(np.dot(Wi, concat) + bi)
            cct = np.tanh(np.dot(Wc, concat) + bc)
            ot = sigmoid(np.dot(Wo, concat) + bo)
            c_next = ft * c_prev + ot * cct
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(np.dot(Wy, a_next) + by)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "The candidate is scaled by the output gate ot instead of the update gate it."),
]

_WRONG_LSTM_FORWARD = [
    _v("lstm_forward", "lstm_forward_c_is_a", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = a
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "c = a binds both names to one array, so writing c overwrites the hidden states.",
       "c_aliases_a"),
    _v("lstm_forward", "lstm_forward_c_is_slice_of_a", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = a[:]
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "c = a[:] is a numpy view, not a copy, so a and c share memory.", "c_aliases_a"),
    _v("lstm_forward", "lstm_forward_returns_a_c_y", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, c, y, caches
        """, "The function returns a, c, y instead of the contract's order a, y, c.", "y_c_swapped"),
    _v("lstm_forward", "lstm_forward_c_next_not_carried", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            for t in range(T_x):
                c_prev = np.zeros((n_a, m))
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_prev, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "The cell state is reset to zeros at every step instead of carrying c_next forward.",
       "state_not_carried"),
    _v("lstm_forward", "lstm_forward_a0_every_step", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a0, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "Every step is fed a0 as the previous hidden state instead of the last a_next.",
       "state_not_carried"),
    _v("lstm_forward", "lstm_forward_bare_caches_list", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            return a, y, c, caches
        """, "caches is returned as the bare list of cell caches instead of (list, x).",
       "caches_structure"),
    _v("lstm_forward", "lstm_forward_c0_is_a0", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = a0
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "The initial cell state is a0 instead of a new zeros array."),
    _v("lstm_forward", "lstm_forward_c_next_view_into_c", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = c[:, :, 0]
            for t in range(T_x):
                a_next, c_new, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                c_next[:] = c_new
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "c_next is a view into c[:, :, 0] updated in place, so c[:, :, 0] and the cached c_prev values are overwritten."),
    _v("lstm_forward", "lstm_forward_n_y_from_wrong_axis", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y = parameters["Wy"].shape[1]
            n_a = a0.shape[0]
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                c[:, :, t] = c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "n_y is read from Wy.shape[1] (which is n_a), so y is allocated with the wrong size."),
    _v("lstm_forward", "lstm_forward_c_never_filled", """
        def lstm_forward(x, a0, parameters):
            caches = []
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wy"].shape
            a = np.zeros((n_a, m, T_x))
            c = np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                y[:, :, t] = yt
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "c is allocated but never filled, so it is returned as zeros."),
]

_WRONG_RNN_CELL_BACKWARD = [
    _v("rnn_cell_backward", "rnn_cell_backward_scaled_by_m", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            m = xt.shape[1]
            dtanh = da_next * (1 - a_next ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T) / m
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T) / m
            dba = np.sum(dtanh, axis=1, keepdims=True) / m
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "The weight and bias gradients are divided by m although the loss is already averaged.",
       "scaled_by_m"),
    _v("rnn_cell_backward", "rnn_cell_backward_dba_no_keepdims", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - a_next ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=1)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dba is summed without keepdims, giving shape (n_a,) instead of (n_a, 1).",
       "db_keepdims"),
    _v("rnn_cell_backward", "rnn_cell_backward_dtanh_from_a_prev", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - a_prev ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "The tanh derivative is written as 1 - a_prev**2 instead of 1 - a_next**2."),
    _v("rnn_cell_backward", "rnn_cell_backward_dtanh_without_da_next", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = 1 - a_next ** 2
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dtanh is the local derivative alone, never multiplied by the incoming da_next."),
    _v("rnn_cell_backward", "rnn_cell_backward_dWax_transposed", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - a_next ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(xt, dtanh.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "dWax": dWax, "da_prev": da_prev, "dWaa": dWaa, "dba": dba}
        """, "dWax is computed as xt·dtanhᵀ, the transpose of the (n_a, n_x) gradient."),
    _v("rnn_cell_backward", "rnn_cell_backward_dba_wrong_axis", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - a_next ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=0, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dba sums over the hidden units (axis 0) instead of over the batch (axis 1)."),
    _v("rnn_cell_backward", "rnn_cell_backward_tanh_applied_twice", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - np.tanh(a_next) ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "The derivative uses 1 - tanh(a_next)**2, applying tanh to a value that is already activated."),
    _v("rnn_cell_backward", "rnn_cell_backward_da_prev_uses_Wax", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - a_next ** 2)
            dxt = np.dot(Waa.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Wax.T, dtanh)
            dWaa = np.dot(dtanh, a_prev.T)
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dxt and da_prev use Waaᵀ and Waxᵀ the wrong way round, giving wrong shapes."),
    _v("rnn_cell_backward", "rnn_cell_backward_dWaa_uses_a_next", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            dtanh = da_next * (1 - a_next ** 2)
            dxt = np.dot(Wax.T, dtanh)
            dWax = np.dot(dtanh, xt.T)
            da_prev = np.dot(Waa.T, dtanh)
            dWaa = np.dot(dtanh, a_next.T)
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dWaa is taken against a_next instead of the input state a_prev."),
]

_WRONG_RNN_BACKWARD = [
    _v("rnn_backward", "rnn_backward_missing_da_prevt", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = rnn_cell_backward(da[:, :, t], caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba += gradients["dba"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "Each step is fed da[:, :, t] only, ignoring the gradient carried back from step t + 1.",
       "missing_da_prevt"),
    _v("rnn_backward", "rnn_backward_forward_in_time", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in range(T_x):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba += gradients["dba"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "The backward loop runs t = 0 … T_x − 1 instead of backwards in time.",
       "forward_in_time"),
    _v("rnn_backward", "rnn_backward_gradients_overwritten", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax = gradients["dWax"]
                dWaa = gradients["dWaa"]
                dba = gradients["dba"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "The weight gradients are overwritten at each step instead of summed over time.",
       "gradients_not_accumulated"),
    _v("rnn_backward", "rnn_backward_scaled_by_m", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba += gradients["dba"]
            da0 = da_prevt
            dWax, dWaa, dba = dWax / m, dWaa / m, dba / m
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "The summed weight and bias gradients are divided by m at the end.", "scaled_by_m"),
    _v("rnn_backward", "rnn_backward_dba_no_keepdims", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba_steps = []
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba_steps.append(gradients["dba"])
            dba = np.sum(np.concatenate(dba_steps, axis=1), axis=1)
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dba is summed over the steps without keepdims, giving shape (n_a,) instead of (n_a, 1).",
       "db_keepdims"),
    _v("rnn_backward", "rnn_backward_dx_not_filled", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba += gradients["dba"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "dxt is never written into dx, so dx is returned as zeros."),
    _v("rnn_backward", "rnn_backward_skips_t0", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in range(T_x - 1, 0, -1):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba += gradients["dba"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "range(T_x - 1, 0, -1) stops before t = 0, so the first step is never back-propagated."),
    _v("rnn_backward", "rnn_backward_n_x_from_da", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            n_a, m, T_x = da.shape
            n_x = da.shape[0]
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
                dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
                dx[:, :, t] = dxt
                dWax += gradients["dWax"]
                dWaa += gradients["dWaa"]
                dba += gradients["dba"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "n_x is read from da.shape (which gives n_a), so dx and dWax have the wrong sizes."),
]

_WRONG_LSTM_CELL_BACKWARD = [
    _v("lstm_cell_backward", "lstm_cell_backward_missing_dc_next", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "dc_next is left out of g, so the gradient arriving through the cell state is lost.",
       "missing_dc_next"),
    _v("lstm_cell_backward", "lstm_cell_backward_dz_split_reversed", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_x, m = xt.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            dxt = dz[:n_x, :]
            da_prev = dz[n_x:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "dxt is taken from the first n_x rows of dz and da_prev from the rest, the reverse of the [a_prev; xt] layout.",
       "dz_split_order"),
    _v("lstm_cell_backward", "lstm_cell_backward_scaled_by_m", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T) / m
            dWi = np.dot(dit, concat.T) / m
            dWc = np.dot(dcct, concat.T) / m
            dWo = np.dot(dot, concat.T) / m
            dbf = np.sum(dft, axis=1, keepdims=True) / m
            dbi = np.sum(dit, axis=1, keepdims=True) / m
            dbc = np.sum(dcct, axis=1, keepdims=True) / m
            dbo = np.sum(dot, axis=1, keepdims=True) / m
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The weight and bias gradients are divided by m.", "scaled_by_m"),
    _v("lstm_cell_backward", "lstm_cell_backward_db_no_keepdims", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1)
            dbi = np.sum(dit, axis=1)
            dbc = np.sum(dcct, axis=1)
            dbo = np.sum(dot, axis=1)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The bias gradients are summed without keepdims, giving shape (n_a,).", "db_keepdims"),
    _v("lstm_cell_backward", "lstm_cell_backward_concat_x_first", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_x, m = xt.shape
            concat = np.concatenate((xt, a_prev), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            dxt = dz[:n_x, :]
            da_prev = dz[n_x:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The whole backward pass assumes the gate input is [xt; a_prev], so the dW columns and the dz split are both misordered."),
    _v("lstm_cell_backward", "lstm_cell_backward_dot_without_tanh_c", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * c_next * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The output-gate gradient uses c_next instead of tanh(c_next)."),
    _v("lstm_cell_backward", "lstm_cell_backward_dcct_tanh_of_cct", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - np.tanh(cct) ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The candidate derivative uses 1 - tanh(cct)**2 although cct is already a tanh output."),
    _v("lstm_cell_backward", "lstm_cell_backward_dz_missing_Wo", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The output-gate term Woᵀ·dot is missing from dz."),
    _v("lstm_cell_backward", "lstm_cell_backward_dc_prev_from_dc_next_only", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = dc_next * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "dc_prev is dc_next * ft, dropping the path from da_next through tanh(c_next)."),
    _v("lstm_cell_backward", "lstm_cell_backward_g_missing_tanh_derivative", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot
            dot = da_next * np.tanh(c_next) * ot * (1 - ot)
            dcct = g * it * (1 - cct ** 2)
            dit = g * cct * it * (1 - it)
            dft = g * c_prev * ft * (1 - ft)
            dWf = np.dot(dft, concat.T)
            dWi = np.dot(dit, concat.T)
            dWc = np.dot(dcct, concat.T)
            dWo = np.dot(dot, concat.T)
            dbf = np.sum(dft, axis=1, keepdims=True)
            dbi = np.sum(dit, axis=1, keepdims=True)
            dbc = np.sum(dcct, axis=1, keepdims=True)
            dbo = np.sum(dot, axis=1, keepdims=True)
            dz = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
                  + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
            da_prev = dz[:n_a, :]
            dxt = dz[n_a:, :]
            dc_prev = g * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "g omits the factor 1 - tanh(c_next)**2 on the da_next path."),
]

_WRONG_LSTM_BACKWARD = [
    _v("lstm_backward", "lstm_backward_missing_da_prevt", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t], dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                dbf += gradients["dbf"]; dbi += gradients["dbi"]
                dbc += gradients["dbc"]; dbo += gradients["dbo"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "Each step is fed da[:, :, t] only, without the carried da_prevt.", "missing_da_prevt"),
    _v("lstm_backward", "lstm_backward_forward_in_time", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in range(T_x):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                dbf += gradients["dbf"]; dbi += gradients["dbi"]
                dbc += gradients["dbc"]; dbo += gradients["dbo"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The backward loop runs forward in time, t = 0 … T_x − 1.", "forward_in_time"),
    _v("lstm_backward", "lstm_backward_gradients_overwritten", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf = gradients["dWf"]; dWi = gradients["dWi"]
                dWc = gradients["dWc"]; dWo = gradients["dWo"]
                dbf = gradients["dbf"]; dbi = gradients["dbi"]
                dbc = gradients["dbc"]; dbo = gradients["dbo"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The weight gradients are overwritten at each step, keeping only t = 0's.",
       "gradients_not_accumulated"),
    _v("lstm_backward", "lstm_backward_scaled_by_m", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"] / m; dWi += gradients["dWi"] / m
                dWc += gradients["dWc"] / m; dWo += gradients["dWo"] / m
                dbf += gradients["dbf"] / m; dbi += gradients["dbi"] / m
                dbc += gradients["dbc"] / m; dbo += gradients["dbo"] / m
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "Every step's weight and bias gradients are divided by m before summing.", "scaled_by_m"),
    _v("lstm_backward", "lstm_backward_db_no_keepdims", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            db_steps = {"dbf": [], "dbi": [], "dbc": [], "dbo": []}
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                for k in db_steps:
                    db_steps[k].append(gradients[k])
            dbf = np.sum(np.hstack(db_steps["dbf"]), axis=1)
            dbi = np.sum(np.hstack(db_steps["dbi"]), axis=1)
            dbc = np.sum(np.hstack(db_steps["dbc"]), axis=1)
            dbo = np.sum(np.hstack(db_steps["dbo"]), axis=1)
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "The bias gradients are summed over the steps without keepdims, giving shape (n_a,).",
       "db_keepdims"),
    _v("lstm_backward", "lstm_backward_dc_not_carried", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                dbf += gradients["dbf"]; dbi += gradients["dbi"]
                dbc += gradients["dbc"]; dbo += gradients["dbo"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "dc_prevt is never updated, so every step receives a zero cell-state gradient."),
    _v("lstm_backward", "lstm_backward_skips_t0", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in range(T_x - 1, 0, -1):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                dbf += gradients["dbf"]; dbi += gradients["dbi"]
                dbc += gradients["dbc"]; dbo += gradients["dbo"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "range(T_x - 1, 0, -1) stops before t = 0, so the first step is never back-propagated."),
    _v("lstm_backward", "lstm_backward_n_x_from_Wf", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x = parameters["Wf"].shape[1]
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros(parameters["Wf"].shape); dWi = np.zeros(parameters["Wi"].shape)
            dWc = np.zeros(parameters["Wc"].shape); dWo = np.zeros(parameters["Wo"].shape)
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                dbf += gradients["dbf"]; dbi += gradients["dbi"]
                dbc += gradients["dbc"]; dbo += gradients["dbo"]
            da0 = da_prevt
            return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                    "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "n_x is read from Wf.shape[1] (which is n_a + n_x), so dx is allocated with too many rows."),
]

WRONG: list[Variant] = (
    _WRONG_RNN_CELL_FORWARD
    + _WRONG_RNN_FORWARD
    + _WRONG_LSTM_CELL_FORWARD
    + _WRONG_LSTM_FORWARD
    + _WRONG_RNN_CELL_BACKWARD
    + _WRONG_RNN_BACKWARD
    + _WRONG_LSTM_CELL_BACKWARD
    + _WRONG_LSTM_BACKWARD
)


# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

_CORRECT_RNN_CELL_FORWARD = [
    _v("rnn_cell_forward", "rnn_cell_forward_matmul_operator", """
        def rnn_cell_forward(xt, a_prev, parameters):
            a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
            yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "Uses the @ operator instead of np.dot."),
    _v("rnn_cell_forward", "rnn_cell_forward_loop_over_batch", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
            ba, by = parameters["ba"], parameters["by"]
            m = xt.shape[1]
            a_next = np.zeros((Waa.shape[0], m))
            yt_pred = np.zeros((Wya.shape[0], m))
            for j in range(m):
                a_col = np.tanh(Wax.dot(xt[:, j:j + 1]) + Waa.dot(a_prev[:, j:j + 1]) + ba)
                a_next[:, j:j + 1] = a_col
                yt_pred[:, j:j + 1] = softmax(Wya.dot(a_col) + by)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "Processes one example (column) at a time."),
    _v("rnn_cell_forward", "rnn_cell_forward_inline_softmax", """
        def rnn_cell_forward(xt, a_prev, parameters):
            Wax = parameters["Wax"]
            Waa = parameters["Waa"]
            Wya = parameters["Wya"]
            ba = parameters["ba"]
            by = parameters["by"]
            a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
            z = np.dot(Wya, a_next) + by
            e = np.exp(z - z.max(axis=0, keepdims=True))
            yt_pred = e / e.sum(axis=0, keepdims=True)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "Computes the column-wise softmax inline instead of calling the helper."),
    _v("rnn_cell_forward", "rnn_cell_forward_float32", """
        def rnn_cell_forward(xt, a_prev, parameters):
            f = np.float32
            Wax = parameters["Wax"].astype(f)
            Waa = parameters["Waa"].astype(f)
            Wya = parameters["Wya"].astype(f)
            ba = parameters["ba"].astype(f)
            by = parameters["by"].astype(f)
            a_next = np.tanh(Waa @ a_prev.astype(f) + Wax @ xt.astype(f) + ba)
            yt_pred = softmax(Wya @ a_next + by).astype(f)
            cache = (a_next, a_prev, xt, parameters)
            return a_next, yt_pred, cache
        """, "Computes in float32 (within ~1e-6 of the float64 reference), caching the original inputs."),
]

_CORRECT_RNN_FORWARD = [
    _v("rnn_forward", "rnn_forward_while_loop", """
        def rnn_forward(x, a0, parameters):
            n_x, m, T_x = x.shape
            n_y, n_a = parameters["Wya"].shape
            a = np.zeros((n_a, m, T_x))
            y_pred = np.zeros((n_y, m, T_x))
            cell_caches = []
            a_next = a0
            t = 0
            while t < T_x:
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a[:, :, t] = a_next
                y_pred[:, :, t] = yt_pred
                cell_caches.append(cache)
                t += 1
            return a, y_pred, (cell_caches, x)
        """, "A while loop instead of a for loop."),
    _v("rnn_forward", "rnn_forward_sizes_from_a0_empty", """
        def rnn_forward(x, a0, parameters):
            T_x = x.shape[2]
            n_a, m = a0.shape
            n_y = parameters["Wya"].shape[0]
            a = np.empty((n_a, m, T_x))
            y_pred = np.empty((n_y, m, T_x))
            caches = []
            a_prev = a0
            for t in range(T_x):
                a_prev, a_y, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
                a[..., t] = a_prev
                y_pred[..., t] = a_y
                caches.append(cache)
            caches = (caches, x)
            return a, y_pred, caches
        """, "Reads n_a and m from a0 and fills np.empty arrays completely."),
    _v("rnn_forward", "rnn_forward_stack_lists", """
        def rnn_forward(x, a0, parameters):
            a_list, y_list, caches = [], [], []
            a_next = a0
            for t in range(x.shape[2]):
                a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
                a_list.append(a_next)
                y_list.append(yt_pred)
                caches.append(cache)
            a = np.stack(a_list, axis=2)
            y_pred = np.stack(y_list, axis=2)
            return a, y_pred, (caches, x)
        """, "Collects per-step outputs in lists and stacks them along axis 2."),
]

_CORRECT_LSTM_CELL_FORWARD = [
    _v("lstm_cell_forward", "lstm_cell_forward_stacked_gates", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            n_a = a_prev.shape[0]
            W = np.vstack([parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]])
            b = np.vstack([parameters["bf"], parameters["bi"], parameters["bc"], parameters["bo"]])
            z = np.vstack([a_prev, xt])
            pre = W @ z + b
            ft = sigmoid(pre[0 * n_a:1 * n_a])
            it = sigmoid(pre[1 * n_a:2 * n_a])
            cct = np.tanh(pre[2 * n_a:3 * n_a])
            ot = sigmoid(pre[3 * n_a:4 * n_a])
            c_next = ft * c_prev + it * cct
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "Computes all four gate pre-activations with one stacked matrix product, then splits."),
    _v("lstm_cell_forward", "lstm_cell_forward_einsum", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            p = parameters
            concat = np.concatenate([a_prev, xt], axis=0)
            def lin(W, b):
                return np.einsum("ij,jm->im", W, concat) + b
            ft = sigmoid(lin(p["Wf"], p["bf"]))
            it = sigmoid(lin(p["Wi"], p["bi"]))
            cct = np.tanh(lin(p["Wc"], p["bc"]))
            c_next = np.multiply(ft, c_prev) + np.multiply(it, cct)
            ot = sigmoid(lin(p["Wo"], p["bo"]))
            a_next = np.multiply(ot, np.tanh(c_next))
            yt_pred = softmax(np.einsum("ij,jm->im", p["Wy"], a_next) + p["by"])
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "Uses einsum and a small local helper for the affine maps."),
    _v("lstm_cell_forward", "lstm_cell_forward_split_weights", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            n_a = a_prev.shape[0]
            def gate(k):
                W = parameters["W" + k]
                return W[:, :n_a] @ a_prev + W[:, n_a:] @ xt + parameters["b" + k]
            ft = sigmoid(gate("f"))
            it = sigmoid(gate("i"))
            cct = np.tanh(gate("c"))
            c_next = ft * c_prev + it * cct
            ot = sigmoid(gate("o"))
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "Splits each gate matrix into its a_prev and xt blocks instead of concatenating."),
    _v("lstm_cell_forward", "lstm_cell_forward_float32", """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            f = np.float32
            p = {k: v.astype(f) for k, v in parameters.items()}
            concat = np.concatenate((a_prev.astype(f), xt.astype(f)), axis=0)
            ft = sigmoid(p["Wf"] @ concat + p["bf"]).astype(f)
            it = sigmoid(p["Wi"] @ concat + p["bi"]).astype(f)
            cct = np.tanh(p["Wc"] @ concat + p["bc"])
            c_next = ft * c_prev.astype(f) + it * cct
            ot = sigmoid(p["Wo"] @ concat + p["bo"]).astype(f)
            a_next = ot * np.tanh(c_next)
            yt_pred = softmax(p["Wy"] @ a_next + p["by"]).astype(f)
            cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            return a_next, c_next, yt_pred, cache
        """, "Computes in float32, caching the original input objects."),
]

_CORRECT_LSTM_FORWARD = [
    _v("lstm_forward", "lstm_forward_zeros_like", """
        def lstm_forward(x, a0, parameters):
            caches = []
            T_x = x.shape[2]
            n_y = parameters["Wy"].shape[0]
            m = x.shape[1]
            a = np.zeros(a0.shape + (T_x,))
            c = np.zeros_like(a)
            y = np.zeros((n_y, m, T_x))
            a_next = a0
            c_next = np.zeros_like(a0)
            for t in range(T_x):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a[:, :, t] = a_next
                c[:, :, t] = c_next
                y[:, :, t] = yt
                caches.append(cache)
            return a, y, c, (caches, x)
        """, "Preallocates with np.zeros_like, which gives independent arrays."),
    _v("lstm_forward", "lstm_forward_stack_lists", """
        def lstm_forward(x, a0, parameters):
            a_steps, y_steps, c_steps, cell_caches = [], [], [], []
            a_next = a0
            c_next = np.zeros(a0.shape)
            for t in range(x.shape[-1]):
                a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
                a_steps.append(a_next)
                y_steps.append(yt)
                c_steps.append(c_next)
                cell_caches.append(cache)
            a = np.stack(a_steps, axis=-1)
            y = np.stack(y_steps, axis=-1)
            c = np.stack(c_steps, axis=-1)
            return a, y, c, (cell_caches, x)
        """, "Collects per-step outputs in lists and stacks them at the end."),
    _v("lstm_forward", "lstm_forward_enumerate_moveaxis", """
        def lstm_forward(x, a0, parameters):
            n_y, n_a = parameters["Wy"].shape
            n_x, m, T_x = x.shape
            a, c = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x))
            y = np.zeros((n_y, m, T_x))
            state = (a0, np.zeros((n_a, m)))
            caches = []
            for t, xt in enumerate(np.moveaxis(x, 2, 0)):
                a_next, c_next, yt, cache = lstm_cell_forward(xt, state[0], state[1], parameters)
                state = (a_next, c_next)
                a[:, :, t], y[:, :, t], c[:, :, t] = a_next, yt, c_next
                caches.append(cache)
            caches = (caches, x)
            return a, y, c, caches
        """, "Iterates over time slices of x with enumerate and keeps the state as a tuple."),
]

_CORRECT_RNN_CELL_BACKWARD = [
    _v("rnn_cell_backward", "rnn_cell_backward_einsum", """
        def rnn_cell_backward(da_next, cache):
            a_next, a_prev, xt, parameters = cache
            dtanh = da_next * (1.0 - np.square(a_next))
            dxt = np.einsum("ai,am->im", parameters["Wax"], dtanh)
            da_prev = np.einsum("ab,am->bm", parameters["Waa"], dtanh)
            dWax = np.einsum("am,xm->ax", dtanh, xt)
            dWaa = np.einsum("am,bm->ab", dtanh, a_prev)
            dba = dtanh.sum(axis=1).reshape(-1, 1)
            gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
            return gradients
        """, "Uses einsum for every product and reshapes the bias sum to (n_a, 1)."),
    _v("rnn_cell_backward", "rnn_cell_backward_transposed_products", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            dz = da_next * (1 - a_next * a_next)
            dxt = (dz.T @ parameters["Wax"]).T
            da_prev = (dz.T @ parameters["Waa"]).T
            dWax = (xt @ dz.T).T
            dWaa = (a_prev @ dz.T).T
            dba = np.sum(dz, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "Computes the same products in transposed form: (dzᵀ·W)ᵀ equals Wᵀ·dz."),
    _v("rnn_cell_backward", "rnn_cell_backward_float32", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            f = np.float32
            dtanh = da_next.astype(f) * (f(1) - a_next.astype(f) ** 2)
            dxt = parameters["Wax"].astype(f).T @ dtanh
            da_prev = parameters["Waa"].astype(f).T @ dtanh
            dWax = dtanh @ xt.astype(f).T
            dWaa = dtanh @ a_prev.astype(f).T
            dba = np.sum(dtanh, axis=1, keepdims=True)
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "Computes in float32 arithmetic."),
    _v("rnn_cell_backward", "rnn_cell_backward_loop_over_batch", """
        def rnn_cell_backward(da_next, cache):
            (a_next, a_prev, xt, parameters) = cache
            Wax, Waa = parameters["Wax"], parameters["Waa"]
            m = xt.shape[1]
            dxt = np.zeros(xt.shape)
            da_prev = np.zeros(a_prev.shape)
            dWax = np.zeros(Wax.shape)
            dWaa = np.zeros(Waa.shape)
            dba = np.zeros((Waa.shape[0], 1))
            for j in range(m):
                d = da_next[:, j:j + 1] * (1 - a_next[:, j:j + 1] ** 2)
                dxt[:, j:j + 1] = Wax.T.dot(d)
                da_prev[:, j:j + 1] = Waa.T.dot(d)
                dWax += d.dot(xt[:, j:j + 1].T)
                dWaa += d.dot(a_prev[:, j:j + 1].T)
                dba += d
            return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "Accumulates the per-example gradients in a loop over the batch."),
]

_CORRECT_RNN_BACKWARD = [
    _v("rnn_backward", "rnn_backward_lists_summed", """
        def rnn_backward(da, caches):
            cell_caches, x = caches
            n_a, m, T_x = da.shape
            dx = np.zeros(x.shape)
            step_grads = []
            da_prevt = np.zeros((n_a, m))
            for t in range(T_x - 1, -1, -1):
                g = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
                dx[:, :, t] = g["dxt"]
                da_prevt = g["da_prev"]
                step_grads.append(g)
            dWax = sum(g["dWax"] for g in step_grads)
            dWaa = sum(g["dWaa"] for g in step_grads)
            dba = sum(g["dba"] for g in step_grads)
            return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "Keeps each step's gradients in a list and sums them at the end."),
    _v("rnn_backward", "rnn_backward_helper_variable", """
        def rnn_backward(da, caches):
            (caches, x) = caches
            (a1, a0, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            dWax = np.zeros((n_a, n_x))
            dWaa = np.zeros((n_a, n_a))
            dba = np.zeros((n_a, 1))
            da_prevt = np.zeros((n_a, m))
            for t in reversed(range(T_x)):
                da_total = da[:, :, t] + da_prevt
                gradients = rnn_cell_backward(da_total, caches[t])
                dxt, da_prevt, dWaxt, dWaat, dbat = (gradients["dxt"], gradients["da_prev"],
                                                     gradients["dWax"], gradients["dWaa"],
                                                     gradients["dba"])
                dx[:, :, t] = dxt
                dWax += dWaxt
                dWaa += dWaat
                dba += dbat
            da0 = da_prevt
            gradients = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
            return gradients
        """, "Passes da[:, :, t] + da_prevt through a helper variable (the classic layout)."),
    _v("rnn_backward", "rnn_backward_dx_stacked", """
        def rnn_backward(da, caches):
            cell_caches = caches[0]
            T_x = da.shape[2]
            params = cell_caches[0][3]
            dWax = np.zeros_like(params["Wax"])
            dWaa = np.zeros_like(params["Waa"])
            dba = np.zeros_like(params["ba"])
            da_prevt = np.zeros_like(da[:, :, 0])
            dx_steps = [None] * T_x
            for t in reversed(range(T_x)):
                g = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
                dx_steps[t] = g["dxt"]
                da_prevt = g["da_prev"]
                dWax = dWax + g["dWax"]
                dWaa = dWaa + g["dWaa"]
                dba = dba + g["dba"]
            dx = np.stack(dx_steps, axis=2)
            return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        """, "Sizes from zeros_like on the parameters; dx stacked from a per-step list."),
]

_CORRECT_LSTM_CELL_BACKWARD = [
    _v("lstm_cell_backward", "lstm_cell_backward_stacked", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a = a_next.shape[0]
            tc = np.tanh(c_next)
            g = dc_next + da_next * ot * (1 - tc ** 2)
            dgates = np.vstack([
                g * c_prev * ft * (1 - ft),
                g * cct * it * (1 - it),
                g * it * (1 - cct ** 2),
                da_next * tc * ot * (1 - ot),
            ])
            z = np.vstack([a_prev, xt])
            W = np.vstack([parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]])
            dW = dgates @ z.T
            db = dgates.sum(axis=1, keepdims=True)
            dz = W.T @ dgates
            grads = {"dxt": dz[n_a:], "da_prev": dz[:n_a], "dc_prev": g * ft}
            for j, k in enumerate("fico"):
                grads["dW" + k] = dW[j * n_a:(j + 1) * n_a]
                grads["db" + k] = db[j * n_a:(j + 1) * n_a]
            return grads
        """, "Stacks the four gate gradients and uses one matrix product for all dW and for dz."),
    _v("lstm_cell_backward", "lstm_cell_backward_reshape_sums", """
        def lstm_cell_backward(da_next, dc_next, cache):
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
            n_a, m = a_next.shape
            tanh_c = np.tanh(c_next)
            dc = dc_next + da_next * ot * (1 - np.power(tanh_c, 2))
            dot = da_next * tanh_c * ot * (1 - ot)
            dcct = dc * it * (1 - np.power(cct, 2))
            dit = dc * cct * it * (1 - it)
            dft = dc * c_prev * ft * (1 - ft)
            concat = np.concatenate((a_prev, xt), axis=0)
            dWf = dft @ concat.T
            dWi = dit @ concat.T
            dWc = dcct @ concat.T
            dWo = dot @ concat.T
            dbf = dft.sum(axis=1).reshape(n_a, 1)
            dbi = dit.sum(axis=1).reshape(n_a, 1)
            dbc = dcct.sum(axis=1).reshape(n_a, 1)
            dbo = dot.sum(axis=1).reshape(n_a, 1)
            Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
            da_prev = (Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit
                       + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot)
            dxt = (Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit
                   + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot)
            dc_prev = dc * ft
            return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                    "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        """, "Uses the a_prev and xt blocks of each weight matrix directly and reshaped bias sums."),
    _v("lstm_cell_backward", "lstm_cell_backward_float32", """
        def lstm_cell_backward(da_next, dc_next, cache):
            f = np.float32
            (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = [
                v if isinstance(v, dict) else v.astype(f) for v in cache]
            da_next = da_next.astype(f)
            dc_next = dc_next.astype(f)
            n_a = a_next.shape[0]
            concat = np.concatenate((a_prev, xt), axis=0)
            g = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
            d = {
                "f": g * c_prev * ft * (1 - ft),
                "i": g * cct * it * (1 - it),
                "c": g * it * (1 - cct ** 2),
                "o": da_next * np.tanh(c_next) * ot * (1 - ot),
            }
            grads = {}
            dz = np.zeros(concat.shape, dtype=f)
            for k, dk in d.items():
                grads["dW" + k] = dk @ concat.T
                grads["db" + k] = np.sum(dk, axis=1, keepdims=True)
                dz += parameters["W" + k].astype(f).T @ dk
            grads["da_prev"] = dz[:n_a]
            grads["dxt"] = dz[n_a:]
            grads["dc_prev"] = g * ft
            return grads
        """, "Computes in float32 with the gate gradients kept in a dict."),
]

_CORRECT_LSTM_BACKWARD = [
    _v("lstm_backward", "lstm_backward_lists_summed", """
        def lstm_backward(da, caches):
            cell_caches, x = caches
            n_a, m, T_x = da.shape
            dx = np.zeros(x.shape)
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            steps = []
            for t in reversed(range(T_x)):
                g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
                dx[:, :, t] = g["dxt"]
                da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
                steps.append(g)
            out = {"dx": dx, "da0": da_prevt}
            for k in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"):
                out[k] = np.sum([s[k] for s in steps], axis=0)
            return out
        """, "Keeps each step's gradients in a list and sums them at the end."),
    _v("lstm_backward", "lstm_backward_sizes_from_first_cache", """
        def lstm_backward(da, caches):
            (caches, x) = caches
            (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
            n_a, m, T_x = da.shape
            n_x, m = x1.shape
            dx = np.zeros((n_x, m, T_x))
            da_prevt = np.zeros((n_a, m))
            dc_prevt = np.zeros((n_a, m))
            dWf = np.zeros((n_a, n_a + n_x)); dWi = np.zeros((n_a, n_a + n_x))
            dWc = np.zeros((n_a, n_a + n_x)); dWo = np.zeros((n_a, n_a + n_x))
            dbf = np.zeros((n_a, 1)); dbi = np.zeros((n_a, 1))
            dbc = np.zeros((n_a, 1)); dbo = np.zeros((n_a, 1))
            for t in reversed(range(T_x)):
                gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
                da_prevt = gradients["da_prev"]
                dc_prevt = gradients["dc_prev"]
                dx[:, :, t] = gradients["dxt"]
                dWf += gradients["dWf"]; dWi += gradients["dWi"]
                dWc += gradients["dWc"]; dWo += gradients["dWo"]
                dbf += gradients["dbf"]; dbi += gradients["dbi"]
                dbc += gradients["dbc"]; dbo += gradients["dbo"]
            da0 = da_prevt
            gradients = {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                         "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
            return gradients
        """, "The classic layout: sizes from the first cell cache, in-place sums."),
    _v("lstm_backward", "lstm_backward_dict_accumulator", """
        def lstm_backward(da, caches):
            cell_caches = caches[0]
            T_x = da.shape[2]
            keys = ["dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"]
            acc = None
            dx_steps = {}
            da_prevt = np.zeros_like(da[:, :, 0])
            dc_prevt = np.zeros_like(da[:, :, 0])
            t = T_x - 1
            while t >= 0:
                g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
                if acc is None:
                    acc = {k: g[k].copy() for k in keys}
                else:
                    for k in keys:
                        acc[k] += g[k]
                dx_steps[t] = g["dxt"]
                da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
                t -= 1
            dx = np.stack([dx_steps[t] for t in range(T_x)], axis=2)
            result = {"dx": dx, "da0": da_prevt}
            result.update(acc)
            return result
        """, "Accumulates into a dict seeded from the first step, with a while loop backwards."),
]

CORRECT: list[Variant] = (
    _CORRECT_RNN_CELL_FORWARD
    + _CORRECT_RNN_FORWARD
    + _CORRECT_LSTM_CELL_FORWARD
    + _CORRECT_LSTM_FORWARD
    + _CORRECT_RNN_CELL_BACKWARD
    + _CORRECT_RNN_BACKWARD
    + _CORRECT_LSTM_CELL_BACKWARD
    + _CORRECT_LSTM_BACKWARD
)


# ---------------------------------------------------------------------------------------
# CROSS: a correct loop around a wrong cell. The loop keeps its points (its feedback names the
# wrong cell); the cell loses its own. A mistake costs points once, in its own exercise.
# ---------------------------------------------------------------------------------------

def _code(name: str) -> str:
    return next(v.code for v in WRONG + CORRECT if v.name == name)


def _cross(outer: str, loop: str, cell_exercise: str, cell: str, why: str) -> Variant:
    return Variant(exercise=outer, name=f"{loop}__around__{cell}", code=_code(loop), why=why,
                   others={cell_exercise: _code(cell)})


CROSS: list[Variant] = [
    _cross("rnn_forward", "rnn_forward_while_loop", "rnn_cell_forward", "rnn_cell_forward_missing_ba",
           "A correct loop around a cell that drops the bias ba."),
    _cross("rnn_forward", "rnn_forward_stack_lists", "rnn_cell_forward", "rnn_cell_forward_cache_reordered",
           "A correct loop around a cell whose cache is in the wrong order (the loop's caches hold them as given)."),
    _cross("lstm_forward", "lstm_forward_zeros_like", "lstm_cell_forward", "lstm_cell_forward_tanh_forget_gate",
           "A correct loop around a cell with a tanh forget gate."),
    _cross("lstm_forward", "lstm_forward_zeros_like", "lstm_cell_forward", "lstm_cell_forward_cache_gates_swapped",
           "A correct loop around a cell whose cache swaps two gates."),
    _cross("rnn_backward", "rnn_backward_while_loop" if any(v.name == "rnn_backward_while_loop" for v in CORRECT)
           else next(v.name for v in CORRECT if v.exercise == "rnn_backward"),
           "rnn_cell_backward", "rnn_cell_backward_dtanh_from_a_prev",
           "A correct backward loop around a cell that takes tanh's derivative at a_prev."),
    _cross("lstm_backward", next(v.name for v in CORRECT if v.exercise == "lstm_backward"),
           "lstm_cell_backward", "lstm_cell_backward_missing_dc_next",
           "A correct backward loop around a cell that ignores dc_next."),
    # A cell whose results a correct loop cannot use: the loop raises (dba += a flat dba) or
    # makes an (n_a, n_a) sum; it is judged with the reference cell's results standing in.
    _cross("rnn_backward", "rnn_backward_helper_variable", "rnn_cell_backward", "rnn_cell_backward_dba_no_keepdims",
           "A correct backward loop around a cell whose dba has no column axis (the curriculum's keepdims mistake)."),
    _cross("lstm_backward", "lstm_backward_lists_summed", "lstm_cell_backward", "lstm_cell_backward_db_no_keepdims",
           "A correct backward loop around a cell whose four db have no column axis."),
]
