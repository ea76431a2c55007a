"""Issue #26: docs sentences corrected after a claims check, each backed.

* runpy-differences: which version's runpy says ``SyntaxError`` and which
  ``ValueError`` for the binary-file and NUL-path cases;
* errors.rst, runpy-differences, README: every ``ImportError`` carries
  ``name``, and ``path`` wherever there is a file or entry;
* how-it-works: another release's magic number is refused whatever the
  file's name; the spec profile's sentence (what it alone gives, and where
  ``dataclasses``, ``get_type_hints`` and ``pickle`` work);
* recipes: what the eager stand-in line imports on 3.11;
* README tour: ``spec.origin`` of the demo zip, as the comment shows it.
"""

import os
import re
import runpy
import struct
import subprocess
import sys
import warnings

import pytest

import runpath_spec

from conftest import PROJECT, make_zip

DOCS = os.path.join(PROJECT, "docs")


def _read(*parts):
    with open(os.path.join(PROJECT, *parts), encoding="utf-8") as f:
        return " ".join(f.read().split())  # sentences across line breaks


def _foreign_pyc(path, magic_number=3379):  # 3379: CPython 3.6
    with open(path, "wb") as f:
        f.write(magic_number.to_bytes(2, "little") + b"\r\n"
                + struct.pack("<III", 0, 0, 0) + b"\xe3\x00\x00")
    return path


# -- runpy's words, version by version (runpy-differences) ------------------

def _runpy_error(target):
    try:
        runpy.run_path(target)
    except (SyntaxError, ValueError) as exc:
        return "%s: %s" % (type(exc).__name__, exc)
    raise AssertionError("runpy ran %r" % target)  # pragma: no cover


def test_runpy_words_before_3_11_and_3_13_are_as_the_page_says(tmp_path):
    page = _read("docs", "runpy-differences.rst")
    assert ("runpy's words are those of 3.13 and later -- before 3.11 the "
            "two ``SyntaxError``\\ s were ``ValueError: source code string "
            "cannot contain null bytes``, and before 3.13 the NUL path's "
            "error was ``ValueError: embedded null byte``") in page
    null_bytes = "source code string cannot contain null bytes"
    pyc = _foreign_pyc(str(tmp_path / "m.pyc"), 0)
    with open(str(tmp_path / "app.zip"), "wb") as f:
        f.write(b"PK\x03\x04" + b"\0" * 40)
    compiled_as_text = "SyntaxError" if sys.version_info >= (3, 11) \
        else "ValueError"
    for target in (pyc, str(tmp_path / "app.zip")):
        assert _runpy_error(target) == "%s: %s" % (compiled_as_text,
                                                   null_bytes)
    nul = ("ValueError: stat: embedded null character in path"
           if sys.version_info >= (3, 13) else "ValueError: embedded null byte")
    assert _runpy_error(str(tmp_path / "a\0b.py")) == nul


# -- name and path on every ImportError --------------------------------------

def _bad_path_targets(tmp):
    tmp = str(tmp)
    os.mkdir(os.path.join(tmp, "empty"))
    with open(os.path.join(tmp, "bad.zip"), "wb") as f:
        f.write(b"PK\x03\x04" + b"\0" * 40)
    with open(os.path.join(tmp, "flags.pyc"), "wb") as f:
        import importlib.util
        f.write(importlib.util.MAGIC_NUMBER + struct.pack("<III", 4, 0, 0))
    with open(os.path.join(tmp, "short.pyc"), "wb") as f:
        f.write(b"\x00")
    return {
        "MainNotFoundError": os.path.join(tmp, "empty"),
        "BadMagicError": _foreign_pyc(os.path.join(tmp, "old.pyc")),
        "BadZipError": os.path.join(tmp, "bad.zip"),
        "BadPathError": os.path.join(tmp, "a\0b.py"),
        "NotRegularFileError": "/dev/null",
        "BadFlagsError": os.path.join(tmp, "flags.pyc"),
        "TruncatedPycError": os.path.join(tmp, "short.pyc"),
        "NoMainInZip": make_zip(os.path.join(tmp, "nomain.zip"), {"x.py": ""}),
    }


@pytest.mark.parametrize("call", ["run_path", "run_main", "spec_from_path"])
def test_every_path_target_error_carries_name_and_path(call, tmp_path):
    if not os.path.exists("/dev/null"):  # pragma: no cover - POSIX CI
        pytest.skip("no /dev/null on this system")
    for expected, target in _bad_path_targets(tmp_path).items():
        if call == "spec_from_path" and expected in ("BadFlagsError",
                                                     "TruncatedPycError"):
            continue  # found when the code is read, not with the spec
        with pytest.raises(ImportError) as info:
            if call == "run_main":
                runpath_spec.run_main(target, [])
            else:
                getattr(runpath_spec, call)(target)
        exc = info.value
        if expected != "NoMainInZip":
            assert type(exc).__name__ == expected
        # The name the target would run as: the spec's, or run_path's
        # run_name when the error is found while it is read.
        assert exc.name in ("__main__", "<run_path>"), (expected, exc.name)
        assert isinstance(exc.path, str) and exc.path, (expected, exc.path)
        assert os.path.basename(exc.path.rstrip(os.sep)).startswith(
            os.path.basename(target.rstrip(os.sep)).split("\0")[0]), \
            (expected, exc.path)


@pytest.mark.parametrize("call", ["run_module", "run_main"])
def test_module_errors_carry_name_and_path_where_there_is_a_file(call,
                                                                 tmp_path):
    import importlib.util
    # A built-in module has no file: its spec's origin ('built-in'; None
    # on 3.8) is what the error carries.
    # xml: a package without __main__ (json has one from 3.14).
    assert importlib.util.find_spec("xml.__main__") is None
    import xml
    cases = {"sys": importlib.util.find_spec("sys").origin,
             "xml": xml.__file__,
             "nosuch_rps_mod": None, ".relative": None, "json.nosuch": None}
    for module, path in cases.items():
        with pytest.raises(ImportError) as info:
            if call == "run_main":
                runpath_spec.run_main(module, [], module=True)
            else:
                runpath_spec.run_module(module)
        assert info.value.name == module
        assert info.value.path == path, module
    page = _read("docs", "runpy-differences.rst")
    assert ("a module name that finds no file -- a missing module, a "
            "relative name -- has ``path=None``") in page
    assert "a module name that finds nothing has `path=None`" in \
        _read("README.md")
    assert "``None`` for a module name that finds no file" in \
        _read("docs", "errors.rst")


# -- how-it-works ------------------------------------------------------------

@pytest.mark.parametrize("name", ["prog.py", "prog", "prog.pyc", "prog.txt"])
def test_another_releases_magic_is_refused_whatever_the_suffix(name,
                                                               tmp_path):
    assert ("another release's magic number is refused with "
            ":class:`~runpath_spec.BadMagicError` whatever its name") in \
        _read("docs", "how-it-works.rst")
    target = _foreign_pyc(str(tmp_path / name))
    with pytest.raises(runpath_spec.BadMagicError, match="Python 3.6"):
        runpath_spec.spec_from_path(target)


_DATACLASS = '''\
from __future__ import annotations
import dataclasses, pickle, typing
@dataclasses.dataclass
class Point:
    x: int
hints = typing.get_type_hints(Point)
pickled = type(pickle.loads(pickle.dumps(Point(1)))).__name__
'''


def _module_dir(tmp_path, monkeypatch):
    import importlib
    import uuid
    name = "rps_dc_" + uuid.uuid4().hex[:8]
    (tmp_path / (name + ".py")).write_text(_DATACLASS)
    (tmp_path / "script.py").write_text(_DATACLASS)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return name, str(tmp_path / "script.py")


@pytest.mark.parametrize("profile", ["runpy", "python", "spec"])
def test_dataclasses_hints_and_pickle_work_under_every_profile(
        profile, tmp_path, monkeypatch):
    module, script = _module_dir(tmp_path, monkeypatch)
    runs = {
        "run_path": lambda: runpath_spec.run_path(script, profile=profile),
        "run_main": lambda: runpath_spec.run_main(script, [],
                                                  profile=profile),
        "exec_spec": lambda: runpath_spec.exec_spec(
            runpath_spec.spec_from_path(script), profile=profile),
        "run_module(alter_sys=True)": lambda: runpath_spec.run_module(
            module, profile=profile, alter_sys=True),
        "run_module": lambda: runpath_spec.run_module(module,
                                                      profile=profile),
    }
    for how, run in runs.items():
        if how == "run_module" and profile == "runpy":
            # As runpy: no module is registered, and @dataclass cannot
            # find its own module (AttributeError), or, from 3.14, pickle
            # cannot find the class (PicklingError).
            with pytest.raises(Exception) as ours:
                run()
            with pytest.raises(Exception) as theirs:
                runpy.run_module(module)
            assert type(ours.value) is type(theirs.value)
            assert type(ours.value).__name__ in ("AttributeError",
                                                 "PicklingError")
            continue
        g = run()
        assert g["pickled"] == "Point", how
        assert g["hints"] == {"x": int}, how
    assert ("except where runpy registers none: ``run_module`` without "
            "``alter_sys`` under the ``\"runpy\"`` profile") in \
        _read("docs", "how-it-works.rst")


def test_spec_profile_gives_a_script_its_spec_without_deprecation_warnings(
        tmp_path):
    (tmp_path / "s.py").write_text(
        "import sys\nspec, loader, package = __spec__, __loader__, "
        "__package__\n")
    spec = runpath_spec.spec_from_path(str(tmp_path / "s.py"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        g = runpath_spec.exec_spec(spec, profile="spec")
    assert g["spec"] is spec
    assert g["loader"] is spec.loader
    assert g["package"] == spec.parent
    for profile in ("runpy", "python"):
        g = runpath_spec.exec_spec(runpath_spec.spec_from_path(
            str(tmp_path / "s.py")), profile=profile)
        assert g["spec"] is None  # a script sees no spec there
    assert ("a script too sees its spec, and ``__loader__`` and "
            "``__package__`` agree with ``__spec__``") in \
        _read("docs", "how-it-works.rst")


# -- recipes: the eager stand-in line ---------------------------------------

def test_the_eager_line_imports_what_recipes_says_on_3_11():
    claim = "(on 3.11, eleven of runpath_spec's own modules)"
    assert claim in _read("docs", "recipes.rst")
    out = subprocess.run(
        [sys.executable, "-c", "import sys, json; before = set(sys.modules)\n"
         "import runpath_spec.compat, sys; "
         "sys.modules['runpy'] = runpath_spec.compat\n"
         "print(json.dumps(sorted(set(sys.modules) - before)))"],
        stdout=subprocess.PIPE, universal_newlines=True, check=True,
        env=dict(os.environ, PYTHONPATH=PROJECT), cwd=PROJECT)
    import json
    added = json.loads(out.stdout)
    assert "runpath_spec.compat" in added and "threading" not in added
    if sys.version_info[:2] == (3, 11) and \
            sys.implementation.name == "cpython":
        assert len([m for m in added if m.split(".")[0] == "runpath_spec"]) \
            == 11, added


# -- README tour -------------------------------------------------------------

def test_readme_tour_spec_origin_is_as_shown(monkeypatch):
    readme = open(os.path.join(PROJECT, "README.md"), encoding="utf-8").read()
    shown = re.search(r"^spec\.origin +# '([^']*)'", readme, re.M).group(1)
    monkeypatch.chdir(PROJECT)
    spec = runpath_spec.spec_from_path("examples/hello.pyz")
    assert spec.origin == shown
    assert type(spec.loader).__name__ == "zipimporter"
