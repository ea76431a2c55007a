"""Run CPython's own test_runpy and test_cmd_line_script in this interpreter.

Meant to run in a scratch virtual environment whose site-packages holds a
``.pth`` that installs runpath_spec.compat as ``runpy`` at start-up, so
that the in-process tests and every ``python -m``, directory and zip
execution in the tests' subprocesses go through runpath_spec.
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


def main():
    runpy = sys.modules.get("runpy")
    if getattr(runpy, "__name__", None) != "runpath_spec.compat":
        print("runpy is not the stand-in: %r" % (runpy,))
        return 2
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    skipped = []
    for name in SUITES:
        for test in _flatten(loader.loadTestsFromModule(
                importlib.import_module(name))):
            if getattr(test, "_testMethodName", None) in EXEMPT:
                skipped.append(test.id())
                continue
            suite.addTest(test)
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stdout).run(suite)
    print("exempt: %s" % ", ".join(sorted(skipped)))
    print("SUITES %d run, %d failures, %d errors, %d skipped" % (
        result.testsRun, len(result.failures), len(result.errors),
        len(result.skipped)))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
