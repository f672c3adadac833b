#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: lint, data validation, unit, page and browser tests.
source "$(dirname "${BASH_SOURCE[0]}")/scripts_env.sh"
echo "== ruff"
.venv/bin/ruff check .
echo "== python -m geo validate"
.venv/bin/python -m geo validate > /tmp/hanoi-validate.txt || { cat /tmp/hanoi-validate.txt; exit 1; }
grep -E "^== " /tmp/hanoi-validate.txt
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "== browser tests: chromium found at ${CHROMIUM:-/usr/bin/chromium}, they run"
else
  echo "== browser tests: chromium NOT found (apt-get install chromium); tests/e2e will be skipped"
fi
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
