"""Hidden graders of Emojify_V2: structure and behaviour, on the real vectors and on a toy 2-D map.

The learner's models stay in the learner process; the graders hold remote handles.

- Structure: the layers as a matched set of records (autograde.keras_structure: class, the
  contract's fields, output shape, parameters, calls), never by position in model.layers,
  plus an int32 input. On the toy model (small) the structure must also be authentic: its
  layers must be the ones it computes with (ks.authenticate perturbs each of them). The real
  model's 20 million frozen weights are never transferred.
- Behaviour: the reference weights are loaded into the learner's own layers (found by role:
  the LSTM that returns sequences, the one that does not, the Dense layer), and the learner's
  model must then compute the reference model's probabilities: on the 56 held-out test
  sentences with the trained reference, and on random index matrices with seeded random
  weights for the toy model.

Emojify_V2 calls the learner's pretrained_embedding_layer. When the model's embedding differs
from the contract's, the graders ask the learner's pretrained_embedding_layer for its own
layer: if that is where the difference comes from, it is graded in its own exercise, and
Emojify_V2 is judged on the rest (structure without the embedding; behaviour: the reference
stack after the embedding, run on what the learner's embedding layer gives).
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde import keras_structure as ks
from autograde.checks import Feedback, GradeFailure, as_float_array, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentError

from . import reference as ref
from .common import OUTPUT_ATOL, glove, learner_containers, per_submission, held_out_sentences, toy_map

exercise = pytest.mark.exercise

REAL_LEN = ref.MAX_LEN                 # 10, the notebook's maxLen
TOY = (19, 2, 81)                      # (words, dim, seed): a 2-D map, a 20-row embedding
TOY_LEN = 6
TOY_WEIGHTS_SEED = 82


# ------------------------------------------------------------------ references (once per grader process)

@functools.lru_cache(maxsize=1)
def real_reference():
    """(structure, trainable weights, held-out inputs, expected probabilities, tail model) of the
    trained reference model over the real embedding."""
    word_to_index, word_to_vec_map = glove()
    model = ref.load_reference(emb_matrix=ref.embedding_matrix(word_to_vec_map, word_to_index))
    weights = ref.read_trainable(ref.REFERENCE_DIR / ref.TRAINABLE_FILE)
    X, _ = held_out_sentences()
    inputs = ref.sentences_to_indices(X, word_to_index, REAL_LEN).astype(np.int32)
    expected = np.asarray(model.predict(inputs, verbose=0), dtype=np.float64)
    tail = ref.set_trainable_weights(ref.build_tail(REAL_LEN, 50), weights)
    return ks.read(model), weights, inputs, expected, tail


@functools.lru_cache(maxsize=1)
def toy_reference():
    word_to_vec_map, word_to_index = toy_map(*TOY)
    model = ref.build_model((TOY_LEN,), ref.embedding_matrix(word_to_vec_map, word_to_index))
    weights = ref.random_trainable(TOY[1], TOY_WEIGHTS_SEED)
    ref.set_trainable_weights(model, weights)
    rng = np.random.default_rng(83)
    inputs = rng.integers(1, TOY[0] + 1, size=(12, TOY_LEN)).astype(np.int32)
    for i, length in enumerate(rng.integers(1, TOY_LEN + 1, size=12)):
        inputs[i, length:] = 0  # padded sentences, as sentences_to_indices makes them
    expected = np.asarray(model.predict(inputs, verbose=0), dtype=np.float64)
    tail = ref.set_trainable_weights(ref.build_tail(TOY_LEN, TOY[1]), weights)
    return ks.read(model), weights, inputs, expected, tail


# ------------------------------------------------------------------ the learner's models (once per submission)

def build(student, input_shape, word_to_vec_map, word_to_index) -> RemoteObject:
    model = student.Emojify_V2(input_shape, word_to_vec_map, word_to_index)
    if not isinstance(model, RemoteObject) or not ("Functional" in model.remote_type or "Model" in model.remote_type):
        what = model.remote_type if isinstance(model, RemoteObject) else type(model).__name__
        fail(f"Emojify_V2 should return a Keras Model (Model(inputs=sentence_indices, outputs=X)), not {what}.")
    return model


def diagnose_build_error(fb: Feedback, exc: StudentError) -> None:
    text = exc.message + exc.traceback[-800:]
    if "ndim=3" in text and "ndim=2" in text:
        fb.diagnose("v2_wrong_return_sequences", "the second LSTM needs a sequence: the first LSTM must return the "
                    "whole sequence (return_sequences=True); only the second returns its last output.")


def learner_model(student, fb: Feedback, kind: str):
    """(model, its structure, the containers it was built from), built once per submission."""
    def make():
        if kind == "real":
            containers = learner_containers(student)
            model = build(student, (REAL_LEN,), *containers)
        else:
            containers = toy_map(*TOY)
            model = build(student, (TOY_LEN,), *containers)
        return model, ks.read(model), containers
    if kind == "toy":
        try:
            learner_model(student, Feedback(), "real")
        except StudentError:
            fail("Emojify_V2 was not tried on a toy map: building the model fails (see above).",
                 output="Emojify_V2 on a toy map", kind="error")
        except Exception:  # noqa: BLE001 - the real model's other problems do not stop the toy checks
            pass
    try:
        return per_submission(student, f"{kind} model", make)
    except StudentError as exc:
        with fb.probing():
            diagnose_build_error(fb, exc)
        raise


# ------------------------------------------------------------------ the embedding: the model's or the callee's?

def _embedding_key(record: ks.LayerRecord) -> tuple:
    f = dict(record.fields)
    return f.get("input_dim"), f.get("output_dim"), f.get("trainable"), record.params, record.trainable_params


def callee_layer(student, containers) -> RemoteObject | None:
    """The learner's own pretrained_embedding_layer on the same containers (None if it fails)."""
    try:
        layer = student.pretrained_embedding_layer(*containers)
    except StudentError:
        return None
    return layer if isinstance(layer, RemoteObject) and layer.remote_type.endswith(".Embedding") else None


def callee_key(layer: RemoteObject) -> tuple | None:
    try:
        params = layer.call("count_params")
        trainable = params if layer.attr("trainable_weights") else 0
        return layer.attr("input_dim"), layer.attr("output_dim"), layer.attr("trainable"), params, trainable
    except StudentError:
        return None


def _without_embedding(s: ks.Structure) -> ks.Structure:
    keep = [(r, h) for r, h in zip(s.layers, s.handles) if r.cls != "Embedding"]
    return ks.Structure(s.inputs, [r for r, _ in keep], [h for _, h in keep])


def diagnose_structure(fb: Feedback, got: ks.Structure, expected: ks.Structure, own_embedding: bool) -> None:
    with fb.probing():
        by = lambda s, cls: [r for r in s.layers if r.cls == cls]  # noqa: E731
        if any(dict(r.fields).get("activation") == "softmax" for r in by(got, "Dense")):
            fb.diagnose("v2_softmax_in_dense", "keep the Dense(5) layer linear and add the softmax as its own layer: "
                        "X = Dense(5)(X), then X = Activation('softmax')(X).")
        lstms = by(got, "LSTM")
        if len(lstms) == 2 and sorted(bool(dict(r.fields).get("return_sequences")) for r in lstms) != [False, True]:
            fb.diagnose("v2_wrong_return_sequences", "the first LSTM returns the whole sequence (return_sequences="
                        "True) for the second, which returns only its last output (return_sequences=False).")
        if len(by(got, "Dropout")) < len(by(expected, "Dropout")):
            fb.diagnose("v2_dropout_missing", "each LSTM is followed by Dropout(0.5): the model needs two Dropout "
                        "layers.")
        emb, want = by(got, "Embedding"), by(expected, "Embedding")
        if own_embedding and len(emb) == 1 and len(want) == 1:
            g, e = dict(emb[0].fields), dict(want[0].fields)
            if g.get("trainable") is not False or emb[0].trainable_params:
                fb.diagnose("v2_embedding_not_frozen", "the embedding must stay frozen in the model: do not set it "
                            "trainable (0 trainable parameters in the Embedding layer).")
            if (g.get("input_dim"), g.get("output_dim")) != (e.get("input_dim"), e.get("output_dim")):
                fb.diagnose("v2_embedding_wrong_size", f"the embedding should be {e.get('input_dim'):,} x "
                            f"{e.get('output_dim')} (len(word_to_index) + 1 rows): use "
                            "pretrained_embedding_layer(word_to_vec_map, word_to_index).")


def judge_structure(student, fb: Feedback, model: RemoteObject, got: ks.Structure, expected: ks.Structure,
                    containers) -> None:
    inputs = model.attr("inputs")
    if isinstance(inputs, list) and len(inputs) == 1 and isinstance(inputs[0], RemoteObject):
        dtype = str(inputs[0].attr("dtype"))
        if "int" not in dtype:  # Keras casts the indices for the Embedding: the same model, said less clearly
            fb.note(f"your model's input is {dtype[:40]}; it holds word indices, which Input(shape=input_shape, "
                    "dtype='int32') says (Keras casts them for the Embedding, so the model computes the same).")
    problem = ks.first_difference(got, expected)
    if problem is None:
        return
    own_embedding = True
    emb = [r for r in got.layers if r.cls == "Embedding"]
    want = [r for r in expected.layers if r.cls == "Embedding"]
    if len(emb) == 1 and emb[0] != want[0] and student.failed("pretrained_embedding_layer") is not False:
        layer = callee_layer(student, containers)
        if layer is not None and callee_key(layer) == _embedding_key(emb[0]):
            own_embedding = False  # the difference is pretrained_embedding_layer's, graded in its own exercise
            problem = ks.first_difference(_without_embedding(got), _without_embedding(expected))
            if problem is None:
                fb.note("Emojify_V2 calls your pretrained_embedding_layer, whose layer differs from the contract's "
                        "(see its own exercise); the rest of Emojify_V2's structure is right.")
                return
    diagnose_structure(fb, got, expected, own_embedding)
    if got.params != expected.params:
        problem += (f" (your model has {got.params:,} parameters; the contract's has {expected.params:,}: embedding "
                    "frozen, LSTM 91,648 and 131,584 with 50-dimensional vectors, Dense 645.)"
                    if expected.params > 10_000_000 else "")
    fail("structure: " + problem, output="model structure", kind="structure")


# ------------------------------------------------------------------ behaviour

def load_weights(structure: ks.Structure, weights: dict[str, np.ndarray]) -> None:
    """The reference weights into the learner's own layers, found by role, not by position."""
    pick = lambda cls, **want: [h for r, h in zip(structure.layers, structure.handles)  # noqa: E731
                                if r.cls == cls and all(dict(r.fields).get(k) == v for k, v in want.items())]
    first, second, dense = pick("LSTM", return_sequences=True), pick("LSTM", return_sequences=False), pick("Dense")
    if not (len(first) == 1 and len(second) == 1 and len(dense) == 1):
        fail("the reference weights go into two LSTM(128) layers (the first with return_sequences=True, the second "
             "without) and one Dense(5); your model does not have exactly those.", output="loading the reference "
             "weights", kind="layers")
    try:
        first[0].call("set_weights", [weights[k] for k in ref.TRAINABLE_KEYS[0:3]])
        second[0].call("set_weights", [weights[k] for k in ref.TRAINABLE_KEYS[3:6]])
        dense[0].call("set_weights", [weights[k] for k in ref.TRAINABLE_KEYS[6:8]])
    except StudentError as exc:
        fail(f"the reference weights do not fit your model's layers ({exc.message[:200]}): LSTM(128), LSTM(128), "
             "Dense(5) after the embedding.", output="loading the reference weights", kind="weights")


def probabilities(name: str, value) -> np.ndarray:
    if isinstance(value, RemoteObject):
        value = value.call("numpy")
    arr = as_float_array(value)
    if arr is None:
        fail(f"{name} should be an array of numbers, not {type(value).__name__}.")
    return arr


def around_learner_embedding(student, fb: Feedback, model_structure: ks.Structure, inputs, tail, got,
                             containers) -> bool:
    """True (with a note) when the learner's model computes the reference stack around its own
    embedding layer AND that layer is what the learner's pretrained_embedding_layer returns."""
    if student.failed("pretrained_embedding_layer") is False:
        return False
    layers = [h for r, h in zip(model_structure.layers, model_structure.handles) if r.cls == "Embedding"]
    if len(layers) != 1:
        return False
    try:
        embedded = probabilities("the embedded sentences", layers[0].call("__call__", inputs))
    except (StudentError, GradeFailure):
        return False
    if embedded.shape != (*inputs.shape, tail.inputs[0].shape[-1]):
        return False
    composed = np.asarray(tail.predict(embedded.astype(np.float32), verbose=0), dtype=np.float64)
    if composed.shape != got.shape or not np.allclose(got, composed, atol=OUTPUT_ATOL, rtol=0):
        return False
    layer = callee_layer(student, containers)
    if layer is None:
        return False
    try:
        own = probabilities("the callee's embedded sentences", layer.call("__call__", inputs))
    except (StudentError, GradeFailure):
        return False
    if own.shape != embedded.shape or not np.allclose(own, embedded, atol=1e-7, rtol=0):
        # Another layer, or the learner's callee gives a new random layer at each call (it never sets
        # the GloVe weights)? Then a second call differs from the first, and the best evidence left is
        # that the model's embedding is the kind of layer the callee makes.
        again = callee_layer(student, containers)
        try:
            other = probabilities("the callee's embedded sentences", again.call("__call__", inputs)) if again else None
        except (StudentError, GradeFailure):
            other = None
        random_callee = other is not None and other.shape == own.shape and not np.allclose(other, own, atol=1e-7,
                                                                                          rtol=0)
        records = [r for r in model_structure.layers if r.cls == "Embedding"]
        if not (random_callee and callee_key(layer) == _embedding_key(records[0])):
            return False  # the model embeds with a layer of its own making: the difference is Emojify_V2's
    fb.note("Emojify_V2 calls your pretrained_embedding_layer, which gives wrong vectors (see its own exercise); "
            "Emojify_V2 itself computes the right thing around it and keeps its points.")
    return True


def judge_behaviour(student, fb: Feedback, model: RemoteObject, structure: ks.Structure, weights, inputs,
                    expected: np.ndarray, tail, containers, what: str) -> None:
    load_weights(structure, weights)
    got = ks.outputs(model, inputs, "your model")
    if len(got) != 1:
        fail(f"your model should have one output, the probabilities of the 5 emojis; it has {len(got)}.")
    got = got[0].astype(np.float64)
    if got.shape == expected.shape and np.allclose(got, expected, atol=OUTPUT_ATOL, rtol=0):
        return
    if got.shape == expected.shape and around_learner_embedding(student, fb, structure, inputs, tail, got, containers):
        return
    fb.check_array(f"the probabilities of your model with {what}", got, expected, atol=OUTPUT_ATOL, rtol=0)


# ------------------------------------------------------------------ tests

@exercise("Emojify_V2", weight=2)
def test_emojify_v2_structure(student, feedback):
    """The model over the real 400,001 x 50 embedding (maxLen 10): the contract's layers as a set."""
    model, got, containers = learner_model(student, feedback, "real")
    judge_structure(student, feedback, model, got, real_reference()[0], containers)


@exercise("Emojify_V2", weight=2)
def test_emojify_v2_behaviour(student, feedback):
    """The trained reference weights in the learner's model: the same probabilities as the reference
    model on the 56 held-out test sentences."""
    model, structure, containers = learner_model(student, feedback, "real")
    _, weights, inputs, expected, tail = real_reference()
    judge_behaviour(student, feedback, model, structure, weights, inputs, expected, tail, containers,
                    "the reference weights on the held-out sentences")


@exercise("Emojify_V2", weight=1)
def test_emojify_v2_toy_structure(student, feedback):
    """A toy variant (2-D vectors, maxLen 6, 20-row embedding): structure, authenticity."""
    model, got, containers = learner_model(student, feedback, "toy")
    expected, _, inputs, _, _ = toy_reference()
    judge_structure(student, feedback, model, got, expected, containers)
    ks.authenticate(model, got, inputs[:4])


@exercise("Emojify_V2", weight=1)
def test_emojify_v2_toy_behaviour(student, feedback):
    model, structure, containers = learner_model(student, feedback, "toy")
    _, weights, inputs, expected, tail = toy_reference()
    judge_behaviour(student, feedback, model, structure, weights, inputs, expected, tail, containers,
                    "seeded random weights on a toy map")
