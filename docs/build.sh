#!/usr/bin/env bash
# Build the documentation site into docs/_build/html/ (warnings are errors; no network).
set -euo pipefail
cd "$(dirname "$0")"
py=${PYTHON:-../.venv/bin/python}

exec "$py" -m sphinx -b html -W --keep-going -q -j auto . _build/html "$@"
