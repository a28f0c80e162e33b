"""Runs every check module under ``checks/`` with azure-ai-ml as the judge; ends with ``N passed, N failed``.

Usage: ``python3 oracle.py WORK_DIR [MODULE ...]``. WORK_DIR holds what the app produced (``plans/``) and, when the
emulator runs, ``emulator.json``; the modules read them through ``ctx``.
"""
import importlib
import json
import os
import pkgutil
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _context(work):
    ctx = {"work": work, "emulator": None}
    emulator = os.path.join(work, "emulator.json")
    if os.path.exists(emulator):
        with open(emulator, encoding="utf-8") as f:
            ctx["emulator"] = json.load(f)
    return ctx


def _modules(only):
    import checks

    names = sorted(m.name for m in pkgutil.iter_modules(checks.__path__))
    return [importlib.import_module(f"checks.{n}") for n in names if not only or n in only]


def main(argv):
    work = argv[1] if len(argv) > 1 else os.getcwd()
    ctx = _context(work)
    passed = failed = 0
    for module in _modules(set(argv[2:])):
        for name, fn in module.checks(ctx):
            try:
                fn()
            except Exception as err:  # every failure is reported, the run goes on
                failed += 1
                detail = str(err) or type(err).__name__
                print(f"FAIL {name}: {detail}")
                if os.environ.get("ORACLE_TRACE"):
                    traceback.print_exc()
            else:
                passed += 1
                print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
