"""Run CPython's own test suites in this interpreter: by default
test_runpy and test_cmd_line_script, else the suites named as arguments
(``python cpython_suite_driver.py test.test_import``).

Meant to run in a scratch virtual environment whose site-packages holds a
``.pth`` that installs runpath_spec.compat as ``runpy`` at start-up (the
lazy stand-in ``--install-runpy`` writes, or the eager one-line form), so
that the in-process tests and every ``python -m``, directory and zip
execution in the tests' subprocesses go through runpath_spec.

``--outcomes`` is for comparing two runs instead (tests/test_adapter_pdb.py:
pdb's target classes, original or adapted): runpy need not be the
stand-in, and one ``OUTCOME <pass|fail|skip> <test id>`` line is printed
per test, after the module pdb's ``_ScriptTarget`` comes from.
"""

import importlib
import sys
import unittest

#: test_library_module runs run_module("runpy"), which finds the stand-in;
#: test_main_recursion_error expects run_path of an empty directory to run
#: a __main__ found elsewhere on sys.path -- gh-75221, fixed on purpose.
EXEMPT = {"test_main_recursion_error"}
SUITES = ("test.test_runpy", "test.test_cmd_line_script")


def _flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _flatten(item)
        else:
            yield item


def standin():
    """"lazy" or "eager" (which stand-in is runpy), else None.  Asks
    without using runpy, which would load the lazy one."""
    runpy = sys.modules.get("runpy")
    if type(runpy).__name__ == "LazyRunpy":
        return "lazy"
    if vars(runpy or sys).get("__name__") == "runpath_spec.compat":
        return "eager"
    return None


class _Started(unittest.TextTestResult):
    """A result that also lists every test that started, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = []

    def startTest(self, test):
        super().startTest(test)
        self.started.append(test)


def outcomes(result):
    """{test id: "pass", "skip" or "fail"}: "fail" if anything in it failed
    (a subtest, an unexpected success); a class or module that could not
    be set up is a test of its own.  A test run again under the same id
    (test_pdb's doctests, once per pdb backend on 3.14+) is "<id> #2"."""
    keys, seen = {}, {}
    for test in result.started:
        seen[test.id()] = count = seen.get(test.id(), 0) + 1
        keys[id(test)] = test.id() + ("" if count == 1 else " #%d" % count)
    outcome = dict.fromkeys(keys.values(), "pass")

    def key(test):
        test = getattr(test, "test_case", test)  # a subtest's test
        return keys.get(id(test), test.id())

    for test, _ in result.skipped:
        outcome[key(test)] = "skip"
    for test in [test for test, _ in result.failures + result.errors] \
            + result.unexpectedSuccesses:
        outcome[key(test)] = "fail"
    return outcome


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    compare = "--outcomes" in argv
    suites = [name for name in argv if name != "--outcomes"] or SUITES
    if compare:
        pdb = sys.modules.get("pdb")
        print("pdb targets: %s" % (pdb and pdb._ScriptTarget.__module__,))
    elif standin() is None:
        print("runpy is not the stand-in: %r" % (sys.modules.get("runpy"),))
        return 2
    else:
        print("stand-in: %s" % standin())
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    skipped = []
    for name in suites:
        for test in _flatten(loader.loadTestsFromModule(
                importlib.import_module(name))):
            method = getattr(test, "_testMethodName", None)
            if method in EXEMPT:
                skipped.append(test.id())
                continue
            suite.addTest(test)
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stdout,
                                     resultclass=_Started).run(suite)
    if compare:
        for test_id, outcome in sorted(outcomes(result).items()):
            print("OUTCOME %s %s" % (outcome, test_id))
    print("exempt: %s" % ", ".join(sorted(skipped)))
    print("SUITES %d run, %d failures, %d errors, %d skipped" % (
        result.testsRun, len(result.failures), len(result.errors),
        len(result.skipped)))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
