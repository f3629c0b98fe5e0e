#!/bin/bash
# Re-run mutants of a mutation directory against tests given on the command line, by activating each with
# MUTANT_UNDER_TEST as mutmut does. mutmut picks a mutant's tests from the stats of its run, so tests added
# later are only run this way.
#   recheck.sh RUN_DIR TESTS...               the mutants the run left surviving or untested
#   recheck.sh RUN_DIR --all MODULE TESTS...  every mutant of kam_xl.domain.MODULE (a whole-module screen
#                                             with fast direct tests; what survives goes to a mutmut run)
# Usage: tests/mutation/recheck.sh build/mutation/domain tests/test_receivables.py [more tests]
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
run_dir=$(cd "$1" && pwd); shift
mutmut=${MUTMUT:-$repo/.venv/bin/mutmut}
python=${PYTHON:-$repo/.venv/bin/python}
if [ "$1" = "--all" ]; then
  names=$(cd "$run_dir" && "$mutmut" results --all true 2>/dev/null | sed -n "s/^ *\(kam_xl\.domain\.$2\.[^:]*\):.*/\1/p")
  shift 2
else
  names=$(cd "$run_dir" && "$mutmut" results --all true 2>/dev/null | grep -E ": (survived|no tests)$" | sed 's/: .*//')
fi
for test in "$@"; do cp "$repo/$test" "$run_dir/mutants/$test"; done
cd "$run_dir/mutants"
# Tests of code written after the run fail on the run's own copy whatever the mutant: leave them out.
stale=$("$python" -m pytest -q -p no:cacheprovider -o addopts= -rf "$@" 2>&1 | sed -n 's/^FAILED \([^ ]*\).*/--deselect=\1/p')
[ -n "$stale" ] && echo "left out (failing on the unmutated copy): $stale"
for name in $names; do
  result=$(MUTANT_UNDER_TEST=$name timeout 300 "$python" -m pytest -q -x -p no:cacheprovider -o addopts= $stale "$@" 2>&1 | tail -1)
  case "$result" in *failed*) echo "killed    $name";; *) echo "survived  $name  ($result)";; esac
done
