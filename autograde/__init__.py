"""autograde: a sandboxed grading engine for the Sequence Models course."""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

__version__ = "0.1.0"


def _defer_iri_grammar() -> None:
    """Make rfc3987-syntax's grammar load when it is first used, not when jsonschema is imported.

    nbformat imports jsonschema, whose format checkers import rfc3987-syntax (pulled in by
    jupyter-events' ``jsonschema[format-nongpl]``), which compiles its Earley parsers at import:
    about 1.1 s of CPU in every process that reads a notebook (each CLI run, grading worker and
    Dask worker), for the ``iri`` format that no notebook schema uses (jsonschema issue 1428).
    The stand-in keeps the same function; the real module is imported on its first call."""
    name = "rfc3987_syntax"
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return
    stand_in = types.ModuleType(name, "rfc3987-syntax, imported on first use (see autograde/__init__.py)")
    stand_in.__path__ = list(spec.submodule_search_locations)  # its submodules import as usual

    def is_valid_syntax(term: str, value: str) -> bool:
        return importlib.import_module(f"{name}.syntax_helpers").is_valid_syntax(term, value)

    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules[name] = stand_in


_defer_iri_grammar()
