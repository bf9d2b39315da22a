"""Run every catalog variant of w2a1 against the TF reference (a development check, not a grader).

    PYTHONPATH=graders python -m w2a1_word_vectors.catalog_check [--real]

WRONG must differ from the reference (or raise) on at least one case; CORRECT must agree on all
(float32 tolerance: rtol 1e-5, atol 1e-6; equalize against either accepted denominator). It
also prints what the public check says about each variant. ``--real`` adds one analogy on the
real GloVe vectors (a 400,000-word scan per analogy variant).
"""
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "graders"), str(ROOT / "source" / "w2a1_word_vectors")]
warnings.simplefilter("ignore")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402

from autograde.catalog import load_catalog  # noqa: E402
from w2a1_word_vectors import reference as ref  # noqa: E402  (graders/ is on sys.path)

NB = nbformat.read(str(ROOT / "source/w2a1_word_vectors/word_vectors.ipynb"), as_version=4)
CELLS = {c.metadata["nbgrader"]["grade_id"]: c.source for c in NB.cells}
EXERCISES = ["cosine_similarity", "complete_analogy", "neutralize", "equalize"]
REAL = "--real" in sys.argv


def namespace(replace=None):
    ns = {}
    exec(CELLS["imports"], ns)
    for ex in EXERCISES:
        exec((replace or {}).get(ex, CELLS[f"{ex}_code"]), ns)
    return ns


def close(a, b, rtol=1e-5, atol=1e-6):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


rng = np.random.default_rng(5)
COS_CASES = [(rng.normal(0, s, d), rng.normal(0, s, d)) for d, s in ((3, 1.0), (7, 3.0), (50, 0.5), (12, 10.0))]
COS_CASES += [(np.zeros(6), rng.normal(0, 1, 6)), (np.zeros(4), np.zeros(4)), (np.arange(5.0), np.arange(5.0))]


def run_cosine(fn):
    for u, v in COS_CASES:
        with np.errstate(all="ignore"):
            got = fn(u.copy(), v.copy())
        if isinstance(got, np.ndarray) and got.ndim > 0:
            return f"array {got.shape}"
        if not close(got, ref.cosine_similarity(u, v)):
            return f"value {got} vs {ref.cosine_similarity(u, v)}"
    return None


def run_analogy(fn):
    for toy in ref.toy_maps():
        for a, b, c, expected in toy.queries:
            for case in ((a, b, c), (a.upper(), b.capitalize(), c.title())):
                got = fn(*case, toy.word_to_vec_map)
                if got != expected:
                    return f"{toy.name} {case} -> {got}, expected {expected}"
    if REAL:
        words, m = REAL_MAP
        for a, b, c, expected in ref.REAL_ANALOGIES[:1]:
            got = fn(a, b, c, m)
            if got != expected:
                return f"real {a, b, c} -> {got}"
    return None


def _maps():
    out = []
    for dim, seed, scale in ((4, 1, 1.0), (9, 2, 3.0), (50, 3, 0.4)):
        r = np.random.default_rng(seed)
        m = {w: r.normal(0, scale, dim) for w in ("nurse", "pilot", "king", "queen", "uncle", "aunt")}
        g = r.normal(0, 2.0, dim)
        out.append((m, g))
    return out


def run_neutralize(fn):
    for m, g in _maps():
        for w in ("nurse", "pilot"):
            got = fn(w, g.copy(), {k: v.copy() for k, v in m.items()})
            if not close(got, ref.neutralize(m[w], g)):
                return f"value dim {len(g)}"
    return None


def run_equalize(fn):
    for m, g in _maps():
        for pair in (("king", "queen"), ("aunt", "uncle")):
            with np.errstate(all="ignore"):
                got = fn(pair, g.copy(), {k: v.copy() for k, v in m.items()})
            if not (isinstance(got, tuple) and len(got) == 2):
                return "not a pair"
            ok = any(close(got[0], e1) and close(got[1], e2)
                     for e1, e2 in (ref.equalize(m[pair[0]], m[pair[1]], g, d) for d in ref.DENOMINATORS))
            if not ok:
                return f"value dim {len(g)} pair {pair}"
    return None


RUNNERS = {"cosine_similarity": run_cosine, "complete_analogy": run_analogy, "neutralize": run_neutralize,
           "equalize": run_equalize}


def verdict(ns, exercise):
    try:
        return RUNNERS[exercise](ns[exercise])
    except Exception as exc:  # noqa: BLE001
        return f"raised {type(exc).__name__}: {exc}"


def public(ns, exercise):
    import public_tests
    try:
        getattr(public_tests, f"{exercise}_test").__wrapped__(ns[exercise])
        return "passes public"
    except Exception as exc:  # noqa: BLE001
        return f"public: {str(exc)[:110]}"


if REAL:
    sys.path.insert(0, str(ROOT / "source" / "w2a1_word_vectors"))
    import w2v_utils
    REAL_MAP = w2v_utils.read_glove_vecs("glove.6B.50d")

print("problems of the toy maps:", ref.check_toy_maps())
sol = namespace()
for ex in EXERCISES:
    print("solution", ex, verdict(sol, ex) or "agrees", "|", public(sol, ex))
wrong, correct = load_catalog(ROOT, "w2a1_word_vectors")
bad = 0
for v in wrong:
    ns = namespace({v.exercise: v.code})
    out = verdict(ns, v.exercise)
    flag = "ok " if out else "BAD"
    bad += not out
    print(f"WRONG {flag} {v.name:40s} {out} | {public(ns, v.exercise)}")
for v in correct:
    ns = namespace({v.exercise: v.code})
    out = verdict(ns, v.exercise)
    flag = "BAD" if out else "ok "
    bad += bool(out)
    print(f"CORRECT {flag} {v.name:40s} {out or 'agrees'} | {public(ns, v.exercise)}")
print(f"{len(wrong)} wrong, {len(correct)} correct, {bad} problems")
