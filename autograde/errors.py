"""Expected failures: things an instructor can cause by input (a misspelt id, a missing
release, a malformed settings file, a bad course directory, no sandbox). The CLI prints
each as one line and exits non-zero; anything else that escapes is a bug, with a traceback.
"""
from __future__ import annotations


class AutogradeError(Exception):
    """Root of every expected failure; its message is written for the instructor."""


class UnknownAssignment(AutogradeError):
    """No such assignment, or one whose folders are incomplete."""


class MissingRelease(AutogradeError):
    """release/<id>/ has not been generated yet."""


class SettingsError(AutogradeError):
    """graders/<id>/assignment.toml has an unknown key or a value of the wrong type."""


class ReleaseError(AutogradeError):
    """nbgrader could not generate a release, or the release would leak or overwrite work."""


class CourseError(AutogradeError):
    """The course directory (or its submissions) is not what course mode needs."""


class SandboxUnavailable(AutogradeError):
    """Learner code cannot be confined here (and will not be run unconfined)."""
