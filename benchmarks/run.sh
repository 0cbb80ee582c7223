#!/usr/bin/env bash
# One command for the whole suite: installs what is missing, then runs every client and scenario and
# writes docs/benchmarks.md and docs/benchmarks.png. `--quick` for a fast smoke run.
# Any other arguments go to benchmarks/run.py (see `--help`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="$(bash "$here/setup.sh")"
exec "$py" "$here/run.py" "$@"
