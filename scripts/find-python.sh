#!/usr/bin/env bash
# Print the path of a Python >= 3.12 to build the virtualenv with, or explain and fail.
# Order: $PYTHON if given; python3.13, python3.12, python3 on PATH (each must actually run,
# so a pyenv shim without that version installed is skipped); then interpreters installed
# under pyenv or /usr/local but not on PATH.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON does not run or is older than 3.12." >&2; exit 1
fi
for c in python3.13 python3.12 python3; do
  if command -v "$c" >/dev/null 2>&1 && ok "$c"; then
    "$c" -c 'import sys; print(sys.executable)'; exit 0
  fi
done
for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3 \
         "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3 \
         /usr/local/bin/python3.13 /usr/local/bin/python3.12; do
  if [ -x "$c" ] && ok "$c"; then echo "$c"; exit 0; fi
done
{
  echo "kpixa needs Python 3.12 or newer, and none was found (tried python3.13, python3.12,"
  echo "python3 and pyenv's versions). Install one (e.g. apt-get install python3.12, or"
  echo "pyenv install 3.13), or name it: make run PYTHON=/path/to/python3.13"
} >&2
exit 1
