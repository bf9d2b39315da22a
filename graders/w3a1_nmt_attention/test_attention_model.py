"""Hidden graders of w3a1: one_step_attention, modelf and the compile step.

The learner's layers and model never leave the sandbox: the graders hold remote handles,
set weights through them and read back plain arrays. References: float64 TensorFlow for
one attention step; for the whole model, the trained reference model (graders/references),
whose weights are loaded into the learner's model so both compute with the same numbers.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest
from . import reference as ref

from autograde import keras_structure as ks
from autograde.checks import Feedback, GradeFailure, check_array, check_type, fail
from autograde.grading import RemoteObject, describe_exception
from autograde.runner import StudentCrash, StudentError

exercise = pytest.mark.exercise

# Tolerances, set about ten times above the rounding noise measured on the instructor solution
# and far below the effect of any mistake in tests/catalog (the subtlest wrong model moves a
# probability by 0.09; attention mistakes move contexts by 1e-2 or more with these weights).
# one_step_attention: Keras computes in float32, the reference in float64; measured at most
# 1.6e-6 on these unit-scale inputs (a 128-wide dot product, a 30-way softmax).
CONTEXT_ATOL = 2e-5
# modelf: both are float32 Keras graphs with the same weights, but the notebook's output layer
# uses the course's own softmax (exp / sum over an axis) where the reference uses Keras's
# built-in one; over 10 decoder steps the probabilities differ by at most 3.5e-6 (measured).
OUTPUT_ATOL = 5e-5


def as_array(name: str, value) -> np.ndarray:
    """A tensor handle becomes its numpy value (converted inside the learner process)."""
    if isinstance(value, RemoteObject):
        try:
            value = value.call("numpy")
        except Exception:
            fail(f"{name} should be a tensor or a numpy array, but it is a {value.remote_type}.")
    check_type(name, value, np.ndarray, "a tensor or a numpy array")
    return value


# ------------------------------------------------------------------ one_step_attention

def attention_weights(seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """densor1 and densor2 weights, large enough that every mistake shows, with energies
    mostly positive (densor2 ends in a relu: all-zero energies would make every alpha equal)."""
    rng = np.random.default_rng(seed)
    d1 = [rng.normal(0, 0.4, (2 * ref.N_A + ref.N_S, 10)), rng.normal(0, 0.3, 10)]
    d2 = [rng.normal(0, 1.0, (10, 1)), np.array([1.5])]
    return [w.astype(np.float32) for w in d1], [w.astype(np.float32) for w in d2]


def attention_inputs(m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 1, (m, ref.TX, 2 * ref.N_A)).astype(np.float32),
            rng.normal(0, 1, (m, ref.N_S)).astype(np.float32))


def shared_layer(student, name: str) -> RemoteObject:
    layer = student.value(name)
    if not isinstance(layer, RemoteObject):
        fail(f"the shared layer {name} was replaced by a {type(layer).__name__}; keep the provided global.")
    return layer


def fresh_shared_layers(student, feedback: Feedback) -> None:
    """The notebook builds its model (with the learner's modelf) before these checks run: a modelf
    of other sizes leaves the shared densor1 built for other inputs, and one_step_attention would
    fail for modelf's mistake. Then the provided cell creating the shared layers is run again,
    and one_step_attention is checked on fresh layers, as the notebook creates them."""
    try:
        weights = shared_layer(student, "densor1").call("get_weights")
    except StudentError:
        return
    if (isinstance(weights, list) and weights and isinstance(weights[0], np.ndarray)
            and weights[0].shape[0] != 2 * ref.N_A + ref.N_S and student.rerun_definition("densor1")):
        feedback.note("the shared layers had been built by your modelf for inputs of another size (see modelf's own "
                      "exercise); one_step_attention was checked on fresh shared layers, as the notebook creates them.")


def check_symbolic(student) -> None:
    """modelf calls one_step_attention on a Keras model's symbolic tensors (keras.Input): a step
    written with TensorFlow functions (tf.linalg.matmul, tf.concat, ...) is right on arrays but
    cannot run there, and the model cannot be built. Called once, with the notebook's own Input."""
    try:
        make_input = student.value("Input")
        if not isinstance(make_input, RemoteObject):
            return
        a = make_input.call("__call__", shape=(ref.TX, 2 * ref.N_A))
        s_prev = make_input.call("__call__", shape=(ref.N_S,))
    except (StudentError, StudentCrash):
        return  # no usable Input in the notebook: the checks on arrays stand alone
    try:
        student.one_step_attention(a, s_prev)
    except StudentError as exc:
        if "KerasTensor" in exc.message:
            fail("one_step_attention works on arrays but not inside a Keras model, where it is given symbolic "
                 "tensors (keras.Input), on which TensorFlow functions (tf.*) cannot run: modelf cannot build "
                 "the model with it. Use the shared Keras layers (or keras.ops) only. "
                 f"({exc.type_name}: {exc.message[:200]})")


def set_attention_weights(student, student_feedback: Feedback, seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    d1, d2 = attention_weights(seed)
    for name, weights in (("densor1", d1), ("densor2", d2)):
        try:
            shared_layer(student, name).call("set_weights", weights)
        except Exception:
            student_feedback.diagnose("layer_not_used", f"the shared layer {name} was not used as expected: call the "
                                      "global layers (repeator, concatenator, densor1, densor2, activator, dotor) "
                                      "in that order, without creating new layers inside the function.")
            fail(f"the weights of the shared layer {name} could not be set: one_step_attention must use the "
                 f"global {name} (a Dense layer) on the concatenation [a, s_prev repeated].")
    return d1, d2


def diagnose_attention(student, fb: Feedback, a, s_prev, d1, d2, got) -> None:
    if got.shape == (a.shape[0], a.shape[2], 1):
        fb.diagnose("dot_order", "dotor([alphas, a]) gives the context of shape (m, 1, 2*n_a); "
                    "dotor([a, alphas]) gives (m, 2*n_a, 1).")
        return
    if got.shape != (a.shape[0], 1, a.shape[2]):
        return
    variant = lambda **kw: ref.attention_context(a, s_prev, *d1, *d2, **kw)  # noqa: E731
    if np.allclose(got, variant(concat_s_first=True), atol=CONTEXT_ATOL):
        fb.diagnose("concat_order", "concatenate a first and the repeated s_prev second: concatenator([a, s_rep]). "
                    "The other order fits the shapes but pairs the weights with the wrong inputs.")
    elif np.allclose(got, variant(time_softmax=False), atol=CONTEXT_ATOL):
        fb.diagnose("softmax_axis", "your attention weights are normalised over the last axis (of length 1), so "
                    "every weight is 1. Use the provided activator, which takes the softmax over the Tx axis.")
    elif not np.array_equal(got, as_array("one_step_attention(a, s_prev)", student.one_step_attention(a, s_prev))):
        fb.diagnose("layer_not_used", "two calls with the same inputs gave different contexts: the function seems to "
                    "create new layers (with new random weights) at every call. Use the global shared layers.")
    else:  # term isolation: which shared layer does the learner's function ignore?
        for name in ("densor1", "densor2"):
            layer = shared_layer(student, name)
            before = layer.call("get_weights")
            layer.call("set_weights", [w * 1.7 + 0.05 for w in before])
            try:
                changed = as_array("one_step_attention(a, s_prev)", student.one_step_attention(a, s_prev))
            finally:
                layer.call("set_weights", before)
            if changed.shape == got.shape and np.array_equal(changed, got):
                fb.diagnose("layer_not_used", f"your context does not depend on the shared layer {name}: use the "
                            "global layers (repeator, concatenator, densor1, densor2, activator, dotor) in that "
                            "order, without creating new layers inside the function.")


ATTENTION_CASES = [(3, 41), (7, 42)]


@exercise("one_step_attention", weight=1)
@pytest.mark.parametrize("case", ATTENTION_CASES, ids=[f"m{m}" for m, _ in ATTENTION_CASES])
def test_one_step_attention(student, feedback, case):
    m, seed = case
    a, s_prev = attention_inputs(m, seed)
    fresh_shared_layers(student, feedback)
    if case == ATTENTION_CASES[0]:
        check_symbolic(student)
    student.one_step_attention(a, s_prev)           # builds the shared layers if nothing has yet
    d1, d2 = set_attention_weights(student, feedback, seed)
    got = as_array("the context returned by one_step_attention", student.one_step_attention(a, s_prev))
    expected = ref.attention_context(a, s_prev, *d1, *d2)
    if got.shape != expected.shape or not np.allclose(got, expected, atol=CONTEXT_ATOL):
        diagnose_attention(student, feedback, a, s_prev, d1, d2, got)
    check_array("the context returned by one_step_attention", got, expected, atol=CONTEXT_ATOL, rtol=0)


# ------------------------------------------------------------------ modelf

@functools.lru_cache(maxsize=1)
def reference():
    """The trained reference model, its structure (read with the same code as the learner's), its
    weights, its shared layers and its encoder. Computed once per grader process."""
    model, shared, encoder = ref.load_reference_parts()
    return model, ks.read(model), model.get_weights(), shared, encoder


@functools.lru_cache(maxsize=1)
def held_out_inputs(m: int = 64):
    """Dates the reference was not trained on, and non-zero initial decoder states (so that a
    model which ignores s0/c0, or feeds them at every step, shows)."""
    dp = ref.date_pairs()
    pairs = dp.generate_pairs(m, seed=777)
    _, _, Xoh, _ = dp.preprocess_data(pairs, dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    rng = np.random.default_rng(778)
    s0 = rng.normal(0, 0.5, (m, ref.N_S)).astype(np.float32)
    c0 = rng.normal(0, 0.5, (m, ref.N_S)).astype(np.float32)
    return Xoh.astype(np.float32), s0, c0


@functools.lru_cache(maxsize=1)
def expected_outputs() -> list[np.ndarray]:
    return [np.asarray(o, np.float64) for o in reference()[0].predict(list(held_out_inputs()), verbose=0)]


def build_learner_model(student, Ty: int = ref.TY) -> RemoteObject:
    if "densor1" in student.rerun:  # one_step_attention's checks rebuilt the shared layers at the contract's
        student.rerun_definition("densor1")  # sizes: modelf gets them fresh, to be judged on its own sizes
    model = student.modelf(ref.TX, Ty, ref.N_A, ref.N_S, ref.HUMAN_VOCAB_SIZE, ref.MACHINE_VOCAB_SIZE)
    if not isinstance(model, RemoteObject) or "Model" not in model.remote_type and "Functional" not in model.remote_type:
        fail("modelf should return a Keras Model (Model(inputs=[X, s0, c0], outputs=outputs)).")
    return model


# Layers modelf itself creates or calls; the rest of the model comes from one_step_attention.
def _is_modelf_layer(record: ks.LayerRecord) -> bool:
    """The layers modelf is responsible for: the encoder, the decoder LSTM, the output layer."""
    return record.cls in ("Bidirectional", "LSTM") or (
        record.cls == "Dense" and dict(record.fields).get("units") == ref.MACHINE_VOCAB_SIZE)


def _modelf_part(structure: ks.Structure, weighted_attention: bool = False) -> ks.Structure:
    """The layers modelf answers for; with ``weighted_attention``, also the attention's layers
    that hold weights (densor1, densor2: shared, called Ty times)."""
    keep = [(r, h) for r, h in zip(structure.layers, structure.handles)
            if _is_modelf_layer(r) or (weighted_attention and r.params > 0)]
    return ks.Structure(structure.inputs, [r for r, _ in keep], [h for _, h in keep])


@exercise("modelf", weight=2)
def test_modelf_structure(student, feedback):
    """Inputs, layers matched as a set (not by list position), shared layers called Ty times, and a
    model whose reported structure is what it computes with (authenticity)."""
    model = build_learner_model(student)
    got = ks.read(model)
    attention_wrong = bool(student.failed("one_step_attention"))
    # a wrong one_step_attention (e.g. a softmax over the wrong axis) can leave its own layers
    # without influence on the outputs: that mistake is graded in its own exercise
    ks.authenticate(model, got, [x[:8] for x in held_out_inputs()],
                    may_be_inert=(lambda r: not _is_modelf_layer(r)) if attention_wrong else None)
    expected = reference()[1]
    if attention_wrong:
        # one_step_attention's own mistakes (e.g. layers created inside it) are graded there
        feedback.note("modelf calls your one_step_attention, which fails its own checks; the structure of "
                      "modelf's own part (encoder, decoder LSTM, output layer) was checked.")
        got, expected = _modelf_part(got), _modelf_part(expected)
    else:
        # The attention's weightless steps are one_step_attention's own way of writing them, and it
        # passed its checks: Concatenate(axis=-1)([a, s]) made inside it (a new layer at each of
        # the Ty calls) or keras.ops.softmax instead of the activator compute the same. Its layers
        # with weights must still be the shared densor1 and densor2, called Ty times.
        got, expected = _modelf_part(got, weighted_attention=True), _modelf_part(expected, weighted_attention=True)
    problem = ks.first_difference(got, expected)
    if problem and got.params != expected.params:
        problem += (f" (your model has {got.params:,} parameters; this one has {expected.params:,}: Bi-LSTM 17,920, "
                    "densor1 1,290, densor2 11, decoder LSTM 33,024, output layer 715.)")
    if problem:
        if "named" in problem:
            feedback.diagnose("input_names", "name the decoder's initial-state inputs 's0' and 'c0'.")
        fail("structure: " + problem)


@exercise("modelf", weight=1)
def test_modelf_uses_its_arguments(student):
    """Ty is free (the shared layers fix Tx, n_a and n_s): a decoder loop hard-coded to 10 fails.
    Judged by behaviour: the model's predictions, not its own report."""
    model = build_learner_model(student, Ty=4)
    # a real model: its weights round-trip and its outputs depend on them (not an imitation)
    outputs = ks.behaves_like_a_model(model, [x[:2] for x in held_out_inputs()])
    if len(outputs) != 4:
        fail("modelf(Tx, Ty=4, ...) should build a model with 4 outputs: loop over range(Ty), not a fixed count.")


@functools.lru_cache(maxsize=1)
def s0_every_step_outputs() -> list[np.ndarray]:
    """What the known mistake (s0 and c0 fed to every decoder step) computes with the reference
    weights on the held-out dates: once per grader process (a Keras model built and run per
    submission would add ~25 MB to the worker each time)."""
    variant = ref.build_model(s0_every_step=True)
    variant.set_weights(reference()[2])
    return [np.asarray(o, np.float64) for o in variant.predict(list(held_out_inputs()), verbose=0)]


def diagnose_modelf(fb: Feedback, got: list[np.ndarray]) -> None:
    with fb.probing():
        outs = s0_every_step_outputs()
        if all(np.allclose(g, o, atol=OUTPUT_ATOL) for g, o in zip(got, outs)):
            fb.diagnose("s0_every_step", "the decoder gets s0 and c0 at every step: start from s = s0, c = c0 and "
                        "feed each step the state the previous step returned.")


def composed_outputs(student, inputs) -> list[np.ndarray]:
    """The reference decoder around the learner's OWN one_step_attention (whose shared layers now
    hold the reference weights): what a correct modelf computes with the learner's attention."""
    _, _, _, shared, encoder = reference()
    return [np.asarray(o, np.float64) for o in ref.decode_with(
        lambda a, s: as_array("one_step_attention(a, s)", student.one_step_attention(a, np.asarray(s))),
        encoder, shared, *inputs)]


@exercise("modelf", weight=2)
def test_modelf_behaviour(student, feedback):
    """Load the reference weights into the learner's model: it must then compute what the
    reference model computes, date by date and step by step (or, when the learner's own
    one_step_attention is wrong, what the reference decoder computes around it)."""
    model = build_learner_model(student)
    weights = reference()[2]
    try:
        model.call("set_weights", weights)
    except Exception as exc:
        fail("the reference weights do not fit your model's layers "
             f"({getattr(exc, 'message', exc)!s:.300}); build the layers in the order of the instructions.")
    inputs = held_out_inputs()
    got = ks.outputs(model, list(inputs), "your model")
    if len(got) != ref.TY:
        fail(f"your model should have {ref.TY} outputs, one per decoder step; it has {len(got)}.")
    expected = expected_outputs()
    if all(g.shape == e.shape and np.allclose(g, e, atol=OUTPUT_ATOL) for g, e in zip(got, expected)):
        return
    if student.failed("one_step_attention") is not False:
        try:
            composed = composed_outputs(student, inputs)
        except GradeFailure:
            composed = None
        except (StudentError, StudentCrash) as exc:
            fail("modelf calls your one_step_attention, which fails when called on arrays: "
                 f"{describe_exception(exc, 'one_step_attention')} Fix one_step_attention first.")
        if composed and all(g.shape == c.shape and np.allclose(g, c, atol=OUTPUT_ATOL) for g, c in zip(got, composed)):
            if not all(np.allclose(c, e, atol=OUTPUT_ATOL) for c, e in zip(composed, expected)):
                feedback.note("modelf calls your one_step_attention, which gives wrong contexts (see its own "
                              "exercise); modelf itself computes the right thing around it and keeps its points.")
            return
    diagnose_modelf(feedback, got)
    for t, (g, e) in enumerate(zip(got, expected)):
        feedback.check_array(f"output {t} of your model with the reference weights", g, e, atol=OUTPUT_ATOL, rtol=0)


# ------------------------------------------------------------------ compile

def _learning_rate(config) -> tuple[float | None, str]:
    lr = config.get("learning_rate")
    if isinstance(lr, (int, float)):
        return float(lr), "a constant learning rate"
    if isinstance(lr, dict) and lr.get("class_name") == "InverseTimeDecay":
        c = lr.get("config", {})
        if not (np.isclose(c.get("decay_steps", 0), 1) and np.isclose(c.get("decay_rate", 0), 0.01)
                and not c.get("staircase")):
            fail("the InverseTimeDecay schedule should use decay_steps=1 and decay_rate=0.01 (the old decay=0.01).")
        return float(c.get("initial_learning_rate", np.nan)), "InverseTimeDecay"
    return None, str(lr)


# Names Keras resolves to categorical accuracy for one-hot targets, normalised (lower case,
# no underscores). A per-output list such as [['accuracy']] * Ty is just as right: Keras 3
# needs that form to train a multi-output model with metrics.
ACCURACY_NAMES = {"accuracy", "acc", "categoricalaccuracy"}


def _normalised(entry) -> str:
    """A serialised loss or metric (string, function or class config) as a bare lower-case name."""
    if isinstance(entry, dict):
        config = entry.get("config")
        name = entry.get("class_name")
        if name == "function" or not name:
            name = config if isinstance(config, str) else (config or {}).get("name", "")
        entry = name
    return str(entry).lower().replace("_", "")


def metric_names(metrics) -> set[str]:
    if isinstance(metrics, (list, tuple)):
        return set().union(*(metric_names(m) for m in metrics)) if metrics else set()
    if isinstance(metrics, dict) and "class_name" not in metrics:  # {output name: metrics}
        return set().union(*(metric_names(m) for m in metrics.values())) if metrics else set()
    return {_normalised(metrics)} if metrics is not None else set()


def is_categorical_crossentropy(loss) -> bool:
    if isinstance(loss, (list, tuple)):  # one loss per output
        return bool(loss) and all(is_categorical_crossentropy(x) for x in loss)
    return _normalised(loss) == "categoricalcrossentropy"


def compiled_model(student) -> tuple[RemoteObject, dict]:
    model = student.value("model")
    if not isinstance(model, RemoteObject):
        fail("the global `model` should be the Keras model built by modelf.")
    config = model.call("get_compile_config")
    if not isinstance(config, dict) or not isinstance(config.get("optimizer"), dict):
        fail("the model is not compiled: call model.compile(optimizer=opt, loss=..., metrics=...).")
    return model, config


@exercise("compile_model", weight=1)
def test_compile_configuration(student):
    """What the model reports about its compilation (corroborated by the next test)."""
    model, config = compiled_model(student)
    optimizer = config["optimizer"]
    if optimizer.get("class_name") != "Adam":
        fail(f"the optimizer should be Adam, not {str(optimizer.get('class_name'))[:80]}.")
    oc = optimizer.get("config") if isinstance(optimizer.get("config"), dict) else {}
    lr, kind = _learning_rate(oc)
    if lr is None or not np.isclose(lr, 0.005, rtol=1e-6):
        fail(f"the learning rate should be 0.005 ({kind[:80]}: {lr}).")
    for key, value in (("beta_1", 0.9), ("beta_2", 0.999)):
        got = oc.get(key)
        if not isinstance(got, (int, float)) or not np.isclose(got, value, rtol=1e-6):
            fail(f"Adam's {key} should be {value}, not {str(got)[:40]}.")
    if not is_categorical_crossentropy(config.get("loss")):
        fail(f"the loss should be 'categorical_crossentropy' (one-hot targets), not {str(config.get('loss'))[:200]}.")
    names = metric_names(config.get("metrics"))
    if not names & ACCURACY_NAMES:
        fail(f"the metrics should include 'accuracy' (metrics=['accuracy']); they are {sorted(names)[:10]}.")
    try:
        same_object = model.attr("optimizer").call("__eq__", student.value("opt")) is True
    except (StudentError, StudentCrash):
        same_object = False
    if not same_object:
        fail("compile the model with the optimizer you created: model.compile(optimizer=opt, ...).")


def optimizer_probe_gradients(weights: list[np.ndarray]) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(31)
    return [[rng.normal(0, 1, w.shape).astype(np.float32) for w in weights] for _ in range(2)]


def adam_steps(weights: list[np.ndarray], grads: list[list[np.ndarray]], schedule: bool) -> list[np.ndarray]:
    """``weights`` after Adam(0.005, 0.9, 0.999) applies ``grads`` (constant rate, or the
    InverseTimeDecay of the old decay=0.01): what the learner's optimizer must do to its model."""
    import keras

    variables = [keras.Variable(w) for w in weights]
    lr = (keras.optimizers.schedules.InverseTimeDecay(0.005, decay_steps=1, decay_rate=0.01) if schedule
          else 0.005)
    opt = keras.optimizers.Adam(learning_rate=lr, beta_1=0.9, beta_2=0.999)
    for g in grads:
        opt.apply(g, variables)
    return [np.asarray(v.numpy()) for v in variables]


@functools.lru_cache(maxsize=2)
def _reference_steps(schedule: bool) -> list[np.ndarray]:
    """The reference weights after two Adam steps on the probe gradients (computed once per process)."""
    weights = reference()[2]
    return adam_steps(weights, optimizer_probe_gradients(weights), schedule)


@exercise("compile_model", weight=1)
def test_compile_behaviour(student, feedback):
    """The compiled loss and optimizer, observed: the model's own loss on known dates equals the
    categorical cross-entropy summed over the 10 outputs, and two steps of the learner's optimizer
    on given gradients move the weights exactly as Adam(0.005, 0.9, 0.999) does (constant or
    with the InverseTimeDecay of the old decay=0.01)."""
    model, _ = compiled_model(student)
    weights, own = reference()[2], False
    try:
        model.call("set_weights", weights)
    except (StudentError, StudentCrash):
        if student.failed("modelf") is False:
            fail("the reference weights do not fit the global model; build it with modelf.")
        # modelf's mistake (graded in its own exercise) changed the layers: the compile cell is
        # judged on the learner's model as it is, with its own weights
        try:
            weights = [as_array("the model's weights", w) for w in model.call("get_weights")]
        except (StudentError, GradeFailure):
            fail("the global model's weights cannot be read; build it with modelf.")
        own = True
        feedback.note("the global model is built by your modelf, whose layers differ from the contract's (see its "
                      "own exercise); the compile cell was judged on that model with its own weights.")
    Xoh, s0, c0 = [x[:16] for x in held_out_inputs()]
    dp = ref.date_pairs()
    pairs = dp.generate_pairs(16, seed=777)
    _, _, _, Yoh = dp.preprocess_data(pairs, dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    targets = [Yoh[:, t, :].astype(np.float32) for t in range(ref.TY)]
    preds = ks.outputs(model, [Xoh, s0, c0], "the global model")
    if len(preds) != ref.TY and student.failed("modelf"):
        # modelf's mistake (graded there) gave the model another number of outputs: the compile cell's
        # loss is checked on that model, against targets of its own outputs' shapes
        rng = np.random.default_rng(778)
        targets = [np.eye(p.shape[-1], dtype=np.float32)[rng.integers(0, p.shape[-1], p.shape[:-1])] for p in preds]
        feedback.note(f"the global model is built by your modelf, which gives it {len(preds)} outputs instead of "
                      f"{ref.TY} (see its own exercise); the compile cell's loss was checked on that model.")
    elif len(preds) != ref.TY:
        fail("the global model should have 10 outputs.")
    try:
        loss = as_array("the model's loss", model.call("compute_loss", x=[Xoh, s0, c0], y=targets, y_pred=preds))
    except StudentError as exc:
        fail(f"the compiled model cannot compute its loss ({exc.type_name}: {exc.message[:200]}).")
    expected_loss = sum(float(np.mean(-np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=-1)))
                        for y, p in zip(targets, preds))
    if loss.size != 1 or not np.isclose(float(loss.reshape(())), expected_loss, rtol=1e-4):
        fail(f"the compiled loss gives {f'{float(loss.reshape(-1)[0]):.5g}' if loss.size else 'nothing'} on known dates; "
             f"categorical cross-entropy summed over the outputs gives {expected_loss:.5g}.")
    opt = student.value("opt")
    if not isinstance(opt, RemoteObject):
        fail("`opt` should be the Adam optimizer you created.")
    iterations = as_array("opt.iterations", opt.attr("iterations"))
    if iterations.size != 1 or int(iterations.reshape(())) != 0:
        return  # the learner trained with it already: its state is no longer a fresh Adam's (config checked above)
    grads = optimizer_probe_gradients(weights)
    variables = model.attr("trainable_variables")
    try:
        for g in grads:
            opt.call("apply", g, variables)
    except StudentError as exc:
        fail(f"the optimizer could not update the model's weights ({exc.type_name}: {exc.message[:200]}).")
    after = [as_array("weights", w) for w in model.call("get_weights")]
    for schedule in (False, True):
        expected = adam_steps(weights, grads, schedule) if own else _reference_steps(schedule)
        if len(after) == len(expected) and all(a.shape == e.shape and np.allclose(a, e, atol=1e-6)
                                               for a, e in zip(after, expected)):
            return
    fail("two steps of your optimizer move the weights differently from Adam(learning_rate=0.005, beta_1=0.9, "
         "beta_2=0.999): check its settings.")
