#!/usr/bin/env bash
# Set up for tests and run the whole suite on SQLite and on PostgreSQL.
# PostgreSQL: the server at TEST_PG_SERVER (default 127.0.0.1:5432, user
# postgres); the suite creates and drops its own databases. If it is not
# reachable the run fails: it never skips.
#
# The two runs share nothing (each makes its own databases, ports, Redis key
# prefixes and temporary directories), so on a machine with two or more cores
# they run side by side, each writing its log; TEST_SERIAL=1 runs them one
# after the other with the output on the terminal. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || exit 1

backends=(sqlite postgresql)
status=0
cores=$(nproc 2>/dev/null || echo 1)
if [ "${TEST_SERIAL:-0}" = 1 ] || [ "$cores" -lt 2 ]; then
  for backend in "${backends[@]}"; do
    echo
    echo "=== test suite on $backend ==="
    DRAFTING_TEST_DB=$backend .venv/bin/python -m pytest -p no:cacheprovider "$@" || status=1
  done
else
  logs=$(mktemp -d)
  declare -A pids
  for backend in "${backends[@]}"; do
    DRAFTING_TEST_DB=$backend .venv/bin/python -m pytest -p no:cacheprovider "$@" \
      >"$logs/$backend.log" 2>&1 &
    pids[$backend]=$!
  done
  echo "Running the suite on ${backends[*]} side by side (logs in $logs)…"
  for backend in "${backends[@]}"; do
    if wait "${pids[$backend]}"; then result=passed; else result=FAILED; status=1; fi
    echo
    echo "=== test suite on $backend: $result ==="
    cat "$logs/$backend.log"
  done
fi
if [ "$status" = 0 ]; then echo "All tests passed on SQLite and PostgreSQL."; else echo "Tests FAILED." >&2; fi
exit $status
