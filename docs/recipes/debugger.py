"""A pdb-style debugger: ``python debugger.py [-m MOD | -c CODE | TARGET]
[ARGS...]`` stops at the program's first line; ``restart`` runs the very
file again; an uncaught exception is shown as python shows it, then
examined post mortem."""
from __future__ import annotations

import pdb
import sys

from runpath_spec import MainTarget


def main(argv: list[str]) -> int:
    module, command = argv[:1] == ["-m"], argv[:1] == ["-c"]
    argv = argv[1:] if module or command else argv
    if not argv:
        sys.exit("usage: debugger.py [-m | -c] TARGET [ARGS...]")
    try:
        target = MainTarget(argv[0], argv[1:], module=module,
                            command=command)
    except BaseException as exc:          # "can't open file": python's words
        return MainTarget.start_failed(exc, argv[0], module=module)
    # runpath_spec's own frames are never stepped into.
    debugger = pdb.Pdb(skip=["runpath_spec.*"])
    while True:
        try:
            code = target.code            # a SyntaxError: the program's
        except BaseException as exc:
            return target.finish(exc)
        try:
            # sys as python gives it, left so afterwards (restore=False).
            with target.as_main(restore=False) as main_module:
                if code is None:          # a loader runs it (a notebook)
                    debugger.runcall(target.run, restore=False,
                                     module=main_module)
                else:
                    debugger.run(code, vars(main_module))   # stops at 1
        except pdb.Restart:               # "restart" / "run"
            target = target.again()       # the same file, argv as given
            print("Restarting", target.filename)
            continue
        except SystemExit as exc:
            return target.finish(exc)
        except BaseException as exc:
            status = target.finish(exc)   # python's traceback and sys.last_*
            print("Uncaught exception: entering post mortem debugging")
            debugger.interaction(None, target.own_traceback(
                exc.__traceback__))
            return status
        return target.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
