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
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== store tests: SQLite and PostgreSQL at $(echo "$TEST_DATABASE_URL" | sed -E 's#(//[^:/@]*:)[^@]*@#\1***@#')"
else
  echo "== store tests: SQLite only (TEST_DATABASE_URL not set; bash .ci/run starts PostgreSQL and sets it)"
fi
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
