"""Shared pieces of the w1a1 graders: problem sizes, tolerances, argument checks."""
from __future__ import annotations

import numpy as np

from autograde.checks import close, fail
from autograde.grading import isolated  # noqa: F401  (used by the test modules)

# Tolerance. The references are float64 (TF vs numpy float64 agree to ~1e-15). Learners may
# legitimately compute in float32 (machine epsilon 1.2e-7): with weights of scale 0.5, inputs
# of unit scale, at most 11 terms per product and T_x <= 5 steps, float32 rounding stays
# below ~2e-6 (measured on the catalog's float32 variants: at most 1.1e-6). 1e-5 absolute plus
# 1e-5 relative accepts that and still rejects every real mistake, which moves values by
# 1e-2 or more at these scales (a 1/m factor, a dropped bias, a missing carry).
ATOL = 1e-5
RTOL = 1e-5

# (n_x, n_a, n_y, m, T_x, seed): all sizes differ, so swapped dimensions and transposes
# show; m > 1 and T_x > 1; one square case (n_x == n_a) where Wax/Waa exchanges run silently;
# one T_x == 1 case separating cell bugs from loop bugs.
CONFIGS = [
    (3, 5, 2, 4, 4, 11),
    (4, 3, 6, 2, 3, 12),
    (6, 4, 3, 5, 5, 13),
]
SQUARE = (4, 4, 3, 3, 2, 14)
SINGLE_STEP = (3, 5, 2, 4, 1, 15)


def ids(configs) -> list[str]:
    return [f"nx{c[0]}-na{c[1]}-ny{c[2]}-m{c[3]}-T{c[4]}" for c in configs]


def same(got, expected) -> bool:
    return close(got, expected, ATOL, RTOL)


def same_nested(got, expected) -> bool:
    """Equal within tolerance, through tuples, lists and dicts (caches, gradient dicts)."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and set(expected) <= set(got) and all(same_nested(got[k], v)
                                                                          for k, v in expected.items())
    if isinstance(expected, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(same_nested(g, e) for g, e in zip(got, expected)))
    return same(got, expected)


def check_second_call(name: str, first, second) -> None:
    """A function that changed its inputs in place gives another result when called again on them."""
    if not same_nested(second, first):
        fail(f"calling {name} twice on the same inputs gave different results: it must not modify its inputs.",
             kind="mutation")


def check_unchanged(names_and_pairs: list[tuple[str, object, object]]) -> None:
    """Fail if the learner's function modified one of its array arguments in place."""
    for name, before, after in names_and_pairs:
        if isinstance(before, dict):
            for key, value in before.items():
                if not (isinstance(after, dict) and key in after and np.array_equal(after[key], value)):
                    fail(f"your function changed its argument {name}[{key!r}]; it must not modify its inputs.",
                         kind="mutation")
        elif not same_nested(after, before):
            fail(f"your function changed its argument {name} in place; it must not modify its inputs.",
                 kind="mutation")
