"""Screen every mutant of a module against fast direct tests, in one Python process.

mutmut's trampoline reads MUTANT_UNDER_TEST at every call, so one process can run the same tests again and
again with another mutant active each time: no interpreter start and no pandas import per mutant (several
times faster than recheck.sh --all). What survives the screen is then re-run against the slower tests
(tests/mutation/recheck.sh, or a mutmut run). A mutant still running after --timeout seconds counts as
killed, as in mutmut.

Usage, from the repository:
    .venv/bin/python tests/mutation/screen.py build/mutation/domain kam_xl.domain.trend tests/test_trend_by_hand.py
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path


class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, help="a mutmut run directory (holding mutants/)")
    parser.add_argument("module", help="mutants whose name starts with this, e.g. kam_xl.domain.trend")
    parser.add_argument("tests", nargs="+", help="test files, copied into the run's mutants/tests")
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--part", default="1/1", help="K/N: every N-th mutant from the K-th (one process per core)")
    parser.add_argument("--only", type=Path, help="a file of mutant names (e.g. an earlier screen's survivors)")
    parser.add_argument("-k", dest="select", help="pytest -k expression choosing tests within the files")
    args = parser.parse_args()
    part, parts = map(int, args.part.split("/"))
    repo = Path(__file__).resolve().parents[2]
    mutmut = Path(sys.executable).with_name("mutmut")
    listing = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=args.run_dir, capture_output=True,
                             text=True).stdout
    names = [line.strip().split(":")[0] for line in listing.splitlines()
             if line.strip().startswith(args.module + ".")][part - 1::parts]
    if args.only:
        wanted = set(args.only.read_text().split())
        names = [name for name in names if name in wanted]
    for test in args.tests:
        shutil.copy(repo / test, args.run_dir / "mutants" / test)
    os.chdir(args.run_dir / "mutants")
    sys.path.insert(0, os.getcwd())
    import pytest

    def run() -> int:
        with contextlib.redirect_stdout(io.StringIO()):
            return pytest.main(["-q", "-x", "-p", "no:cacheprovider", "-o", "addopts=", *args.tests,
                                *(["-k", args.select] if args.select else [])])
    os.environ["MUTANT_UNDER_TEST"] = ""
    if run() != 0:
        sys.exit("the tests fail without any mutant: fix them first")
    signal.signal(signal.SIGALRM, _alarm)
    survived = 0
    for name in names:
        os.environ["MUTANT_UNDER_TEST"] = name
        signal.alarm(args.timeout)
        try:
            code = run()
        except _Timeout:
            code = 1
        finally:
            signal.alarm(0)
        if code == 0:
            survived += 1
        print(f"{'survived' if code == 0 else 'killed  '}  {name}", flush=True)
    print(f"{len(names) - survived} of {len(names)} killed", flush=True)


if __name__ == "__main__":
    main()
