"""A pdb-style debugger: ``python debugger.py [-m] TARGET [ARGS...]`` stops
at the target's first line; ``restart`` runs it again, re-read from disk;
an uncaught exception is shown as python shows it, then examined."""
import pdb
import sys

from runpath_spec import MainTarget, RunpathError


class Debugger(pdb.Pdb):
    def __init__(self):
        # runpath_spec's own frames are never stepped into.
        super().__init__(skip=["runpath_spec.*"])

    def run_target(self, target):
        code = target.code            # a SyntaxError: the program's error
        # sys as python gives it, left so afterwards (restore=False).
        with target.as_main(restore=False) as main_module:
            self.run(code, vars(main_module))   # stops at the first line


def main(argv):
    module = argv[:1] == ["-m"]
    argv = argv[1:] if module else argv
    if not argv:
        sys.exit("usage: debugger.py [-m] TARGET [ARGS...]")
    try:
        target = MainTarget(argv[0], argv[1:], module=module)
    except SyntaxError as exc:          # -m compiles while it finds
        sys.excepthook(type(exc), exc.with_traceback(None), None)
        return 1
    except (OSError, RunpathError) as exc:
        sys.stderr.write("cannot run %s: %s\n" % (argv[0], exc))
        return 1
    debugger = Debugger()
    while True:
        try:
            debugger.run_target(target)
            return 0
        except pdb.Restart:                       # "restart" / "run"
            target = target.again()
            print("Restarting", target.argv0)
        except SyntaxError as exc:
            sys.excepthook(type(exc), exc.with_traceback(None), None)
            return 1
        except SystemExit:
            raise
        except BaseException as exc:      # the program's traceback, alone
            tb = exc.__traceback__ = target.own_traceback(exc.__traceback__)
            sys.excepthook(type(exc), exc, tb)
            print("Uncaught exception: entering post mortem debugging")
            debugger.interaction(None, tb)
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
