"""No points by imitation: structure credit needs a real model whose structure is consistent
with its behaviour, and what the learner process reports about itself is corroborated by an
effect the grader observes (w3a1, where these tricks were measured)."""
from __future__ import annotations

import pytest
from conftest import ROOT

from autograde.assignment import load_assignment
from autograde.catalog import Variant
from autograde.engine import Job, grade_batch
from autograde.validate import variant_notebook

W3A1 = "w3a1_nmt_attention"

# A plain object that answers every structure question like the real model would.
IMITATION = '''
class _Tensor:
    def __init__(self, shape, name):
        self.shape, self.name = shape, name

class Functional:
    """Not a Keras model: it copies what the feedback and the contract say a model reports."""
    def __init__(self, Ty):
        self.inputs = [_Tensor((None, 30, 37), "X"), _Tensor((None, 64), "s0"), _Tensor((None, 64), "c0")]
        self.outputs = [_Tensor((None, 11), f"o{t}") for t in range(Ty)]
        self.layers = []
        self._nodes_by_depth = {}
    def count_params(self):
        return 52960
    def get_weights(self):
        import numpy as np
        return [np.zeros(52960, dtype="float32")]
    def set_weights(self, weights):
        pass
    def predict(self, inputs, verbose=0):
        import numpy as np
        return [np.full((len(inputs[0]), 11), 1 / 11, dtype="float32") for _ in self.outputs]

def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
    return Functional(Ty)
'''

# A wrong model (the decoder ignores the state) that answers structure questions from a correct twin.
TWIN = '''
def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
    X = Input(shape=(Tx, human_vocab_size))
    s0 = Input(shape=(n_s,), name='s0')
    c0 = Input(shape=(n_s,), name='c0')
    a = Bidirectional(LSTM(n_a, return_sequences=True))(X)
    s, c, outputs = s0, c0, []
    for t in range(Ty):
        context = one_step_attention(a, s)
        s, _, c = post_activation_LSTM_cell(context, initial_state=[s0, c0])
        outputs.append(output_layer(s))
    wrong = Model(inputs=[X, s0, c0], outputs=outputs)
    X2 = Input(shape=(Tx, human_vocab_size))
    t0 = Input(shape=(n_s,), name='s0')
    u0 = Input(shape=(n_s,), name='c0')
    b = Bidirectional(LSTM(n_a, return_sequences=True))(X2)
    s, c, outs = t0, u0, []
    for t in range(Ty):
        context = one_step_attention(b, s)
        s, _, c = post_activation_LSTM_cell(context, initial_state=[s, c])
        outs.append(output_layer(s))
    twin = Model(inputs=[X2, t0, u0], outputs=outs)

    class Imposter(type(wrong)):
        pass
    wrong.__class__ = Imposter
    Imposter.layers = property(lambda self: twin.layers)
    Imposter._nodes_by_depth = property(lambda self: twin._nodes_by_depth)
    Imposter.count_params = lambda self: twin.count_params()
    return wrong
'''

# A compile cell whose model reports the right configuration but trains with something else.
FAKED_COMPILE = '''
opt = Adam(learning_rate=0.005, beta_1=0.9, beta_2=0.999)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss='mean_squared_error')
_real_config = model.get_compile_config()
_reported = dict(_real_config)
_reported["optimizer"] = keras.optimizers.serialize(opt)
_reported["loss"] = "categorical_crossentropy"
_reported["metrics"] = ["accuracy"]
model.get_compile_config = lambda: _reported
model._optimizer_reported = opt
type(model).optimizer = property(lambda self: getattr(self, "_optimizer_reported", None))
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    assignment = load_assignment(W3A1, ROOT)
    out = tmp_path_factory.mktemp("imitation")
    cases = {"imitation": Variant("modelf", "imitation", IMITATION),
             "twin": Variant("modelf", "twin", TWIN),
             "faked_compile": Variant("compile_model", "faked_compile", FAKED_COMPILE)}
    jobs = [Job(W3A1, str(variant_notebook(assignment.source_path, v, out)), None, str(ROOT), (v.exercise,))
            for v in cases.values()]
    return dict(zip(cases, grade_batch(jobs, workers=2)))


def test_an_imitation_of_a_model_earns_nothing(graded):
    r = graded["imitation"]
    assert not r.internal_errors, r.internal_errors
    assert r.exercises["modelf"].score == 0, r.exercises["modelf"]


def test_a_wrong_model_with_a_correct_twin_earns_no_structure_credit(graded):
    r = graded["twin"]
    assert not r.internal_errors, r.internal_errors
    ex = r.exercises["modelf"]
    # the Ty check is behaviour and may pass; structure and behaviour must not
    assert ex.score <= 0.2 * ex.max_score, ex


def test_a_reported_compile_configuration_is_corroborated(graded):
    r = graded["faked_compile"]
    assert not r.internal_errors, r.internal_errors
    ex = r.exercises["compile_model"]
    assert ex.score <= ex.max_score / 2, ex
    assert any("loss" in line or "optimizer" in line for line in ex.feedback), ex.feedback
