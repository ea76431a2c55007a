"""A coverage-style runner: ``python coverage_runner.py [--report FILE]
[-m MOD | -c CODE | TARGET] [ARGS...]`` runs the target as ``python`` would,
under a line tracer, then reports which lines of the program's file ran."""
import sys
import threading

from runpath_spec import MainTarget


def main(argv):
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
    lines = set()

    def tracer(frame, event, arg):
        if event == "line" and target.is_program(frame):   # not ours
            lines.add(frame.f_lineno)
        return tracer

    try:
        code = target.code                # 2. compile: a SyntaxError is
        # 3. prepare sys as python does; left so (restore=False): atexit
        # handlers and threads see the program's sys, as under python.
        with target.as_main(restore=False) as main_module:
            threading.settrace(tracer)
            sys.settrace(tracer)
            try:
                exec(code, vars(main_module))               # 4. run
            finally:
                sys.settrace(None)
                threading.settrace(None)
    except BaseException as exc:          # ... the program's, like these
        status = target.finish(exc)       # 5. end as python ends
    else:
        status = target.finish()
    out = open(report, "w") if report else sys.stderr
    out.write("%s: %d lines ran: %s\n" % (
        target.filename, len(lines), " ".join(map(str, sorted(lines)))))
    if report:
        out.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
