"""A coverage-style runner: ``python coverage_runner.py [--report FILE]
[-m MOD | -c CODE | TARGET] [ARGS...]`` runs the target as ``python`` would,
under a line tracer, then reports which lines of the program's file ran."""
from __future__ import annotations

import sys
import threading
from types import FrameType
from typing import Any

from runpath_spec import MainTarget


def main(argv: list[str]) -> int:
    report = None
    if argv[:1] == ["--report"]:
        report, argv = argv[1], argv[2:]
    module, command = argv[:1] == ["-m"], argv[:1] == ["-c"]
    argv = argv[1:] if module or command else argv
    if not argv:
        sys.exit("usage: coverage_runner.py [--report FILE] [-m | -c] TARGET")
    try:                                  # 1. find, as python finds it
        target = MainTarget(argv[0], argv[1:], module=module,
                            command=command)
    except BaseException as exc:          # "can't open file": python's words
        return MainTarget.start_failed(exc, argv[0], module=module)
    lines: set[int] = set()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and target.is_program(frame):   # not ours
            lines.add(frame.f_lineno)
        return tracer

    threading.settrace(tracer)
    sys.settrace(tracer)
    try:    # compile, prepare sys as python does, run; restore=False: sys
        # stays as the program left it for atexit handlers, as under python
        target.run(restore=False)
    except BaseException as exc:          # a SyntaxError included: the
        sys.settrace(None)                # program's, as python ends it
        status = target.finish(exc)
    else:
        sys.settrace(None)
        status = target.finish()
    out = open(report, "w") if report else sys.stderr
    out.write("%s: %d lines ran: %s\n" % (
        target.filename, len(lines), " ".join(map(str, sorted(lines)))))
    if report:
        out.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
