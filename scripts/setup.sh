#!/usr/bin/env bash
# Set up drafting on a fresh Debian machine: system packages, a virtual
# environment with the pinned dependencies, and the compiled translations.
#   scripts/setup.sh          what running the app needs
#   scripts/setup.sh --test   also what the test suite needs (Chromium, pdftoppm)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# --- Debian packages -------------------------------------------------------
# fonts-noto-cjk: Chinese fonts embedded in the PDF export.
# libharfbuzz-subset0: without it WeasyPrint subsets fonts with fontTools,
#   about three times slower on CJK text.
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 python3-venv)
if [ "$want_test" = 1 ]; then
  packages+=(chromium poppler-utils unzip libreoffice-writer-nogui)
  # npm fetches axe-core for the accessibility tests (tests/e2e/axe.py); a
  # Node.js that already brings its own npm (e.g. NodeSource) is enough.
  command -v npm >/dev/null || packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "Cannot install system packages (not root, no sudo). Run this, then try again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python ----------------------------------------------------------------
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
extras=""
[ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.installed$extras"
digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$digest" > "$stamp"
fi

# --- Translations ----------------------------------------------------------
.venv/bin/pybabel compile -d drafting/translations -f
echo "Set-up done."
