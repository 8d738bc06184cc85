#!/usr/bin/env bash
# Set up for tests and run the whole suite on SQLite, then on PostgreSQL.
# PostgreSQL: the server at TEST_PG_SERVER (default 127.0.0.1:5432, user
# postgres); the suite creates and drops its own databases. If it is not
# reachable the run fails: it never skips.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || exit 1

status=0
for backend in sqlite postgresql; do
  echo
  echo "=== test suite on $backend ==="
  DRAFTING_TEST_DB=$backend .venv/bin/python -m pytest -p no:cacheprovider "$@" || status=1
done
if [ "$status" = 0 ]; then echo "All tests passed on SQLite and PostgreSQL."; else echo "Tests FAILED." >&2; fi
exit $status
