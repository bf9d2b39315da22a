"""Settings are typed: a misspelt key or a wrong type fails with a message naming file and key."""
from __future__ import annotations

import subprocess
import sys

import pytest

from autograde.errors import SettingsError
from autograde.settings import Limits, Settings, read_settings


def test_defaults_live_in_one_place(tmp_path):
    assert read_settings(tmp_path / "missing.toml") == Settings()
    assert Settings().limits == Limits()


def test_settings_are_read_into_typed_frozen_records(tmp_path):
    path = tmp_path / "assignment.toml"
    path.write_text('cell_timeout = 5\npreimport = ["numpy", "tensorflow"]\ncalls = { b = ["a"] }\n'
                    '[limits]\nmemory_mb = 700\n[demo]\npicks = { ann = "x" }\n')
    s = read_settings(path)
    assert s.cell_timeout == 5.0 and isinstance(s.cell_timeout, float)
    assert s.preimport == ("numpy", "tensorflow") and s.limits.memory_mb == 700 and s.demo.picks["ann"] == "x"
    assert s.callers_of("a") == {"b"}
    with pytest.raises(Exception):
        s.cell_timeout = 1  # frozen
    with pytest.raises(TypeError):
        s.calls["c"] = ("a",)  # read-only mapping


@pytest.mark.parametrize("text, key", [
    ("cel_timeout = 5\n", "cel_timeout"),
    ("[limits]\nmemory_mbb = 5\n", "limits.memory_mbb"),
    ("call_timeout = 'fast'\n", "call_timeout"),
    ("preimport = 'numpy'\n", "preimport"),
    ("[limits]\nprocesses = -1\n", "limits.processes"),
    ("[demo]\nhostile = 1\n", "demo.hostile"),
])
def test_a_bad_key_or_type_is_named(tmp_path, text, key):
    path = tmp_path / "assignment.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as info:
        read_settings(path)
    assert str(path) in str(info.value) and key in str(info.value)


def test_the_cli_reports_a_bad_settings_file_in_one_line(tmp_path):
    course = tmp_path / "course"
    (course / "graders" / "w9_x").mkdir(parents=True)
    (course / "source" / "w9_x").mkdir(parents=True)
    (course / "source" / "w9_x" / "x.ipynb").write_text("{}")
    (course / "graders" / "w9_x" / "assignment.toml").write_text("cell_timeot = 3\n")
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "grade", "w9_x", "nb.ipynb", "--course-dir",
                           str(course)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "unknown key 'cell_timeot'" in proc.stderr and "Traceback" not in proc.stderr
