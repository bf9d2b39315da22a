"""autograde: a sandboxed grading engine for the Sequence Models course."""

__version__ = "0.1.0"
