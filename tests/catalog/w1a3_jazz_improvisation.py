"""Known implementations of the w1a3_jazz_improvisation exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell:

- ``djmodel``: the cell defining ``djmodel(Tx, LSTM_cell, densor, reshaper)`` (or the 2018
  form ``djmodel(Tx, n_a, n_values)``, which reads the global layers);
- ``music_inference_model``: the cell defining ``music_inference_model(LSTM_cell, densor, Ty=100)``
  (or the 2018 form with ``n_values=78, n_a=64`` before ``Ty``);
- ``predict_and_sample``: the cell defining ``predict_and_sample(inference_model,
  x_initializer, a_initializer, c_initializer)``.

The code runs where the notebook's imports cell has defined ``np``, ``tf``, ``keras``, the Keras
names ``Dense, Activation, Dropout, Input, LSTM, Reshape, RepeatVector, Model, Adam,
InverseTimeDecay, to_categorical`` and the helpers of ``jazz_utils`` (``SharedLSTM``, ``one_hot``,
``Lambda``, ...); where ``n_values = 90``, ``n_a = 64``, the shared layers ``reshaper``
(alias ``reshapor``), ``LSTM_cell`` (a SharedLSTM) and ``densor``, and the initializers
``x_initializer``, ``a_initializer``, ``c_initializer`` exist; and where the other exercises
are the instructor's solutions. A variant that needs another name imports it in its own cell,
as a learner would.

One mistake CURRICULUM lists cannot be graded: predict_and_sample's ``num_classes=n_values`` with
the notebook's global n_values gives exactly what the accepted literal ``num_classes=90`` gives,
on every model, so both are CORRECT here (with a note in the feedback on models of another
vocabulary size); see ``ps_global_n_values``.

Every CORRECT variant computes exactly what the contract says: with the reference weights
(loaded into djmodel, or into the shared layers for the inference model) it gives the
reference outputs. Every WRONG variant is a mistake learners make (CURRICULUM.md "Mistakes",
2018 code mixed with 2021 instructions, Keras 2 habits); several keep the parameter count
(45,530) and every shape, and only show when the model computes with trained weights and
non-zero initial states, or with layers of another size.
"""
from __future__ import annotations

import textwrap

from autograde.catalog import Variant


def _v(exercise: str, name: str, code: str, why: str, diagnosis: str | None = None) -> Variant:
    return Variant(exercise=exercise, name=name, code=textwrap.dedent(code).strip() + "\n", why=why,
                   diagnosis=diagnosis)


# The start of the instructor's functions, shared by several variants; indented like the variant
# bodies below so that textwrap.dedent sees one block.
_DJ_HEAD = '''
        def djmodel(Tx, LSTM_cell, densor, reshaper):
            n_values = densor.units
            n_a = LSTM_cell.units
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            outputs = []'''

_INF_HEAD = '''
        def music_inference_model(LSTM_cell, densor, Ty=100):
            n_values = densor.units
            n_a = LSTM_cell.units
            x0 = Input(shape=(1, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            x = x0
            outputs = []'''

_PS_HEAD = '''
        def predict_and_sample(inference_model, x_initializer=x_initializer, a_initializer=a_initializer,
                               c_initializer=c_initializer):
            n_values = x_initializer.shape[2]
            pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)'''


# ---------------------------------------------------------------------------------------
# WRONG
# ---------------------------------------------------------------------------------------

_WRONG_DJMODEL = [
    _v("djmodel", "dj_new_layers_per_step", _DJ_HEAD + """
            for t in range(Tx):
                x = Reshape((1, n_values))(X[:, t, :])
                a, _, c = LSTM(n_a, return_state=True)(x, initial_state=[a, c])
                out = Dense(n_values, activation='softmax')(a)
                outputs.append(out)
            model = Model(inputs=[X, a0, c0], outputs=outputs)
            return model
        """, "Creates a new Reshape, LSTM and Dense at every step: 30 LSTMs and 30 Dense layers, "
             "1,365,900 parameters, nothing shared and the shared layers never used.", "new_layers_per_step"),
    _v("djmodel", "dj_layers_created_in_function", """
        def djmodel(Tx, LSTM_cell, densor, reshaper):
            n_values = densor.units
            n_a = LSTM_cell.units
            reshaper = Reshape((1, n_values))
            LSTM_cell = SharedLSTM(n_a, return_state=True)
            densor = Dense(n_values, activation='softmax')
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            outputs = []
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Copies the layer definitions into the function: the layers are shared across the steps "
             "(45,530 parameters) but they are new ones, not the LSTM_cell and densor passed in, so the "
             "training never reaches the layers the inference model uses.", "layers_not_shared"),
    _v("djmodel", "dj_no_initial_state", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x)
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Calls LSTM_cell without initial_state: every step starts from zero states, the LSTM "
             "remembers nothing, and a0, c0 are unused inputs.", "no_initial_state"),
    _v("djmodel", "dj_initial_state_a0_c0_every_step", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a0, c0])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Passes initial_state=[a0, c0] at every step: each step restarts from the initial states "
             "and sees only its own input (right at step 0 only).", "states_not_carried"),
    _v("djmodel", "dj_no_reshape", _DJ_HEAD + """
            for t in range(Tx):
                x = X[:, t, :]
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Skips reshaper: the LSTM receives (m, 90) instead of a sequence (m, 1, 90) and Keras "
             "raises 'expected ndim=3, found ndim=2'.", "no_reshape"),
    _v("djmodel", "dj_renamed_inputs", """
        def djmodel(Tx, LSTM_cell, densor, reshaper):
            n_values = densor.units
            n_a = LSTM_cell.units
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a_0')
            c0 = Input(shape=(n_a,), name='c_0')
            a = a0
            c = c0
            outputs = []
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Names the state inputs 'a_0' and 'c_0' instead of 'a0' and 'c0'.", "renamed_inputs"),
    _v("djmodel", "dj_unnamed_inputs", """
        def djmodel(Tx, LSTM_cell, densor, reshaper):
            n_values = densor.units
            n_a = LSTM_cell.units
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,))
            c0 = Input(shape=(n_a,))
            a = a0
            c = c0
            outputs = []
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Leaves the state inputs unnamed (Keras calls them input_layer_1, input_layer_2).",
             "renamed_inputs"),
    _v("djmodel", "dj_global_n_values", """
        def djmodel(Tx, LSTM_cell, densor, reshaper):
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            outputs = []
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Takes the sizes from the notebook's global n_values and n_a instead of the layers: right "
             "with the notebook's layers, wrong with layers of another size.", "global_n_values"),
    _v("djmodel", "dj_hard_coded_Tx", _DJ_HEAD + """
            for t in range(30):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Loops over range(30) instead of range(Tx): right for Tx = 30 only.", "tx_not_honoured"),
    _v("djmodel", "dj_predict_from_cell_state", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(c))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Predicts from the cell state c instead of the hidden state a (same shapes)."),
    _v("djmodel", "dj_states_unpacked_a_c_underscore", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, c, _ = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Unpacks the LSTM's [output, h, c] as a, c, _: c receives h (a copy of the output), so "
             "the cell state carried to the next step is the hidden state.", "states_not_carried"),
    _v("djmodel", "dj_2018_form_layers_in_loop", """
        def djmodel(Tx, n_a, n_values):
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            outputs = []
            for t in range(Tx):
                x = Lambda(lambda x: X[:, t, :])(X)
                x = reshapor(x)
                a, _, c = LSTM(n_a, return_state=True)(x, initial_state=[a, c])
                out = Dense(n_values, activation='softmax')(a)
                outputs.append(out)
            model = Model(inputs=[X, a0, c0], outputs=outputs)
            return model
        """, "The 2018 form (djmodel(Tx, n_a, n_values), the slicing Lambda, reshapor) with a new LSTM and "
             "Dense created at every step instead of the global LSTM_cell and densor.", "new_layers_per_step"),
    _v("djmodel", "dj_only_last_output", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
            return Model(inputs=[X, a0, c0], outputs=out)
        """, "Forgets to collect the outputs: the model has one output (the last step) instead of Tx."),
    _v("djmodel", "dj_inputs_reordered", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(X[:, t, :])
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[a0, c0, X], outputs=outputs)
        """, "Lists the inputs as [a0, c0, X]: the model is then called with its inputs in the wrong "
             "order (model.fit([X, a0, c0], ...) fails)."),
]

_WRONG_INFERENCE = [
    _v("music_inference_model", "inf_x0_every_step", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x0, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = keras.ops.argmax(out, axis=-1)
                x = keras.ops.one_hot(x, n_values)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Feeds x0 to the LSTM at every step: the one-hot of the prediction is computed but never "
             "used, so every step reads the same input.", "x0_every_step"),
    _v("music_inference_model", "inf_2018_form_x0_every_step", """
        def music_inference_model(LSTM_cell, densor, n_values=78, n_a=64, Ty=100):
            x0 = Input(shape=(1, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            x = x0
            outputs = []
            for t in range(Ty):
                a, _, c = LSTM_cell(x0, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = Lambda(one_hot)(out)
            inference_model = Model(inputs=[x0, a0, c0], outputs=outputs)
            return inference_model
        """, "The 2018 form (n_values=78, n_a=64 before Ty, Lambda(one_hot)) feeding x0 to the LSTM at every "
             "step.", "x0_every_step"),
    _v("music_inference_model", "inf_argmax_axis_0", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = keras.ops.argmax(out, axis=0)
                x = keras.ops.one_hot(x, n_values)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Takes the argmax over axis 0, the examples of the batch, instead of the n_values "
             "probabilities of each example.", "argmax_wrong_axis"),
    _v("music_inference_model", "inf_tf_argmax_default_axis", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = tf.math.argmax(out)
                x = tf.one_hot(x, n_values)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "tf.math.argmax without axis= reduces axis 0 (TensorFlow's default), the batch, not the "
             "values.", "argmax_wrong_axis"),
    _v("music_inference_model", "inf_no_repeatvector", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = keras.ops.argmax(out, axis=-1)
                x = keras.ops.one_hot(x, n_values)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Leaves out RepeatVector(1): the next input has shape (m, 90), not a sequence (m, 1, 90), "
             "and the LSTM raises a shape error.", "no_repeatvector"),
    _v("music_inference_model", "inf_fresh_layers", """
        def music_inference_model(LSTM_cell, densor, Ty=100):
            n_values = densor.units
            n_a = LSTM_cell.units
            LSTM_cell = LSTM(n_a, return_state=True)
            densor = Dense(n_values, activation='softmax')
            x0 = Input(shape=(1, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            x = x0
            outputs = []
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Creates a new LSTM and Dense inside the function: right structure and parameter count, but "
             "untrained weights instead of the trained LSTM_cell and densor.", "fresh_layers"),
    _v("music_inference_model", "inf_new_layers_per_step", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM(n_a, return_state=True)(x, initial_state=[a, c])
                out = Dense(n_values, activation='softmax')(a)
                outputs.append(out)
                x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Creates a new LSTM and Dense at every step: Ty untrained copies, Ty times the parameters.",
             "fresh_layers"),
    _v("music_inference_model", "inf_hard_coded_Ty", _INF_HEAD + """
            for t in range(50):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Loops over range(50), the notebook's value, instead of range(Ty).", "ty_not_honoured"),
    _v("music_inference_model", "inf_probabilities_fed_back", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = RepeatVector(1)(out)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Feeds the probabilities back instead of the one-hot of the most likely value: the shapes "
             "fit, but the LSTM never saw such inputs in training.", "probabilities_fed_back"),
    _v("music_inference_model", "inf_one_hot_depth_78", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = tf.one_hot(tf.math.argmax(out, axis=-1), 78)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Keeps the older vocabulary size 78 for the one-hot depth: the LSTM, built for 90 values, "
             "rejects the (m, 1, 78) input.", "one_hot_depth"),
    _v("music_inference_model", "inf_one_hot_appended", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                x = keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values)
                outputs.append(x)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Appends the one-hot choice to outputs instead of the probabilities out: the feedback is "
             "right, but the model's outputs are no longer the predicted probabilities."),
    _v("music_inference_model", "inf_no_initial_state", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x)
                out = densor(a)
                outputs.append(out)
                x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Calls LSTM_cell without initial_state: every step starts from zero states and a0, c0 "
             "are ignored.", "no_initial_state"),
    _v("music_inference_model", "inf_lambda_one_hot_then_repeatvector", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = Lambda(one_hot)(out)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Mixes the older helper with the newer instructions: one_hot already returns (m, 1, 90), "
             "and RepeatVector rejects a 3-D input."),
]

_WRONG_PREDICT_AND_SAMPLE = [
    _v("predict_and_sample", "ps_argmax_axis_0", _PS_HEAD + """
            indices = np.argmax(pred, axis=0)
            results = to_categorical(indices, num_classes=n_values)
            return results, indices
        """, "np.argmax over axis 0 compares the Ty time steps with each other: indices has shape "
             "(1, n_values).", "argmax_axis_0"),
    _v("predict_and_sample", "ps_probabilities_returned", _PS_HEAD + """
            indices = np.argmax(pred, axis=-1)
            results = np.array(pred)[:, 0, :]
            return results, indices
        """, "Returns the predicted probabilities as results instead of their one-hot encoding.",
             "probabilities_not_one_hot"),
    _v("predict_and_sample", "ps_to_categorical_without_num_classes", _PS_HEAD + """
            indices = np.argmax(pred, axis=-1)
            results = to_categorical(indices)
            return results, indices
        """, "to_categorical without num_classes makes max(indices) + 1 classes, fewer than n_values "
             "unless the last value happens to be generated.", "num_classes_missing"),
    _v("predict_and_sample", "ps_indices_flattened", _PS_HEAD + """
            indices = np.argmax(pred, axis=-1).ravel()
            results = to_categorical(indices, num_classes=n_values)
            return results, indices
        """, "Flattens indices to shape (Ty,); the contract keeps the shape (Ty, 1) of np.argmax."),
    _v("predict_and_sample", "ps_results_indices_swapped", _PS_HEAD + """
            indices = np.argmax(pred, axis=-1)
            results = to_categorical(indices, num_classes=n_values)
            return indices, results
        """, "Returns (indices, results) instead of (results, indices)."),
    _v("predict_and_sample", "ps_sampled_instead_of_argmax", """
        def predict_and_sample(inference_model, x_initializer=x_initializer, a_initializer=a_initializer,
                               c_initializer=c_initializer):
            n_values = x_initializer.shape[2]
            pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
            rng = np.random.default_rng(0)
            indices = np.array([[rng.choice(n_values, p=p[0] / p[0].sum())] for p in pred])
            results = to_categorical(indices, num_classes=n_values)
            return results, indices
        """, "Draws each value at random from the probabilities instead of taking the most likely one "
             "(the inference model itself fed back the argmax, so the values disagree with it)."),
]

WRONG: list[Variant] = _WRONG_DJMODEL + _WRONG_INFERENCE + _WRONG_PREDICT_AND_SAMPLE


# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

_CORRECT_DJMODEL = [
    _v("djmodel", "dj_2018_form_lambda_slice", """
        def djmodel(Tx, n_a, n_values):
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            outputs = []
            for t in range(Tx):
                x = Lambda(lambda x: X[:, t, :])(X)
                x = reshapor(x)
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
            model = Model(inputs=[X, a0, c0], outputs=outputs)
            return model
        """, "The 2018 form: djmodel(Tx, n_a, n_values) with the global reshapor, LSTM_cell and densor and "
             "the slicing Lambda that reads X itself. Plain Keras 3 fails on that Lambda; the notebook's "
             "Lambda (jazz_utils) applies it while the model is built, as Keras 2 did."),
    _v("djmodel", "dj_inputs_keyword", _DJ_HEAD + """
            for t in range(Tx):
                x = X[:, t, :]
                x = reshaper(x)
                a, _, c = LSTM_cell(inputs=x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
            model = Model(inputs=[X, a0, c0], outputs=outputs)
            return model
        """, "Calls the shared LSTM with the keyword inputs=, which Keras 3's LSTM rejects and the "
             "notebook's SharedLSTM accepts."),
    _v("djmodel", "dj_lambda_on_its_argument", _DJ_HEAD + """
            for t in range(Tx):
                x = Lambda(lambda z, t=t: z[:, t, :])(X)
                x = reshaper(x)
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Slices in a Lambda that uses its own argument, with t bound as a default."),
    _v("djmodel", "dj_keras_ops_take_and_output_unpack", _DJ_HEAD + """
            for t in range(Tx):
                x = reshaper(keras.ops.take(X, t, axis=1))
                _, a, c = LSTM_cell(x, initial_state=[a, c])
                outputs.append(densor(a))
            return Model(inputs=[X, a0, c0], outputs=outputs)
        """, "Selects step t with keras.ops.take, and unpacks the LSTM's [output, h, c] as _, a, c "
             "(the output equals h)."),
    _v("djmodel", "dj_compact_form", """
        def djmodel(Tx, LSTM_cell, densor, reshaper):
            n_values = densor.units
            n_a = LSTM_cell.units
            X = Input(shape=(Tx, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a, c = a0, c0
            outputs = [None] * Tx
            for t in range(Tx):
                a, _, c = LSTM_cell(reshaper(X[:, t]), initial_state=[a, c])
                outputs[t] = densor(a)
            return Model([X, a0, c0], outputs)
        """, "Compact form: X[:, t] for the slice, positional Model arguments, a preallocated list."),
]

_CORRECT_INFERENCE = [
    _v("music_inference_model", "inf_2021_tf_argmax_one_hot", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = tf.math.argmax(out, axis=-1)
                x = tf.one_hot(x, depth=n_values)
                x = RepeatVector(1)(x)
            inference_model = Model(inputs=[x0, a0, c0], outputs=outputs)
            return inference_model
        """, "The 2021 form with tf.math.argmax and tf.one_hot on symbolic tensors: plain Keras 3 rejects "
             "it, the notebook's jazz_utils hands both functions over to keras.ops."),
    _v("music_inference_model", "inf_2018_form_lambda_one_hot", """
        def music_inference_model(LSTM_cell, densor, n_values=78, n_a=64, Ty=100):
            x0 = Input(shape=(1, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a = a0
            c = c0
            x = x0
            outputs = []
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = Lambda(one_hot)(out)
            inference_model = Model(inputs=[x0, a0, c0], outputs=outputs)
            return inference_model
        """, "The 2018 form: n_values=78, n_a=64 before Ty (called with n_values=90) and Lambda(one_hot) "
             "with the helper one_hot, which returns (m, 1, n_values) itself."),
    _v("music_inference_model", "inf_lambda_tf_functions", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(inputs=x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = Lambda(lambda z: tf.one_hot(tf.math.argmax(z, axis=-1), n_values))(out)
                x = RepeatVector(1)(x)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "TensorFlow functions wrapped in a Lambda (works in plain Keras 3 too), and the LSTM called "
             "with inputs=."),
    _v("music_inference_model", "inf_keras_backend_K", """
        from tensorflow.keras import backend as K

        def music_inference_model(LSTM_cell, densor, Ty=100):
            n_values = densor.units
            n_a = LSTM_cell.units
            x0 = Input(shape=(1, n_values))
            a0 = Input(shape=(n_a,), name='a0')
            c0 = Input(shape=(n_a,), name='c0')
            a, c, x = a0, c0, x0
            outputs = []
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = RepeatVector(1)(K.one_hot(K.argmax(out), n_values))
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Keras 2's backend functions K.argmax (last axis by default) and K.one_hot, which call "
             "tf.math.argmax and tf.one_hot."),
    _v("music_inference_model", "inf_expand_dims_instead_of_repeatvector", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = keras.ops.expand_dims(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values), axis=1)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Adds the time axis with keras.ops.expand_dims instead of RepeatVector(1): the same tensor."),
    _v("music_inference_model", "inf_helper_one_hot_called_directly", _INF_HEAD + """
            for t in range(Ty):
                a, _, c = LSTM_cell(x, initial_state=[a, c])
                out = densor(a)
                outputs.append(out)
                x = one_hot(out)
            return Model(inputs=[x0, a0, c0], outputs=outputs)
        """, "Calls the helper one_hot directly on the symbolic tensor (it is written with keras.ops)."),
]

_CORRECT_PREDICT_AND_SAMPLE = [
    _v("predict_and_sample", "ps_literal_90", """
        def predict_and_sample(inference_model, x_initializer=x_initializer, a_initializer=a_initializer,
                               c_initializer=c_initializer):
            pred = inference_model.predict([x_initializer, a_initializer, c_initializer])
            indices = np.argmax(pred, axis=-1)
            results = to_categorical(indices, num_classes=90)
            return results, indices
        """, "The literal num_classes=90 (CURRICULUM accepts it; the 2018 text had 78)."),
    _v("predict_and_sample", "ps_global_n_values", """
        def predict_and_sample(inference_model, x_initializer=x_initializer, a_initializer=a_initializer,
                               c_initializer=c_initializer):
            pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
            indices = np.argmax(pred, axis=-1)
            results = to_categorical(indices, num_classes=n_values)
            return results, indices
        """, "num_classes from the notebook's global n_values (90). CURRICULUM lists it as a mistake but also "
             "accepts the literal 90, and the two give the same results on every model (the grader cannot see "
             "which one the code wrote): on models of another vocabulary size both get full marks with a note "
             "that num_classes=x_initializer.shape[2] fits every model."),
    _v("predict_and_sample", "ps_numpy_eye", _PS_HEAD + """
            indices = np.argmax(np.stack(pred), axis=-1)
            results = np.eye(n_values)[indices[:, 0]]
            return results, indices
        """, "One-hot vectors as rows of the identity matrix."),
    _v("predict_and_sample", "ps_model_call_and_tf_one_hot", """
        def predict_and_sample(inference_model, x_initializer=x_initializer, a_initializer=a_initializer,
                               c_initializer=c_initializer):
            pred = inference_model([x_initializer, a_initializer, c_initializer])
            indices = np.argmax(np.array([np.asarray(p) for p in pred]), axis=-1)
            results = tf.one_hot(indices[:, 0], x_initializer.shape[-1]).numpy()
            return results, indices
        """, "Calls the model directly instead of predict, and encodes with tf.one_hot."),
    _v("predict_and_sample", "ps_loop", _PS_HEAD + """
            Ty = len(pred)
            indices = np.zeros((Ty, 1), dtype=np.int64)
            results = np.zeros((Ty, n_values))
            for t in range(Ty):
                indices[t, 0] = np.argmax(pred[t][0])
                results[t, indices[t, 0]] = 1
            return results, indices
        """, "An explicit loop over the Ty predictions."),
]

CORRECT: list[Variant] = _CORRECT_DJMODEL + _CORRECT_INFERENCE + _CORRECT_PREDICT_AND_SAMPLE
