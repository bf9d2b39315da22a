"""Development aid until the hidden graders exist: runs every catalog variant and reports.

    python graders/w1a3_jazz_improvisation/catalog_check.py [name-substring ...]

Each variant's code replaces its solution cell; the notebook's other cells that the grader
runs (not grading-skip) are executed in one namespace, in this process. Then:

- the public check of the exercise must fail for WRONG variants and pass for CORRECT ones;
- the variant is compared with the reference (reference.py, reference weights): djmodel by
  its outputs on 8 windows of the training solo drawn with seed 99, from random initial
  states, after load_weights of the shipped weights, plus parameters, input names, shared
  layers, Tx = 7 and layers of another size; music_inference_model by its greedy sequences
  and probabilities (float64 TF reference) with the reference weights in the shared layers,
  from zero and one-hot first inputs, plus Ty = 7; predict_and_sample by its results and
  indices on the reference inference model. WRONG must differ, CORRECT must agree.

It prints one line per variant and the number of unexpected outcomes (0 when the catalog is
sound). Not a pytest file: the real graders (test_*.py) are a later task.
"""
import os, sys, io, contextlib, inspect, traceback, warnings
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"; os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
warnings.filterwarnings("ignore")
from pathlib import Path as _P
ROOT = str(_P(__file__).resolve().parents[2])
SRC = f"{ROOT}/source/w1a3_jazz_improvisation"
sys.path[:0] = [SRC, f"{ROOT}/graders", ROOT]
os.chdir(SRC)
import numpy as np, nbformat, keras
from w1a3_jazz_improvisation import reference as ref
from autograde.catalog import load_catalog
from pathlib import Path
wrong, correct = load_catalog(Path(ROOT), "w1a3_jazz_improvisation")
nb = nbformat.read(f"{SRC}/jazz_improvisation.ipynb", 4)
cells = [(c.metadata["nbgrader"]["grade_id"], c.source, "grading-skip" in c.metadata.get("tags", []))
         for c in nb.cells if c.cell_type == "code"]
REF_MODEL, REF_INF, REF_SHARED = ref.load_reference()
W = ref.weights_of(REF_SHARED)
data = ref.load_data()
rng = np.random.default_rng(99)
starts = rng.choice(len(data.corpus) - 30, 8, replace=False)
Xh = np.zeros((8, 30, 90), np.float32)
for i, s in enumerate(starts):
    for t in range(1, 30):
        Xh[i, t, data.corpus[s + t]] = 1
A = rng.normal(0, 0.5, (8, 64)).astype(np.float32); C = rng.normal(0, 0.5, (8, 64)).astype(np.float32)

def run_notebook(exercise, code):
    ns = {}
    errors = {}
    for gid, src, skip in cells:
        if skip: continue
        if gid == f"{exercise}_code": src = code
        if gid in ("djmodel", "music_inference_model", "predict_and_sample"):
            continue   # public checks run separately
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(src, gid, "exec"), ns)
        except Exception as e:
            errors[gid] = f"{type(e).__name__}: {str(e)[:120]}"
    return ns, errors

def public(ns, exercise):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            ns[f"{exercise}_test"](ns[exercise])
        return "pass"
    except Exception as e:
        return "FAIL: " + str(e)[:160]

def check_djmodel(ns):
    f = ns["djmodel"]
    params = list(inspect.signature(f).parameters)
    old = params[1:2] == ["n_a"]
    build = (lambda Tx: f(Tx, 64, 90)) if old else (lambda Tx: f(Tx, ns["LSTM_cell"], ns["densor"], ns["reshaper"]))
    m = build(30)
    problems = []
    if m.count_params() != 45530: problems.append(f"params {m.count_params()}")
    if [x.name for x in m.inputs[1:]] != ["a0", "c0"]: problems.append("input names")
    lst = [l for l in m.layers if isinstance(l, keras.layers.LSTM)]; den = [l for l in m.layers if isinstance(l, keras.layers.Dense)]
    if len(lst) != 1 or lst[0] is not ns["LSTM_cell"] or len(den) != 1 or den[0] is not ns["densor"]: problems.append("not the shared layers")
    if len(m.outputs) != 30: problems.append(f"{len(m.outputs)} outputs")
    try:
        m.load_weights(ref.NOTEBOOK_MODELS / ref.WEIGHTS_FILE)
        got = np.stack([np.asarray(o) for o in m([Xh, A, C], training=False)])
        exp = ref.djmodel_outputs(Xh, A, C, W)
        d = float(np.abs(got - exp).max())
        if d > 5e-5: problems.append(f"values differ {d:.2g}")
    except Exception as e:
        problems.append(f"behaviour: {type(e).__name__} {str(e)[:80]}")
    if len(build(7).outputs) != 7: problems.append("Tx ignored")
    if not old:
        try:
            s = ref.SharedLayers(12, 8)
            small = f(5, s.LSTM_cell, s.densor, s.reshaper)
            if tuple(small.inputs[0].shape) != (None, 5, 12) or len(small.outputs) != 5: problems.append("other sizes")
        except Exception as e:
            problems.append(f"other sizes: {type(e).__name__}")
    return problems

def set_ref_weights(ns):
    lstm, dense = ns["LSTM_cell"], ns["densor"]
    if not lstm.built:
        lstm(np.zeros((1, 1, 90), np.float32), initial_state=[np.zeros((1, 64), np.float32)] * 2)
    if not dense.built:
        dense(np.zeros((1, 64), np.float32))
    lstm.set_weights(REF_SHARED.LSTM_cell.get_weights()); dense.set_weights(REF_SHARED.densor.get_weights())

def build_inf(ns, Ty):
    f = ns["music_inference_model"]
    params = list(inspect.signature(f).parameters)
    if "n_values" in params:
        return f(ns["LSTM_cell"], ns["densor"], n_values=90, n_a=64, Ty=Ty)
    return f(ns["LSTM_cell"], ns["densor"], Ty=Ty)

def check_inference(ns):
    set_ref_weights(ns)
    problems = []
    m = build_inf(ns, 50)
    x0 = np.zeros((8, 1, 90), np.float32); x0[np.arange(8), 0, rng.integers(0, 90, 8)] = 1
    for xs in (np.zeros((8, 1, 90), np.float32), x0):
        try:
            got = np.stack([np.asarray(o) for o in m([xs, A, C], training=False)])
            probs, idx = ref.greedy_inference(xs, A, C, W, 50)
            if got.shape != probs.shape: problems.append(f"shape {got.shape}"); break
            if not np.array_equal(got.argmax(-1), idx): problems.append("greedy sequence differs")
            d = float(np.abs(got - probs).max())
            if d > 5e-5: problems.append(f"probs differ {d:.2g}")
        except Exception as e:
            problems.append(f"behaviour: {type(e).__name__} {str(e)[:80]}"); break
    if m.count_params() != 45530: problems.append(f"params {m.count_params()}")
    try:
        if len(build_inf(ns, 7).outputs) != 7: problems.append("Ty ignored")
    except Exception as e:
        problems.append(f"Ty=7: {type(e).__name__}")
    return problems

def check_ps(ns):
    problems = []
    f = ns["predict_and_sample"]
    for k in range(3):
        a = A[k:k + 1]; c = C[k:k + 1]; x = np.zeros((1, 1, 90), np.float32)
        pred = [np.asarray(o) for o in REF_INF([x, a, c], training=False)]
        er, ei = ref.predict_and_sample(pred, 90)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                r, i = f(REF_INF, x, a, c)
            r, i = np.asarray(r), np.asarray(i)
            if r.shape != er.shape or i.shape != ei.shape: problems.append(f"shapes {r.shape} {i.shape}"); break
            if not np.array_equal(i, ei) or not np.allclose(r, er): problems.append("values"); break
        except Exception as e:
            problems.append(f"{type(e).__name__} {str(e)[:80]}"); break
    return problems

CHECK = {"djmodel": check_djmodel, "music_inference_model": check_inference, "predict_and_sample": check_ps}
want = sys.argv[1:]
bad = 0
for kind, variants in (("WRONG", wrong), ("CORRECT", correct), ("SOLUTION", [None])):
    for v in variants:
        if v is None:
            for ex in CHECK:
                ns, errors = run_notebook("none", None)
                print(f"SOLUTION {ex}: public {public(ns, ex)}; reference {CHECK[ex](ns) or 'agrees'}")
            continue
        if want and not any(w in v.name for w in want): continue
        ns, errors = run_notebook(v.exercise, v.code)
        pub = public(ns, v.exercise) if v.exercise in ns else "not defined"
        try:
            probs = CHECK[v.exercise](ns) if v.exercise in ns else ["not defined"]
        except Exception as e:
            probs = [f"check raised {type(e).__name__}: {str(e)[:100]}"]
        ok = (probs == []) if kind == "CORRECT" else (probs != [])
        okpub = pub == "pass" if kind == "CORRECT" else pub != "pass"
        bad += (not ok) + (not okpub)
        flag = "" if ok and okpub else "   <=== UNEXPECTED"
        print(f"{kind:7s} {v.name:45s} ref: {'; '.join(probs) or 'agrees'} | public: {pub}{flag}")
        if errors and kind == "CORRECT":
            print("        cell errors:", errors)
print("unexpected:", bad)
