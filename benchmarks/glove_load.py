"""Load time and resident memory of the course's GloVe loaders (w2a1 and w2a2 helpers).

    python benchmarks/glove_load.py            # one fresh process per helper; prints a table

Each measurement runs in a fresh Python process: import numpy, call the helper's
``read_glove_vecs`` twice, touch every vector (as complete_analogy's scan does), and read
/proc/self/status. RssFile is the memory-mapped matrix (page cache, shared by every process
that loads it); RssAnon is the process's own memory (dicts, words, row views).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = {"w2a1 w2v_utils": ROOT / "source" / "w2a1_word_vectors",
           "w2a2 emo_utils": ROOT / "source" / "w2a2_emojify"}

PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
t1 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import importlib
helper = importlib.import_module(sys.argv[2])
def status():
    out = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmPeak", "VmRSS", "VmHWM", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) // 1024
    return out
before = status()
t2 = time.perf_counter(); first = helper.read_glove_vecs("glove.6B.50d"); t3 = time.perf_counter()
second = helper.read_glove_vecs("glove.6B.50d"); t4 = time.perf_counter()
after_load = status()
word_to_vec_map = first[-1]
total = 0.0
for v in word_to_vec_map.values():
    total += v[0]
after_touch = status()
print(json.dumps({"numpy_import_s": round(t1 - t0, 3), "first_call_s": round(t3 - t2, 3),
                  "second_call_s": round(t4 - t3, 3), "before_mb": before, "after_load_mb": after_load,
                  "after_touching_every_vector_mb": after_touch}))
"""


def measure(folder: Path, module: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(folder), module], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    for label, folder in HELPERS.items():
        module = label.split()[1]
        if not (folder / f"{module}.py").is_file():
            print(f"{label}: not present")
            continue
        print(label, json.dumps(measure(folder, module), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
