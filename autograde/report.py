"""`autograde report ASSIGNMENT`: one self-contained HTML page about a graded batch.

Read from the course's last run (``autograded/<id>-results.json``, written by course-mode
grading) and its nbgrader gradebook (submission times, and a check that the gradebook still
holds the scores of that run). The page needs no network and runs no script: plots are
drawn with matplotlib and embedded as SVG data (``<img src="data:image/svg+xml;base64,...">``,
so each figure is isolated from the page and from the others); every piece of text that
comes from a submission (student ids, learner-facing lines, messages, code) is escaped.

Sections: at a glance; score distribution; per exercise the mean score, the share with full
marks, the share that raised an error, crashed or timed out, or was not attempted; the
recognised mistakes of each exercise ranked by how many learners made them, with the hint
they saw; clusters of near-identical implementations (:mod:`autograde.similarity`) with the
code side by side; grading time per submission, the slowest submissions, every submission
that could not be graded with its message, and every internal grader error; all
submissions with links to their feedback pages.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from autograde import outcomes
from autograde.results import NotebookResult, Status, points

COLOURS = {outcomes.FULL: "#2e7d32", outcomes.PARTIAL: "#f2b233", outcomes.WRONG: "#e07b39",
           outcomes.ERROR: "#c62828", outcomes.CRASH: "#6a1b9a", outcomes.NOT_ATTEMPTED: "#9e9e9e",
           outcomes.NOT_GRADED: "#37474f"}
SLOWEST = 10
CLUSTERS_IN_FULL = 15
PAIRS_LISTED = 12


@dataclass
class ClassData:
    assignment: str
    results: list[NotebookResult]
    exercises: dict[str, float]                       # grade_id -> points, notebook order
    timestamps: dict[str, str] = field(default_factory=dict)
    gradebook_notes: list[str] = field(default_factory=list)
    feedback_pages: dict[str, str] = field(default_factory=dict)  # student -> href relative to the report
    similarity: object | None = None                  # similarity.Analysis
    similarity_error: str = ""
    sources: dict[str, str] = field(default_factory=dict)


def _name(r: NotebookResult) -> str:
    return r.student or Path(r.notebook).name


# ------------------------------------------------------------------ loading

def load(assignment, root: Path, db_url: str | None = None, results_path: Path | None = None,
         report_dir: Path | None = None, similarity: bool = True) -> ClassData:
    from autograde.errors import CourseError

    results_path = results_path or root / "autograded" / f"{assignment.id}-results.json"
    try:
        raw = json.loads(results_path.read_text(encoding="utf-8"))
        results = [NotebookResult.from_dict(d) for d in raw["results"]]
    except FileNotFoundError:
        raise CourseError(f"no results of a grading run at {results_path}: run `autograde grade {assignment.id}` "
                          "in course mode first") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CourseError(f"{results_path} is not a results file of autograde ({exc})") from None
    results = [r for r in results if r.assignment == assignment.id]
    data = ClassData(assignment.id, results, dict(assignment.exercises),
                     sources={"results": str(results_path)})
    for r in results:  # exercises of the run (the settings may have changed since)
        for k, ex in r.exercises.items():
            data.exercises.setdefault(k, ex.max_score)
    _read_gradebook(data, db_url or os.environ.get("AUTOGRADE_DB_URL") or f"sqlite:///{root / 'gradebook.db'}")
    report_dir = report_dir or results_path.parent
    for r in results:
        if r.student:
            page = root / "feedback" / r.student / assignment.id / (Path(assignment.notebook_name).stem + ".html")
            if page.is_file():
                data.feedback_pages[r.student] = os.path.relpath(page, report_dir)
    if similarity:
        from autograde import similarity as sim

        paths = {_name(r): Path(r.notebook) for r in results if Path(r.notebook).is_file()}
        try:
            data.similarity = sim.analyse(assignment, paths)
        except Exception as exc:  # the rest of the report is still worth having
            data.similarity_error = f"{type(exc).__name__}: {str(exc)[-600:]}"
    return data


def _read_gradebook(data: ClassData, db_url: str) -> None:
    data.sources["gradebook"] = db_url
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).is_file():
        data.gradebook_notes.append(f"no gradebook at {db_url}; times of submission are not shown")
        return
    try:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(db_url) as gb:
            try:
                assignment = gb.find_assignment(data.assignment)
            except MissingEntry:
                data.gradebook_notes.append(f"the gradebook has no assignment {data.assignment}")
                return
            recorded = {}
            for sub in assignment.submissions:
                recorded[sub.student.id] = float(sub.score or 0.0)
                if sub.timestamp is not None:
                    data.timestamps[sub.student.id] = sub.timestamp.replace(tzinfo=timezone.utc).strftime(
                        "%Y-%m-%d %H:%M UTC")
    except Exception as exc:
        data.gradebook_notes.append(f"the gradebook could not be read ({type(exc).__name__}: {str(exc)[:200]})")
        return
    for r in data.results:
        if r.student and r.student in recorded and abs(recorded[r.student] - r.score) > 1e-6:
            data.gradebook_notes.append(f"{r.student}: the gradebook holds {points(recorded[r.student])} points, "
                                        f"the last run gave {points(r.score)} (graded again, or changed by hand?)")
    missing = sorted(set(recorded) - {r.student for r in data.results})
    if missing:
        data.gradebook_notes.append(f"{len(missing)} learner(s) in the gradebook are not in the last run: "
                                    + ", ".join(missing[:20]) + ("..." if len(missing) > 20 else ""))


# ------------------------------------------------------------------ figures

def _svg_figure(draw, width: float, height: float, alt: str, caption: str) -> str:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "autograde-report", "text.parse_math": False, "font.size": 9,
                                "svg.fonttype": "path", "axes.spines.top": False, "axes.spines.right": False}):
        fig = Figure(figsize=(width, height), layout="constrained")
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    esc = html.escape
    return (f"<figure><img src='data:image/svg+xml;base64,{data}' alt='{esc(alt)}' "
            f"style='width:{width * 96:.0f}px;max-width:100%'><figcaption>{esc(caption)}</figcaption></figure>")


def score_figure(data: ClassData) -> str:
    total = sum(data.exercises.values()) or 1.0
    graded = [100.0 * r.score / (r.max_score or total) for r in data.results if r.status is Status.GRADED]
    failed = sum(r.status is not Status.GRADED for r in data.results)

    def draw(fig):
        ax = fig.add_subplot()
        bins = list(range(0, 101, 5))
        ax.hist(graded, bins=bins, color="#3f6fb5", edgecolor="white", label="graded")
        if failed:
            ax.bar([-4], [failed], width=3.5, color=COLOURS[outcomes.NOT_GRADED], label="could not be graded")
        if graded:
            mean = statistics.fmean(graded)
            ax.axvline(mean, color="#c62828", linestyle="--", linewidth=1.2, label=f"mean {mean:.1f}%")
        ax.set_xlim(-6, 101)
        ax.set_xlabel("score (% of the points)")
        ax.set_ylabel("submissions")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False, loc="upper center")

    return _svg_figure(draw, 7.0, 2.8, "histogram of scores",
                       f"Scores of {len(data.results)} submissions, in bins of 5%"
                       + (f"; {failed} could not be graded (left)" if failed else "") + ".")


def outcome_table(data: ClassData) -> dict[str, Counter]:
    table: dict[str, Counter] = {ex: Counter() for ex in data.exercises}
    for r in data.results:
        kinds = outcomes.of_result(r)
        for ex in data.exercises:
            table[ex][kinds.get(ex, outcomes.NOT_GRADED)] += 1
    return table


def outcome_figure(data: ClassData, table: dict[str, Counter]) -> str:
    exercises = list(data.exercises)
    n = max(1, len(data.results))

    def draw(fig):
        ax = fig.add_subplot()
        left = [0.0] * len(exercises)
        y = list(range(len(exercises)))[::-1]
        for kind in outcomes.ORDER:
            widths = [100.0 * table[ex][kind] / n for ex in exercises]
            if any(widths):
                ax.barh(y, widths, left=left, color=COLOURS[kind], label=outcomes.LABEL[kind], height=0.65)
                left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(y, [f"{i + 1}. {ex}" for i, ex in enumerate(exercises)])
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of submissions")
        ax.legend(frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8)

    return _svg_figure(draw, 7.0, 0.45 * len(exercises) + 1.5, "outcome of each exercise",
                       "What happened to each exercise, as a share of all submissions.")


def mistakes(data: ClassData) -> dict[str, list[tuple[str, int, str, list[str]]]]:
    """exercise -> [(diagnosis id, learners, the hint they saw (most common wording), learners)]."""
    found: dict[str, dict[str, list]] = {ex: defaultdict(list) for ex in data.exercises}
    wording: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in data.results:
        for ex, er in r.exercises.items():
            for d, hint in outcomes.hints(er).items():
                found.setdefault(ex, defaultdict(list))[d].append(_name(r))
                wording[(ex, d)][hint] += 1
    out = {}
    for ex, by in found.items():
        rows = [(d, len(who), wording[(ex, d)].most_common(1)[0][0], sorted(who)) for d, who in by.items()]
        out[ex] = sorted(rows, key=lambda t: (-t[1], t[0]))
    return out


def mistakes_figure(data: ClassData, ranked: dict[str, list]) -> str | None:
    rows = [(f"{ex}: {d}", n) for ex, items in ranked.items() for d, n, _, _ in items]
    if not rows:
        return None
    rows = sorted(rows, key=lambda t: -t[1])[:20][::-1]

    def draw(fig):
        ax = fig.add_subplot()
        ax.barh(range(len(rows)), [n for _, n in rows], color="#e07b39", height=0.6)
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.set_xlabel("learners")
        ax.xaxis.get_major_locator().set_params(integer=True)

    return _svg_figure(draw, 7.0, 0.32 * len(rows) + 1.0, "recognised mistakes by number of learners",
                       "The most common recognised mistakes (exercise: diagnosis), by number of learners.")


def time_figure(data: ClassData) -> str:
    rows = sorted(((_name(r), r.seconds, r.status is Status.GRADED) for r in data.results), key=lambda t: -t[1])

    def draw(fig):
        ax = fig.add_subplot()
        if len(rows) <= 40:
            ax.bar(range(len(rows)), [s for _, s, _ in rows], color=["#3f6fb5" if ok else "#37474f"
                                                                    for _, _, ok in rows])
            ax.set_xticks(range(len(rows)), [name[:18] for name, _, _ in rows], rotation=60, ha="right")
            ax.set_ylabel("seconds")
        else:
            ax.hist([s for _, s, _ in rows], bins=30, color="#3f6fb5", edgecolor="white")
            ax.set_xlabel("seconds")
            ax.set_ylabel("submissions")

    caption = ("Grading time of each submission, slowest first (dark: could not be graded)." if len(rows) <= 40
               else f"Grading time of the {len(rows)} submissions.")
    return _svg_figure(draw, 7.0, 3.0, "grading time per submission", caption)


# ------------------------------------------------------------------ page

_STYLE = """
:root{--line:#d9dde3;--muted:#5b6470}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;line-height:1.45}
main{max-width:72rem;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0}h2{margin-top:2.2rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{margin:1.4rem 0 .4rem}
.meta{color:var(--muted);font-size:.9rem}
.tiles{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.tile{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;min-width:9rem}
.tile b{display:block;font-size:1.4rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
td,th{border-bottom:1px solid var(--line);padding:.3rem .55rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
figure{margin:1rem 0}figcaption{color:var(--muted);font-size:.88rem}
.warn{background:#fff4db;border-left:4px solid #f0b400;padding:.5rem .8rem}
.bad{background:#fde8e7;border-left:4px solid #b42318;padding:.5rem .8rem}
.cluster{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;margin:1rem 0}
.side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.8rem}
.side pre{margin:0;background:#f6f8fa;padding:.5rem;overflow:auto;font-size:.82rem;max-height:32rem;white-space:pre}
mark{background:#ffe08a}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
pre.msg{white-space:pre-wrap;margin:0;font-size:.85rem}
details summary{cursor:pointer}
"""


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """A table; cells must already be HTML (escaped by the caller)."""
    head = "".join(f"<th class='num'>{h}</th>" if i in numeric else f"<th>{h}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td class='num'>{c}</td>" if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:.0f}%" if total else "-"


def _highlight(code: str, ranges: list[list[int]]) -> str:
    """The code, escaped, with the shared ranges marked."""
    out, pos = [], 0
    for start, end in sorted((max(0, a), min(len(code), b)) for a, b in ranges):
        if start < pos or start >= end:
            continue
        out.append(html.escape(code[pos:start]))
        out.append(f"<mark>{html.escape(code[start:end])}</mark>")
        pos = end
    out.append(html.escape(code[pos:]))
    return "".join(out)


def _similarity_section(data: ClassData) -> str:
    esc = html.escape
    parts = ["<h2 id='similarity'>Similar implementations</h2>"]
    if data.similarity_error:
        parts.append(f"<p class='bad'>The similarity analysis failed: {esc(data.similarity_error)}</p>")
        return "".join(parts)
    an = data.similarity
    if an is None:
        parts.append("<p>Not computed (--no-similarity).</p>")
        return "".join(parts)
    s = an.settings
    parts.append(
        "<p>Per exercise, the solution cells of every pair of submissions are compared with copydetect's winnowing "
        "fingerprints after normalisation (comments, layout, names and strings dropped). Not evidence of copying, "
        "so removed first: the release's starter code, the instructor's solution, and code that more than "
        f"max({s.get('common_floor')}, {100 * s.get('common_share', 0):.0f}% of the class) submissions share. Cells "
        f"with less than {s.get('min_coverage')} normalised characters left are too short to judge. A pair is "
        f"listed when at least {100 * s.get('threshold', 0):.0f}% of each side's judged code is found in the other; "
        f"pairs are joined into clusters, ranked by their closest pair. Analysis time: {an.seconds:.1f} s.</p>")
    rows = []
    for i, (ex, st) in enumerate(an.exercises.items(), 1):
        flagged = sum(len(c.students) for c in an.clusters if c.exercise == ex)
        rows.append([f"{i}. <code>{esc(ex)}</code>", str(st.submissions), str(st.starter), str(st.reference),
                     str(st.judged), str(st.distinct), str(flagged)])
    parts.append(_table(["exercise", "submissions", "starter code unchanged", "the instructor's solution",
                         "judged", "distinct judged", "in a cluster"], rows, {1, 2, 3, 4, 5, 6}))
    if an.unreadable:
        parts.append("<p>Not compared (unreadable): " + esc(", ".join(sorted(an.unreadable))) + "</p>")
    repeated = an.repeated_pairs()
    if repeated:
        parts.append("<h3>Pairs of learners close on several exercises</h3>")
        parts.append(_table(["learners", "exercises"], [[esc(f"{a} and {b}"), esc(", ".join(exs))]
                                                         for a, b, exs in repeated[:30]]))
    if not an.clusters:
        parts.append("<p>No cluster of near-identical implementations.</p>")
        return "".join(parts)
    parts.append(f"<h3>Clusters ({len(an.clusters)}), closest first</h3>")
    for rank, c in enumerate(an.clusters[:CLUSTERS_IN_FULL], 1):
        best = c.best
        listed = "".join(f"<li>{esc(p.a)} and {esc(p.b)}: {100 * p.similarity:.0f}% "
                         f"({100 * p.share_a:.0f}% / {100 * p.share_b:.0f}%)</li>" for p in c.pairs[:PAIRS_LISTED])
        more = f"<li>and {len(c.pairs) - PAIRS_LISTED} more pairs</li>" if len(c.pairs) > PAIRS_LISTED else ""
        parts.append(
            f"<div class='cluster' id='cluster-{rank}'><h4>{rank}. <code>{esc(c.exercise)}</code>: "
            f"{len(c.students)} learners, closest pair {100 * best.similarity:.0f}%</h4>"
            f"<p>Learners: {esc(', '.join(c.students))}</p><ul>{listed}{more}</ul>"
            f"<div class='side'><div><strong>{esc(best.a)}</strong><pre>"
            f"{_highlight(c.code.get(best.a, ''), c.slices.get('a', []))}</pre></div>"
            f"<div><strong>{esc(best.b)}</strong><pre>{_highlight(c.code.get(best.b, ''), c.slices.get('b', []))}"
            "</pre></div></div></div>")
    if len(an.clusters) > CLUSTERS_IN_FULL:
        rows = [[str(i), f"<code>{esc(c.exercise)}</code>", esc(", ".join(c.students)),
                 f"{100 * c.best.similarity:.0f}%"] for i, c in enumerate(an.clusters[CLUSTERS_IN_FULL:],
                                                                           CLUSTERS_IN_FULL + 1)]
        parts.append("<details><summary>The other clusters</summary>"
                     + _table(["#", "exercise", "learners", "closest pair"], rows, {0, 3}) + "</details>")
    return "".join(parts)


def render(data: ClassData) -> str:
    esc = html.escape
    results = data.results
    n = len(results)
    graded = [r for r in results if r.status is Status.GRADED]
    failed = [r for r in results if r.status is not Status.GRADED]
    total = sum(data.exercises.values())
    scores = [r.score for r in graded]
    table = outcome_table(data)
    ranked = mistakes(data)
    modes = Counter(r.sandbox or "unknown" for r in results)
    versions = sorted({r.grader_version for r in results if r.grader_version})
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"<h1>{esc(data.assignment)}: class report</h1>",
             f"<p class='meta'>Generated {generated} from {esc(data.sources.get('results', ''))} and "
             f"{esc(data.sources.get('gradebook', ''))}. Sandbox: "
             + esc(", ".join(f"{m} ({k})" for m, k in modes.items())) + ". Grader version: "
             + esc(", ".join(versions) or "unknown") + ".</p>"]
    if any(m != "bubblewrap" for m in modes):
        parts.append("<p class='warn'>Some submissions were graded in the weaker fallback sandbox.</p>")
    for note in data.gradebook_notes:
        parts.append(f"<p class='warn'>Gradebook: {esc(note)}</p>")
    tiles = [("submissions", str(n)), ("graded", str(len(graded))), ("could not be graded", str(len(failed))),
             ("mean score", f"{points(statistics.fmean(scores))} / {points(total)}" if scores else "-"),
             ("median score", f"{points(statistics.median(scores))}" if scores else "-"),
             ("full marks", str(sum(r.score >= total > 0 for r in graded))),
             ("mean grading time", f"{statistics.fmean(r.seconds for r in results):.1f} s" if results else "-")]
    parts.append("<div class='tiles'>" + "".join(f"<div class='tile'><b>{esc(v)}</b>{esc(k)}</div>"
                                                 for k, v in tiles) + "</div>")
    parts.append("<nav>Sections: <a href='#scores'>scores</a> · <a href='#exercises'>exercises</a> · "
                 "<a href='#mistakes'>mistakes</a> · <a href='#similarity'>similar implementations</a> · "
                 "<a href='#time'>grading time and failures</a> · <a href='#all'>all submissions</a></nav>")

    parts.append("<h2 id='scores'>Score distribution</h2>")
    parts.append(score_figure(data))

    parts.append("<h2 id='exercises'>Exercises</h2>")
    rows = []
    for i, (ex, pts) in enumerate(data.exercises.items(), 1):
        got = [r.exercises[ex].score for r in graded if ex in r.exercises]
        c = table[ex]
        rows.append([f"{i}. <code>{esc(ex)}</code>", points(pts),
                     f"{points(statistics.fmean(got))}" if got else "-",
                     f"{100 * statistics.fmean(got) / pts:.0f}%" if got and pts else "-",
                     _pct(c[outcomes.FULL], n), _pct(c[outcomes.CRASH], n), _pct(c[outcomes.ERROR], n),
                     _pct(c[outcomes.NOT_ATTEMPTED], n), _pct(c[outcomes.NOT_GRADED], n)])
    parts.append(_table(["exercise", "points", "mean score", "mean %", "full marks", "crashed or timed out",
                         "raised an error", "not attempted", "not graded"], rows, {1, 2, 3, 4, 5, 6, 7, 8}))
    parts.append(outcome_figure(data, table))

    parts.append("<h2 id='mistakes'>Recognised mistakes</h2>")
    figure = mistakes_figure(data, ranked)
    if figure:
        parts.append(figure)
    for i, ex in enumerate(data.exercises, 1):
        items = ranked.get(ex, [])
        parts.append(f"<h3>{i}. <code>{esc(ex)}</code></h3>")
        if not items:
            parts.append("<p>No recognised mistake.</p>")
            continue
        parts.append(_table(["mistake", "learners", "share", "the hint learners saw", "who"],
                            [[f"<code>{esc(d)}</code>", str(k), _pct(k, n), esc(hint),
                              esc(", ".join(who[:15]) + (" ..." if len(who) > 15 else ""))]
                             for d, k, hint, who in items], {1, 2}))

    parts.append(_similarity_section(data))

    parts.append("<h2 id='time'>Grading time and failures</h2>")
    parts.append(time_figure(data))
    slow = sorted(results, key=lambda r: -r.seconds)[:SLOWEST]
    parts.append(f"<h3>The {len(slow)} slowest submissions</h3>")
    parts.append(_table(["submission", "seconds", "status", "score", "message"],
                        [[esc(_name(r)), f"{r.seconds:.1f}", esc(r.status.value), points(r.score),
                          f"<pre class='msg'>{esc(r.message[:500])}</pre>"] for r in slow], {1, 3}))
    parts.append(f"<h3>Submissions that could not be graded ({len(failed)})</h3>")
    parts.append(_table(["submission", "message"], [[esc(_name(r)), f"<pre class='msg'>{esc(r.message)}</pre>"]
                                                    for r in failed]) if failed else "<p>None.</p>")
    noted = [r for r in graded if r.message]
    if noted:
        parts.append(f"<h3>Graded, with notes ({len(noted)})</h3>")
        parts.append(_table(["submission", "note"], [[esc(_name(r)), f"<pre class='msg'>{esc(r.message)}</pre>"]
                                                     for r in noted]))
    internal = [(r, e) for r in results for e in r.internal_errors]
    if internal:
        parts.append(f"<h3 class='bad'>Internal grader errors ({len(internal)})</h3>")
        parts.append(_table(["submission", "error"], [[esc(_name(r)), f"<pre class='msg'>{esc(e)}</pre>"]
                                                      for r, e in internal]))

    parts.append("<h2 id='all'>All submissions</h2>")
    heads = ["submission", "submitted", "status", "score"] + [f"E{i}" for i in range(1, len(data.exercises) + 1)] \
        + ["seconds", "feedback"]
    rows = []
    for r in sorted(results, key=lambda r: _name(r)):
        page = data.feedback_pages.get(r.student or "")
        rows.append([esc(_name(r)), esc(data.timestamps.get(r.student or "", "")), esc(r.status.value),
                     points(r.score)]
                    + [points(r.exercises[ex].score) if ex in r.exercises else "-" for ex in data.exercises]
                    + [f"{r.seconds:.1f}", f"<a href='{esc(page)}'>page</a>" if page else ""])
    numeric = {3} | set(range(4, 5 + len(data.exercises)))
    parts.append("<p>" + esc("  ".join(f"E{i}={ex}" for i, ex in enumerate(data.exercises, 1))) + "</p>")
    parts.append("<details open><summary>Scores per exercise</summary>" + _table(heads, rows, numeric)
                 + "</details>")
    title = f"{data.assignment}: class report"
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body><main>"
            + "".join(parts) + "</main></body></html>\n")


def write(data: ClassData, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data), encoding="utf-8")
    return path


def build(assignment, root: Path, out: Path | None = None, db_url: str | None = None,
          results_path: Path | None = None, similarity: bool = True) -> Path:
    """Write the report of ``assignment``'s last course-mode run; return its path."""
    out = out or root / "autograded" / f"{assignment.id}-report.html"
    started = time.monotonic()
    data = load(assignment, root, db_url, results_path, out.parent, similarity)
    data.sources["built_in"] = f"{time.monotonic() - started:.1f} s"
    return write(data, out)
