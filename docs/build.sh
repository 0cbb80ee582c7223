#!/usr/bin/env bash
# Build the documentation site into docs/_build/html/ (warnings are errors; no network). Always from a
# fresh environment (-E): an incremental build can keep stale navigation and miss broken links.
set -euo pipefail
cd "$(dirname "$0")"
py=${PYTHON:-../.venv/bin/python}

exec "$py" -m sphinx -b html -W --keep-going -q -E -j auto . _build/html "$@"
