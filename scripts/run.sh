#!/usr/bin/env bash
# Set up, migrate, load the demo data into an empty database, and serve
# the app on http://127.0.0.1:5000 with the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export FLASK_APP=app.py
.venv/bin/flask db upgrade
.venv/bin/flask seed-demo --if-empty
echo
echo "drafting is running on http://127.0.0.1:${PORT:-5000}  (Ctrl-C to stop)"
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
