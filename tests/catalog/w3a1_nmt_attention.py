"""Known implementations of the w3a1_nmt_attention exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell:

- ``one_step_attention``: the cell defining ``one_step_attention(a, s_prev)``;
- ``modelf``: the cell defining ``modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size)``;
- ``compile_model``: the cell that creates ``opt`` and compiles the global ``model``.

The code runs where the notebook's imports cell has defined ``np``, ``tf``, the Keras names
``Bidirectional, Concatenate, Dot, Input, LSTM, Activation, RepeatVector, Dense, Model,
Adam, InverseTimeDecay`` and the helpers of ``nmt_utils`` (``softmax`` over axis 1 by
default, ``SharedLSTM``, ...); where the shared layers ``repeator, concatenator, densor1,
densor2, activator, dotor`` (attention) and ``post_activation_LSTM_cell, output_layer``
(decoder) exist, with ``n_a = 32``, ``n_s = 64``, ``Tx = 30``, ``Ty = 10``; and where the
other exercises are the instructor's solutions. A variant that needs another name (GRU,
Flatten, ...) imports it in its own cell, as a learner would.

Every CORRECT variant builds the same layers, created and called in the same order, so the
reference weights load into its model and it computes the same numbers. Every WRONG variant
is a mistake learners make (CURRICULUM.md "Mistakes", 2018 code pasted into the 2021
notebook, Keras 2 habits); several keep the parameter count (52,960) and every shape, and
only show when the model computes with trained weights and non-zero initial states.
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


# The start of the instructor's modelf (inputs and states), shared by several variants; indented
# like the variant bodies below so that textwrap.dedent sees one block.
_MODELF_HEAD = '''
        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size))
            s0 = Input(shape=(n_s,), name='s0')
            c0 = Input(shape=(n_s,), name='c0')
            s = s0
            c = c0
            outputs = []'''


# ---------------------------------------------------------------------------------------
# WRONG
# ---------------------------------------------------------------------------------------

_WRONG_ONE_STEP_ATTENTION = [
    _v("one_step_attention", "osa_fresh_dense_layers_per_call", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = Dense(10, activation="tanh")(concat)
            energies = Dense(1, activation="relu")(e)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "Builds a fresh Dense(10, tanh) and Dense(1, relu) at every call instead of calling the "
             "shared densor1/densor2: every decoder step gets its own untrained weights, nothing is "
             "shared, and the global densor1/densor2 are never used.", "layer_not_used"),
    _v("one_step_attention", "osa_layers_copied_into_function", """
        def one_step_attention(a, s_prev):
            densor1 = Dense(10, activation="tanh")
            densor2 = Dense(1, activation="relu")
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "Copies the layer definitions into the function: the local densor1/densor2 shadow the "
             "shared ones, so each call creates new layers (the function looks right line by line).", "layer_not_used"),
    _v("one_step_attention", "osa_concat_s_prev_first", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([s_prev, a])
            e = densor1(concat)
            energies = densor2(e)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "Concatenates [s_prev repeated, a] instead of [a, s_prev repeated]: with 2*n_a = n_s = 64 "
             "the shapes fit, but densor1's weights meet the wrong inputs.", "concat_order"),
    _v("one_step_attention", "osa_dot_a_first", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = activator(energies)
            context = dotor([a, alphas])
            return context
        """, "dotor([a, alphas]) contracts the same axis but returns shape (m, 2*n_a, 1) instead of "
             "(m, 1, 2*n_a).", "dot_order"),
    _v("one_step_attention", "osa_tf_nn_softmax_last_axis", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = tf.nn.softmax(energies)
            context = dotor([alphas, a])
            return context
        """, "tf.nn.softmax normalises the last axis, of length 1: every alpha is 1 and the context is "
             "the plain sum of the encoder states (and tf.* ops fail on symbolic Keras 3 tensors in "
             "modelf).", "softmax_axis"),
    _v("one_step_attention", "osa_activation_softmax_layer", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = Activation('softmax')(energies)
            context = dotor([alphas, a])
            return context
        """, "A stock Activation('softmax') instead of the shared activator: softmax over the length-1 "
             "last axis, so every weight is 1.", "softmax_axis"),
    _v("one_step_attention", "osa_tf_matmul_context", """
        def one_step_attention(a, s_prev):
            s_rep = repeator(s_prev)
            energies = densor2(densor1(concatenator([a, s_rep])))
            alphas = activator(energies)
            return tf.matmul(alphas, a, transpose_a=True)
        """, "The weighted sum written with tf.matmul: right on arrays, but a TensorFlow function cannot take "
             "the symbolic tensors of a Keras model, so modelf cannot build the model with it."),
    _v("one_step_attention", "osa_softmax_over_batch_axis", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = softmax(energies, axis=0)
            context = dotor([alphas, a])
            return context
        """, "Calls the helper softmax with axis=0 (\"the first axis\"): the weights are normalised over "
             "the examples of the batch instead of over the Tx positions."),
    _v("one_step_attention", "osa_no_softmax", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            context = dotor([energies, a])
            return context
        """, "Skips the activator: the raw relu energies weight the encoder states, which is not an "
             "average (the weights neither are normalised nor sum to 1)."),
    _v("one_step_attention", "osa_densor1_skipped", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            energies = densor2(concat)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "Skips the hidden layer densor1 and scores the concatenation with densor2 directly: densor2 "
             "gets a 128-wide kernel and densor1 is never used.", "layer_not_used"),
    _v("one_step_attention", "osa_2018_single_dense", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            energies = Dense(1, activation="relu")(concat)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "The 2018 energy network, a single Dense(1, relu) on the concatenation, created in place "
             "(the 2018 global `densor` does not exist here): no hidden tanh layer and no sharing.", "layer_not_used"),
    _v("one_step_attention", "osa_2018_scorer_over_dead_shared_layers", """
        densor = Dense(1, activation="relu")   # the 2018 energy layer, created once in this cell

        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            energies = densor(concat)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "2018 code pasted over the 2021 solution: the shared densor1/densor2 are still called, but "
             "their result is overwritten by the 2018 single-layer scorer, so the context depends on "
             "neither of them.", "layer_not_used"),
    _v("one_step_attention", "osa_s_prev_not_repeated", """
        def one_step_attention(a, s_prev):
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "Forgets repeator: a (m, Tx, 2*n_a) and s_prev (m, n_s) cannot be concatenated, so the "
             "function raises."),
    _v("one_step_attention", "osa_returns_alphas", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return alphas
        """, "Returns the attention weights (m, Tx, 1) instead of the context."),
]

_WRONG_MODELF = [
    _v("modelf", "modelf_s0_c0_every_step", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s0, c0])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Starts every decoder step from s0, c0: the decoder forgets what it wrote (only the "
             "attention query s carries over). Same layers and parameters.", "s0_every_step"),
    _v("modelf", "modelf_ten_steps_hard_coded", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(10):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "The decoder loop runs 10 times whatever Ty is: right for this notebook's Ty only."),
    _v("modelf", "modelf_encoder_without_return_sequences", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "The encoder keeps only its last state (m, 2*n_a): there is no sequence to attend over, "
             "and the concatenation with the repeated s fails."),
    _v("modelf", "modelf_output_from_context", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=context)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Predicts from the context instead of the decoder state: since 2*n_a = n_s the parameter "
             "count is still 52,960, but each output has shape (m, 1, 11)."),
    _v("modelf", "modelf_output_from_flattened_context", """
        from tensorflow.keras.layers import Flatten

        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size))
            s0 = Input(shape=(n_s,), name='s0')
            c0 = Input(shape=(n_s,), name='c0')
            s = s0
            c = c0
            outputs = []
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(Flatten()(context))
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Predicts from the context, flattened to (m, 64) so the output shapes fit: 52,960 "
             "parameters and outputs of shape (m, 11), but the decoder LSTM feeds nothing (extra "
             "Flatten layers appear in the model)."),
    _v("modelf", "modelf_output_from_cell_state", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=c)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Reads the character off the cell state c instead of the hidden state s: the same layers, "
             "52,960 parameters and every shape right (the summary is identical), but other numbers."),
    _v("modelf", "modelf_initial_state_c_s", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[c, s])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "initial_state=[c, s]: the hidden and cell states are exchanged at every step. Identical "
             "summary (52,960 parameters, same shapes), different computation."),
    _v("modelf", "modelf_state_unpacking_order", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, c, _ = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Unpacks [output, h, c] as s, c, _: c receives the hidden state (equal to the output) and "
             "the real cell state is dropped. Identical summary, different computation."),
    _v("modelf", "modelf_new_decoder_lstm_per_step", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = LSTM(n_s, return_state=True)(context, initial_state=[s, c])
                out = output_layer(s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Creates a new decoder LSTM inside the loop: Ty LSTMs with their own weights (9 x 33,024 "
             "parameters too many) instead of the shared post_activation_LSTM_cell."),
    _v("modelf", "modelf_new_output_layer_per_step", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(context, initial_state=[s, c])
                out = Dense(machine_vocab_size, activation=softmax)(s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Creates a new output Dense layer at every step: Ty softmax layers (9 x 715 parameters too "
             "many) instead of the shared output_layer."),
    _v("modelf", "modelf_inputs_renamed_s_c", """
        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size))
            s0 = Input(shape=(n_s,), name='s')
            c0 = Input(shape=(n_s,), name='c')
            s = s0
            c = c0
            outputs = []
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "Names the initial-state inputs 's' and 'c' instead of 's0' and 'c0'; the computation is "
             "right.", "input_names"),
    _v("modelf", "modelf_bidirectional_gru", """
        from tensorflow.keras.layers import GRU

        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size))
            s0 = Input(shape=(n_s,), name='s0')
            c0 = Input(shape=(n_s,), name='c0')
            s = s0
            c = c0
            outputs = []
            a = Bidirectional(GRU(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "A bidirectional GRU encoder (the w3a2 habit) instead of a bidirectional LSTM: 13,632 "
             "encoder parameters instead of 17,920."),
    _v("modelf", "modelf_encoder_units_n_s", _MODELF_HEAD + """
            encoder = Bidirectional(LSTM(units=n_s, return_sequences=True))
            a = encoder(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                outputs.append(output_layer(inputs=s))
            return Model(inputs=[X, s0, c0], outputs=outputs)
        """, "The encoder sized with n_s (64) instead of n_a (32): a has 128 features, so the notebook's "
             "model builds the shared densor1 for 192 inputs instead of 128 (one_step_attention, checked on "
             "fresh shared layers, keeps its points)."),
    _v("modelf", "modelf_decoder_steps_tx", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            step = 0
            while step < Tx:
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                outputs.append(output_layer(inputs=s))
                step += 1
            return Model(inputs=[X, s0, c0], outputs=outputs)
        """, "The decoder runs Tx (30) steps instead of Ty (10): the weights fit, but the model has 30 "
             "outputs."),
    _v("modelf", "modelf_unidirectional_lstm_2na", _MODELF_HEAD + """
            a = LSTM(units=2 * n_a, return_sequences=True)(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "A one-directional LSTM(2*n_a) encoder: the shapes fit (m, Tx, 64), but every state has "
             "read only the left part of the date (26,112 encoder parameters instead of 17,920)."),
    _v("modelf", "modelf_inputs_order_s0_X_c0", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[s0, c0, X], outputs=outputs)
            return model
        """, "Lists the model's inputs as [s0, c0, X]: the training cell and the grader call it with "
             "[Xoh, s0, c0]."),
    _v("modelf", "modelf_last_output_only", _MODELF_HEAD + """
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=out)
            return model
        """, "Passes outputs=out (the last step only) instead of the list of Ty outputs."),
]

_COMPILE = '''
        opt = Adam(learning_rate=InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.01), beta_1=0.9, beta_2=0.999)'''

_WRONG_COMPILE_MODEL = [
    _v("compile_model", "compile_learning_rate_0_01", """
        opt = Adam(learning_rate=InverseTimeDecay(0.01, decay_steps=1, decay_rate=0.01), beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "Starts the schedule at 0.01 instead of 0.005."),
    _v("compile_model", "compile_constant_learning_rate_0_01", """
        opt = Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "A constant learning rate of 0.01 instead of 0.005."),
    _v("compile_model", "compile_string_optimizer", _COMPILE + """
        model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
        """, "Creates opt but compiles with the string 'adam': Adam's defaults (learning rate 0.001, "
             "no decay), and not the opt object."),
    _v("compile_model", "compile_mse_loss", _COMPILE + """
        model.compile(optimizer=opt, loss='mse', metrics=['accuracy'])
        """, "Mean squared error on one-hot targets instead of categorical cross-entropy."),
    _v("compile_model", "compile_sparse_categorical_loss", _COMPILE + """
        model.compile(optimizer=opt, loss='sparse_categorical_crossentropy', metrics=['accuracy'])
        """, "sparse_categorical_crossentropy expects integer labels; the targets are one-hot rows of "
             "Yoh."),
    _v("compile_model", "compile_betas_exchanged", """
        opt = Adam(learning_rate=InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.01), beta_1=0.999, beta_2=0.9)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "beta_1 and beta_2 exchanged (0.999 and 0.9)."),
    _v("compile_model", "compile_without_metrics", _COMPILE + """
        model.compile(optimizer=opt, loss='categorical_crossentropy')
        """, "Leaves out metrics=['accuracy']."),
    _v("compile_model", "compile_decay_rate_0_1", """
        opt = Adam(learning_rate=InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.1), beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "The schedule decays ten times too fast (decay_rate=0.1 instead of the old decay=0.01)."),
    _v("compile_model", "compile_decay_per_epoch_steps", """
        opt = Adam(learning_rate=InverseTimeDecay(0.005, decay_steps=100, decay_rate=0.01), beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "decay_steps=100 (one epoch of batches) instead of 1: the rate decays 100 times slower than "
             "the old decay=0.01 per step."),
    _v("compile_model", "compile_with_new_adam_object", _COMPILE + """
        model.compile(optimizer=Adam(learning_rate=InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.01),
                                     beta_1=0.9, beta_2=0.999),
                      loss='categorical_crossentropy', metrics=['accuracy'])
        """, "Compiles with a second, equal Adam instead of the opt it created: the settings match but "
             "the model does not use opt."),
    _v("compile_model", "compile_keras2_lr_decay_arguments", """
        opt = Adam(lr=0.005, beta_1=0.9, beta_2=0.999, decay=0.01)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "The 2021 Keras 2 call pasted unchanged: Keras 3 rejects lr=, so opt is never created and "
             "the model is not compiled."),
]

WRONG: list[Variant] = _WRONG_ONE_STEP_ATTENTION + _WRONG_MODELF + _WRONG_COMPILE_MODEL


# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

_CORRECT_ONE_STEP_ATTENTION = [
    _v("one_step_attention", "osa_one_nested_expression", """
        def one_step_attention(a, s_prev):
            return dotor([activator(densor2(densor1(concatenator([a, repeator(s_prev)])))), a])
        """, "The whole attention step as one nested expression, same layers in the same order."),
    _v("one_step_attention", "osa_repeat_inside_concat", """
        def one_step_attention(a, s_prev):
            concat = concatenator([a, repeator(s_prev)])
            hidden = densor1(concat)
            alphas = activator(densor2(hidden))
            context = dotor([alphas, a])
            return context
        """, "Repeats s_prev inside the concatenator call and names the intermediates differently."),
    _v("one_step_attention", "osa_keyword_layer_calls", """
        def one_step_attention(a, s_prev):
            s_rep = repeator(inputs=s_prev)
            concat = concatenator(inputs=[a, s_rep])
            e = densor1(inputs=concat)
            energies = densor2(inputs=e)
            alphas = activator(inputs=energies)
            return dotor(inputs=[alphas, a])
        """, "Calls every shared layer with the keyword inputs= (Keras 3 accepts it for these layers)."),
]

_CORRECT_MODELF = [
    _v("modelf", "modelf_positional_calls", """
        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input((Tx, human_vocab_size))
            s0 = Input((n_s,), name='s0')
            c0 = Input((n_s,), name='c0')
            s, c = s0, c0
            outputs = []
            a = Bidirectional(LSTM(n_a, return_sequences=True))(X)
            for _ in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(context, initial_state=[s, c])
                outputs.append(output_layer(s))
            return Model([X, s0, c0], outputs)
        """, "CURRICULUM.md's positional calls of the shared decoder cell and output layer."),
    _v("modelf", "modelf_2021_keyword_form", """
        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size))
            s0 = Input(shape=(n_s,), name='s0')
            c0 = Input(shape=(n_s,), name='c0')
            s = s0
            c = c0
            outputs = []
            a = Bidirectional(LSTM(units=n_a, return_sequences=True))(X)
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(inputs=context, initial_state=[s, c])
                out = output_layer(inputs=s)
                outputs.append(out)
            model = Model(inputs=[X, s0, c0], outputs=outputs)
            return model
        """, "The 2021 learner form: post_activation_LSTM_cell(inputs=context, initial_state=[s, c]) "
             "and output_layer(inputs=s), which SharedLSTM accepts under Keras 3."),
    _v("modelf", "modelf_keras3_sequences_keyword", """
        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size))
            s0 = Input(shape=(n_s,), name='s0')
            c0 = Input(shape=(n_s,), name='c0')
            encoder = Bidirectional(LSTM(n_a, return_sequences=True))
            a = encoder(X)
            s, c = s0, c0
            outputs = []
            for t in range(Ty):
                context = one_step_attention(a, s)
                s, _, c = post_activation_LSTM_cell(sequences=context, initial_state=[s, c])
                outputs.append(output_layer(s))
            return Model(inputs=[X, s0, c0], outputs=outputs)
        """, "Keras 3's own keyword for an RNN's input, sequences=; Keras then lists the model's layers "
             "in another order, which must not matter."),
    _v("modelf", "modelf_while_loop_state_h", """
        def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
            X = Input(shape=(Tx, human_vocab_size), name='X')
            s0 = Input(shape=(n_s,), name='s0')
            c0 = Input(shape=(n_s,), name='c0')
            encoder = Bidirectional(LSTM(units=n_a, return_sequences=True), merge_mode='concat')
            a = encoder(X)
            state = [s0, c0]
            outputs = []
            t = 0
            while t < Ty:
                context = one_step_attention(a, state[0])
                _, h, cell = post_activation_LSTM_cell(context, initial_state=state)
                state = [h, cell]
                outputs.append(output_layer(h))
                t += 1
            return Model(inputs=[X, s0, c0], outputs=outputs)
        """, "A while loop carrying the state as a list, the hidden state taken from the second return "
             "value (equal to the first for a single step), an explicit merge_mode and a named X."),
]

_CORRECT_COMPILE_MODEL = [
    _v("compile_model", "compile_constant_learning_rate", """
        opt = Adam(learning_rate=0.005, beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "A constant learning rate of 0.005 without the decay schedule (CURRICULUM.md section 0: "
             "graders accept the optimizer with or without it)."),
    _v("compile_model", "compile_loss_object_positional", """
        schedule = InverseTimeDecay(initial_learning_rate=0.005, decay_steps=1, decay_rate=0.01, staircase=False)
        opt = tf.keras.optimizers.Adam(schedule, 0.9, 0.999)
        model.compile(opt, tf.keras.losses.CategoricalCrossentropy(), metrics=['accuracy'])
        """, "The schedule in its own variable, Adam and compile called positionally, and the loss as a "
             "CategoricalCrossentropy object."),
    _v("compile_model", "compile_metrics_per_output", """
        opt = Adam(learning_rate=InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.01), beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=[['accuracy']] * len(model.outputs))
        """, "One metrics list per output: the form Keras 3 needs to fit a 10-output model with metrics."),
    _v("compile_model", "compile_acc_alias_and_loss_function", """
        opt = Adam(learning_rate=0.005, beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss=tf.keras.losses.categorical_crossentropy, metrics=['acc'])
        """, "'acc' is Keras's alias of 'accuracy'; the loss given as the function rather than its name."),
    _v("compile_model", "compile_categorical_accuracy", """
        opt = Adam(learning_rate=0.005, beta_1=0.9, beta_2=0.999)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=[tf.keras.metrics.CategoricalAccuracy()])
        """, "For one-hot targets 'accuracy' is categorical accuracy; naming the metric object is the same."),
    _v("compile_model", "compile_2021_learning_rate_with_decay_argument", """
        opt = Adam(learning_rate=0.005, beta_1=0.9, beta_2=0.999, decay=0.01)
        model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
        """, "The 2021 call with lr= renamed to learning_rate=: Keras 3 drops decay= with a warning, "
             "leaving a constant 0.005, which the graders accept."),
]

_CORRECT_ONE_STEP_ATTENTION += [
    _v("one_step_attention", "osa_concatenate_made_inline", """
        def one_step_attention(a, s_prev):
            s_prev = repeator(s_prev)
            concat = Concatenate(axis=-1)([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = activator(energies)
            context = dotor([alphas, a])
            return context
        """, "A Concatenate made inside the function instead of the shared concatenator: it has no weights, so "
             "the Ty copies modelf's loop makes compute the same (modelf keeps its points too)."),
    _v("one_step_attention", "osa_keras_ops_softmax_axis_1", """
        def one_step_attention(a, s_prev):
            from keras import ops
            s_prev = repeator(s_prev)
            concat = concatenator([a, s_prev])
            e = densor1(concat)
            energies = densor2(e)
            alphas = ops.softmax(energies, axis=1)
            context = dotor([alphas, a])
            return context
        """, "keras.ops.softmax over the time axis instead of the activator layer: the same weights."),
]

CORRECT: list[Variant] = _CORRECT_ONE_STEP_ATTENTION + _CORRECT_MODELF + _CORRECT_COMPILE_MODEL


# ---------------------------------------------------------------------------------------
# CROSS: a correct modelf around a wrong one_step_attention. modelf keeps its points (its
# feedback names one_step_attention); one_step_attention loses its own.
# ---------------------------------------------------------------------------------------

def _code(name: str) -> str:
    return next(v.code for v in WRONG + CORRECT if v.name == name)


CROSS: list[Variant] = [
    Variant("modelf", "modelf_positional_calls__around__osa_concat_s_prev_first", _code("modelf_positional_calls"),
            "A correct model around an attention step that concatenates [s_prev, a].",
            others={"one_step_attention": _code("osa_concat_s_prev_first")}),
    Variant("modelf", "modelf_2021_keyword_form__around__osa_activation_softmax_layer",
            _code("modelf_2021_keyword_form"),
            "A correct model (2021 keyword form) around an attention step whose stock softmax layer normalises "
            "over the last axis.",
            others={"one_step_attention": _code("osa_activation_softmax_layer")}),
    Variant("compile_model", "compile_loss_object_positional__around__modelf_bidirectional_gru",
            _code("compile_loss_object_positional"),
            "A correct compile cell on the model of a modelf with a bidirectional GRU encoder: the reference "
            "weights cannot fit it, so the cell is judged on that model with its own weights.",
            others={"modelf": _code("modelf_bidirectional_gru")}),
    Variant("compile_model", "compile_loss_object_positional__around__modelf_decoder_steps_tx",
            _code("compile_loss_object_positional"),
            "A correct compile cell on the model of a modelf that decodes Tx steps: the reference weights fit, "
            "but the model has 30 outputs, so the loss is checked against targets of its own outputs.",
            others={"modelf": _code("modelf_decoder_steps_tx")}),
]
