"""Similarity between submissions: clusters of near-identical implementations, per exercise.

For every graded exercise, the learner's solution cell of every submission (read exactly as
grading reads it: :func:`autograde.submission.sanitize`, never executed, never parsed as
Python) is normalised and fingerprinted with copydetect (winnowing over k-grams of the code
tokenised by Pygments, with comments and layout dropped, every variable, attribute and
function name replaced by one letter and every string by another). Fingerprints that are no
evidence of copying are removed before any comparison, as copydetect's "boilerplate":

- the release's starter code of that cell (signature, docstring, ``raise NotImplementedError``);
- the instructor's solution of that cell: writing the expected solution is not copying;
- fingerprints that a large share of the class has (more than ``max(COMMON_FLOOR,
  COMMON_SHARE * submissions)`` submissions): convergent, idiomatic code.

What remains must be long enough to judge (``MIN_COVERAGE`` normalised characters): a
two-line cell can look the same in every correct submission. Two submissions whose remaining
code overlaps by at least ``THRESHOLD`` *on both sides* (copydetect's similarity, the smaller
of the two) are a pair; pairs are joined into clusters. Only pairs that share fingerprints
are compared (an inverted index of fingerprints), so 500 submissions take seconds.

The analysis runs in a child process with a fixed ``PYTHONHASHSEED`` (copydetect hashes
k-grams with Python's ``hash``, which is salted per process): the same submissions always
give the same clusters, and a pathological submission can only exhaust the child's memory
and time limits, never the caller's.
"""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

K = 25                 # copydetect's noise threshold: k-grams of K normalised characters
WINDOW = 6             # winnowing window (copydetect's guarantee threshold K + WINDOW - 1 = 30)
THRESHOLD = 0.8        # both sides of a pair: at least this share of their judged code overlaps
MIN_COVERAGE = 60      # normalised characters left after boilerplate; shorter code is not judged
COMMON_FLOOR = 10      # a fingerprint is common when more than max(COMMON_FLOOR, COMMON_SHARE * n)
COMMON_SHARE = 0.02    # submissions have it (MOSS ignores passages found in more than 10 programs)
CANDIDATE_SHARE = 0.5  # compare only pairs sharing this share of the smaller fingerprint set
MAX_CELL_CHARS = 20_000  # a longer solution cell is judged on its first MAX_CELL_CHARS characters
CHILD_TIMEOUT = 600
CHILD_MEMORY_MB = 4096
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))


@dataclass
class Pair:
    a: str
    b: str
    similarity: float          # the smaller of the two shares below
    share_a: float             # share of a's judged code found in b
    share_b: float


@dataclass
class Cluster:
    exercise: str
    students: list[str]
    pairs: list[Pair]          # every flagged pair inside the cluster, most similar first
    code: dict[str, str]       # the raw solution cell of each member (escape before showing!)
    slices: dict[str, list[list[int]]] = field(default_factory=dict)  # best pair: [start, end) ranges shared

    @property
    def best(self) -> Pair:
        return self.pairs[0]

    @property
    def rank_key(self) -> tuple:
        return (-self.best.similarity, -len(self.students), self.exercise, self.students)


@dataclass
class ExerciseStats:
    submissions: int = 0       # with a solution cell of this exercise
    judged: int = 0            # long enough to judge once starter, solution and common code are removed
    starter: int = 0           # the starter code unchanged (not attempted)
    reference: int = 0         # the instructor's solution, after normalisation
    distinct: int = 0          # distinct normalised implementations among the judged
    compared_pairs: int = 0    # pairs compared in full (after the fingerprint index)
    judged_students: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    clusters: list[Cluster] = field(default_factory=list)
    exercises: dict[str, ExerciseStats] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # student -> why no code could be read
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)

    def repeated_pairs(self) -> list[tuple[str, str, list[str]]]:
        """Pairs of learners flagged together on more than one exercise (strongest evidence first)."""
        seen: dict[tuple[str, str], list[str]] = defaultdict(list)
        for c in self.clusters:
            for p in c.pairs:
                key = tuple(sorted((p.a, p.b)))
                if c.exercise not in seen[key]:
                    seen[key].append(c.exercise)
        out = [(a, b, exs) for (a, b), exs in seen.items() if len(exs) > 1]
        return sorted(out, key=lambda t: (-len(t[2]), t[0], t[1]))

    def to_dict(self) -> dict:
        return {"clusters": [asdict(c) for c in self.clusters],
                "exercises": {k: asdict(v) for k, v in self.exercises.items()},
                "unreadable": self.unreadable, "seconds": self.seconds, "settings": self.settings}

    @classmethod
    def from_dict(cls, data: dict) -> "Analysis":
        clusters = [Cluster(c["exercise"], c["students"], [Pair(**p) for p in c["pairs"]], c["code"], c["slices"])
                    for c in data["clusters"]]
        return cls(clusters, {k: ExerciseStats(**v) for k, v in data["exercises"].items()},
                   data.get("unreadable", {}), data.get("seconds", 0.0), data.get("settings", {}))


# ------------------------------------------------------------------ the caller's side

def analyse(assignment, submissions: dict[str, Path], workers: int = DEFAULT_WORKERS,
            timeout: float = CHILD_TIMEOUT) -> Analysis:
    """Cluster the submissions (learner -> notebook path) of ``assignment``, in a child process."""
    request = {"assignment": assignment.id, "root": str(assignment.root), "workers": workers,
               "submissions": {s: str(p) for s, p in submissions.items()}}
    env = dict(os.environ, PYTHONHASHSEED="0")
    package_parent = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = package_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")

    def limits() -> None:
        limit = CHILD_MEMORY_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    # -P: the engine next to this file, whatever the current directory holds
    proc = subprocess.run([sys.executable, "-P", "-m", "autograde.similarity"], input=json.dumps(request),
                          capture_output=True, text=True, timeout=timeout, env=env, preexec_fn=limits,
                          cwd=package_parent)
    if proc.returncode != 0:
        raise RuntimeError(f"the similarity analysis failed (exit {proc.returncode}): {proc.stderr[-1500:]}")
    return Analysis.from_dict(json.loads(proc.stdout))


# ------------------------------------------------------------------ the child's side

class _Doc:
    """One learner's normalised, fingerprinted solution cell (copydetect's CodeFingerprint,
    built from a string instead of a file)."""

    def __init__(self, code: str, boilerplate, filtered=None) -> None:
        from copydetect.utils import get_document_fingerprints, get_token_coverage

        self.raw_code = code
        self.filtered_code, self.offsets = filtered or _filter_many([code])[0]
        self.hashes, self.hash_idx = get_document_fingerprints(self.filtered_code, K, WINDOW, boilerplate)
        self.k = K
        self.token_coverage = get_token_coverage(self.hash_idx, K, len(self.filtered_code))

    def drop(self, common: set) -> None:
        """Remove common fingerprints (found only once every document is fingerprinted)."""
        from copydetect.utils import get_token_coverage

        if self.hashes & common:
            self.hashes = self.hashes - common
            self.hash_idx = {h: i for h, i in self.hash_idx.items() if h not in common}
            self.token_coverage = get_token_coverage(self.hash_idx, K, len(self.filtered_code))


def _fingerprints(code: str):
    from copydetect.utils import get_document_fingerprints

    filtered, _ = _filter_many([code])[0]
    return filtered, get_document_fingerprints(filtered, K, WINDOW)[0]


def learner_cells(assignment, submissions: dict[str, Path]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """exercise -> learner -> solution cell code, as grading reads it; and the unreadable ones."""
    from autograde.submission import SubmissionError, sanitize

    source = assignment.source_notebook()
    wanted = {ex + "_code": ex for ex in source.exercises if ex + "_code" in set(source.solution_ids)}
    cells: dict[str, dict[str, str]] = {ex: {} for ex in wanted.values()}
    unreadable = {}
    for student, path in submissions.items():
        try:
            sub = sanitize(Path(path), source)
        except SubmissionError as exc:
            unreadable[student] = str(exc)
            continue
        if sub.other_assignment:
            unreadable[student] = f"a notebook of {sub.other_assignment}"
            continue
        for cell_id, code in sub.cells:
            if cell_id in wanted and cell_id not in sub.missing_solutions:
                cells[wanted[cell_id]][student] = code[:MAX_CELL_CHARS]
    return cells, unreadable


def _release_cells(assignment) -> dict[str, str]:
    from autograde.submission import read_notebook

    try:
        cells, _ = read_notebook(assignment.release_path)
    except Exception:  # no release yet: no starter code to remove
        return {}
    return {c.grade_id: c.source for c in cells if c.grade_id}


def _python_lexer():
    """Pygments' Python lexer, with one quirk fixed: ``a@b`` (matrix product without spaces) is
    lexed as ``a`` followed by a decorator ``@b``, which would keep the name ``b`` through
    copydetect's renaming; a decorator that does not start a line is the ``@`` operator."""
    from pygments.filter import Filter
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Name, Operator

    class MatmulNotDecorator(Filter):
        def filter(self, lexer, stream):
            line_start = True
            for ttype, value in stream:  # cheap string tests first: this runs for every token
                if not line_start and value[:1] == "@" and ttype in Name.Decorator:
                    yield Operator, "@"
                    yield Name, value[1:]
                else:
                    yield ttype, value
                if "\n" in value:
                    line_start = True
                elif value.strip():
                    line_start = False

    lexer = get_lexer_by_name("python")
    lexer.add_filter(MatmulNotDecorator())
    return lexer


def _filter_many(codes: list[str]) -> list[tuple]:
    """copydetect's normalisation of each code, with one lexer for all (building one per call,
    as copydetect does, costs more than lexing a short cell)."""
    import copydetect.utils as cu

    lexer = _python_lexer()
    real = cu.lexers.get_lexer_by_name
    cu.lexers.get_lexer_by_name = lambda name, **kw: lexer if name == "python" and not kw else real(name, **kw)
    try:
        return [cu.filter_code(code, "cell.py", "python") for code in codes]
    finally:
        cu.lexers.get_lexer_by_name = real


def normalise_all(codes: set[str], workers: int = 1) -> dict[str, tuple]:
    """raw code -> (normalised code, offsets), over ``workers`` processes (lexing is the cost)."""
    unique = sorted(codes)
    if workers <= 1 or len(unique) < 200:
        return dict(zip(unique, _filter_many(unique)))
    import concurrent.futures as cf
    import multiprocessing

    chunks = [unique[i::workers * 4] for i in range(workers * 4)]
    out: dict[str, tuple] = {}
    with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for chunk, done in zip(chunks, pool.map(_filter_many, chunks)):
            out.update(zip(chunk, done))
    return out


def analyse_cells(cells: dict[str, dict[str, str]], starter: dict[str, str],
                  reference: dict[str, str], workers: int = 1) -> Analysis:
    """The analysis proper (deterministic only under a fixed PYTHONHASHSEED: see :func:`analyse`)."""
    import numpy as np

    started = time.monotonic()
    normal = normalise_all({c for by in cells.values() for c in by.values()}, workers)
    out = Analysis(settings={"k": K, "window": WINDOW, "threshold": THRESHOLD, "min_coverage": MIN_COVERAGE,
                             "common_floor": COMMON_FLOOR, "common_share": COMMON_SHARE})
    for exercise, by_student in cells.items():
        stats = out.exercises.setdefault(exercise, ExerciseStats(submissions=len(by_student)))
        starter_filtered, starter_hashes = _fingerprints(starter.get(exercise, ""))
        ref_filtered, ref_hashes = _fingerprints(reference.get(exercise, ""))
        boilerplate = np.array(sorted(starter_hashes | ref_hashes))
        # learners whose normalised code is identical form one group, fingerprinted once
        groups: dict[str, list[str]] = defaultdict(list)
        filtered = {}
        for student in sorted(by_student):
            filtered[student] = normal[by_student[student]]
            groups[filtered[student][0]].append(student)
        frequency: Counter = Counter()
        reps: dict[str, _Doc] = {}
        for text, members in groups.items():
            if text == starter_filtered:
                stats.starter += len(members)
            elif text == ref_filtered:
                stats.reference += len(members)
            else:
                reps[text] = _Doc(by_student[members[0]], boilerplate, filtered[members[0]])
                for h in reps[text].hashes:
                    frequency[h] += len(members)
        limit = max(COMMON_FLOOR, COMMON_SHARE * len(by_student))
        common = {h for h, n in frequency.items() if n > limit}
        judged = {}
        for text, doc in reps.items():
            doc.drop(common)
            if doc.token_coverage >= MIN_COVERAGE:
                judged[text] = doc
        stats.judged_students = sorted(m for t in judged for m in groups[t])
        stats.judged = len(stats.judged_students)
        stats.distinct = len(judged)
        pairs = _similar_pairs(list(judged.items()), groups, stats)
        for cluster in _clusters(exercise, pairs, by_student):
            a, b = cluster.best.a, cluster.best.b
            extra = common | set(boilerplate.tolist())
            cluster.slices = _shared_slices(by_student[a], by_student[b], extra)
            out.clusters.append(cluster)
    out.clusters.sort(key=lambda c: c.rank_key)
    out.seconds = round(time.monotonic() - started, 3)
    return out


def _similar_pairs(judged: list[tuple[str, "_Doc"]], groups: dict[str, list[str]],
                   stats: ExerciseStats) -> list[Pair]:
    """Flagged pairs of learners: within a group (identical once normalised) and between
    groups whose judged code overlaps enough on both sides."""
    from copydetect.detector import compare_files

    pairs: list[Pair] = []
    for text, doc in judged:
        members = groups[text]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.append(Pair(members[x], members[y], 1.0, 1.0, 1.0))
    index: dict[int, list[int]] = defaultdict(list)
    for i, (_, doc) in enumerate(judged):
        for h in doc.hashes:
            index[h].append(i)
    shared: Counter = Counter()
    for holders in index.values():
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                shared[(holders[x], holders[y])] += 1
    for (i, j), n in sorted(shared.items()):
        (ti, di), (tj, dj) = judged[i], judged[j]
        if n < CANDIDATE_SHARE * min(len(di.hashes), len(dj.hashes)):
            continue
        stats.compared_pairs += 1
        _, (sa, sb), _ = compare_files(di, dj)
        if min(sa, sb) < THRESHOLD:
            continue
        for a in groups[ti]:
            for b in groups[tj]:
                x, y, s1, s2 = (a, b, sa, sb) if a < b else (b, a, sb, sa)
                pairs.append(Pair(x, y, round(float(min(sa, sb)), 4), round(float(s1), 4), round(float(s2), 4)))
    return pairs


def _shared_slices(code_a: str, code_b: str, boilerplate: set) -> dict[str, list[list[int]]]:
    """[start, end) character ranges of each raw cell that the other shares (for display)."""
    import numpy as np
    from copydetect.detector import compare_files

    bp = np.array(sorted(boilerplate))
    da, db = _Doc(code_a, bp), _Doc(code_b, bp)
    _, _, (sa, sb) = compare_files(da, db)

    def ranges(s) -> list[list[int]]:
        if s is None or len(s) == 0 or len(s[0]) == 0:
            return []
        return [[int(x), int(y)] for x, y in zip(s[0], s[1])]

    return {"a": ranges(sa), "b": ranges(sb)}


def _clusters(exercise: str, pairs: list[Pair], code: dict[str, str]) -> list[Cluster]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.a)] = find(p.b)
    members: dict[str, list[str]] = defaultdict(list)
    for s in list(parent):
        members[find(s)].append(s)
    inside: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        inside[find(p.a)].append(p)
    clusters = []
    for root, group in members.items():
        students = sorted(group)
        ranked = sorted(inside[root], key=lambda p: (-p.similarity, p.a, p.b))
        clusters.append(Cluster(exercise, students, ranked, {s: code[s] for s in students}))
    return clusters


def main() -> int:
    """The child process: a JSON request on stdin, the analysis as JSON on stdout."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        print("autograde.similarity must run with PYTHONHASHSEED=0 (use analyse())", file=sys.stderr)
        return 2
    from autograde.assignment import load_assignment

    request = json.load(sys.stdin)
    assignment = load_assignment(request["assignment"], Path(request["root"]))
    started = time.monotonic()
    cells, unreadable = learner_cells(assignment, {s: Path(p) for s, p in request["submissions"].items()})
    release = _release_cells(assignment)
    source = {c.grade_id: c.source for c in assignment.source_notebook().cells}
    starter = {ex: release.get(ex + "_code", "") for ex in cells}
    reference = {ex: source.get(ex + "_code", "") for ex in cells}
    result = analyse_cells(cells, starter, reference, workers=int(request.get("workers", 1)))
    result.unreadable = unreadable
    result.seconds = round(time.monotonic() - started, 3)
    json.dump(result.to_dict(), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------------------------------ disguised copies (tests, benchmark, demo)

_NEW_NAMES = ("alpha", "beta", "gamma", "delta", "kappa", "theta", "omega", "sigma", "zeta", "lam", "rho", "tau",
              "phi", "chi", "psi", "eta", "iota", "mu", "nu", "xi")


def disguise(code: str, seed: int = 0) -> str:
    """A copy of TRUSTED code (a catalog variant, never a learner's) as a copier would hide it:
    local names renamed, layout changed, comments added, the docstring dropped. Same behaviour."""
    import ast
    import io
    import random
    import tokenize

    rng = random.Random(seed)
    tree = ast.parse(code)
    local: set[str] = set()
    docstrings: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local |= {a.arg for a in fn.args.args + fn.args.kwonlyargs}
            local |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(getattr(fn.body[0], "value", None),
                                                                                ast.Constant) \
                    and isinstance(fn.body[0].value.value, str):
                docstrings.add(fn.body[0].lineno)
    keywords = {kw.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for kw in n.keywords if kw.arg}
    local -= keywords  # f(axis=...) keeps its keyword; a local named like a keyword argument keeps its name
    names = list(_NEW_NAMES)
    rng.shuffle(names)
    mapping = {old: f"{names[i % len(names)]}{i // len(names) or ''}_{rng.randint(1, 9)}"
               for i, old in enumerate(sorted(local))}
    tokens = []
    previous = None
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.STRING and tok.start[0] in docstrings and previous in (tokenize.INDENT,
                                                                                        tokenize.NEWLINE):
            tokens.append((tokenize.NAME, "pass"))
        elif tok.type == tokenize.NAME and tok.string in mapping and not (tokens and tokens[-1][1] == "."):
            tokens.append((tok.type, mapping[tok.string]))
        elif tok.type == tokenize.COMMENT:
            continue
        elif tok.type == tokenize.NEWLINE and rng.random() < 0.3:
            tokens.append((tokenize.COMMENT, "  # " + rng.choice(["here", "done", "check this", "ok", "step"])))
            tokens.append((tok.type, tok.string))
        else:
            tokens.append((tok.type, tok.string))
        previous = tok.type
    # untokenize's compact layout writes "np .tanh"; Pygments reads "a .b" in imports differently
    # from "a.b", and no copier writes it so: keep attribute access tight
    return re.sub(r"(\w) \.(?=\w)", r"\1.", tokenize.untokenize(tokens))
