# Types of the Jupyter notebook loader (the "ipynb" entry point).
# stubtest checks this against the module (tests/test_typing.py).

import _ast

from _typeshed import ReadableBuffer, StrPath
from importlib.machinery import SourceFileLoader
from types import CodeType

__all__ = ["NotebookLoader", "NotebookMagicWarning", "notebook_source"]

class NotebookMagicWarning(UserWarning): ...

# (lines, base, set_aside): module line number -> source text, the cell
# numbering base, and the IPython-only lines as (cell, line, text).
def notebook_source(
    data: bytes | str, path: str = ...
) -> tuple[dict[int, str], int, list[tuple[int, int, str]]]: ...

class NotebookLoader(SourceFileLoader):
    # As for runpath_spec.SourceScriptLoader.source_to_code: typeshed's
    # own ignore (InspectLoader's is a staticmethod).
    def source_to_code(  # type: ignore[override]
        self,
        data: ReadableBuffer | str | _ast.Module | _ast.Expression | _ast.Interactive,
        path: bytes | StrPath,
        fullname: str | None = ...,
        *,
        _optimize: int = ...,
    ) -> CodeType: ...
    def get_code(self, fullname: str) -> CodeType: ...
    def set_data(self, path: str, data: ReadableBuffer, *, _mode: int = ...) -> None: ...
