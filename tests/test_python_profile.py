"""Issue #25, item 9: ``run_path(..., profile="python")`` gives what
``python TARGET`` gives, for every kind of path target, given relative or
absolute -- compared with the real interpreter, run in a subprocess.

A relative zip's ``__file__`` was relative (zipimport keeps the path as
given) where python's is absolute from 3.9; a source file named ``.pyc``
ran as source where python refuses it.
"""

import json
import os
import runpy
import sys

import pytest

import runpath_spec
from conftest import PATH_KINDS, make_path_target, run_python

#: The target prints what it sees as JSON: its dunders and its own frame's
#: file name.
DUMP = '''\
import json, sys
def _show(v):
    if v is None or isinstance(v, str):
        return v
    return type(v).__name__
try:
    from helper import VALUE as _helper
except ImportError:
    _helper = None
_g = globals()
print(json.dumps({
    "__file__": _show(_g.get("__file__", "(absent)")),
    "__cached__": _show(_g.get("__cached__", "(absent)")),
    "__package__": _show(__package__),
    "__loader__": _show(__loader__),
    "origin": __spec__ and __spec__.origin,
    "co_filename": sys._getframe().f_code.co_filename,
    "helper": _helper,
}, sort_keys=True))
'''
#: python runs every kind but this one (see the test below it).
RUNNABLE = [kind for kind in PATH_KINDS if kind != "pyc_named_source"]


@pytest.mark.parametrize("given", ["relative", "absolute"])
@pytest.mark.parametrize("kind", RUNNABLE)
def test_run_path_python_profile_is_python(kind, given, tmp_path,
                                           monkeypatch, capsys):
    path = make_path_target(kind, tmp_path, DUMP)
    if given == "relative":
        path = os.path.relpath(path, str(tmp_path))
    expected = run_python(sys.executable, path, cwd=str(tmp_path))
    assert expected.returncode == 0, expected.stderr
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    # The import system caches finders (and zipimport an archive's
    # directory) under a relative path as given, on 3.8: another test's
    # app.zip, after its chdir, must not answer for this one.
    monkeypatch.setattr(sys, "path_importer_cache",
                        dict(sys.path_importer_cache))
    import zipimport
    monkeypatch.setattr(zipimport, "_zip_directory_cache", {})
    monkeypatch.delitem(sys.modules, "helper", raising=False)
    capsys.readouterr()
    runpath_spec.run_path(path, run_name="__main__", profile="python")
    via_run_path = capsys.readouterr().out
    sys.modules.pop("helper", None)  # found anew beside this run's __main__
    runpath_spec.run_main(path)
    via_run_main = capsys.readouterr().out
    assert json.loads(via_run_path) == json.loads(expected.stdout)
    assert json.loads(via_run_main) == json.loads(expected.stdout)


def test_a_source_file_named_pyc_is_refused_as_python_refuses_it(
        tmp_path, monkeypatch, capsys):
    """python runs a ``.pyc`` as bytecode or not at all; the runpy profile
    keeps runpy's behaviour (it runs the file as source)."""
    path = make_path_target("pyc_named_source", tmp_path, "print('ran')\n")
    python = run_python(sys.executable, path, cwd=str(tmp_path))
    assert python.returncode == 1
    assert python.stderr.strip().endswith(
        "RuntimeError: Bad magic number in .pyc file"), python.stderr
    with pytest.raises(RuntimeError) as refused:
        runpath_spec.run_path(path, profile="python")
    assert "RuntimeError: %s" % refused.value == \
        python.stderr.strip().splitlines()[-1]
    with pytest.raises(RuntimeError):
        runpath_spec.run_main(path)
    capsys.readouterr()
    runpath_spec.run_path(path)  # profile="runpy"
    runpy.run_path(path)
    assert capsys.readouterr().out == "ran\nran\n"
