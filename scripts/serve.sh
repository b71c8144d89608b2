#!/usr/bin/env bash
# Serve the demo: the background job worker (web imports) and the web server, stopped together.
set -euo pipefail
PY=.venv/bin/python
PORT="${PORT:-8000}"
"$PY" manage.py run_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Serving kpixa on http://127.0.0.1:${PORT}/ — log in at http://127.0.0.1:${PORT}/accounts/login/ (Ctrl+C to stop)"
"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload
