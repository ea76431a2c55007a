"""A cProfile-style profiler: ``python profiler.py [-o FILE] [-m MOD |
-c CODE | TARGET] [ARGS...]`` runs the target as ``python`` would and
profiles the program alone: runpath_spec finds and compiles it before the
profiler starts, so none of its calls (or the tool's) are counted."""
from __future__ import annotations

import cProfile
import pstats
import sys

from runpath_spec import MainTarget


def main(argv: list[str]) -> int:
    out = None
    if argv[:1] == ["-o"]:
        out, argv = argv[1], argv[2:]
    module, command = argv[:1] == ["-m"], argv[:1] == ["-c"]
    argv = argv[1:] if module or command else argv
    if not argv:
        sys.exit("usage: profiler.py [-o FILE] [-m | -c] TARGET [ARGS...]")
    try:
        target = MainTarget(argv[0], argv[1:], module=module,
                            command=command)
    except BaseException as exc:          # "can't open file": python's words
        return MainTarget.start_failed(exc, argv[0], module=module)
    profiler = cProfile.Profile()
    try:
        code = target.code                # compiled before profiling starts
        with target.as_main(restore=False) as main_module:
            profiler.enable()
            try:
                if code is None:          # a loader runs it (a notebook)
                    target.run(restore=False, module=main_module)
                else:
                    exec(code, vars(main_module))
            finally:
                profiler.disable()
    except BaseException as exc:
        status = target.finish(exc)       # as python ends: status, report
    else:
        status = target.finish()
    if out:
        profiler.dump_stats(out)
    else:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            "cumulative").print_stats(15)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
