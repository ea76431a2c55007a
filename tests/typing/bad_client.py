"""Mistakes the stubs must catch: ``mypy --strict`` reports each marked line.

tests/test_typing.py checks that mypy fails on exactly the lines marked
``# E: <error code>``, with that code (``a|b``: either, as mypy's version
has it), and on no other line.  Never run.
"""

from __future__ import annotations

import os

import runpath_spec
from runpath_spec import compat, pyc


class NoCode:
    def __init__(self, fullname: str, path: str) -> None:
        self.path = path


def mistakes(target: runpath_spec.MainTarget) -> None:
    runpath_spec.run_path("p.py", profile="pyhton")  # E: arg-type
    runpath_spec.run_path(3)  # E: arg-type
    runpath_spec.run_path("p.py", {1: "one"})  # E: dict-item
    runpath_spec.run_path("p.py", "__main__")  # E: arg-type
    runpath_spec.run_path("p.py", None, "__main__", "python")  # E: call-arg|misc
    runpath_spec.run_module(b"mod")  # E: arg-type
    runpath_spec.run_main("p.py", argv=[1])  # E: list-item
    runpath_spec.exec_spec("p.py")  # E: arg-type
    runpath_spec.register_loader(NoCode, ".nc")  # E: arg-type
    runpath_spec.spec_from_path("p.py", loaders=[(NoCode, ".nc")])  # E: list-item
    if target.kind == "pyc":  # E: comparison-overlap
        pass
    target.replace = "yes"  # E: assignment
    path0: str = target.path0  # E: assignment
    code: bytes = target.code  # E: assignment
    compat.run_path("p.py", run_name=os.sep, alter_sys=True)  # E: call-arg
    pyc.read_header("not bytes")  # E: arg-type
    pyc.hash_check_wanted(pyc.read_header(b""), mode="sometimes")  # E: arg-type
    if pyc.read_header(b"").kind == "hashed":  # E: comparison-overlap
        pass
    runpath_spec.SourceScriptLoader("__main__", "p.py", "text")  # E: arg-type
    print(path0, code)
