# The pytest plugin's types (see runpath_spec/__init__.pyi for the rules):
# a test annotates the fixture's argument as PythonRunner.
import os
from collections.abc import Mapping
from typing import Any, Literal

import pytest
from _typeshed import StrPath
from typing_extensions import TypeAlias

__all__ = ["run_python", "PythonRunner", "CompletedPython",
           "ThreadTimeoutError"]

# Seconds to wait, in all, for the non-daemon threads a program leaves.
JOIN_TIMEOUT: float

# An argument of `python ARGS`: a path, -m, -c, -, or the program's own.
_Arg: TypeAlias = str | bytes | os.PathLike[str] | os.PathLike[bytes]

class ThreadTimeoutError(TimeoutError): ...

class CompletedPython:
    # As subprocess.CompletedProcess(text=True) has them.
    args: tuple[_Arg, ...]
    returncode: int
    stdout: str
    stderr: str
    # The uncaught exception (SystemExit included), None after a normal end.
    exception: BaseException | None
    # The program's __main__ namespace (the live dict); None if it never ran.
    globals: dict[str, Any] | None
    def __init__(
        self,
        args: tuple[_Arg, ...],
        returncode: int,
        stdout: str,
        stderr: str,
        exception: BaseException | None = ...,
        globals: dict[str, Any] | None = ...,
    ) -> None: ...
    def check_returncode(self) -> None: ...

class PythonRunner:
    def __call__(
        self,
        *args: _Arg,
        stdin: str | bytes | None = ...,
        # Variables to set for the run; None unsets one.
        env: Mapping[str, str | None] | None = ...,
        cwd: StrPath | None = ...,
        capture: Literal["sys", "fd"] = ...,
        join_timeout: float = ...,
        unload_site_packages: bool = ...,
    ) -> CompletedPython: ...

@pytest.fixture
def run_python() -> PythonRunner: ...
