"""Interim check of tests/catalog/w3a2_trigger_word.py against this package's reference.py, for use
until the hidden graders exist: every WRONG variant must differ from the reference somewhere,
every CORRECT one must agree. Run: python graders/w3a2_trigger_word/catalog_check.py"""
import os, sys, signal, importlib.util, traceback
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "source", "w3a2_trigger_word")
sys.path[:0] = [SRC, os.path.join(ROOT, "graders"), ROOT]
os.chdir("/tmp")
import numpy as np, nbformat
from w3a2_trigger_word import reference as R
from autograde.catalog import load_catalog
from pathlib import Path

nb = nbformat.read(os.path.join(SRC, "trigger_word_detection.ipynb"), 4)
cells = [(c.metadata["nbgrader"]["grade_id"], c.source) for c in nb.cells
         if c.cell_type == "code" and "grading-skip" not in c.metadata.get("tags", [])
         and not c.metadata["nbgrader"].get("grade")]

def namespace(exercise=None, code=None):
    ns = {"__name__": "__main__"}
    for gid, src in cells:
        if exercise and gid == f"{exercise}_code":
            src = code
        if gid == "build_model":
            continue
        exec(compile(src, gid, "exec"), ns)
    return ns

ra, rn, rb = R.load_raw()
class Timeout(Exception): pass
def alarm(*_): raise Timeout()
signal.signal(signal.SIGALRM, alarm)

def arr(seg): return np.array(seg.get_array_of_samples(), dtype=np.int16)

def check_is_overlapping(ns):
    f = ns["is_overlapping"]; rng = np.random.default_rng(0)
    cases = [((5, 10), [(10, 20)]), ((3000, 6000), [(4000, 4500)]), ((7000, 7600), [(100, 300), (7500, 8000)]),
             ((1, 2), []), ((0, 9), [(10, 20), (21, 30)]), ((5, 10), [(0, 5)]), ((4200, 4300), [(4000, 4500)])]
    for _ in range(300):
        prev = [tuple(sorted(rng.integers(0, 200, 2))) for _ in range(rng.integers(0, 4))]
        cases.append((tuple(sorted(rng.integers(0, 200, 2))), prev))
    bad = [(s, p) for s, p in cases if bool(f(s, list(p))) != R.is_overlapping(s, p)]
    return f"{len(bad)} cases differ, e.g. {bad[:1]}" if bad else None

def check_insert_audio_clip(ns):
    f = ns["insert_audio_clip"]; AS = ns["AudioSegment"]
    seg = lambda a: AS(data=a.astype("<i2").tobytes(), sample_width=2, frame_rate=44100, channels=1)
    scen = [[], [(0, 4000), (6000, 9999)], [(0, 9999)], [(1000, 2000), (2500, 3000), (5000, 9000)], [(0, 8000)]]
    for seed in range(6):
        for prev in scen:
            for clip_i in (0, 7):
                bg, clip = rb[seed % 12], ra[clip_i]
                p1, p2 = list(prev), list(prev)
                np.random.seed(seed)
                signal.alarm(10)
                try:
                    out, st = f(seg(bg), seg(clip), p1)
                except Timeout:
                    return f"timed out (prev={prev})"
                finally:
                    signal.alarm(0)
                s1 = np.random.get_state()[2]
                np.random.seed(seed)
                rout, rst = R.insert_audio_clip(bg, clip, p2)
                if tuple(st) != tuple(rst): return f"segment {st} != {rst} (seed {seed}, prev {prev})"
                if [tuple(x) for x in p1] != [tuple(x) for x in p2]: return f"previous {p1} != {p2}"
                if not np.array_equal(arr(out), rout): return f"audio differs (seed {seed}, prev {prev})"
                if np.random.get_state()[2] != s1: pass
                np.random.seed(seed); a = np.random.random()
    return None

def check_insert_ones(ns):
    f = ns["insert_ones"]
    for Ty in (1375, 600, 1000, 97):
        for end in (0, 1, 120, 4251, 5000, 9700, 9800, 9999, 10000, 9300):
            got = f(np.zeros((1, Ty)), end); exp = R.insert_ones(np.zeros((1, Ty)), end)
            if np.shape(got) != exp.shape or not np.array_equal(got, exp): return f"Ty={Ty} end={end} differs"
    return None

def check_create_training_example(ns):
    f = ns["create_training_example"]; AS = ns["AudioSegment"]
    acts, negs, bgs = ns["activates"], ns["negatives"], ns["backgrounds"]
    for seed in (1, 4, 18, 23, 77):
        for Ty in (1375, 500):
            np.random.seed(seed)
            signal.alarm(30)
            try:
                x, y = f(bgs[seed % 12], acts, negs, Ty)
            except Timeout:
                return "timed out"
            finally:
                signal.alarm(0)
            exp = R.create_training_example(rb[seed % 12], ra, rn, Ty, seed=seed)
            if np.shape(y) != exp["y"].shape or not np.array_equal(np.asarray(y, float), exp["y"]): return f"y differs seed {seed} Ty {Ty}"
            if np.shape(x) != exp["x"].shape or not np.allclose(x, exp["x"], rtol=1e-6, atol=0): return f"x differs seed {seed} Ty {Ty}"
    return None

import keras
REF_MODEL = R.build_model()
keras.utils.set_random_seed(3)
rng = np.random.default_rng(5)
W = [w * (1 + 0.5 * rng.standard_normal(w.shape)).astype(np.float32) + 0.05 * rng.standard_normal(w.shape).astype(np.float32) for w in REF_MODEL.get_weights()]
for i, w in enumerate(W):
    if REF_MODEL.weights[i].name in ("moving_variance",): W[i] = np.abs(w) + 0.5
REF_MODEL.set_weights(W)
XIN = (np.abs(rng.standard_normal((2, 400, 101))) * 1000).astype(np.float32)
REF_SMALL = R.build_model(input_shape=(400, 101)); REF_SMALL.set_weights(W)
REF_OUT = np.asarray(REF_SMALL(XIN, training=False))
REF_KINDS = sorted(type(l).__name__ for l in REF_MODEL.layers)

def check_modelf(ns):
    f = ns["modelf"]
    try:
        m = f(input_shape=(5511, 101))
    except Exception as e:
        return f"raised {type(e).__name__}"
    if m.count_params() != R.PARAMETERS: return f"{m.count_params()} parameters"
    kinds = sorted(type(l).__name__ for l in m.layers)
    if kinds != REF_KINDS: return f"layer kinds {kinds}"
    rates = sorted(l.rate for l in m.layers if isinstance(l, keras.layers.Dropout))
    if rates != [0.8] * 4: return f"rates {rates}"
    conv = [l for l in m.layers if isinstance(l, keras.layers.Conv1D)][0]
    if conv.padding != "valid": return "padding"
    try:
        s = f(input_shape=(400, 101)); s.set_weights(W)
    except Exception as e:
        return f"small model: {type(e).__name__}: {e}"
    out = np.asarray(s(XIN, training=False))
    if out.shape != REF_OUT.shape or np.max(np.abs(out - REF_OUT)) > 1e-5: return "outputs differ"
    return None

CHECKS = {"is_overlapping": check_is_overlapping, "insert_audio_clip": check_insert_audio_clip,
          "insert_ones": check_insert_ones, "create_training_example": check_create_training_example,
          "modelf": check_modelf}
wrong, correct = load_catalog(Path(ROOT), "w3a2_trigger_word")
print(f"{len(wrong)} wrong, {len(correct)} correct")
base = namespace()
problems = 0
for ex, chk in CHECKS.items():
    r = chk(base)
    print(f"solution {ex}: {'OK' if r is None else 'DIFFERS ' + r}")
    problems += r is not None
for kind, variants in (("WRONG", wrong), ("CORRECT", correct)):
    for v in variants:
        try:
            ns = namespace(v.exercise, v.code)
            r = CHECKS[v.exercise](ns)
        except Exception as e:
            r = f"raised {type(e).__name__}: {str(e)[:80]}"
        ok = (r is not None) if kind == "WRONG" else (r is None)
        problems += not ok
        print(f"{'ok ' if ok else 'BAD'} {kind:7s} {v.exercise:24s} {v.name:36s} {r}")
print("problems:", problems)
