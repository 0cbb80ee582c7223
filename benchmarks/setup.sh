#!/usr/bin/env bash
# Installs what the benchmark suite needs and is not there yet: nginx and wrk from Debian's packages,
# and the Python packages in benchmarks/requirements.txt into the interpreter given as $1
# (default: $PYTHON, else the repo's .venv, else python3). Safe to run again: it skips what is present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
py="${1:-${PYTHON:-}}"
if [[ -z "$py" ]]; then
    if [[ -x "$repo/.venv/bin/python" ]]; then py="$repo/.venv/bin/python"; else py="python3"; fi
fi

missing=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if ((${#missing[@]})); then
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    echo "setup: installing ${missing[*]} with apt-get" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
    # Debian may start the packaged nginx service on port 80; the suite runs its own, so stop that one.
    if [[ " ${missing[*]} " == *" nginx "* ]]; then
        $sudo service nginx stop >/dev/null 2>&1 || true
    fi
fi

if ! "$py" -c "import openai, matplotlib, trio, httpcore2, msgspec" >/dev/null 2>&1; then
    echo "setup: installing benchmarks/requirements.txt into $py" >&2
    "$py" -m pip install -q -r "$here/requirements.txt" >&2
fi
echo "$py"
