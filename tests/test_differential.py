"""runpath_spec.run_path / run_module against the stdlib runpy, same process.

Generated targets of every kind x path forms x run names x init_globals:
the returned globals (values, spec fields, loader types), what the code saw
while it ran (``sys.argv[0]``, ``sys.path[0]``, its registration in
``sys.modules``), the warnings, and ``sys`` afterwards must all be what
the running interpreter's runpy gives.
"""

import importlib
import os
import pathlib
import runpy
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import runpath_spec
from runpath_spec import compat

from conftest import PATH_KINDS, PROBE, make_path_target
from differential import assert_sys_restored, outcome, sys_state

ENTRY_KINDS = {"directory", "directory_pyc", "zip", "pyz", "zip_subdir",
               "zip_pyc"}
PATH_FORMS = ("relative", "absolute", "bytes", "pathlib", "symlink")
RUN_NAMES = (None, "__main__", "pkg.mod")
INIT_GLOBALS = (None, {"extra": [1, 2]},
                {"__name__": "overridden", "__file__": "x", "extra": 1})


def path_in_form(path, form, tmp_path):
    if form == "relative":
        return os.path.relpath(path, str(tmp_path))
    if form == "absolute":
        return path
    if form == "bytes":
        return os.fsencode(path)
    if form == "pathlib":
        return pathlib.Path(path)
    if form == "symlink":
        # Link to the file or directory, or to the zip under a zip subdir.
        inner = ""
        real = path
        if not os.path.exists(real):
            real, inner = os.path.split(path)
        link = os.path.join(str(tmp_path), "link-" + os.path.basename(real))
        os.symlink(real, link)
        return os.path.join(link, inner) if inner else link
    raise ValueError(form)


def runpy_fails_on_object_entries(kind, form):
    """runpy < 3.13 puts a Path/bytes entry on sys.path unconverted and then
    cannot find ``__main__`` there; runpath_spec runs it (documented)."""
    return (sys.version_info < (3, 13) and kind in ENTRY_KINDS
            and form in ("bytes", "pathlib"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setattr(sys, "argv", ["the-caller", "arg"])
    # runpy caches finders under the path as given; a relative key from an
    # earlier test names this test's directory after the chdir, and runpy
    # would run the earlier test's target.  runpath_spec never uses the cache.
    monkeypatch.setattr(sys, "path_importer_cache",
                        dict(sys.path_importer_cache))
    # zipimport caches archive directories under the relative path too.
    import zipimport
    monkeypatch.setattr(zipimport, "_zip_directory_cache", {})


def run_both(func_a, func_b, *args, **kwargs):
    before = sys_state()
    run_name = kwargs.get("run_name")
    a = outcome(func_a, *args, **kwargs)
    assert_sys_restored(before, run_name)
    b = outcome(func_b, *args, **kwargs)
    assert_sys_restored(before, run_name)
    return a, b


def assert_same(a, b):
    assert a[0] == b[0], (a[:2], b[:2])
    if a[0] == "ok":
        assert a[1] == b[1]
    else:
        assert isinstance(b[1], type(a[1])), (a[1], b[1])
    assert a[2] == b[2]


@pytest.mark.parametrize("init_globals", INIT_GLOBALS,
                         ids=["no-init", "init", "init-dunders"])
@pytest.mark.parametrize("run_name", RUN_NAMES, ids=str)
@pytest.mark.parametrize("form", PATH_FORMS)
@pytest.mark.parametrize("kind", PATH_KINDS)
@pytest.mark.parametrize("api", ["run_path", "compat.run_path"])
def test_run_path_matches_runpy(api, kind, form, run_name, init_globals,
                                tmp_path):
    body = PROBE + ("import helper\nhelper_value = helper.VALUE\n"
                    if kind in ENTRY_KINDS else "")
    target = path_in_form(make_path_target(kind, tmp_path, body), form,
                          tmp_path)
    ours = runpath_spec.run_path if api == "run_path" else compat.run_path
    kwargs = dict(init_globals=init_globals, run_name=run_name)
    theirs, mine = run_both(runpy.run_path, ours, target, **kwargs)
    if runpy_fails_on_object_entries(kind, form) and theirs[0] == "error":
        # ImportError, or from 3.10 zipimport's TypeError/AttributeError.
        assert isinstance(theirs[1], (ImportError, TypeError, AttributeError))
        assert mine[0] == "ok", mine
        assert mine[1]["helper_value"] == 42
        assert mine[1]["__spec__"]["origin"].startswith(
            os.path.abspath(os.fsdecode(os.fspath(target))))
        return
    if runpy_fails_on_object_entries(kind, form):
        # runpy (3.8, bytes zip) put the bytes object itself on sys.path;
        # runpath_spec puts the decoded path there (documented).
        assert theirs[1].pop("seen_path0") == os.fsencode(mine[1].pop(
            "seen_path0"))
    assert_same(theirs, mine)
    assert mine[0] == "ok", mine


@pytest.mark.parametrize("form", ("relative", "absolute"))
@pytest.mark.parametrize("kind", PATH_KINDS)
@pytest.mark.parametrize("api", ["run_path", "compat.run_path"])
def test_repeated_runs_match_runpy(api, kind, form, tmp_path):
    """The second and later runs of a target take remembered finders and
    ``__main__`` specs: each must still give what runpy gives."""
    body = PROBE + ("import helper\nhelper_value = helper.VALUE\n"
                    if kind in ENTRY_KINDS else "")
    target = path_in_form(make_path_target(kind, tmp_path, body), form,
                          tmp_path)
    ours = runpath_spec.run_path if api == "run_path" else compat.run_path
    for run_name in (None, "__main__", None):
        theirs, mine = run_both(runpy.run_path, ours, target,
                                run_name=run_name)
        assert_same(theirs, mine)
        assert mine[0] == "ok", mine


@pytest.mark.parametrize("case", ["{top}.mod", "{top}"])
def test_repeated_run_module_matches_runpy(case, module_tree):
    name = case.format(top=module_tree)
    for alter_sys in (False, True, False):
        theirs, mine = run_both(runpy.run_module, runpath_spec.run_module,
                                name, alter_sys=alter_sys)
        assert_same(theirs, mine)
        assert mine[0] == "ok", mine


MODULE_CASES = ["{top}.mod", "{top}", "{top}.sub", "{top}.sub.mod",
                "{top}.compiled", "{top}.__main__"]


@pytest.mark.parametrize("alter_sys", [False, True], ids=["plain", "alter_sys"])
@pytest.mark.parametrize("init_globals", INIT_GLOBALS,
                         ids=["no-init", "init", "init-dunders"])
@pytest.mark.parametrize("run_name", RUN_NAMES, ids=str)
@pytest.mark.parametrize("case", MODULE_CASES)
@pytest.mark.parametrize("api", ["run_module", "compat.run_module"])
def test_run_module_matches_runpy(api, case, run_name, init_globals,
                                  alter_sys, module_tree):
    name = case.format(top=module_tree)
    ours = (runpath_spec.run_module if api == "run_module"
            else compat.run_module)
    kwargs = dict(init_globals=init_globals, run_name=run_name,
                  alter_sys=alter_sys)
    theirs, mine = run_both(runpy.run_module, ours, name, **kwargs)
    assert_same(theirs, mine)
    assert mine[0] == "ok", mine


BAD_MODULES = ["", ".relative", "{top}.nosuch", "nosuch_" + "x" * 8,
               "{top}.nomain", "{top}.ns", "sys", "_csv", "{top}.raising",
               "{top}.exits", "{top}.pkgerr.x", "{top}.syntaxerr",
               "{top}.mod.py"]


@pytest.mark.parametrize("case", BAD_MODULES)
def test_bad_modules_raise_like_runpy(case, module_tree):
    name = case.format(top=module_tree)
    theirs, mine = run_both(runpy.run_module, runpath_spec.run_module, name)
    assert theirs[0] == mine[0] == "error"
    assert isinstance(mine[1], type(theirs[1])), (theirs[1], mine[1])
    if isinstance(mine[1], ImportError) and not isinstance(
            mine[1], ModuleNotFoundError) and "pkgerr" not in case:
        # Our own errors name their target.
        assert mine[1].name is not None
    if getattr(theirs[1], "name", None) is not None:
        # runpy 3.14+ names the module on its errors: the same name.
        assert mine[1].name == theirs[1].name


WARNING_TARGETS = {
    "script": lambda tmp, body: make_path_target("script", tmp, body),
    "directory": lambda tmp, body: make_path_target("directory", tmp, body),
    "zip": lambda tmp, body: make_path_target("zip", tmp, body),
}


@pytest.mark.parametrize("filter_module", ["compiled_as", "other"])
@pytest.mark.parametrize("kind", sorted(WARNING_TARGETS))
@pytest.mark.parametrize("api", ["run_path", "compat.run_path"])
def test_syntax_warning_filters_by_module_like_runpy(api, kind, filter_module,
                                                     tmp_path, monkeypatch):
    """3.15 compiles with compile(..., module=NAME): a script as the run
    name, an entry's ``__main__`` as ``__main__``.  A filter for that module
    turns the target's SyntaxWarning into an error; before 3.15 (and for
    another module) it does not.  Whatever the version, as runpy."""
    import warnings
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    target = WARNING_TARGETS[kind](tmp_path, "x = 1 is 1\nran = True\n")
    ours = runpath_spec.run_path if api == "run_path" else compat.run_path
    compiled_as = "rps_warned" if kind == "script" else "__main__"
    module = compiled_as if filter_module == "compiled_as" else "elsewhere"
    results = []
    for func in (runpy.run_path, ours):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.filterwarnings("error", category=SyntaxWarning,
                                    module=module)
            try:
                results.append(("ok", func(target, run_name="rps_warned")
                                ["ran"]))
            except SyntaxError as exc:
                results.append(("error", type(exc), exc.msg))
    assert results[0] == results[1]
    raised = sys.version_info >= (3, 15) and filter_module == "compiled_as"
    assert (results[0][0] == "error") is raised


@pytest.mark.parametrize("api", ["run_module", "compat.run_module"])
def test_run_module_syntax_warning_filters_by_module_like_runpy(
        api, module_tree, monkeypatch):
    import warnings
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    root = sys.path[0]
    name = module_tree + ".warned"
    with open(os.path.join(root, module_tree, "warned.py"), "w") as f:
        f.write("x = 1 is 1\nran = True\n")
    importlib.invalidate_caches()
    ours = runpath_spec.run_module if api == "run_module" else \
        compat.run_module
    results = []
    for func in (runpy.run_module, ours):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.filterwarnings("error", category=SyntaxWarning,
                                    module=name)
            try:
                results.append(("ok", func(name)["ran"]))
            except SyntaxError as exc:
                results.append(("error", type(exc), exc.msg))
    assert results[0] == results[1]
    assert (results[0][0] == "error") is (sys.version_info >= (3, 15))


def test_warning_when_module_already_imported(module_tree):
    __import__(module_tree + ".mod")
    theirs, mine = run_both(runpy.run_module, runpath_spec.run_module,
                            module_tree + ".mod")
    assert theirs[2] and theirs[2][0][0] is RuntimeWarning
    assert_same(theirs, mine)


# -- bad path targets ---------------------------------------------------------

def _bad_targets(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "empty_dir").mkdir()
    (d / "dir_no_main").mkdir()
    (d / "dir_no_main" / "other.py").write_text("x = 1\n")
    (d / "syntax.py").write_text("def (:\n")
    (d / "binary.py").write_bytes(b"\x00\x01\x02binary")
    (d / "raises.py").write_text("raise KeyError('from target')\n")
    (d / "exits.py").write_text("import sys\nsys.exit(4)\n")
    (d / "corrupt.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (d / "z").mkdir()
    make_path_target("zip", d / "z", "x = 1\n")
    import zipfile
    with zipfile.ZipFile(str(d / "zip_no_main.zip"), "w") as zf:
        zf.writestr("other.py", "x = 1\n")
    return {
        "missing": str(d / "missing.py"),
        "missing_in_missing_dir": str(d / "nodir" / "x.py"),
        "empty_dir": str(d / "empty_dir"),
        "dir_no_main": str(d / "dir_no_main"),
        "zip_no_main": str(d / "zip_no_main.zip"),
        "zip_missing_subdir": str(d / "z" / "app.zip" / "nosub"),
        "syntax": str(d / "syntax.py"),
        "binary": str(d / "binary.py"),
        "raises": str(d / "raises.py"),
        "exits": str(d / "exits.py"),
        "corrupt_zip": str(d / "corrupt.zip"),
    }


BAD_PATHS = ["missing", "missing_in_missing_dir", "empty_dir", "dir_no_main",
             "zip_no_main", "zip_missing_subdir", "syntax", "binary", "raises",
             "exits", "corrupt_zip"]


@pytest.mark.parametrize("case", BAD_PATHS)
@pytest.mark.parametrize("api", ["run_path", "compat.run_path"])
def test_bad_paths_raise_like_runpy(api, case, tmp_path):
    target = _bad_targets(tmp_path)[case]
    ours = runpath_spec.run_path if api == "run_path" else compat.run_path
    theirs, mine = run_both(runpy.run_path, ours, target)
    assert theirs[0] == mine[0] == "error", (theirs, mine)
    if case == "corrupt_zip":
        # runpy compiles the archive as text (SyntaxError, or ValueError for
        # NUL bytes); runpath_spec says what it is (documented difference).
        assert isinstance(theirs[1], (SyntaxError, ValueError))
        assert isinstance(mine[1], runpath_spec.BadZipError)
        assert "starts like a zip file but is not a valid one" in str(mine[1])
        return
    assert isinstance(mine[1], type(theirs[1])), (theirs[1], mine[1])
    if isinstance(mine[1], (ImportError, OSError)):
        shown = getattr(mine[1], "path", None) or mine[1].filename
        assert os.path.basename(target) in str(shown) + str(mine[1])
    if isinstance(mine[1], SystemExit):
        assert mine[1].code == theirs[1].code


def test_entry_without_main_does_not_run_one_from_elsewhere(tmp_path,
                                                            monkeypatch):
    """gh-75221: runpy runs an unrelated __main__ found later on sys.path."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "__main__.py").write_text("hijacked = True\n")
    monkeypatch.syspath_prepend(str(elsewhere))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runpy.run_path(str(empty)).get("hijacked") is True
    with pytest.raises(runpath_spec.MainNotFoundError) as info:
        runpath_spec.run_path(str(empty))
    assert str(info.value) == "can't find '__main__' module in %r" % str(empty)
    assert info.value.name == "__main__"
    assert info.value.path == str(empty)


# -- generated bodies -----------------------------------------------------------

identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: s not in {"if", "in", "is", "or", "and", "not", "for", "def",
                        "del", "as", "try", "with", "from", "else", "elif",
                        "pass", "class", "while", "yield", "break", "raise",
                        "lambda", "return", "import", "global", "assert",
                        "async", "await", "except", "finally", "continue",
                        "nonlocal"})
values = st.one_of(st.integers(), st.text(max_size=10), st.booleans(),
                   st.none(), st.lists(st.integers(), max_size=3))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(PATH_KINDS), form=st.sampled_from(
    ("relative", "absolute", "pathlib")),
    assignments=st.dictionaries(identifiers, values, max_size=5),
    run_name=st.one_of(st.none(), st.sampled_from(["a.b.c", "x", "__main__"])),
    init=st.one_of(st.none(), st.dictionaries(identifiers, values,
                                              max_size=3)))
def test_generated_targets_match_runpy(kind, form, assignments, run_name,
                                       init, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gen")
    body = PROBE + "".join("{} = {!r}\n".format(k, v)
                           for k, v in assignments.items())
    target = path_in_form(make_path_target(kind, tmp_path, body), form,
                          tmp_path)
    if runpy_fails_on_object_entries(kind, form):
        return
    import zipimport
    old = os.getcwd(), sys.path_importer_cache, zipimport._zip_directory_cache
    os.chdir(str(tmp_path))
    # Per example, as the autouse fixture does per test (see there).
    sys.path_importer_cache = dict(old[1])
    zipimport._zip_directory_cache = {}
    try:
        theirs, mine = run_both(runpy.run_path, runpath_spec.run_path,
                                target, init_globals=init, run_name=run_name)
    finally:
        os.chdir(old[0])
        sys.path_importer_cache = old[1]
        zipimport._zip_directory_cache = old[2]
    assert_same(theirs, mine)


@pytest.mark.parametrize("action", ["ignore", "error"])
@pytest.mark.parametrize("api", ["run_module", "compat.run_module"])
def test_already_imported_warning_matches_runpys_filters(api, action,
                                                         module_tree):
    """Issue #14: the warning is runpy's -- a filter for module 'runpy'
    matches it, and it shows runpy's file and line."""
    import warnings
    __import__(module_tree + ".mod")
    ours = runpath_spec.run_module if api == "run_module" else \
        compat.run_module
    results = []
    for func in (runpy.run_module, ours):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings(action, category=RuntimeWarning,
                                    module="runpy")
            try:
                func(module_tree + ".mod")
                results.append(("ran", [(w.filename, w.lineno, str(
                    w.message)) for w in caught
                    if w.category is RuntimeWarning]))
            except RuntimeWarning as exc:
                results.append(("raised", str(exc)))
    assert results[0] == results[1]
    assert results[0][0] == ("raised" if action == "error" else "ran")
    if action == "ignore":
        assert results[0][1] == []


def test_already_imported_warning_shows_runpys_location(module_tree):
    import warnings
    __import__(module_tree + ".mod")
    locations = []
    for func in (runpy.run_module, runpath_spec.run_module):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            func(module_tree + ".mod")
        locations.append([(w.filename, w.lineno) for w in caught
                          if w.category is RuntimeWarning])
    assert locations[0] == locations[1] and len(locations[0]) == 1
