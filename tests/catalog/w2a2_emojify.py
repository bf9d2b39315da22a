"""Known implementations of the w2a2_emojify exercises (see CURRICULUM.md).

Each ``code`` is the complete source of one learner solution cell: a single top-level
function named after its exercise (sentence_to_avg, model, sentences_to_indices,
pretrained_embedding_layer, Emojify_V2). It runs where the notebook's cells have defined
``np``, the helpers (``softmax``, ``convert_to_one_hot``, ``predict``, ...) and the Keras names
(``keras``, ``Model``, ``Dense``, ``Input``, ``Dropout``, ``LSTM``, ``Activation``,
``Embedding``), and where the other graded functions are the correct solutions (model calls
the notebook's sentence_to_avg; Emojify_V2 calls its pretrained_embedding_layer).

Every WRONG variant violates the contract on inputs a grader legitimately uses: toy maps whose
vectors are not 50-long (2, 3, 4, 7), with words missing from the map and upper-case words,
sentences with no known word, separable toy sets of 2 and 3 classes with the grader's own
seed, and the toy Emojify_V2 variant (maxLen 4, 2-D vectors, 15-row embedding) loaded with
reference weights. Every CORRECT variant agrees with the references of
graders/w2a2_emojify/reference.py (float32 tolerance) on all of them; model variants agree
with one of the two accepted update forms.
"""
from __future__ import annotations

import textwrap

from autograde.catalog import Variant


def _v(exercise: str, name: str, code: str, why: str, diagnosis: str | None = None) -> Variant:
    return Variant(exercise=exercise, name=name, code=textwrap.dedent(code).strip() + "\n", why=why,
                   diagnosis=diagnosis)


# ---------------------------------------------------------------------------------------
# sentence_to_avg
# ---------------------------------------------------------------------------------------

_WRONG_AVG = [
    _v("sentence_to_avg", "avg_divides_by_len_words", """
        def sentence_to_avg(sentence, word_to_vec_map):
            any_word = list(word_to_vec_map.keys())[0]
            words = sentence.lower().split()
            avg = np.zeros(word_to_vec_map[any_word].shape)
            for w in words:
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
            avg = avg / len(words)
            return avg
        """, "The 2018 behaviour: divides by the number of words, unknown ones included.", "avg_divides_by_len_words"),
    _v("sentence_to_avg", "avg_keyerror_unknown", """
        def sentence_to_avg(sentence, word_to_vec_map):
            any_word = list(word_to_vec_map.keys())[0]
            words = sentence.lower().split()
            avg = np.zeros(word_to_vec_map[any_word].shape)
            for w in words:
                avg += word_to_vec_map[w]
            return avg / len(words)
        """, "Looks every word up: KeyError on a word missing from the map.", "avg_keyerror_unknown"),
    _v("sentence_to_avg", "avg_hardcoded_dim", """
        def sentence_to_avg(sentence, word_to_vec_map):
            words = sentence.lower().split()
            avg = np.zeros((50,))
            count = 0
            for w in words:
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
                    count += 1
            if count > 0:
                avg = avg / count
            return avg
        """, "np.zeros((50,)): fails for vectors of any other length.", "avg_hardcoded_dimension"),
    _v("sentence_to_avg", "avg_hardcoded_word", """
        def sentence_to_avg(sentence, word_to_vec_map):
            words = sentence.lower().split()
            avg = np.zeros(word_to_vec_map["i"].shape)
            count = 0
            for w in words:
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
                    count += 1
            if count > 0:
                avg = avg / count
            return avg
        """, "Takes the shape from the word 'i', which a map need not contain.", "avg_hardcoded_dimension"),
    _v("sentence_to_avg", "avg_divides_by_zero", """
        def sentence_to_avg(sentence, word_to_vec_map):
            any_word = next(iter(word_to_vec_map))
            avg = np.zeros(word_to_vec_map[any_word].shape)
            count = 0
            for w in sentence.lower().split():
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
                    count += 1
            return avg / count
        """, "No guard: a sentence with no known word gives NaN (0/0).", "avg_divides_by_zero"),
    _v("sentence_to_avg", "avg_no_lowercase", """
        def sentence_to_avg(sentence, word_to_vec_map):
            any_word = next(iter(word_to_vec_map))
            avg = np.zeros(word_to_vec_map[any_word].shape)
            count = 0
            for w in sentence.split():
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
                    count += 1
            if count > 0:
                avg = avg / count
            return avg
        """, "No lower-casing: upper-case words are treated as unknown."),
    _v("sentence_to_avg", "avg_sum_not_mean", """
        def sentence_to_avg(sentence, word_to_vec_map):
            any_word = next(iter(word_to_vec_map))
            avg = np.zeros(word_to_vec_map[any_word].shape)
            for w in sentence.lower().split():
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
            return avg
        """, "Returns the sum of the vectors, not their mean."),
]

# ---------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------

_MODEL_HEAD = """
def model(X, Y, word_to_vec_map, learning_rate=0.01, num_iterations=400):
    any_word = next(iter(word_to_vec_map))
"""


def _d(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


def _m(name: str, body: str, why: str, diagnosis: str | None = None, exercise: str = "model") -> Variant:
    return Variant(exercise=exercise, name=name,
                   code=_MODEL_HEAD.lstrip("\n") + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n",
                   why=why, diagnosis=diagnosis)


_LOOP = """
for t in range(num_iterations):
    for i in range(m):
        avg = sentence_to_avg(X[i], word_to_vec_map)
        z = np.dot(W, avg) + b
        a = softmax(z)
        cost = -np.sum(Y_oh[i] * np.log(a))
        dz = a - Y_oh[i]
        dW = np.outer(dz, avg)
        db = dz
        W = W - learning_rate * dW
        b = b - learning_rate * db
    if t % 100 == 0:
        print("Epoch: " + str(t) + " --- cost = " + str(cost))
        pred = predict(X, Y, W, b, word_to_vec_map)
return pred, W, b
"""

_INIT = """
m = Y.shape[0]
n_y = len(np.unique(Y))
n_h = word_to_vec_map[any_word].shape[0]
W = np.random.randn(n_y, n_h) / np.sqrt(n_h)
b = np.zeros((n_y,))
Y_oh = convert_to_one_hot(Y, C=n_y)
"""

_WRONG_MODEL = [
    _m("model_hardcoded_sizes", _d("""
        m = Y.shape[0]
        n_y = 5
        n_h = 50
        W = np.random.randn(n_y, n_h) / np.sqrt(n_h)
        b = np.zeros((n_y,))
        Y_oh = convert_to_one_hot(Y, C=n_y)
        """) + _LOOP, "n_y = 5 and n_h = 50 hard-coded.", "model_hardcoded_sizes"),
    _m("model_hardcoded_classes", _d("""
        m = Y.shape[0]
        n_y = 5
        n_h = word_to_vec_map[any_word].shape[0]
        W = np.random.randn(n_y, n_h) / np.sqrt(n_h)
        b = np.zeros((n_y,))
        Y_oh = convert_to_one_hot(Y, C=n_y)
        """) + _LOOP, "n_y = 5 hard-coded: wrong shapes (and draws) with 2 or 3 classes.", "model_hardcoded_sizes"),
    _m("model_dot_scalar", _INIT + _LOOP.replace("dW = np.outer(dz, avg)", "dW = np.dot(dz, avg)"),
       "np.dot(dz, avg) is a scalar (or a shape error) instead of the outer product.", "model_dot_scalar"),
    _m("model_sign_error", _INIT + _LOOP.replace("W = W - learning_rate * dW", "W = W + learning_rate * dW")
       .replace("b = b - learning_rate * db", "b = b + learning_rate * db"),
       "Gradient ascent: adds the gradients.", "model_sign_error"),
    _m("model_dz_sign", _INIT + _LOOP.replace("dz = a - Y_oh[i]", "dz = Y_oh[i] - a"),
       "dz = y - a: the gradient with the wrong sign.", "model_sign_error"),
    _m("model_integer_labels", _INIT + _LOOP.replace("cost = -np.sum(Y_oh[i] * np.log(a))",
                                                     "cost = -np.sum(Y[i] * np.log(a))")
       .replace("dz = a - Y_oh[i]", "dz = a - Y[i]"),
       "Uses the integer label instead of its one-hot row in the loss and its gradient.",
       "model_integer_labels_in_loss"),
    _m("model_reseeds", """
        np.random.seed(1)
        """ + _INIT + _LOOP, "Calls np.random.seed(1) inside: ignores the caller's seed.", "model_reseeds"),
    _m("model_no_scaling", _INIT.replace("W = np.random.randn(n_y, n_h) / np.sqrt(n_h)", "W = np.random.randn(n_y, n_h)")
       + _LOOP, "Initial W not divided by sqrt(n_h)."),
    _m("model_fixed_learning_rate", _INIT + _LOOP.replace("learning_rate * dW", "0.01 * dW")
       .replace("learning_rate * db", "0.01 * db"), "Ignores the learning_rate argument (0.01 hard-coded)."),
    _m("model_update_after_epoch", _INIT + _d("""
        for t in range(num_iterations):
            dW = np.zeros_like(W)
            db = np.zeros_like(b)
            for i in range(m):
                avg = sentence_to_avg(X[i], word_to_vec_map)
                a = softmax(np.dot(W, avg) + b)
                cost = -np.sum(Y_oh[i] * np.log(a))
                dz = a - Y_oh[i]
                dW += np.outer(dz, avg)
                db += dz
            W = W - learning_rate * dW
            b = b - learning_rate * db
            if t % 100 == 0:
                print("Epoch: " + str(t) + " --- cost = " + str(cost))
                pred = predict(X, Y, W, b, word_to_vec_map)
        return pred, W, b
        """), "Full-batch gradient descent: one update per pass, not one per example."),
]

# ---------------------------------------------------------------------------------------
# sentences_to_indices
# ---------------------------------------------------------------------------------------

_WRONG_INDICES = [
    _v("sentences_to_indices", "indices_no_lowercase", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((m, max_len))
            for i in range(m):
                j = 0
                for w in X[i].split():
                    if w in word_to_index:
                        X_indices[i, j] = word_to_index[w]
                        j += 1
            return X_indices
        """, "No lower-casing: upper-case words are dropped as unknown.", "indices_no_lowercase"),
    _v("sentences_to_indices", "indices_enumerate_holes", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((m, max_len))
            for i in range(m):
                sentence_words = X[i].lower().split()
                for j, w in enumerate(sentence_words):
                    if w in word_to_index:
                        X_indices[i, j] = word_to_index[w]
            return X_indices
        """, "enumerate: an unknown word leaves a 0 in the middle of the sentence.", "indices_zero_for_unknown"),
    _v("sentences_to_indices", "indices_zero_written", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((m, max_len))
            for i in range(m):
                j = 0
                for w in X[i].lower().split():
                    X_indices[i, j] = word_to_index.get(w, 0)
                    j += 1
            return X_indices
        """, "Writes 0 for an unknown word and moves on.", "indices_zero_for_unknown"),
    _v("sentences_to_indices", "indices_transposed", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((max_len, m))
            for i in range(m):
                j = 0
                for w in X[i].lower().split():
                    if w in word_to_index:
                        X_indices[j, i] = word_to_index[w]
                        j += 1
            return X_indices
        """, "Shape (max_len, m): the matrix transposed.", "indices_transposed"),
    _v("sentences_to_indices", "indices_counter_not_reset", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((m, max_len))
            j = 0
            for i in range(m):
                for w in X[i].lower().split():
                    if w in word_to_index and j < max_len:
                        X_indices[i, j] = word_to_index[w]
                        j += 1
            return X_indices
        """, "j is not reset for each sentence: later sentences start in the wrong column."),
    _v("sentences_to_indices", "indices_stop_at_unknown", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((m, max_len))
            for i in range(m):
                j = 0
                for w in X[i].lower().split():
                    if w not in word_to_index:
                        break
                    X_indices[i, j] = word_to_index[w]
                    j += 1
            return X_indices
        """, "Stops at the first unknown word instead of skipping it."),
]

# ---------------------------------------------------------------------------------------
# pretrained_embedding_layer
# ---------------------------------------------------------------------------------------

_WRONG_EMBEDDING = [
    _v("pretrained_embedding_layer", "embedding_no_plus_one", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index)
            any_word = next(iter(word_to_vec_map))
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx - 1, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim, trainable=False)
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "No +1: no padding row, and every word's row moves down by one.", "embedding_no_plus_one"),
    _v("pretrained_embedding_layer", "embedding_trainable", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            any_word = next(iter(word_to_vec_map))
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim)
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "Left trainable: 0 non-trainable parameters.", "embedding_trainable"),
    _v("pretrained_embedding_layer", "embedding_set_weights_before_build", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            any_word = next(iter(word_to_vec_map))
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim, trainable=False)
            embedding_layer.set_weights([emb_matrix])
            embedding_layer.build((None,))
            return embedding_layer
        """, "set_weights before build: Keras 3 raises (the layer has no weights yet).",
       "embedding_set_weights_before_build"),
    _v("pretrained_embedding_layer", "embedding_hardcoded_dim", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            emb_dim = 50
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim, trainable=False)
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "emb_dim = 50 hard-coded.", "embedding_hardcoded_dimension"),
    _v("pretrained_embedding_layer", "embedding_weights_never_set", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            any_word = next(iter(word_to_vec_map))
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim, trainable=False)
            embedding_layer.build((None,))
            return embedding_layer
        """, "Builds the layer but never calls set_weights: its vectors are random, not GloVe's."),
    _v("pretrained_embedding_layer", "embedding_rows_off_by_one", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            any_word = next(iter(word_to_vec_map))
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx - 1, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim, trainable=False)
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "Row idx - 1 holds the word of index idx: every lookup is off by one.", "embedding_rows_off_by_one"),
    _v("pretrained_embedding_layer", "embedding_rows_by_map_order", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            any_word = next(iter(word_to_vec_map))
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for row, word in enumerate(word_to_vec_map, start=1):
                emb_matrix[row, :] = word_to_vec_map[word]
            embedding_layer = Embedding(vocab_size, emb_dim, trainable=False)
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "Fills rows in the map's order instead of at each word's index."),
]

# ---------------------------------------------------------------------------------------
# Emojify_V2
# ---------------------------------------------------------------------------------------

_V2_HEAD = """
def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
    sentence_indices = Input(shape=input_shape, dtype="int32")
    embedding_layer = pretrained_embedding_layer(word_to_vec_map, word_to_index)
    embeddings = embedding_layer(sentence_indices)
"""


def _e(name: str, body: str, why: str, diagnosis: str | None = None, head: str = _V2_HEAD) -> Variant:
    return Variant(exercise="Emojify_V2", name=name,
                   code=head.lstrip("\n") + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n",
                   why=why, diagnosis=diagnosis)


_V2_BODY = """
X = LSTM(128, return_sequences=True)(embeddings)
X = Dropout(0.5)(X)
X = LSTM(128, return_sequences=False)(X)
X = Dropout(0.5)(X)
X = Dense(5)(X)
X = Activation("softmax")(X)
model = Model(inputs=sentence_indices, outputs=X)
return model
"""

_WRONG_V2 = [
    _e("v2_softmax_in_dense", _V2_BODY.replace('X = Dense(5)(X)\nX = Activation("softmax")(X)',
                                               'X = Dense(5, activation="softmax")(X)'),
       "Softmax inside Dense, no separate Activation layer (fails the structure check).", "v2_softmax_in_dense"),
    _e("v2_first_lstm_last_step", _V2_BODY.replace("X = LSTM(128, return_sequences=True)(embeddings)",
                                                   "X = LSTM(128, return_sequences=False)(embeddings)"),
       "First LSTM without return_sequences: the second LSTM gets no sequence.", "v2_wrong_return_sequences"),
    _e("v2_second_lstm_sequence", _V2_BODY.replace("X = LSTM(128, return_sequences=False)(X)",
                                                   "X = LSTM(128, return_sequences=True)(X)"),
       "Second LSTM returns the sequence: one prediction per word.", "v2_wrong_return_sequences"),
    _e("v2_dropout_missing", _V2_BODY.replace("X = Dropout(0.5)(X)\nX = Dense(5)(X)", "X = Dense(5)(X)"),
       "The second Dropout is missing.", "v2_dropout_missing"),
    _e("v2_embedding_not_frozen", """
        X = LSTM(128, return_sequences=True)(embeddings)
        X = Dropout(0.5)(X)
        X = LSTM(128, return_sequences=False)(X)
        X = Dropout(0.5)(X)
        X = Dense(5)(X)
        X = Activation("softmax")(X)
        embedding_layer.trainable = True
        model = Model(inputs=sentence_indices, outputs=X)
        return model
        """, "Sets the embedding trainable again.", "v2_embedding_not_frozen"),
    _e("v2_embedding_wrong_size", _V2_BODY, "Its own embedding without the padding row.", "v2_embedding_wrong_size",
       head="""
def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
    sentence_indices = Input(shape=input_shape, dtype="int32")
    any_word = next(iter(word_to_vec_map))
    emb_dim = word_to_vec_map[any_word].shape[0]
    embedding_layer = Embedding(len(word_to_index), emb_dim, trainable=False)
    embeddings = embedding_layer(sentence_indices)
"""),
    _e("v2_lstm_64_units", _V2_BODY.replace("LSTM(128", "LSTM(64"), "LSTM(64) instead of LSTM(128)."),
    _e("v2_dropout_rate", _V2_BODY.replace("Dropout(0.5)", "Dropout(0.2)"), "Dropout rate 0.2 instead of 0.5."),
    _e("v2_hardcoded_input", _V2_BODY, "Input shape (10,) hard-coded, ignoring input_shape.", head="""
def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
    sentence_indices = Input(shape=(10,), dtype="int32")
    embedding_layer = pretrained_embedding_layer(word_to_vec_map, word_to_index)
    embeddings = embedding_layer(sentence_indices)
"""),
    _e("v2_no_activation", _V2_BODY.replace('X = Activation("softmax")(X)\n', ""),
       "No softmax at all: the outputs are scores, not probabilities."),
]

WRONG = _WRONG_AVG + _WRONG_MODEL + _WRONG_INDICES + _WRONG_EMBEDDING + _WRONG_V2

# ---------------------------------------------------------------------------------------
# CORRECT
# ---------------------------------------------------------------------------------------

CORRECT = [
    _v("sentence_to_avg", "avg_2021_template", """
        def sentence_to_avg(sentence, word_to_vec_map):
            any_word = list(word_to_vec_map.keys())[0]
            words = sentence.lower().split()
            avg = np.zeros(word_to_vec_map[any_word].shape)
            count = 0
            for w in words:
                if w in word_to_vec_map:
                    avg += word_to_vec_map[w]
                    count += 1
            if count > 0:
                avg = avg / count
            return avg
        """, "The 2021 template: divides by the number of words found."),
    _v("sentence_to_avg", "avg_mean_of_found_float32", """
        def sentence_to_avg(sentence, word_to_vec_map):
            found = [word_to_vec_map[w] for w in sentence.lower().split() if w in word_to_vec_map]
            if not found:
                return np.zeros_like(next(iter(word_to_vec_map.values())))
            return np.mean(np.asarray(found, dtype=np.float32), axis=0)
        """, "np.mean of the vectors found, computed in float32."),
    _m("model_2021_accumulated_update", """
        cost = 0
        m = Y.shape[0]
        n_y = len(np.unique(Y))
        n_h = word_to_vec_map[any_word].shape[0]
        W = np.random.randn(n_y, n_h) / np.sqrt(n_h)
        b = np.zeros((n_y,))
        Y_oh = convert_to_one_hot(Y, C=n_y)
        for t in range(num_iterations):
            dW = 0
            db = 0
            for i in range(m):
                avg = sentence_to_avg(X[i], word_to_vec_map)
                z = np.add(np.dot(W, avg), b)
                a = softmax(z)
                cost = -np.sum(np.multiply(Y_oh[i], np.log(a)))
                dz = a - Y_oh[i]
                dW += np.dot(dz.reshape(n_y, 1), avg.reshape(1, n_h))
                db += dz
                W = W - learning_rate * dW
                b = b - learning_rate * db
            if t % 100 == 0:
                print("Epoch: " + str(t) + " --- cost = " + str(cost))
                pred = predict(X, Y, W, b, word_to_vec_map)
        return pred, W, b
        """, "The 2021 template's update: running sums of the gradients over a pass, applied after every example."),
    _m("model_reshape_matmul", """
        m = Y.shape[0]
        n_y = len(np.unique(Y))
        n_h = word_to_vec_map[any_word].shape[0]
        W = np.random.randn(n_y, n_h) / np.sqrt(n_h)
        b = np.zeros((n_y,))
        Y_oh = convert_to_one_hot(Y, C=n_y)
        for t in range(num_iterations):
            for i in range(m):
                avg = sentence_to_avg(X[i], word_to_vec_map)
                a = softmax(W @ avg + b)
                cost = -np.sum(Y_oh[i] * np.log(a))
                dz = a - Y_oh[i]
                W -= learning_rate * (dz.reshape(n_y, 1) @ avg.reshape(1, n_h))
                b -= learning_rate * dz
            if t % 100 == 0:
                print("Epoch: " + str(t) + " --- cost = " + str(cost))
                pred = predict(X, Y, W, b, word_to_vec_map)
        return pred, W, b
        """, "Per-example SGD with reshaped matrix products and in-place updates."),
    _v("sentences_to_indices", "indices_int_dtype_slices", """
        def sentences_to_indices(X, word_to_index, max_len):
            X_indices = np.zeros((X.shape[0], max_len), dtype=np.int32)
            for i, sentence in enumerate(X):
                known = [word_to_index[w] for w in sentence.lower().split() if w in word_to_index]
                X_indices[i, :len(known)] = known
            return X_indices
        """, "Integer matrix filled by slices (the dtype is not part of the contract)."),
    _v("sentences_to_indices", "indices_2021_template", """
        def sentences_to_indices(X, word_to_index, max_len):
            m = X.shape[0]
            X_indices = np.zeros((m, max_len))
            for i in range(m):
                sentence_words = X[i].lower().split()
                j = 0
                for w in sentence_words:
                    if w in word_to_index:
                        X_indices[i, j] = word_to_index[w]
                        j = j + 1
            return X_indices
        """, "The 2021 template."),
    _v("pretrained_embedding_layer", "embedding_keywords_trainable_attribute", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            vocab_size = len(word_to_index) + 1
            any_word = list(word_to_vec_map.keys())[0]
            emb_dim = word_to_vec_map[any_word].shape[0]
            emb_matrix = np.zeros((vocab_size, emb_dim))
            for word, idx in word_to_index.items():
                emb_matrix[idx, :] = word_to_vec_map[word]
            embedding_layer = Embedding(input_dim=vocab_size, output_dim=emb_dim)
            embedding_layer.trainable = False
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "Keyword arguments, frozen through the attribute."),
    _v("pretrained_embedding_layer", "embedding_matrix_float32_stacked", """
        def pretrained_embedding_layer(word_to_vec_map, word_to_index):
            words = sorted(word_to_index, key=word_to_index.get)
            first = word_to_vec_map[words[0]]
            emb_matrix = np.zeros((len(word_to_index) + 1, first.shape[0]), dtype=np.float32)
            emb_matrix[[word_to_index[w] for w in words]] = np.stack([word_to_vec_map[w] for w in words])
            embedding_layer = keras.layers.Embedding(emb_matrix.shape[0], emb_matrix.shape[1], trainable=False)
            embedding_layer.build((None,))
            embedding_layer.set_weights([emb_matrix])
            return embedding_layer
        """, "A float32 matrix filled by fancy indexing."),
    _e("v2_keyword_layers", """
        X = keras.layers.LSTM(units=128, return_sequences=True)(embeddings)
        X = keras.layers.Dropout(rate=0.5)(X)
        X = keras.layers.LSTM(units=128)(X)
        X = keras.layers.Dropout(rate=0.5)(X)
        X = keras.layers.Dense(units=5)(X)
        X = keras.layers.Activation(activation="softmax")(X)
        return keras.Model(inputs=sentence_indices, outputs=X)
        """, "Full keras.layers names and keyword arguments."),
    _e("v2_layers_first", """
        layers_in_order = [LSTM(128, return_sequences=True), Dropout(0.5), LSTM(128, return_sequences=False),
                           Dropout(0.5), Dense(5), Activation("softmax")]
        X = embeddings
        for layer in layers_in_order:
            X = layer(X)
        return Model(sentence_indices, X)
        """, "Layers created first, then applied in a loop."),
]

# ---------------------------------------------------------------------------------------
# CROSS: a correct outer function around a wrong graded callee. The outer exercise keeps its
# points (its feedback names the callee); the callee loses its own.
# ---------------------------------------------------------------------------------------


def _code(name: str) -> str:
    return next(v.code for v in WRONG + CORRECT if v.name == name)


CROSS: list[Variant] = [
    Variant("model", "model_reshape_matmul__around__avg_divides_by_len_words", _code("model_reshape_matmul"),
            "Correct SGD around an average divided by all the words, unknown ones included.",
            others={"sentence_to_avg": _code("avg_divides_by_len_words")}),
    Variant("model", "model_2021_accumulated_update__around__avg_sum_not_mean", _code("model_2021_accumulated_update"),
            "The 2021 template's update around a sentence_to_avg that returns the sum.",
            others={"sentence_to_avg": _code("avg_sum_not_mean")}),
    Variant("Emojify_V2", "v2_keyword_layers__around__embedding_rows_off_by_one", _code("v2_keyword_layers"),
            "A correct model around an embedding whose rows are shifted by one.",
            others={"pretrained_embedding_layer": _code("embedding_rows_off_by_one")}),
    Variant("Emojify_V2", "v2_layers_first__around__embedding_trainable", _code("v2_layers_first"),
            "A correct model around an embedding left trainable.",
            others={"pretrained_embedding_layer": _code("embedding_trainable")}),    Variant("Emojify_V2", "v2_keyword_layers__around__embedding_weights_never_set", _code("v2_keyword_layers"),
            "A correct model around an embedding that is built but never given the GloVe matrix: a new random "
            "layer at every call, so only the kind of layer tells that the model's embedding is the callee's.",
            others={"pretrained_embedding_layer": _code("embedding_weights_never_set")}),
]


# Emojify_V2 with an Input left at the default float32: Keras casts the indices for the Embedding,
# so the model computes the same (its feedback carries a note, no points lost).
CORRECT.append(_v("Emojify_V2", "v2_float_input_sequential_names", """
    def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
        words = Input(input_shape)
        vectors = pretrained_embedding_layer(word_to_vec_map, word_to_index)(words)
        hidden = Dropout(0.5)(LSTM(128, return_sequences=True)(vectors))
        last = Dropout(0.5)(LSTM(128)(hidden))
        probabilities = Activation("softmax")(Dense(5)(last))
        return Model(inputs=[words], outputs=probabilities)
    """, "Input without dtype='int32' (Keras casts the indices for the Embedding), nested calls, inputs as a list."))
