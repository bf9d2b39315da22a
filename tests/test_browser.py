"""The class report and learner feedback pages in a real headless browser.

A small demo-like course batch of w1a1 is graded in course mode, then `autograde report`
writes its class report. Debian's chromium, driven by selenium through Debian's
chromedriver (never a downloaded driver), opens the report and several feedback pages:
no console errors, no script at all, every figure drawn with a non-zero size, nothing
fetched from the network, learner text shown as text (never markup), nothing hidden.
Screenshots are kept under build/screenshots/ for people to look at.

`make setup` installs chromium and chromium-driver when run as root; without root and
without the browser these tests are skipped, with a message that says so.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograde import demo_extra, similarity
from autograde.assignment import load_assignment
from autograde.catalog import Variant, load_catalog
from autograde.validate import variant_notebook
from conftest import ROOT, W1A1

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SHOTS = ROOT / "build" / "screenshots"
HOSTILE_COMMENT = "# </pre><img src=x onerror=alert(1)><script>alert(2)</script>\n"
HOSTILE_ERROR = "<b>bold</b><script>alert(3)</script>"


def _browser_or_skip():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (requirements.lock)")
    if missing:
        why = f"headless browser test: missing {', '.join(missing)}"
        if os.geteuid() != 0:
            pytest.skip(why + " and not root: `make setup` as root installs chromium and chromium-driver")
        pytest.fail(why + ": `make setup` (run as root) installs chromium and chromium-driver")


@pytest.fixture(scope="module")
def browser():
    _browser_or_skip()
    os.environ["SE_OFFLINE"] = "true"  # selenium manager must never download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--disable-extensions", "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def _notebook(assignment, tmp: Path, name: str, cells: dict[str, str]) -> Path:
    nb = nbformat.read(str(assignment.source_path), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in cells:
            cell.source = cells[gid]
    path = tmp / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded course batch like `make demo`'s, plus learner text that tries to be markup."""
    _browser_or_skip()
    tmp = tmp_path_factory.mktemp("browser")
    course = tmp / "course"
    course.mkdir()
    for name in ("source", "release", "graders", "datasets", "tests"):
        (course / name).symlink_to(ROOT / name)
    w1a1 = load_assignment(W1A1, course)
    catalog = load_catalog(w1a1.catalog_path)
    scratch = tmp / "scratch"
    scratch.mkdir()

    def put(student: str, path: Path) -> None:
        target = course / "submitted" / student / W1A1 / w1a1.notebook_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    put("ada", w1a1.source_path)
    put("ben", w1a1.release_path)
    put("cleo", variant_notebook(w1a1.source_path, next(v for v in catalog.wrong
                                                        if v.diagnosis == "missing_da_prevt"), scratch, "cleo-"))
    put("dev", _notebook(w1a1, scratch, "dev", {
        "rnn_cell_forward_code": f"def rnn_cell_forward(xt, a_prev, parameters):\n"
                                 f"    raise ValueError({HOSTILE_ERROR!r})\n",
        "lstm_forward_code": "def lstm_forward(x, a0, parameters):\n    import os\n    os._exit(3)\n"}))
    loop = next(v for v in catalog.correct if v.name == "rnn_cell_forward_loop_over_batch")
    put("kim", variant_notebook(w1a1.source_path, Variant(loop.exercise, "kim", HOSTILE_COMMENT + loop.code),
                                scratch, "kim-"))
    put("lou", variant_notebook(w1a1.source_path, Variant(loop.exercise, "lou", HOSTILE_COMMENT
                                                          + similarity.disguise(loop.code, 5)), scratch, "lou-"))
    demo_extra.add_copies(w1a1, scratch, put)  # ivy and jon, as in `make demo`
    (scratch / "junk.ipynb").write_text("{ this is not a notebook")
    put("zoe", scratch / "junk.ipynb")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    grade = subprocess.run([sys.executable, "-m", "autograde.cli", "grade", W1A1, "--course-dir", str(course),
                            "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=1500, env=env)
    assert grade.returncode == 0, grade.stdout + grade.stderr
    report = subprocess.run([sys.executable, "-m", "autograde.cli", "report", W1A1, "--course-dir", str(course)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert report.returncode == 0, report.stdout + report.stderr
    return course


def _open(driver, path: Path, shot: str) -> None:
    driver.get_log("browser")  # drop earlier entries
    driver.get(path.resolve().as_uri())
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height + 40, 600), 16000))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / shot))
    errors = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
    assert not errors, errors
    # self-contained and inert: no script, nothing from the network
    assert driver.execute_script("return document.scripts.length") == 0
    urls = driver.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href]')).map(e => e.getAttribute('src') || "
        "e.getAttribute('href'))")
    assert not [u for u in urls if re.match(r"^(https?:)?//", u)], urls


def test_class_report_renders(browser, course):
    page = course / "autograded" / f"{W1A1}-report.html"
    html = page.read_text()
    assert "<script" not in html.lower().replace("&lt;script", "")
    _open(browser, page, "class-report.png")
    figures = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure img')).map(i => {const r = i.getBoundingClientRect();"
        " return [i.complete, i.naturalWidth, i.naturalHeight, r.width, r.height, i.getAttribute('src').slice(0, 26)]})")
    assert len(figures) >= 4, figures  # scores, exercises, mistakes, grading time
    for complete, nw, nh, w, h, src in figures:
        assert complete and nw > 0 and nh > 0 and w > 0 and h > 0 and src == "data:image/svg+xml;base64,"
    assert browser.execute_script("return document.querySelectorAll('img:not(figure img)').length") == 0
    text = browser.find_element("tag name", "body").text
    for expected in ("Score distribution", "Exercises", "Recognised mistakes", "missing_da_prevt",
                     "at each step pass", "Similar implementations", "could not be graded", "zoe",
                     "slowest submissions", "crashed or timed out"):
        assert expected in text, expected
    clusters = browser.execute_script("return Array.from(document.querySelectorAll('.cluster')).map(c => c.innerText)")
    assert any("kim" in c and "lou" in c for c in clusters), clusters
    assert any("ivy" in c and "jon" in c for c in clusters), clusters
    assert not any("ada" in c for c in clusters)  # the solution is never evidence of copying
    assert "<img src=x onerror=alert(1)>" in text  # the learner's comment, shown as text
    shown = browser.execute_script("return Array.from(document.querySelectorAll('.side pre mark')).length")
    assert shown > 0  # shared code is marked


def test_feedback_pages_render(browser, course):
    w1a1 = load_assignment(W1A1, course)
    stem = Path(w1a1.notebook_name).stem
    grader_text = "".join(p.read_text() for p in (ROOT / "graders" / W1A1).glob("*.py"))
    for student in ("cleo", "dev", "ben", "zoe", "ada"):
        page = course / "feedback" / student / W1A1 / f"{stem}.html"
        _open(browser, page, f"feedback-{student}.png")
        text = browser.find_element("tag name", "body").text
        sections = browser.find_elements("css selector", "section.exercise")
        assert len(sections) == (0 if student == "zoe" else len(w1a1.exercises))
        for section in sections:
            body = section.text
            assert "What was checked" in body
            badge = section.find_element("css selector", ".badge").text
            assert badge, body
            score = re.search(r"(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)", body)
            assert score and len(score.group(1).partition(".")[2]) <= 2, body
            if not badge.startswith("Correct") and student != "zoe":
                assert "First failing check" in body, body
        for secret in ("def test_", "CONFIGS", "rnn_problem", "internal grader error"):
            assert secret not in text
        assert "rnn_problem" in grader_text and "CONFIGS" in grader_text
        if student == "cleo":
            assert "Hint: a mistake we recognise" in text and "da_prevt" in text
        if student == "dev":
            assert HOSTILE_ERROR in text  # the learner's exception message, as text
            assert "Your code raised an error" in text and "Stopped: it crashed or took too long" in text
        if student == "zoe":
            assert "This notebook could not be graded" in text and "not valid JSON" in text
        if student == "ada":
            assert text.count("All checks passed.") == len(w1a1.exercises)
