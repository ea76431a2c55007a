"""A coverage-style runner: ``python coverage_runner.py [--report FILE]
[-m] TARGET [ARGS...]`` runs TARGET as ``python TARGET ARGS`` would, under
a line tracer, then reports which lines of the target's file ran."""
import sys
import threading

from runpath_spec import MainTarget, RunpathError


def main(argv):
    report = None
    if argv[:1] == ["--report"]:
        report, argv = argv[1], argv[2:]
    module = argv[:1] == ["-m"]
    argv = argv[1:] if module else argv
    if not argv:
        sys.exit("usage: coverage_runner.py [--report FILE] [-m] TARGET ...")
    try:
        target = MainTarget(argv[0], argv[1:], module=module)   # 1. find
        code = target.code                                       # compile
    except SyntaxError as exc:      # the program's error, as python shows it
        sys.excepthook(type(exc), exc.with_traceback(None), None)
        return 1
    except (OSError, RunpathError) as exc:
        sys.stderr.write("cannot run %s: %s\n" % (argv[0], exc))
        return 1
    ran = {}

    def tracer(frame, event, arg):
        if event == "line":
            ran.setdefault(frame.f_code.co_filename, set()).add(frame.f_lineno)
        return tracer

    # 2. prepare: sys.argv, sys.path[0], __main__ as python gives them, left
    # so afterwards (restore=False): atexit handlers see the program's sys.
    with target.as_main(restore=False) as main_module:
        threading.settrace(tracer)
        sys.settrace(tracer)
        try:
            exec(code, vars(main_module))                        # 3. run
        except SystemExit:
            raise
        except BaseException as exc:      # the program's traceback, alone
            sys.settrace(None)
            tb = exc.__traceback__ = target.own_traceback(exc.__traceback__)
            sys.excepthook(type(exc), exc, tb)
            return 1
        finally:
            sys.settrace(None)
            threading.settrace(None)
            lines = sorted(ran.get(code.co_filename, ()))
            out = open(report, "w") if report else sys.stderr
            out.write("%s: %d lines ran: %s\n" % (
                code.co_filename, len(lines), " ".join(map(str, lines))))
            if report:
                out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
