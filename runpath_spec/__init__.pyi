# The public API's types.  py.typed makes this stub authoritative for type
# checkers, so the modules themselves import nothing from typing (the hot
# path stays cheap).  tests/test_typing.py runs mypy's stubtest, so a
# signature here cannot drift from the code, and type-checks a client that
# uses the whole API with `mypy --strict`.
#
# Everything is declared here, not re-exported from the private modules:
# a client's type checker never reads (or depends on) their layout.

import _ast
import os
from collections.abc import Callable, Iterable, Mapping
from importlib.machinery import ModuleSpec, SourceFileLoader, SourcelessFileLoader
from contextlib import AbstractContextManager
from types import CodeType, FrameType, ModuleType, TracebackType
from typing import Any, Literal, Protocol, TextIO

from _typeshed import ReadableBuffer, StrPath
from typing_extensions import TypeAlias, type_check_only

from .errors import (
    BadFlagsError as BadFlagsError,
    BadMagicError as BadMagicError,
    BadPathError as BadPathError,
    BadZipError as BadZipError,
    ImportHookWarning as ImportHookWarning,
    MainNotFoundError as MainNotFoundError,
    NotRegularFileError as NotRegularFileError,
    PycError as PycError,
    RunpathError as RunpathError,
    StalePycError as StalePycError,
    TruncatedPycError as TruncatedPycError,
)

# The public names: runpath_spec._WHERE is the one list (tests/test_typing.py
# checks that this __all__ equals it, in order, and that each is declared).
__all__ = [
    "run_path",
    "run_module",
    "run_main",
    "MainTarget",
    "spec_from_path",
    "spec_from_module",
    "exec_spec",
    "derive",
    "register_loader",
    "unregister_loader",
    "SourceScriptLoader",
    "BytecodeScriptLoader",
    "RunpathError",
    "MainNotFoundError",
    "BadPathError",
    "NotRegularFileError",
    "BadZipError",
    "PycError",
    "BadMagicError",
    "BadFlagsError",
    "TruncatedPycError",
    "StalePycError",
    "ImportHookWarning",
    "Trace",
    "TraceStep",
    "explain",
    "format_explanation",
    "PROFILE_NAMES",
    "load_class",
    "check_loader_suffixes",
    "install_runpy",
    "uninstall_runpy",
    "runpy_status",
    "InstallError",
]

__version__: str

# A target path: what os.fsdecode accepts (typeshed's StrOrBytesPath).
_StrOrBytesPath: TypeAlias = str | bytes | os.PathLike[str] | os.PathLike[bytes]

# The attribute conventions (see the docs' "how it works").
_Profile: TypeAlias = Literal["runpy", "python", "spec"]

# What MainTarget found: a plain file read by runpath_spec's own loaders
# ("source", "bytecode"), by a loader registered for its suffix ("custom")
# or claimed by an import hook ("hook"); a sys.path entry with a __main__
# ("directory", "zip"); or a module name ("module").
# "command" and "stdin": python -c CODE and python - (no spec, no file).
_Kind: TypeAlias = Literal[
    "source", "bytecode", "directory", "zip", "custom", "hook", "module", "command", "stdin"
]

# What is_program() accepts: a frame, a code object or a traceback entry.
_FrameLike: TypeAlias = FrameType | CodeType | TracebackType

class _CodeLoader(Protocol):
    # What runpath_spec asks of a custom loader: the code of the module.
    def get_code(self, fullname: str, /) -> CodeType | None: ...

# A custom loader: a class (or any callable) called as
# loader_class(fullname, path), path being the target's absolute path.
_LoaderFactory: TypeAlias = Callable[[str, str], _CodeLoader]

# One or more suffixes, each starting with a dot: ".hy" or [".hy", ".hylang"].
_Suffixes: TypeAlias = str | Iterable[str]

# Per-call loaders for run_path(..., loaders=...) and friends; None as the
# loader turns custom loaders (registered, entry point, built in) off for
# those suffixes.
_Loaders: TypeAlias = Iterable[tuple[_LoaderFactory | None, _Suffixes]]

def run_path(
    path_name: _StrOrBytesPath,
    init_globals: Mapping[str, Any] | None = ...,
    run_name: str | None = ...,
    *,
    profile: _Profile = ...,
    module: ModuleType | None = ...,
    keep_module: bool = ...,
    check_source: bool = ...,
    import_hooks: bool = ...,
    loaders: _Loaders | None = ...,
    cache: bool = ...,
) -> dict[str, Any]: ...
def run_module(
    mod_name: str,
    init_globals: Mapping[str, Any] | None = ...,
    run_name: str | None = ...,
    alter_sys: bool = ...,
    *,
    profile: _Profile = ...,
    module: ModuleType | None = ...,
    keep_module: bool = ...,
) -> dict[str, Any]: ...
def run_main(
    target: _StrOrBytesPath,
    argv: Iterable[str | bytes] | None = ...,
    *,
    module: bool = ...,
    command: bool = ...,
    profile: _Profile = ...,
    check_source: bool = ...,
    import_hooks: bool = ...,
    loaders: _Loaders | None = ...,
    cache: bool = ...,
    restore: bool = ...,
    alias_main: bool = ...,
) -> dict[str, Any]: ...

class MainTarget:
    # The spec, its code and the sys state the target runs with.  (The
    # spec is None for -c and stdin: typed ModuleSpec all the same, as
    # every other kind has one; check kind first.)
    spec: ModuleSpec
    kind: _Kind
    profile: _Profile
    args: list[str]
    # sys.argv[0]: the target as given, or the module's file (-m).
    argv0: str
    # sys.path[0], or None where python's start-up adds nothing (-I, -P).
    path0: str | None
    # Whether path0 replaces the entry the caller's own start-up put first.
    replace: bool
    # The module the target last ran in (run, as_main); None before.
    module: ModuleType | None
    # PEP 499 (-m only): the module is also sys.modules[spec.name].
    alias_main: bool
    def __init__(
        self,
        target: _StrOrBytesPath,
        argv: Iterable[str | bytes] | None = ...,
        *,
        module: bool = ...,
        command: bool = ...,
        profile: _Profile = ...,
        check_source: bool = ...,
        import_hooks: bool = ...,
        loaders: _Loaders | None = ...,
        cache: bool = ...,
        alias_main: bool = ...,
    ) -> None: ...
    # The code run() executes, compiled (or read) on first use: a
    # SyntaxError or PycError is raised here.  None where the loader is not
    # runpath_spec's own ("custom", "hook"): it is asked for code only in
    # run(), once the fresh __main__ is in place (or, PEP 451, executes the
    # module itself).
    @property
    def code(self) -> CodeType | None: ...
    # Found as the constructor finds it, with nothing run, compiled or
    # written (a module without importing its parent packages).
    @classmethod
    def found_without_running(
        cls,
        target: _StrOrBytesPath,
        argv: Iterable[str | bytes] | None = ...,
        *,
        module: bool = ...,
        command: bool = ...,
        profile: _Profile = ...,
        check_source: bool = ...,
        import_hooks: bool = ...,
        loaders: _Loaders | None = ...,
        cache: bool = ...,
        alias_main: bool = ...,
    ) -> MainTarget: ...
    @property
    def argv(self) -> list[str]: ...
    # The module attributes the profile gives the target, without running.
    def attrs(self) -> dict[str, Any]: ...
    # sys set up as python would (argv, sys.path[0], __main__, __mp_main__)
    # around a fresh module with attrs(), for a tool that runs code itself.
    # init_globals go in before attrs(); module: run in that module.
    def as_main(
        self,
        *,
        restore: bool = ...,
        init_globals: Mapping[str, Any] | None = ...,
        module: ModuleType | None = ...,
    ) -> AbstractContextManager[ModuleType]: ...
    def run(
        self,
        *,
        restore: bool = ...,
        init_globals: Mapping[str, Any] | None = ...,
        module: ModuleType | None = ...,
    ) -> dict[str, Any]: ...
    # A fresh target for a re-run: the file found first, argv as given.
    def again(self) -> MainTarget: ...
    # The traceback from the target's own code on.
    def own_traceback(self, tb: TracebackType | None) -> TracebackType | None: ...
    # The file name the program's frames report (co_filename).
    @property
    def filename(self) -> str: ...
    # Is this frame (code, traceback entry) the program's own?
    def is_program(self, frame: _FrameLike) -> bool: ...
    # The traceback python shows for exc (runpy's frames for -m, dir, zip).
    def python_traceback(self, exc: BaseException) -> TracebackType | None: ...
    # python's last steps after the program ended with exc: the exit status.
    def finish(self, exc: BaseException | None = ...) -> int: ...
    # What python prints, and its status, for a target that raised exc
    # before it ran (in the constructor).
    @staticmethod
    def start_failed(exc: BaseException, target: _StrOrBytesPath, *, module: bool = ...) -> int: ...

def spec_from_path(
    path: _StrOrBytesPath,
    name: str = ...,
    *,
    check_source: bool = ...,
    import_hooks: bool = ...,
    loaders: _Loaders | None = ...,
    cache: bool = ...,
) -> ModuleSpec: ...
def spec_from_module(mod_name: str) -> ModuleSpec: ...
def exec_spec(
    spec: ModuleSpec,
    *,
    run_name: str | None = ...,
    init_globals: Mapping[str, Any] | None = ...,
    profile: _Profile = ...,
    module: ModuleType | None = ...,
    keep_module: bool = ...,
) -> dict[str, Any]: ...
def derive(spec: ModuleSpec, run_name: str | None = ...) -> dict[str, Any]: ...
def register_loader(loader_class: _LoaderFactory, suffixes: _Suffixes) -> None: ...
def unregister_loader(loader_class: _LoaderFactory, suffixes: _Suffixes | None = ...) -> None: ...

class SourceScriptLoader(SourceFileLoader):
    # The name compiled into the code (co_filename); by default the path.
    code_filename: str
    # Whether code comes from runpath_spec's bytecode cache.
    cache: bool
    def __init__(
        self,
        fullname: str,
        path: str,
        data: bytes | None = ...,
        code_filename: str | None = ...,
        cache: bool = ...,
    ) -> None: ...
    # The source's os.stat taken before its bytes were read (the finder's),
    # for the bytecode cache; None if unknown.
    source_stat: os.stat_result | None
    # The bytecode file cache=True uses for this source (None without cache).
    def cache_path(self) -> str | None: ...
    def get_code(self, fullname: str) -> CodeType: ...
    # Compile data with source_to_code, named as the target (code_filename,
    # and fullname on 3.15+).
    def compile_source(self, data: bytes, fullname: str) -> CodeType: ...
    # fullname (used on 3.15+) is the module warnings are attributed to.  The
    # ignore is typeshed's own (on SourceFileLoader): importlib.abc's
    # InspectLoader declares source_to_code a staticmethod, the
    # SourceLoader every file loader also is, a method.
    def source_to_code(  # type: ignore[override]
        self,
        data: ReadableBuffer | str | _ast.Module | _ast.Expression | _ast.Interactive,
        path: bytes | StrPath,
        fullname: str | None = ...,
        *,
        _optimize: int = ...,
    ) -> CodeType: ...

class BytecodeScriptLoader(SourcelessFileLoader):
    # The name compiled into the code (co_filename); by default the path.
    code_filename: str
    # Whether get_code() checks the pyc against its source, when found.
    check_source: bool
    def __init__(
        self,
        fullname: str,
        path: str,
        data: bytes | None = ...,
        code_filename: str | None = ...,
        check_source: bool = ...,
    ) -> None: ...
    # A compiled file is its own cache (spec.cached): the path.
    def cache_path(self) -> str: ...
    def source_path(self) -> str | None: ...
    def get_code(self, fullname: str) -> CodeType: ...
    def get_source(self, fullname: str) -> None: ...

# --explain --trace: one decision a finder made.
class TraceStep:
    # "plug-in", "stat", "zip signature", "magic number", "path hook",
    # "entry cache", "entry finder", "meta_path", "import hooks", "package",
    # "module".
    stage: str
    # What was asked or looked at: a path, a finder, a module name.
    subject: str
    # "claimed", "declined", "not asked", "found", "remembered", ...
    answer: str
    # Why, in words.
    detail: str
    def __init__(self, stage: str, subject: str, answer: str, detail: str = ...) -> None: ...
    def as_dict(self) -> dict[str, str]: ...

# Records, while entered, every decision the finders make in this thread.
class Trace:
    steps: list[TraceStep]
    def __init__(self) -> None: ...
    def __enter__(self) -> Trace: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def as_dicts(self) -> list[dict[str, str]]: ...
    def format(self) -> str: ...

# A JSON-able description of a target found by found_without_running (and,
# with the trace that recorded the finding, why); runs nothing.
def explain(target: MainTarget, trace: Trace | None = ...) -> dict[str, Any]: ...
def format_explanation(info: Mapping[str, Any], format: Literal["text", "dot"] = ...) -> str: ...

# What the CLI uses, public so that it needs nothing private.
# The profiles' names, in the documentation's order.
PROFILE_NAMES: tuple[_Profile, ...]
# The object a "module:attr.attr" reference names (imported).
def load_class(reference: str) -> Any: ...
# The suffixes as a list, checked as register_loader checks them
# (ValueError: not like '.hy').
def check_loader_suffixes(suffixes: str | Iterable[str]) -> list[str]: ...
# --install-runpy, --uninstall-runpy, --runpy-status: the exit status.
def install_runpy(user: bool = ..., out: TextIO | None = ..., err: TextIO | None = ...) -> int: ...
def uninstall_runpy(user: bool = ..., out: TextIO | None = ..., err: TextIO | None = ...) -> int: ...
def runpy_status(user: bool = ..., out: TextIO | None = ...) -> int: ...

class InstallError(Exception): ...
