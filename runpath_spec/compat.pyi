# Types of the runpy stand-in: typeshed's stdlib/runpy.pyi, plus the
# private helpers that projects patch or call, with runpy's signatures on
# each version.  Paths and init_globals are as wide as runpath_spec takes
# them (a superset of typeshed's runpy, so code typed against runpy still
# checks).  stubtest checks this against the module (tests/test_typing.py).

import os
import sys
from collections.abc import Mapping
from importlib.machinery import ModuleSpec
from types import CodeType, ModuleType
from typing import Any

from typing_extensions import Self, TypeAlias

__all__ = ["run_module", "run_path"]

_StrOrBytesPath: TypeAlias = str | bytes | os.PathLike[str] | os.PathLike[bytes]

class _TempModule:
    mod_name: str
    module: ModuleType
    def __init__(self, mod_name: str) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *args: object) -> None: ...

class _ModifiedArgv0:
    value: Any
    def __init__(self, value: Any) -> None: ...
    def __enter__(self) -> None: ...
    def __exit__(self, *args: object) -> None: ...

def _run_code(
    code: CodeType,
    run_globals: dict[str, Any],
    init_globals: Mapping[str, Any] | None = ...,
    mod_name: str | None = ...,
    mod_spec: ModuleSpec | None = ...,
    pkg_name: str | None = ...,
    script_name: str | None = ...,
) -> dict[str, Any]: ...
def _run_module_code(
    code: CodeType,
    init_globals: Mapping[str, Any] | None = ...,
    mod_name: str | None = ...,
    mod_spec: ModuleSpec | None = ...,
    pkg_name: str | None = ...,
    script_name: str | None = ...,
) -> dict[str, Any]: ...
def _get_module_details(mod_name: str, error: type[Exception] = ...) -> tuple[str, ModuleSpec, CodeType]: ...

class _Error(Exception): ...

def _run_module_as_main(mod_name: str, alter_argv: bool = ...) -> dict[str, Any]: ...
def run_module(
    mod_name: str,
    init_globals: Mapping[str, Any] | None = ...,
    run_name: str | None = ...,
    alter_sys: bool = ...,
) -> dict[str, Any]: ...
def _get_main_module_details(error: type[Exception] = ...) -> tuple[str, ModuleSpec, CodeType]: ...

if sys.version_info >= (3, 15):
    # *module* is the name compile() attributes warnings to.
    def _get_code_from_file(fname: str, module: str | None) -> CodeType: ...

elif sys.version_info >= (3, 13):
    # runpy has the 1-argument form from 3.12.6 on too, but type checkers
    # compare major and minor versions only: 3.12 gets the older form here
    # (stubtest allows the difference on 3.12.6+: tests/test_typing.py).
    def _get_code_from_file(fname: str) -> CodeType: ...

else:
    def _get_code_from_file(run_name: str, fname: str) -> tuple[CodeType, str]: ...

def run_path(
    path_name: _StrOrBytesPath,
    init_globals: Mapping[str, Any] | None = ...,
    run_name: str | None = ...,
) -> dict[str, Any]: ...
